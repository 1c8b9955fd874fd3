"""Report: what a run shows people (console) and leaves behind (files)."""

from __future__ import annotations

from engine.report.console import render_results
from engine.report.outputs import results_json, write_outputs, write_rejects
from engine.report.tracking import render_tracking, summary_line

__all__ = ["render_results", "render_tracking", "results_json", "summary_line", "write_outputs",
           "write_rejects"]
