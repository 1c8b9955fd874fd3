"""Safe YAML with positions.

Standards are data, never code: only YAML's plain types are built (mappings, lists,
text, numbers, booleans, dates, null). Any tag that would construct an object is
refused, alias expansion is bounded (no "billion laughs"), duplicate keys are an
error, and only ``true``/``false`` are booleans (a region called ``NO`` stays text).

Alongside the value we keep the position of every key and item, so a problem found
later by pydantic or by a semantic check can point at ``file:line:col``.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.problems import Position, Problem

MAX_BYTES = 1_000_000
MAX_NODES = 50_000  # values once aliases are expanded
MAX_WRITTEN = 10_000  # keys and values written in the file: PyYAML reads ~15,000 a second
MAX_DEPTH = 50  # mappings and lists inside one another; PyYAML composes them recursively

Loc = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


class _Loader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false (YAML 1.2 style), and which stops
    composing a document nested too deep or written with too many values, early (before a
    RecursionError, and before seconds of work on a hostile file)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._composed = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        self._composed += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark,
                               f"the document is nested more than {MAX_DEPTH} levels deep",
                               "a standard needs a few levels of keys and lists")
            if self._composed > MAX_WRITTEN:
                raise _Refused(self.peek_event().start_mark,
                               f"the document has more than {MAX_WRITTEN:,} keys and values",
                               "a standard or dataset has a few hundred at most")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class Located:
    """A YAML document's value and the position of each place in it."""

    path: Path
    value: Any
    positions: dict[Loc, Position] = field(default_factory=dict)

    def position(self, loc: Loc) -> Position | None:
        """The position of ``loc``, or of its nearest enclosing place."""
        while True:
            if loc in self.positions:
                return self.positions[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def problem(self, loc: Loc, message: str, hint: str | None = None) -> Problem:
        return Problem(self.path, message, self.position(loc), hint)


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.positions: dict[Loc, Position] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self._scalars = SafeConstructor()

    def _where(self, node: Node) -> Position:
        return Position.from_zero_based(node.start_mark.line, node.start_mark.column)

    def build(self, node: Node, loc: Loc) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(node)
        self.positions.setdefault(loc, self._where(node))
        if node.tag not in _PLAIN_TAGS:
            self.problems.append(
                Problem(
                    self.path,
                    f"the YAML tag '{node.tag}' is not allowed",
                    self._where(node),
                    "standards are plain data: remove the tag",
                )
            )
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        try:
            return self._scalars.construct_object(node)
        except ValueError as exc:  # written like a date, but no such day: 2026-02-30
            if node.tag != "tag:yaml.org,2002:timestamp":
                raise
            self.problems.append(Problem(
                self.path, f"'{node.value}' is not a real date ({exc})", self._where(node),
                "write a date that exists, as YYYY-MM-DD (months 01 to 12, days up to the "
                "month's last)"))
            return None

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(self.path, "YAML merge keys ('<<') are not supported",
                            self._where(key_node), "write the keys out in full")
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    Problem(self.path, "a key must be a plain word", self._where(key_node))
                )
                continue
            if key_node.tag not in _PLAIN_TAGS:
                self.problems.append(
                    Problem(self.path, f"the YAML tag '{key_node.tag}' is not allowed",
                            self._where(key_node), "standards are plain data: remove the tag")
                )
                continue
            key = str(key_node.value)
            if key in out:
                self.problems.append(
                    Problem(self.path, f"the key '{key}' appears twice", self._where(key_node),
                            "keep one of them")
                )
                continue
            self.positions[(*loc, key)] = self._where(key_node)
            out[key] = self.build(value_node, (*loc, key))
            # Values are positioned at their key: that is the line people look at.
            self.positions[(*loc, key)] = self._where(key_node)
        return out


class _TooBig(Exception):
    def __init__(self, node: Node) -> None:
        self.node = node


class _Refused(Exception):
    def __init__(self, mark: Any, message: str, hint: str) -> None:
        self.mark, self.message, self.hint = mark, message, hint


def read_bounded(path: Path, display: Path | None = None) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes, read only when it is a regular file of at most :data:`MAX_BYTES`
    (a 50 MB file, a folder or a link to a device is refused without reading it)."""
    shown = display or path
    try:
        # Looked at before it is opened: opening a named pipe would wait for a writer.
        if not stat.S_ISREG(path.stat().st_mode):
            return None, [Problem(shown, "this is not a file",
                                  hint="a standard or dataset is a .yaml text file")]
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [Problem(shown, f"cannot read the file: {exc.strerror or exc}")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(shown, f"the file is larger than {MAX_BYTES:,} bytes",
                              hint="a standard or dataset fits in a few kilobytes")]
    return raw, []


def read_yaml(path: Path, display: Path | None = None) -> tuple[Located | None, list[Problem]]:
    """Parse one YAML file into a :class:`Located` value, or problems saying why not."""
    raw, problems = read_bounded(path, display)
    if raw is None:
        return None, problems
    return parse_yaml(raw, display or path)


def parse_yaml(raw: bytes, shown: Path) -> tuple[Located | None, list[Problem]]:
    """Parse a YAML file's bytes, as :func:`read_bounded` read them (at most
    :data:`MAX_BYTES`); ``shown`` names the file in problems."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, f"the file is not UTF-8 text (byte {exc.start})",
                              hint="save it as UTF-8")]
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Position.from_zero_based(mark.line, mark.column) if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(shown, f"YAML syntax: {what}", pos, _yaml_hint(str(what)))]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, f"YAML syntax: {exc}")]
    except _Refused as refused:
        pos = Position.from_zero_based(refused.mark.line, refused.mark.column)
        return None, [Problem(shown, refused.message, pos, refused.hint)]
    except RecursionError:  # a backstop: MAX_DEPTH should stop any document before this
        return None, [Problem(shown, "the document is nested too deeply",
                              hint="a standard needs a few levels of keys and lists")]
    if root is None:
        return None, [Problem(shown, "the file is empty")]
    builder = _Builder(shown)
    try:
        value = builder.build(root, ())
    except _TooBig as big:
        pos = Position.from_zero_based(big.node.start_mark.line, big.node.start_mark.column)
        return None, [Problem(shown, f"the document expands to more than {MAX_NODES:,} values",
                              pos, "remove repeated aliases (*name)")]
    return Located(shown, value, builder.positions), builder.problems


def _yaml_hint(problem: str) -> str | None:
    if "indentation" in problem or "expected <block end>" in problem or "expected key" in problem:
        return "check the indentation: keys at the same level must start in the same column"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or the line is indented too far"
    if "found character '\\t'" in problem:
        return "YAML indents with spaces, not tabs"
    return None
