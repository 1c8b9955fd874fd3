"""The alert policy: which alerts a result raises, how serious each is, who hears of it.

Written as data in ``alert-policy.yaml`` at the top of a standards folder::

    default:                        # every standard (each key is optional)
      breach: {severity: high}
      escalation: {after: 3 periods, severity: critical}
      case_at_risk: {within: 5 days}
    attributes:                     # standards of one attribute
      satisfaction:
        equity_gap: {more_than: 8}
    notify: …                       # where new and resolved alerts are sent

and overridden for one standard by an ``alerts:`` key in its own file. Each layer
changes only the settings it names (``escalation: {after: 2}`` keeps the severity it
had); ``off`` turns a kind of alert off and ``on`` back on. Without a policy file every kind is on,
with the settings below.

Every alert names its standard's owner and a next step. The built-in step is worded for
the alert itself (its period, segment, cases and dates; ``STEP`` says it in general);
``action:`` replaces it, at any layer, with the institution's own words::

    default:
      case_overdue: {action: decide the listed cases today, oldest first}
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator

from engine.model.common import Attribute, Severity, Strict, parse_points
from engine.model.notify import Notify

_COUNT = re.compile(r"^\s*(\d+)\s*([a-z ]*?)\s*$")


def _whole(words: tuple[str, ...], example: str) -> Any:
    """A whole number written with its unit ('3 periods', '5 days'; a bare 3 is fine too)."""
    def parse(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number; write it like '{example}'")
        if isinstance(value, int):
            return value
        match = _COUNT.match(value) if isinstance(value, str) else None
        if not match or (match.group(2) and match.group(2) not in words):
            raise ValueError(f"{value!r} is not understood; write it like '{example}'")
        return int(match.group(1))
    return parse


Periods = Annotated[int, BeforeValidator(_whole(("period", "periods"), "3 periods")),
                    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}],
                                    "examples": ["3 periods"]})]
Days = Annotated[int, BeforeValidator(_whole(("day", "days", "calendar days"), "5 days")),
                 WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}],
                                 "examples": ["5 days"]})]


def _action(value: Any) -> Any:
    """A next step in words: text on one line (a folded YAML block's line breaks become
    spaces), never a number or nothing, which would leave an alert without one."""
    example = "write it in words, like action: call the regional manager today"
    if value is None:
        raise ValueError(f"no next step given; {example}, or leave action out for the "
                         "built-in one")
    if not isinstance(value, str):
        shown = str(value).lower() if isinstance(value, bool) else \
            "a list" if isinstance(value, list) else \
            "a mapping" if isinstance(value, dict) else str(value)
        raise ValueError(f"{shown} is not a next step; {example}")
    words = " ".join(value.split())
    if not words:
        raise ValueError(f"the next step is empty; {example}, or leave action out for the "
                         "built-in one")
    return words


Action = Annotated[str | None, BeforeValidator(_action),
                   WithJsonSchema({"type": "string", "minLength": 1,
                                   "examples": ["call the regional manager today"]})]


class Rule(Strict):
    """Settings shared by every kind of alert."""

    KIND: ClassVar[str]
    WHAT: ClassVar[str]  # the kind in words, for the catalogue and the README
    STEP: ClassVar[str]  # the built-in next step in general words (alerts word it for each)
    severity: Severity = Field(description="low, medium, high or critical.")
    enabled: bool = Field(True, description="false turns this kind of alert off (or write "
                          "just 'off' in place of the settings; 'on' turns it back on).")
    action: Action = Field(None, description="The next step this kind of alert asks for, "
                           "in plain words, in place of the built-in one; each alert ends "
                           "with it ('Next step: …'), after the standard's owner.")


class Breach(Rule):
    KIND, WHAT = "breach", "a result misses its target"
    STEP = ("review the cases of that segment and period that missed the standard, find the "
            "causes, and agree how to bring the result back to its target")
    severity: Severity = Severity.high


class WarningBand(Rule):
    KIND, WHAT = "warning", "a result meets its target but lies inside the warning band"
    STEP = ("find what brought the result close to its target and act on it, so that it stays "
            "on the right side; no recovery plan is needed yet")
    severity: Severity = Severity.medium


class Escalation(Rule):
    KIND, WHAT = ("escalation", "the same segment has missed its target in this many "
                  "consecutive periods (one alert while the breach lasts, not one a period)")
    STEP = ("take the segment's recovery to the owner's management and agree a recovery plan, "
            "with dates, that brings the result back to its target")
    severity: Severity = Severity.critical
    after: Periods = Field(3, ge=2, description="Consecutive breached periods, e.g. 3 periods.")


class CaseOverdue(Rule):
    KIND, WHAT = ("case_overdue", "open cases can no longer meet their limit (the case ids "
                  "are the evidence)")
    STEP = ("complete the listed cases, oldest first (cases.csv lists them all); they count "
            "as not met, already or once completed")
    severity: Severity = Severity.high


class CaseAtRisk(Rule):
    KIND, WHAT = "case_at_risk", "open cases will pass their limit within the stated days"
    STEP = ("complete the listed cases by their dates, the earliest first (cases.csv lists "
            "them all); any not done in time will count as not met")
    severity: Severity = Severity.medium
    within: Days = Field(5, ge=1, le=366, description="Calendar days ahead, e.g. 5 days.")


class NoData(Rule):
    KIND, WHAT = "no_data", "the standard has no rows in the period of the as-of date"
    STEP = ("check that the extract for the period of the as-of date is complete and current, "
            "then run again")
    severity: Severity = Severity.high


class StaleData(Rule):
    KIND, WHAT = ("stale_data", "the newest date that places rows in periods is older than "
                  "this, on the as-of date")
    STEP = ("check that the extract is complete and current, with its rows up to the as-of "
            "date, then run again")
    severity: Severity = Severity.medium
    older_than: Days = Field(7, ge=0, description="Calendar days, e.g. 7 days.")


class EquityGap(Rule):
    KIND, WHAT = ("equity_gap", "a segment trails the whole population, in the same period, "
                  "by more than this many points (percentage points, or the measure's unit)")
    STEP = ("compare the segment's cases in the period with everyone's, find why they trail, "
            "and agree steps to close the gap")
    severity: Severity = Severity.medium
    more_than: Decimal = Field(Decimal(5), gt=0, description="Points, e.g. 5 (up to two "
                               "decimals).")

    _points = field_validator("more_than", mode="before")(parse_points)

    @field_validator("more_than")
    @classmethod
    def _two_decimals(cls, value: Decimal) -> Decimal:
        if value != value.quantize(Decimal("0.01")):
            raise ValueError(f"{value} has more than two decimals")
        return value


class TrajectoryLevel(StrEnum):
    at_risk = "at_risk"
    off_track = "off_track"


class OffTrajectory(Rule):
    KIND, WHAT = ("off_trajectory", "a standard (or a segment) with an improvement goal is "
                  "off track in its latest period (or at risk too, with when: at_risk)")
    STEP = ("review the improvement plan: agree how to gain what each period needs to bring "
            "the result back onto its path, or raise the goal with whoever set it")
    severity: Severity = Severity.high
    when: TrajectoryLevel = Field(TrajectoryLevel.off_track, description="off_track, or "
                                  "at_risk to hear of at_risk and off_track alike.")


RULES: tuple[type[Rule], ...] = (Breach, WarningBand, Escalation, CaseOverdue, CaseAtRisk, NoData,
                                 StaleData, EquityGap, OffTrajectory)
KINDS = {r.KIND: r for r in RULES}


def _about(rule: type[Rule]) -> Any:
    return Field(None, description=f"Raised when {rule.WHAT}; 'off' turns it off.")


class Rules(Strict):
    """One layer of the policy: the kinds it sets, each its settings or ``off``."""

    breach: Breach | None = _about(Breach)
    warning: WarningBand | None = _about(WarningBand)
    escalation: Escalation | None = _about(Escalation)
    case_overdue: CaseOverdue | None = _about(CaseOverdue)
    case_at_risk: CaseAtRisk | None = _about(CaseAtRisk)
    no_data: NoData | None = _about(NoData)
    stale_data: StaleData | None = _about(StaleData)
    equity_gap: EquityGap | None = _about(EquityGap)
    off_trajectory: OffTrajectory | None = _about(OffTrajectory)

    @field_validator("*", mode="before")
    @classmethod
    def _off(cls, value: Any) -> Any:
        """``off`` (or ``false``) turns a kind off; ``on`` (``true``) keeps its settings."""
        if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
            return {"enabled": False}
        if value is True or (isinstance(value, str) and value.strip().lower() == "on"):
            return {"enabled": True}
        if value is None:
            raise ValueError("no settings given; write them, e.g. {severity: high}, or "
                             "'off' or 'on'")
        return value


class AlertPolicy(Strict):
    """``alert-policy.yaml``: the default rules, overrides per attribute, notifications."""

    default: Rules = Field(default_factory=lambda: Rules(), description="Rules for every standard.")
    attributes: dict[Attribute, Rules] = Field(
        default_factory=dict, description="Overrides for the standards of one attribute.")
    notify: Notify | None = Field(None, description="Where new and resolved alerts are sent.")


Resolved = dict[str, Rule]  # kind → its settings, for the kinds that are on


def resolve(policy: AlertPolicy, attribute: Attribute, own: Rules | None) -> Resolved:
    """The rules for one standard: built-in settings, then the default layer, the
    attribute's layer and the standard's own, each changing only what it names."""
    settings: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    for layer in (policy.default, policy.attributes.get(attribute), own):
        for kind in layer.model_fields_set if layer is not None else ():
            rule = getattr(layer, kind)
            if rule is not None:
                settings[kind] |= rule.model_dump(exclude_unset=True)
    rules = {kind: KINDS[kind].model_validate(given) for kind, given in settings.items()}
    return {kind: rule for kind, rule in rules.items() if rule.enabled}
