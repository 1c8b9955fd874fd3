"""The small monthly standard the tracking tests share (tests/test_track_*.py)."""

from __future__ import annotations

from typing import Any

from engine.model.standard import Standard


def monthly_standard(improvement: dict[str, Any] | None = None, direction: str = "at_least",
                     level: str = "80%", segments: list[str] | None = None) -> Standard:
    """T-01: claims decided within 28 days, by month, ``direction`` ``level``."""
    return Standard.model_validate({
        "id": "T-01", "title": "Claims decided within 28 days",
        "statement": "We decide 80% of claims within 28 days.", "attribute": "timeliness",
        "owner": "Benefits", "dataset": "claims",
        "measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}},
        "period": {"kind": "month", "by": "decided"},
        "segments": segments or [],
        "target": {direction: level},
        **({"improvement": improvement} if improvement is not None else {}),
    }, context={"percent": True})
