"""The kinds of alert an alert policy raises, case by case.

Each kind is run through the public API (``engine.run.check``, via ``measure_cases.run``)
on a small extract where the expected alerts are worked out by hand, on both sides of its
boundary: an open case due on the as-of date against one due the day after, a case due
exactly ``within`` days ahead against one a day later, data exactly ``older_than`` days
old against a day older, an equity gap of exactly the allowed points against one just
over. Last, the durable-rules side: the ruleset compiled for a policy, and the events
posted to it. The policy as loaded (its layers, and malformed policies as load errors) is
in ``test_alert_policy_load.py``.
"""

from __future__ import annotations

import csv
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from measure_cases import run

from engine.decide import alerts as alert_rules
from engine.model.common import Attribute
from engine.model.policy import KINDS, AlertPolicy, resolve
from engine.model.results import Alert

CLAIMS = {"id": "string", "lodged": "date", "decided": "date", "region": "category"}
WITHIN_28 = {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}}
MONTHLY: dict[str, Any] = dict(measure=WITHIN_28, period={"kind": "month", "by": "decided"},
                               target={"at_least": "80%"})


def only(**kinds: Any) -> dict[str, Any]:
    """A policy with just these kinds on (each 'on' or its settings); every other off."""
    return {"default": {k: kinds.get(k, "off") for k in KINDS}}


def by_key(raised: list[Alert]) -> dict[str, Alert]:
    keys = [a.key for a in raised]
    assert len(keys) == len(set(keys)), f"an alert raised twice: {sorted(keys)}"
    return {a.key: a for a in raised}


def month(month_: str, met: int, late: int, region: str = "West") -> list[list[Any]]:
    """Claims decided on the 10th of ``month_``: ``met`` lodged on the 1st (9 days),
    ``late`` lodged on the 1st of the month before (37 to 40 days)."""
    year, mm = (int(x) for x in month_.split("-"))
    late_lodged = f"{year}-{mm - 1:02d}-01" if mm > 1 else f"{year - 1}-12-01"
    return ([[f"{region[0]}{month_}-m{i}", f"{month_}-01", f"{month_}-10", region]
             for i in range(met)]
            + [[f"{region[0]}{month_}-l{i}", late_lodged, f"{month_}-10", region]
               for i in range(late)])


def months(late: dict[str, int], region: str = "West") -> list[list[Any]]:
    """Five claims a month, ``late[month]`` of them late (2 late: 60%, a breach of 80%)."""
    return [row for m, n in late.items() for row in month(m, 5 - n, n, region)]


# --- breach and warning: the latest period's verdict ----------------------------------------


BANDED = {**MONTHLY, "target": {"at_least": "80%", "warning_below": "90%"}}
# How a breach of the whole population in June ends: its owner and next step.
BREACH_STEP = (" Owner: Tests. Next step: review the cases of 2025-06 that missed the "
               "standard, find the causes, and agree how to bring the result back to at least "
               "80%.")


@pytest.mark.parametrize(("met", "late", "expected"), [
    pytest.param(9, 1, {}, id="90% is outside the band below 90%: no alert"),
    pytest.param(8, 2, {"T-01:warning:all": (
        "medium", "T-01 Test standard: warning in 2025-06. 80.0% (8 of 10) against a target "
        "of at least 80%: met, but inside the warning band (below 90%). Owner: Tests. Next "
        "step: find what brought the result for 2025-06 close to the target and act on it, "
        "so that it stays at least 80%; no recovery plan is needed yet.")},
        id="80% meets 80% but is inside the band: a warning"),
    pytest.param(7, 3, {"T-01:breach:all": (
        "high", "T-01 Test standard: breach in 2025-06. 70.0% (7 of 10) against a target of "
        "at least 80%: 10.0 points below the target; it needed 1 more case meeting the "
        f"standard.{BREACH_STEP}")}, id="70%: a breach, one case short"),
    pytest.param(6, 4, {"T-01:breach:all": (
        "high", "T-01 Test standard: breach in 2025-06. 60.0% (6 of 10) against a target of "
        "at least 80%: 20.0 points below the target; it needed 2 more cases meeting the "
        f"standard.{BREACH_STEP}")}, id="60%: a breach, two cases short"),
])
def test_breach_and_warning_on_the_latest_period(
        tmp_path: Path, met: int, late: int, expected: dict[str, tuple[str, str]]) -> None:
    raised = run(tmp_path, CLAIMS, BANDED, month("2025-06", met, late),
                 policy=only(breach="on", warning="on")).record.alerts
    assert {k: (a.severity, a.message) for k, a in by_key(raised).items()} == expected


def test_only_the_latest_period_raises_and_segments_have_their_own_keys(tmp_path: Path) -> None:
    # May breaches everywhere (history); in June West breaches (3 of 5), East is in the
    # band (17 of 20) and so is everyone together (20 of 25, 80%).
    rows = [*months({"2025-05": 3}, "West"), *months({"2025-05": 3}, "East"),
            *month("2025-06", 3, 2, "West"), *month("2025-06", 17, 3, "East")]
    standard = {**BANDED, "segments": ["region"]}
    raised = by_key(run(tmp_path, CLAIMS, standard, rows,
                        policy=only(breach="on", warning="on")).record.alerts)
    assert {k: (a.kind, a.period, a.segment) for k, a in raised.items()} == {
        "T-01:breach:region=West": ("breach", "2025-06", {"region": "West"}),
        "T-01:warning:region=East": ("warning", "2025-06", {"region": "East"}),
        "T-01:warning:all": ("warning", "2025-06", {}),
    }
    west = raised["T-01:breach:region=West"].message
    assert west.startswith("T-01 Test standard: breach in 2025-06, region West. 60.0% (3 of "
                           "5) against a target of at least 80%: 20.0 points below the target")
    assert west.endswith("It has missed the target for 2 consecutive periods (2025-05 to "
                         "2025-06). Owner: Tests. Next step: review the cases of region West "
                         "in 2025-06 that missed the standard, find the causes, and agree how "
                         "to bring the result back to at least 80%.")
    assert raised["T-01:warning:region=East"].next_step == (
        "find what brought the result for region East in 2025-06 close to the target and act "
        "on it, so that it stays at least 80%; no recovery plan is needed yet")
    assert raised["T-01:breach:region=West"].evidence["consecutive_breaches"] == 2


def test_a_policy_severity_is_carried_to_the_alert_and_off_raises_nothing(tmp_path: Path
                                                                          ) -> None:
    rows = months({"2025-06": 3})
    raised = run(tmp_path / "a", CLAIMS, MONTHLY, rows,
                 policy=only(breach={"severity": "critical"})).record.alerts
    assert [(a.key, a.severity) for a in raised] == [("T-01:breach:all", "critical")]
    assert run(tmp_path / "b", CLAIMS, MONTHLY, rows, policy=only()).record.alerts == []


# --- escalation: N consecutive breached periods, one alert ----------------------------------


ESCALATION_ONLY = only(escalation="on")


