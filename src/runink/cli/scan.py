"""``runink scan`` and ``runink components``: inventory a repository, match, gate."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from runink.cli._console import OutputFormat, err, out
from runink.errors import AdvisoryDataError, ExitCode, UsageError
from runink.render.kinds import ReportFormat

if TYPE_CHECKING:  # heavy modules stay out of CLI start-up
    from sqlalchemy.engine import Engine

    from runink.inventory.discovery import DiscoveryOptions
    from runink.services.actions import ActionsReport
    from runink.services.gate import GateDecision
    from runink.services.scan import ScanReport

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


def _discovery_options(exclude: list[str] | None, no_default_excludes: bool) -> DiscoveryOptions:
    from runink.inventory.discovery import DEFAULT_EXCLUDES, DiscoveryOptions

    patterns = () if no_default_excludes else DEFAULT_EXCLUDES
    return DiscoveryOptions(excludes=(*patterns, *(exclude or ())))


_FAIL_ON_HELP = (
    "Block (exit 1) on findings at or above this severity: critical, high, medium, low, any "
    "(also unknown severity) or never. Sugar for a built-in trigger, added to runink.yaml's; "
    "without runink.yaml and --fail-on, the default policy blocks on high."
)


def _gated(
    path: Path,
    *,
    max_age: str,
    strict: bool,
    exclude: list[str] | None,
    no_default_excludes: bool,
    policy_files: list[Path] | None,
    fail_on: str | None,
    act: bool,
    command: str,
) -> tuple[ScanReport, GateDecision, ActionsReport | None]:
    """Scan PATH, evaluate the policy, and (when ``act``) run its actions and record the
    decisions in the evidence ledger. Returns (report, decision, actions report or None)."""
    import uuid

    from runink.inventory.registry import all_parsers
    from runink.services import actions as actions_service
    from runink.services.gate import decide, load_enrichment, load_setup
    from runink.services.scan import ScanOptions, run_scan
    from runink.store.db import StoreMissing, open_engine

    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    for policy_file in policy_files or ():
        if not policy_file.is_file():
            raise UsageError(f"--policy {policy_file}: no such file")
    options = ScanOptions(
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
    setup = load_setup(
        path,
        policy_files=policy_files or (),
        fail_on=fail_on,
        sbom_metadata=report.inventory.metadata,
    )
    enrichment = load_enrichment(engine, report.findings)
    decision = decide(report, setup, enrichment)
    report.gate = decision.view()
    actions_report = None
    if act:
        from runink.ledger import Ledger

        scan_id = str(uuid.uuid4())
        artifact = setup.artifact.name or ""
        started = actions_service.scan_started_entry(
            scan_id=scan_id,
            artifact=artifact,
            kind=setup.artifact.kind,
            inputs=actions_service.input_hashes(
                report.root, [f.path for f in report.inventory.files]
            )
            + actions_service.policy_hashes(setup.policy_files),
            advisory_data=_advisory_data_version(engine, report.data_as_of),
            command=command,
        )
        actions_report = actions_service.execute(engine, decision, enrichment, scan_id=scan_id)
        code = _exit_code(report)
        finished = actions_service.scan_finished_entry(
            scan_id=scan_id,
            artifact=artifact,
            kind=setup.artifact.kind,
            findings=len(report.findings),
            blocked=report.blocked,
            exit_code=int(code),
        )
        Ledger(engine).append([started, *actions_report.entries, finished])
    return report, decision, actions_report


def _advisory_data_version(engine: Engine, data_as_of: dt.datetime | None) -> dict[str, object]:
    """What the scan matched against: the newest import/sync and the number of advisories."""
    from runink.store import advisory_repo

    with engine.connect() as conn:
        count = advisory_repo.count_advisories(conn)
    return {"last_import": data_as_of.isoformat() if data_as_of else None, "advisories": count}


def _exit_code(report: ScanReport) -> ExitCode:
    if report.strict_failure:
        return ExitCode.USAGE
    if report.blocked:
        return ExitCode.BLOCKED
    return ExitCode.OK


def _print_actions(actions_report: ActionsReport | None) -> None:
    from rich.markup import escape

    if actions_report is None:
        return
    for record in actions_report.records:
        if record.status == "already delivered":
            continue
        style = "red" if record.status == "failed" else "dim"
        detail = f": {record.error}" if record.error else ""
        err.print(
            f"[{style}]{record.action} {record.status}[/{style}] {escape(record.target)} "
            f"({escape(record.trigger)}; {escape(record.finding)}){escape(detail)}"
        )


def scan(
    path: Path = typer.Argument(Path(), help="Repository directory (or one file) to scan."),
    output_format: ReportFormat = typer.Option(
        ReportFormat.table, "--format", help="table, json, sarif or markdown"
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    fail_on: str | None = typer.Option(None, "--fail-on", help=_FAIL_ON_HELP),
    policy: list[Path] | None = typer.Option(
        None, "--policy", help="Policy file (repeatable), in addition to PATH's runink.yaml."
    ),
    no_actions: bool = typer.Option(
        False,
        "--no-actions",
        help="Decide, but send nothing and write nothing to the evidence ledger.",
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
    """Find every lockfile, SBOM and scan result under PATH, report known vulnerabilities,
    and apply the policy (runink.yaml, --policy, --fail-on).

    Exit 0 passed, 1 blocked by a block_deploy action, 2 usage/policy error or --strict file
    problems, 3 advisory data missing or older than --max-age.
    """
    from runink.render import github
    from runink.render.formats import RENDERERS
    from runink.render.scan_table import render_to

    report, _, actions_report = _gated(
        path,
        max_age=max_age,
        strict=strict,
        exclude=exclude,
        no_default_excludes=no_default_excludes,
        policy_files=policy,
        fail_on=fail_on,
        act=not no_actions,
        command=" ".join(["runink", *sys.argv[1:]]),
    )
    if output is not None:
        output.write_text(RENDERERS[output_format](report), encoding="utf-8")
        render_to(report, err)  # keep a human summary on the terminal
    elif output_format is ReportFormat.table:
        render_to(report, out)
    else:
        sys.stdout.write(RENDERERS[output_format](report))
    _print_actions(actions_report)
    if github.in_github_actions():
        github.publish(report, sys.stdout)
    code = _exit_code(report)
    if code is ExitCode.USAGE:
        err.print("--strict: some files failed or had skipped entries")
    if code is not ExitCode.OK:
        raise typer.Exit(int(code))


def gate(
    path: Path = typer.Argument(Path(), help="The artifact's directory (or one file)."),
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", help="table or json"
    ),
    fail_on: str | None = typer.Option(None, "--fail-on", help=_FAIL_ON_HELP),
    policy: list[Path] | None = typer.Option(None, "--policy", help="Policy file (repeatable)."),
    no_actions: bool = typer.Option(
        False, "--no-actions", help="Decide, but send nothing and record nothing."
    ),
    max_age: str = typer.Option("7d", "--max-age", help="Maximum age of the advisory data."),
    exclude: list[str] | None = typer.Option(None, "--exclude", help="Path glob to skip."),
) -> None:
    """May this artifact deploy? Prints allow or deny with every reason.

    Exit 0 allow, 1 deny, 2 usage or policy error, 3 advisory data missing or stale.
    """
    import orjson
    from rich.markup import escape

    report, decision, actions_report = _gated(
        path,
        max_age=max_age,
        strict=False,
        exclude=exclude,
        no_default_excludes=False,
        policy_files=policy,
        fail_on=fail_on,
        act=not no_actions,
        command=" ".join(["runink", *sys.argv[1:]]),
    )
    artifact = decision.setup.artifact
    if output_format is OutputFormat.json:
        payload = {
            "artifact": artifact.name,
            "kind": artifact.kind,
            "environment": artifact.environment,
            "decision": "deny" if report.blocked else "allow",
            "reasons": [
                {
                    "policy": action.policy,
                    "trigger": trigger.name,
                    "vulnerability": outcome.context.vulnerability.id,
                    "purl": outcome.context.package.purl,
                    "source": outcome.context.package.source,
                }
                for outcome in decision.evaluation.outcomes
                for trigger, action in outcome.blocks
            ],
            "suppressed": [
                {
                    "vulnerability": o.context.vulnerability.id,
                    "purl": o.context.package.purl,
                    "exception": o.suppressed_by.name,
                }
                for o in decision.evaluation.outcomes
                if o.suppressed_by is not None
            ],
            "findings": len(report.findings),
            "policy": list(report.gate.policy_sources),
        }
        sys.stdout.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        env = f" ({artifact.environment})" if artifact.environment else ""
        who = f"{artifact.kind} {artifact.name}{env}"
        if report.blocked:
            out.print(f"[bold red]deny[/bold red] {escape(who)}")
            by_reason: dict[str, list[str]] = {}
            for outcome in decision.evaluation.outcomes:
                ctx = outcome.context
                for trigger, action in outcome.blocks:
                    by_reason.setdefault(action.policy, []).append(
                        f"{ctx.vulnerability.id} in {ctx.package.purl} ({ctx.package.source}) "
                        f"[trigger {trigger.name}]"
                    )
            for reason, items in by_reason.items():
                out.print(f"  reason: {escape(reason)}")
                for item in dict.fromkeys(items):
                    out.print(f"    - {escape(item)}", soft_wrap=True)
        else:
            out.print(f"[green]allow[/green] {escape(who)}")
            out.print(
                f"  {len(report.findings)} finding(s), none triggered block_deploy "
                f"[dim](policy: {escape(', '.join(report.gate.policy_sources))})[/dim]"
            )
        for o in decision.evaluation.outcomes:
            if o.suppressed_by is not None:
                out.print(
                    f"  [dim]suppressed by exception {escape(o.suppressed_by.name)}: "
                    f"{escape(o.context.vulnerability.id)} in {escape(o.context.package.purl)}[/dim]"
                )
            for expired in o.expired:
                out.print(
                    f"  [yellow]exception {escape(expired.name)} expired on "
                    f"{expired.expires.isoformat()}[/yellow]: {escape(o.context.vulnerability.id)} "
                    "is no longer suppressed"
                )
    _print_actions(actions_report)
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
            table.add_column(col, overflow="fold")
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
