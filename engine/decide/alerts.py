"""Alerts from results, decided by durable-rules.

The alert policy is data: for each verdict that raises an alert, its severity. It is
compiled once into a durable-rules JSON ruleset, registered once on one long-lived host
(rulesets cannot be registered twice), and each result of the latest period is posted
as one event. A catch-all rule of the lowest priority takes every event no policy rule
wants, so nothing raises ``MessageNotHandledException``. Actions only record what
matched; an exception inside an action is re-raised by ``post`` and not swallowed.

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
        rules[name] = {
            "all": [{"m": {"$and": [{"event": "result"}, {"verdict": rule["verdict"]},
                                    {"latest": 1}]}}],
            "pri": 1,
        }
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
            _matches.clear()
            host.post(RULESET, event)
            for rule, matched in _matches:
                if rule in DEFAULT_POLICY:
                    out.append((rule, DEFAULT_POLICY[rule], matched))
        _matches.clear()
    return out