@pytest.mark.parametrize(("late", "expected"), [
    pytest.param({"2025-04": 2, "2025-05": 2}, None, id="two breached months: not yet"),
    pytest.param({"2025-04": 2, "2025-05": 2, "2025-06": 2}, (3, "2025-04"),
                 id="three breached months: escalation"),
    pytest.param({"2025-03": 2, "2025-04": 2, "2025-05": 2, "2025-06": 2}, (4, "2025-03"),
                 id="four breached months: still one escalation, saying four"),
    pytest.param({"2025-03": 2, "2025-05": 2, "2025-06": 2}, None,
                 id="a month with no cases breaks the run"),
    pytest.param({"2025-03": 2, "2025-04": 0, "2025-05": 2, "2025-06": 2}, None,
                 id="a met month breaks the run"),
    pytest.param({"2025-04": 2, "2025-05": 2, "2025-06": 0}, None,
                 id="met in the latest month: no escalation"),
])
def test_escalation_after_consecutive_breaches(
        tmp_path: Path, late: dict[str, int], expected: tuple[int, str] | None) -> None:
    last = max(late)
    raised = run(tmp_path, CLAIMS, MONTHLY, months(late), policy=ESCALATION_ONLY,
                 as_of=f"{last}-28").record.alerts
    if expected is None:
        assert raised == []
        return
    streak, since = expected
    (alert,) = raised
    assert (alert.key, alert.kind, alert.severity, alert.period) == (
        "T-01:escalation:all", "escalation", "critical", last)
    assert alert.message.startswith(
        f"Escalation: breached for {streak} consecutive periods ({since} to {last}). T-01 Test "
        f"standard: breach in {last}. 60.0% (3 of 5) against a target of at least 80%: 20.0 "
        "points below the target")
    assert alert.evidence["consecutive_breaches"] == streak
    assert alert.evidence["since"] == since


def test_a_warning_month_breaks_the_run(tmp_path: Path) -> None:
    # April and June breach (3 of 5); May meets 80% inside the band below 90%.
    rows = [*months({"2025-04": 2}), *month("2025-05", 8, 2), *months({"2025-06": 2})]
    raised = run(tmp_path, CLAIMS, BANDED, rows,
                 policy=only(escalation={"after": 2})).record.alerts
    assert raised == []


def test_escalation_is_per_segment(tmp_path: Path) -> None:
    # West breaches April to June; East only in June; everyone together meets 80% in April
    # and May (8 of 10) and breaches only in June.
    rows = [*months({"2025-04": 2, "2025-05": 2, "2025-06": 2}, "West"),
            *months({"2025-04": 0, "2025-05": 0, "2025-06": 2}, "East")]
    raised = by_key(run(tmp_path, CLAIMS, {**MONTHLY, "segments": ["region"]}, rows,
                        policy=only(escalation="on", breach="on")).record.alerts)
    assert sorted(raised) == ["T-01:breach:all", "T-01:breach:region=East",
                              "T-01:breach:region=West", "T-01:escalation:region=West"]
    escalation = raised["T-01:escalation:region=West"]
    assert escalation.message.startswith(
        "Escalation: breached for 3 consecutive periods (2025-04 to 2025-06). T-01 Test "
        "standard: breach in 2025-06, region West.")
    # The next step names the segment and how long it has lasted, as does the message.
    assert (escalation.owner, escalation.next_step) == (
        "Tests", "take region West's recovery to the owner's management: the target has been "
        "missed for 3 consecutive periods (2025-04 to 2025-06); agree a recovery plan, with "
        "dates, that brings the result back to at least 80%")
    assert escalation.message.endswith(f" Owner: Tests. Next step: {escalation.next_step}.")


ATTRIBUTE_AFTER_2 = {"default": {**only(escalation={"severity": "high"})["default"]},
                     "attributes": {"timeliness": {"escalation": {"after": "2 periods"}}}}


@pytest.mark.parametrize(("attribute", "own", "raises"), [
    pytest.param("timeliness", None, True, id="after 2 from the attribute layer"),
    pytest.param("timeliness", {"escalation": {"after": "3 periods"}}, False,
                 id="the standard puts it back to 3"),
    pytest.param("timeliness", {"escalation": "off"}, False, id="the standard turns it off"),
    pytest.param("satisfaction", None, False, id="another attribute keeps 3"),
])
def test_escalation_after_two_from_the_attribute_and_back_for_one_standard(
        tmp_path: Path, attribute: str, own: dict[str, Any] | None, raises: bool) -> None:
    standard = {**MONTHLY, "attribute": attribute, **({"alerts": own} if own else {})}
    raised = run(tmp_path, CLAIMS, standard, months({"2025-05": 2, "2025-06": 2}),
                 policy=ATTRIBUTE_AFTER_2).record.alerts
    if not raises:
        assert raised == []
        return
    (alert,) = raised
    # 'after' from the attribute, the severity from the default layer.
    assert (alert.key, alert.severity) == ("T-01:escalation:all", "high")
    assert alert.message.startswith("Escalation: breached for 2 consecutive periods (2025-05 "
                                    "to 2025-06).")


# --- open cases: overdue, and at risk within N days -----------------------------------------

AS_OF = "2025-06-30"
OPEN = {**MONTHLY, "period": {"kind": "month", "by": "lodged"}, "segments": ["region"]}
CASE_ALERTS = only(case_overdue="on", case_at_risk="on")
# The columns of cases.csv, the list of open cases a run writes.
CASES_CSV = ["alert", "standard", "kind", "state", "severity", "case", "period",
             "complete_by", "details", "file", "row"]


def open_claim(cid: str, lodged: str, region: str = "West") -> list[Any]:
    return [cid, lodged, None, region]


def case_alerts(outcome: Any) -> dict[str, list[tuple[str, str]]]:
    """(case, complete_by) of each case alert's evidence, in its order. Every open case
    has a complete_by: the last day it can be done in time, or the day it fell due."""
    return {a.kind: [(c["case"], c["complete_by"]) for c in a.evidence["cases"]]
            for a in outcome.record.alerts}


