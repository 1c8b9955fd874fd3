"""Every feature under features/ becomes tests, one per scenario, named by file and scenario.

A feature file the Gherkin parser cannot read becomes one failing test naming the file
and line, so the other features still run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bdd.scene import UnknownTag
from pytest_bdd import scenario
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.feature import get_features

HERE = Path(__file__).parent


def _name(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_").lower()


def _failing(message: str):  # type: ignore[no-untyped-def]
    def test() -> None:
        pytest.fail(message, pytrace=False)
    return test


def _not_gherkin(path: Path, error: GherkinParseError) -> str:
    first = re.sub(r"^\(\d+:\d+\): ", "", error.message.strip().splitlines()[-1])
    return (f"{path.relative_to(HERE.parent)}:{error.line}: this is not valid Gherkin "
            f"({first}); the line reads: {error.line_content.strip()}")


def _unknown_tag(path: Path, tag: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if f"@{tag}" in text.split()), 1)
    return (f"{path.relative_to(HERE.parent)}:{line}: the tag @{tag} is not a registered "
            "marker: correct it, or add it under markers in pyproject.toml "
            "(attributes are @timeliness, @access, …; owners are @owner_<name>)")


def _bind() -> None:
    for path in sorted(HERE.rglob("*.feature")):
        stem = _name(path.stem)
        try:
            (feature,) = get_features([str(path)])
        except GherkinParseError as error:
            globals()[f"test_{stem}__is_valid_gherkin"] = _failing(_not_gherkin(path, error))
            continue
        for name in feature.scenarios:
            try:
                test = scenario(str(path), name)(lambda: None)
            except UnknownTag as tag:
                globals()[f"test_{stem}__has_known_tags"] = _failing(_unknown_tag(path, str(tag)))
                break
            globals()[f"test_{stem}__{_name(name)}"] = test


_bind()
