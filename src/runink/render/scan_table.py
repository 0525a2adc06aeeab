"""``runink scan`` default output: findings grouped by severity, then files and the verdict."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from runink.services.scan import ScanReport

_ORDER = ("critical", "high", "medium", "low", "none", None)
_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def render_to(report: ScanReport, console: Console) -> None:
    inv = report.inventory
    console.print(
        f"Scanned {escape(str(report.root))}: {len(inv.components)} components in "
        f"{len(inv.files)} files."
    )
    for severity in _ORDER:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        title = (severity or "unknown severity").upper()
        table = Table(
            title=f"[{_STYLE.get(severity or '', 'dim')}]{title}[/] ({len(group)})",
            title_justify="left",
        )
        # Nothing a user acts on is ever cut with an ellipsis: long ids and paths fold.
        table.add_column("Vulnerability", overflow="fold", width=19)  # a GHSA id is 19 wide
        table.add_column("Package", overflow="fold")
        table.add_column("Installed → fixed", overflow="fold")
        table.add_column("File", overflow="fold")
        wide = console.width >= 120
        if wide:
            table.add_column("Summary", overflow="fold")
        for f in group:
            c = f.component
            others = [a for a in f.aliases if a != f.id]
            score = f" [dim]{f.score:.1f}[/dim]" if f.score is not None else ""
            ids = escape(f.id) + score
            if others:
                ids += "".join(f"\n[dim]{escape(a)}[/dim]" for a in others)
            where = f"{c.source}:{c.line}" if c.line else c.source
            cells = [
                ids,
                escape(c.name) + f"\n[dim]{escape(c.ecosystem)}[/dim]",
                f"{escape(c.version)} → {escape(f.fixed) if f.fixed else '[dim]no fix[/dim]'}",
                escape(where),
            ]
            if wide:
                cells.append(escape(f.summary))
            table.add_row(*cells)
        console.print(table)
    for file in inv.files:
        if file.status == "failed":
            console.print(f"[red]failed[/red] {escape(file.path)}: {escape(file.error or '')}")
        elif file.status == "partial":
            console.print(
                f"[yellow]partial[/yellow] {escape(file.path)}: {len(file.skipped)} entries skipped"
            )
            for s in file.skipped[:10]:
                line = f":{s.line}" if s.line else ""
                console.print(f"  [dim]{escape(s.name)}{line}: {escape(s.reason)}[/dim]")
            if len(file.skipped) > 10:
                console.print(
                    f"  [dim]… and {len(file.skipped) - 10} more (see --format json)[/dim]"
                )
    for problem in report.problems:
        console.print(
            f"[yellow]not fully checked[/yellow] {escape(problem.component.purl)}: {escape(problem.message)}"
        )
    gate = report.gate
    for key, exception in sorted(gate.suppressed.items(), key=lambda kv: kv[0]):
        console.print(
            f"[dim]suppressed[/dim] {escape(key[0])} in {escape(key[1])}: "
            f"exception {escape(exception)}"
        )
    for key, names in sorted(gate.expired.items(), key=lambda kv: kv[0]):
        console.print(
            f"[yellow]exception expired[/yellow] {escape(', '.join(names))}: "
            f"{escape(key[0])} in {escape(key[1])} is no longer suppressed"
        )
    for name in gate.unused_exceptions:
        console.print(f"[dim]unused exception[/dim] {escape(name)}: it covered no finding")
    blocking = report.blocking
    if report.blocked:
        console.print(
            f"[bold red]BLOCKED[/bold red]: {len(blocking)} finding(s) triggered block_deploy "
            f"({len(report.findings)} in total)."
        )
        for reason in gate.reasons:
            console.print(f"  reason: {escape(reason)}")
    elif report.findings:
        console.print(
            f"[green]PASSED[/green]: {len(report.findings)} finding(s), none triggered "
            "block_deploy."
        )
    else:
        console.print("[green]PASSED[/green]: no known vulnerabilities.")


def render(report: ScanReport) -> str:
    buffer = io.StringIO()
    render_to(report, Console(file=buffer, width=140, color_system=None))
    return buffer.getvalue()
