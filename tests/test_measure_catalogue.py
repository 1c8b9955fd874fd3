"""Every measure kind is documented where it lives: its module docstring is its catalogue
entry (what it means, a met example, a breach example), and it can describe a standard in
plain words for ``compliance explain``."""

from __future__ import annotations

from types import ModuleType

import pytest

from engine.measure import kinds
from engine.model.standard import Measure

KINDS = kinds()


def test_the_registry_is_every_kind_a_standard_can_name() -> None:
    assert set(KINDS) == set(Measure.model_fields)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kind_has_its_catalogue_entry(name: str) -> None:
    module: ModuleType = KINDS[name]
    doc = module.__doc__ or ""
    assert f"``{name}``" in doc, "the entry names the key a standard uses"
    assert "Example (met)" in doc and "Example (breach)" in doc
    assert callable(getattr(module, "describe", None))
    assert hasattr(module, "rows") or hasattr(module, "cells")
