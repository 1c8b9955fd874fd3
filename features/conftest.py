"""Features run against the real engine through the step vocabulary in ``bdd/``.

A step no definition matches, or a mistake a step finds in its table, fails with the
feature file and line and what to write instead; never with a traceback.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
from bdd.alerts import *  # noqa: F403  (the step definitions are fixtures pytest finds here)
from bdd.given import *  # noqa: F403
from bdd.goals import *  # noqa: F403
from bdd.results import *  # noqa: F403
from bdd.scene import MARKERS, ROOT, Scene, UnknownTag
from bdd.steps import examples


def pytest_configure(config: pytest.Config) -> None:
    MARKERS.update(line.split(":")[0].split("(")[0].strip() for line in config.getini("markers"))


def pytest_bdd_apply_tag(tag: str, function: Any) -> None:
    if tag not in MARKERS:
        raise UnknownTag(tag)  # test_features.py names the file and line


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    return Scene(tmp_path)


def where(feature: Any, step: Any) -> str:
    path = Path(feature.filename)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{step.line_number}"


def pytest_bdd_before_step(request: pytest.FixtureRequest, feature: Any, scenario: Any,
                           step: Any, step_func: Any) -> None:
    request.getfixturevalue("scene").at = where(feature, step)


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any,
                              scenario: Any) -> None:
    unread = request.getfixturevalue("scene").unread_stop()
    if unread:
        pytest.fail(unread, pytrace=False)


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, feature: Any,
                                      scenario: Any, step: Any, exception: Exception) -> None:
    written = f"{step.keyword.strip()} {step.name}"
    close = difflib.get_close_matches(step.name, examples(), n=1, cutoff=0.4)
    pytest.fail(f"{where(feature, step)}: no step reads like \"{written}\"."
                + (f" The closest step is \"{close[0]}\"." if close else "")
                + " The steps you can use are listed in the README (Steps you can use).",
                pytrace=False)
