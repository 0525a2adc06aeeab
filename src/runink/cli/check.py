"""``runink check``: findings for package URLs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runink.cli._console import OutputFormat, err, out, severity_style
from runink.errors import AdvisoryDataError, ExitCode, InputError
from runink.model.finding import Finding

if TYPE_CHECKING:
    from runink.services.checking import AdvisoryReader


def _read_purls(source: str) -> list[str]:
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text") from None
    # One purl per line; blank lines and lines starting with '#' are ignored ('#' inside a
    # purl introduces its subpath, so it is not a comment there).
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def check(
    purls: list[str] = typer.Argument(None, help="Package URLs, e.g. pkg:pypi/django@3.2.0"),
    from_file: str = typer.Option(
        None, "--from", help="Read purls from FILE (one per line; '-' for standard input)."
    ),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Print the vulnerabilities affecting the given package versions.

    Exit 0 nothing found, 1 vulnerabilities found, 2 a purl was invalid (the others are still
    checked), 3 no advisory data.
    """
    from runink.render.findings_json import finding_dict
    from runink.services.checking import check_purls

    items = list(purls or [])
    if from_file:
        items.extend(_read_purls(from_file))
    if not items:
        raise InputError("no package URLs given (pass PURL arguments or --from FILE)")
    report = check_purls(_advisory_reader(), items)
    findings = sorted(
        (f for r in report.results for f in r.findings),
        key=lambda f: (-(f.score or 0.0), f.component.purl, f.id),
    )
    if output is OutputFormat.json:
        out.print_json(json.dumps([finding_dict(f) for f in findings]))
    else:
        _print_table(findings, len(report.results))
    for problem in report.problems:
        err.print(f"{problem.purl}: {problem.message}", markup=False)
    if report.problems:
        raise typer.Exit(int(ExitCode.USAGE))
    if findings:
        raise typer.Exit(int(ExitCode.BLOCKED))


def _advisory_reader() -> AdvisoryReader:
    """The embedded database through the standard library when it is ready to read (no
    SQLAlchemy import: half of this command's time), else the configured database."""
    from runink.config import load_settings
    from runink.services.checking import EmbeddedReader, EngineReader
    from runink.store import embedded

    settings = load_settings()
    conn = embedded.connect(settings)
    if conn is not None:
        return EmbeddedReader(conn)
    from runink.store.db import StoreMissing, open_engine

    try:
        return EngineReader(open_engine(settings, create=False))
    except StoreMissing as exc:
        raise AdvisoryDataError(
            f"no advisory database at {exc.path}: run `runink db import PATH` first"
        ) from None


def _print_table(findings: list[Finding], checked: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not findings:
        out.print(f"No known vulnerabilities in {checked} package(s).")
        return
    table = Table(show_lines=False)
    # Ids, packages and versions fold rather than end in an ellipsis: users copy them.
    table.add_column("Package", overflow="fold")
    table.add_column("Vulnerability", overflow="fold", width=19)  # a GHSA id is 19 wide
    table.add_column("Severity", overflow="fold")
    table.add_column("Fixed in", overflow="fold")
    table.add_column("Summary", overflow="fold")
    for f in findings:
        sev = f"{f.severity or 'unknown'}" + (f" {f.score:.1f}" if f.score is not None else "")
        others = [a for a in f.aliases if a != f.id]
        vuln = escape(f.id) + "".join(f"\n[dim]{escape(a)}[/dim]" for a in others)
        # The first reason explains the match; every reason is in --format json.
        why = f"[dim]{escape(f.reasons[0].explain())}[/dim]" if f.reasons else ""
        if len(f.reasons) > 1:
            why += f"\n[dim](+{len(f.reasons) - 1} more reason(s): --format json)[/dim]"
        package = escape(f"{f.component.name}@{f.component.version}")
        table.add_row(
            f"{package}\n[dim]{escape(f.component.ecosystem)}[/dim]",
            vuln,
            f"[{severity_style(f.severity)}]{sev}[/]",
            escape(f.fixed or "-"),
            escape(f.summary or "") + (f"\n{why}" if why else ""),
        )
    out.print(table)
    out.print(f"{len(findings)} vulnerabilit{'y' if len(findings) == 1 else 'ies'} found.")
