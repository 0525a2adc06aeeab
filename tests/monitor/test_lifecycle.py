"""Persistent inventory and the finding lifecycle, in-process against a local OSV bucket."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from runink.services.findings import flush_outbox
from runink.services.monitor import recheck_exceptions
from runink.store import inventory_repo as repo
from tests.monitor.conftest import Monitor, advisory, write_repo

DEMO_15 = "pkg:pypi/demo@1.5"


def test_ingest_stores_components_and_metadata_from_runink_yaml_with_flags_winning(
    monitor: Monitor, tmp_path: Path
) -> None:
    monitor.publish(advisory("GHSA-0000-0000-0001", package="unrelated"))
    monitor.sync()
    repo_dir = write_repo(tmp_path / "api", {"demo": "1.5", "other": "3.0"})
    result = monitor.ingest(repo_dir, "payments-api", team="core", labels={"tier": "1"})
    meta = result.artifact.meta
    assert result.components == 2
    assert (meta.environment, meta.team, meta.owners) == ("prod", "core", ("owner@org.com",))
    assert meta.labels == {"tier": "1"}
    assert meta.policy_path == str((repo_dir / "runink.yaml").resolve())
    with monitor.engine.connect() as conn:
        art = repo.get_artifact(conn, "payments-api")
        assert art is not None and art.current_snapshot_id == result.snapshot_id
        names = sorted(c.name for c in repo.current_components(conn, result.snapshot_id))
    assert names == ["demo", "other"]


def test_reingest_replaces_the_current_snapshot_and_keeps_history(
    monitor: Monitor, tmp_path: Path
) -> None:
    monitor.publish(advisory("GHSA-0000-0000-0001", events=[{"introduced": "0"}, {"fixed": "2.0"}]))
    monitor.sync()
    repo_dir = write_repo(tmp_path / "api", {"demo": "1.5"})
    first = monitor.ingest(repo_dir, "api")
    assert first.changes.opened == 1
    write_repo(tmp_path / "api", {"demo": "2.1"})
    second = monitor.ingest(repo_dir, "api")
    with monitor.engine.connect() as conn:
        history = repo.snapshots(conn, second.artifact.id)
        art = repo.get_artifact(conn, "api")
        current = repo.current_components(conn, second.snapshot_id)
        first_components = repo.current_components(conn, first.snapshot_id)
    assert [s.id for s in history] == [second.snapshot_id, first.snapshot_id]
    assert art is not None and art.current_snapshot_id == second.snapshot_id
    assert [c.version for c in current] == ["2.1"]
    assert [c.version for c in first_components] == ["1.5"]  # history kept
    (finding,) = monitor.findings("api").values()
    assert (finding.status, finding.reason) == ("fixed", "fixed")  # upgraded
    assert finding.fixed_at is not None and finding.fixed_at >= finding.opened_at
    # Back to the vulnerable version: the same finding reopens.
    write_repo(tmp_path / "api", {"demo": "1.5"})
    monitor.ingest(repo_dir, "api")
    (finding,) = monitor.findings("api").values()
    assert (finding.status, finding.reason, finding.reopened) == ("open", "reintroduced", 1)
    # Removed altogether: closed as component_removed.
    write_repo(tmp_path / "api", {"other": "1.0"})
    monitor.ingest(repo_dir, "api")
    (finding,) = monitor.findings("api").values()
    assert (finding.status, finding.reason) == ("fixed", "component_removed")
    kinds = [(k, p.get("reason")) for k, _, p in monitor.ledger()]
    assert kinds == [
        ("finding.opened", None),
        ("finding.closed", "fixed"),
        ("finding.reopened", "reintroduced"),
        ("finding.closed", "component_removed"),
    ]


def test_new_advisory_event_opens_findings_only_for_components_it_names(
    monitor: Monitor, tmp_path: Path
) -> None:
    monitor.publish(advisory("GHSA-0000-0000-0001", package="unrelated"))
    monitor.sync()
    monitor.ingest(write_repo(tmp_path / "a", {"demo": "1.5", "other": "1.0"}), "a")
    monitor.ingest(write_repo(tmp_path / "b", {"demo": "3.0", "x": "1.0"}), "b")
    monitor.ingest(write_repo(tmp_path / "c", {"other": "1.0"}), "c")
    monitor.process()  # the initial sync's events
    monitor.publish(advisory("GHSA-0000-0000-0002", minutes=5, aliases=["CVE-2026-0002"]))
    monitor.sync()
    report = monitor.process()
    assert report.events == 1
    assert report.components == 2  # demo in a and in b; nothing else re-matched
    assert report.changes.opened == 1
    (finding,) = monitor.findings().values()
    assert (finding.vulnerability, finding.purl, finding.status) == (
        "CVE-2026-0002",
        DEMO_15,
        "open",
    )
    assert finding.opened_by == "event" and finding.event_seq is not None
    assert finding.advisory_modified == advisory_time(5)
    assert finding.alerted_at is not None  # the artifact's triggers ran


def advisory_time(minutes: int) -> dt.datetime:
    from tests.monitor.conftest import T0

    return T0 + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("before", "after", "opened", "closed"),
    [
        ([{"introduced": "0"}, {"fixed": "1.0"}], [{"introduced": "0"}, {"fixed": "2.0"}], 1, 0),
        ([{"introduced": "0"}, {"fixed": "2.0"}], [{"introduced": "0"}, {"fixed": "1.2"}], 0, 1),
    ],
    ids=["widened-range-opens", "narrowed-range-closes"],
)
def test_modified_advisory_that_widens_or_narrows_a_range(
    monitor: Monitor,
    tmp_path: Path,
    before: list[dict[str, str]],
    after: list[dict[str, str]],
    opened: int,
    closed: int,
) -> None:
    monitor.publish(advisory("GHSA-0000-0000-0003", events=before))
    monitor.sync()
    monitor.ingest(write_repo(tmp_path / "a", {"demo": "1.5"}), "a")
    monitor.process()
    initially = monitor.findings()
    monitor.publish(advisory("GHSA-0000-0000-0003", minutes=10, events=after))
    monitor.sync()
    report = monitor.process()
    assert (report.changes.opened, report.changes.closed) == (opened, closed)
    (finding,) = monitor.findings().values()
    if opened:
        assert not initially and finding.status == "open"
    else:
        assert initially and (finding.status, finding.reason) == ("fixed", "advisory_narrowed")


def test_withdrawn_advisory_closes_its_findings(monitor: Monitor, tmp_path: Path) -> None:
    monitor.publish(advisory("GHSA-0000-0000-0004"))
    monitor.sync()
    monitor.ingest(write_repo(tmp_path / "a", {"demo": "1.5"}), "a")
    monitor.process()
    assert [f.status for f in monitor.findings().values()] == ["open"]
    withdrawn_at = advisory_time(20)
    monitor.publish(advisory("GHSA-0000-0000-0004", minutes=20, withdrawn=withdrawn_at))
    monitor.sync()
    report = monitor.process()
    assert report.changes.closed == 1
    (finding,) = monitor.findings().values()
    assert (finding.status, finding.reason) == ("fixed", "advisory_withdrawn")
    assert (
        "finding.closed",
        "GHSA-0000-0000-0004",
        {"origin": "event", "reason": "advisory_withdrawn", "was": "open"},
    ) in monitor.ledger()


def test_exception_excepts_and_its_expiry_reopens(monitor: Monitor, tmp_path: Path) -> None:
    monitor.publish(advisory("GHSA-0000-0000-0005", aliases=["CVE-2026-0005"]))
    monitor.sync()
    today = dt.datetime.now(dt.UTC).date()
    exception = {
        "vulnerability": "CVE-2026-0005",
        "reason": "not reachable",
        "approved_by": ["alice@org.com"],
        "expires": (today + dt.timedelta(days=30)).isoformat(),
    }
    repo_dir = write_repo(tmp_path / "a", {"demo": "1.5"}, exceptions=[exception])
    monitor.ingest(repo_dir, "a")
    (finding,) = monitor.findings().values()
    assert finding.status == "excepted" and finding.exception
    # The exception expires (the file is edited): the next check reopens the finding.
    expired = {**exception, "expires": (today - dt.timedelta(days=1)).isoformat()}
    write_repo(tmp_path / "a", {"demo": "1.5"}, exceptions=[expired])
    changes = recheck_exceptions(monitor.engine)
    flush_outbox(monitor.engine)  # as the watch cycle does after the check
    assert changes.reopened == 1
    (finding,) = monitor.findings().values()
    assert (finding.status, finding.reason, finding.reopened) == ("open", "exception_expired", 1)
    kinds = [(k, p.get("reason"), p.get("status")) for k, _, p in monitor.ledger()]
    assert kinds == [
        ("finding.opened", None, "excepted"),
        ("finding.reopened", "exception_expired", "open"),
    ]


def test_full_reevaluation_agrees_with_incremental_processing(
    monitor: Monitor, tmp_path: Path
) -> None:
    from runink.services.monitor import reevaluate_all

    monitor.publish(advisory("GHSA-0000-0000-0006"))
    monitor.sync()
    monitor.ingest(write_repo(tmp_path / "a", {"demo": "1.5"}), "a")
    monitor.process()
    before = {k: v.status for k, v in monitor.findings().items()}
    report = reevaluate_all(monitor.engine)
    assert report.artifacts == 1 and report.components == 1
    assert report.changes.opened == report.changes.closed == 0
    assert {k: v.status for k, v in monitor.findings().items()} == before
