"""``runink findings``: the stored findings and their lifecycle, with MTTR per team."""

from __future__ import annotations

import datetime as dt
import statistics
import sys

import typer

from runink.cli._console import OutputFormat, out
from runink.errors import UsageError


def mttr_by_team(rows: list[tuple[str, dt.datetime, dt.datetime]]) -> dict[str, float]:
    """Mean time to remediate in seconds per team, over (team, opened_at, fixed_at)."""
    spans: dict[str, list[float]] = {}
    for team, opened, fixed in rows:
        spans.setdefault(team, []).append((fixed - opened).total_seconds())
    return {team: statistics.fmean(values) for team, values in sorted(spans.items())}


def _days(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:.1f}d" if days >= 1 else f"{seconds / 3600:.1f}h"


def findings(
    artifact: str | None = typer.Option(None, "--artifact", help="Only this artifact."),
    status: str | None = typer.Option(None, "--status", help="open, fixed or excepted."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Findings of the stored inventory with their lifecycle (opened, fixed, excepted,
    reopened), and the mean time to remediate per team (fixed findings: fixed − opened)."""
    import orjson
    from rich.markup import escape
    from rich.table import Table

    from runink.cli.inventory import _finding_json, _fmt
    from runink.store import inventory_repo as repo
    from runink.store.db import open_engine

    if status is not None and status not in repo.STATUSES:
        raise UsageError(f"--status {status!r}: expected one of {', '.join(repo.STATUSES)}")
    engine = open_engine()
    with engine.connect() as conn:
        rows = repo.query_findings(conn, artifact=artifact, status=status)
    fixed = [
        (a.meta.team or "(no team)", f.opened_at, f.fixed_at)
        for a, f in rows
        if f.status == repo.FIXED and f.fixed_at is not None
    ]
    mttr = mttr_by_team(fixed)
    if output is OutputFormat.json:
        payload = {
            "findings": [
                {**_finding_json(a.name, f), "team": a.meta.team, "environment": a.meta.environment}
                for a, f in rows
            ],
            "mttr_seconds": mttr,
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table()
    for col in ("Artifact", "Vulnerability", "Package", "Severity", "Status", "Opened", "Closed"):
        table.add_column(col, overflow="fold")
    for a, f in rows:
        closed = f.fixed_at if f.status == repo.FIXED else f.excepted_at
        status_text = f.status + (f" ({f.reason})" if f.status != repo.OPEN and f.reason else "")
        table.add_row(
            escape(a.name), escape(f.vulnerability), escape(f.purl), f.severity or "-",
            escape(status_text), _fmt(f.opened_at), _fmt(closed),
        )  # fmt: skip
    out.print(table)
    summary = ", ".join(f"{team} {_days(s)}" for team, s in mttr.items()) or "no fixed findings"
    out.print(f"{len(rows)} finding(s); MTTR by team: {escape(summary)}")
