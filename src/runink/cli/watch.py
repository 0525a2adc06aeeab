"""``runink watch``: sync the feeds, re-evaluate what changed, act; again every interval."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer

from runink.cli._console import err
from runink.errors import ExitCode


def watch(
    interval: str = typer.Option("15m", "--interval", help="Time between cycles: 90s, 15m, 1h."),
    once: bool = typer.Option(False, "--once", help="Run one cycle and exit."),
    no_sync: bool = typer.Option(
        False, "--no-sync", help="Do not fetch feeds; only process events already stored."
    ),
) -> None:
    """Monitor the stored inventory: each cycle finishes work a crash left behind, syncs the
    feeds (`runink db sync`), re-evaluates only the components the new change events name,
    runs the affected artifacts' triggers and records everything in the evidence ledger.

    One watcher runs cycles on a database at a time: each holds a lease (renewed before every
    step, twice the interval long, at least 10 minutes) and another waits for it, or with
    --once skips its run (exit 0).

    SIGTERM or SIGINT stops after the current step (exit 0). With --once: exit 3 when a feed
    could not be synced (events already stored are still processed).
    """
    from runink.cli.scan import parse_age
    from runink.services.lease import Lease, watch_ttl
    from runink.services.monitor import format_latency, latency_summary, run_cycle
    from runink.store.db import open_engine

    period = parse_age(interval)
    if period is None or period.total_seconds() <= 0:
        from runink.errors import UsageError

        raise UsageError(f"--interval {interval!r}: give a positive duration such as 15m")
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        err.print(f"watch: {signal.Signals(signum).name} received, stopping after this step")
        stop.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    engine = open_engine()
    lease = Lease(engine, watch_ttl(period))
    failed = False
    try:
        while not stop.is_set():
            state = lease.acquire()
            if not state.held:
                err.print(
                    f"watch: another watcher holds the lease ({state.holder}, until "
                    f"{state.expires_at:%Y-%m-%d %H:%M:%S}Z); "
                    + ("skipping this run" if once else "waiting"),
                    markup=False,
                )
                if once:
                    break
                stop.wait(period.total_seconds())
                continue
            report = run_cycle(engine, sync=not no_sync, stop=stop, lease=lease)
            if report.lease_lost:
                err.print(
                    "watch: another watcher took the lease during this cycle (this one stalled "
                    "past its time to live); its remaining steps were left to that watcher",
                    markup=False,
                )
            c = report.events.changes
            sync_note = ""
            if report.sync is not None:
                failed = bool(report.sync.failed)
                sync_note = f"sync {report.sync.events} event(s)"
                if failed:
                    sync_note += f", {len(report.sync.failed)} feed(s) failed"
                    for result in report.sync.failed:
                        err.print(f"sync failed: {result.error or result.label}", markup=False)
                sync_note += "; "
            sent = sum(1 for r in report.flush.records if r.status == "delivered")
            failures = sum(1 for r in report.flush.records if r.status == "failed")
            err.print(
                f"watch: {sync_note}{report.events.events} event(s) processed, "
                f"{report.events.components} component(s) re-matched; findings "
                f"{c.opened} opened, {c.reopened} reopened, {c.closed} closed, "
                f"{c.excepted} excepted; {sent} action(s) delivered, {failures} failed "
                f"({report.seconds:.2f}s)",
                markup=False,
            )
            for record in report.flush.records:
                if record.status == "failed":
                    err.print(
                        f"{record.action} failed: {record.target}: {record.error}", markup=False
                    )
            if once:
                break
            stop.wait(period.total_seconds())
        err.print(format_latency(latency_summary(engine)), markup=False)
    finally:
        lease.release()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if once and failed:
        raise typer.Exit(int(ExitCode.NO_DATA))
