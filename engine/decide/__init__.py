"""Decide: exact verdicts for each measured cell, then alerts for the people who act."""

from __future__ import annotations

from engine.decide.decision import decide_results, trajectory_alerts

__all__ = ["decide_results", "trajectory_alerts"]
