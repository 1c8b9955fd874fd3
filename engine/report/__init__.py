"""Report: what a run shows people (console) and leaves behind (files)."""

from __future__ import annotations

from engine.report.console import render_results
from engine.report.outputs import results_json, write_outputs, write_rejects

__all__ = ["render_results", "results_json", "write_outputs", "write_rejects"]
