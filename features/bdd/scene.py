"""What a scenario builds up: its standard, the extract rows, and what the check returned."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from engine.load import load_catalogue
from engine.model.catalogue import Catalogue
from engine.model.dataset import Dataset
from engine.model.results import Result
from engine.model.standard import Standard
from engine.problems import did_you_mean
from engine.run import Outcome

ROOT = Path(__file__).resolve().parents[2]
HOW_MANY = "how many"  # a table column that repeats its row; never a dataset column
MARKERS: set[str] = set()  # the markers pytest knows, filled in when it starts


class UnknownTag(Exception):
    """A feature's tag that is not a registered marker (a typo, or an owner not yet listed)."""


def catalogue_folders() -> list[Path]:
    """The shipped standards and every example's standards folder."""
    examples = ROOT / "examples"
    found = sorted(p for p in examples.iterdir() if (p / "catalogue.yaml").is_file()) \
        if examples.is_dir() else []
    return [ROOT / "standards", *found]


@functools.cache
def standards() -> dict[str, tuple[Path, Catalogue]]:
    """Every standard id → (its standards folder, that folder's catalogue)."""
    found: dict[str, tuple[Path, Catalogue]] = {}
    for folder in catalogue_folders():
        catalogue = load_catalogue(folder)
        for sid in catalogue.standards:
            if sid in found:
                raise pytest.UsageError(f"standard {sid} is in both {found[sid][0]} and {folder}")
            found[sid] = (folder, catalogue)
    return found


@dataclass
class Scene:
    tmp: Path
    at: str = "?"  # "features/….feature:LINE", set before each step
    standard_id: str = ""
    as_of: dt.date | None = None
    rows: list[dict[str, str]] = field(default_factory=list)
    file_row: dict[str, int] = field(default_factory=dict)  # case id → its row in the extract
    outcome: Outcome | None = None
    stopped: Exception | None = None  # the check's error, when it refused the extract
    stopped_at: str = ""
    stop_read: bool = False  # a step has looked at why the check stopped
    alerts: list = field(default_factory=list)  # the alerts the last alert step found

    def unread_stop(self) -> str | None:
        """The check's error when no step looked at it: the scenario must not pass."""
        if self.stopped is None or self.stop_read:
            return None
        return f"{self.stopped_at}: the check stopped: {self.stopped}"

    def fail(self, message: str) -> NoReturn:
        """End the scenario with the feature's file and line and plain words."""
        pytest.fail(f"{self.at}: {message}", pytrace=False)

    @property
    def folder(self) -> Path:
        return standards()[self.need_standard()][0]

    @property
    def standard(self) -> Standard:
        return standards()[self.need_standard()][1].standards[self.standard_id]

    @property
    def dataset(self) -> Dataset:
        return standards()[self.need_standard()][1].datasets[self.standard.dataset]

    def need_standard(self) -> str:
        if not self.standard_id:
            self.fail('no standard yet: start the scenario (or its Background) with '
                      '"Given the standard <ID>"')
        return self.standard_id

    def choose(self, sid: str) -> None:
        if sid not in standards():
            near = did_you_mean(sid, standards())
            self.fail(f"there is no standard {sid} in standards/ or examples/"
                      + (f" (did you mean {near}?)" if near else ""))
        self.standard_id = sid

    # --- the extract -----------------------------------------------------------------

    def column_of(self, heading: str) -> str:
        """A table heading → the dataset column it names (by header or column name)."""
        ds = self.dataset
        for name in ds.columns:
            if heading.casefold() in (name.casefold(), ds.header_of(name).casefold()):
                return name
        near = did_you_mean(heading, [ds.header_of(c) for c in ds.columns])
        self.fail(f"'{heading}' is not a column of the {ds.name} extract"
                  + (f" (did you mean '{near}'?)" if near else "")
                  + f"; its columns are: {', '.join(ds.header_of(c) for c in ds.columns)}")

    def add_rows(self, table: list[list[str]], times: int = 1) -> None:
        """Rows of a Gherkin table; a "How many" column (or ``times``) repeats a row, and
        a key column left out is numbered."""
        heading, *body = table
        if not body:
            self.fail("the table has a heading row but no rows below it")
        repeat = [h.strip().casefold() == HOW_MANY for h in heading]
        columns = [None if r else self.column_of(h.strip()) for h, r in zip(heading, repeat,
                                                                            strict=True)]
        key = self.dataset.key
        for line in body:
            count = times
            row: dict[str, str] = {}
            for col, cell in zip(columns, line, strict=True):
                if col is None:
                    if not cell.strip().isdigit():
                        self.fail(f"'How many' must be a whole number, not '{cell}'")
                    count *= int(cell)
                else:
                    row[col] = cell
            if count > 1 and all(k in row for k in key):
                self.fail(f"a row repeated {count} times cannot give its "
                          f"{', '.join(self.dataset.header_of(k) for k in key)}: leave it "
                          "out and each copy is numbered")
            for _ in range(count):
                self.rows.append(dict(row))

    def write_extract(self) -> Path:
        ds = self.dataset
        key = ds.key
        path = self.tmp / f"{ds.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, delimiter=ds.csv.delimiter)
            out.writerow([ds.header_of(c) for c in ds.columns])
            for n, row in enumerate(self.rows, start=1):
                if len(key) == 1 and key[0] not in row:
                    row[key[0]] = str(n)
                self.file_row["/".join(row.get(k, "") for k in key)] = n + 1
                out.writerow([row.get(c, "") for c in ds.columns])
        return path

    # --- reading what the check returned ------------------------------------------------

    @property
    def ran(self) -> Outcome:
        if self.stopped is not None:
            self.stop_read = True
            self.fail(f"the check stopped: {self.stopped}")
        if self.outcome is None:
            self.fail('the check has not run: add "When the compliance check runs" first')
        return self.outcome

    def segment(self, where: str) -> dict[str, str]:
        """"overall" → {}; "in region North and channel Online" → {region: North, …}."""
        where = where.strip()
        if where in ("overall", "in all", "for everyone"):
            return {}
        if not where.startswith("in "):
            self.fail(f"'{where}' should be 'overall' or 'in <column> <value>'")
        ds = self.dataset
        names = sorted(((n, c) for c in ds.columns for n in {c, ds.header_of(c)}),
                       key=lambda nc: -len(nc[0]))  # "Benefit Type" before "Benefit"
        found: dict[str, str] = {}
        for part in re.split(r" and (?=\S)", where[3:]):
            match = next(((n, c) for n, c in names
                          if part.casefold().startswith(n.casefold() + " ")), None)
            if match is None:
                self.fail(f"'{part}' should start with a column of the {ds.name} extract, "
                          "then the value, e.g. 'region North'")
            name, col = match
            found[col] = part[len(name) + 1:]
        return found

    def result(self, sid: str, period: str, where: str) -> Result:
        wanted = self.segment(where)
        results = [r for r in self.ran.record.results if r.standard == sid]
        for r in results:
            if (r.period, r.segment) == (period, wanted):
                return r
        periods = sorted({r.period for r in results if r.segment == wanted})
        self.fail(f"{sid} has no result for {period} {where}. "
                  + (f"It has results {where} for: {', '.join(periods)}. " if periods else
                     f"It has no result {where} for any period. ")
                  + self.rejected_words())

    def rejected_words(self) -> str:
        rejects = [r for ex in self.ran.extracts.values() for r in ex.rejects]
        if not rejects:
            return ""
        listed = "; ".join(f"row {r.row}: {r.message}" for r in rejects[:3])
        return f"{len(rejects)} extract row(s) were rejected ({listed})."