def cases_csv(out: Path) -> list[dict[str, str]]:
    """The rows of the run's cases.csv, after checking its header."""
    with (out / "cases.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        assert reader.fieldnames == CASES_CSV
    return rows


def test_an_open_case_due_on_the_as_of_date_is_overdue_one_due_the_day_after_is_at_risk(
        tmp_path: Path) -> None:
    rows = [open_claim("C1", "2025-06-02"),   # day 28 is 30 June, the as-of date: late
            open_claim("C2", "2025-06-03"),   # day 28 is 1 July: can still make it
            ["C3", "2025-06-01", "2025-06-30", "West"]]  # closed: never a case alert
    outcome = run(tmp_path, CLAIMS, OPEN, rows, key=["id"], policy=CASE_ALERTS)
    # C1 fell due on the as-of date itself; C2 can be done until 1 July.
    assert case_alerts(outcome) == {"case_overdue": [("C1", "2025-06-30")],
                                    "case_at_risk": [("C2", "2025-07-01")]}
    raised = by_key(outcome.record.alerts)
    assert set(raised) == {"T-01:case_overdue:all", "T-01:case_at_risk:all"}
    overdue, at_risk = raised["T-01:case_overdue:all"], raised["T-01:case_at_risk:all"]
    assert (overdue.severity, at_risk.severity) == ("high", "medium")
    # Due on the as-of date: 'due' and the date alone, no 'days ago'.
    assert overdue.message == (
        "T-01 Test standard: overdue cases. 1 open case can no longer meet the standard "
        "(decided within 28 days of lodged) at the end of 2025-06-30 (West 1), left out of "
        "the results of 2025-06 while open. Cases: C1 (due 2025-06-30; lodged 2025-06-02). "
        "Owner: Tests. Next step: complete the listed case (cases.csv lists it too); it will "
        "count as not met once completed.")
    # C2 has one day, not the policy's five: the window bounds the dates, each case has its own.
    assert at_risk.message == (
        "T-01 Test standard: cases at risk. 1 open case will miss the standard "
        "(decided within 28 days of lodged) unless each is done by its date, all within the "
        "next 5 days; the first by 2025-07-01 (West 1), left out of the results of 2025-06 "
        "while open. Cases: C2 (done by 2025-07-01; lodged 2025-06-03). Owner: Tests. Next "
        "step: complete the listed case by its date, 2025-07-01 (cases.csv lists it too); if "
        "it is not done in time it will count as not met.")
    evidence = at_risk.evidence["cases"][0]
    # The case, when, the period whose results hold it, the segment columns, the kind's
    # dates, the ids, then where it was read.
    assert list(evidence) == ["case", "complete_by", "results_period", "region", "lodged",
                              "id", "extract_file", "extract_row"]
    assert {k: v for k, v in evidence.items() if k != "extract_file"} == {
        "case": "C2", "complete_by": "2025-07-01", "results_period": "2025-06",
        "region": "West", "lodged": "2025-06-03", "id": "C2", "extract_row": 3}
    assert Path(evidence["extract_file"]).samefile(tmp_path / "cases.csv")
    assert (at_risk.evidence["count"], at_risk.evidence["deadline"]) == (
        1, "decided within 28 days of lodged")


@pytest.mark.parametrize(("within", "lodged", "complete_by"), [
    pytest.param(5, "2025-06-07", "2025-07-05", id="due exactly 5 days ahead: at risk"),
    pytest.param(5, "2025-06-08", None, id="due 6 days ahead: not within 5"),
    pytest.param(1, "2025-06-03", "2025-07-01", id="due tomorrow: within 1 day"),
    pytest.param(1, "2025-06-04", None, id="due in 2 days: not within 1"),
    pytest.param(10, "2025-06-12", "2025-07-10", id="due exactly 10 days ahead"),
    pytest.param(10, "2025-06-13", None, id="due 11 days ahead: not within 10"),
])
def test_at_risk_within_the_policys_days(tmp_path: Path, within: int, lodged: str,
                                         complete_by: str | None) -> None:
    outcome = run(tmp_path, CLAIMS, OPEN, [open_claim("C1", lodged)], key=["id"],
                  policy=only(case_at_risk={"within": f"{within} days"}))
    expected = {"case_at_risk": [("C1", complete_by)]} if complete_by else {}
    assert case_alerts(outcome) == expected


def test_case_evidence_lists_every_case_most_urgent_first(tmp_path: Path) -> None:
    # Seven open cases at risk (due 1 to 5 July) and three overdue, in no particular order.
    rows = [open_claim("R5", "2025-06-07", "East"), open_claim("R1", "2025-06-03"),
            open_claim("O2", "2025-05-20"), open_claim("R3", "2025-06-05", "East"),
            open_claim("R1b", "2025-06-03", "East"), open_claim("O1", "2025-05-02", "East"),
            open_claim("R4", "2025-06-06"), open_claim("R2", "2025-06-04"),
            open_claim("O3", "2025-06-02"), open_claim("R5b", "2025-06-07"),
            open_claim("later", "2025-06-08")]  # due 6 July: not within 5 days
    outcome = run(tmp_path, CLAIMS, OPEN, rows, key=["id"], policy=CASE_ALERTS)
    # Overdue: longest overdue first, each with the day it fell due (day 28).
    assert case_alerts(outcome) == {
        "case_overdue": [("O1", "2025-05-30"), ("O2", "2025-06-17"), ("O3", "2025-06-30")],
        "case_at_risk": [("R1", "2025-07-01"), ("R1b", "2025-07-01"), ("R2", "2025-07-02"),
                         ("R3", "2025-07-03"), ("R4", "2025-07-04"), ("R5", "2025-07-05"),
                         ("R5b", "2025-07-05")],
    }
    at_risk = by_key(outcome.record.alerts)["T-01:case_at_risk:all"]
    assert at_risk.evidence["count"] == 7
    # Five named, most urgent first, the rest counted; the split by segment.
    assert "7 open cases will miss the standard" in at_risk.message
    assert ("unless each is done by its date, all within the next 5 days; the first by "
            "2025-07-01 (West 4, East 3), all left out of the results of 2025-06 while "
            "open.") in at_risk.message
    assert at_risk.message.endswith(
        "Most urgent: R1 (done by 2025-07-01; lodged 2025-06-03); R1b (done by 2025-07-01; "
        "lodged 2025-06-03); R2 (done by 2025-07-02; lodged 2025-06-04); R3 (done by "
        "2025-07-03; lodged 2025-06-05); R4 (done by 2025-07-04; lodged 2025-06-06); and 2 "
        "more. Owner: Tests. Next step: complete the listed cases by their dates, the first "
        "by 2025-07-01 (cases.csv lists all 7); any not done in time will count as not met.")
    overdue = by_key(outcome.record.alerts)["T-01:case_overdue:all"]
    assert "3 open cases can no longer meet the standard" in overdue.message
    assert overdue.message.endswith(
        "Cases: O1 (due 2025-05-30, 31 days ago; lodged 2025-05-02); O2 (due 2025-06-17, 13 "
        "days ago; lodged 2025-05-20); O3 (due 2025-06-30; lodged 2025-06-02). Owner: Tests. "
        "Next step: complete the listed cases, oldest first (cases.csv lists them too); each "
        "will count as not met once completed.")


QUARTERLY_COUNTED = {
    "measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days",
                                 "open_cases": "count_when_overdue"}},
    "period": {"kind": "quarter", "by": "lodged"}, "target": {"at_least": "80%"}}


def test_overdue_cases_of_earlier_periods_are_named_with_the_period_that_counts_them(
        tmp_path: Path) -> None:
    # Q2 is breached, including the one open claim lodged in Q2 and already late (Q2-late);
    # the two open claims lodged in Q1 and still late are counted in Q1's result. The
    # overdue alert names all three, most urgent first, the Q1 ones at the top: it must
    # not present them as Q2's, and its figures must be the ones each result counts.
    rows = [*[[f"Q1-m{i}", "2025-03-03", "2025-03-10", "West"] for i in range(8)],
            open_claim("Q1-late", "2025-03-17"), open_claim("Q1-later", "2025-03-24"),
            *[[f"Q2-m{i}", "2025-04-01", "2025-04-10", "West"] for i in range(3)],
            open_claim("Q2-late", "2025-05-02"),
            open_claim("Q2-open", "2025-06-20")]  # within its 28 days: no alert
    outcome = run(tmp_path, CLAIMS, QUARTERLY_COUNTED, rows, key=["id"],
                  policy=only(breach="on", case_overdue="on"))
    counted = {r.period: r.counts.get("open_overdue_counted") for r in outcome.record.results}
    assert counted == {"2025-Q1": 2, "2025-Q2": 1}
    raised = by_key(outcome.record.alerts)
    assert raised["T-01:breach:all"].message.endswith(
        "Includes 1 open case already too late to meet the limit on the as-of date. Owner: "
        "Tests. Next step: review the cases of 2025-Q2 that missed the standard, find the "
        "causes, and agree how to bring the result back to at least 80%.")
    overdue = raised["T-01:case_overdue:all"]
    assert overdue.message == (
        "T-01 Test standard: overdue cases. 3 open cases can no longer meet the standard "
        "(decided within 28 days of lodged) at the end of 2025-06-30, each counted as not "
        "met in the results of its period: 1 in 2025-Q2 and 2 in 2025-Q1. Cases: Q1-late "
        "(due 2025-04-14, 77 days ago; lodged 2025-03-17); Q1-later (due 2025-04-21, 70 "
        "days ago; lodged 2025-03-24); Q2-late (due 2025-05-30, 31 days ago; lodged "
        "2025-05-02). Owner: Tests. Next step: complete the listed cases, oldest first "
        "(cases.csv lists them too); they already count as not met.")
    # Each case is counted in its own period, as the evidence (and cases.csv) says.
    assert [(c["case"], c["results_period"]) for c in overdue.evidence["cases"]] == [
        ("Q1-late", "2025-Q1"), ("Q1-later", "2025-Q1"), ("Q2-late", "2025-Q2")]
    # The alert stays the run's, in the period of the as-of date, one a standard.
    assert (overdue.period, overdue.key) == ("2025-Q2", "T-01:case_overdue:all")


BY_REGION = {**OPEN, "measure": {"share_within": {
    "from": "lodged", "to": "decided",
    "limits": {"by": "region", "values": {"West": "20 days", "East": "30 days"}}}}}


