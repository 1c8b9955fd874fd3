"""What a long run is doing, for whoever is watching: stages, each with a count of steps.

The engine reports its stages (reading each dataset, measuring each standard, selecting
open cases, deciding and tracking, writing) to a :class:`Progress`. The default one is
silent; the command line passes one that draws rich progress bars on a terminal and
nothing at all when its output is a file or a pipe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Silent: the default, and the base of every listener."""

    def start(self, stage: str, total: int) -> None:
        """A stage of ``total`` steps begins."""

    def step(self, label: str) -> None:
        """One step of the current stage begins: ``label`` says which (a dataset, a
        standard)."""

    def finish(self) -> None:
        """The current stage is over."""


SILENT = Progress()


def stage(progress: Progress, name: str, items: Iterable[T], label: object = str
          ) -> Iterator[T]:
    """Yield ``items``, telling ``progress`` of each: ``label(item)`` names it."""
    items = list(items)
    progress.start(name, len(items))
    try:
        for item in items:
            progress.step(label(item) if callable(label) else str(item))
            yield item
    finally:
        progress.finish()
