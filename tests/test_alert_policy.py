"""The alert policy and the kinds of alert it raises, case by case.

An alert policy is data: ``alert-policy.yaml`` (a default, overrides per attribute) and a
standard's own ``alerts:`` key, each layer changing only the settings it names. Each
kind is run through the public API (``engine.run.check``, via ``measure_cases.run``) on
a small extract where the expected alerts are worked out by hand, on both sides of its
boundary: an open case due on the as-of date against one due the day after, a case due
exactly ``within`` days ahead against one a day later, data exactly ``older_than`` days
old against a day older, an equity gap of exactly the allowed points against one just
over. Malformed policies are load errors seen as a user sees them (``compliance
validate``). Last, the durable-rules side: the ruleset compiled for a policy, and the
events posted to it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from measure_cases import run
from typer.testing import CliRunner

from engine.cli import app
from engine.decide import alerts as alert_rules
from engine.load import load_catalogue
from engine.model.common import Attribute
from engine.model.policy import KINDS, AlertPolicy, resolve
from engine.model.results import Alert

CLAIMS = {"id": "string", "lodged": "date", "decided": "date", "region": "category"}
WITHIN_28 = {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}}
MONTHLY: dict[str, Any] = dict(measure=WITHIN_28, period={"kind": "month", "by": "decided"},
                               target={"at_least": "80%"})

BUILT_IN = {
    "breach": ("high", {}),
    "warning": ("medium", {}),
    "escalation": ("critical", {"after": 3}),
    "case_overdue": ("high", {}),
    "case_at_risk": ("medium", {"within": 5}),
    "no_data": ("high", {}),
    "stale_data": ("medium", {"older_than": 7}),
    "equity_gap": ("medium", {"more_than": 5}),
}


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


# --- the policy itself: built-in settings, layers, off and on ------------------------------


def settings(rules: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {kind: (rule.severity.value, rule.model_dump(exclude={"severity", "enabled"}))
            for kind, rule in rules.items()}


def test_without_a_policy_every_kind_is_on_with_its_built_in_settings() -> None:
    for attribute in Attribute:
        assert settings(resolve(AlertPolicy(), attribute, None)) == BUILT_IN


STANDARD_YAML = """\
id: {id}
title: Claims decided within 28 days
statement: We decide 80% of claims within 28 days.
attribute: {attribute}
owner: Benefits
dataset: claims
measure:
  share_within: {{from: lodged, to: decided, limit: 28 days}}
period: {{kind: month, by: decided}}
target: {{at_least: 80%}}
"""
DATASET_YAML = """\
name: claims
title: Claims
files: claims.csv
columns:
  id: {header: id}
  lodged: {header: lodged, type: date}
  decided: {header: decided, type: date}
"""


def folder(root: Path, policy: str | None, standards: dict[str, tuple[str, str]]) -> Path:
    """A standards folder: ``standards`` maps an id to (attribute, its own alerts: YAML)."""
    (root / "datasets").mkdir(parents=True)
    (root / "datasets/claims.yaml").write_text(DATASET_YAML, encoding="utf-8")
    if policy is not None:
        (root / "alert-policy.yaml").write_text(policy, encoding="utf-8")
    for sid, (attribute, own) in standards.items():
        text = STANDARD_YAML.format(id=sid, attribute=attribute) + own
        (root / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return root


def test_each_layer_changes_only_the_settings_it_names(tmp_path: Path) -> None:
    policy = """\
default:
  escalation: {severity: high}
  case_at_risk: {within: 10 days}
attributes:
  timeliness:
    escalation: {after: 2 periods}
    equity_gap: {more_than: 2.5 points}
