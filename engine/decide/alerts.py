"""The alert policy as durable-rules rulesets, and the one host that runs them.

Each standard's policy (``engine.model.policy``: the default, its attribute's and its
own rules, resolved) is compiled into a durable-rules JSON ruleset. Standards with the
same policy share one ruleset, named by a digest of its JSON, registered once on one
long-lived host (a ruleset cannot be registered twice; ``set_rulesets`` mutates what
it is given, so it gets a deep copy).

Four kinds of event are posted, one at a time (``post_batch`` runs actions
asynchronously and partially):

* ``result`` — a result of a standard's latest period: its verdict, the consecutive
  breached periods of its segment (``streak``), and for a segment how far it trails
  the whole population (``gap_ppm``, millionths of a point, rounded up — so ``gap_ppm >
  N × 10⁶`` is exactly "trails by more than N points");
* ``standard`` — the rows in the period of the as-of date and how old the newest
  period date is (``days_old``);
* ``tracking`` — a standard's (or a segment's) improvement status in its latest
  assessed period, as ``behind``: 0 on track or achieved, 1 at risk, 2 off track;
* ``case`` — open cases late on the as-of date (``overdue``), or with ``days_left`` to
  be done in. Cases alike in those facts are posted once, with their number (``cases``):
  the rules cannot tell them apart, and posting each of 200,000 cases would cost seconds
  (``python -m bench decide`` measures both).

An event is consumed by the one rule it matches, so result and standard events are
posted once per rule that could take them, naming it (``policy_rule``): a breach can
then also be an escalation. Case rules exclude each other and take a case once. A
catch-all rule of the lowest priority takes every event no policy rule wants, so
nothing raises ``MessageNotHandledException``. Actions only record what matched; an
exception inside an action is re-raised by ``post``, not swallowed.

Field names avoid durable-rules' reserved ``id``, ``sid`` and ``$s``; every value posted
is an integer or a short string.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from engine.model.policy import (
    Breach,
    CaseAtRisk,
    CaseOverdue,
    EquityGap,
    Escalation,
    NoData,
    OffTrajectory,
    Resolved,
    Rule,
    StaleData,
    WarningBand,
)

PPM = 1_000_000
# Which event each kind of alert is decided from.
EVENT = {"breach": "result", "warning": "result", "escalation": "result",
         "equity_gap": "result", "no_data": "standard", "stale_data": "standard",
         "case_overdue": "case", "case_at_risk": "case", "off_trajectory": "tracking"}
# How far behind its improvement path a tracked series is, as the integer posted.
BEHIND = {"achieved": 0, "on_track": 0, "not_assessed": 0, "at_risk": 1, "off_track": 2}

_lock = threading.Lock()
_host: Any = None
_registered: set[str] = set()
_matches: list[tuple[str, dict[str, Any]]] = []


def _tests(rule: Rule) -> list[dict[str, Any]]:
    """The conditions of one kind of alert, beyond its event and rule name."""
    match rule:
        case Breach():
            return [{"verdict": "breach"}]
        case WarningBand():
            return [{"verdict": "warning"}]
        case Escalation(after=after):
            return [{"verdict": "breach"}, {"$gte": {"streak": after}}]
        case EquityGap(more_than=points):
            return [{"$gt": {"gap_ppm": int(points * PPM)}}]
        case NoData():
            return [{"rows_in_period": 0}]
        case StaleData(older_than=days):
            return [{"$gt": {"days_old": days}}]
        case CaseOverdue():
            return [{"overdue": 1}]
        case CaseAtRisk(within=days):
            return [{"overdue": 0}, {"$lte": {"days_left": days}}]
        case OffTrajectory(when=level):
            return [{"$gte": {"behind": BEHIND[level.value]}}]
    raise AssertionError(f"no rule for {rule!r}")  # pragma: no cover - every kind is above


def compile_policy(policy: Resolved) -> dict[str, Any]:
    """One standard's resolved policy as a durable-rules ruleset body (without actions)."""
    rules: dict[str, Any] = {}
    for kind, rule in policy.items():
        head: list[dict[str, Any]] = [{"event": EVENT[kind]}]
        if EVENT[kind] != "case":
            head.append({"policy_rule": kind})
        rules[kind] = {"all": [{"m": {"$and": head + _tests(rule)}}], "pri": 1}
    rules["unmatched"] = {"all": [{"m": {"$ex": {"event": 1}}}], "pri": 1000}
    return rules


def ruleset_name(policy: Resolved) -> str:
    body = json.dumps(compile_policy(policy), sort_keys=True)
    return "alert_policy_" + hashlib.sha256(body.encode()).hexdigest()[:16]


def _record(rule: str) -> Callable[[Any], None]:
    def action(c: Any) -> None:
        _matches.append((rule, dict(c.m.items())))
    return action


def _ruleset(policy: Resolved) -> str:
    """The policy's ruleset on the host, registered the first time it is needed."""
    global _host
    if _host is None:
        from durable.engine import Host

        _host = Host()
    name = ruleset_name(policy)
    if name not in _registered:
        body = copy.deepcopy(compile_policy(policy))  # set_rulesets mutates what it is given
        for rule, definition in body.items():
            definition["run"] = _record(rule)
        _host.set_rulesets({name: body})
        _registered.add(name)
    return name


def matches(policy: Resolved, events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Post each event under ``policy``; return (kind of alert, event) for each match."""
    out: list[tuple[str, dict[str, Any]]] = []
    with _lock:
        name = _ruleset(policy)
        for event in events:
            kind = event["event"]
            names = [None] if kind == "case" else [r for r in policy if EVENT[r] == kind]
            for rule in names:
                _matches.clear()
                _host.post(name, event if rule is None else {**event, "policy_rule": rule})
                out.extend((r, m) for r, m in _matches if r != "unmatched")
        _matches.clear()
    return out
