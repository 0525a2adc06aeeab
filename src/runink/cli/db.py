"""``runink db``: import advisories and report on the advisory database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from runink.cli._console import OutputFormat, err, out
from runink.errors import AdvisoryDataError, ExitCode

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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from runink.services.importing import import_sources, plan_import
    from runink.store.db import open_engine

    sources, problems = plan_import(paths)
    engine = open_engine()
    total = sum(s.count for s in sources)
    origin = " ".join(str(p) for p in paths)
    show_bar = not quiet and total >= PROGRESS_MIN_RECORDS and err.is_terminal
    if show_bar:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("importing", total=total)
            report = import_sources(
                engine, sources, origin=origin, progress=lambda n: bar.advance(task, n)
            )
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

    from runink.store import advisory_repo
    from runink.store.db import StoreMissing, open_engine

    try:
        engine = open_engine(create=False)
    except StoreMissing as exc:
        raise AdvisoryDataError(
            f"no advisory database at {exc.path}: run `runink db import PATH` first"
        ) from None
    with engine.connect() as conn:
        st = advisory_repo.database_status(conn)
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
            table.add_column(title)
            table.add_column("Advisories", justify="right")
            table.add_column("Withdrawn", justify="right")
            table.add_column("Newest modified")
            for r in items:
                table.add_row(r.group, str(r.advisories), str(r.withdrawn), _fmt(r.newest_modified))
            out.print(table)
    if st.total == 0:
        raise AdvisoryDataError("the advisory database is empty: run `runink db import PATH` first")
