"""GitHub Actions integration: workflow-command annotations and the step summary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from runink.render import markdown
from runink.services.scan import ScanReport


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(report: ScanReport) -> list[str]:
    """``::error``/``::warning`` lines: errors for blocking findings, warnings otherwise."""
    lines: list[str] = []
    for f in report.findings:
        c = f.component
        level = "error" if report.is_blocking(f) else "warning"
        props = [f"file={_escape_property(c.source)}"]
        if c.line:
            props.append(f"line={c.line}")
        title = f"{f.id} in {c.name} {c.version}"
        props.append(f"title={_escape_property(title)}")
        fix = f"Upgrade to {f.fixed}." if f.fixed else "No fixed version is known."
        sev = (
            f" ({f.severity}{f', CVSS {f.score:.1f}' if f.score is not None else ''})"
            if f.severity
            else ""
        )
        message = f"{f.summary or f.id}{sev}. {fix}"
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    for file in report.inventory.files:
        if file.status == "failed":
            lines.append(
                f"::warning file={_escape_property(file.path)},title=Runink could not read this file::"
                f"{_escape_data(file.error or 'failed')}"
            )
    return lines


def publish(report: ScanReport, stream: TextIO) -> None:
    """Write annotations to ``stream`` and append the Markdown summary to $GITHUB_STEP_SUMMARY."""
    for line in workflow_commands(report):
        stream.write(line + "\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as fh:
            fh.write(markdown.render(report) + "\n")


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"
