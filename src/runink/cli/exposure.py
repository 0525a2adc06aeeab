"""``runink exposure``: where is this vulnerability running?"""

from __future__ import annotations

import sys

import typer

from runink.cli._console import OutputFormat, err, out
from runink.errors import InputError


def exposure(
    ident: str = typer.Argument(..., metavar="ID", help="A CVE, GHSA or any advisory id/alias."),
    env: str | None = typer.Option(None, "--env", help="Only artifacts in this environment."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Every artifact of the stored inventory with an open or excepted finding for ID (any of
    its aliases): environment, component, version, owners and the fixed version.

    Exit 0 (also when nothing is exposed), 2 when ID is not known at all.
    """
    import orjson
    from rich.markup import escape
    from rich.table import Table

    from runink.services.exposure import find_exposure
    from runink.store.db import open_engine

    result = find_exposure(open_engine(), ident.strip(), environment=env)
    if not result.known:
        raise InputError(
            f"{ident}: no advisory or finding with this id or alias (import or sync advisories, "
            "then ingest the inventory)"
        )
    if output is OutputFormat.json:
        payload = [
            {
                "artifact": r.artifact,
                "environment": r.environment,
                "purl": r.purl,
                "version": r.version,
                "owners": list(r.owners),
                "fixed": r.fixed,
                "vulnerability": r.vulnerability,
                "status": r.status,
                "team": r.team,
                "kind": r.kind,
            }
            for r in result.rows
        ]
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if not result.rows:
        where = f" in {env}" if env else ""
        out.print(f"{escape(ident)} ({escape(', '.join(result.ids))}): not running anywhere{where}")
        return
    table = Table(title=f"{ident}: {len({r.artifact for r in result.rows})} artifact(s)")
    for col in ("Artifact", "Env", "Component", "Version", "Fixed", "Owners", "Status"):
        table.add_column(col, overflow="fold")
    for r in result.rows:
        table.add_row(
            escape(r.artifact), escape(r.environment or "-"), escape(r.purl), escape(r.version),
            escape(r.fixed or "no fix"), escape(", ".join(r.owners) or "-"), r.status,
        )  # fmt: skip
    out.print(table)
    err.print(f"ids: {', '.join(result.ids)}", markup=False)