"""
    catalogue = load_catalogue(folder(tmp_path, policy, {
        "T-01": ("timeliness", ""),
        "T-02": ("timeliness", "alerts:\n  escalation: {after: 4}\n  breach: {severity: low}\n"),
        "S-01": ("satisfaction", ""),
    }))
    rules = {sid: settings(catalogue.policy_for(std))
             for sid, std in catalogue.standards.items()}
    # The attribute's 'after' keeps the default's severity; the default's own 'within' stays.
    assert rules["T-01"] == BUILT_IN | {"escalation": ("high", {"after": 2}),
                                        "case_at_risk": ("medium", {"within": 10}),
                                        "equity_gap": ("medium", {"more_than": 2.5})}
    assert rules["T-02"] == rules["T-01"] | {"escalation": ("high", {"after": 4}),
                                             "breach": ("low", {})}
    # Another attribute's standard has only the default layer.
    assert rules["S-01"] == BUILT_IN | {"escalation": ("high", {"after": 3}),
                                        "case_at_risk": ("medium", {"within": 10})}


def test_off_at_default_and_on_again_for_one_standard_keeps_the_settings(tmp_path: Path) -> None:
    policy = """\
default:
  warning: off
  breach: {severity: critical, enabled: false}
  case_at_risk: {within: 3 days}
  no_data: false
attributes:
  timeliness:
    case_at_risk: off
