"""Problems a person can act on: where (file, line, column or row), what, and what to do.

Every error the engine reports about a user's input is a :class:`Problem`. Loading
collects them all in one pass and raises :class:`InputError` once, so a policy analyst
fixing a standards folder sees every mistake at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based place in a text file, as an editor shows it."""

    line: int
    column: int

    @classmethod
    def from_zero_based(cls, line: int, column: int) -> Position:
        # The one conversion from parser positions (0-based) to what people see.
        return cls(line + 1, column + 1)


@dataclass(frozen=True)
class Problem:
    path: Path | None
    message: str
    position: Position | None = None
    hint: str | None = None

    def where(self) -> str:
        if self.path is None:
            return ""
        where = str(self.path)
        if self.position is not None:
            where += f":{self.position.line}:{self.position.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}" if self.path is not None else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def sort_key(self) -> tuple[str, int, int, str]:
        pos = self.position or Position(0, 0)
        return (str(self.path or ""), pos.line, pos.column, self.message)


class InputError(Exception):
    """One or more problems with what a user gave us; the CLI prints them and exits.

    ``exit_code`` follows the CLI's contract: 2 for invalid standards or usage,
    3 for unreadable data.
    """

    def __init__(self, problems: Sequence[Problem], exit_code: int = 2) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        self.exit_code = exit_code
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem], int]]:
        # So that it crosses a process boundary whole (a worker's error reaches its parent).
        return InputError, (self.problems, self.exit_code)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A suggestion for a misspelt name, or None when nothing is close."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return close[0] if close else None


def unknown_name_hint(word: str, choices: Iterable[str], what: str) -> str:
    options = sorted(set(choices))
    guess = did_you_mean(word, options)
    listing = ", ".join(options) if options else "none"
    if guess:
        return f"did you mean '{guess}'? {what}: {listing}"
    return f"{what}: {listing}"
