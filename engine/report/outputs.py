"""The run's files: results.json (the contract), alerts.csv, cases.csv, tracking.csv and
rejects.csv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from engine.model.results import Alert, RunRecord
from engine.read.extract import Extract
from engine.report.files import write_atomic, write_csv
from engine.report.tracking import TRACKING_HEADER, tracking_rows
from engine.wording import segment_key

REJECT_COLUMNS = ["dataset", "file", "row", "column", "value", "reason", "message"]
ALERT_COLUMNS = ["key", "standard", "kind", "state", "severity", "period", "segment", "message"]
CASE_COLUMNS = ["alert", "standard", "kind", "state", "severity", "case", "complete_by",
                "details", "file", "row"]


def write_outputs(out: Path, record: RunRecord, rejects: list[dict[str, object]]
                  ) -> list[Path]:
    """The run's files; ``rejects`` are :func:`reject_rows`."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "alerts.csv", out / "cases.csv", out / "tracking.csv",
             out / "rejects.csv"]
    write_atomic(paths[0], results_json(record).encode())
    write_csv(paths[1], ALERT_COLUMNS, (alert_row(a) for a in record.alerts))
    write_csv(paths[2], CASE_COLUMNS, case_rows(record.alerts))
    write_csv(paths[3], TRACKING_HEADER, tracking_rows(record))
    write_rejects(out, rejects)
    return paths


def write_rejects(out: Path, rejects: list[dict[str, object]]) -> Path:
    """rejects.csv: every rejected row (:func:`reject_rows`), with the file, row, column,
    value and reason."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "rejects.csv"
    write_csv(path, REJECT_COLUMNS, ([row[c] for c in REJECT_COLUMNS]
                                     for row in rejects))
    return path


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
    list a team works through."""
    for a in alerts:
        for case in a.evidence.get("cases", []):
            details = "; ".join(f"{k} {v}" for k, v in case.items() if k not in _FIXED)
            yield [a.key, a.standard, a.kind, a.state.value, a.severity, case["case"],
                   case["complete_by"], details, case["extract_file"], case["extract_row"]]


_FIXED = ("case", "complete_by", "extract_file", "extract_row")


def alert_row(a: Alert) -> list[object]:
    return [a.key, a.standard, a.kind, a.state.value, a.severity, a.period,
            segment_key(a.segment), a.message]
