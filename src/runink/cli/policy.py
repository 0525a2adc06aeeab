"""``runink policy``: validate policy files (``runink.yaml``, ``--policy`` files)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from runink.cli._console import OutputFormat
from runink.errors import ExitCode, UsageError

app = typer.Typer(help="Check policy files (runink.yaml).", no_args_is_help=True)


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
