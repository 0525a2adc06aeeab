"""``find_exposure`` reads only the columns it shows: the same answer as building every
matching finding record and filtering out the fixed ones (its former implementation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from runink.services.exposure import Exposure, ExposureRow, find_exposure
from runink.services.monitor import process_events
from runink.store import inventory_repo as repo
from runink.store.db import open_engine
from tests.services.test_monitor_incremental import CVES, T0, World, _policy, _write


def _reference(engine, ident: str, environment: str | None = None) -> Exposure:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        ids, known = repo.alias_closure(conn, ident)
        found = repo.query_findings(conn, vulnerabilities=ids, environment=environment)
        if not known:
            known = bool(repo.query_findings(conn, vulnerabilities=ids))
    rows = []
    for artifact, f in found:
        if f.status == repo.FIXED:
            continue
        meta = artifact.meta
        owners = tuple(dict.fromkeys([*meta.owners, *filter(None, [meta.maintainer_email])]))
        rows.append(
            ExposureRow(
                artifact=meta.name, kind=meta.kind, environment=meta.environment,
                team=meta.team, owners=owners, vulnerability=f.vulnerability, purl=f.purl,
                version=f.component.version, fixed=f.fixed_version, status=f.status,
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (r.environment or "", r.artifact, r.purl))
    return Exposure(tuple(sorted(ids)), tuple(rows), known)


def test_exposure_equals_the_record_based_answer(runink_home: Path, tmp_path: Path) -> None:
    engine = open_engine()
    world = World(engine, tmp_path / "osv", 21)
    world.initial(advisories=16, artifacts=14, policy=_policy(tmp_path))
    for step in range(2):  # some findings fixed, some reopened
        events = world.mutate(3)
        if events:
            _write(engine, events)
            process_events(engine, now=lambda step=step: T0 + dt.timedelta(hours=step + 1))
    idents = [*CVES, *sorted(world.records), "cve-2026-0001", "GHSA-none-none-none"]
    answered = 0
    for ident in idents:
        for environment in (None, "prod"):
            ours = find_exposure(engine, ident, environment=environment)
            assert ours == _reference(engine, ident, environment), (ident, environment)
            answered += len(ours.rows)
    assert answered > 0
