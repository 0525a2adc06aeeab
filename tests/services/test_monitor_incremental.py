"""Differential tests of the monitor's narrowed paths against the full reconciliation.

``process_events`` loads and compares only the findings a changed advisory can affect, and
``reevaluate_all`` reconciles in full only the artifacts where something differs. Each is run
on one copy of a randomly built database and compared with a reference that reconciles every
finding of the packages named (events) or of every artifact (re-evaluation), as the monitor
did before, on another copy: the findings (every lifecycle column) and the outbox rows (the
ledger entries and the findings to alert) must be the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from runink.feeds.events import EventKind, NewEvent, commit_offset, latest_seq, write_events
from runink.matching.index import AdvisoryIndex
from runink.matching.matcher import Matcher
from runink.model.component import Component
from runink.model.finding import Finding
from runink.services.findings import Scope, SetupCache, enqueue, reconcile
from runink.services.importing import import_sources, plan_import
from runink.services.inventory import present_by_key, store_snapshot
from runink.services.monitor import (
    ACTOR,
    CONSUMER,
    event_keys,
    process_events,
    reevaluate_all,
)
from runink.store import advisory_repo
from runink.store import inventory_repo as repo
from runink.store.db import create_db_engine, open_engine
from runink.store.inventory_repo import ArtifactMeta
from runink.store.tables import findings, monitor_outbox
from tests.feeds.bucket import record

PACKAGES = ("alpha", "beta", "gamma", "delta")
VERSIONS = ("0.5", "1.0", "1.5", "2.0", "2.5", "3.0")
CVES = tuple(f"CVE-2026-{i:04d}" for i in range(1, 7))
T0 = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


def _record(rng: random.Random, id_: str, minutes: int) -> dict[str, Any]:
    lo, hi = sorted(rng.sample(range(len(VERSIONS) + 1), 2))
    events = [{"introduced": VERSIONS[lo] if lo < len(VERSIONS) and lo else "0"}]
    if hi < len(VERSIONS):
        events.append({"fixed": VERSIONS[hi]})
    return record(
        id_,
        T0 + dt.timedelta(minutes=minutes),
        package=rng.choice(PACKAGES),
        events=events,
        aliases=rng.sample(CVES, rng.randint(0, 2)),
        severity=rng.choice([None, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]),
    )


class World:
    """Advisories as OSV files, imported; artifacts ingested through ``store_snapshot``."""

    def __init__(self, engine: Engine, root: Path, seed: int) -> None:
        self.engine = engine
        self.copies: list[Engine] = []  # databases copied from this one: imports go there too
        self.root = root
        self.rng = random.Random(seed)
        self.records: dict[str, dict[str, Any]] = {}
        self.minutes = 0
        self.round = 0

    def publish(self, records: list[dict[str, Any]]) -> None:
        folder = self.root / f"round-{self.round}"
        self.round += 1
        folder.mkdir(parents=True)
        for rec in records:
            (folder / f"{rec['id']}.json").write_text(json.dumps(rec))
            self.records[rec["id"]] = rec
        sources, problems = plan_import([folder])
        assert not problems
        for engine in (self.engine, *self.copies):
            report = import_sources(engine, sources, origin="test")
            assert report.counts()["rejected"] == 0

    def initial(self, advisories: int, artifacts: int, policy: Path) -> None:
        self.publish([_record(self.rng, f"GHSA-0000-0000-{i:04d}", 0) for i in range(advisories)])
        with self.engine.begin() as conn:
            commit_offset(conn, CONSUMER, latest_seq(conn))
        for i in range(artifacts):
            comps = [
                Component("PyPI", name, self.rng.choice(VERSIONS), source=f"req{j}.txt")
                for name in self.rng.sample(PACKAGES, self.rng.randint(1, len(PACKAGES)))
                for j in range(self.rng.randint(1, 2))
            ]
            meta = ArtifactMeta(
                name=f"art-{i}",
                kind="service",
                environment=("prod", "staging", None)[i % 3],
                team=f"team-{i % 3}",
                owners=(f"owner-{i}@org.example",),
                policy_path=str(policy) if i % 4 == 0 else None,
            )
            store_snapshot(self.engine, meta, comps, source="test", now=T0)

    def mutate(self, count: int) -> list[NewEvent]:
        """Change, withdraw or add advisories; the events name old and new packages."""
        self.minutes += 10
        changed: list[dict[str, Any]] = []
        events: list[NewEvent] = []
        for _ in range(count):
            roll = self.rng.random()
            if roll < 0.2:
                id_ = f"GHSA-0000-0001-{len(self.records):04d}"
                old = None
                new = _record(self.rng, id_, self.minutes)
                kind = EventKind.ADVISORY_ADDED
            else:
                id_ = self.rng.choice(sorted(self.records))
                old = self.records[id_]
                if old.get("withdrawn"):
                    continue
                new = _record(self.rng, id_, self.minutes)
                kind = EventKind.ADVISORY_MODIFIED
                if roll > 0.85:
                    new = {**old, "modified": new["modified"], "withdrawn": new["modified"]}
                    kind = EventKind.ADVISORY_WITHDRAWN
                elif roll > 0.6:  # the same package, only aliases change (merge or split)
                    new = {**old, "modified": new["modified"], "aliases": new["aliases"]}
            packages = {(a["package"]["ecosystem"], a["package"]["name"]) for a in new["affected"]}
            if old is not None:
                packages |= {
                    (a["package"]["ecosystem"], a["package"]["name"]) for a in old["affected"]
                }
            changed.append(new)
            events.append(
                NewEvent(
                    kind,
                    id_,
                    {"packages": [{"ecosystem": e, "name": n} for e, n in sorted(packages)]},
                )
            )
        if changed:
            self.publish(changed)
        return events


def _write(engine: Engine, events: list[NewEvent]) -> None:
    with engine.begin() as conn:
        write_events(conn, events, source="test", now=T0)


def _reference_events(engine: Engine, now: dt.datetime) -> None:
    """The event path reconciling every finding of the packages named (the former code)."""
    from runink.feeds.events import consumer_offset, read_events

    cache = SetupCache()
    with repo.write_transaction(engine) as conn:
        batch = read_events(conn, consumer_offset(conn, CONSUMER), 500)
        if not batch:
            return
        keys: set[tuple[str, str]] = set()
        event_seq: dict[tuple[str, str], int] = {}
        withdrawn: set[str] = set()
        for event in batch:
            for key in event_keys(event):
                keys.add(key)
                event_seq[key] = event.seq
            if event.kind == EventKind.ADVISORY_WITHDRAWN:
                withdrawn.add(event.subject)
        by_artifact = _current_components_named(conn, keys)
        entries, infos = advisory_repo.load_index_rows(conn, keys)
        matcher = Matcher(AdvisoryIndex.build(entries, infos))
        artifacts = repo.artifacts_by_id(conn, by_artifact.keys())
        stored = repo.findings_of(conn, by_artifact.keys(), keys=frozenset(keys))
        for artifact_id, components in sorted(by_artifact.items()):
            matched = [f for c in components for f in matcher.match(c).findings]
            artifact = artifacts[artifact_id]
            changes = reconcile(
                conn,
                artifact,
                cache.setup(artifact),
                matched,
                stored.get(artifact_id, []),
                Scope(
                    keys=frozenset(keys),
                    present=present_by_key(components),
                    withdrawn=frozenset(withdrawn),
                    event_seq=event_seq,
                ),
                origin="event",
                now=now,
            )
            if changes.any:
                enqueue(conn, artifact, changes, actor=ACTOR, now=now)
        commit_offset(conn, CONSUMER, batch[-1].seq, now=now)


def _current_components_named(
    conn: sa.engine.Connection, keys: set[tuple[str, str]]
) -> dict[int, list[Component]]:
    """Every current component whose (ecosystem base, name) is in ``keys``, by artifact, in
    stored order: read by walking every current component (independent of the fan-out index
    and ``component_rows_for_keys``)."""
    out: dict[int, list[Component]] = {}
    for artifact_id, component in repo.iter_current_components(conn):
        if (repo.base_of(component.ecosystem), component.name) in keys:
            out.setdefault(artifact_id, []).append(component)
    return out


def _reference_reevaluate(engine: Engine, now: dt.datetime) -> None:
    """The full re-evaluation reconciling every artifact in full (the former code)."""
    cache = SetupCache()
    with repo.write_transaction(engine) as conn:
        matcher = Matcher(AdvisoryIndex.build(*advisory_repo.load_index_rows(conn)))
        by_artifact: dict[int, list[Component]] = {}
        for artifact_id, component in repo.iter_current_components(conn):
            by_artifact.setdefault(artifact_id, []).append(component)
        artifacts = repo.artifacts_by_id(conn, by_artifact.keys())
        stored = repo.findings_of(conn, artifacts.keys())
        for artifact_id, components in by_artifact.items():
            matched: list[Finding] = []
            for c in components:
                matched.extend(matcher.match(c).findings)
            artifact = artifacts[artifact_id]
            changes = reconcile(
                conn,
                artifact,
                cache.setup(artifact),
                matched,
                stored.get(artifact_id, []),
                Scope(keys=None, present=present_by_key(components)),
                origin="reevaluate",
                now=now,
            )
            enqueue(conn, artifact, changes, actor=ACTOR, now=now)


def _state(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The findings (all columns but the row id) and the outbox rows, in a comparable form."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(findings)).mappings().all()
        by_id = {r["id"]: (r["artifact_id"], r["vulnerability"], r["purl"]) for r in rows}
        state = sorted(tuple((k, str(v)) for k, v in sorted(r.items()) if k != "id") for r in rows)
        outbox = sorted(
            (
                r.artifact_id,
                r.actor,
                sorted(
                    orjson.dumps(e, option=orjson.OPT_SORT_KEYS) for e in orjson.loads(r.entries)
                ),
                sorted(by_id[i] for i in orjson.loads(r.finding_ids)),
            )
            for r in conn.execute(sa.select(monitor_outbox))
        )
    return state, outbox  # type: ignore[return-value]


def _copy(engine: Engine, home: Path, name: str) -> Engine:
    engine.dispose()
    with open_engine().connect() as conn:  # checkpoint the WAL into the file before copying
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    target = home / name
    shutil.copy(home / "runink.db", target)
    return create_db_engine(f"sqlite:///{target}")


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy" / "runink.yaml"
    path.parent.mkdir()
    exception = {
        "vulnerability": CVES[0],
        "reason": "not reachable",
        "approved_by": ["alice@org.com"],
        "expires": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    }
    path.write_text(yaml.safe_dump({"exceptions": [exception]}, sort_keys=False))
    return path


@pytest.mark.parametrize("seed", range(12))
def test_event_processing_agrees_with_reconciling_every_finding_of_the_packages(
    runink_home: Path, tmp_path: Path, seed: int
) -> None:
    engine = open_engine()
    world = World(engine, tmp_path / "osv", seed)
    world.initial(advisories=14, artifacts=12, policy=_policy(tmp_path))
    reference = _copy(engine, runink_home, "reference.db")
    world.engine = engine = open_engine()
    world.copies.append(reference)
    total = 0
    for step in range(5):
        events = world.mutate(world.rng.randint(1, 3))
        if not events:
            continue
        _write(engine, events)
        _write(reference, events)
        now = T0 + dt.timedelta(hours=step + 1)
        report = process_events(engine, now=lambda now=now: now)
        _reference_events(reference, now)
        assert _state(engine) == _state(reference), f"seed {seed}, step {step}"
        _check_fan_out(engine, events)
        total += report.changes.opened + report.changes.closed + report.changes.reopened
    assert total > 0  # the scenario moved findings


def _components_for_keys(
    conn: Connection, keys: set[tuple[str, str]], policies: dict[int, str | None]
) -> dict[int, list[Component]]:
    """The fan-out as the monitor reads it: index-only rows for the keys, then the full
    components by row id, by artifact in row order; each artifact's stored policy path into
    ``policies``."""
    rows = repo.component_rows_for_keys(conn, keys)
    full = repo.components_by_id(conn, [row[0] for row in rows])
    out: dict[int, list[Component]] = {}
    for row in rows:
        out.setdefault(row[1], []).append(full[row[0]])
        policies[row[1]] = row[6]
    return out


def _check_fan_out(engine: Engine, events: list[NewEvent]) -> None:
    """The event fan-out (index-only rows, then full components by row id) reads the same
    components, per artifact in (ecosystem base, name, row id) order, as a walk of every
    current component."""
    keys = {(e["ecosystem"], e["name"]) for ev in events for e in ev.details["packages"]}
    keys |= {("PyPI", "not-in-any-artifact")}
    with engine.connect() as conn:
        expected = {
            artifact_id: sorted(
                components, key=lambda c: (repo.base_of(c.ecosystem), c.name)
            )  # stable: row id order within a package
            for artifact_id, components in _current_components_named(conn, keys).items()
        }
        policies: dict[int, str | None] = {}
        assert _components_for_keys(conn, keys, policies) == expected
        assert set(policies) == set(expected)
        rows = repo.component_rows_for_keys(conn, keys)
    # One ecosystem here: the rows come by (name, row id), and carry what the components hold.
    assert [(r[3], r[0]) for r in rows] == sorted((r[3], r[0]) for r in rows)
    assert sorted((r[1], *r[2:6]) for r in rows) == sorted(
        (artifact_id, c.ecosystem, c.name, c.version, c.purl_override)
        for artifact_id, components in expected.items()
        for c in components
    )
    assert all(policies[r[1]] == r[6] for r in rows)


@pytest.mark.parametrize("seed", range(4))
def test_full_reevaluation_agrees_with_reconciling_every_artifact(
    runink_home: Path, tmp_path: Path, seed: int
) -> None:
    engine = open_engine()
    world = World(engine, tmp_path / "osv", 100 + seed)
    world.initial(advisories=14, artifacts=12, policy=_policy(tmp_path))
    world.mutate(4)  # imported without events: only a re-evaluation sees them
    reference = _copy(engine, runink_home, "reference.db")
    engine = open_engine()
    report = reevaluate_all(engine, chunk=5)
    _reference_reevaluate(reference, dt.datetime.now(dt.UTC))
    assert report.artifacts == 12
    ours, theirs = _state(engine), _state(reference)
    # The transition times are "now" of each run: compare everything else exactly.
    assert _without_times(ours) == _without_times(theirs)
    again = reevaluate_all(engine)  # idempotent: nothing left to change
    assert (again.changes.opened, again.changes.closed, again.changes.reopened) == (0, 0, 0)


def _without_times(
    state: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    times = {"opened_at", "fixed_at", "excepted_at", "updated_at"}
    rows = [tuple((k, v) for k, v in row if k not in times) for row in state[0]]
    outbox = [(a, actor, entries, ids) for a, actor, entries, ids in state[1]]
    return sorted(rows), outbox


def test_shared_matches_give_the_same_findings_as_a_matcher_per_ingest(
    runink_home: Path, tmp_path: Path
) -> None:
    from runink.services.inventory import SharedMatches, match_components

    engine = open_engine()
    world = World(engine, tmp_path / "osv", 5)
    world.initial(advisories=14, artifacts=0, policy=_policy(tmp_path))
    with engine.connect() as conn:
        index = AdvisoryIndex.build(*advisory_repo.load_index_rows(conn))
    shared = SharedMatches(index)
    rng = random.Random(9)
    for _ in range(20):
        comps = [
            Component("PyPI", rng.choice(PACKAGES), rng.choice(VERSIONS), source=f"f{i}", line=i)
            for i in range(rng.randint(1, 8))
        ]
        expected = match_components(comps, Matcher(index))
        assert match_components(comps, shared) == expected
        direct = [dataclasses.replace(f) for c in comps for f in Matcher(index).match(c).findings]
        assert sorted(map(repr, expected)) == sorted(map(repr, direct))
