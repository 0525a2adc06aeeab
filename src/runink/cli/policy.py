"""``runink policy``: validate policy files (``runink.yaml``, ``--policy`` files)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runink.cli._console import OutputFormat
from runink.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from runink.policy.document import Policy
    from runink.policy.source import Problem

app = typer.Typer(help="Check policy files (runink.yaml) and dry-run them.", no_args_is_help=True)


def _channel_problems(policy: Policy) -> list[Problem]:
    """Channel names checked against the server config, when there is one to check against."""
    from runink.config import load_settings
    from runink.notify.settings import load_notify_settings
    from runink.policy.actions import Notify, Ticket
    from runink.policy.document import check_channels

    uses_channels = any(isinstance(a, Notify | Ticket) for t in policy.triggers for a in t.actions)
    settings = load_settings()
    if not uses_channels or not settings.config_path.exists():
        return []
    return check_channels(policy, load_notify_settings().channel_names)


def _default_files() -> list[Path]:
    from runink.policy.document import find_repo_policy

    found = find_repo_policy(Path.cwd())
    if found is None:
        raise UsageError("no FILE given and no runink.yaml in the current directory")
    return [found]


@app.command("check")
def check(
    files: list[Path] = typer.Argument(
        None, help="Policy files, checked together as one policy (default: ./runink.yaml)."
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="table or json"
    ),
) -> None:
    """Validate policy files: syntax, fields, types, actions and exceptions.

    Every problem is printed as FILE:LINE:COLUMN: MESSAGE. Exit 0 when the files are valid,
    2 when any problem was found.
    """
    import orjson

    from runink.policy.document import check_policy_files

    paths = list(files or []) or _default_files()
    policy, problems = check_policy_files(paths)
    if policy is not None and not problems:
        problems = _channel_problems(policy)
    today = dt.date.today()
    expired = [e for e in policy.exceptions if not e.is_active(today)] if policy is not None else []
    if output_format is OutputFormat.json:
        payload = {
            "ok": not problems,
            "files": [str(p) for p in paths],
            "problems": [
                {
                    "file": p.location.path,
                    "line": p.location.line,
                    "column": p.location.column,
                    "message": p.message,
                    "suggestion": p.suggestion,
                }
                for p in problems
            ],
            "triggers": [t.name for t in policy.triggers] if policy else [],
            "exceptions": [e.name for e in policy.exceptions] if policy else [],
            "expired_exceptions": [e.name for e in expired],
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for problem in problems:
            typer.echo(f"{problem.location}: {problem.message}")
        if policy is not None:
            for exc in expired:
                typer.echo(
                    f"{exc.location}: warning: exception {exc.name!r} expired on {exc.expires}"
                )
            triggers = len(policy.triggers)
            exceptions = len(policy.exceptions)
            artifact = policy.artifact.name if policy.artifact and policy.artifact.name else None
            typer.echo(
                f"ok: {len(paths)} file{'s' * (len(paths) != 1)}, "
                f"{triggers} trigger{'s' * (triggers != 1)}, "
                f"{exceptions} exception{'s' * (exceptions != 1)}"
                + (f", artifact {artifact}" if artifact else "")
            )
        else:
            count = len(problems)
            typer.echo(f"{count} problem{'s' * (count != 1)} found", err=True)
    if problems:
        raise typer.Exit(int(ExitCode.USAGE))


@app.command("test")
def test(
    path: Path = typer.Argument(Path(), help="The repository (or file) to scan."),
    policy: list[Path] | None = typer.Option(None, "--policy", help="Policy file (repeatable)."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="Add the --fail-on trigger."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="table or json"
    ),
    max_age: str = typer.Option("none", "--max-age", help="Maximum age of the advisory data."),
) -> None:
    """Dry run: scan PATH and print which triggers would fire on which findings, and what
    they would do. Nothing is sent, blocked or recorded. Exit 0, or 2 on a policy error."""
    import orjson
    from rich.markup import escape
    from rich.table import Table

    from runink.cli._console import out
    from runink.cli.scan import _gated
    from runink.services.actions import dry_run_records

    report, decision, _ = _gated(
        path,
        max_age=max_age,
        strict=False,
        exclude=None,
        no_default_excludes=False,
        policy_files=policy,
        fail_on=fail_on,
        act=False,
        command="runink policy test",
    )
    records = dry_run_records(decision)
    suppressed = [
        (o.context, o.suppressed_by, [f.trigger.name for f in o.suppressed])
        for o in decision.evaluation.outcomes
        if o.suppressed_by is not None
    ]
    if output_format is OutputFormat.json:
        payload = {
            "artifact": decision.setup.artifact.name,
            "policy": list(report.gate.policy_sources),
            "would_fire": [
                {
                    "finding": r.finding,
                    "trigger": r.trigger,
                    "action": r.action,
                    "detail": r.target,
                }
                for r in records
            ],
            "suppressed": [
                {
                    "vulnerability": ctx.vulnerability.id,
                    "purl": ctx.package.purl,
                    "exception": exc.name,
                    "would_have_fired": names,
                }
                for ctx, exc, names in suppressed
                if exc is not None
            ],
            "unused_exceptions": [e.name for e in decision.evaluation.unused_exceptions],
            "decision": "deny" if decision.blocked else "allow",
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(title=f"Dry run over {len(report.findings)} finding(s)", title_justify="left")
    for column in ("Finding", "Trigger", "Action", "Would"):
        table.add_column(column, overflow="fold")
    for r in records:
        table.add_row(escape(r.finding), escape(r.trigger), r.action, escape(r.target))
    out.print(table)
    for ctx, exc, names in suppressed:
        if exc is not None:
            out.print(
                f"suppressed by {escape(exc.name)}: {escape(ctx.vulnerability.id)} in "
                f"{escape(ctx.package.purl)} (would have fired: {escape(', '.join(names))})"
            )
    for e in decision.evaluation.unused_exceptions:
        out.print(f"unused exception: {escape(e.name)}")
    verdict = "deny" if decision.blocked else "allow"
    out.print(
        f"The gate would {verdict}."
        + (f" Reasons: {escape('; '.join(decision.reasons))}" if decision.blocked else "")
    )