"""
    catalogue = load_catalogue(folder(tmp_path, policy, {
        "T-01": ("timeliness", ""),
        "T-02": ("timeliness", "alerts:\n  breach: on\n  case_at_risk: on\n  no_data: true\n"),
        "A-01": ("access", "alerts: {equity_gap: OFF}\n"),
    }))
    kinds = {sid: sorted(catalogue.policy_for(std)) for sid, std in catalogue.standards.items()}
    everything = sorted(KINDS)
    assert kinds["T-01"] == sorted(set(everything) - {"warning", "breach", "case_at_risk",
                                                      "no_data"})
    assert kinds["T-02"] == sorted(set(everything) - {"warning"})
    assert kinds["A-01"] == sorted(set(everything) - {"warning", "breach", "no_data",
                                                      "equity_gap"})
    t02 = catalogue.policy_for(catalogue.standards["T-02"])
    # 'on' brings back the settings the kind had when it was turned off.
    assert settings(t02)["breach"] == ("critical", {})
    assert settings(t02)["case_at_risk"] == ("medium", {"within": 3})


@pytest.mark.parametrize(("written", "expected"), [
    pytest.param({"escalation": {"after": "2 periods"}}, ("escalation", "after", 2), id="periods"),
    pytest.param({"escalation": {"after": "2 period"}}, ("escalation", "after", 2), id="period"),
    pytest.param({"escalation": {"after": 5}}, ("escalation", "after", 5), id="bare periods"),
    pytest.param({"case_at_risk": {"within": "1 day"}}, ("case_at_risk", "within", 1), id="day"),
    pytest.param({"case_at_risk": {"within": "366 calendar days"}},
                 ("case_at_risk", "within", 366), id="calendar days"),
    pytest.param({"stale_data": {"older_than": "0 days"}}, ("stale_data", "older_than", 0),
                 id="zero days"),
    pytest.param({"equity_gap": {"more_than": 2.55}}, ("equity_gap", "more_than", Decimal("2.55")),
                 id="two decimals"),
    pytest.param({"equity_gap": {"more_than": "10 points"}}, ("equity_gap", "more_than", 10),
                 id="points"),
])
def test_settings_are_read_with_their_units(written: dict[str, Any],
                                            expected: tuple[str, str, Any]) -> None:
    kind, name, value = expected
    rule = resolve(AlertPolicy.model_validate({"default": written}), Attribute.access, None)[kind]
    assert getattr(rule, name) == value


# --- malformed policies: load errors as a user sees them ----------------------------------

# (files written, the start of each problem line expected from `compliance validate`)
POLICY = "alert-policy.yaml"
MALFORMED = [
    pytest.param(
        {POLICY: "defaults:\n  breach: {severity: high}\n"},
        [f"{POLICY}:1:1: unknown key 'defaults' under the top level (did you mean 'default'? "
         "allowed here: attributes, default, notify)"],
        id="unknown top-level key"),
    pytest.param(
        {POLICY: "default:\n  breach: on\n  breech: {severity: high}\n"},
        [f"{POLICY}:3:3: unknown key 'breech' under default (did you mean 'breach'? allowed "
         "here: breach, case_at_risk, case_overdue, equity_gap, escalation, no_data, "
         "stale_data, warning)"],
        id="misspelt kind"),
    pytest.param(
        {POLICY: "default:\n  escalation: {aftr: 2}\n"},
        [f"{POLICY}:2:16: unknown key 'aftr' under default.escalation (did you mean 'after'? "
         "allowed here: after, enabled, severity)"],
        id="misspelt setting"),
    pytest.param(
        {POLICY: "default:\n  escalation: {after: 1}\n"},
        [f"{POLICY}:2:16: default.escalation.after: input should be greater than or equal "
         "to 2 (found 1)"],
        id="escalation after one period"),
    pytest.param(
        {POLICY: "default:\n  case_at_risk: {within: 2 weeks}\n"},
        [f"{POLICY}:2:18: default.case_at_risk.within: '2 weeks' is not understood; write it "
         "like '5 days'"],
        id="within in weeks"),
    pytest.param(
        {POLICY: "default:\n  breach: {severity: urgent}\n"},
        [f"{POLICY}:2:12: default.breach.severity: input should be 'low', 'medium', 'high' or "
         "'critical' (found 'urgent')"],
        id="unknown severity"),
    pytest.param(
        {POLICY: "default:\n  equity_gap: {more_than: 2.555}\n"},
        [f"{POLICY}:2:16: default.equity_gap.more_than: 2.555 has more than two decimals"],
        id="points with three decimals"),
    pytest.param(
        {POLICY: "default:\n  escalation: {after: 2.5}\n"},
        [f"{POLICY}:2:16: default.escalation.after: 2.5 is not understood; write it like "
         "'3 periods'"],
        id="a fraction of a period"),
    pytest.param(
        {POLICY: "attributes:\n  timelines:\n    escalation: {after: 2}\n"},
        [f"{POLICY}:2:3: attributes.timelines: input should be 'timeliness', 'access'"],
        id="unknown attribute"),
    pytest.param(
        {POLICY: "default:\n  breech: off\n  escalation: {after: 1}\nattributes:\n"
                 "  timeliness:\n    case_at_risk: {within: 2 weeks}\n"},
        [f"{POLICY}:2:3: unknown key 'breech' under default (did you mean 'breach'?",
         f"{POLICY}:3:16: default.escalation.after: input should be greater than or equal to 2",
         f"{POLICY}:6:20: attributes.timeliness.case_at_risk.within: '2 weeks' is not "
         "understood; write it like '5 days'"],
        id="every mistake in one pass"),
    pytest.param(
        {"T-01.yaml": "alerts:\n  escalaton: {after: 2}\n"},
        ["T-01.yaml:12:3: unknown key 'escalaton' under alerts (did you mean 'escalation'?"],
        id="standard's own alerts: misspelt kind"),
    pytest.param(
        {"T-01.yaml": "alerts:\n  breach: {severity: High}\n"},
        ["T-01.yaml:12:12: alerts.breach.severity: input should be 'low', 'medium', 'high' or "
         "'critical' (found 'High') (did you mean 'high'?"],
        id="standard's own alerts: severity in capitals"),
]


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(("files", "expected"), MALFORMED)
def test_a_malformed_policy_is_a_load_error_where_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str],
        expected: list[str]) -> None:
    folder(tmp_path, None, {"T-01": ("timeliness", files.pop("T-01.yaml", ""))})
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in ("validate", "check"):
        code, output = cli(command, "--standards", ".", *(
            ["--no-store", "--out", str(tmp_path / "out")] if command == "check" else []))
        assert code == 2, output
        assert "Traceback" not in output
        lines = [line for line in output.splitlines() if ".yaml:" in line]
        assert len(lines) == len(expected), output
        for line, start in zip(lines, expected, strict=True):
            assert line.startswith(start), f"\n{line}\ndoes not start with\n{start}"
        assert f"{len(expected)} problem{'s' if len(expected) > 1 else ''} found" in output


def test_a_well_formed_policy_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = """\
default:
  escalation: {after: 2 periods, severity: high}
  stale_data: {older_than: 0 days}
  equity_gap: {more_than: 0.01}
  warning: off
