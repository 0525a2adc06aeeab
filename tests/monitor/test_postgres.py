"""The monitor's key paths on a real PostgreSQL (skipped where none is reachable): ingest with
history, a change event opening a finding and mailing the owner, exposure by alias."""

from __future__ import annotations

from pathlib import Path

from runink.services.exposure import find_exposure
from runink.store import inventory_repo as repo
from runink.store.db import open_engine
from tests.feeds.bucket import OsvBucket
from tests.feeds.server import FeedServer
from tests.monitor.conftest import Monitor, advisory, write_repo
from tests.notify.servers import SmtpServer
from tests.store.test_postgres import postgres_url  # noqa: F401 - the fixture


def test_ingest_event_and_exposure_on_postgres(
    runink_home: Path,  # first: it clears RUNINK_DATABASE_URL, which postgres_url then sets
    postgres_url: str,  # noqa: F811
    server: FeedServer,
    bucket: OsvBucket,
    smtp: SmtpServer,
    tmp_path: Path,
) -> None:
    engine = open_engine()
    assert engine.dialect.name == "postgresql"
    monitor = Monitor(engine, server, bucket)
    monitor.publish(advisory("GHSA-pgmo-0000-0001", package="unrelated"))
    monitor.sync()
    api = write_repo(tmp_path / "api", {"demo": "1.5", "other": "1.0"})
    monitor.ingest(api, "api")
    second = monitor.ingest(api, "api")
    with engine.connect() as conn:
        assert len(repo.snapshots(conn, second.artifact.id)) == 2
    monitor.process()
    monitor.publish(advisory("GHSA-pgmo-0000-0002", minutes=3, aliases=["CVE-2026-5555"]))
    monitor.sync()
    report = monitor.process()
    assert report.changes.opened == 1 and report.components == 1
    assert len(smtp.received) == 1
    (finding,) = monitor.findings().values()
    assert finding.alerted_at is not None and finding.advisory_modified is not None
    rows = find_exposure(engine, "GHSA-pgmo-0000-0002").rows
    assert [(r.artifact, r.purl) for r in rows] == [("api", "pkg:pypi/demo@1.5")]
    monitor.publish(
        advisory(
            "GHSA-pgmo-0000-0002",
            minutes=9,
            aliases=["CVE-2026-5555"],
            events=[{"introduced": "0"}, {"fixed": "1.0"}],
        )
    )
    monitor.sync()
    assert monitor.process().changes.closed == 1
    engine.dispose()
