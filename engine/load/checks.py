"""Checks that need more than one file: names, column types, expressions, paths.

Each check returns problems positioned at the YAML key that caused them.
"""

from __future__ import annotations

import codecs
import contextlib
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from engine import expr
from engine.load.paths import ELSEWHERE, pattern_problem
from engine.load.yamlsafe import Loc, Located
from engine.model.catalogue import Settings
from engine.model.common import Limit, LimitUnit
from engine.model.dataset import ColumnType, Dataset
from engine.model.standard import Measure
from engine.problems import Problem, unknown_name_hint

_TEMPORAL = {ColumnType.date, ColumnType.datetime}
_NUMERIC = {ColumnType.integer, ColumnType.decimal}


def check_settings(settings: Settings, doc: Located) -> list[Problem]:
    import holidays

    cal = settings.calendar
    if cal.country is None:
        return []
    try:  # one country's module: listing every supported country imports them all
        holidays.country_holidays(cal.country, subdiv=cal.subdivision)
        return []
    except NotImplementedError:
        pass
    supported = holidays.list_supported_countries()
    if cal.country not in supported:
        return [doc.problem(("calendar", "country"), f"no public-holiday calendar for "
                            f"'{cal.country}'", unknown_name_hint(cal.country, supported,
                                                                  "country codes"))]
    subdivisions = supported[cal.country]
    return [doc.problem(("calendar", "subdivision"), f"'{cal.subdivision}' is not a "
                        f"subdivision of {cal.country}",
                        unknown_name_hint(str(cal.subdivision), subdivisions, "subdivisions"))]


def check_dataset(ds: Dataset, doc: Located, root: Path) -> list[Problem]:
    out: list[Problem] = []
    for i, pattern in enumerate(ds.files):
        why = pattern_problem(pattern)
        if why is not None:
            out.append(doc.problem(("files", i), why, ELSEWHERE))
    for i, key in enumerate(ds.key):
        if key not in ds.columns:
            out.append(doc.problem(("key", i), f"key column '{key}' is not declared",
                                   unknown_name_hint(key, ds.columns, "columns")))
    try:
        codecs.lookup(ds.csv.encoding)
    except LookupError:
        out.append(doc.problem(("csv", "encoding"), f"unknown encoding '{ds.csv.encoding}'",
                               "use utf-8, cp1252 or latin-1"))
    types = ds.column_types()
    for i, check in enumerate(ds.checks):
        out += _expression(doc, ("checks", i, "rule"), check.rule, types)
    return out


