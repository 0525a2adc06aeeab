"""``runink exception``: add and list policy exceptions (accepted risks) in runink.yaml."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runink.cli._console import OutputFormat, out
from runink.errors import UsageError

if TYPE_CHECKING:
    from runink.policy.exceptions import PolicyException

app = typer.Typer(
    help="Add and list exceptions (accepted risks with an approver and an expiry).",
    no_args_is_help=True,
)

DEFAULT_FILE = Path("runink.yaml")


def parse_expiry(text: str, today: dt.date) -> dt.date:
    """``YYYY-MM-DD``, or a duration from today: ``90d``, ``12w``, ``6m``, ``1y``."""
    from runink.policy.exceptions import parse_cadence

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    days = parse_cadence(text)
    if days is None:
        raise UsageError(f"--expires: {text!r} is not a date (YYYY-MM-DD) or a duration (90d)")
    return today + dt.timedelta(days=days)


@app.command("add")
def add(
    vulnerability: str = typer.Option(
        ..., "--vulnerability", help="Vulnerability id; any alias (CVE, GHSA, …) matches."
    ),
    reason: str = typer.Option(..., "--reason", help="Why the risk is accepted."),
    approved_by: list[str] = typer.Option(..., "--approved-by", help="Approver (repeatable)."),
    expires: str = typer.Option(
        ..., "--expires", help="Last day the exception applies: YYYY-MM-DD, or 90d, 12w, 6m."
    ),
    file: Path = typer.Option(DEFAULT_FILE, "--file", "-f", help="Policy file to edit."),
    package: str | None = typer.Option(
        None, "--package", help="Package URL or glob, e.g. pkg:pypi/django or pkg:npm/@babel/*."
    ),
    artifact: str | None = typer.Option(None, "--artifact", help="Artifact name glob."),
    environment: str | None = typer.Option(None, "--environment", help="Environment."),
    control: list[str] | None = typer.Option(
        None, "--control", help="Compensating control (repeatable)."
    ),
    review_every: str | None = typer.Option(
        None, "--review-every", help="Review cadence: 30d, 12w, 3m, quarterly, …"
    ),
    name: str | None = typer.Option(None, "--name", help="A name for the exception."),
) -> None:
    """Append an exception to the policy file, keeping its comments and formatting.

    The entry is validated before the file is touched, and the file is replaced atomically.
    Exit 0 when added, 2 when the entry or the file is invalid.
    """
    from runink.policy.editing import ExceptionRequest, add_exception

    today = dt.date.today()
    request = ExceptionRequest(
        reason=reason,
        approved_by=tuple(approved_by),
        expires=parse_expiry(expires, today),
        vulnerability=vulnerability,
        package=package,
        artifact=artifact,
        environment=environment,
        compensating_controls=tuple(control or ()),
        review_every=review_every,
        name=name,
    )
    added = add_exception(file, request, today=today)
    typer.echo(f"added exception {added.name!r} to {file} (expires {added.expires})")
    _record_created(added, file, approved_by)


def _record_created(added: PolicyException, file: Path, approved_by: list[str]) -> None:
    """The exception.created evidence entry (the ledger lives in the project's database)."""
    import getpass

    from runink.ledger import EntryInput, Ledger, Subject, kinds
    from runink.store.db import open_engine

    scope: dict[str, object] = {"file": str(file)}
    if added.package is not None:
        scope["package"] = str(added.package)
    if added.artifact:
        scope["artifact"] = added.artifact
    if added.environments:
        scope["environment"] = list(added.environments)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    entry = EntryInput(
        actor=f"user:{user}",
        kind=kinds.EXCEPTION_CREATED,
        subject=Subject(vulnerability=added.vulnerability or "*", artifact=added.artifact),
        payload={
            "exception": added.name,
            "reason": added.reason,
            "approved_by": list(approved_by),
            "expires": added.expires.isoformat(),
            "scope": scope,
            "compensating_controls": list(added.compensating_controls),
        },
    )
    Ledger(open_engine()).append([entry])
    typer.echo("recorded in the evidence ledger (exception.created)")


@app.command("list")
def list_(
    files: list[Path] | None = typer.Option(
        None, "--file", "-f", help="Policy file (repeatable; default runink.yaml)."
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="table or json"
    ),
) -> None:
    """List exceptions with their status: active, expired or review overdue."""
    import orjson
    from rich.markup import escape
    from rich.table import Table

    from runink.policy.editing import list_exceptions

    today = dt.date.today()
    statuses = list_exceptions(list(files or [DEFAULT_FILE]), today=today)
    if output_format is OutputFormat.json:
        payload = {"today": today.isoformat(), "exceptions": [s.as_dict() for s in statuses]}
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if not statuses:
        typer.echo("no exceptions")
        return
    table = Table()
    for column in ("Status", "Scope", "Expires", "Approved by", "Reason"):
        table.add_column(column, overflow="fold")
    style = {"active": "green", "expired": "red", "review overdue": "yellow"}
    for s in statuses:
        exc = s.exception
        scope = [exc.vulnerability or "", exc.package.text if exc.package else ""]
        if exc.artifact:
            scope.append(f"artifact {exc.artifact}")
        if exc.environments:
            scope.append(f"env {', '.join(exc.environments)}")
        when = (
            f"{exc.expires} ({s.days_left}d left)"
            if s.active
            else f"{exc.expires} ({-s.days_left}d ago)"
        )
        table.add_row(
            f"[{style[s.status]}]{s.status}[/]",
            escape(" ".join(p for p in scope if p)),
            when,
            escape(", ".join(exc.approved_by)),
            escape(exc.reason),
        )
    out.print(table)
