"""The safe YAML reader: plain data only, bounded, with 1-based positions."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from engine.load.yamlsafe import MAX_BYTES, read_yaml
from engine.problems import Position


def read(tmp_path: Path, text: str | bytes) -> tuple[Any, list[str]]:
    """The value read (None when unreadable) and each problem as the CLI prints it."""
    path = tmp_path / "doc.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    doc, problems = read_yaml(path, Path("doc.yaml"))
    return (doc.value if doc else None), [str(p) for p in problems]


def test_plain_types(tmp_path: Path) -> None:
    value, problems = read(tmp_path, "a: 1\nb: 1.5\nc: null\nd: 2025-04-01\ne: 80%\nf: [x, 'y']\n")
    assert problems == []
    assert value == {"a": 1, "b": 1.5, "c": None, "d": dt.date(2025, 4, 1), "e": "80%",
                     "f": ["x", "y"]}


def test_positions_are_one_based_and_values_sit_at_their_key(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("a:\n  b: [1, 2]\n  c: {d: x}\n")
    doc, problems = read_yaml(path)
    assert problems == [] and doc is not None
    assert doc.positions[("a",)] == Position(1, 1)
    assert doc.positions[("a", "b")] == Position(2, 3)
    assert doc.positions[("a", "b", 1)] == Position(2, 10)
    assert doc.positions[("a", "c", "d")] == Position(3, 7)
    # A place that does not exist falls back to its nearest enclosing one.
    assert doc.position(("a", "c", "missing", 0)) == Position(3, 3)


@pytest.mark.parametrize("word", ["NO", "no", "No", "yes", "Yes", "on", "OFF", "y", "n"])
def test_yaml_1_1_booleans_stay_text(tmp_path: Path, word: str) -> None:
    value, problems = read(tmp_path, f"region: {word}\n")
    assert problems == []
    assert value == {"region": word}


@pytest.mark.parametrize(("word", "expected"),
                         [("true", True), ("True", True), ("FALSE", False), ("false", False)])
def test_true_and_false_are_booleans(tmp_path: Path, word: str, expected: bool) -> None:
    assert read(tmp_path, f"flag: {word}\n") == ({"flag": expected}, [])


@pytest.mark.parametrize(
    ("text", "shown_tag"),
    [
        pytest.param("a: !!python/object/apply:os.system ['touch {marker}']\n",
                     "tag:yaml.org,2002:python/object/apply:os.system", id="os.system"),
        pytest.param("a: !!python/object/new:subprocess.check_output [['touch', '{marker}']]\n",
                     "tag:yaml.org,2002:python/object/new:subprocess.check_output",
                     id="subprocess"),
        pytest.param("a: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system",
                     id="python name"),
        pytest.param("a: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary", id="binary"),
        pytest.param("a: !!set {x, y}\n", "tag:yaml.org,2002:set", id="set"),
        pytest.param("a: !custom x\n", "!custom", id="local tag"),
    ],
)
def test_tags_that_build_objects_are_refused(tmp_path: Path, text: str, shown_tag: str) -> None:
    marker = tmp_path / "executed"
    value, problems = read(tmp_path, text.replace("{marker}", str(marker)))
    assert value == {"a": None}
    assert problems == [f"doc.yaml:1:4: the YAML tag '{shown_tag}' is not allowed "
                        "(standards are plain data: remove the tag)"]
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    # Nine levels of nine aliases: 9**9 (387 million) strings if expanded.
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    started = time.perf_counter()
    value, problems = read(tmp_path, text)
    assert time.perf_counter() - started < 2.0
    assert value is None
    [problem] = problems
    assert problem.startswith("doc.yaml:1:")
    assert problem.endswith("the document expands to more than 50,000 values "
                            "(remove repeated aliases (*name))")


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    value, problems = read(tmp_path, "a: &v [1, 2]\nb: *v\n")
    assert problems == []
    assert value == {"a": [1, 2], "b": [1, 2]}


# (the YAML text, the value still read or None, each problem as printed)
PROBLEM_CASES = [
    pytest.param("a: 1\nb: 2\na: 3\n", {"a": 1, "b": 2},
                 ["doc.yaml:3:1: the key 'a' appears twice (keep one of them)"],
                 id="duplicate key"),
    pytest.param("a: {x: 1, x: 2}\n", {"a": {"x": 1}},
                 ["doc.yaml:1:11: the key 'x' appears twice (keep one of them)"],
                 id="duplicate key in a flow mapping"),
    pytest.param("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", {"base": {"x": 1}, "c": {"y": 2}},
                 ["doc.yaml:3:3: YAML merge keys ('<<') are not supported "
                  "(write the keys out in full)"],
                 id="merge key"),
    pytest.param("? [a, b]\n: 1\n", {}, ["doc.yaml:1:3: a key must be a plain word"],
                 id="a list as a key"),
    pytest.param("a:\n\tb: 1\n", None,
                 ["doc.yaml:2:1: YAML syntax: found character '\\t' that cannot start any token "
                  "(YAML indents with spaces, not tabs)"],
                 id="tab indentation"),
    pytest.param("a:\n  b: 1\n c: 2\n", None,
                 ["doc.yaml:3:2: YAML syntax: expected <block end>, but found '<block mapping "
                  "start>' (check the indentation: keys at the same level must start in the "
                  "same column)"],
                 id="indented too little"),
    pytest.param("a: 1\n  b: 2\n", None,
                 ["doc.yaml:2:4: YAML syntax: mapping values are not allowed here (a value "
                  "containing ': ' must be quoted, or the line is indented too far)"],
                 id="indented too far"),
    pytest.param("a: 'open\n", None,
                 ["doc.yaml:2:1: YAML syntax: found unexpected end of stream"],
                 id="unclosed quote"),
    pytest.param("", None, ["doc.yaml: the file is empty"], id="empty"),
    pytest.param("# only a comment\n", None, ["doc.yaml: the file is empty"], id="only comments"),
    pytest.param(b"title: caf\xe9\n", None,
                 ["doc.yaml: the file is not UTF-8 text (byte 10) (save it as UTF-8)"],
                 id="not UTF-8"),
    pytest.param("\ufeffa: 1\n", {"a": 1}, [], id="UTF-8 with a byte-order mark"),
]


@pytest.mark.parametrize(("text", "value", "problems"), PROBLEM_CASES)
def test_problems(tmp_path: Path, text: str | bytes, value: Any, problems: list[str]) -> None:
    assert read(tmp_path, text) == (value, problems)


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    value, problems = read(tmp_path, "# " + "x" * MAX_BYTES + "\n")
    assert value is None
    assert problems == [f"doc.yaml: the file is larger than {MAX_BYTES:,} bytes "
                        "(a standard or dataset fits in a few kilobytes)"]


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    doc, problems = read_yaml(tmp_path / "absent.yaml", Path("absent.yaml"))
    assert doc is None
    assert [str(p) for p in problems] == [
        "absent.yaml: cannot read the file: No such file or directory"
    ]
