"""Report: what a run shows people (console), leaves behind (files), and publishes
(the Excel workbook and the HTML performance statement)."""

from __future__ import annotations

from engine.report.console import render_results
from engine.report.outputs import reject_rows, results_json, write_outputs, write_rejects
from engine.report.publish import FORMATS, parse_formats, write_reports
from engine.report.tracking import render_tracking, summary_line

__all__ = ["FORMATS", "parse_formats", "reject_rows", "render_results", "render_tracking",
           "results_json", "summary_line", "write_outputs", "write_rejects", "write_reports"]
