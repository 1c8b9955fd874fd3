"""What reports lead with (summary), the maturity scorecard, and small-number
suppression — on results built by hand, so each expectation is worked out here."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from engine.model.results import (
    Result,
    RunInfo,
    RunRecord,
    StandardRecord,
    TargetRecord,
    Verdict,
)
from engine.report.scorecard import scorecard
from engine.report.summary import headlines, missed_paragraph, shown, trend
from engine.report.suppress import Suppressed, key_of, suppression

MONTHS = ["2025-04", "2025-05", "2025-06"]


def result(standard: str = "BEN-01", period: str = "2025-06", num: int = 80, den: int = 100,
           segment: dict[str, str] | None = None, verdict: Verdict | None = None,
           target: str = "80%", direction: str = "at_least",
           short_by: int | None = None) -> Result:
    year, month = (int(x) for x in period.split("-"))
    value = Fraction(num, den)
    level = Fraction(target.rstrip("%"))
    meets = value * 100 >= level if direction == "at_least" else value * 100 <= level
    return Result(
        standard=standard, standard_version="0" * 64, period=period,
        period_start=dt.date(year, month, 1), period_end=dt.date(year, month, 28),
        segment=segment or {}, numerator=num, denominator=den, cases=den,
        value=float(value * 100), value_exact=str(value * 100), unit="%",
        target=TargetRecord(direction=direction, value=target, minimum_sample=1),
        verdict=verdict or (Verdict.met if meets else Verdict.breach), decided_by="test",
        short_by=short_by)


def record(results: list[Result], attributes: dict[str, str] | None = None) -> RunRecord:
    attributes = attributes or {"BEN-01": "timeliness"}
    return RunRecord(
        run=RunInfo(id="r" * 32, as_of=dt.date(2025, 6, 30),
                    started_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC), engine_version="t",
                    standards_digest="d", standards_path="standards"),
        datasets=[],
        standards=[StandardRecord(id=s, title=f"Standard {s}", statement=f"We do {s}.",
                                  attribute=a, owner="Owner", version=None, sha256="0" * 64,
                                  path=f"{s}.yaml", dataset="claims", population=None,
                                  rows_in_population=0, rows_outside_population=0)
                   for s, a in attributes.items()],
        results=results, alerts=[])


# --- summary ---------------------------------------------------------------------------

def test_the_headline_is_the_latest_whole_population_result_with_its_history() -> None:
    rows = [result(period=p, num=n) for p, n in zip(MONTHS, (85, 79, 81), strict=True)]
    rows.append(result(period="2025-06", num=10, den=100, segment={"region": "North"}))
    (h,) = headlines(record(rows))
    assert h.latest.period == "2025-06" and h.latest.segment == {}
    assert [r.period for r in h.series] == MONTHS
    assert (h.missed, h.assessed) == (1, 3)
    assert h.trend is not None and h.trend.arrow == "↑" and h.trend.better is True


@pytest.mark.parametrize(("direction", "before", "after", "arrow", "better"), [
    ("at_least", 70, 75, "↑", True),
    ("at_least", 75, 70, "↓", False),
    ("at_most", 70, 75, "↑", False),   # a rising abandonment rate is worse
    ("at_most", 75, 70, "↓", True),
    ("at_least", 70, 70, "→", None),
])
def test_trend_is_better_or_worse_by_the_target_s_direction(
        direction: str, before: int, after: int, arrow: str, better: bool | None) -> None:
    t = trend(result(period="2025-05", num=before, direction=direction),
              result(period="2025-06", num=after, direction=direction))
    assert t is not None and (t.arrow, t.better) == (arrow, better)


def test_a_value_a_hair_below_its_target_is_not_shown_as_the_target() -> None:
    assert shown(result(num=7999, den=10000)) == "79.99%"


def test_the_missed_paragraph_gives_the_figures_or_only_the_reason_when_suppressed() -> None:
    rows = [result(period="2025-05", num=82),
            result(period="2025-06", num=158, den=200, short_by=2)]
    (h,) = headlines(record(rows))
    text = missed_paragraph(h)
    assert "We do BEN-01" not in text  # the statement is shown beside it
    assert text.startswith("In 2025-06, the result was 79.0% over 200 cases, against a "
                           "target of at least 80%: 1.00 points short of the target")
    assert "To meet the target, 2 more of them would have had to meet it." in text
    assert "missed in 1 of the last 2 periods" in text
    assert "worse than 2025-05" in text
    hidden = missed_paragraph(h, suppressed="fewer than 10 cases, not published")
    assert "79.0%" not in hidden and "200" not in hidden
    assert "fewer than 10 cases, not published" in hidden


# --- scorecard -------------------------------------------------------------------------

def test_the_scorecard_counts_each_attribute_and_marks_the_weakest() -> None:
    attrs = {"BEN-01": "timeliness", "PEN-01": "timeliness", "CALL-01": "access",
             "SAT-01": "satisfaction"}
    rows = [result("BEN-01", num=90), result("PEN-01", num=70),
            result("CALL-01", num=90, verdict=Verdict.warning),
            result("SAT-01", num=90, verdict=Verdict.insufficient_data)]
    scores = {s.attribute: s for s in scorecard(headlines(record(rows, attrs)))}
    assert list(scores) == ["access", "timeliness", "satisfaction"]  # guidance's order
    assert (scores["timeliness"].met, scores["timeliness"].missed) == (1, 1)
    assert scores["timeliness"].share_met == Fraction(1, 2) and scores["timeliness"].weakest
    assert scores["access"].share_met == 1 and scores["access"].warning == 1
    assert not scores["access"].weakest
    assert scores["satisfaction"].share_met is None and scores["satisfaction"].not_assessed == 1


def test_nothing_is_weakest_when_every_attribute_met_everything() -> None:
    scores = scorecard(headlines(record([result(num=90)])))
    assert not any(s.weakest for s in scores)


# --- suppression -----------------------------------------------------------------------

def test_a_small_cell_is_suppressed_and_the_next_smallest_protects_it() -> None:
    whole = result(num=80, den=100)
    north = result(num=5, den=9, segment={"region": "North"})
    south = result(num=40, den=41, segment={"region": "South"})
    east = result(num=35, den=50, segment={"region": "East"})
    hidden = suppression([whole, north, south, east], 10)
    assert hidden == {key_of(north): Suppressed.primary, key_of(south): Suppressed.secondary}


def test_two_small_cells_holding_the_threshold_together_need_no_secondary() -> None:
    cells = [result(num=5, den=9, segment={"region": "North"}),
             result(num=4, den=5, segment={"region": "South"}),
             result(num=35, den=50, segment={"region": "East"})]
    hidden = suppression(cells, 10)
    assert set(hidden.values()) == {Suppressed.primary} and len(hidden) == 2


def test_small_cells_whose_sum_is_still_small_take_the_next_smallest_with_them() -> None:
    # 3 + 4 = 7 cases could be worked out from the total and East and West: West (12),
    # the smallest published, is withheld too; 19 then hides among three cells.
    north = result(num=2, den=3, segment={"region": "North"})
    south = result(num=3, den=4, segment={"region": "South"})
    west = result(num=10, den=12, segment={"region": "West"})
    east = result(num=40, den=50, segment={"region": "East"})
    hidden = suppression([result(num=55, den=69), north, south, west, east], 10)
    assert hidden == {key_of(north): Suppressed.primary, key_of(south): Suppressed.primary,
                      key_of(west): Suppressed.secondary}


def test_a_cell_is_the_same_cell_whatever_the_order_of_its_segment_keys() -> None:
    a = result(segment={"region": "North", "channel": "Phone"})
    b = result(segment={"channel": "Phone", "region": "North"})
    assert key_of(a) == key_of(b)


def test_the_threshold_is_strict_and_zero_turns_suppression_off() -> None:
    at = result(num=8, den=10, segment={"region": "North"})
    below = result(num=8, den=9, segment={"region": "South"})
    big = result(num=80, den=100, segment={"region": "East"})
    assert suppression([at, below, big], 10) == {key_of(below): Suppressed.primary,
                                                 key_of(at): Suppressed.secondary}
    assert suppression([at, big], 10) == {}
    assert suppression([at, below, big], 0) == {}


def test_a_whole_population_below_the_threshold_is_suppressed_too() -> None:
    small = result(num=3, den=4)
    assert suppression([small], 10) == {key_of(small): Suppressed.primary}
