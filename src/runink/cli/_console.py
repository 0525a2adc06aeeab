"""Shared console objects: results to stdout, messages and progress to stderr."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def severity_style(severity: str | None) -> str:
    return {
        "critical": "bold red",
        "high": "red",
        "medium": "yellow",
        "low": "cyan",
    }.get(severity or "", "dim")


class CountingBar:
    """A transient progress bar on stderr over a known number of items."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar = bar
        self._task = task

    def advance(self, count: int) -> None:
        self._bar.advance(self._task, count)

    def done(self, completed: int, _total: int | None = None) -> None:
        self._bar.update(self._task, completed=completed)


@contextlib.contextmanager
def counting_bar(description: str, total: int) -> Iterator[CountingBar]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        yield CountingBar(bar, bar.add_task(description, total=total))