def test_overdue_cases_come_longest_overdue_first_by_the_day_each_fell_due(
        tmp_path: Path) -> None:
    # With a limit per region, the order cases were lodged in is not the order they fell
    # due in: B was lodged first but A, with the shorter limit, fell due nine days earlier.
    rows = [open_claim("B", "2025-05-20", "East"),   # day 30 is 19 June: 11 days ago
            open_claim("T", "2025-05-31", "East"),   # day 30 is 30 June, the as-of date
            open_claim("A", "2025-05-21"),           # day 20 is 10 June: 20 days ago
            open_claim("Y", "2025-06-09")]           # day 20 is 29 June: 1 day ago
    outcome = run(tmp_path, CLAIMS, BY_REGION, rows, key=["id"],
                  policy=only(case_overdue="on"), out=tmp_path / "out")
    assert case_alerts(outcome) == {"case_overdue": [
        ("A", "2025-06-10"), ("B", "2025-06-19"), ("Y", "2025-06-29"), ("T", "2025-06-30")]}
    (alert,) = outcome.record.alerts
    assert alert.message == (
        "T-01 Test standard: overdue cases. 4 open cases can no longer meet the standard "
        "(decided within the limit for its region from lodged) at the end of 2025-06-30 "
        "(West 2, East 2), each left out of the results of its period while open: 1 in "
        "2025-06 and 3 in 2025-05. Cases: A (due 2025-06-10, 20 days ago; lodged "
        "2025-05-21); B (due 2025-06-19, 11 days ago; lodged 2025-05-20); Y (due 2025-06-29, "
        "1 day ago; lodged 2025-06-09); T (due 2025-06-30; lodged 2025-05-31). Owner: Tests. "
        "Next step: complete the listed cases, oldest first (cases.csv lists them too); each "
        "will count as not met once completed.")
    # cases.csv, the list a team works through, in the same order with the same dates, each
    # case beside the period whose results hold it (the month it was lodged in).
    rows_out = cases_csv(tmp_path / "out")
    for row in rows_out:
        assert Path(row.pop("file")).samefile(tmp_path / "cases.csv")
    assert [list(r.values()) for r in rows_out] == [
        ["T-01:case_overdue:all", "T-01", "case_overdue", "new", "high", case, lodged[:7],
         due, f"region {region}; lodged {lodged}; id {case}", row]
        for case, due, region, lodged, row in (
            ("A", "2025-06-10", "West", "2025-05-21", "4"),
            ("B", "2025-06-19", "East", "2025-05-20", "2"),
            ("Y", "2025-06-29", "West", "2025-06-09", "5"),
            ("T", "2025-06-30", "East", "2025-05-31", "3"))]


@pytest.mark.parametrize("column", ["file", "row"])
def test_an_id_column_named_file_or_row_keeps_its_value(tmp_path: Path, column: str) -> None:
    # The extract's own file and row are extract_file and extract_row in the evidence (file
    # and row in cases.csv, beside the details): an id column of either name is not lost.
    columns = {column: "string", "lodged": "date", "decided": "date", "region": "category"}
    outcome = run(tmp_path, columns, OPEN, [["ID-7", "2025-06-01", None, "West"]],
                  key=[column], policy=only(case_overdue="on"), out=tmp_path / "out")
    (alert,) = outcome.record.alerts
    (case,) = alert.evidence["cases"]
    assert list(case) == ["case", "complete_by", "results_period", "region", "lodged", column,
                          "extract_file", "extract_row"]
    assert {k: v for k, v in case.items() if k != "extract_file"} == {
        "case": "ID-7", "complete_by": "2025-06-29", "results_period": "2025-06",
        "region": "West", "lodged": "2025-06-01", column: "ID-7", "extract_row": 2}
    assert Path(case["extract_file"]).samefile(tmp_path / "cases.csv")
    (row,) = cases_csv(tmp_path / "out")
    assert (row["case"], row["period"], row["complete_by"], row["details"], row["row"]) == (
        "ID-7", "2025-06", "2025-06-29", f"region West; lodged 2025-06-01; {column} ID-7", "2")
    assert Path(row["file"]).samefile(tmp_path / "cases.csv")


@pytest.mark.parametrize(("evidence", "key", "expected"), [
    pytest.param(["region", "id"], ["id"], ("West, C1", {"region": "West", "id": "C1"}),
                 id="the standard's evidence columns"),
    pytest.param(None, ["id"], ("C1", {"id": "C1"}), id="else the dataset's key"),
    pytest.param(None, None, (None, {}), id="else the file and row"),
])
def test_cases_are_named_by_evidence_columns_else_key_else_file_and_row(
        tmp_path: Path, evidence: list[str] | None, key: list[str] | None,
        expected: tuple[str | None, dict[str, str]]) -> None:
    standard = {**OPEN, **({"evidence": evidence} if evidence else {})}
    outcome = run(tmp_path, CLAIMS, standard, [["C0", "2025-06-01", "2025-06-05", "West"],
                                               open_claim("C1", "2025-06-02")],
                  key=key, policy=only(case_overdue="on"))
    (alert,) = outcome.record.alerts
    (case,) = alert.evidence["cases"]
    assert Path(case["extract_file"]).name == "cases.csv" and case["extract_row"] == 3
    label, ids = expected
    label = label or f"{case['extract_file']} row 3"
    assert case["case"] == label
    assert {k: case[k] for k in ids} == ids
    if not ids:
        assert "id" not in case
    assert alert.message.endswith(f"Cases: {label} (due 2025-06-30; lodged 2025-06-02). "
                                  "Owner: Tests. Next step: complete the listed case "
                                  "(cases.csv lists it too); it will count as not met once "
                                  "completed.")


QUARTERLY_100 = {
    "measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "100 days"}},
    "period": {"kind": "quarter", "by": "lodged"}, "target": {"at_least": "80%"}}


def test_cases_at_risk_of_several_periods_name_each_period_not_the_as_of_dates(
        tmp_path: Path) -> None:
    # Three open claims due within the next 10 days: two lodged in Q1, one in Q2. The
    # alert is raised on the as-of date (Q2) but must not present the Q1 ones as Q2's.
    rows = [open_claim("A", "2025-03-23"),   # day 100 is 1 July
            open_claim("B", "2025-03-30"),   # day 100 is 8 July
            open_claim("C", "2025-04-01"),   # day 100 is 10 July: exactly 10 days ahead
            open_claim("D", "2025-04-02")]   # day 100 is 11 July: not within 10 days
    outcome = run(tmp_path, CLAIMS, QUARTERLY_100, rows, key=["id"],
                  policy=only(case_at_risk={"within": "10 days"}), out=tmp_path / "out")
    (alert,) = outcome.record.alerts
    assert alert.message == (
        "T-01 Test standard: cases at risk. 3 open cases will miss the standard (decided "
        "within 100 days of lodged) unless each is done by its date, all within the next 10 "
        "days; the first by 2025-07-01, each left out of the results of its period while "
        "open: 1 in 2025-Q2 and 2 in 2025-Q1. Cases: A (done by 2025-07-01; lodged "
        "2025-03-23); B (done by 2025-07-08; lodged 2025-03-30); C (done by 2025-07-10; "
        "lodged 2025-04-01). Owner: Tests. Next step: complete the listed cases by their "
        "dates, the first by 2025-07-01 (cases.csv lists them too); any not done in time "
        "will count as not met.")
    # The alert itself stays the as-of date's, with the key it always had.
    assert (alert.key, alert.period) == ("T-01:case_at_risk:all", "2025-Q2")
    # cases.csv gives each case its own period, next to the case.
    assert [(r["case"], r["period"], r["complete_by"]) for r in cases_csv(tmp_path / "out")
            ] == [("A", "2025-Q1", "2025-07-01"), ("B", "2025-Q1", "2025-07-08"),
                  ("C", "2025-Q2", "2025-07-10")]


