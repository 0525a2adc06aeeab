"""Shared console objects: results to stdout, messages and progress to stderr."""

from __future__ import annotations

from enum import StrEnum

from rich.console import Console

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
