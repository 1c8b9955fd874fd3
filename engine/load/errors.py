"""Pydantic validation errors → problems at ``file:line:col``: did-you-mean hints, and what
to write where a value has the wrong form."""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from engine.load.yamlsafe import Loc, Located
from engine.model.common import ErrorAt, WrongForm
from engine.problems import Problem, did_you_mean, unknown_name_hint


def problems_from(error: ValidationError, doc: Located, model: type[BaseModel]) -> list[Problem]:
    out = []
    errors = error.errors(include_url=False)
    # A misspelt required key is one mistake: its 'unknown key' problem already says
    # "did you mean ...", so the matching 'missing key' would only repeat it.
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _data_loc(doc.value, tuple(err["loc"]))
            guess = did_you_mean(str(loc[-1]), _keys_at(model, loc[:-1]))
            misspelt.add((*loc[:-1], guess))
    for err in errors:
        loc = _data_loc(doc.value, tuple(err["loc"]))
        placed = err.get("ctx", {}).get("error")
        if isinstance(placed, ErrorAt):  # a model's check about one place inside it
            loc = (*loc, *placed.at)
        kind = err["type"]
        where = ".".join(str(p) for p in loc[:-1]) or "the top level"
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _keys_at(model, loc[:-1])
            out.append(doc.problem(loc, f"unknown key '{key}' under {where}",
                                   unknown_name_hint(key, allowed, "allowed here")))
        elif kind == "missing":
            key = str(err["loc"][-1])
            if loc and loc[-1] == key and loc in misspelt:
                continue
            out.append(doc.problem(loc[:-1] if loc and loc[-1] == key else loc,
                                   f"missing key '{key}' under {where}"))
        else:
            out.append(doc.problem(loc, _message(err, loc, model), _hint(err, model, loc)))
    return out


@dataclass(frozen=True)
class Expected:
    """What a key takes, in plain words, and an example of it."""

    noun: str  # "'15' is not {noun}"
    how: str  # what to write, as an instruction
    # A value, shown as the key would be written: "limit: 28 days". A model's own
    # ``suggest(written)`` (Limit, Period) comes first; None: built from the model's keys
    # or the field, by what was written and their examples, defaults and kinds.
    example: str | None = None


# pydantic's error types for a value of the wrong type → the type it expected.
_WRONG_TYPE = {
    "decimal_parsing": "decimal", "decimal_type": "decimal", "tuple_type": "tuple",
    "date_type": "date", "date_parsing": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date", "model_type": "model",
    "int_parsing": "int", "int_from_float": "int", "int_type": "int",
}

# What to write instead of a value of the wrong type, by (the key, the type expected):
# a key with a form of its own first, then any key of that type (a model by its class
# name; any other model is 'a block of keys'). A type's example also fills in that type's
# keys in an example built from a model. Other errors keep pydantic's words.
EXPECTED: dict[tuple[str | None, str], Expected] = {
    ("tolerance", "decimal"): Expected(
        "a number of points", "write a plain number of points (in the measure's own unit for "
        "a rate or a summary)", "2 points"),
    ("scale", "tuple"): Expected("a scale", "write its lowest and highest scores as a list",
                                 "[1, 5]"),
    (None, "Limit"): Expected("a limit", "write a whole number and a unit (days, business "
                              "days, weeks, hours, minutes or seconds)", "28 days"),
    (None, "decimal"): Expected("a number", "write a plain number", "4.5"),
    (None, "date"): Expected("a date", "dates are written as YYYY-MM-DD", "2026-01-01"),
    (None, "Level"): Expected("a target level", "write a percentage, or a number in the "
                              "measure's own unit for a rate or a summary", "80%"),
    (None, "int"): Expected("a whole number", "write a whole number"),
    (None, "Period"): Expected("a period", "write the kind of period and the date that "
                               "places each row in it"),
}


