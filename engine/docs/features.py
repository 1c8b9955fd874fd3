"""Feature files read as documents: which standard each one specifies, and its scenarios.

The engine never runs features (pytest-bdd does, in the test suite); ``compliance docs``
reads them with the same Gherkin parser to show each standard's scenarios as worked
examples. A feature names its standard by starting its title with the standard's id
("Feature: BEN-01 Benefit claims decided within 28 days").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.errors import CompositeParserException
from gherkin.parser import Parser

from engine.problems import Position, Problem

ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b")
Table = list[list[str]]


@dataclass(frozen=True)
class Step:
    keyword: str  # "Given", "And", …
    text: str
    line: int
    table: Table | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    line: int
    description: str
    steps: list[Step]
    tags: list[str] = field(default_factory=list)
    examples: list[Table] = field(default_factory=list)  # a Scenario Outline's tables


@dataclass(frozen=True)
class Feature:
    path: Path
    name: str
    line: int
    description: str
    tags: list[str]
    background: list[Step]
    scenarios: list[Scenario]

    @property
    def standard(self) -> str | None:
        """The standard the title names, e.g. "BEN-01"."""
        found = ID.match(self.name)
        return found.group(0) if found else None

    def standards_given(self) -> list[tuple[str, int]]:
        """(id, line) of every "Given the standard X" step in the file."""
        steps = [*self.background, *(s for sc in self.scenarios for s in sc.steps)]
        return [(s.text.removeprefix("the standard ").strip(), s.line) for s in steps
                if s.text.startswith("the standard ")]


def owner_tag(owner: str) -> str:
    """The tag a feature carries for its owner: the owner's name up to its first comma,
    semicolon or bracket, in lower case with underscores ("owner_benefits_processing")."""
    name = re.split(r"[,;(]", owner, maxsplit=1)[0]
    return "owner_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _table(node: dict[str, Any] | None) -> Table | None:
    if not node:
        return None
    return [[c["value"] for c in row["cells"]] for row in node["rows"]]


def _steps(nodes: list[dict[str, Any]]) -> list[Step]:
    return [Step(n["keyword"].strip(), n["text"], n["location"]["line"],
                 _table(n.get("dataTable"))) for n in nodes]


def _examples(nodes: list[dict[str, Any]]) -> list[Table]:
    return [[[c["value"] for c in e["tableHeader"]["cells"]],
             *([c["value"] for c in row["cells"]] for row in e["tableBody"])]
            for e in nodes if e.get("tableHeader")]


def _dedent(text: str) -> str:
    """Lines joined into paragraphs; a blank line starts a new one ("\n\n")."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


class _Invalid(ValueError):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.position = Position(line, column)


def read_feature(path: Path) -> Feature:
    """One feature file; raises :class:`ValueError` (with ``position``) when it is not
    valid Gherkin."""
    try:
        doc = Parser().parse(path.read_text(encoding="utf-8"))
    except CompositeParserException as error:
        first = error.errors[0]
        raise _Invalid(first.location["line"], first.location.get("column") or 1,
                       str(first).split(": ", 1)[-1]) from None
    except UnicodeDecodeError:
        raise _Invalid(1, 1, "the file is not UTF-8 text") from None
    node: Any = doc.get("feature")  # plain dicts, as the parser builds them
    if node is None:
        raise _Invalid(1, 1, "there is no 'Feature:' line")
    background: list[Step] = []
    scenarios: list[Scenario] = []
    children = list(node["children"])
    while children:
        child = children.pop(0)
        if "rule" in child:  # a Rule: groups scenarios; read them in place
            children[:0] = child["rule"]["children"]
        elif "background" in child:
            background = _steps(child["background"]["steps"])
        elif "scenario" in child:
            s = child["scenario"]
            scenarios.append(Scenario(s["name"], s["location"]["line"],
                                      _dedent(s["description"]), _steps(s["steps"]),
                                      [t["name"][1:] for t in s["tags"]],
                                      _examples(s["examples"])))
    return Feature(path, node["name"], node["location"]["line"], _dedent(node["description"]),
                   [t["name"][1:] for t in node["tags"]], background, scenarios)


def read_features(folder: Path) -> tuple[list[Feature], list[Problem]]:
    """Every ``*.feature`` under ``folder``, and a problem for each file that is not
    valid Gherkin."""
    features: list[Feature] = []
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.feature")):
        try:
            features.append(read_feature(path))
        except _Invalid as error:
            problems.append(Problem(path, f"this is not valid Gherkin: {error}",
                                    error.position,
                                    "the README's walkthrough, step 4, shows the layout"))
    return features, problems