def check_standard(raw: dict[str, Any], ds: Dataset, doc: Located) -> list[Problem]:
    """Column and expression checks, run on the raw YAML so that they report even when
    other keys of the same standard are wrong (every problem in one pass)."""
    out: list[Problem] = []
    types = ds.column_types()
    personal = {n for n, c in ds.columns.items() if c.personal}

    def published(loc: Loc, name: str, as_what: str, instead: str) -> None:
        out.append(doc.problem(loc, f"'{name}' is a personal column of dataset '{ds.name}', "
                               f"so it cannot be {as_what}: its values would be published",
                               f"{instead}, or remove 'personal: true'"))

    def column(loc: Loc, name: Any, allowed: set[ColumnType] | None, role: str) -> None:
        if not isinstance(name, str):
            return  # the model's validation reports the wrong type
        if name not in types:
            out.append(doc.problem(loc, f"unknown column '{name}' in dataset '{ds.name}'",
                                   unknown_name_hint(name, types, "columns")))
        elif role == "a segment" and name in personal:
            published(loc, name, "a segment", "segment by another column")
        elif allowed is not None and types[name] not in allowed:
            wanted = " or ".join(sorted(t.value for t in allowed))
            out.append(doc.problem(loc, f"'{name}' is a {types[name].value} column, but {role} "
                                   f"needs a {wanted} column"))

    def expression(loc: Loc, text: Any, want: str | None = expr.BOOLEAN) -> None:
        if isinstance(text, str):
            out.extend(_expression(doc, loc, text, types, want))

    def spec_fields(model: type[BaseModel], spec: dict[str, Any], at: Loc) -> None:
        """Check each field by the role its model declares (a date column, a condition…)."""
        for name, info in model.model_fields.items():
            key = info.alias or name
            if key not in spec:
                continue
            loc, value = (*at, key), spec[key]
            role = (info.json_schema_extra or {}).get("role")  # type: ignore[union-attr]
            if role in _COLUMN_ROLES:
                column(loc, value, _COLUMN_ROLES[role], f"'{key}'")
                if role == "date column" and isinstance(value, str) and value in personal:
                    published(loc, value, "a date its open cases show",
                              "measure from another date column")
            elif role == "condition":
                expression(loc, value)
            elif role == "number expression":
                expression(loc, value, expr.NUMBER)
            elif role == "events":
                expression(loc, value, None)
            nested = _model_in(info.annotation)
            if nested is not None and isinstance(value, dict):
                spec_fields(nested, value, loc)

    expression(("population",), raw.get("population"))
    measure = raw.get("measure")
    for kind, spec in (measure.items() if isinstance(measure, dict) else []):
        model = _model_in(Measure.model_fields[kind].annotation) \
            if kind in Measure.model_fields else None
        if not isinstance(spec, dict) or model is None:
            continue
        spec_fields(model, spec, ("measure", kind))
        out.extend(_time_of_day(doc, ("measure", kind), spec, types))
    steps = raw.get("target")
    for i, step in enumerate(steps if isinstance(steps, list) else [steps]):
        for side in ("at_least", "at_most"):
            level = step.get(side) if isinstance(step, dict) else None
            if isinstance(level, dict):
                loc = ("target", i, side, "column") if isinstance(steps, list) \
                    else ("target", side, "column")
                column(loc, level.get("column"), _NUMERIC, "a target")
    period = raw.get("period")
    if isinstance(period, dict):
        column(("period", "by"), period.get("by"), _TEMPORAL, "'period.by'")
    for i, seg in enumerate(_list(raw.get("segments"))):
        if isinstance(seg, list):
            for j, name in enumerate(seg):
                column(("segments", i, j), name, None, "a segment")
        else:
            column(("segments", i), seg, None, "a segment")
    for i, name in enumerate(_list(raw.get("evidence"))):
        column(("evidence", i), name, None, "evidence")
    return out


_COLUMN_ROLES: dict[str, set[ColumnType] | None] = {
    "date column": _TEMPORAL, "number column": _NUMERIC, "column": None,
}
_DATE_KEYS = ("from", "to", "event", "before")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class in an annotation like ``Pause | None``, if there is one."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _units(spec: dict[str, Any]) -> list[LimitUnit]:
    texts = [spec.get("limit"), spec.get("notice")]
    limits = spec.get("limits")
    if isinstance(limits, dict):
        values = limits.get("values")
        texts += list(values.values()) if isinstance(values, dict) else []
        texts.append(limits.get("otherwise"))
    units = []
    for text in texts:
        # A missing or malformed limit is the model's to report.
        with contextlib.suppress(ValueError, TypeError):
            units.append(Limit.model_validate(Limit.parse(text)).unit)
    if isinstance(spec.get("unit"), str) and spec["unit"] in set(LimitUnit):
        units.append(LimitUnit(spec["unit"]))
    return units


def _time_of_day(doc: Located, at: Loc, spec: dict[str, Any], types: dict[str, ColumnType]
                 ) -> list[Problem]:
    timed = [u for u in _units(spec) if u.needs_time_of_day]
    if not timed:
        return []
    return [
        doc.problem((*at, key), f"a limit in {timed[0].value} needs times of day, but "
                    f"'{spec[key]}' is a date column",
                    "declare the column as datetime, or give the limit in days")
        for key in _DATE_KEYS
        if isinstance(spec.get(key), str) and types.get(spec[key]) is ColumnType.date
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _expression(doc: Located, loc: Loc, text: str, types: dict[str, ColumnType],
                want: str | None = expr.BOOLEAN) -> list[Problem]:
    try:
        parsed = expr.parse(text, types, want=want)
    except expr.ExprError as err:
        return [doc.problem(loc, f"{loc[-1]}: {err.message}", err.hint)]
    if want is None and parsed.type not in (expr.BOOLEAN, expr.NUMBER):
        return [doc.problem(loc, f"{loc[-1]}: '{text}' gives a {parsed.type}, but a condition "
                            "or a count is needed here")]
    return []