def _wrong_type(err: Any) -> str | None:
    """The type a value of the wrong form should have been: pydantic's, or a model's own
    refusal (:class:`WrongForm`)."""
    ctx = err.get("ctx", {})
    if isinstance(ctx.get("error"), WrongForm):
        return str(ctx["error"].expected)
    wrong = _WRONG_TYPE.get(err["type"])
    return str(ctx.get("class_name", "")) if wrong == "model" else wrong


def _expected(err: Any, loc: Loc, model: type[BaseModel]) -> Expected | None:
    """What the key at ``loc`` takes, with an example: from the table, else, for any
    model, its keys."""
    wrong = _wrong_type(err)
    if wrong is None:
        return None
    places = _places(model, loc)
    cls = next((t for t, _ in places if _name(t) == wrong and _is_model(t)), None)
    key = loc[-1] if loc and isinstance(loc[-1], str) else None
    expected = EXPECTED.get((key, wrong)) or EXPECTED.get((None, wrong))
    if expected is None and cls is not None:
        keys = ", ".join(f.alias or n for n, f in cls.model_fields.items())
        expected = Expected("a block of keys", f"write its keys under it ({keys})")
    if expected is None:
        return None
    field = next((f for _, f in places if f is not None), None)
    return replace(expected, example=_example(expected, cls, field, err.get("input")))


def _example(expected: Expected, cls: type[BaseModel] | None, field: FieldInfo | None,
             written: Any) -> str:
    """What the model makes of what was written ({days: 15} → 15 days), else the table's
    example, else one built from the model's keys or the field."""
    suggest = getattr(cls, "suggest", None)
    meant = suggest(written) if suggest is not None else None
    if meant:
        return str(meant)
    if expected.example:
        return expected.example
    return _model_example(cls, written) if cls is not None else _sample(field, written)


def _model_example(cls: type[BaseModel], written: Any) -> str:
    """A model written on one line: its required keys and the first key that takes what was
    written (period: month → kind: month), else its first key, each with a value."""
    fields = {f.alias or n: f for n, f in cls.model_fields.items()}
    taking = next((k for k, f in fields.items() if _takes(f, written)), None)
    shown = [k for k, f in fields.items() if f.is_required() or k == taking] or list(fields)[:1]
    return "{" + ", ".join(f"{k}: {_sample(fields[k], written if k == taking else None)}"
                           for k in shown) + "}"


def _takes(field: FieldInfo, written: Any) -> bool:
    """Whether ``written`` is a value of the field. A field that takes any text (a name, a
    column) takes none here: the word is more likely meant for another key."""
    return written is not None and _valid(field, written) and not _valid(field, "¿ ?")


def _valid(field: FieldInfo, value: Any) -> bool:
    tp: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    try:
        TypeAdapter(tp).validate_python(value)
    except ValidationError:
        return False
    return True


def _sample(field: FieldInfo | None, written: Any = None) -> str:
    """A value for a field: what was written, where the field takes it; else the field's
    own example, its default, its first kind, its least value, its type's example."""
    if field is None:
        return "…"
    if written is not None and _takes(field, written):
        return _flow(written)
    tps = _unwrap(field.annotation)
    kinds = [m.value for t in tps if isinstance(t, type) and issubclass(t, Enum) for m in t]
    least = [getattr(m, "ge", None) for m in field.metadata]
    for value in (*(field.examples or ()), field.default, *kinds, *least):
        if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
            return _flow(value)
    typed = [e.example for t in tps if (e := EXPECTED.get((None, _name(t)))) and e.example]
    if typed:
        return typed[0]
    return "{…}" if any(_is_model(t) for t in tps) else "1" if int in tps else "…"


def _shown(value: Any) -> str:
    """A value as it was written in YAML."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "an empty value"
    if isinstance(value, dict | list):
        flow = _flow(value)
        return flow if len(flow) <= 40 else "a mapping" if isinstance(value, dict) else "a list"
    return _flow(value)


def _flow(value: Any) -> str:
    """A value as YAML writes it on one line: {days: 15}, [1, 5], true, 2026-01-01."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and _NEEDS_QUOTES.search(value):
        return "'" + value.replace("'", "''") + "'"
    return "" if value is None else str(value)  # numbers, text, dates and times


