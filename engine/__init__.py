"""Service-standards compliance engine.

The flow, one package per step: ``load`` (standards and datasets from YAML) →
``read`` (extracts into typed tables, with rejects) → ``measure`` (results per
period and segment) → ``decide`` (verdicts and alerts) → ``report`` (console,
JSON, CSV). :func:`engine.run.check` runs them in order.
"""

from __future__ import annotations

__version__ = "0.1.0"
