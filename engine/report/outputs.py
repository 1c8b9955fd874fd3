"""The run's files: results.json (the contract), alerts.csv, cases.csv, tracking.csv and
rejects.csv, and the reports asked for, replaced as one set with results.json last
(:func:`engine.report.files.write_set`): a killed run leaves the previous run's files, an
earlier run's files the set does not replace are removed with it, and results.json's run
id names the run every file in the folder belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from engine.model.results import Alert, RunRecord
from engine.read.extract import Extract
from engine.report.files import csv_bytes, csv_frame, write_set
from engine.report.publish import report_files
from engine.report.tracking import TRACKING_HEADER, tracking_rows
from engine.wording import segment_key

REJECT_COLUMNS = ["dataset", "file", "row", "column", "value", "reason", "message"]
ALERT_COLUMNS = ["key", "standard", "kind", "state", "severity", "period", "segment", "owner",
                 "next_step", "message"]
CASE_COLUMNS = ["alert", "standard", "kind", "state", "severity", "case", "period",
                "complete_by", "details", "file", "row"]
# The two files that can run to many thousands of rows are written as frames (csv_frame).
_REJECT_TYPES = {**dict.fromkeys(REJECT_COLUMNS, pl.String), "row": pl.Int64}
_CASE_TYPES = {**dict.fromkeys(CASE_COLUMNS, pl.String), "row": pl.Int64}


def write_outputs(out: Path, record: RunRecord, rejects: list[dict[str, object]],
                  reports: Iterable[str] = ()) -> list[Path]:
    """The run's files and ``reports`` ('xlsx', 'html'), as one set; ``rejects`` are
    :func:`reject_rows`. Returns results.json, alerts.csv, cases.csv, tracking.csv,
    rejects.csv, then the reports."""
    def files() -> Iterator[tuple[str, bytes]]:
        # Each made as it is written, so only one is held in memory at a time.
        yield "alerts.csv", csv_bytes(ALERT_COLUMNS, (alert_row(a) for a in record.alerts))
        yield "cases.csv", csv_frame(_frame(_CASE_TYPES, case_rows(record.alerts)))
        yield "tracking.csv", csv_bytes(TRACKING_HEADER, tracking_rows(record))
        yield "rejects.csv", _rejects_csv(rejects)
        yield from report_files(record, rejects, reports)
        yield "results.json", results_json(record).encode()  # last: it marks a whole set

    written = write_set(out, files(), whole=True)
    return [written[-1], *written[:-1]]


def write_rejects(out: Path, rejects: list[dict[str, object]]) -> Path:
    """rejects.csv: every rejected row (:func:`reject_rows`), with the file, row, column,
    value and reason: all a run that stopped on its data leaves (an earlier run's results
    go, rather than stand beside rejects they do not match)."""
    (path,) = write_set(out, [("rejects.csv", _rejects_csv(rejects))], whole=True)
    return path


def _rejects_csv(rejects: list[dict[str, object]]) -> bytes:
    return csv_frame(_frame(_REJECT_TYPES, ([row[c] for c in REJECT_COLUMNS] for row in rejects)))


def _frame(types: dict[str, Any], rows: Iterable[Sequence[object]]) -> pl.DataFrame:
    """Rows as a frame of columns of ``types``, built column by column (faster than row
    by row); a value of another type is a mistake here, and raises."""
    columns = list(zip(*rows, strict=True)) or [()] * len(types)
    return pl.DataFrame([pl.Series(name, column, dtype=kind, strict=True)
                         for (name, kind), column in zip(types.items(), columns, strict=True)])


def reject_rows(extracts: dict[str, Extract]) -> list[dict[str, object]]:
    """Every rejected row as a mapping of :data:`REJECT_COLUMNS`, dataset by dataset."""
    return [{"dataset": name, "file": r.file, "row": r.row, "column": r.column,
             "value": r.value, "reason": r.reason, "message": r.message}
            for name, ex in sorted(extracts.items()) for r in ex.rejects]


def results_json(record: RunRecord) -> str:
    # pydantic's own serialiser: the same bytes as json.dumps(indent=2, ensure_ascii=False)
    # of model_dump(mode="json"), several times faster on a run naming 100,000 cases.
    return record.model_dump_json(indent=2) + "\n"


def case_rows(alerts: list[Alert]) -> Iterator[list[object]]:
    """cases.csv: one row per open case named by a case alert, most urgent first — the
    list a team works through: each case with the period whose results hold it, and its
    details under the extract's headers (as the alert's evidence names them)."""
    for a in alerts:
        headers = a.evidence.get("headers", {})
        for case in a.evidence.get("cases", []):
            details = "; ".join(f"{headers.get(k, k)} {v}" for k, v in case.items()
                                if k not in _FIXED)
            yield [a.key, a.standard, a.kind, a.state.value, a.severity, case["case"],
                   case.get("results_period"), case["complete_by"], details,
                   case["extract_file"], case["extract_row"]]


_FIXED = ("case", "complete_by", "results_period", "extract_file", "extract_row")


def alert_row(a: Alert) -> list[object]:
    return [a.key, a.standard, a.kind, a.state.value, a.severity, a.period,
            segment_key(a.segment), a.owner, a.next_step, a.message]
