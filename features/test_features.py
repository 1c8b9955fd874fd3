"""Collect every feature under features/, by service area."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("benefits", "contact_centre")
