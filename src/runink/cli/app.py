"""The ``runink`` Typer application and its error/exit-code boundary."""

from __future__ import annotations

import sys

import typer

from runink import __version__
from runink.cli import check as check_cmd
from runink.cli import db as db_cmd
from runink.cli import exception as exception_cmd
from runink.cli import exposure as exposure_cmd
from runink.cli import findings as findings_cmd
from runink.cli import inventory as inventory_cmd
from runink.cli import ledger as ledger_cmd
from runink.cli import policy as policy_cmd
from runink.cli import scan as scan_cmd
from runink.cli import watch as watch_cmd
from runink.errors import ExitCode, RuninkError

app = typer.Typer(
    name="runink",
    help="Runink: automated CVE dependency monitoring.\n\n"
    "Exit codes: 0 passed, 1 blocked (or a ledger that does not verify), 2 usage, config, "
    "policy or input error, 3 advisory data missing, stale or unreachable, 4 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(policy_cmd.app, name="policy")
app.add_typer(exception_cmd.app, name="exception")
app.add_typer(ledger_cmd.app, name="ledger")
app.command("check")(check_cmd.check)
app.command("scan")(scan_cmd.scan)
app.command("gate")(scan_cmd.gate)
app.command("components")(scan_cmd.components)
app.add_typer(inventory_cmd.app, name="inventory")
app.add_typer(findings_cmd.app, name="findings")
app.command("watch")(watch_cmd.watch)
app.command("exposure")(exposure_cmd.exposure)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"runink {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Runink: automated CVE dependency monitoring.

    Exit codes: 0 passed, 1 blocked (vulnerabilities found), 2 usage/config/input error,
    3 advisory data missing/stale/unreachable, 4 internal error.
    """


def main() -> None:
    try:
        app()
    except RuninkError as exc:
        print(f"runink: error: {exc}", file=sys.stderr)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        print("runink: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last-resort boundary: report, exit 4
        import traceback

        traceback.print_exc()
        print(f"runink: internal error: {exc!r} (please report this bug)", file=sys.stderr)
        sys.exit(int(ExitCode.INTERNAL))