HEADERS = {"id": "Claim ID", "lodged": "Lodged Date", "decided": "Decided Date",
           "region": "Region"}


def test_case_alerts_and_cases_csv_name_columns_by_the_extracts_headers(
        tmp_path: Path) -> None:
    rows = [open_claim("C1", "2025-06-02"), open_claim("C2", "2025-06-03", "East")]
    outcome = run(tmp_path, CLAIMS, OPEN, rows, key=["id"], policy=CASE_ALERTS,
                  headers=HEADERS, out=tmp_path / "out")
    raised = by_key(outcome.record.alerts)
    overdue, at_risk = raised["T-01:case_overdue:all"], raised["T-01:case_at_risk:all"]
    assert ("can no longer meet the standard (Decided Date within 28 days of Lodged Date) "
            "at the end of 2025-06-30") in overdue.message
    assert "Cases: C1 (due 2025-06-30; Lodged Date 2025-06-02)." in overdue.message
    assert ("will miss the standard (Decided Date within 28 days of Lodged Date) unless "
            "each is done") in at_risk.message
    assert "Cases: C2 (done by 2025-07-01; Lodged Date 2025-06-03)." in at_risk.message
    assert at_risk.evidence["deadline"] == "Decided Date within 28 days of Lodged Date"
    # The evidence keeps the column names (what the standard and the dataset say), with
    # the header of each beside them.
    assert at_risk.evidence["headers"] == {"region": "Region", "lodged": "Lodged Date",
                                           "id": "Claim ID"}
    assert {"region", "lodged", "id"} <= set(at_risk.evidence["cases"][0])
    assert [(r["case"], r["period"], r["details"]) for r in cases_csv(tmp_path / "out")] == [
        ("C1", "2025-06", "Region West; Lodged Date 2025-06-02; Claim ID C1"),
        ("C2", "2025-06", "Region East; Lodged Date 2025-06-03; Claim ID C2")]


def test_no_data_and_stale_data_name_the_period_column_by_its_header(tmp_path: Path) -> None:
    rows = [["C1", "2025-05-01", "2025-05-30", "West"]]
    raised = by_key(run(tmp_path, CLAIMS, MONTHLY, rows, headers=HEADERS,
                        policy=only(no_data="on", stale_data="on")).record.alerts)
    assert ("The cases extract has no rows in 2025-06, the period of the as-of date "
            "2025-06-30, placed by Decided Date. The newest Decided Date on or before it is "
            "2025-05-30.") in raised["T-01:no_data:all"].message
    assert ("The newest Decided Date in the cases extract is 2025-05-30, 31 days before "
            "the as-of date") in raised["T-01:stale_data:all"].message
    # The evidence names the column, for a program.
    assert raised["T-01:stale_data:all"].evidence["period_column"] == "decided"


# --- the next step: built in, or the policy's action, at each level -------------------------


@pytest.mark.parametrize(("policy", "own", "expected"), [
    pytest.param({}, None, None, id="no action: the built-in step"),
    pytest.param({"default": {"breach": {"action": "call the claims team lead today"}}},
                 None, "call the claims team lead today", id="the default's action"),
    pytest.param({"default": {"breach": {"action": "call the claims team lead today"}},
                  "attributes": {"timeliness": {"breach": {
                      "action": "raise it at Monday's operations meeting."}}}},
                 None, "raise it at Monday's operations meeting.",
                 id="the attribute's action over the default's"),
    pytest.param({"attributes": {"timeliness": {"breach": {"action": "raise it on Monday"}}}},
                 {"breach": {"action": "ask the regional manager for a recovery plan"}},
                 "ask the regional manager for a recovery plan",
                 id="the standard's own action over the attribute's"),
    pytest.param({"default": {"breach": {"action": "call the claims team lead today"}}},
                 {"breach": {"severity": "critical"}}, "call the claims team lead today",
                 id="a standard changing only the severity keeps the action"),
    pytest.param({"default": {"escalation": {"action": "keep an eye on it"}}}, None, None,
                 id="another kind's action does not apply"),
])
def test_the_policys_action_replaces_the_built_in_next_step(
        tmp_path: Path, policy: dict[str, Any], own: dict[str, Any] | None,
        expected: str | None) -> None:
    standard = {**MONTHLY, **({"alerts": own} if own else {})}
    # Breaches only (every other kind off), with the layers given.
    default = {**only(breach="on")["default"], **policy.get("default", {})}
    (alert,) = run(tmp_path, CLAIMS, standard, months({"2025-06": 3}),
                   policy={**policy, "default": default}).record.alerts
    built_in = ("review the cases of 2025-06 that missed the standard, find the causes, and "
                "agree how to bring the result back to at least 80%")
    assert alert.kind == "breach"
    assert (alert.owner, alert.next_step) == ("Tests", expected or built_in)
    said = expected or built_in
    assert alert.message.endswith(
        f"it needed 2 more cases meeting the standard. Owner: Tests. Next step: {said}"
        + ("" if said.endswith(".") else "."))


BUSINESS = {**OPEN, "measure": {"share_within": {"from": "lodged", "to": "decided",
                                                 "limit": "2 business days"}}}


@pytest.mark.parametrize(("as_of", "within", "expected", "words"), [
    # Received Friday 27 June 2025; Monday 30 June is business day 1, Tuesday 1 July is
    # Canada Day, Wednesday 2 July is business day 2: it must be done by 2 July.
    pytest.param("2025-06-30", 5, {"case_at_risk": [("C1", "2025-07-02")]},
                 "all within the next 5 days; the first by 2025-07-02 (West 1), left out of "
                 "the results of 2025-06 while open. Cases: C1 (done by 2025-07-02; lodged "
                 "2025-06-27).",
                 id="Monday: due Wednesday, past Canada Day"),
    pytest.param("2025-06-27", 5, {"case_at_risk": [("C1", "2025-07-02")]},
                 "all within the next 5 days; the first by 2025-07-02 (West 1), left out of "
                 "the results of 2025-06 while open. Cases: C1 (done by 2025-07-02; lodged "
                 "2025-06-27).",
                 id="the Friday itself: due exactly 5 days ahead"),
    pytest.param("2025-06-27", 4, {}, None, id="the Friday itself: not within 4 days"),
    pytest.param("2025-07-01", 1, {"case_at_risk": [("C1", "2025-07-02")]},
                 "all within the next 1 day; the first by 2025-07-02 (West 1), left out of "
                 "the results of 2025-06 while open. Cases: C1 (done by 2025-07-02; lodged "
                 "2025-06-27).",
                 id="Canada Day: due tomorrow"),
    pytest.param("2025-07-02", 5, {"case_overdue": [("C1", "2025-07-02")]},
                 "at the end of 2025-07-02 (West 1), left out of the results of 2025-06 "
                 "while open. Cases: C1 (due 2025-07-02; lodged 2025-06-27).",
                 id="Wednesday: due on the as-of date, overdue"),
    pytest.param("2025-07-10", 5, {"case_overdue": [("C1", "2025-07-02")]},
                 "at the end of 2025-07-10 (West 1), left out of the results of 2025-06 "
                 "while open. Cases: C1 (due 2025-07-02, 8 days ago; lodged 2025-06-27).",
                 id="a week on: still due Wednesday, past Canada Day"),
])
def test_business_day_limits_across_a_public_holiday(
        tmp_path: Path, as_of: str, within: int, expected: dict[str, Any],
        words: str | None) -> None:
    outcome = run(tmp_path, CLAIMS, BUSINESS, [open_claim("C1", "2025-06-27")], key=["id"],
                  as_of=as_of, policy=only(case_overdue="on",
                                           case_at_risk={"within": within}))
    assert case_alerts(outcome) == expected
    if words is not None:
        (alert,) = outcome.record.alerts
        assert alert.evidence["deadline"] == "decided within 2 business days of lodged"
        # What happened, then the owner and the next step.
        tail = f" Owner: Tests. Next step: {alert.next_step}."
        assert alert.message.endswith(tail)
        assert alert.message.removesuffix(tail).endswith(words)


