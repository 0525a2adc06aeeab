"""Monitor benchmark: a persistent inventory of N artifacts × M components in SQLite.

Real advisories (PyPA, Go, RustSec from ../shared/data) are imported; component names are the
real package names those advisories and their ecosystems use, with versions drawn from the
advisories' own range events (so a realistic share is vulnerable) or a clean version. The
artifacts are synthetic. Measures:

* ingest rate (artifacts/s): ``services.inventory.store_snapshot`` (snapshot + components +
  matching + findings, one transaction per artifact) with one shared advisory index;
* one advisory change event → findings updated (``process_events`` for one event), p50/p95;
* exposure query (``find_exposure`` by CVE), p50/p95;
* a full re-evaluation of the whole inventory (``reevaluate_all``).

The built database is cached in bench/.cache/monitor-<N>x<M>.db (``--rebuild`` to rebuild).
Usage: ``.venv/bin/python bench/bench_monitor.py [--artifacts 10000] [--components 300]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import CACHE, advisory_roots, calibration, line, require_shared


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _pool(engine):  # type: ignore[no-untyped-def]
    """(ecosystem, name) → (vulnerable versions, a clean version), from the imported
    advisories' range events: an ``introduced`` version is affected, the highest ``fixed``
    one is taken as clean (names without a fix are left out)."""
    import orjson
    import sqlalchemy as sa

    from runink import versions as schemes
    from runink.model.ecosystems import base_ecosystem
    from runink.store.tables import affected_packages

    introduced: dict[tuple[str, str], set[str]] = {}
    fixed: dict[tuple[str, str], set[str]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                affected_packages.c.ecosystem, affected_packages.c.name, affected_packages.c.ranges
            )
        )
        for eco, name, ranges in rows:
            for rng in orjson.loads(ranges):
                for kind, version in rng.get("events", []):
                    if kind == "introduced" and version != "0":
                        introduced.setdefault((eco, name), set()).add(version)
                    elif kind == "fixed":
                        fixed.setdefault((eco, name), set()).add(version)
    pool = {}
    for key, fixes in fixed.items():
        try:
            parse = schemes.scheme_for(base_ecosystem(key[0])).parse
            clean = max(fixes, key=parse)
        except Exception:  # noqa: BLE001 - a version the scheme rejects: skip the name
            continue
        pool[key] = (sorted(introduced.get(key, ())), clean)
    return pool


def build(db: Path, artifacts: int, components: int, seed: int = 7) -> float:
    """Import advisories and ingest the synthetic inventory; returns artifacts/s."""
    from runink.matching.index import AdvisoryIndex
    from runink.model.component import Component
    from runink.services.findings import SetupCache
    from runink.services.importing import import_sources, plan_import
    from runink.services.inventory import SharedMatches, store_snapshot
    from runink.store import advisory_repo
    from runink.store.db import open_engine
    from runink.store.inventory_repo import ArtifactMeta

    engine = open_engine()
    t0 = time.perf_counter()
    sources, _ = plan_import(list(advisory_roots().values()))
    report = import_sources(engine, sources, origin="bench")
    line("advisories imported", f"{report.new} in {time.perf_counter() - t0:.1f}s")
    from runink.feeds.events import commit_offset, latest_seq
    from runink.services.monitor import CONSUMER

    with engine.begin() as conn:  # the inventory is ingested after the import: start here
        commit_offset(conn, CONSUMER, latest_seq(conn))
    pool = _pool(engine)
    keys = sorted(pool)
    rng = random.Random(seed)
    with engine.connect() as conn:
        entries, infos = advisory_repo.load_index_rows(conn)
    shared = SharedMatches(AdvisoryIndex.build(entries, infos))
    cache = SetupCache()
    envs = ("prod", "staging", "dev")
    teams = [f"team-{i}" for i in range(40)]
    started = time.perf_counter()
    for i in range(artifacts):
        chosen = rng.sample(keys, components)
        comps = []
        for eco, name in chosen:
            vulnerable_versions, clean = pool[(eco, name)]
            vulnerable = vulnerable_versions and rng.random() < 0.03
            version = rng.choice(vulnerable_versions) if vulnerable else clean
            comps.append(Component(eco, name, version, source="lock", line=None))
        team = teams[i % len(teams)]
        meta = ArtifactMeta(
            name=f"artifact-{i:05d}",
            kind="image",
            environment=envs[i % 3],
            team=team,
            owners=(f"{team}@org.example",),
        )
        store_snapshot(engine, meta, comps, source="bench", shared=shared, cache=cache)
        if (i + 1) % 1000 == 0:
            rate = (i + 1) / (time.perf_counter() - started)
            print(f"    … {i + 1} artifacts ingested ({rate:.0f}/s)", flush=True)
    elapsed = time.perf_counter() - started
    _drop_outbox(engine)
    return artifacts / elapsed


def _drop_outbox(engine) -> None:  # type: ignore[no-untyped-def]
    """The bench measures the inventory, not e-mail: the ingest outbox is discarded."""
    import sqlalchemy as sa

    from runink.store.tables import monitor_outbox

    with engine.begin() as conn:
        conn.execute(sa.delete(monitor_outbox))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifacts", type=int, default=10_000)
    parser.add_argument("--components", type=int, default=300)
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--seed", type=int, default=1, help="which advisory events are replayed (same seed: same)"
    )
    args = parser.parse_args()
    require_shared()
    db = CACHE / f"monitor-{args.artifacts}x{args.components}.db"
    if args.rebuild and db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    home = CACHE / "monitor-home"
    home.mkdir(exist_ok=True)
    os.environ["RUNINK_HOME"] = str(home)
    os.environ["RUNINK_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["RUNINK_CONFIG"] = str(home / "none.yaml")
    (home / "none.yaml").write_text("{}\n")

    import sqlalchemy as sa

    from runink.feeds.events import EventKind, NewEvent, write_events
    from runink.services.exposure import find_exposure
    from runink.services.findings import SetupCache
    from runink.services.monitor import process_events, reevaluate_all
    from runink.store.db import open_engine, utcnow
    from runink.store.tables import advisory_aliases, affected_packages, findings

    print(f"monitor: {args.artifacts} artifacts × {args.components} components (SQLite)")
    print(f"  {calibration()}")
    fresh = not db.exists()
    if fresh:
        rate = build(db, args.artifacts, args.components)
        line("ingest rate (build, shared index)", f"{rate:.0f} artifacts/s")
    engine = open_engine()
    with engine.connect() as conn:
        n_components = conn.execute(sa.text("SELECT count(*) FROM inventory_components")).scalar()
        n_findings = conn.execute(sa.select(sa.func.count()).select_from(findings)).scalar()
    line("component rows / findings", f"{n_components:,} / {n_findings:,}")
    line("database size", f"{db.stat().st_size / 1e9:.2f} GB")

    # Ingest rate of further artifacts into the full database (each one matched on its own).
    from runink.model.component import Component
    from runink.services.inventory import store_snapshot
    from runink.store.inventory_repo import ArtifactMeta

    rng = random.Random(11)
    with engine.connect() as conn:
        names = conn.execute(
            sa.select(affected_packages.c.ecosystem, affected_packages.c.name).distinct()
        ).all()
    cache = SetupCache()
    t0 = time.perf_counter()
    extra = 100
    for i in range(extra):
        comps = [
            Component(eco, name, "9999.0.0", source="lock")
            for eco, name in rng.sample(names, args.components)
        ]
        meta = ArtifactMeta(name=f"extra-{i:03d}", kind="service", environment="prod")
        store_snapshot(engine, meta, comps, source="bench", cache=cache)
    line(
        f"ingest rate (into the full DB, own index, {extra} re-ingests)",
        f"{extra / (time.perf_counter() - t0):.0f} artifacts/s",
    )
    _drop_outbox(engine)

    # One advisory change event → findings updated: (advisory, package) pairs whose package is
    # in the inventory, drawn with --seed (the same events from run to run).
    with engine.connect() as conn:
        pairs = conn.execute(
            sa.text(
                "SELECT ap.advisory_id, ap.ecosystem, ap.name, count(*) AS n "
                "FROM affected_packages ap JOIN inventory_components c "
                "ON c.ecosystem_base = ap.ecosystem_base AND c.name = ap.name "
                "GROUP BY ap.advisory_id, ap.ecosystem, ap.name"
            )
        ).all()
    ordered = sorted((str(a), str(e), str(n)) for a, e, n, _ in pairs)
    popular = random.Random(args.seed).sample(ordered, min(args.events, len(ordered)))
    import gc

    full_gc = [0]

    def count_full_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full_gc[0] += 1

    gc.callbacks.append(count_full_gc)
    times = []
    cpu = []
    fanout = []
    for advisory_id, eco, name in popular:
        with engine.begin() as conn:
            write_events(
                conn,
                [
                    NewEvent(
                        EventKind.ADVISORY_MODIFIED,
                        advisory_id,
                        {"packages": [{"ecosystem": eco, "name": name}]},
                    )
                ],
                source="bench",
                now=utcnow(),
            )
        t, c = time.perf_counter(), time.process_time()
        report = process_events(engine, SetupCache())
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        fanout.append(report.components)
    gc.callbacks.remove(count_full_gc)
    _drop_outbox(engine)
    if times:
        line(
            f"event → findings updated ({len(times)} events)",
            f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {_p(times, 0.95) * 1000:.1f} ms "
            f"(target ≤ 50 ms); CPU p50 {statistics.median(cpu) * 1000:.1f} ms, p95 "
            f"{_p(cpu, 0.95) * 1000:.1f} ms; components re-matched per event: median "
            f"{statistics.median(fanout):.0f}, max {max(fanout)}; seed {args.seed}, "
            f"{full_gc[0]} full garbage collections during the events",
        )

    # Exposure query.
    with engine.connect() as conn:
        cves = [
            r[0]
            for r in conn.execute(
                sa.select(findings.c.vulnerability)
                .where(findings.c.vulnerability.like("CVE-%"))
                .distinct()
                .limit(2000)
            )
        ]
        ghsas = [
            r[0]
            for r in conn.execute(
                sa.select(advisory_aliases.c.alias)
                .where(advisory_aliases.c.alias.like("GHSA-%"))
                .limit(2000)
            )
        ]
    queries = rng.sample(cves, min(100, len(cves))) + rng.sample(ghsas, min(100, len(ghsas)))
    times = []
    hits = []
    for ident in queries:
        t = time.perf_counter()
        result = find_exposure(engine, ident)
        times.append(time.perf_counter() - t)
        hits.append(len(result.rows))
    if times:
        line(
            f"exposure query ({len(times)} CVE/GHSA ids)",
            f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {_p(times, 0.95) * 1000:.1f} ms "
            f"(target ≤ 50 ms); rows per answer: median {statistics.median(hits):.0f}, "
            f"max {max(hits)}",
        )

    # Full re-evaluation.
    c = time.process_time()
    report = reevaluate_all(engine)
    reeval_cpu = time.process_time() - c
    _drop_outbox(engine)
    line(
        "full re-evaluation",
        f"{report.seconds:.1f} s for {report.artifacts} artifacts, {report.components:,} "
        f"components ({report.distinct:,} distinct), {report.changes.opened} opened / "
        f"{report.changes.closed} closed (target ≤ 60 s); CPU {reeval_cpu:.1f} s",
    )


if __name__ == "__main__":
    main()
