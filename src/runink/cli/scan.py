"""``runink scan`` and ``runink components``: inventory a repository, match, gate."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import typer

from runink.cli._console import OutputFormat, err, out
from runink.errors import AdvisoryDataError, ExitCode, UsageError
from runink.render.formats import ReportFormat
from runink.services.scan import FailOn

_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw]?)$")


def parse_age(text: str) -> dt.timedelta | None:
    """``7d``, ``36h``, ``2w``, ``90m``, a bare number of days, or ``none``."""
    if text.strip().lower() in ("none", "off", "0"):
        return None
    m = _AGE.match(text.strip().lower())
    if not m:
        raise UsageError(f"--max-age: {text!r} is not a duration like 7d, 36h or 2w")
    value, unit = float(m.group(1)), m.group(2) or "d"
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    return dt.timedelta(seconds=value * seconds)


def _discovery_options(exclude: list[str] | None, no_default_excludes: bool):  # type: ignore[no-untyped-def]
    from runink.inventory.discovery import DEFAULT_EXCLUDES, DiscoveryOptions

    patterns = () if no_default_excludes else DEFAULT_EXCLUDES
    return DiscoveryOptions(excludes=(*patterns, *(exclude or ())))


def scan(
    path: Path = typer.Argument(Path(), help="Repository directory (or one file) to scan."),
    output_format: ReportFormat = typer.Option(
        ReportFormat.table, "--format", help="table, json, sarif or markdown"
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    fail_on: FailOn = typer.Option(
        FailOn.high,
        "--fail-on",
        help="Block (exit 1) on findings at or above this severity: critical, high, medium, "
        "low, any (also unknown severity) or never.",
    ),
    max_age: str = typer.Option(
        "7d", "--max-age", help="Fail (exit 3) if advisory data is older than this; 'none' to skip."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Exit 2 if any file failed to parse or had skipped entries."
    ),
    exclude: list[str] | None = typer.Option(
        None, "--exclude", help="Directory name or path glob to skip (repeatable)."
    ),
    no_default_excludes: bool = typer.Option(
        False, "--no-default-excludes", help="Also walk node_modules, .venv, vendor, .git, …"
    ),
) -> None:
    """Find every lockfile, SBOM and scan result under PATH and report known vulnerabilities.

    Exit 0 passed, 1 blocked (findings at or above --fail-on), 2 usage error or --strict file
    problems, 3 advisory data missing or older than --max-age.
    """
    from runink.inventory.registry import all_parsers
    from runink.render import github
    from runink.render.formats import RENDERERS
    from runink.render.scan_table import render_to
    from runink.services.scan import ScanOptions, run_scan
    from runink.store.db import StoreMissing, open_engine

    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    options = ScanOptions(
        fail_on=fail_on,
        max_age=parse_age(max_age),
        strict=strict,
        discovery=_discovery_options(exclude, no_default_excludes),
    )
    try:
        engine = open_engine(create=False)
    except StoreMissing as exc:
        raise AdvisoryDataError(
            f"no advisory database at {exc.path}: run `runink db import PATH` first"
        ) from None
    if err.is_terminal:
        with err.status("scanning…") as status:
            report = run_scan(
                engine, path, all_parsers(), options, lambda f: status.update(f"reading {f}")
            )
    else:
        report = run_scan(engine, path, all_parsers(), options)
    if output is not None:
        output.write_text(RENDERERS[output_format](report), encoding="utf-8")
        render_to(report, err)  # keep a human summary on the terminal
    elif output_format is ReportFormat.table:
        render_to(report, out)
    else:
        sys.stdout.write(RENDERERS[output_format](report))
    if github.in_github_actions():
        github.publish(report, sys.stdout)
    if report.strict_failure:
        err.print("--strict: some files failed or had skipped entries")
        raise typer.Exit(int(ExitCode.USAGE))
    if report.blocked:
        raise typer.Exit(int(ExitCode.BLOCKED))


def components(
    path: Path = typer.Argument(Path(), help="Repository directory (or one file)."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="table or json"
    ),
    exclude: list[str] | None = typer.Option(
        None, "--exclude", help="Directory name or glob to skip."
    ),
    no_default_excludes: bool = typer.Option(False, "--no-default-excludes"),
    strict: bool = typer.Option(False, "--strict", help="Exit 2 on failed or partial files."),
) -> None:
    """List the components found under PATH, without matching."""
    import orjson
    from rich.markup import escape
    from rich.table import Table

    from runink.inventory.discovery import discover
    from runink.inventory.registry import all_parsers
    from runink.render.scan_json import component_dict, file_dict

    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    inventory = discover(path, all_parsers(), _discovery_options(exclude, no_default_excludes))
    if output_format is OutputFormat.json:
        keys = ("ecosystem", "name", "version", "purl", "source", "line", "direct", "scope")
        payload = {
            "components": [{k: component_dict(c)[k] for k in keys} for c in inventory.components],
            "files": [file_dict(f) for f in inventory.files],
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        table = Table()
        for col in ("Ecosystem", "Name", "Version", "Direct", "Scope", "Source"):
            table.add_column(col)
        for c in inventory.components:
            direct = "-" if c.direct is None else ("yes" if c.direct else "no")
            where = f"{c.source}:{c.line}" if c.line else c.source
            table.add_row(
                escape(c.ecosystem), escape(c.name), escape(c.version), direct,
                escape(c.scope or "-"), escape(where),
            )  # fmt: skip
        out.print(table)
        for f in inventory.files:
            note = (
                f" — {f.error}"
                if f.error
                else (f" — {len(f.skipped)} skipped" if f.skipped else "")
            )
            err.print(
                f"{f.status:<7} {escape(f.path)} ({f.format}, {f.components} components){escape(note)}"
            )
    if strict and (inventory.failed or inventory.partial):
        raise typer.Exit(int(ExitCode.USAGE))
