"""``runink findings``: the stored findings and their lifecycle, with MTTR per team;
``runink findings reevaluate``: match the whole stored inventory again."""

from __future__ import annotations

import datetime as dt
import statistics
import sys

import typer

from runink.cli._console import OutputFormat, counting_bar, err, out
from runink.errors import UsageError

app = typer.Typer(invoke_without_command=True)

#: Below this many artifacts the re-evaluation draws no progress bar.
PROGRESS_MIN_ARTIFACTS = 500


def mttr_by_team(rows: list[tuple[str, dt.datetime, dt.datetime]]) -> dict[str, float]:
    """Mean time to remediate in seconds per team, over (team, opened_at, fixed_at)."""
    spans: dict[str, list[float]] = {}
    for team, opened, fixed in rows:
        spans.setdefault(team, []).append((fixed - opened).total_seconds())
    return {team: statistics.fmean(values) for team, values in sorted(spans.items())}


def _days(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:.1f}d" if days >= 1 else f"{seconds / 3600:.1f}h"


@app.callback()
def findings(
    ctx: typer.Context,
    artifact: str | None = typer.Option(None, "--artifact", help="Only this artifact."),
    status: str | None = typer.Option(None, "--status", help="open, fixed or excepted."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Findings of the stored inventory with their lifecycle (opened, fixed, excepted,
    reopened), and the mean time to remediate per team (fixed findings: fixed − opened).

    `runink findings reevaluate` matches the whole inventory again (see its --help)."""
    if ctx.invoked_subcommand is not None:
        return
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


@app.command("reevaluate")
def reevaluate(
    artifact: str | None = typer.Option(None, "--artifact", help="Only this artifact."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    act: bool = typer.Option(
        True, "--act/--no-act", help="Run the touched artifacts' triggers afterwards."
    ),
) -> None:
    """Match every current component of the stored inventory (or of one artifact) against
    the stored advisories again, and open, reopen and close findings where the result
    differs; then run the triggers of the artifacts whose findings changed.

    Use it after importing a large advisory set with `runink db import` (which writes no
    change events), after an upgrade that changes matching, or after editing exceptions.
    Each distinct (ecosystem, name, version) is matched once; only differences are
    written. Prints the counts of opened, reopened, closed and excepted findings.
    Exit 0, 2 when --artifact names no stored artifact.
    """
    import time

    import orjson

    from runink.services.findings import SetupCache, flush_outbox
    from runink.services.monitor import ReevaluateReport, reevaluate_all
    from runink.store import inventory_repo as repo
    from runink.store.db import open_engine

    engine = open_engine()
    with engine.connect() as conn:
        ids = repo.current_artifact_ids(conn, artifact)
    if artifact is not None and not ids:
        raise UsageError(f"--artifact {artifact!r}: no such artifact in the inventory")
    cache = SetupCache()
    started = time.perf_counter()
    report: ReevaluateReport
    if not quiet and len(ids) >= PROGRESS_MIN_ARTIFACTS and err.is_terminal:
        with counting_bar("re-evaluating", len(ids)) as bar:
            report = reevaluate_all(engine, cache, artifact=artifact, progress=bar.done)
    else:
        report = reevaluate_all(engine, cache, artifact=artifact)
    flush = flush_outbox(engine, cache, act=act)
    changes = report.changes
    payload = {
        "artifacts": report.artifacts,
        "components": report.components,
        "distinct": report.distinct,
        "opened": changes.opened,
        "reopened": changes.reopened,
        "closed": changes.closed,
        "excepted": changes.excepted,
        "triggered": flush.artifacts,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if output is OutputFormat.json:
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    out.print(
        f"re-evaluated {report.artifacts} artifact(s), {report.components} component(s) "
        f"({report.distinct} distinct): {changes.opened} opened, {changes.reopened} reopened, "
        f"{changes.closed} closed, {changes.excepted} excepted; triggers run for "
        f"{flush.artifacts} artifact(s) in {payload['seconds']:.1f}s"
    )
