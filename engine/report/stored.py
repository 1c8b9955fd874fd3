"""Reading a run back from its files: results.json, and rejects.csv beside it."""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import ValidationError

from engine.model.results import SCHEMA_VERSION, RunRecord
from engine.problems import InputError, Problem
from engine.report.outputs import REJECT_COLUMNS


def read_results(path: Path) -> tuple[RunRecord, list[dict[str, object]]]:
    """The record in ``path`` and the rejected rows in the rejects.csv beside it (none
    if it is absent). A file that is not a results.json is an :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError([Problem(path, f"cannot be read: {err.strerror or err}",
                                  hint="give the results.json that compliance check wrote")],
                         exit_code=3) from None
    try:
        record = RunRecord.model_validate_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise InputError([Problem(path, f"is not a results.json of schema "
                                  f"{SCHEMA_VERSION.split('.')[0]}.x: {where}: {first['msg']}",
                                  hint="give the results.json that compliance check wrote, "
                                  "unchanged")], exit_code=3) from None
    return record, _rejects(path.with_name("rejects.csv"))


def _rejects(path: Path) -> list[dict[str, object]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and list(rows[0]) != REJECT_COLUMNS:
        raise InputError([Problem(path, f"has the columns {', '.join(rows[0])}, not "
                                  f"{', '.join(REJECT_COLUMNS)}",
                                  hint="give the rejects.csv that compliance check wrote, "
                                  "or move it away")], exit_code=3)
    return [{**r, "row": int(r["row"]) if r["row"].isdigit() else r["row"]} for r in rows]
