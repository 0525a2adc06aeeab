"""``runink db``: import and sync advisories, and report on the advisory database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runink.cli._console import OutputFormat, counting_bar, err, out
from runink.errors import AdvisoryDataError, ExitCode

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from sqlalchemy.engine import Engine

    from runink.feeds.sync import SyncReport

app = typer.Typer(help="Manage the advisory database.", no_args_is_help=True)

PROGRESS_MIN_RECORDS = 500  # smaller imports finish before a bar is worth drawing


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(
        ..., help="OSV records: directories, .zip archives, .json or .yaml/.yml files."
    ),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Load OSV records, upserting by id and keeping the newer `modified`.

    Exit 0 when every record was accepted, 2 when some were rejected (the valid ones are
    still imported; each rejection names the file and the field at fault).
    """

    from runink.services.importing import import_sources, plan_import
    from runink.store.db import open_engine

    sources, problems = plan_import(paths)
    engine = open_engine()
    total = sum(s.count for s in sources)
    origin = " ".join(str(p) for p in paths)
    show_bar = not quiet and total >= PROGRESS_MIN_RECORDS and err.is_terminal
    if show_bar:
        with counting_bar("importing", total) as bar:
            report = import_sources(engine, sources, origin=origin, progress=bar.advance)
    else:
        report = import_sources(engine, sources, origin=origin)
    report.rejected[:0] = problems
    rate = report.records / report.seconds if report.seconds > 0 else 0.0
    if output is OutputFormat.json:
        payload = {
            **report.counts(),
            "seconds": round(report.seconds, 3),
            "rejections": [
                {"file": r.origin, "field": r.field, "message": r.message} for r in report.rejected
            ],
        }
        out.print_json(json.dumps(payload))
    else:
        c = report.counts()
        out.print(
            f"imported {report.records} records in {report.seconds:.2f}s ({rate:,.0f}/s): "
            f"new {c['new']}, updated {c['updated']}, unchanged {c['unchanged']}, "
            f"withdrawn {c['withdrawn']}, rejected {c['rejected']}"
        )
        for rejection in report.rejected:
            err.print(f"rejected: {rejection}", markup=False)
    if report.rejected:
        raise typer.Exit(int(ExitCode.USAGE))


