"""The alert policy as loaded: built-in settings, layers, units, and load errors.

An alert policy is data: ``alert-policy.yaml`` (a default, overrides per attribute) and a
standard's own ``alerts:`` key, each layer changing only the settings it names. Here, what
each standard ends up with, and malformed policies as a user sees them (``compliance
validate`` and ``compliance check``): every problem at its file:line:col, exit code 2. The
alerts each kind raises are in ``test_alert_policy.py``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.load import load_catalogue
from engine.model.common import Attribute
from engine.model.policy import KINDS, AlertPolicy, resolve
from engine.problems import InputError

BUILT_IN = {
    "breach": ("high", {}),
    "warning": ("medium", {}),
    "escalation": ("critical", {"after": 3}),
    "case_overdue": ("high", {}),
    "case_at_risk": ("medium", {"within": 5}),
    "no_data": ("high", {}),
    "stale_data": ("medium", {"older_than": 7}),
    "equity_gap": ("medium", {"more_than": 5}),
    "off_trajectory": ("high", {"when": "off_track"}),
}


# --- the policy itself: built-in settings, layers, off and on ------------------------------


def settings(rules: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each kind's severity and its own settings (the next step's ``action`` apart:
    :func:`actions`)."""
    return {kind: (rule.severity.value,
                   rule.model_dump(exclude={"severity", "enabled", "action"}))
            for kind, rule in rules.items()}


def actions(rules: dict[str, Any]) -> dict[str, str]:
    """The kinds given an ``action`` (a next step in the policy's words), and it."""
    return {kind: rule.action for kind, rule in rules.items() if rule.action is not None}


def test_without_a_policy_every_kind_is_on_with_its_built_in_settings() -> None:
    for attribute in Attribute:
        assert settings(resolve(AlertPolicy(), attribute, None)) == BUILT_IN
        # No action: each alert words its own next step.
        assert actions(resolve(AlertPolicy(), attribute, None)) == {}


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


def test_an_action_is_set_at_each_level_like_a_severity(tmp_path: Path) -> None:
    policy = """\
default:
  breach: {action: call the team lead today}
  case_overdue: {action: decide the listed cases today}
attributes:
  timeliness:
    breach: {action: raise it at the operations meeting}
    no_data:
      action: >-
        ask the data team
        for a new extract
"""
    catalogue = load_catalogue(folder(tmp_path, policy, {
        "T-01": ("timeliness", ""),
        "T-02": ("timeliness", "alerts:\n  breach: {action: ask for a recovery plan}\n"
                               "  case_overdue: {severity: critical}\n"),
        "S-01": ("satisfaction", ""),
    }))
    got = {sid: actions(catalogue.policy_for(std)) for sid, std in catalogue.standards.items()}
    # The nearest layer wins; a folded block is one line; a layer changing only the
    # severity keeps the action.
    assert got == {
        "T-01": {"breach": "raise it at the operations meeting",
                 "case_overdue": "decide the listed cases today",
                 "no_data": "ask the data team for a new extract"},
        "T-02": {"breach": "ask for a recovery plan",
                 "case_overdue": "decide the listed cases today",
                 "no_data": "ask the data team for a new extract"},
        "S-01": {"breach": "call the team lead today",
                 "case_overdue": "decide the listed cases today"},
    }
    assert settings(catalogue.policy_for(catalogue.standards["T-02"]))["case_overdue"] == (
        "critical", {})


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
         "off_trajectory, stale_data, warning)"],
        id="misspelt kind"),
    pytest.param(
        {POLICY: "default:\n  escalation: {aftr: 2}\n"},
        [f"{POLICY}:2:16: unknown key 'aftr' under default.escalation (did you mean 'after'? "
         "allowed here: action, after, enabled, severity)"],
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
    # A next step is words: not a number, not nothing.
    pytest.param(
        {POLICY: "default:\n  breach: {action: 12}\n"},
        [f"{POLICY}:2:12: default.breach.action: 12 is not a next step; write it in words, "
         "like action: call the regional manager today"],
        id="an action that is a number"),
    pytest.param(
        {POLICY: "default:\n  warning: off\n  breach:\n    severity: high\n    action: ''\n"},
        [f"{POLICY}:5:5: default.breach.action: the next step is empty; write it in words, "
         "like action: call the regional manager today, or leave action out for the "
         "built-in one"],
        id="an empty action"),
    pytest.param(
        {POLICY: "attributes:\n  timeliness:\n    case_overdue: {action: }\n"},
        [f"{POLICY}:3:20: attributes.timeliness.case_overdue.action: no next step given"],
        id="an action with nothing after it"),
    pytest.param(
        {"T-01.yaml": "alerts:\n  breach: {action: [call, write]}\n"},
        ["T-01.yaml:12:12: alerts.breach.action: a list is not a next step"],
        id="standard's own alerts: an action that is a list"),
    # A kind with nothing after it is neither 'on' nor 'off' nor settings: never ignored.
    pytest.param(
        {POLICY: "default:\n  breach:\n  warning: off\n"},
        [f"{POLICY}:2:3: default.breach: no settings given; write them, e.g. {{severity: "
         "high}, or 'off' or 'on'"],
        id="a kind with no settings"),
    pytest.param(
        {POLICY: "default:\n  warning: off\n  breach: ~\n"},
        [f"{POLICY}:3:3: default.breach: no settings given"],
        id="a kind set to null"),
    pytest.param(
        {POLICY: "attributes:\n  timeliness:\n    case_at_risk:\n"},
        [f"{POLICY}:3:5: attributes.timeliness.case_at_risk: no settings given"],
        id="an attribute's kind with no settings"),
    pytest.param(
        {"T-01.yaml": "alerts:\n  breach:\n  warning: {severity: low}\n"},
        ["T-01.yaml:12:3: alerts.breach: no settings given; write them"],
        id="standard's own alerts: a kind with no settings"),
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


def test_a_kind_with_no_settings_stops_the_load_as_well(tmp_path: Path) -> None:
    folder(tmp_path, "default:\n  breach:\n", {"T-01": ("timeliness", "")})
    with pytest.raises(InputError) as raised:
        load_catalogue(tmp_path)
    assert raised.value.exit_code == 2
    (problem,) = raised.value.problems
    assert str(problem).endswith(
        f"{POLICY}:2:3: default.breach: no settings given; write them, e.g. {{severity: "
        "high}, or 'off' or 'on'")


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


def test_the_readme_and_the_example_policy_say_what_the_engine_does() -> None:
    """The README's table of kinds gives each one's built-in next step as the engine has
    it, and the shipped policy explains ``action:``."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("| kind | raised when | settings (built-in) | next step", 1)[1]
    rows = {line.split("`")[1]: line for line in table.split("\n\n", 1)[0].splitlines()
            if line.startswith("| `")}
    assert set(rows) == set(KINDS)
    for kind, rule in KINDS.items():
        assert rows[kind].endswith(f" | {rule.STEP} |"), kind
    shipped = (root / "standards" / POLICY).read_text(encoding="utf-8")
    assert "`action:` replaces it" in shipped
    assert "Owner: Benefits Processing. Next step:" in shipped