@pytest.mark.parametrize(("kinds", "expected"), [
    pytest.param({"case_overdue": "on"}, {"case_overdue"}, id="overdue only"),
    pytest.param({"case_at_risk": "on"}, {"case_at_risk"}, id="at risk only"),
    pytest.param({}, set(), id="both off"),
])
def test_each_case_alert_can_be_off_alone(tmp_path: Path, kinds: dict[str, Any],
                                          expected: set[str]) -> None:
    rows = [open_claim("C1", "2025-06-02"), open_claim("C2", "2025-06-03")]
    outcome = run(tmp_path, CLAIMS, OPEN, rows, key=["id"], policy=only(**kinds))
    assert {a.kind for a in outcome.record.alerts} == expected
    for alert in outcome.record.alerts:
        assert alert.evidence["count"] == 1


# --- no_data and stale_data: the extract on the as-of date ---------------------------------


FRESHNESS = {**MONTHLY, "period": {"kind": "month", "by": "decided"}}


@pytest.mark.parametrize(("decided", "expected"), [
    pytest.param(["2025-05-30"], True, id="nothing in June: no data"),
    pytest.param(["2025-05-30", "2025-06-01"], False, id="one row on 1 June"),
    pytest.param(["2025-05-30", "2025-07-01"], True, id="a row after the as-of date is July's"),
])
def test_no_data_in_the_period_of_the_as_of_date(tmp_path: Path, decided: list[str],
                                                 expected: bool) -> None:
    rows = [[f"C{i}", "2025-05-01", d, "West"] for i, d in enumerate(decided)]
    raised = run(tmp_path, CLAIMS, FRESHNESS, rows, policy=only(no_data="on")).record.alerts
    if not expected:
        assert raised == []
        return
    (alert,) = raised
    assert (alert.key, alert.severity, alert.period, alert.segment) == (
        "T-01:no_data:all", "high", "2025-06", {})
    assert alert.message.startswith(
        "T-01 Test standard: no data in 2025-06. The cases extract has no rows in 2025-06, "
        "the period of the as-of date 2025-06-30, placed by decided. The newest decided on "
        "or before it is 2025-05-30.")
    assert alert.message.endswith(
        "This period's results cannot be published until it has. Owner: Tests. Next step: "
        "check that the cases extract is complete and current, with rows for 2025-06 up to "
        "2025-06-30, then run again.")
    assert alert.evidence["newest"] == "2025-05-30"


@pytest.mark.parametrize(("older_than", "newest", "words"), [
    # older_than as written in the policy; words: (how old the data is, what the policy allows)
    pytest.param("7 days", "2025-06-23", None, id="exactly 7 days old: not stale"),
    pytest.param("7 days", "2025-06-22", ("8 days", "7 days"), id="8 days old: stale"),
    pytest.param("0 days", "2025-06-30", None, id="as of the as-of date: fresh at 0 days"),
    pytest.param("0 days", "2025-06-29", ("1 day", "0 days"), id="a day old: stale at 0 days"),
    pytest.param(0, "2025-06-29", ("1 day", "0 days"), id="a day old: stale at a bare 0"),
    pytest.param("1 day", "2025-06-29", None, id="a day old: not stale at 1 day"),
    pytest.param("1 day", "2025-06-28", ("2 days", "1 day"), id="2 days old: stale at 1 day"),
    pytest.param("20 days", "2025-06-10", None, id="exactly 20 days old"),
    pytest.param("20 days", "2025-06-09", ("21 days", "20 days"), id="21 days old"),
])
def test_stale_data_older_than_the_policy_allows(
        tmp_path: Path, older_than: str | int, newest: str,
        words: tuple[str, str] | None) -> None:
    rows = [["C1", "2025-06-01", "2025-06-05", "West"], ["C2", "2025-06-01", newest, "West"],
            ["C3", "2025-06-01", "2025-07-03", "West"]]  # after the as-of date: not counted
    raised = run(tmp_path, CLAIMS, FRESHNESS, rows,
                 policy=only(stale_data={"older_than": older_than})).record.alerts
    if words is None:
        assert raised == []
        return
    (alert,) = raised
    assert (alert.key, alert.severity) == ("T-01:stale_data:all", "medium")
    old, allowed = words  # in words: 1 day, 2 days, 0 days
    assert alert.message == (
        f"T-01 Test standard: stale data in 2025-06. The newest decided in the cases extract "
        f"is {newest}, {old} before the as-of date 2025-06-30; the alert policy allows "
        f"{allowed}. Results for 2025-06 may be incomplete. Owner: Tests. Next step: check "
        f"that the cases extract is complete and current (it should run to 2025-06-30, not "
        f"stop at {newest}), then run again.")
    assert alert.evidence["newest"] == newest and alert.evidence["as_of"] == "2025-06-30"


# --- equity_gap: a segment trailing everyone by more than the points ------------------------

SEGMENTED = {**MONTHLY, "segments": ["region"]}


def split(west: tuple[int, int], east: tuple[int, int]) -> list[list[Any]]:
    """June claims: (met, late) for West and for East."""
    return [*month("2025-06", *west, "West"), *month("2025-06", *east, "East")]


GAP_SHOWN = re.compile(r"trails the whole population by (\d+\.\d+) points: ")


def gap_shown(alert: Alert, allowed: Fraction) -> str:
    """The gap as the message shows it, checked to be the exact gap rounded to the places
    shown, and never rounded onto (or under) the allowance it is more than."""
    found = GAP_SHOWN.search(alert.message)
    assert found, alert.message
    shown = found[1]
    places = len(shown.partition(".")[2])
    gap = Fraction(alert.evidence["gap_exact"])
    assert abs(Fraction(shown) - gap) <= Fraction(1, 2 * 10**places), (shown, gap)
    assert Fraction(shown) > allowed, f"{shown} points shown against more than {allowed}"
    return shown


@pytest.mark.parametrize(("west", "east", "more_than", "gap"), [
    # West 15 of 20 (75%), everyone 32 of 40 (80%): exactly 5 points.
    pytest.param((15, 5), (17, 3), 5, None, id="exactly 5 points: not more than 5"),
    pytest.param((15, 5), (17, 3), 4.99, "5/1", id="exactly 5 points: more than 4.99"),
    # West 22 of 27, everyone 32 of 37: 5000/999 = 5.005... points.
    pytest.param((22, 5), (10, 0), 5, "5000/999", id="5.005 points: more than 5"),
    pytest.param((22, 5), (10, 0), 5.01, None, id="5.005 points: not more than 5.01"),
])
def test_equity_gap_exactly_at_the_points_and_just_over(
        tmp_path: Path, west: tuple[int, int], east: tuple[int, int], more_than: float,
        gap: str | None) -> None:
    raised = run(tmp_path, CLAIMS, SEGMENTED, split(west, east),
                 policy=only(equity_gap={"more_than": more_than})).record.alerts
    if gap is None:
        assert raised == []
        return
    (alert,) = raised
    assert (alert.key, alert.severity, alert.segment) == (
        "T-01:equity_gap:region=West", "medium", {"region": "West"})
    assert alert.evidence["gap_exact"] == gap
    assert alert.evidence["allowed"] == str(more_than)
    assert alert.message.startswith("T-01 Test standard: equity gap in 2025-06, region West. "
                                    "This segment trails the whole population by ")
    assert f"more than the {more_than} points the alert policy allows." in alert.message
    gap_shown(alert, Fraction(str(more_than)))


