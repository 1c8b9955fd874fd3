"""The run's progress as rich progress bars on a terminal, erased when the run is done.

Not on a terminal (output to a file, a pipe, a scheduler's log) nothing is drawn at all,
so logs hold only the results.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import (
    Progress as Bars,
)

from engine.progress import Progress


class ProgressBars(Progress):
    """One bar per stage: "Measuring ━━━━━━━━━━ 3/9 CMP-01 Complaints acknowledged …"."""

    def __init__(self, console: Console) -> None:
        self.bars = Bars(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                         MofNCompleteColumn(), TimeElapsedColumn(),
                         TextColumn("{task.fields[label]}", style="dim"),
                         console=console, transient=True)
        self.task: TaskID | None = None
        self.done = 0

    def start(self, stage: str, total: int) -> None:
        self.task = self.bars.add_task(stage, total=total, label="")
        self.done = -1

    def step(self, label: str) -> None:
        if self.task is not None:
            self.done += 1  # the step before this one is over
            self.bars.update(self.task, completed=self.done, label=label)

    def finish(self) -> None:
        if self.task is not None:
            self.bars.remove_task(self.task)
            self.task = None

    def __enter__(self) -> ProgressBars:
        self.bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bars.stop()


def progress_for(console: Console) -> ProgressBars | None:
    """Bars when ``console`` is a terminal (and not told to be quiet), else None."""
    return ProgressBars(console) if console.is_terminal and not console.quiet else None

