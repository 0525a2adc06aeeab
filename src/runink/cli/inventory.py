"""``runink inventory``: the persistent inventory of artifacts (ingest, list, show)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from runink.cli._console import OutputFormat, err, out
from runink.errors import UsageError

app = typer.Typer(help="The persistent inventory of artifacts.", no_args_is_help=True)


def _fmt(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else "-"


@app.command("ingest")
def ingest(
    path: Path = typer.Argument(..., help="The artifact's directory, lockfile or SBOM."),
    artifact: str = typer.Option(..., "--artifact", help="The artifact's name (unique)."),
    kind: str | None = typer.Option(None, "--kind", help="image, service or repo."),
    env: str | None = typer.Option(None, "--env", help="Environment, e.g. prod."),
    team: str | None = typer.Option(None, "--team", help="Owning team."),
    owner: list[str] | None = typer.Option(None, "--owner", help="Owner e-mail (repeatable)."),
    label: list[str] | None = typer.Option(None, "--label", help="KEY=VALUE (repeatable)."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Store PATH's components as ARTIFACT's new current snapshot (history is kept), update
    its findings and run its triggers.

    Metadata: flags win over PATH's runink.yaml `artifact:`, which wins over SBOM metadata.
    Exit 0, 2 on usage/policy errors.
    """
    import orjson

    from runink.services.inventory import IngestRequest, parse_labels
    from runink.services.inventory import ingest as run_ingest
    from runink.store.db import open_engine

    for address in owner or ():
        if "@" not in address:
            raise UsageError(f"--owner {address!r}: not an e-mail address")
    request = IngestRequest(
        artifact=artifact,
        kind=kind,
        environment=env,
        team=team,
        owners=tuple(owner or ()),
        labels=parse_labels(label or ()),
    )
    result = run_ingest(open_engine(), path, request)
    c = result.changes
    meta = result.artifact.meta
    if output is OutputFormat.json:
        payload = {
            "artifact": meta.name,
            "snapshot": result.snapshot_id,
            "components": result.components,
            "findings": {
                "opened": c.opened,
                "reopened": c.reopened,
                "closed": c.closed,
                "excepted": c.excepted,
            },
            "files": [
                {"path": f.path, "format": f.format, "status": f.status, "error": f.error}
                for f in result.files
            ],
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        out.print(
            f"{meta.kind} {meta.name}: snapshot {result.snapshot_id}, "
            f"{result.components} components from {len(result.files)} file(s); findings: "
            f"{c.opened} opened, {c.reopened} reopened, {c.closed} closed, {c.excepted} excepted",
            markup=False,
        )
    for f in result.files:
        if f.status != "ok":
            err.print(f"{f.status}: {f.path} {f.error or ''}".rstrip(), markup=False)
    if result.flush is not None:
        for record in result.flush.records:
            if record.status in ("delivered", "failed"):
                detail = f": {record.error}" if record.error else ""
                err.print(
                    f"{record.action} {record.status} {record.target} ({record.finding}){detail}",
                    markup=False,
                )


@app.command("list")
def list_(
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Every artifact: kind, environment, team, components, open findings, last ingest."""
    import orjson
    from rich.table import Table

    from runink.store import inventory_repo as repo
    from runink.store.db import open_engine

    engine = open_engine()
    with engine.connect() as conn:
        rows = repo.list_artifacts(conn)
        open_counts: dict[str, int] = {}
        for art, _ in repo.query_findings(conn, status=repo.OPEN):
            open_counts[art.name] = open_counts.get(art.name, 0) + 1
    if output is OutputFormat.json:
        payload = [
            {
                "artifact": a.name,
                "kind": a.meta.kind,
                "environment": a.meta.environment,
                "team": a.meta.team,
                "owners": list(a.meta.owners),
                "components": n,
                "open_findings": open_counts.get(a.name, 0),
                "last_ingest": _fmt(when),
            }
            for a, n, when in rows
        ]
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table()
    for col in ("Artifact", "Kind", "Env", "Team", "Components", "Open findings", "Last ingest"):
        table.add_column(col, overflow="fold")
    for a, n, when in rows:
        table.add_row(
            a.name, a.meta.kind, a.meta.environment or "-", a.meta.team or "-", str(n),
            str(open_counts.get(a.name, 0)), _fmt(when),
        )  # fmt: skip
    out.print(table)


@app.command("show")
def show(
    name: str = typer.Argument(..., help="The artifact's name."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """One artifact: metadata, snapshot history, current components and findings."""
    import orjson
    from rich.markup import escape
    from rich.table import Table

    from runink.store import inventory_repo as repo
    from runink.store.db import open_engine

    engine = open_engine()
    with engine.connect() as conn:
        artifact = repo.get_artifact(conn, name)
        if artifact is None:
            raise UsageError(f"{name}: no such artifact (see `runink inventory list`)")
        history = repo.snapshots(conn, artifact.id)
        components = (
            repo.current_components(conn, artifact.current_snapshot_id)
            if artifact.current_snapshot_id is not None
            else []
        )
        found = [f for _, f in repo.query_findings(conn, artifact=name)]
    meta = artifact.meta
    if output is OutputFormat.json:
        payload = {
            "artifact": meta.name,
            "kind": meta.kind,
            "environment": meta.environment,
            "team": meta.team,
            "owners": list(meta.owners),
            "labels": dict(meta.labels),
            "maintainer_email": meta.maintainer_email,
            "path": meta.path,
            "policy": meta.policy_path,
            "current_snapshot": artifact.current_snapshot_id,
            "snapshots": [
                {
                    "id": s.id,
                    "ingested_at": _fmt(s.ingested_at),
                    "components": s.components,
                    "source": s.source,
                    "digest": s.digest,
                }
                for s in history
            ],
            "components": [
                {
                    "ecosystem": c.ecosystem,
                    "name": c.name,
                    "version": c.version,
                    "purl": c.purl,
                    "source": c.source,
                    "line": c.line,
                    "direct": c.direct,
                    "scope": c.scope,
                }
                for c in components
            ],
            "findings": [_finding_json(name, f) for f in found],
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    owners = ", ".join(meta.owners) or "-"
    out.print(
        f"{escape(meta.kind)} [bold]{escape(meta.name)}[/bold] env {escape(meta.environment or '-')}"
        f", team {escape(meta.team or '-')}, owners {escape(owners)}"
    )
    out.print(f"policy: {escape(meta.policy_path or 'default policy')}")
    table = Table(title="Snapshots")
    for col in ("Id", "Ingested", "Components", "Current"):
        table.add_column(col, overflow="fold")
    for s in history:
        current = "yes" if s.id == artifact.current_snapshot_id else ""
        table.add_row(str(s.id), _fmt(s.ingested_at), str(s.components), current)
    out.print(table)
    table = Table(title=f"Findings ({sum(1 for f in found if f.status == 'open')} open)")
    for col in ("Vulnerability", "Package", "Severity", "Status", "Opened", "Fixed"):
        table.add_column(col, overflow="fold")
    for f in found:
        table.add_row(
            escape(f.vulnerability), escape(f.purl), f.severity or "-", f.status,
            _fmt(f.opened_at), _fmt(f.fixed_at),
        )  # fmt: skip
    out.print(table)


def _finding_json(artifact: str, f) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "artifact": artifact,
        "vulnerability": f.vulnerability,
        "aliases": list(f.aliases),
        "purl": f.purl,
        "version": f.component.version,
        "severity": f.severity,
        "score": f.score,
        "fixed": f.fixed_version,
        "status": f.status,
        "reason": f.reason,
        "exception": f.exception,
        "opened_at": _fmt(f.opened_at),
        "fixed_at": _fmt(f.fixed_at),
        "reopened": f.reopened,
        "opened_by": f.opened_by,
        "advisory_modified": _fmt(f.advisory_modified),
        "alerted_at": _fmt(f.alerted_at),
    }
