"""The reports people read: the internal Excel workbook (every cell, alerts, cases,
rejects, the run's provenance) and the public HTML performance statement (small numbers
suppressed). Both are built from a run record alone, so ``compliance report`` rebuilds
them from a stored run without recomputing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from engine.model.results import RunRecord
from engine.problems import InputError, Problem
from engine.report.files import write_set

FORMATS = {"xlsx": "report.xlsx", "html": "report.html"}


def parse_formats(text: str, option: str = "--report") -> list[str]:
    """'xlsx,html' → ['xlsx', 'html']; an unknown name is a usage error naming
    ``option``, the option it was given with."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise InputError([Problem(None, f"unknown report format '{', '.join(unknown)}'"
                                  if unknown else "no report format given",
                                  hint=f"write {option} xlsx,html (or one of them)")],
                         exit_code=2)
    return list(dict.fromkeys(names))


def write_reports(out: Path, record: RunRecord, rejects: list[dict[str, object]],
                  formats: Iterable[str], *, suppress_below: int | None = None) -> list[Path]:
    """Write each report into ``out``, as one set (:func:`engine.report.files.write_set`);
    ``suppress_below`` overrides the record's publication threshold for the statement."""
    return write_set(out, report_files(record, rejects, formats,
                                       suppress_below=suppress_below))


def report_files(record: RunRecord, rejects: list[dict[str, object]],
                 formats: Iterable[str], *, suppress_below: int | None = None
                 ) -> Iterator[tuple[str, bytes]]:
    """Each report's file name and content, made one at a time as they are asked for
    (each writer imported only when its report is: a run without reports skips openpyxl)."""
    threshold = record.publication.suppress_below if suppress_below is None \
        else suppress_below
    for name in formats:
        if name == "xlsx":
            from engine.report.workbook import workbook_bytes

            yield FORMATS[name], workbook_bytes(record, rejects)
        else:
            from engine.report.statement import statement_html

            yield FORMATS[name], statement_html(record, suppress_below=threshold).encode()