@pytest.mark.parametrize(("west", "east", "more_than", "gap", "shown"), [
    # West 22 of 27, everyone 32 of 37: 5000/999 = 5.005005... points; 5.0 would look equal.
    pytest.param((22, 5), (10, 0), 5, "5000/999", None, id="5.005 against 5"),
    # West 16 of 33, everyone 23 of 43: 7100/1419 = 5.0035... points; 5.0 and 5.00 would.
    pytest.param((16, 17), (7, 3), 5, "7100/1419", "5.004", id="5.0035 against 5"),
    # West 17 of 27, everyone 19 of 29: 2000/783 = 2.5542... points; 2.55 would.
    pytest.param((17, 10), (2, 0), 2.55, "2000/783", "2.554", id="2.5543 against 2.55"),
])
def test_an_equity_gap_is_never_shown_rounded_onto_its_allowance(
        tmp_path: Path, west: tuple[int, int], east: tuple[int, int], more_than: float,
        gap: str, shown: str | None) -> None:
    (alert,) = run(tmp_path, CLAIMS, SEGMENTED, split(west, east),
                   policy=only(equity_gap={"more_than": more_than})).record.alerts
    assert alert.evidence["gap_exact"] == gap
    assert f"more than the {more_than} points the alert policy allows." in alert.message
    found = gap_shown(alert, Fraction(str(more_than)))
    if shown is not None:
        assert found == shown


def test_equity_gap_message_names_both_values(tmp_path: Path) -> None:
    # West 3 of 5 (60%) against everyone 12 of 15 (80%): 20 points; East leads, no alert.
    raised = run(tmp_path, CLAIMS, SEGMENTED, split((3, 2), (9, 1)),
                 policy=only(equity_gap="on")).record.alerts
    (alert,) = raised
    # The gap is exactly 20 points; how many decimals it is shown with when it is far from
    # its allowance (20.0, or 20.00 as show_value gives) is left open here.
    found = re.fullmatch(
        re.escape("T-01 Test standard: equity gap in 2025-06, region West. This segment "
                  "trails the whole population by ") + r"(20\.0+)" + re.escape(
            " points: 60.0% (3 of 5) against 80.0% (12 of 15) for everyone, more than the 5 "
            "points the alert policy allows. Owner: Tests. Next step: compare the cases of "
            "region West in 2025-06 with everyone's, find why they trail by ") + r"\1" +
        re.escape(" points, and agree steps to close the gap."), alert.message)
    assert found, alert.message
    assert gap_shown(alert, Fraction(5)) == found[1]
    assert alert.evidence["verdict"] == "breach"
    assert (alert.evidence["value"], alert.evidence["whole_population"]) == (60.0, 80.0)


def test_no_equity_gap_without_enough_cases_for_a_verdict(tmp_path: Path) -> None:
    # West 0 of 4 trails everyone (10 of 14) by 71 points, but 4 is under the minimum sample.
    standard = {**SEGMENTED, "target": {"at_least": "80%", "minimum_sample": 5}}
    rows = split((0, 4), (10, 0))
    assert run(tmp_path / "a", CLAIMS, standard, rows,
               policy=only(equity_gap="on")).record.alerts == []
    # With five West cases it has a verdict, and the gap is raised.
    rows = split((0, 5), (10, 0))
    raised = run(tmp_path / "b", CLAIMS, standard, rows, policy=only(equity_gap="on"))
    assert [a.key for a in raised.record.alerts] == ["T-01:equity_gap:region=West"]


ERRORS = {"id": "string", "checked": "date", "wrong": "boolean", "region": "category"}
AT_MOST = dict(measure={"share_meeting": {"condition": "wrong"}},
               period={"kind": "month", "by": "checked"}, segments=["region"],
               target={"at_most": "30%"}, attribute="accuracy")


def checked(region: str, wrong: int, right: int) -> list[list[Any]]:
    return [[f"{region}{i}", "2025-06-10", "true" if i < wrong else "false", region]
            for i in range(wrong + right)]


@pytest.mark.parametrize(("west", "east", "expected"), [
    # West 5 of 20 wrong (25%), everyone 8 of 40 (20%): 5 points higher, not more than 5.
    pytest.param((5, 15), (3, 17), None, id="at_most: exactly 5 points higher"),
    # West 6 of 20 (30%), everyone 9 of 40 (22.5%): 7.5 points higher.
    pytest.param((6, 14), (3, 17), ("West", "15/2"), id="at_most: 7.5 points higher"),
    # East 1 of 20 (5%) is 15 points lower than everyone (20%): better, never an alert.
    pytest.param((7, 13), (1, 19), ("West", "15/1"), id="at_most: lower is not trailing"),
])
def test_for_an_at_most_target_trailing_means_higher(
        tmp_path: Path, west: tuple[int, int], east: tuple[int, int],
        expected: tuple[str, str] | None) -> None:
    rows = [*checked("West", *west), *checked("East", *east)]
    raised = run(tmp_path, ERRORS, AT_MOST, rows, policy=only(equity_gap="on")).record.alerts
    if expected is None:
        assert raised == []
        return
    region, gap = expected
    (alert,) = raised
    assert alert.key == f"T-01:equity_gap:region={region}"
    assert alert.evidence["gap_exact"] == gap


# --- every kind at once, with no policy file -------------------------------------------------


def everything() -> tuple[dict[str, Any], list[list[Any]]]:
    """Claims placed in months by the day they were lodged; West's limit is 28 days, East's
    35. March to May: West meets 3 of 5 (a breach), East 8 of 10 (in the warning band),
    everyone 11 of 15 (73.3%, a breach; West trails by 13.3 points). Nothing is lodged in
    June (no data; the newest lodged date, 29 May, is 32 days old). Two claims are still
    open: West's lodged 20 May was due 17 June (overdue), East's lodged 29 May is due
    3 July (at risk)."""
    standard = {**MONTHLY, "segments": ["region"],
                "measure": {"share_within": {
                    "from": "lodged", "to": "decided",
                    "limits": {"by": "region", "values": {"West": "28 days",
                                                          "East": "35 days"}}}},
                "period": {"kind": "month", "by": "lodged"},
                "target": {"at_least": "80%", "warning_below": "90%"}}
    rows = [[f"{region}{m}-{i}", f"2025-{m:02d}-01",
             f"2025-{m:02d}-05" if i < met else f"2025-{m + 1:02d}-15", region]  # 4 or 45 days
            for m in (3, 4, 5)
            for region, met, n in (("West", 3, 5), ("East", 8, 10)) for i in range(n)]
    return standard, [*rows, open_claim("LATE", "2025-05-20"),
                      open_claim("SOON", "2025-05-29", "East")]