attributes:
  satisfaction:
    warning: on
"""
    folder(tmp_path, policy, {"T-01": ("timeliness", "alerts: {escalation: {after: 3}}\n")})
    monkeypatch.chdir(tmp_path)
    code, output = cli("validate", "--standards", ".")
    assert code == 0, output
    assert "1 standards and 1 datasets are valid" in output


# --- breach and warning: the latest period's verdict ----------------------------------------


BANDED = {**MONTHLY, "target": {"at_least": "80%", "warning_below": "90%"}}


@pytest.mark.parametrize(("met", "late", "expected"), [
    pytest.param(9, 1, {}, id="90% is outside the band below 90%: no alert"),
    pytest.param(8, 2, {"T-01:warning:all": (
        "medium", "T-01 Test standard: warning in 2025-06. 80.0% (8 of 10) against a target "
        "of at least 80%: met, but inside the warning band (below 90%).")},
        id="80% meets 80% but is inside the band: a warning"),
    pytest.param(7, 3, {"T-01:breach:all": (
        "high", "T-01 Test standard: breach in 2025-06. 70.0% (7 of 10) against a target of "
        "at least 80%: 10.0 points below the target; it needed 1 more case meeting the "
        "standard.")}, id="70%: a breach, one case short"),
    pytest.param(6, 4, {"T-01:breach:all": (
        "high", "T-01 Test standard: breach in 2025-06. 60.0% (6 of 10) against a target of "
        "at least 80%: 20.0 points below the target; it needed 2 more cases meeting the "
        "standard.")}, id="60%: a breach, two cases short"),
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
                         "2025-06).")
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
    assert raised["T-01:escalation:region=West"].message.startswith(
        "Escalation: breached for 3 consecutive periods (2025-04 to 2025-06). T-01 Test "
        "standard: breach in 2025-06, region West.")


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


def open_claim(cid: str, lodged: str, region: str = "West") -> list[Any]:
    return [cid, lodged, None, region]


def case_alerts(outcome: Any) -> dict[str, list[tuple[str, str | None]]]:
    """(case, complete_by) of each case alert's evidence, in its order."""
    return {a.kind: [(c["case"], c.get("complete_by")) for c in a.evidence["cases"]]
            for a in outcome.record.alerts}


