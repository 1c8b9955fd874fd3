"""Checks that need more than one file: names, column types, expressions, paths.

Each check returns problems positioned at the YAML key that caused them.
"""

from __future__ import annotations

import codecs
from pathlib import Path, PurePosixPath
from typing import Any

from engine import expr
from engine.load.yamlsafe import Loc, Located
from engine.model.catalogue import Settings
from engine.model.common import Limit
from engine.model.dataset import ColumnType, Dataset
from engine.problems import Problem, unknown_name_hint

_TEMPORAL = {ColumnType.date, ColumnType.datetime}
_NUMERIC = {ColumnType.integer, ColumnType.decimal}


def check_settings(settings: Settings, doc: Located) -> list[Problem]:
    import holidays

    cal = settings.calendar
    if cal.country is None:
        return []
    supported = holidays.list_supported_countries()
    if cal.country not in supported:
        return [doc.problem(("calendar", "country"), f"no public-holiday calendar for "
                            f"'{cal.country}'", unknown_name_hint(cal.country, supported,
                                                                  "country codes"))]
    subdivisions = supported[cal.country]
    if cal.subdivision is not None and cal.subdivision not in subdivisions:
        return [doc.problem(("calendar", "subdivision"), f"'{cal.subdivision}' is not a "
                            f"subdivision of {cal.country}",
                            unknown_name_hint(cal.subdivision, subdivisions, "subdivisions"))]
    return []


def check_dataset(ds: Dataset, doc: Located, root: Path) -> list[Problem]:
    out: list[Problem] = []
    for i, pattern in enumerate(ds.files):
        pure = PurePosixPath(pattern.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (len(pattern) > 1 and pattern[1] == ":"):
            out.append(doc.problem(("files", i), f"the file pattern '{pattern}' leaves the "
                                   "standards folder",
                                   "give a path relative to the standards folder, or use "
                                   "--data NAME=PATH to read files elsewhere"))
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

    def column(loc: Loc, name: Any, allowed: set[ColumnType] | None, role: str) -> None:
        if not isinstance(name, str):
            return  # the model's validation reports the wrong type
        if name not in types:
            out.append(doc.problem(loc, f"unknown column '{name}' in dataset '{ds.name}'",
                                   unknown_name_hint(name, types, "columns")))
        elif allowed is not None and types[name] not in allowed:
            wanted = " or ".join(sorted(t.value for t in allowed))
            out.append(doc.problem(loc, f"'{name}' is a {types[name].value} column, but {role} "
                                   f"needs a {wanted} column"))

    def expression(loc: Loc, text: Any) -> None:
        if isinstance(text, str):
            out.extend(_expression(doc, loc, text, types))

    expression(("population",), raw.get("population"))
    measure = raw.get("measure")
    for kind, spec in (measure.items() if isinstance(measure, dict) else []):
        if not isinstance(spec, dict):
            continue
        at: Loc = ("measure", kind)
        if kind == "share_within":
            for key in ("from", "to", "due"):
                column((*at, key), spec.get(key), _TEMPORAL, f"'{key}'")
            out.extend(_time_of_day(doc, at, spec, types))
        elif kind == "share_meeting":
            expression((*at, "condition"), spec.get("condition"))
        elif kind == "reported_ratio":
            column((*at, "numerator"), spec.get("numerator"), _NUMERIC, "a count")
            column((*at, "denominator"), spec.get("denominator"), _NUMERIC, "a count")
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


def _time_of_day(doc: Located, at: Loc, spec: dict[str, Any], types: dict[str, ColumnType]
                 ) -> list[Problem]:
    try:
        limit = Limit.model_validate(Limit.parse(spec.get("limit")))
    except (ValueError, TypeError):
        return []  # a missing or malformed limit is the model's to report
    if not limit.unit.needs_time_of_day:
        return []
    return [
        doc.problem((*at, key), f"a limit in {limit.unit.value} needs times of day, but "
                    f"'{spec[key]}' is a date column",
                    "declare the column as datetime, or give the limit in days")
        for key in ("from", "to")
        if types.get(spec.get(key)) is ColumnType.date  # type: ignore[arg-type]
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _expression(doc: Located, loc: Loc, text: str, types: dict[str, ColumnType]) -> list[Problem]:
    try:
        expr.parse(text, types)
    except expr.ExprError as err:
        return [doc.problem(loc, f"{loc[-1]}: {err.message}", err.hint)]
    return []
