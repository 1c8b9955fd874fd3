"""Alerts from results, decided by durable-rules.

The alert policy is data: for each kind of alert, the verdict that raises it, its
severity, and for an escalation the number of consecutive breached periods. It is
compiled once into a durable-rules JSON ruleset, registered once on one long-lived host
(rulesets cannot be registered twice), and each result of a standard's latest period is
posted once per policy rule, naming it, because an event is consumed by the one rule it
matches (so a breach can also be an escalation). A catch-all rule of the lowest priority
takes every event no policy rule wants, so nothing raises ``MessageNotHandledException``.
Actions only record what matched; an exception inside an action is re-raised by ``post``
and not swallowed.

Field names avoid durable-rules' reserved ``id``, ``sid`` and ``$s``; dates are integers.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

DEFAULT_POLICY: dict[str, dict[str, Any]] = {
    "breach": {"verdict": "breach", "severity": "high"},
    "warning": {"verdict": "warning", "severity": "medium"},
    # A breach in this many consecutive periods, for the same segment, is escalated: one
    # alert that stays open while the breach lasts, not one per period.
    "escalation": {"verdict": "breach", "min_streak": 3, "severity": "critical"},
}
RULESET = "alert_policy_v1"

_lock = threading.Lock()
_host: Any = None
_matches: list[tuple[str, dict[str, Any]]] = []


def _record(rule: str) -> Callable[[Any], None]:
    def action(c: Any) -> None:
        _matches.append((rule, dict(c.m.items())))
    return action


def compile_policy(policy: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The policy as a durable-rules JSON ruleset (without actions)."""
    rules: dict[str, Any] = {}
    for name, rule in policy.items():
        # An event is consumed by the one rule it matches, so each result is posted once
        # per policy rule, naming it: a breach can then also be an escalation.
        tests: list[dict[str, Any]] = [{"event": "result"}, {"policy_rule": name},
                                       {"verdict": rule["verdict"]}, {"latest": 1}]
        if "min_streak" in rule:
            tests.append({"$gte": {"streak": rule["min_streak"]}})
        rules[name] = {"all": [{"m": {"$and": tests}}], "pri": 1}
    rules["unmatched"] = {"all": [{"m": {"$ex": {"event": 1}}}], "pri": 1000}
    return {RULESET: rules}


def _get_host() -> Any:
    global _host
    if _host is None:
        from durable.engine import Host

        definition = copy.deepcopy(compile_policy(DEFAULT_POLICY))  # set_rulesets mutates it
        for name, rule in definition[RULESET].items():
            rule["run"] = _record(name)
        host = Host()
        host.set_rulesets(definition)
        _host = host
    return _host


def matches(events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Post each event; return (rule name, policy entry, event) for each policy match."""
    out = []
    with _lock:
        host = _get_host()
        for event in events:
            for name in DEFAULT_POLICY:
                _matches.clear()
                host.post(RULESET, {**event, "policy_rule": name})
                for rule, matched in _matches:
                    if rule in DEFAULT_POLICY:
                        out.append((rule, DEFAULT_POLICY[rule], matched))
        _matches.clear()
    return out
