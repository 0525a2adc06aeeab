"""OSV sync against a bucket served on 127.0.0.1: first sync, incremental sync, 304s, modified
advisories (widened, narrowed), withdrawals, interruptions and the CSV's ordering quirks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.feeds.base import Status
from runink.feeds.events import ChangeEvent, latest_seq, read_events
from runink.feeds.state import load_state
from runink.store import advisory_repo
from runink.store.tables import advisories, import_runs
from tests.feeds.bucket import OsvBucket, record, stamp
from tests.feeds.conftest import Sync
from tests.feeds.server import FeedServer

T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def seed(bucket: OsvBucket, count: int = 5) -> None:
    for i in range(count):
        bucket.put(record(f"PYSEC-2024-{i}", minutes(i), aliases=[f"CVE-2024-100{i}"]))
    bucket.publish()


def stored(engine: Engine) -> dict[str, tuple[str, str | None]]:
    with engine.connect() as conn:
        return {
            r.id: (r.summary, r.withdrawn)
            for r in conn.execute(
                sa.select(advisories.c.id, advisories.c.summary, advisories.c.withdrawn)
            )
        }


def events(engine: Engine, after: int = 0) -> list[ChangeEvent]:
    with engine.connect() as conn:
        return read_events(conn, after, limit=10_000)


def test_first_sync_downloads_all_zip_and_sets_the_cursor(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket)
    report = sync()
    [result] = report.results
    assert (result.status, result.new, result.events) == (Status.UPDATED, 5, 5)
    assert server.paths() == ["/PyPI/modified_id.csv", "/PyPI/all.zip"]
    assert set(stored(engine)) == {f"PYSEC-2024-{i}" for i in range(5)}
    assert [e.kind for e in events(engine)] == ["advisory.added"] * 5
    first = events(engine)[0]
    assert first.source == "osv:PyPI"
    assert first.details["packages"] == [{"ecosystem": "PyPI", "name": "demo"}]
    assert first.details["aliases"] == ["CVE-2024-1000"]
    with engine.connect() as conn:
        state = load_state(conn, "osv", "PyPI")
        runs = conn.execute(sa.select(import_runs.c.origin, import_runs.c.new)).all()
    assert state.cursor["time"] == minutes(4).isoformat()
    assert state.newest_record_at == minutes(4)
    assert state.last_success_at is not None and state.last_error is None
    assert runs == [(f"osv:PyPI {server.url}/PyPI/all.zip", 5)]


def test_incremental_sync_fetches_only_the_changed_records(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket)
    sync()
    server.reset_log()
    bucket.put(
        record("PYSEC-2024-1", minutes(60), summary="updated text", aliases=["CVE-2024-1001"])
    )
    bucket.put(record("PYSEC-2024-7", minutes(61)))
    bucket.publish()
    [result] = sync().results
    assert (result.new, result.updated, result.unchanged) == (1, 1, 0)
    assert sorted(server.paths()) == [
        "/PyPI/PYSEC-2024-1.json",
        "/PyPI/PYSEC-2024-7.json",
        "/PyPI/modified_id.csv",
    ]
    assert stored(engine)["PYSEC-2024-1"][0] == "updated text"
    kinds = {(e.kind, e.subject) for e in events(engine, after=5)}
    assert kinds == {("advisory.modified", "PYSEC-2024-1"), ("advisory.added", "PYSEC-2024-7")}
    modified = next(e for e in events(engine, after=5) if e.kind == "advisory.modified")
    assert modified.details["changed"] == {
        "summary": {"before": "a demo vulnerability", "after": "updated text"}
    }
    assert modified.details["fields"] == ["summary"]


def test_an_unchanged_index_answers_304_and_nothing_else_is_fetched(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket)
    sync()
    with engine.connect() as conn:
        before = load_state(conn, "osv", "PyPI")
    server.reset_log()
    [result] = sync().results
    assert result.status is Status.NOT_MODIFIED
    [request] = server.requests()
    assert request.path == "/PyPI/modified_id.csv"
    assert request.headers["if-none-match"].startswith('"')
    assert "if-modified-since" in request.headers
    with engine.connect() as conn:
        after = load_state(conn, "osv", "PyPI")
    assert after.last_success_at is not None and before.last_success_at is not None
    assert after.last_success_at > before.last_success_at
    assert after.cursor == before.cursor
    assert latest_seq_of(engine) == 5


def latest_seq_of(engine: Engine) -> int:
    with engine.connect() as conn:
        return latest_seq(conn)


def _affected_change(engine: Engine, after: int) -> dict[str, Any]:
    [event] = events(engine, after)
    assert event.kind == "advisory.modified"
    [change] = event.details["changed"]["affected"]
    return dict(change)


def test_a_range_that_widens_says_so(sync: Sync, bucket: OsvBucket, engine: Engine) -> None:
    seed(bucket, 1)
    sync()
    bucket.put(record("PYSEC-2024-0", minutes(30), events=[{"introduced": "0"}, {"fixed": "2.5"}]))
    bucket.publish()
    sync()
    change = _affected_change(engine, 1)
    assert change == {
        "ecosystem": "PyPI",
        "name": "demo",
        "change": "widened",
        "ranges_before": ["ECOSYSTEM: introduced 0, fixed 2.0"],
        "ranges_after": ["ECOSYSTEM: introduced 0, fixed 2.5"],
        "versions_added": [],
        "versions_removed": [],
    }


def test_a_range_that_narrows_says_so(sync: Sync, bucket: OsvBucket, engine: Engine) -> None:
    seed(bucket, 1)
    sync()
    bucket.put(
        record(
            "PYSEC-2024-0",
            minutes(30),
            events=[{"introduced": "1.0"}, {"fixed": "1.8"}],
            aliases=["CVE-2024-1000", "GHSA-aaaa-bbbb-cccc"],
            severity="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        )
    )
    bucket.publish()
    sync()
    [event] = events(engine, 1)
    change = event.details["changed"]
    assert change["affected"][0]["change"] == "narrowed"
    assert change["aliases"] == {"added": ["GHSA-aaaa-bbbb-cccc"], "removed": []}
    assert change["severity"]["before"]["score"] is None
    assert change["severity"]["after"] == {
        "score": 9.8,
        "severity": "critical",
        "version": "3.1",
        "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    }
    assert event.details["fields"] == ["affected", "aliases", "severity"]


def test_a_range_that_moves_is_changed_and_a_respelled_one_is_equivalent(
    sync: Sync, bucket: OsvBucket, engine: Engine
) -> None:
    seed(bucket, 1)
    sync()
    bucket.put(
        record("PYSEC-2024-0", minutes(30), events=[{"introduced": "1.5"}, {"fixed": "3.0"}])
    )
    bucket.publish()
    sync()
    assert _affected_change(engine, 1)["change"] == "changed"
    # [0, 3.0) again, but as two adjacent ranges and a versions list inside them.
    rec = record("PYSEC-2024-0", minutes(40), events=[{"introduced": "0"}, {"fixed": "3.0"}])
    rec["affected"][0]["ranges"] = [
        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]},
        {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "3.0"}]},
    ]
    rec["affected"][0]["versions"] = ["2.9"]
    bucket.put(rec)
    bucket.publish()
    sync()
    seq = latest_seq_of(engine)
    first = _affected_change(engine, seq - 1)
    assert first["change"] == "widened"  # [1.5, 3.0) -> [0, 3.0)
    bucket.put(record("PYSEC-2024-0", minutes(50), events=[{"introduced": "0"}, {"fixed": "3.0"}]))
    bucket.publish()
    sync()
    change = _affected_change(engine, seq)
    assert change["change"] == "equivalent"
    assert change["versions_removed"] == ["2.9"]


def test_a_package_added_to_an_advisory_is_named_in_packages(
    sync: Sync, bucket: OsvBucket, engine: Engine
) -> None:
    seed(bucket, 1)
    sync()
    rec = record("PYSEC-2024-0", minutes(30))
    rec["affected"].append(
        {
            "package": {"ecosystem": "PyPI", "name": "Other_Package"},
            "versions": ["1.0"],
        }
    )
    bucket.put(rec)
    bucket.publish()
    sync()
    [event] = events(engine, 1)
    assert event.details["packages"] == [
        {"ecosystem": "PyPI", "name": "demo"},
        {"ecosystem": "PyPI", "name": "other-package"},
    ]
    [change] = event.details["changed"]["affected"]
    assert (change["name"], change["change"], change["versions_added"]) == (
        "other-package",
        "added",
        ["1.0"],
    )


def test_a_withdrawn_advisory_is_an_event_and_stops_matching(
    sync: Sync, bucket: OsvBucket, engine: Engine
) -> None:
    seed(bucket, 2)
    sync()
    bucket.put(record("PYSEC-2024-1", minutes(30), withdrawn=minutes(29)))
    bucket.publish()
    [result] = sync().results
    assert (result.updated, result.withdrawn) == (1, 1)
    [event] = events(engine, 2)
    assert (event.kind, event.subject) == ("advisory.withdrawn", "PYSEC-2024-1")
    assert event.details["withdrawn"] == "2024-06-01T12:29:00Z"
    assert event.details["changed"]["withdrawn"] == {
        "before": None,
        "after": "2024-06-01T12:29:00Z",
    }
    assert stored(engine)["PYSEC-2024-1"][1] is not None  # kept, marked
    with engine.connect() as conn:
        _, infos = advisory_repo.load_index_rows(conn)
    assert [i.id for i in infos] == ["PYSEC-2024-0"]


def test_a_dropped_connection_leaves_the_previous_state_and_the_next_sync_completes(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket)
    sync()
    with engine.connect() as conn:
        state_before = load_state(conn, "osv", "PyPI")
    for i in range(5):
        bucket.put(record(f"PYSEC-2024-{i}", minutes(100 + i), summary="second version"))
    bucket.publish()
    # One record's body is cut mid-way on every attempt: the whole batch must not apply.
    server.fail("/PyPI/PYSEC-2024-3.json", "drop", times=10)
    [failed] = sync().results
    assert failed.status is Status.FAILED
    assert failed.error is not None
    assert "feed osv (PyPI)" in failed.error and "/PyPI/PYSEC-2024-3.json" in failed.error
    assert "gave up after 3 attempts" in failed.error
    assert {s for s, _ in stored(engine).values()} == {"a demo vulnerability"}
    assert latest_seq_of(engine) == 5
    with engine.connect() as conn:
        state_failed = load_state(conn, "osv", "PyPI")
    assert state_failed.cursor == state_before.cursor
    assert state_failed.validators == state_before.validators
    assert state_failed.last_success_at == state_before.last_success_at
    assert state_failed.last_error == failed.error
    server.clear_faults()
    server.reset_log()
    [result] = sync().results
    assert (result.status, result.updated) == (Status.UPDATED, 5)
    assert {s for s, _ in stored(engine).values()} == {"second version"}
    assert len(server.requests("/PyPI/PYSEC-2024-3.json")) == 1
    with engine.connect() as conn:
        assert load_state(conn, "osv", "PyPI").last_error is None


def test_a_download_cut_during_the_first_sync_stores_nothing(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket)
    server.fail("/PyPI/all.zip", "drop", times=3)
    [result] = sync().results
    assert result.status is Status.FAILED
    assert "connection failed" in (result.error or "")
    assert stored(engine) == {}
    with engine.connect() as conn:
        state = load_state(conn, "osv", "PyPI")
    assert state.cursor == {} and state.last_success_at is None
    [again] = sync().results
    assert again.new == 5


def test_the_second_before_the_cursor_is_reread_but_not_refetched(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    # String order is not time order within a second: "...00Z" sorts above "...00.5Z".
    whole = dt.datetime(2024, 6, 1, 13, 0, 0, tzinfo=dt.UTC)
    bucket.put(record("PYSEC-A", whole))
    bucket.put(record("PYSEC-B", whole + dt.timedelta(milliseconds=500)))
    bucket.put(record("PYSEC-OLD", whole - dt.timedelta(minutes=5)))
    bucket.publish()
    csv_text = server.files["/PyPI/modified_id.csv"].decode()
    assert csv_text.splitlines()[:2] == [
        f"{stamp(whole)},PYSEC-A",
        "2024-06-01T13:00:00.5Z,PYSEC-B",
    ]
    sync()
    with engine.connect() as conn:
        cursor = load_state(conn, "osv", "PyPI").cursor
    assert cursor["time"] == "2024-06-01T13:00:00.500000+00:00"
    assert set(cursor["seen"]) == {"PYSEC-A", "PYSEC-B"}
    # A record modified 0.2 s before the cursor, published after the last sync: its row sorts
    # between the two above and is still fetched; the two already applied are not.
    bucket.put(record("PYSEC-C", whole + dt.timedelta(milliseconds=300)))
    bucket.publish()
    server.reset_log()
    [result] = sync().results
    assert result.new == 1
    assert sorted(server.paths()) == ["/PyPI/PYSEC-C.json", "/PyPI/modified_id.csv"]


def test_a_record_missing_from_the_bucket_is_retried_then_reported(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket, 1)
    sync()
    bucket.put(record("PYSEC-2024-9", minutes(30)))
    bucket.publish()
    del server.files["/PyPI/PYSEC-2024-9.json"]  # listed in the index, not yet uploaded
    [first] = sync().results
    assert first.status is Status.UNCHANGED and first.rejected == []
    with engine.connect() as conn:
        assert load_state(conn, "osv", "PyPI").cursor["retry"]["PYSEC-2024-9"]["attempts"] == 1
    sync()  # the index is unchanged (304) but the pending record is asked for again
    [third] = sync().results
    assert len(server.requests("/PyPI/PYSEC-2024-9.json")) == 3
    assert third.rejected and "not found (HTTP 404) in 3 syncs" in third.rejected[0]
    bucket.publish()  # it finally appears, with a newer modified
    bucket.put(record("PYSEC-2024-9", minutes(31)))
    bucket.publish()
    [late] = sync().results
    assert late.new == 1


def test_a_stale_cached_record_is_fetched_again_next_time(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket, 1)
    sync()
    bucket.put(record("PYSEC-2024-0", minutes(30), summary="new"))
    bucket.publish()
    stale = record("PYSEC-2024-0", minutes(0))  # a cache still serves the old copy
    server.put("/PyPI/PYSEC-2024-0.json", json.dumps(stale).encode())
    sync()
    assert stored(engine)["PYSEC-2024-0"][0] == "a demo vulnerability"
    bucket.publish()
    sync()
    assert stored(engine)["PYSEC-2024-0"][0] == "new"


def test_many_changes_download_all_zip_instead(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket, 3)
    sync()
    for i in range(10):
        bucket.put(record(f"PYSEC-2025-{i}", minutes(100 + i)))
    bucket.publish()
    server.reset_log()
    [result] = sync(config={"osv": {"zip_threshold": 5}}).results
    assert result.new == 10 and "all.zip instead" in result.detail
    assert server.paths() == ["/PyPI/modified_id.csv", "/PyPI/all.zip"]
    server.reset_log()
    bucket.put(record("PYSEC-2025-0", minutes(200)))
    bucket.publish()
    sync(config={"osv": {"zip_threshold": 5}})
    assert sorted(server.paths()) == ["/PyPI/PYSEC-2025-0.json", "/PyPI/modified_id.csv"]


def test_ecosystem_directories_and_ids_are_percent_encoded(
    sync: Sync, server: FeedServer, engine: Engine
) -> None:
    rocky = OsvBucket(server, "Rocky Linux")
    rocky.put(
        record(
            "RLSA-2023:4158",
            minutes(0),
            ecosystem="Rocky Linux:9",
            package="openssl",
            events=[{"introduced": "0"}, {"fixed": "1:3.0.7-16.el9_2"}],
        )
    )
    rocky.publish()
    [result] = sync(ecosystems=["Rocky Linux:9"]).results
    assert (result.scope, result.new) == ("Rocky Linux", 1)
    assert server.requests()[0].raw_path == "/Rocky%20Linux/modified_id.csv"
    rocky.put(
        record(
            "RLSA-2023:4158",
            minutes(5),
            ecosystem="Rocky Linux:9",
            package="openssl",
            events=[{"introduced": "0"}, {"fixed": "1:3.0.7-17.el9_2"}],
        )
    )
    rocky.publish()
    server.reset_log()
    sync(ecosystems=["Rocky Linux"])
    assert [r.raw_path for r in server.requests()][-1] == "/Rocky%20Linux/RLSA-2023%3A4158.json"
    assert _affected_change(engine, 1)["change"] == "widened"


def test_an_unknown_ecosystem_names_the_url_and_hints_at_case(
    sync: Sync, bucket: OsvBucket
) -> None:
    seed(bucket, 1)
    [result] = sync(ecosystems=["pypi"]).results
    assert result.status is Status.FAILED
    assert "/pypi/modified_id.csv: HTTP 404" in (result.error or "")
    assert "case-sensitive" in (result.error or "")


def test_default_ecosystems_are_those_in_the_database_or_a_hook(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket, 2)
    sync()
    npm = OsvBucket(server, "npm")
    npm.put(record("GHSA-npm1-0000-0000", minutes(1), ecosystem="npm", package="left-pad"))
    npm.publish()
    server.reset_log()
    [only] = sync(ecosystems=()).results  # follows PyPI, found in the database
    assert only.scope == "PyPI"
    report = sync(ecosystems=(), default_ecosystems=lambda conn: ["PyPI", "npm"])
    assert [r.scope for r in report.results] == ["PyPI", "npm"]
    assert report.results[1].new == 1


def test_a_record_that_times_out_once_is_retried_within_the_sync(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket, 1)
    sync()
    bucket.put(record("PYSEC-2024-0", minutes(30), summary="after the timeout"))
    bucket.publish()
    server.fail("/PyPI/PYSEC-2024-0.json", "delay", delay=1.5)
    [result] = sync(config={"timeout": 0.5}).results
    assert (result.status, result.updated) == (Status.UPDATED, 1)
    assert len(server.requests("/PyPI/PYSEC-2024-0.json")) == 2
    assert stored(engine)["PYSEC-2024-0"][0] == "after the timeout"
    server.fail("/PyPI/modified_id.csv", "delay", delay=1.5, times=3)
    [failed] = sync(config={"timeout": 0.5}).results
    assert failed.status is Status.FAILED
    assert f"GET {server.url}/PyPI/modified_id.csv: timed out" in (failed.error or "")


def test_a_record_file_holding_another_id_updates_that_id(
    sync: Sync, bucket: OsvBucket, server: FeedServer, engine: Engine
) -> None:
    seed(bucket, 2)
    sync()
    bucket.put(record("PYSEC-2024-9", minutes(30)))
    bucket.publish()
    # A mirror serves, under PYSEC-2024-9.json, a newer version of PYSEC-2024-0.
    newer = record("PYSEC-2024-0", minutes(30), summary="served under another name")
    server.put("/PyPI/PYSEC-2024-9.json", json.dumps(newer).encode())
    [result] = sync().results
    assert (result.new, result.updated) == (0, 1)
    assert stored(engine)["PYSEC-2024-0"][0] == "served under another name"
