"""Pydantic validation errors → problems at ``file:line:col``: did-you-mean hints, and what
to write where a value has the wrong form."""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from engine.load.yamlsafe import Loc, Located
from engine.model.common import ErrorAt
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
            out.append(doc.problem(loc, _message(err, loc), _hint(err, model, loc)))
    return out


@dataclass(frozen=True)
class Expected:
    """What a key takes, in plain words, and an example of it."""

    noun: str  # "'15' is not {noun}"
    how: str  # what to write, as an instruction
    example: str  # a value, shown as the key would be written: "limit: 28 days"


# pydantic's error types for a value of the wrong type → the type it expected.
_WRONG_TYPE = {
    "decimal_parsing": "decimal", "decimal_type": "decimal", "tuple_type": "tuple",
    "date_type": "date", "date_parsing": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date", "model_type": "model",
}

# What to write instead of a value of the wrong type, by (the key, the type expected):
# a key with a form of its own first, then any key of that type (a model by its class
# name). Other errors keep pydantic's words.
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
}


def _expected(err: Any, loc: Loc) -> Expected | None:
    wrong = _WRONG_TYPE.get(err["type"])
    if wrong == "model":
        wrong = str(err.get("ctx", {}).get("class_name", ""))
    if wrong is None:
        return None
    key = loc[-1] if loc and isinstance(loc[-1], str) else None
    return EXPECTED.get((key, wrong)) or EXPECTED.get((None, wrong))


def _shown(value: Any) -> str:
    """A value as it was written in YAML."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)  # numbers, and dates and times as YAML writes them


def _message(err: Any, loc: Loc) -> str:
    name = ".".join(str(p) for p in loc)
    expected = _expected(err, loc)
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
    candidates: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for tp in (t for c in candidates for t in _unwrap(c)):
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                for name, field in tp.model_fields.items():
                    if part in (name, field.alias):
                        nxt.append(field.annotation)
            elif get_origin(tp) is list and isinstance(part, int):
                nxt.extend(get_args(tp)[:1])
            elif get_origin(tp) is dict and isinstance(part, str):
                nxt.extend(get_args(tp)[1:2])
        candidates = nxt
    keys: list[str] = []
    for tp in (t for c in candidates for t in _unwrap(c)):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            keys += [f.alias or n for n, f in tp.model_fields.items()]
    return keys


def _unwrap(tp: Any) -> list[Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [u for a in get_args(tp) for u in _unwrap(a)]
    return [tp]
