"""Hostile standards folders: refused in words, quickly, in bounded memory, never run.

A standards folder may come from anyone. Every YAML file the loader reads (a standard, a
dataset, catalogue.yaml, alert-policy.yaml, initiatives.yaml) is refused with exit code 2
and a line naming the file (and the line, where there is one) when it carries an
object-building tag, an alias bomb, a huge or very deep document or is not UTF-8 text;
and a dataset's ``files:`` may not lead out of the folder. Each case is checked through
the loader and through ``compliance validate`` as a user runs it.
"""

from __future__ import annotations

import os
import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.load import load_catalogue
from engine.load.paths import check_inside, inside, pattern_problem
from engine.load.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_WRITTEN
from engine.problems import InputError

# Each hostile file is refused within this. It catches a blow-up (a parse gone quadratic
# on 150,000 values takes minutes), not a slow machine: the worst case, under tracemalloc,
# takes 1.5-2.7 s on 2 busy cores, so a tighter bound failed for no fault of the code.
SECONDS = 10.0
MEGABYTES = 50  # and the process grows by less than this

DATASET = """\
name: claims
title: Benefit claims
files: extracts/claims.csv
key: [claim_id]
columns:
  claim_id:     {header: Claim ID, required: true}
  region:       {header: Region, type: category, values: [North, South]}
  lodged_date:  {header: Lodged Date, type: date, required: true}
  decided_date: {header: Decided Date, type: date}
"""
STANDARD = """\
id: BEN-01
title: Claims decided within 28 days
statement: We decide 80% of claims within 28 days.
attribute: timeliness
owner: Benefits
dataset: claims
measure:
  share_within: {from: lodged_date, to: decided_date, limit: 28 days}
period: {kind: month, by: decided_date}
segments: [region]
target: {at_least: 80%}
"""
DS, STD = "datasets/claims.yaml", "benefits/BEN-01.yaml"
# Each file the loader reads, and a valid body for it with a line to plant a value in.
ROLES = {
    STD: STANDARD.replace("owner: Benefits", "owner: {value}"),
    DS: DATASET.replace("title: Benefit claims", "title: {value}"),
    "catalogue.yaml": "institution: {value}\n",
    "alert-policy.yaml": "default:\n  breach:\n    severity: {value}\n",
    "initiatives.yaml": "initiatives:\n  - name: {value}\n    start: 2024-07-01\n"
                        "    standards: [BEN-01]\n",
}
# The line each role's planted value is on, as the problem must name it.
LINE = {STD: 5, DS: 2, "catalogue.yaml": 1, "alert-policy.yaml": 3, "initiatives.yaml": 2}


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, body in ({DS: DATASET, STD: STANDARD} | files).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return root


