"""Every standard has a feature that specifies it, and every feature specifies a standard
that exists, tagged with that standard's service attribute and owner."""

from __future__ import annotations

from pathlib import Path

import pytest
from bdd.scene import standards

from engine.docs.features import Feature, owner_tag, read_features

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def features() -> list[Feature]:
    found, problems = read_features(HERE)
    assert not problems, [str(p) for p in problems]
    return found


def test_every_standard_has_a_feature(features: list[Feature]) -> None:
    specified = {f.standard for f in features}
    missing = sorted(set(standards()) - specified)
    assert not missing, (f"no feature under features/ names {', '.join(missing)} in its "
                         "title ('Feature: <ID> <title>')")


def test_every_feature_names_a_standard_that_exists(features: list[Feature]) -> None:
    wrong = [f"{f.path.relative_to(HERE.parent)}:{f.line}: '{f.name}' does not start with "
             "the id of a standard in standards/ or examples/"
             for f in features if f.standard not in standards()]
    assert not wrong, "\n".join(wrong)


def test_every_scenario_uses_a_standard_that_exists(features: list[Feature]) -> None:
    wrong = [f"{f.path.relative_to(HERE.parent)}:{line}: there is no standard {sid}"
             for f in features for sid, line in f.standards_given() if sid not in standards()]
    assert not wrong, "\n".join(wrong)
    unstarted = [f"{f.path.relative_to(HERE.parent)}:{s.line}: '{s.name}' never says which "
                 "standard it is about" for f in features for s in f.scenarios
                 if not f.standards_given()]
    assert not unstarted, "\n".join(unstarted)


def test_every_feature_is_tagged_with_its_attribute_and_owner(features: list[Feature]) -> None:
    wrong = []
    for f in features:
        if f.standard not in standards():
            continue
        std = standards()[f.standard][1].standards[f.standard]
        for tag in (std.attribute.value, owner_tag(std.owner)):
            if tag not in f.tags:
                wrong.append(f"{f.path.relative_to(HERE.parent)}:{f.line - 1}: tag the "
                             f"feature @{tag}")
    assert not wrong, "\n".join(wrong)
