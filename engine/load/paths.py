"""Where a dataset's files may be: under the standards folder, and nowhere else.

A dataset's ``files:`` patterns are resolved under the standards folder. A pattern that
climbs out of it (``../``), starts from the top of a disk (``/etc``, ``C:\\``) or from a
home folder (``~``), or a link inside the folder that points outside it, would let a
standards folder read files its author never shipped. Extracts kept elsewhere are given
on the command line (``--data NAME=PATH``): that is the officer's own explicit choice.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from engine.problems import InputError, Problem

ELSEWHERE = ("put the extract under the standards folder, or give it on the command line "
             "with --data NAME=PATH")


def pattern_problem(pattern: str) -> str | None:
    """Why a ``files:`` pattern cannot be used, in words; None when it can."""
    if not pattern.strip():
        return "a file pattern is empty"
    if "\0" in pattern:
        return f"the file pattern {pattern!r} contains a NUL character"
    slashed = pattern.replace("\\", "/")
    pure = PurePosixPath(slashed)
    if pure.is_absolute() or slashed.startswith("//") or (len(pattern) > 1 and pattern[1] == ":"):
        return f"the file pattern '{pattern}' is an absolute path, outside the standards folder"
    if slashed.startswith("~"):
        return f"the file pattern '{pattern}' names a home folder, outside the standards folder"
    if ".." in pure.parts:
        return f"the file pattern '{pattern}' leaves the standards folder"
    if not pure.parts:
        return f"the file pattern '{pattern}' names the standards folder itself, not a file"
    return None


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, links followed, is within ``root`` (links followed too)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False  # elsewhere, or a loop of links: neither is a file of this folder
    return True


def check_inside(root: Path, paths: Iterable[Path]) -> None:
    """Refuse (exit 2) when any of a dataset's resolved files is a link that leads out of
    the standards folder: only seen once the pattern is resolved, so checked there."""
    problems = [Problem(path, f"this file is a link to {os.path.realpath(path)}, outside the "
                        "standards folder", hint=ELSEWHERE)
                for path in paths if not inside(root, path)]
    if problems:
        raise InputError(problems, exit_code=2)
