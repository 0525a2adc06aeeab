"""Monitor fixtures: the feed tests' real HTTP server and OSV bucket on 127.0.0.1 (reused from
tests/feeds), a real aiosmtpd server (tests/notify/servers.py), artifacts written as real
lockfiles with a runink.yaml, and helpers to sync, ingest and process events in-process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine

from runink.feeds.settings import parse_feed_settings
from runink.feeds.sync import SyncReport, run_sync
from runink.ledger import EntryFilter, Ledger
from runink.services.findings import flush_outbox
from runink.services.inventory import IngestRequest, IngestResult, ingest
from runink.services.monitor import ProcessReport, process_events
from runink.store import inventory_repo as repo
from runink.store.db import open_engine
from tests.feeds.bucket import OsvBucket, record
from tests.feeds.conftest import base_config
from tests.feeds.server import FeedServer
from tests.notify.servers import SmtpServer

T0 = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def bucket(server: FeedServer) -> OsvBucket:
    return OsvBucket(server, "PyPI")


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with SmtpServer() as srv:
        monkeypatch.setenv("RUNINK_SMTP_URL", f"smtp://127.0.0.1:{srv.port}")
        monkeypatch.setenv("RUNINK_SMTP_FROM", "runink@org.com")
        yield srv


@pytest.fixture
def engine(runink_home: Path) -> Engine:
    return open_engine()


def write_repo(
    root: Path,
    packages: dict[str, str],
    *,
    artifact: dict[str, Any] | None = None,
    exceptions: list[dict[str, Any]] | None = None,
    notify: bool = True,
) -> Path:
    """A repository with a requirements.txt and a runink.yaml whose trigger mails the owner."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [f"{name}=={version}" for name, version in packages.items()]
    (root / "requirements.txt").write_text("\n".join(lines) + "\n")
    doc: dict[str, Any] = {
        "artifact": artifact
        or {"environment": "prod", "team": "payments", "owners": ["owner@org.com"]},
    }
    if notify:
        doc["triggers"] = [
            {
                "name": "alert-owner",
                "when": 'cve.severity IS MISSING OR cve.severity >= "none"',
                "then": [{"action": "notify", "who": "owner"}],
            }
        ]
    if exceptions:
        doc["exceptions"] = exceptions
    (root / "runink.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


@dataclass
class Monitor:
    """The monitor's pieces, run in-process against the local bucket."""

    engine: Engine
    server: FeedServer
    bucket: OsvBucket

    def publish(self, *records: dict[str, Any]) -> None:
        for rec in records:
            self.bucket.put(rec)
        self.bucket.publish()

    def sync(self) -> SyncReport:
        settings = parse_feed_settings(
            {"feeds": base_config(self.server)}, source="test-config.yaml", environ={}
        )
        report = run_sync(self.engine, feeds=["osv"], ecosystems=["PyPI"], settings=settings)
        assert not report.failed, [r.error for r in report.failed]
        return report

    def ingest(self, path: Path, name: str, **kwargs: Any) -> IngestResult:
        return ingest(self.engine, path, IngestRequest(artifact=name, **kwargs))

    def process(self, *, act: bool = True) -> ProcessReport:
        """Process new events, then (``act``) run the touched artifacts' triggers."""
        report = process_events(self.engine)
        if act:
            flush_outbox(self.engine)
        return report

    def findings(self, artifact: str | None = None) -> dict[tuple[str, str], repo.FindingRecord]:
        with self.engine.connect() as conn:
            rows = repo.query_findings(conn, artifact=artifact)
        return {(f.vulnerability, f.purl): f for _, f in rows}

    def ledger(self, kind: str = "finding") -> list[tuple[str, str | None, dict[str, Any]]]:
        entries = Ledger(self.engine).entries(EntryFilter(kind=kind))
        return [(e.kind, e.subject.vulnerability, e.payload) for e in entries]


@pytest.fixture
def monitor(engine: Engine, server: FeedServer, bucket: OsvBucket) -> Monitor:
    return Monitor(engine, server, bucket)


def advisory(id_: str, minutes: int = 0, **kwargs: Any) -> dict[str, Any]:
    """An OSV record modified ``minutes`` after T0."""
    return record(id_, T0 + dt.timedelta(minutes=minutes), **kwargs)
