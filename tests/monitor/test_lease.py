"""The watch lease: one watcher runs cycles on a database at a time, on SQLite and PostgreSQL,
and a watcher that lost its lease starts no further step."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.services.lease import Lease, watch_ttl
from runink.services.monitor import run_cycle
from runink.store.db import open_engine
from runink.store.tables import watch_leases
from tests.store.test_postgres import postgres_url  # noqa: F401 - the fixture

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def _two_watchers(engine: Engine) -> tuple[Lease, Lease, Clock]:
    clock = Clock()
    ttl = dt.timedelta(minutes=10)
    return (
        Lease(engine, ttl, holder="a", clock=clock),
        Lease(engine, ttl, holder="b", clock=clock),
        clock,
    )


def _lease_rules(engine: Engine) -> None:
    a, b, clock = _two_watchers(engine)
    first = a.acquire()
    assert first.held and first.expires_at == T0 + dt.timedelta(minutes=10)
    other = b.acquire()
    assert (other.held, other.holder) == (False, "a")
    assert other.expires_at == T0 + dt.timedelta(minutes=10)
    clock.now = T0 + dt.timedelta(minutes=9)
    assert a.acquire().held  # renewed: now until 9:19
    clock.now = T0 + dt.timedelta(minutes=15)
    assert not b.acquire().held  # a's renewal still runs
    clock.now = T0 + dt.timedelta(minutes=20)  # a stalled past its lease
    assert b.acquire().held
    assert not a.acquire().held  # a lost it: it must not go on
    a.release()  # not a's any more: nothing happens
    assert not a.acquire().held
    b.release()
    assert a.acquire().held
    with engine.connect() as conn:
        rows = conn.execute(sa.select(watch_leases.c.holder, watch_leases.c.acquired_at)).all()
    assert [r.holder for r in rows] == ["a"]


def test_lease_on_sqlite(runink_home: Path) -> None:
    _lease_rules(open_engine())


def test_lease_on_postgres(
    runink_home: Path,  # first: it clears RUNINK_DATABASE_URL, which postgres_url then sets
    postgres_url: str,  # noqa: F811
) -> None:
    engine = open_engine()
    try:
        _lease_rules(engine)
    finally:
        engine.dispose()  # before the fixture drops the database


def test_renewal_keeps_the_time_the_lease_was_taken(runink_home: Path) -> None:
    engine = open_engine()
    a, _, clock = _two_watchers(engine)
    a.acquire()
    clock.now = T0 + dt.timedelta(minutes=5)
    a.acquire()
    with engine.connect() as conn:
        acquired = conn.execute(sa.select(watch_leases.c.acquired_at)).scalar_one()
    assert acquired.replace(tzinfo=dt.UTC) == T0


def test_ttl_is_twice_the_interval_and_at_least_ten_minutes() -> None:
    assert watch_ttl(dt.timedelta(minutes=15)) == dt.timedelta(minutes=30)
    assert watch_ttl(dt.timedelta(seconds=30)) == dt.timedelta(minutes=10)


def test_a_cycle_that_lost_its_lease_runs_no_step(runink_home: Path) -> None:
    engine = open_engine()
    a, b, clock = _two_watchers(engine)
    assert a.acquire().held
    clock.now = T0 + dt.timedelta(minutes=11)
    assert b.acquire().held  # a stalled; b took over
    synced: list[str] = []
    report = run_cycle(engine, lease=a, sync_fn=lambda *_a, **_k: synced.append("sync"))
    assert report.lease_lost
    assert synced == []
    assert report.recovered is None and report.sync is None
    # b, holding it, runs every step.
    report = run_cycle(engine, lease=b, sync=False)
    assert not report.lease_lost and report.recovered is not None


def test_watch_once_skips_while_another_watcher_holds_the_lease(runink_home: Path) -> None:
    engine = open_engine()
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(watch_leases).values(
                name="watch", holder="other-host:42:abcd", acquired_at=T0, expires_at=future
            )
        )
    env = {**os.environ, "RUNINK_HOME": str(runink_home)}
    env.pop("RUNINK_DATABASE_URL", None)
    env.pop("RUNINK_CONFIG", None)

    def watch_once() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "runink", "watch", "--once", "--no-sync"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    skipped = watch_once()
    assert skipped.returncode == 0, skipped.stderr
    assert "another watcher holds the lease (other-host:42:abcd" in skipped.stderr
    assert "event(s) processed" not in skipped.stderr
    with engine.begin() as conn:
        conn.execute(sa.delete(watch_leases))
    ran = watch_once()
    assert ran.returncode == 0, ran.stderr
    assert "event(s) processed" in ran.stderr
    with engine.connect() as conn:  # released at exit
        assert conn.execute(sa.select(sa.func.count()).select_from(watch_leases)).scalar() == 0
