"""A small harness: write a one-standard catalogue and an extract, run the engine, read back.

Used by the data-driven measure tests: each case gives the columns, the standard (as
the YAML a policy analyst writes, as a dict) and the rows; the harness runs the public
API, ``engine.run.check``, exactly as ``compliance check`` does.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from engine.model.results import Result
from engine.run import Outcome, check

FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M"}


@dataclass(frozen=True)
class Cell:
    numerator: Any
    denominator: Any
    value: Fraction | None
    verdict: str
    counts: dict[str, int]
    target: str | None

    @classmethod
    def of(cls, r: Result) -> Cell:
        return cls(r.numerator, r.denominator,
                   Fraction(r.value_exact) if r.value_exact else None, r.verdict.value,
                   r.counts, r.target.value if r.target else None)


def run(tmp: Path, columns: dict[str, str], standard: dict[str, Any], rows: list[list[Any]],
        *, as_of: str = "2025-06-30", closures: list[str] | None = None,
        store: str | None = None, policy: dict[str, Any] | None = None,
        key: list[str] | None = None, out: Path | None = None,
        headers: dict[str, str] | None = None) -> Outcome:
    """Run one standard (id T-01) over ``rows`` (in the order of ``columns``).

    ``policy``, when given, is written as ``alert-policy.yaml``; ``key`` is the dataset's
    key (the columns that identify a case); ``out``, when given, is the folder the run
    writes its files to (results.json, alerts.csv, cases.csv, rejects.csv); ``headers``
    gives columns a header in the extract other than their name."""
    headers = headers or {}
    (tmp / "datasets").mkdir(parents=True, exist_ok=True)
    settings = {"as_of": as_of, "fiscal_year_start": 4,
                "calendar": {"country": "CA", "subdivision": "ON",
                             "closures": closures or []}}
    dataset = {
        "name": "cases", "title": "Cases", "files": "cases.csv",
        **({"key": key} if key is not None else {}),
        "columns": {
            name: {"header": headers.get(name, name), "type": kind,
                   **({"format": FORMATS[kind]} if kind in FORMATS else {})}
            for name, kind in columns.items()
        },
    }
    std = {"id": "T-01", "title": "Test standard", "statement": "A test.",
           "attribute": "timeliness", "owner": "Tests", "dataset": "cases", **standard}
    for path, doc in ((tmp / "catalogue.yaml", settings), (tmp / "datasets/cases.yaml", dataset),
                      (tmp / "T-01.yaml", std)):
        path.write_text(yaml.safe_dump(doc, sort_keys=False, default_flow_style=None),
                        encoding="utf-8")
    if policy is not None:
        (tmp / "alert-policy.yaml").write_text(yaml.safe_dump(policy, sort_keys=False),
                                               encoding="utf-8")
    with (tmp / "cases.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(headers.get(name, name) for name in columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return check(tmp, as_of=dt.date.fromisoformat(as_of), store=store, out=out)


def cells(outcome: Outcome) -> dict[tuple[str, str], Cell]:
    """Results by (period, segment) — the segment as 'column=value;…' or 'all'."""
    return {
        (r.period, ";".join(f"{k}={v}" for k, v in r.segment.items()) or "all"): Cell.of(r)
        for r in outcome.record.results
    }


def excluded(outcome: Outcome) -> dict[str, int]:
    return dict(outcome.record.standards[0].excluded)