def test_without_a_policy_file_every_kind_raises_with_its_built_in_severity(
        tmp_path: Path) -> None:
    standard, rows = everything()
    raised = by_key(run(tmp_path, CLAIMS, standard, rows, key=["id"]).record.alerts)
    assert {k: (a.severity, a.period) for k, a in raised.items()} == {
        "T-01:breach:all": ("high", "2025-05"),
        "T-01:breach:region=West": ("high", "2025-05"),
        "T-01:warning:region=East": ("medium", "2025-05"),
        "T-01:escalation:all": ("critical", "2025-05"),
        "T-01:escalation:region=West": ("critical", "2025-05"),
        "T-01:equity_gap:region=West": ("medium", "2025-05"),
        "T-01:no_data:all": ("high", "2025-06"),
        "T-01:stale_data:all": ("medium", "2025-06"),
        "T-01:case_overdue:all": ("high", "2025-06"),
        "T-01:case_at_risk:all": ("medium", "2025-06"),
    }
    assert {k: a.kind for k, a in raised.items()} == {k: k.split(":")[1] for k in raised}
    assert raised["T-01:breach:all"].message.endswith(
        "It has missed the target for 3 consecutive periods (2025-03 to 2025-05). Owner: "
        f"Tests. Next step: {raised['T-01:breach:all'].next_step}.")
    # Every alert names the standard's owner and ends with a next step worded for it.
    steps = {
        "T-01:breach:all": "review the cases of 2025-05 that missed the standard, find the "
        "causes, and agree how to bring the result back to at least 80%",
        "T-01:breach:region=West": "review the cases of region West in 2025-05 that missed "
        "the standard, find the causes, and agree how to bring the result back to at least "
        "80%",
        "T-01:warning:region=East": "find what brought the result for region East in 2025-05 "
        "close to the target and act on it, so that it stays at least 80%; no recovery plan "
        "is needed yet",
        "T-01:escalation:all": "take the recovery to the owner's management: the target has "
        "been missed for 3 consecutive periods (2025-03 to 2025-05); agree a recovery plan, "
        "with dates, that brings the result back to at least 80%",
        "T-01:escalation:region=West": "take region West's recovery to the owner's "
        "management: the target has been missed for 3 consecutive periods (2025-03 to "
        "2025-05); agree a recovery plan, with dates, that brings the result back to at "
        "least 80%",
        "T-01:equity_gap:region=West": "compare the cases of region West in 2025-05 with "
        "everyone's, find why they trail by 13.3 points, and agree steps to close the gap",
        "T-01:no_data:all": "check that the cases extract is complete and current, with rows "
        "for 2025-06 up to 2025-06-30, then run again",
        "T-01:stale_data:all": "check that the cases extract is complete and current (it "
        "should run to 2025-06-30, not stop at 2025-05-29), then run again",
        "T-01:case_overdue:all": "complete the listed case (cases.csv lists it too); it will "
        "count as not met once completed",
        "T-01:case_at_risk:all": "complete the listed case by its date, 2025-07-03 (cases.csv "
        "lists it too); if it is not done in time it will count as not met",
    }
    assert {k: (a.owner, a.next_step) for k, a in raised.items()} == {
        k: ("Tests", step) for k, step in steps.items()}
    for a in raised.values():
        assert a.message.endswith(f" Owner: Tests. Next step: {a.next_step}."), a.message
    assert raised["T-01:equity_gap:region=West"].evidence["gap_exact"] == "40/3"
    assert [(c["case"], c["complete_by"]) for c in
            raised["T-01:case_at_risk:all"].evidence["cases"]] == [("SOON", "2025-07-03")]
    assert [(c["case"], c["complete_by"]) for c in
            raised["T-01:case_overdue:all"].evidence["cases"]] == [("LATE", "2025-06-17")]
    assert raised["T-01:case_overdue:all"].message.endswith(
        "Cases: LATE (due 2025-06-17, 13 days ago; lodged 2025-05-20). Owner: Tests. Next "
        "step: complete the listed case (cases.csv lists it too); it will count as not met "
        "once completed.")
    assert "32 days before the as-of date 2025-06-30" in raised["T-01:stale_data:all"].message


# --- the durable-rules side: rulesets and the events posted --------------------------------

RESERVED = {"id", "sid", "$s"}


def names_in(node: Any) -> set[str]:
    """Every key anywhere in a nested ruleset or event."""
    if isinstance(node, dict):
        return set(node).union(*(names_in(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(names_in(v) for v in node))
    return set()


@pytest.mark.parametrize("policy", [
    pytest.param({}, id="built-in"),
    pytest.param(only(breach="on"), id="one kind"),
    pytest.param(only(), id="every kind off"),
    pytest.param({"default": {"escalation": {"after": 2}, "equity_gap": {"more_than": 0.01},
                              "case_at_risk": {"within": "366 days"},
                              "stale_data": {"older_than": 0}}}, id="edge settings"),
])
def test_every_compiled_ruleset_has_a_catch_all_and_no_reserved_names(
        policy: dict[str, Any]) -> None:
    resolved = resolve(AlertPolicy.model_validate(policy), Attribute.timeliness, None)
    ruleset = alert_rules.compile_policy(resolved)
    assert set(ruleset) == set(resolved) | {"unmatched"}
    catch_all = ruleset["unmatched"]
    assert catch_all == {"all": [{"m": {"$ex": {"event": 1}}}], "pri": 1000}
    # The catch-all has the lowest priority (durable-rules runs lower 'pri' first).
    assert all(rule["pri"] < catch_all["pri"] for name, rule in ruleset.items()
               if name != "unmatched")
    assert not names_in(ruleset) & RESERVED
    json.dumps(ruleset)  # plain JSON, as durable-rules takes it
    assert alert_rules.ruleset_name(resolved) == alert_rules.ruleset_name(
        resolve(AlertPolicy.model_validate(policy), Attribute.timeliness, None))


def test_rulesets_differ_by_policy() -> None:
    names = {alert_rules.ruleset_name(resolve(AlertPolicy.model_validate(p),
                                              Attribute.timeliness, None))
             for p in ({}, only(breach="on"), {"default": {"escalation": {"after": 2}}},
                       {"default": {"breach": {"severity": "low"}}})}
    assert len(names) == 3  # a severity is not a condition: it shares the built-in ruleset


def test_the_equity_gap_rule_is_exact_at_the_boundary() -> None:
    resolved = resolve(AlertPolicy.model_validate(only(equity_gap={"more_than": 5})),
                       Attribute.timeliness, None)

    def gap(ppm: int) -> list[str]:
        event = {"event": "result", "standard_key": "T-01", "index": 0, "verdict": "met",
                 "streak": 0, "gap_ppm": ppm}
        return [kind for kind, _ in alert_rules.matches(resolved, [event])]

    assert gap(5_000_000) == []
    assert gap(5_000_001) == ["equity_gap"]


def test_events_no_rule_wants_are_taken_by_the_catch_all() -> None:
    resolved = resolve(AlertPolicy.model_validate(only(breach="on")), Attribute.timeliness,
                       None)
    events = [
        {"event": "result", "standard_key": "T-01", "index": 0, "verdict": "met", "streak": 0},
        {"event": "standard", "standard_key": "T-01", "index": 1, "rows_in_period": 0},
        {"event": "case", "standard_key": "T-01", "index": 2, "overdue": 1, "days_left": 0},
        {"event": "result", "standard_key": "T-01", "index": 3, "verdict": "breach",
         "streak": 4},
    ]
    assert [(kind, e["index"]) for kind, e in alert_rules.matches(resolved, events)] == [
        ("breach", 3)]
    off = resolve(AlertPolicy.model_validate(only()), Attribute.timeliness, None)
    assert alert_rules.matches(off, events) == []


def test_no_event_posted_uses_a_reserved_name(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What reaches durable-rules itself (``Host.post``), in a run raising every kind: no
    ``id``, ``sid`` or ``$s`` (durable-rules' own), only integers and short words — never a
    case id or a segment value, which could be any text."""
    off = resolve(AlertPolicy.model_validate(only()), Attribute.timeliness, None)
    alert_rules.matches(off, [])  # the one host exists from here on
    host = alert_rules._host
    posted: list[dict[str, Any]] = []
    real = host.post

    def spy(ruleset: str, event: dict[str, Any], *args: Any) -> Any:
        posted.append(dict(event))
        return real(ruleset, event, *args)

    monkeypatch.setattr(host, "post", spy)
    standard, rows = everything()
    raised = run(tmp_path, CLAIMS, standard, rows, key=["id"]).record.alerts
    assert len(raised) == 10
    assert {e["event"] for e in posted} == {"result", "standard", "case"}
    # A result or standard event is posted once for each rule that could take it
    # (tracking events come only from improvement goals: tests/test_track_run.py).
    assert {e["policy_rule"] for e in posted if e["event"] != "case"} == set(KINDS) - {
        "case_overdue", "case_at_risk", "off_trajectory"}
    for event in posted:
        assert not set(event) & RESERVED, event
        assert all(isinstance(v, int | str) for v in event.values()), event
        assert all(len(v) <= 20 for v in event.values() if isinstance(v, str)), event
    assert not {"LATE", "SOON", "West", "East"} & {v for e in posted for v in e.values()}
