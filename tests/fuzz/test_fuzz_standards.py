"""Fuzz the standards loader (engine/load/) and ``compliance validate``.

Whatever a standards folder holds, loading it must give a catalogue or refuse with
problems in words (exit 2), and ``compliance validate`` must exit 0 or 2 without a
traceback. Inputs: random YAML documents (built from the words real standards use, and
from anything) and raw text and bytes, written as a standard, a dataset, catalogue.yaml,
alert-policy.yaml or initiatives.yaml of a small valid folder; and every shipped standards
folder's YAML files, mutated the ways hand edits go wrong.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tiny_catalogue import DATASET, STANDARD
from typer.testing import CliRunner

from engine.cli import app
from engine.load import load_catalogue
from engine.problems import InputError, Problem

from .harness import ends_cleanly, fuzz_settings

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [ROOT / "standards", *sorted(p for p in (ROOT / "examples").iterdir()
                                         if (p / "catalogue.yaml").exists()
                                         or (p / "datasets").is_dir())]
NOT_STANDARDS = shutil.ignore_patterns("extracts", "out", ".compliance", "*.csv", "*.xlsx",
                                       "*.parquet", "*.md")

# A small valid folder: one dataset, one standard.
BASE = {"datasets/claims.yaml": DATASET, "benefits/BEN-01.yaml": STANDARD}
# Where a fuzzed document goes: each file the loader reads, in each role.
ROLES = ["benefits/FUZZ.yaml", "benefits/BEN-01.yaml", "datasets/claims.yaml",
         "datasets/other.yaml", "catalogue.yaml", "alert-policy.yaml", "initiatives.yaml"]


def _shipped_yaml(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.y*ml")
                  if not ({"extracts", "out"} & set(p.relative_to(folder).parts)))


@cache
def vocabulary() -> tuple[list[str], list[Any]]:
    """Every key and every scalar value the shipped YAML files use."""
    keys: set[str] = set()
    values: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                keys.add(str(k))
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif node is not None and node not in values:
            values.append(node)

    for folder in SHIPPED:
        for path in _shipped_yaml(folder):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(keys), values


def _scalars() -> st.SearchStrategy[Any]:
    keys, values = vocabulary()
    return st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
        st.dates(), st.datetimes(), st.sampled_from(values), st.sampled_from(keys),
        st.sampled_from(["80%", "-5%", "101%", "1e400%", "28 days", "0 days", "-3 business days",
                         "99999999999999999999 days", "10 minutes", "2025-02-30", "0000-00-00",
                         "9999-12-31", "P1D", "*", "**/*", "../x", "/etc/passwd", "", " ",
                         "month", "fiscal_year", "rolling 0 days", "rolling 100000000 days"]),
    )


def _documents() -> st.SearchStrategy[Any]:
    keys, _ = vocabulary()
    key = st.one_of(st.sampled_from(keys), st.text(max_size=12))
    return st.recursive(
        _scalars(),
        lambda children: st.one_of(st.lists(children, max_size=5),
                                   st.dictionaries(key, children, max_size=8)),
        max_leaves=40,
    )


def _dump(doc: Any) -> str:
    try:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return repr(doc)


@cache
def _shipped_docs() -> list[tuple[Path, Path, str]]:
    """(folder, file, text) for each shipped YAML file."""
    return [(folder, path.relative_to(folder), path.read_text(encoding="utf-8"))
            for folder in SHIPPED for path in _shipped_yaml(folder)]


def _folder(files: dict[str, str | bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-standards-") as scratch:
        root = Path(scratch) / "standards"
        for rel, body in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8", errors="surrogatepass")
        yield root


def loaded(target: str, root: Path, shown: str) -> str:
    return ends_cleanly(target, lambda: load_catalogue(root), shown=shown)


def validated(target: str, root: Path, shown: str) -> str:
    """``compliance validate`` as a user runs it: exit 0 or 2, never a traceback."""

    def call() -> None:
        result = CliRunner().invoke(app, ["validate", "--standards", str(root)])
        output = result.output
        if "Traceback" in output or result.exit_code not in (0, 2):
            raise RuntimeError(f"exit code {result.exit_code}: {output[-1500:]}"
                               f"{'' if result.exception is None else repr(result.exception)}")
        if result.exit_code == 2:
            last = output.strip().splitlines()[-1] if output.strip() else ""
            if not last.endswith("fix them and run again."):
                raise RuntimeError(f"exit code 2 without problems listed: {output[-800:]}")
            raise InputError([Problem(None, last)], exit_code=2)

    return ends_cleanly(target, call, shown=shown)


# (a) Random documents and raw text in each role of a small valid folder.
@fuzz_settings()
@given(doc=_documents(), role=st.sampled_from(ROLES))
def test_random_yaml_documents_load_or_are_refused(doc: Any, role: str) -> None:
    text = _dump(doc)
    for root in _folder(BASE | {role: text}):
        loaded("standards-yaml", root, f"{role}: {text!r}")


@fuzz_settings()
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300)),
       role=st.sampled_from(ROLES))
def test_raw_text_and_bytes_load_or_are_refused(body: str | bytes, role: str) -> None:
    for root in _folder(BASE | {role: body}):
        loaded("standards-raw", root, f"{role}: {body!r}")


# (b) The shipped standards, mutated.
@st.composite
def mutated(draw: st.DrawFn) -> tuple[Path, Path, str, str]:
    folder, rel, text = draw(st.sampled_from(_shipped_docs()))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["structure", "structure", "text"]))
        text = _mutate_structure(draw, text) if how == "structure" else _mutate_text(draw, text)
    return folder, rel, text, how


def _places(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _places(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _places(v, (*at, i))


def _mutate_structure(draw: st.DrawFn, text: str) -> str:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    places = [p for p in _places(doc) if p]
    if not places:
        return _dump(draw(_documents()))
    place = draw(st.sampled_from(places))
    parent = doc
    for part in place[:-1]:
        parent = parent[part]
    last, value = place[-1], parent[place[-1]]
    how = draw(st.sampled_from(["delete", "replace", "replace", "rename", "swap", "date",
                                "wrap", "empty"]))
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = draw(_documents())
    elif how == "rename" and isinstance(parent, dict):
        parent[draw(st.sampled_from(vocabulary()[0]))] = parent.pop(last)
    elif how == "swap":  # a number for a string and the other way round
        parent[last] = str(value) if isinstance(value, int | float) else draw(
            st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=True)))
    elif how == "date":
        parent[last] = draw(st.sampled_from(["2025-02-30", "31/12/2025", "0000-01-01",
                                             dt.date(1, 1, 1), dt.date(9999, 12, 31),
                                             "yesterday", 20250101, -1]))
    elif how == "wrap":
        parent[last] = draw(st.sampled_from([[value], {"value": value}, [value, value]]))
    else:
        parent[last] = draw(st.sampled_from([None, "", [], {}]))
    return _dump(doc)


def _mutate_text(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    i = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["duplicate line", "indent", "dedent", "truncate", "insert",
                                "delete line", "tab", "nest", "alias"]))
    if how == "duplicate line":  # a key twice, or an item twice
        lines.insert(i, lines[i])
    elif how == "indent":
        lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
    elif how == "dedent":
        lines[i] = lines[i].lstrip(" ")
    elif how == "tab":
        lines[i] = "\t" + lines[i]
    elif how == "delete line":
        del lines[i]
    elif how == "nest":  # brackets opened (and perhaps closed) far deeper than any standard
        n = draw(st.integers(1, 3000))
        closed = "]" * draw(st.sampled_from([0, n]))
        lines[i] = lines[i].rstrip("\n") + " " + "[" * n + closed + "\n"
    elif how == "alias":  # an anchor, and aliases of it: some repeated, some undefined
        lines.insert(0, "x0: &a0 [1, 2, 3]\n" + "".join(
            f"x{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 8)}]\n"
            for k in range(1, draw(st.integers(1, 8)))))
        lines.insert(i, f"y: *a{draw(st.integers(0, 9))}\n")
    text = "".join(lines)
    if how == "truncate":
        raw = text.encode()
        text = raw[:draw(st.integers(0, len(raw)))].decode("utf-8", errors="ignore")
    elif how == "insert":
        at = draw(st.integers(0, len(text)))
        odd = draw(st.sampled_from([*":-[]{}&*!|>'\"#%@`,?\t\n\0\ufeff\u2028é", "\r\n"]))
        text = text[:at] + draw(st.one_of(st.just(odd), st.characters())) + text[at:]
    return text


@cache
def _scratch_copies() -> dict[Path, Path]:
    """One scratch copy of each shipped folder (its YAML only), made once per session."""
    base = Path(tempfile.mkdtemp(prefix="fuzz-shipped-"))
    return {folder: Path(shutil.copytree(folder, base / folder.name, ignore=NOT_STANDARDS))
            for folder in SHIPPED}


def _with_mutation(folder: Path, rel: Path, text: str) -> Iterator[Path]:
    copy = _scratch_copies()[folder]
    path = copy / rel
    original = path.read_bytes()
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        yield copy
    finally:
        path.write_bytes(original)


@fuzz_settings()
@given(case=mutated())
def test_mutated_shipped_standards_load_or_are_refused(case: tuple[Path, Path, str, str]
                                                       ) -> None:
    folder, rel, text, _ = case
    for root in _with_mutation(folder, rel, text):
        loaded("standards-mutated", root, f"{folder.name}/{rel}: {text!r}")


@fuzz_settings(max_examples=max(10, fuzz_settings().max_examples // 2))
@given(case=mutated())
def test_validate_exits_0_or_2_without_a_traceback(case: tuple[Path, Path, str, str]) -> None:
    folder, rel, text, _ = case
    for root in _with_mutation(folder, rel, text):
        validated("standards-cli", root, f"{folder.name}/{rel}: {text!r}")


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_folder_loads_unmutated(folder: Path) -> None:
    assert loaded("standards-mutated", _scratch_copies()[folder], folder.name) == "ok"