def _fmt(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else "-"


@app.command("status")
def status(
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Advisories per ecosystem and per source, with the newest `modified` of each.

    Exit 3 when there is no advisory data yet.
    """
    from rich.table import Table
    from rich.text import Text

    from runink.store import advisory_repo
    from runink.store.db import StoreMissing, open_engine

    try:
        engine = open_engine(create=False)
    except StoreMissing as exc:
        raise AdvisoryDataError(
            f"no advisory database at {exc.path}: run `runink db import PATH` first"
        ) from None
    from runink.feeds.state import all_states

    with engine.connect() as conn:
        st = advisory_repo.database_status(conn)
        feeds = all_states(conn)
    feed_rows = [
        {
            "feed": f.feed,
            "scope": f.scope,
            "last_success": _fmt(f.last_success_at),
            "newest_record": _fmt(f.newest_record_at),
            "last_attempt": _fmt(f.last_attempt_at),
            "last_error": f.last_error,
        }
        for f in feeds
    ]
    if output is OutputFormat.json:

        def rows(items: tuple[advisory_repo.StatusRow, ...]) -> list[dict[str, object]]:
            return [
                {
                    "name": r.group,
                    "advisories": r.advisories,
                    "withdrawn": r.withdrawn,
                    "newest_modified": _fmt(r.newest_modified),
                }
                for r in items
            ]

        out.print_json(
            json.dumps(
                {
                    "database": str(engine.url.render_as_string(hide_password=True)),
                    "advisories": st.total,
                    "withdrawn": st.withdrawn,
                    "newest_modified": _fmt(st.newest_modified),
                    "last_import": _fmt(st.last_import),
                    "ecosystems": rows(st.by_ecosystem),
                    "sources": rows(st.by_source),
                    "feeds": feed_rows,
                    "alert_latency": _alert_latency(engine),
                }
            )
        )
    else:
        out.print(
            f"database: {engine.url.render_as_string(hide_password=True)}\n"
            f"advisories: {st.total} ({st.withdrawn} withdrawn), newest modified "
            f"{_fmt(st.newest_modified)}, last import {_fmt(st.last_import)}"
        )
        for title, items in (("Ecosystem", st.by_ecosystem), ("Source", st.by_source)):
            table = Table(title=None)
            table.add_column(title, overflow="fold")
            table.add_column("Advisories", justify="right", overflow="fold")
            table.add_column("Withdrawn", justify="right", overflow="fold")
            table.add_column("Newest modified", overflow="fold")
            for r in items:
                table.add_row(r.group, str(r.advisories), str(r.withdrawn), _fmt(r.newest_modified))
            out.print(table)
        if feed_rows:
            table = Table(title=None)
            for title in ("Feed", "Scope", "Last success", "Newest record", "Last error"):
                table.add_column(title, overflow="fold")
            for row in feed_rows:
                error = str(row["last_error"] or "")  # cleared by the next success
                table.add_row(
                    str(row["feed"]),
                    Text(str(row["scope"]) or "-"),
                    str(row["last_success"]),
                    str(row["newest_record"]),
                    Text(error.splitlines()[0][:100] if error else ""),
                )
            out.print(table)
        out.print(_format_latency(engine), markup=False)
    if st.total == 0:
        raise AdvisoryDataError(
            "the advisory database is empty: run `runink db import PATH` or `runink db sync` first"
        )


def _alert_latency(engine: Engine) -> dict[str, float | int | None]:
    from runink.services.monitor import latency_summary

    return latency_summary(engine)


def _format_latency(engine: Engine) -> str:
    from runink.services.monitor import format_latency, latency_summary

    return format_latency(latency_summary(engine))


@app.command("sync")
def sync(
    feed: list[str] | None = typer.Option(
        None,
        "--feed",
        help="osv, nvd, kev or epss (repeatable). Default: every feed (or feeds.enabled).",
    ),
    ecosystem: list[str] | None = typer.Option(
        None,
        "--ecosystem",
        help="OSV ecosystem to follow, e.g. PyPI (repeatable). Default: feeds.osv.ecosystems, "
        "else the ecosystems already in the database.",
    ),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Fetch what changed in the vulnerability feeds and apply it, writing change events.

    The first OSV sync of an ecosystem downloads its all.zip; later ones fetch only the
    records modified since. Exit 0 when every feed synced, 2 when some records were rejected,
    3 when a feed could not be read (the others are still synced). See docs/feeds.md.
    """
    from runink.feeds.settings import load_feed_settings
    from runink.feeds.sync import run_sync
    from runink.services.monitor import sync_ecosystems
    from runink.store.db import open_engine

    settings = load_feed_settings()
    engine = open_engine()
    if not quiet and err.is_terminal:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TimeElapsedColumn,
        )

        with Progress(
            SpinnerColumn(),
            "[progress.description]{task.description}",
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            report = run_sync(
                engine,
                feeds=feed or (),
                ecosystems=ecosystem or (),
                settings=settings,
                progress=_RichProgress(bar),
                default_ecosystems=sync_ecosystems,
            )
    else:
        report = run_sync(
            engine,
            feeds=feed or (),
            ecosystems=ecosystem or (),
            settings=settings,
            default_ecosystems=sync_ecosystems,
        )
    _print_sync(report, output)
    for rejection in report.rejected:
        err.print(f"rejected: {rejection}", markup=False)
    report.raise_for_failures()
    if report.rejected:
        raise typer.Exit(int(ExitCode.USAGE))


class _RichProgress:
    """``runink.feeds.base.SyncProgress`` drawn as Rich progress bars on stderr."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {}

    def start(self, key: str, description: str, total: float | None = None) -> None:
        task = self.tasks.get(key)
        if task is None:
            self.tasks[key] = self.bar.add_task(description, total=total)
        else:
            self.bar.reset(task, total=total, description=description)

    def advance(self, key: str, amount: float = 1.0) -> None:
        if key in self.tasks:
            self.bar.advance(self.tasks[key], amount)

    def update(self, key: str, *, completed: float, total: float | None) -> None:
        if key in self.tasks:
            self.bar.update(self.tasks[key], completed=completed, total=total)

    def finish(self, key: str, description: str) -> None:
        task = self.tasks.get(key)
        if task is not None:
            self.bar.update(task, description=description, total=1, completed=1)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"  # pragma: no cover


def _print_sync(report: SyncReport, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        out.print_json(
            json.dumps(
                {
                    "events": report.events,
                    "results": [
                        {
                            "feed": r.feed,
                            "scope": r.scope,
                            "status": str(r.status),
                            "new": r.new,
                            "updated": r.updated,
                            "unchanged": r.unchanged,
                            "withdrawn": r.withdrawn,
                            "removed": r.removed,
                            "events": r.events,
                            "requests": r.requests,
                            "bytes": r.bytes,
                            "seconds": round(r.seconds, 3),
                            "rejected": len(r.rejected),
                            "detail": r.detail,
                            "error": r.error,
                        }
                        for r in report.results
                    ],
                }
            )
        )
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=None)
    for title in ("Feed", "Scope", "Status"):
        table.add_column(title, overflow="fold")
    for title in ("New", "Updated", "Withdrawn", "Removed", "Events", "Requests", "Received"):
        table.add_column(title, justify="right", overflow="fold")
    table.add_column("Time", justify="right", overflow="fold")
    table.add_column("Detail", overflow="fold")
    for r in report.results:
        status = str(r.status)
        style = {"failed": "red", "skipped": "yellow"}.get(status, "")
        detail = r.detail if r.error is None else r.error.splitlines()[0]
        table.add_row(
            r.feed,
            Text(r.scope or "-"),
            Text(status, style=style),
            str(r.new),
            str(r.updated),
            str(r.withdrawn),
            str(r.removed),
            str(r.events),
            str(r.requests),
            _size(r.bytes),
            f"{r.seconds:.1f}s",
            Text(detail),
        )
    out.print(table)
