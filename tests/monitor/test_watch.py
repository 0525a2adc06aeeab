"""``runink watch`` end to end (real CLI, real HTTP bucket, real SMTP), crash recovery, and a
graceful stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from runink.feeds.events import consumer_offset
from runink.services.monitor import CONSUMER, process_events, run_cycle
from runink.store import inventory_repo as repo
from runink.store.tables import findings as findings_table
from tests.feeds.conftest import base_config
from tests.feeds.server import FeedServer
from tests.monitor.conftest import Monitor, advisory, write_repo
from tests.notify.servers import SmtpServer


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(runink_home: Path, server: FeedServer) -> Callable[..., Run]:
    """The real ``runink`` command; the config points the OSV feed at the local bucket."""
    config = {"feeds": {**base_config(server), "enabled": ["osv"]}}
    (runink_home / "config.yaml").write_text(yaml.safe_dump(config))

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        full_env = {**os.environ, "RUNINK_HOME": str(runink_home), "COLUMNS": "250"}
        for name in ("RUNINK_CONFIG", "RUNINK_DATABASE_URL", "RUNINK_OSV_URL", "GITHUB_ACTIONS"):
            full_env.pop(name, None)
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "runink", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            check=False,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


def smtp_env(port: int) -> dict[str, str]:
    return {"RUNINK_SMTP_URL": f"smtp://127.0.0.1:{port}", "RUNINK_SMTP_FROM": "runink@org.com"}


def test_one_watch_cycle_raises_exactly_the_new_findings_and_one_email(
    cli: Callable[..., Run], monitor: Monitor, tmp_path: Path
) -> None:
    monitor.publish(advisory("GHSA-aaaa-0000-0001", package="unrelated"))
    assert cli("db", "sync", "--feed", "osv", "--ecosystem", "PyPI", "-q").code == 0
    api = write_repo(tmp_path / "api", {"demo": "1.5", "other": "1.0"})
    web = write_repo(
        tmp_path / "web",
        {"demo": "2.5"},
        artifact={"environment": "staging", "owners": ["web@org.com"]},
    )
    with SmtpServer() as smtp:
        env = smtp_env(smtp.port)
        ingested = cli(
            "inventory", "ingest", str(api), "--artifact", "api", "--kind", "service", env=env
        )
        assert ingested.code == 0, ingested.stderr
        assert cli("inventory", "ingest", str(web), "--artifact", "web", env=env).code == 0
        first = cli("watch", "--once", env=env)  # the initial sync's events: nothing new
        assert first.code == 0, first.stderr
        assert smtp.received == []

        monitor.publish(
            advisory(
                "GHSA-aaaa-0000-0002",
                minutes=30,
                aliases=["CVE-2026-1111"],
                events=[{"introduced": "0"}, {"fixed": "2.0"}],
                summary="demo lets anyone in",
            )
        )
        cycle = cli("watch", "--once", env=env)
        assert cycle.code == 0, cycle.stderr
        assert "1 opened" in cycle.stderr
        (mail,) = smtp.received
        assert mail.rcpt_tos == ["owner@org.com"]
        assert "CVE-2026-1111" in mail.text() and "api" in mail.text()

        again = cli("watch", "--once", env=env)
        assert again.code == 0 and len(smtp.received) == 1  # idempotent

    listed = cli("findings", "--format", "json")
    rows = json.loads(listed.stdout)["findings"]
    assert [(r["artifact"], r["vulnerability"], r["purl"], r["status"]) for r in rows] == [
        ("api", "CVE-2026-1111", "pkg:pypi/demo@1.5", "open")
    ]
    assert rows[0]["opened_by"] == "event" and rows[0]["alerted_at"] != "-"
    status = json.loads(cli("db", "status", "--format", "json").stdout)
    assert status["alert_latency"]["findings"] == 1
    assert status["alert_latency"]["p95_seconds"] > 0
    shown = json.loads(cli("inventory", "show", "api", "--format", "json").stdout)
    assert shown["kind"] == "service" and shown["environment"] == "prod"
    assert len(shown["snapshots"]) == 1 and len(shown["components"]) == 2
    listing = json.loads(cli("inventory", "list", "--format", "json").stdout)
    assert [(a["artifact"], a["open_findings"]) for a in listing] == [("api", 1), ("web", 0)]


def test_crash_before_commit_then_restart_neither_loses_nor_duplicates_the_alert(
    monitor: Monitor, smtp: SmtpServer, tmp_path: Path
) -> None:
    monitor.publish(advisory("GHSA-aaaa-0000-0003", package="unrelated"))
    monitor.sync()
    monitor.ingest(write_repo(tmp_path / "api", {"demo": "1.5"}), "api")
    monitor.process()
    monitor.publish(advisory("GHSA-aaaa-0000-0004", minutes=5))
    monitor.sync()
    with monitor.engine.connect() as conn:
        offset = consumer_offset(conn, CONSUMER)

    def crash(_batch: list[Any]) -> None:
        raise RuntimeError("killed between re-evaluation and commit")

    with pytest.raises(RuntimeError):
        process_events(monitor.engine, before_commit=crash)
    with monitor.engine.connect() as conn:
        assert consumer_offset(conn, CONSUMER) == offset  # nothing moved
        assert repo.count_outbox(conn) == 0
    assert monitor.findings() == {} and smtp.received == []

    run_cycle(monitor.engine, sync=False)  # the restart
    assert len(smtp.received) == 1
    assert [f.vulnerability for f in monitor.findings().values()] == ["GHSA-aaaa-0000-0004"]
    run_cycle(monitor.engine, sync=False)
    assert len(smtp.received) == 1


def test_crash_after_commit_before_acting_is_finished_by_the_next_cycle(
    monitor: Monitor, smtp: SmtpServer, tmp_path: Path
) -> None:
    monitor.publish(advisory("GHSA-aaaa-0000-0005", package="unrelated"))
    monitor.sync()
    monitor.ingest(write_repo(tmp_path / "api", {"demo": "1.5"}), "api")
    monitor.process()
    monitor.publish(advisory("GHSA-aaaa-0000-0006", minutes=5))
    monitor.sync()
    monitor.process(act=False)  # committed findings + outbox, then "killed" before acting
    with monitor.engine.connect() as conn:
        assert repo.count_outbox(conn) == 1
        alerted = conn.execute(sa.select(findings_table.c.alerted_at)).scalars().all()
    assert alerted == [None] and smtp.received == []
    report = run_cycle(monitor.engine, sync=False)
    assert report.recovered is not None and report.recovered.artifacts == 1
    assert report.events.events == 0  # the events were not processed twice
    assert len(smtp.received) == 1
    run_cycle(monitor.engine, sync=False)
    assert len(smtp.received) == 1
    opened = [e for e in monitor.ledger("finding.opened") if e[1] == "GHSA-aaaa-0000-0006"]
    assert len(opened) == 1


def test_sigterm_stops_watch_gracefully_with_exit_0(
    cli: Callable[..., Run], runink_home: Path
) -> None:
    env = {**os.environ, "RUNINK_HOME": str(runink_home)}
    env.pop("RUNINK_DATABASE_URL", None)
    env.pop("RUNINK_CONFIG", None)
    with subprocess.Popen(
        [sys.executable, "-m", "runink", "watch", "--no-sync", "--interval", "1h"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        try:
            assert proc.stderr is not None
            line = proc.stderr.readline()
            assert line.startswith("watch:"), line  # one cycle done, now waiting
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
            assert "SIGTERM received" in proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