def refused(root: Path) -> list[str]:
    """Each problem as printed, from the loader; asserts the time and memory bounds. The
    memory is the peak the load itself allocated (tracemalloc), not the process's
    high-water mark, which earlier tests have already raised."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as caught:
            load_catalogue(root)
        elapsed, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.2f} s"
    assert peak / 2**20 < MEGABYTES, f"allocated {peak / 2**20:.0f} MB at its peak"
    assert caught.value.exit_code == 2
    return [str(p) for p in caught.value.problems]


def validated(root: Path) -> list[str]:
    """``compliance validate`` as a user runs it: exit 2, problems listed, no traceback."""
    result = CliRunner().invoke(app, ["validate", "--standards", str(root)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert re.search(r"^\d+ problems? found; fix them and run again\.$", result.output, re.M)
    return [line for line in result.output.splitlines() if line.startswith(str(root))]


def both(root: Path, expected: Callable[[str], bool]) -> list[str]:
    """The problems from the loader and from the CLI, each of which must match."""
    loader = refused(root)
    assert loader and all(expected(p) for p in loader), loader
    cli = validated(root)
    assert cli and all(expected(p) for p in cli), cli
    return loader


# --- Tags that would build objects ---------------------------------------------------------

TAGS = [
    pytest.param("!!python/object/apply:os.system ['touch {marker}']",
                 "tag:yaml.org,2002:python/object/apply:os.system", id="os.system"),
    pytest.param("!!python/object/new:subprocess.check_output [['touch', '{marker}']]",
                 "tag:yaml.org,2002:python/object/new:subprocess.check_output", id="subprocess"),
    pytest.param("!!python/object:os.PathLike {}", "tag:yaml.org,2002:python/object:os.PathLike",
                 id="python object"),
    pytest.param("!!python/name:os.system", "tag:yaml.org,2002:python/name:os.system",
                 id="python name"),
    pytest.param("!!python/module:os", "tag:yaml.org,2002:python/module:os", id="python module"),
    pytest.param("!!python/tuple [1, 2]", "tag:yaml.org,2002:python/tuple", id="python tuple"),
    pytest.param("!!binary aGVsbG8=", "tag:yaml.org,2002:binary", id="binary"),
    pytest.param("!foo x", "!foo", id="unknown local tag"),
    pytest.param("!<tag:evil.example,2025:run> x", "tag:evil.example,2025:run",
                 id="unknown global tag"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("tagged", "tag"), TAGS)
def test_object_building_tags_are_refused_and_never_run(
    tmp_path: Path, role: str, tagged: str, tag: str
) -> None:
    marker = tmp_path / "executed"
    root = write(tmp_path / "standards",
                 {role: ROLES[role].replace("{value}", tagged.replace("{marker}", str(marker)))})
    problems = both(root, lambda p: f"the YAML tag '{tag}' is not allowed" in p)
    assert problems == [f"{root / role}:{LINE[role]}:{problems[0].split(':')[2]}: the YAML "
                        f"tag '{tag}' is not allowed (standards are plain data: remove the tag)"]
    assert not marker.exists()


def test_a_tag_on_a_key_is_refused(tmp_path: Path) -> None:
    root = write(tmp_path, {"catalogue.yaml": "!!python/name:os.system institution: x\n"})
    assert both(root, lambda p: "is not allowed" in p) == [
        f"{root}/catalogue.yaml:1:1: the YAML tag 'tag:yaml.org,2002:python/name:os.system' "
        "is not allowed (standards are plain data: remove the tag)"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("day", "why"), [("2026-13-01", "month must be in 1..12"),
                                          ("2026-02-30", "day is out of range for month"),
                                          ("2025-06-31", "day is out of range for month")])
def test_a_date_that_does_not_exist_is_told_not_a_crash(tmp_path: Path, role: str, day: str,
                                                        why: str) -> None:
    root = write(tmp_path, {role: ROLES[role].replace("{value}", day)})
    problems = both(root, lambda p: "is not a real date" in p)
    column = problems[0].split(":")[2]
    assert problems == [f"{root / role}:{LINE[role]}:{column}: '{day}' is not a real date "
                        f"({why}) (write a date that exists, as YYYY-MM-DD (months 01 to 12, "
                        "days up to the month's last))"]


# --- Bombs: aliases, size, values, depth ------------------------------------------------------

def laughs(levels: int = 9) -> str:
    """Nine levels of nine aliases: 9**9 (387 million) strings if expanded."""
    text = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels):
        text += f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n"
    return text


@pytest.mark.parametrize("role", ROLES)
def test_billion_laughs_is_refused_in_every_file(tmp_path: Path, role: str) -> None:
    root = write(tmp_path, {role: laughs()})
    both(root, lambda p: p.startswith(f"{root / role}:")
         and "the document expands to more than 50,000 values" in p)


@pytest.mark.parametrize("role", [STD, "catalogue.yaml"])
def test_a_50_megabyte_file_is_refused_unread(tmp_path: Path, role: str) -> None:
    root = write(tmp_path, {})
    path = root / role
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:  # written a megabyte at a time: the test stays small too
        handle.write("a: [\n")
        for _ in range(50):
            handle.write("  1,\n" * (1 << 18))
    assert path.stat().st_size > 50 * MAX_BYTES
    assert both(root, lambda p: "larger than" in p) == [
        f"{root / role}: the file is larger than {MAX_BYTES:,} bytes "
        "(a standard or dataset fits in a few kilobytes)"]


@pytest.mark.parametrize("role", [STD, DS, "alert-policy.yaml"])
def test_a_file_of_very_many_values_is_refused_quickly(tmp_path: Path, role: str) -> None:
    many = "values: [" + ", ".join(["1"] * 150_000) + "]\n"  # under the size limit
    assert len(many) < MAX_BYTES
    root = write(tmp_path, {role: many})
    both(root, lambda p: p.startswith(f"{root / role}:1:")
         and f"the document has more than {MAX_WRITTEN:,} keys and values" in p)


@pytest.mark.parametrize(("text", "kind"), [
    ("a: " + "[" * 100_000, "100,000 ["),
    ("a: " + "{a: " * 100_000, "100,000 {"),
    ("a: " + "[" * 1_000 + "]" * 1_000, "1,000 closed ["),
    ("".join(" " * i + "-\n" for i in range(300)), "300 indented lists"),
])
@pytest.mark.parametrize("role", [STD, DS, "initiatives.yaml"])
def test_very_deep_nesting_is_refused_not_a_recursion_error(
    tmp_path: Path, role: str, text: str, kind: str
) -> None:
    root = write(tmp_path, {role: text})
    both(root, lambda p: p.startswith(f"{root / role}:")
         and f"the document is nested more than {MAX_DEPTH} levels deep" in p)


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    from engine.load.yamlsafe import read_yaml

    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    doc, problems = read_yaml(path)
    assert problems == [] and doc is not None


# --- Files that are not UTF-8 text, or not files ------------------------------------------------

@pytest.mark.parametrize(("body", "byte"), [
    ("owner: Bénéfices\n".encode("latin-1"), 8),
    ("owner: x\n".encode("utf-16"), 0),
    (b"\x00\x01\x02\xff", 3),
])
@pytest.mark.parametrize("role", [STD, "catalogue.yaml"])
def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path, role: str, body: bytes,
                                            byte: int) -> None:
    root = write(tmp_path, {role: body})
    assert both(root, lambda p: "not UTF-8" in p) == [
        f"{root / role}: the file is not UTF-8 text (byte {byte}) (save it as UTF-8)"]


def test_settings_that_are_a_folder_a_device_or_a_pipe_are_refused(tmp_path: Path) -> None:
    root = write(tmp_path, {})
    (root / "catalogue.yaml").mkdir()
    (root / "alert-policy.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "initiatives.yaml")
    assert both(root, lambda p: "this is not a file" in p) == [
        f"{root}/{name}: this is not a file (a standard or dataset is a .yaml text file)"
        for name in ("alert-policy.yaml", "catalogue.yaml", "initiatives.yaml")]


# --- A dataset's files may not leave the standards folder ---------------------------------------

ESCAPES = [
    ("../../etc/passwd", "leaves the standards folder"),
    ("extracts/../../secret.csv", "leaves the standards folder"),
    ("..\\\\..\\\\x.csv", "leaves the standards folder"),
    ("/etc/passwd", "is an absolute path"),
    ("//server/share/x.csv", "is an absolute path"),
    ("C:\\\\data\\\\x.csv", "is an absolute path"),
    ("~/x.csv", "names a home folder"),
    ("~root/x.csv", "names a home folder"),
    (".", "names the standards folder itself"),
    ("' '", "a file pattern is empty"),
]


@pytest.mark.parametrize(("pattern", "why"), ESCAPES)
def test_a_file_pattern_leaving_the_folder_is_refused(tmp_path: Path, pattern: str,
                                                      why: str) -> None:
    root = write(tmp_path, {DS: DATASET.replace("files: extracts/claims.csv",
                                                f"files: [extracts/x.csv, {pattern}]")})
    problems = both(root, lambda p: why in p)
    assert len(problems) == 1
    assert problems[0].startswith(f"{root / DS}:3:")  # the pattern's own line and column
    assert problems[0].endswith("(put the extract under the standards folder, or give it on "
                                "the command line with --data NAME=PATH)")


@pytest.mark.parametrize("pattern", ["extracts/claims.csv", "extracts/*.csv", "**/*.xlsx",
                                     "./extracts/claims.csv", "a..b/x.csv", "x~/y.csv"])
def test_patterns_inside_the_folder_are_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) is None


def test_a_link_inside_the_folder_to_a_file_outside_is_refused_where_files_resolve(
    tmp_path: Path,
) -> None:
    root = tmp_path / "standards"
    (root / "extracts" / "more").mkdir(parents=True)
    secret = tmp_path / "secret.csv"
    secret.write_text("Claim ID\n1\n")
    (root / "extracts" / "claims.csv").write_text("Claim ID\n1\n")
    (root / "extracts" / "secret.csv").symlink_to(secret)
    (root / "extracts" / "again.csv").symlink_to(root / "extracts" / "claims.csv")
    (root / "extracts" / "loop.csv").symlink_to(root / "extracts" / "loop.csv")
    (root / "outside").symlink_to(tmp_path, target_is_directory=True)

    assert inside(root, root / "extracts" / "claims.csv")
    assert inside(root, root / "extracts" / "again.csv")  # a link that stays inside
    assert not inside(root, root / "extracts" / "secret.csv")
    assert not inside(root, root / "outside" / "secret.csv")
    assert not inside(root, root / "extracts" / "loop.csv")
    check_inside(root, [root / "extracts" / "claims.csv", root / "extracts" / "again.csv"])
    with pytest.raises(InputError) as caught:
        check_inside(root, [root / "extracts" / "claims.csv", root / "extracts" / "secret.csv"])
    assert caught.value.exit_code == 2
    assert [str(p) for p in caught.value.problems] == [
        f"{root}/extracts/secret.csv: this file is a link to {secret}, outside the standards "
        "folder (put the extract under the standards folder, or give it on the command line "
        "with --data NAME=PATH)"]


def test_a_list_where_a_column_name_belongs_is_refused_not_a_crash(tmp_path: Path) -> None:
    # Found by the fuzz: 'from: []' reached a set lookup and raised TypeError.
    root = write(tmp_path, {STD: STANDARD.replace("from: lodged_date", "from: []")})
    assert any("from" in p for p in both(root, lambda p: "BEN-01.yaml" in p))