def test_an_open_case_due_on_the_as_of_date_is_overdue_one_due_the_day_after_is_at_risk(
        tmp_path: Path) -> None:
    rows = [open_claim("C1", "2025-06-02"),   # day 28 is 30 June, the as-of date: late
            open_claim("C2", "2025-06-03"),   # day 28 is 1 July: can still make it
            ["C3", "2025-06-01", "2025-06-30", "West"]]  # closed: never a case alert
    outcome = run(tmp_path, CLAIMS, OPEN, rows, key=["id"], policy=CASE_ALERTS)
    assert case_alerts(outcome) == {"case_overdue": [("C1", None)],
                                    "case_at_risk": [("C2", "2025-07-01")]}
    raised = by_key(outcome.record.alerts)
    assert set(raised) == {"T-01:case_overdue:all", "T-01:case_at_risk:all"}
    overdue, at_risk = raised["T-01:case_overdue:all"], raised["T-01:case_at_risk:all"]
    assert (overdue.severity, at_risk.severity) == ("high", "medium")
    assert overdue.message == (
        "T-01 Test standard: overdue cases in 2025-06. 1 open case can no longer meet the "
        "standard (decided within 28 days of lodged) at the end of 2025-06-30 (West 1). "
        "Cases: C1 (lodged 2025-06-02).")
    assert at_risk.message.startswith(
        "T-01 Test standard: cases at risk in 2025-06. 1 open case will miss the standard "
        "(decided within 28 days of lodged)")
    assert "the first must be done by 2025-07-01" in at_risk.message
    assert at_risk.message.endswith("Cases: C2 (done by 2025-07-01; lodged 2025-06-03).")
    evidence = at_risk.evidence["cases"][0]
    assert {k: evidence[k] for k in ("case", "id", "row", "region", "lodged", "complete_by")} \
        == {"case": "C2", "id": "C2", "row": 3, "region": "West", "lodged": "2025-06-03",
            "complete_by": "2025-07-01"}
    assert Path(evidence["file"]).name == "cases.csv"
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
    assert case_alerts(outcome) == {
        "case_overdue": [("O1", None), ("O2", None), ("O3", None)],
        "case_at_risk": [("R1", "2025-07-01"), ("R1b", "2025-07-01"), ("R2", "2025-07-02"),
                         ("R3", "2025-07-03"), ("R4", "2025-07-04"), ("R5", "2025-07-05"),
                         ("R5b", "2025-07-05")],
    }
    at_risk = by_key(outcome.record.alerts)["T-01:case_at_risk:all"]
    assert at_risk.evidence["count"] == 7
    # Five named, most urgent first, the rest counted; the split by segment.
    assert "7 open cases will miss the standard" in at_risk.message
    assert "the first must be done by 2025-07-01 (West 4, East 3)." in at_risk.message
    assert at_risk.message.endswith(
        "Most urgent: R1 (done by 2025-07-01; lodged 2025-06-03); R1b (done by 2025-07-01; "
        "lodged 2025-06-03); R2 (done by 2025-07-02; lodged 2025-06-04); R3 (done by "
        "2025-07-03; lodged 2025-06-05); R4 (done by 2025-07-04; lodged 2025-06-06); and 2 "
        "more.")
    overdue = by_key(outcome.record.alerts)["T-01:case_overdue:all"]
    assert "3 open cases can no longer meet the standard" in overdue.message
    assert overdue.message.endswith("Cases: O1 (lodged 2025-05-02); O2 (lodged 2025-05-20); "
                                    "O3 (lodged 2025-06-02).")


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
    assert Path(case["file"]).name == "cases.csv" and case["row"] == 3
    label, ids = expected
    label = label or f"{case['file']} row 3"
    assert case["case"] == label
    assert {k: case[k] for k in ids} == ids
    if not ids:
        assert "id" not in case
    assert alert.message.endswith(f"Cases: {label} (lodged 2025-06-02).")


BUSINESS = {**OPEN, "measure": {"share_within": {"from": "lodged", "to": "decided",
                                                 "limit": "2 business days"}}}


@pytest.mark.parametrize(("as_of", "within", "expected"), [
    # Received Friday 27 June 2025; Monday 30 June is business day 1, Tuesday 1 July is
    # Canada Day, Wednesday 2 July is business day 2: it must be done by 2 July.
    pytest.param("2025-06-30", 5, {"case_at_risk": [("C1", "2025-07-02")]},
                 id="Monday: due Wednesday, past Canada Day"),
    pytest.param("2025-06-27", 5, {"case_at_risk": [("C1", "2025-07-02")]},
                 id="the Friday itself: due exactly 5 days ahead"),
    pytest.param("2025-06-27", 4, {}, id="the Friday itself: not within 4 days"),
    pytest.param("2025-07-01", 1, {"case_at_risk": [("C1", "2025-07-02")]},
                 id="Canada Day: due tomorrow"),
    pytest.param("2025-07-02", 5, {"case_overdue": [("C1", None)]},
                 id="Wednesday: due on the as-of date, overdue"),
])
def test_business_day_limits_across_a_public_holiday(
        tmp_path: Path, as_of: str, within: int, expected: dict[str, Any]) -> None:
    outcome = run(tmp_path, CLAIMS, BUSINESS, [open_claim("C1", "2025-06-27")], key=["id"],
                  as_of=as_of, policy=only(case_overdue="on",
                                           case_at_risk={"within": within}))
    assert case_alerts(outcome) == expected
    if "case_at_risk" in expected:
        (alert,) = outcome.record.alerts
        assert alert.evidence["deadline"] == "decided within 2 business days of lodged"
        assert "the first must be done by 2025-07-02" in alert.message


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
    assert alert.evidence["newest"] == "2025-05-30"


