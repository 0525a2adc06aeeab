"""``runink db sync``, ``runink db status`` and ``scan``'s feed freshness, through the real
command: (args -> exit code, output)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from runink.store.db import open_engine
from runink.store.tables import feed_state
from tests.feeds.bucket import OsvBucket, record
from tests.feeds.conftest import Run
from tests.feeds.server import FeedServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEV_PATH = "/kev/known_exploited_vulnerabilities.json"
EPSS_PATH = "/epss/epss_scores-current.csv.gz"

Cli = Callable[..., Run]


def publish_all(server: FeedServer, bucket: OsvBucket) -> None:
    t0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    for i in range(3):
        bucket.put(record(f"PYSEC-2024-{i}", t0 + dt.timedelta(minutes=i)))
    bucket.publish()
    server.put(
        KEV_PATH,
        json.dumps(
            {
                "catalogVersion": "2025.01.01",
                "dateReleased": "2025-01-01T00:00:00Z",
                "vulnerabilities": [{"cveID": "CVE-2024-0001", "dateAdded": "2025-01-01"}],
            }
        ).encode(),
    )
    server.put(
        EPSS_PATH,
        gzip.compress(
            b"#model_version:v2025.03.14,score_date:2026-05-15T00:00:00+0000\n"
            b"cve,epss,percentile\nCVE-2024-0001,0.5,0.99\n"
        ),
    )


def test_sync_all_feeds_prints_a_summary_and_exits_0(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket
) -> None:
    publish_all(server, bucket)
    result = runink_cli(
        "db", "sync", "--ecosystem", "PyPI", "--feed", "osv", "--feed", "kev", "--feed", "epss"
    )
    assert result.code == 0, result.stderr
    for text in ("osv", "PyPI", "kev", "epss", "updated", "first sync from all.zip"):
        assert text in result.stdout
    as_json = runink_cli("db", "sync", "--feed", "osv", "--feed", "kev", "--format", "json")
    assert as_json.code == 0, as_json.stderr
    payload = json.loads(as_json.stdout)
    assert [(r["feed"], r["scope"], r["status"]) for r in payload["results"]] == [
        ("osv", "PyPI", "not modified"),  # the ecosystem is now followed by default
        ("kev", "", "not modified"),
    ]
    status = runink_cli("db", "status", "--format", "json")
    assert status.code == 0, status.stderr
    feeds = {(f["feed"], f["scope"]): f for f in json.loads(status.stdout)["feeds"]}
    assert set(feeds) == {("osv", "PyPI"), ("kev", ""), ("epss", "")}
    assert feeds[("osv", "PyPI")]["newest_record"] == "2024-06-01T00:02:00Z"
    assert feeds[("epss", "")]["newest_record"] == "2026-05-15T00:00:00Z"
    assert feeds[("kev", "")]["last_error"] is None
    table = runink_cli("db", "status")
    assert "Last success" in table.stdout and "Newest record" in table.stdout


def test_a_persistently_failing_feed_exits_3_naming_it_and_the_others_still_sync(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket
) -> None:
    publish_all(server, bucket)
    server.fail("/PyPI/modified_id.csv", status=500, times=20)
    result = runink_cli("db", "sync", "--ecosystem", "PyPI", "--feed", "osv", "--feed", "kev")
    assert result.code == 3
    assert (
        f"runink: error: feed osv (PyPI): GET {server.url}/PyPI/modified_id.csv: "
        "HTTP 500 Internal Server Error (gave up after 3 attempts)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert "failed" in result.stdout
    with open_engine().connect() as conn:
        rows = {
            (r.feed, r.scope): (r.last_success_at, r.last_error)
            for r in conn.execute(sa.select(feed_state))
        }
    assert rows[("kev", "")][0] is not None  # kev synced despite osv failing
    assert rows[("osv", "PyPI")][0] is None and "HTTP 500" in rows[("osv", "PyPI")][1]
    status = runink_cli("db", "status")
    assert "HTTP 500" in status.stdout


def test_an_unreachable_feed_url_from_the_environment_is_exit_3(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket
) -> None:
    result = runink_cli(
        "db",
        "sync",
        "--feed",
        "kev",
        env={"RUNINK_KEV_URL": "http://127.0.0.1:9/kev.json"},
    )
    assert result.code == 3
    assert "feed kev: GET http://127.0.0.1:9/kev.json: connection failed" in result.stderr


def test_usage_errors_are_exit_2(runink_cli: Cli, runink_home: Path) -> None:
    unknown = runink_cli("db", "sync", "--feed", "ghsa")
    assert unknown.code == 2 and "--feed: unknown feed 'ghsa'" in unknown.stderr
    eco_without_osv = runink_cli("db", "sync", "--feed", "kev", "--ecosystem", "PyPI")
    assert eco_without_osv.code == 2 and "only the osv feed" in eco_without_osv.stderr
    nothing = runink_cli("db", "sync", "--feed", "osv")
    assert nothing.code == 2 and "no ecosystem to follow" in nothing.stderr
    bad = runink_cli("db", "sync", "--feed", "epss", config={"epss": {"threshold": 3}})
    assert bad.code == 2
    assert (
        f"{runink_home / 'config.yaml'}: feeds.epss.threshold: expected a probability" in bad.stderr
    )
    typo = runink_cli("db", "sync", "--feed", "kev", config={"kev": {"ur": "x"}})
    assert typo.code == 2 and "feeds.kev.ur: unknown key; did you mean 'url'?" in typo.stderr


def test_rejected_records_are_listed_and_exit_2(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket
) -> None:
    bad = record("PYSEC-BAD", dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    bad["affected"][0]["ranges"][0]["events"] = [{"fixed": "1.0"}]
    bucket.put(bad)
    bucket.put(record("PYSEC-GOOD", dt.datetime(2024, 6, 1, tzinfo=dt.UTC)))
    bucket.publish()
    result = runink_cli("db", "sync", "--feed", "osv", "--ecosystem", "PyPI")
    assert result.code == 2
    assert (
        f"rejected: {server.url}/PyPI/all.zip:PYSEC-BAD.json: affected[0].ranges[0].events: "
        "a range must contain an 'introduced' event"
    ) in result.stderr


def _age_feed(feed: str, days: float) -> None:
    engine = open_engine()
    with engine.begin() as conn:
        conn.execute(
            sa.update(feed_state)
            .where(feed_state.c.feed == feed)
            .values(last_success_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days))
        )


def test_scan_exits_3_when_a_synced_feed_is_older_than_its_maximum_age(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket
) -> None:
    publish_all(server, bucket)
    assert runink_cli("db", "import", str(EXAMPLES / "advisories")).code == 0
    assert runink_cli("db", "sync", "--feed", "kev").code == 0
    repo = str(EXAMPLES / "repo" / "requirements.txt")
    fresh = runink_cli("scan", repo, "--fail-on", "never")
    assert fresh.code == 0, fresh.stderr
    _age_feed("kev", 10)
    stale = runink_cli("scan", repo, "--fail-on", "never")
    assert stale.code == 3
    assert "feed kev: last successful sync" in stale.stderr
    assert "older than its maximum age (7 days)" in stale.stderr
    assert "runink db sync --feed kev" in stale.stderr
    assert runink_cli("scan", repo, "--fail-on", "never", "--max-age", "none").code == 0
    assert runink_cli("scan", repo, "--fail-on", "never", "--max-age", "30d").code == 0
    relaxed = runink_cli("scan", repo, "--fail-on", "never", config={"kev": {"max_age": "none"}})
    assert relaxed.code == 0, relaxed.stderr
    strict = runink_cli(
        "scan", repo, "--fail-on", "never", "--max-age", "30d", config={"kev": {"max_age": "2d"}}
    )
    assert strict.code == 3 and "(2 days)" in strict.stderr


def test_an_osv_sync_without_changes_keeps_the_advisory_data_fresh(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket
) -> None:
    publish_all(server, bucket)
    assert runink_cli("db", "sync", "--feed", "osv", "--ecosystem", "PyPI").code == 0
    engine = open_engine()
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE import_runs SET finished_at = '2020-01-01 00:00:00.000000'")
    repo = str(EXAMPLES / "repo" / "requirements.txt")
    stale = runink_cli("scan", repo, "--fail-on", "never", "--max-age", "30d")
    assert stale.code == 0, stale.stderr  # the OSV sync is newer than the old import
    _age_feed("osv", 40)
    old = runink_cli("scan", repo, "--fail-on", "never", "--max-age", "30d")
    assert old.code == 3 and "the advisory database is stale" in old.stderr
    assert runink_cli("db", "sync", "--feed", "osv").code == 0  # 304, but a success
    assert runink_cli("scan", repo, "--fail-on", "never", "--max-age", "30d").code == 0


def test_sync_without_ecosystem_follows_the_inventory(
    runink_cli: Cli, server: FeedServer, bucket: OsvBucket, tmp_path: Path
) -> None:
    # An empty database: no advisories name PyPI yet, but an ingested artifact has a PyPI
    # package, so `db sync` with no --ecosystem follows PyPI (issue 6: "default: those present
    # in the inventory").
    publish_all(server, bucket)
    (tmp_path / "requirements.txt").write_text("requests==2.31.0\n")
    ingested = runink_cli("inventory", "ingest", str(tmp_path), "--artifact", "svc")
    assert ingested.code == 0, ingested.stderr
    result = runink_cli("db", "sync", "--feed", "osv")
    assert result.code == 0, result.stderr
    assert "PyPI" in result.stdout and "first sync from all.zip" in result.stdout