# Text that YAML would not read back as the same text, written plain in a flow mapping.
_NEEDS_QUOTES = re.compile(r"[,\[\]{}#]|: |^[\s&*!|>'\"%@`?-]|\s$|^$")


def _message(err: Any, loc: Loc, model: type[BaseModel]) -> str:
    name = ".".join(str(p) for p in loc)
    expected = _expected(err, loc, model)
    if expected is not None and name:
        key = loc[-1]
        example = f"{key}: {expected.example}" if isinstance(key, str) else expected.example
        return (f"{name}: {_shown(err.get('input'))} is not {expected.noun}; {expected.how}, "
                f"like {example}")
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if err["type"] in ("value_error", "assertion_error") or not name:
        return f"{name}: {msg}" if name else msg
    got = err.get("input")
    shown = f" (found {got!r})" if got is not None and not isinstance(got, dict | list) else ""
    return f"{name}: {msg[0].lower() + msg[1:]}{shown}"


def _hint(err: Any, model: type[BaseModel], loc: Loc) -> str | None:
    if err["type"] == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
        guess = unknown_name_hint(str(err.get("input")), options, "allowed")
        return guess if guess.startswith("did you mean") else None
    return None


def _data_loc(value: Any, loc: Loc) -> Loc:
    """Drop the parts pydantic adds for union members ('str', 'list[str]'), keep data paths."""
    out: list[str | int] = []
    current = value
    for part in loc:
        in_dict = isinstance(current, dict) and isinstance(part, str) and part in current
        in_list = (isinstance(current, list) and isinstance(part, int)
                   and 0 <= part < len(current))
        if in_dict or in_list:
            current = current[part]
            out.append(part)
        elif isinstance(current, dict) and isinstance(part, str) and not _looks_like_tag(part):
            out.append(part)  # a missing or unknown key: still a place to name
            current = None
    return tuple(out)


def _looks_like_tag(part: str) -> bool:
    return any(c in part for c in "[]") or part in ("str", "int", "float", "bool", "date")


def _keys_at(model: type[BaseModel], loc: Loc) -> list[str]:
    # A list's keys are its items': one item may be written without its list.
    places = [t for tp, _ in _places(model, loc)
              for t in (_unwrap(get_args(tp)[0]) if get_origin(tp) is list else [tp])]
    return [f.alias or n for tp in places if _is_model(tp) for n, f in tp.model_fields.items()]


def _places(model: type[BaseModel], loc: Loc) -> list[tuple[Any, FieldInfo | None]]:
    """What may be written at ``loc``: each type it may take, with the field it is the
    value of (None for a list's item or a mapping's value)."""
    places: list[tuple[Any, FieldInfo | None]] = [(model, None)]
    for part in loc:
        places = [p for tp, _ in places for t in _unwrap(tp) for p in _inside(t, part)]
    return [(t, field) for tp, field in places for t in _unwrap(tp)]


def _inside(tp: Any, part: str | int) -> list[tuple[Any, FieldInfo | None]]:
    if _is_model(tp) and isinstance(part, str):
        return [(f.annotation, f) for n, f in tp.model_fields.items() if part in (n, f.alias)]
    if get_origin(tp) is list:
        item = get_args(tp)[0]
        if isinstance(part, int):
            return [(item, None)]
        # One item written without its list (target: {at_least: 80%}) is read as the list.
        return [p for t in _unwrap(item) for p in _inside(t, part)]
    if get_origin(tp) is dict and isinstance(part, str):
        return [(get_args(tp)[1], None)]
    return []


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _name(tp: Any) -> str:
    """A type's name as the table of forms knows it: 'int', 'date', 'decimal', 'Limit'."""
    return "decimal" if tp is Decimal else getattr(tp, "__name__", "")


def _unwrap(tp: Any) -> list[Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [u for a in get_args(tp) for u in _unwrap(a)]
    return [tp]