@pytest.mark.parametrize(("older_than", "newest", "days"), [
    pytest.param(7, "2025-06-23", None, id="exactly 7 days old: not stale"),
    pytest.param(7, "2025-06-22", 8, id="8 days old: stale"),
    pytest.param(0, "2025-06-30", None, id="as of the as-of date: fresh at 0 days"),
    pytest.param(0, "2025-06-29", 1, id="a day old: stale at 0 days"),
    pytest.param(20, "2025-06-10", None, id="exactly 20 days old"),
    pytest.param(20, "2025-06-09", 21, id="21 days old"),
])
def test_stale_data_older_than_the_policy_allows(
        tmp_path: Path, older_than: int, newest: str, days: int | None) -> None:
    rows = [["C1", "2025-06-01", "2025-06-05", "West"], ["C2", "2025-06-01", newest, "West"],
            ["C3", "2025-06-01", "2025-07-03", "West"]]  # after the as-of date: not counted
    raised = run(tmp_path, CLAIMS, FRESHNESS, rows,
                 policy=only(stale_data={"older_than": f"{older_than} days"})).record.alerts
    if days is None:
        assert raised == []
        return
    (alert,) = raised
    assert (alert.key, alert.severity) == ("T-01:stale_data:all", "medium")
    assert (f"The newest decided in the cases extract is {newest}, {days} days before the "
            "as-of date 2025-06-30") in alert.message
    assert alert.evidence["newest"] == newest and alert.evidence["as_of"] == "2025-06-30"


# --- equity_gap: a segment trailing everyone by more than the points ------------------------

SEGMENTED = {**MONTHLY, "segments": ["region"]}


def split(west: tuple[int, int], east: tuple[int, int]) -> list[list[Any]]:
    """June claims: (met, late) for West and for East."""
    return [*month("2025-06", *west, "West"), *month("2025-06", *east, "East")]


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


def test_equity_gap_message_names_both_values(tmp_path: Path) -> None:
    # West 3 of 5 (60%) against everyone 12 of 15 (80%): 20 points; East leads, no alert.
    raised = run(tmp_path, CLAIMS, SEGMENTED, split((3, 2), (9, 1)),
                 policy=only(equity_gap="on")).record.alerts
    (alert,) = raised
    assert alert.message == (
        "T-01 Test standard: equity gap in 2025-06, region West. This segment trails the "
        "whole population by 20.0 points: 60.0% (3 of 5) against 80.0% (12 of 15) for "
        "everyone, more than the 5 points the alert policy allows.")
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
        "It has missed the target for 3 consecutive periods (2025-03 to 2025-05).")
    assert raised["T-01:equity_gap:region=West"].evidence["gap_exact"] == "40/3"
    assert [(c["case"], c.get("complete_by")) for c in
            raised["T-01:case_at_risk:all"].evidence["cases"]] == [("SOON", "2025-07-03")]
    assert [(c["case"], c.get("complete_by")) for c in
            raised["T-01:case_overdue:all"].evidence["cases"]] == [("LATE", None)]
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
    # A result or standard event is posted once for each rule that could take it.
    assert {e["policy_rule"] for e in posted if e["event"] != "case"} == set(KINDS) - {
        "case_overdue", "case_at_risk"}
    for event in posted:
        assert not set(event) & RESERVED, event
        assert all(isinstance(v, int | str) for v in event.values()), event
        assert all(len(v) <= 20 for v in event.values() if isinstance(v, str)), event
    assert not {"LATE", "SOON", "West", "East"} & {v for e in posted for v in e.values()}
