"""Step vocabulary shared by every feature: build a small extract, run the check, read results.

Steps never compute a result themselves: they write an extract file the way a source
system would, call :func:`engine.run.check`, and read what it returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from engine.load import load_catalogue
from engine.model.results import Result, Verdict
from engine.run import Outcome, check

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
VERDICT_WORDS = {"met": Verdict.met, "breached": Verdict.breach, "in warning": Verdict.warning}


class Scene:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.standard = ""
        self.as_of: dt.date | None = None
        self.rows: list[dict[str, str]] = []
        self.outcome: Outcome | None = None
        self.catalogue = load_catalogue(STANDARDS)

    @property
    def dataset(self) -> Any:
        return self.catalogue.datasets[self.catalogue.standards[self.standard].dataset]

    def write_extract(self) -> Path:
        ds = self.dataset
        headers = [ds.header_of(c) for c in ds.columns]
        known = {h.casefold(): h for h in headers}
        for row in self.rows:
            for header in row:
                if header.casefold() not in known:
                    raise pytest.UsageError(f"'{header}' is not a column of dataset '{ds.name}'")
        path = self.tmp / f"{ds.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=ds.csv.delimiter)
            writer.writerow(headers)
            for row in self.rows:
                lowered = {k.casefold(): v for k, v in row.items()}
                writer.writerow([lowered.get(h.casefold(), "") for h in headers])
        return path


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    return Scene(tmp_path)


@given(parsers.parse("the standard {standard}"))
def the_standard(scene: Scene, standard: str) -> None:
    assert standard in scene.catalogue.standards, f"no standard {standard} in {STANDARDS}"
    scene.standard = standard


@given(parsers.parse("the extract is dated {day}"))
def the_extract_date(scene: Scene, day: str) -> None:
    scene.as_of = dt.date.fromisoformat(day)


@given(parsers.re(r"these (?P<what>[\w ]+):"))
def these_rows(scene: Scene, what: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    scene.rows.extend(dict(zip(header, row, strict=True)) for row in rows)


@given(parsers.parse("{count:d} claims in region {region} lodged {lodged} and decided {decided}"))
def many_claims(scene: Scene, count: int, region: str, lodged: str, decided: str) -> None:
    start = len(scene.rows)
    scene.rows.extend(
        {"Claim ID": f"C-{start + i + 1}", "Benefit Type": "Disability benefit",
         "Region": region, "Lodged Date": lodged, "Decided Date": decided}
        for i in range(count)
    )


@when("the compliance check runs")
def run_check(scene: Scene) -> None:
    path = scene.write_extract()
    scene.outcome = check(STANDARDS, data={scene.dataset.name: str(path)}, as_of=scene.as_of,
                          only=[scene.standard])


def find(scene: Scene, standard: str, period: str, segment: str) -> Result:
    assert scene.outcome is not None, "the check has not run"
    wanted = {} if segment == "all" else dict([segment.split(" ", 1)])
    for r in scene.outcome.record.results:
        if (r.standard, r.period, r.segment) == (standard, period, wanted):
            return r
    found = [(r.period, r.segment) for r in scene.outcome.record.results]
    raise AssertionError(f"no result for {standard} {period} {segment}; found {found}")


@then(parsers.re(r"(?P<standard>\S+) is (?P<verdict>met|breached|in warning) for "
                 r"(?P<period>\S+) in (?P<segment>.+?) with (?P<value>[\d.]+)% "
                 r"against (?P<target>[\d.]+)%"))
def verdict_is(scene: Scene, standard: str, verdict: str, period: str, segment: str,
               value: str, target: str) -> None:
    r = find(scene, standard, period, segment)
    assert r.target is not None and r.value_exact is not None
    shown = round(Fraction(r.value_exact), len(value.split(".")[1]) if "." in value else 0)
    assert (r.verdict, Fraction(shown), r.target.value) == (
        VERDICT_WORDS[verdict], Fraction(value), f"{target}%"), r


@then(parsers.parse("{standard} counts {numerator:d} of {denominator:d} for {period} in "
                    "{segment}"))
def counts_are(scene: Scene, standard: str, numerator: int, denominator: int, period: str,
               segment: str) -> None:
    r = find(scene, standard, period, segment)
    assert (r.numerator, r.denominator) == (numerator, denominator), r


@then(parsers.parse("{standard} has insufficient data for {period} in {segment}"))
def insufficient(scene: Scene, standard: str, period: str, segment: str) -> None:
    assert find(scene, standard, period, segment).verdict is Verdict.insufficient_data


@then(parsers.re(r"an? (?P<kind>breach|warning) alert is raised for (?P<standard>\S+) in "
                 r"(?P<period>\S+) for (?P<segment>.+)"))
def alert_raised(scene: Scene, kind: str, standard: str, period: str, segment: str) -> None:
    assert scene.outcome is not None
    wanted = {} if segment == "all" else dict([segment.split(" ", 1)])
    alerts = [a for a in scene.outcome.record.alerts
              if (a.kind, a.standard, a.period, a.segment) == (kind, standard, period, wanted)]
    assert len(alerts) == 1, scene.outcome.record.alerts
    assert re.search(rf"{standard} .*{kind} in {period}", alerts[0].message)
