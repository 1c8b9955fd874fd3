"""Load a standards folder: YAML → pydantic models, every problem found in one pass."""

from __future__ import annotations

from engine.load.catalogue import load_catalogue

__all__ = ["load_catalogue"]
