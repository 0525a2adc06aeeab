"""SQL for the persistent inventory, the findings and the monitor's outbox (migration 0005).

Everything here runs inside the caller's connection and transaction; the services decide what
is one transaction. Component rows go in through the driver's ``executemany`` (see
``store.bulk.insert_dicts``): an ingest of 300 components is one statement.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from runink.errors import StoreError
from runink.model.component import Component
from runink.model.ecosystems import base_ecosystem
from runink.model.finding import Finding
from runink.store.bulk import insert_dicts
from runink.store.db import as_utc
from runink.store.tables import (
    advisory_aliases,
    finding_citations,
    findings,
    inventory_artifacts,
    inventory_components,
    inventory_snapshots,
    monitor_outbox,
)

_CHUNK: Final = 500

OPEN: Final = "open"
FIXED: Final = "fixed"
EXCEPTED: Final = "excepted"
STATUSES: Final = (OPEN, FIXED, EXCEPTED)

Key = tuple[str, str]  # (ecosystem base, normalized name)


@dataclass(frozen=True, slots=True)
class ArtifactMeta:
    """What an ingest says about an artifact (flags, runink.yaml, SBOM metadata, merged)."""

    name: str
    kind: str = "repo"
    environment: str | None = None
    team: str | None = None
    owners: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    maintainer_email: str | None = None
    team_label: str | None = None
    path: str | None = None
    policy_path: str | None = None


@dataclass(frozen=True, slots=True)
class ArtifactRecord:
    """A stored artifact."""

    id: int
    meta: ArtifactMeta
    current_snapshot_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        return self.meta.name


@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    id: int
    artifact_id: int
    ingested_at: dt.datetime
    source: str
    components: int
    files: list[dict[str, Any]]
    digest: str


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """A stored finding, with its lifecycle."""

    id: int
    artifact_id: int
    vulnerability: str
    purl: str
    component: Component
    aliases: tuple[str, ...]
    advisories: tuple[str, ...]
    summary: str
    score: float | None
    severity: str | None
    vector: str | None
    fixed_version: str | None
    status: str
    reason: str | None
    exception: str | None
    opened_at: dt.datetime
    fixed_at: dt.datetime | None
    excepted_at: dt.datetime | None
    reopened: int
    updated_at: dt.datetime
    opened_by: str
    event_seq: int | None
    advisory_published: dt.datetime | None
    advisory_modified: dt.datetime | None
    alerted_at: dt.datetime | None

    @property
    def key(self) -> Key:
        return (base_ecosystem(self.component.ecosystem), self.component.name)

    @property
    def aliases_json(self) -> str:
        return aliases_json(self.aliases)

    def as_finding(self) -> Finding:
        """The finding as the matcher would report it (without the match reasons)."""
        return Finding(
            component=self.component,
            id=self.vulnerability,
            aliases=self.aliases,
            advisories=self.advisories,
            summary=self.summary,
            score=self.score,
            severity=self.severity,
            vector=self.vector,
            fixed=self.fixed_version,
            reasons=(),
            published=_iso(self.advisory_published),
            modified=_iso(self.advisory_modified),
        )


@functools.lru_cache(maxsize=1 << 18)
def _purl(ecosystem: str, name: str, version: str, override: str | None) -> str:
    return Component(ecosystem, name, version, purl_override=override).purl


def purl_of_parts(ecosystem: str, name: str, version: str, override: str | None) -> str:
    """``purl_of`` for a component given by its parts (as stored: the purl is the override)."""
    return _purl(ecosystem, name, version, override)


def purl_of(component: Component) -> str:
    """``component.purl``, memoized: building a purl is the costliest part of storing a
    component, and the same (ecosystem, name, version) recurs across artifacts."""
    return _purl(component.ecosystem, component.name, component.version, component.purl_override)


@functools.lru_cache(maxsize=4096)
def base_of(ecosystem: str) -> str:
    """``base_ecosystem``, memoized (called for every stored component)."""
    return base_ecosystem(ecosystem)


def aliases_json(aliases: Sequence[str]) -> str:
    """The stored text of a finding's aliases (as ``finding_values`` writes it)."""
    return _json(list(aliases))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _first_key(result: Any) -> Any:
    key = result.inserted_primary_key
    assert key is not None
    return key[0]


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction, committed on success. On SQLite it takes the write lock up front
    (``BEGIN IMMEDIATE``), so a read-then-write batch never fails on a stale snapshot."""
    with engine.connect() as conn:
        try:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn
            conn.commit()
        except sa.exc.OperationalError as exc:
            conn.rollback()
            raise StoreError(f"database {engine.url!r}: {exc.orig}") from exc
        except BaseException:
            conn.rollback()
            raise


# -- artifacts ---------------------------------------------------------------------------------


def _artifact(row: Any) -> ArtifactRecord:
    meta = ArtifactMeta(
        name=row.name,
        kind=row.kind,
        environment=row.environment,
        team=row.team,
        owners=tuple(orjson.loads(row.owners)),
        labels=dict(orjson.loads(row.labels)),
        maintainer_email=row.maintainer_email,
        team_label=row.team_label,
        path=row.path,
        policy_path=row.policy_path,
    )
    return ArtifactRecord(
        id=int(row.id),
        meta=meta,
        current_snapshot_id=row.current_snapshot_id,
        created_at=as_utc(row.created_at) or row.created_at,
        updated_at=as_utc(row.updated_at) or row.updated_at,
    )


def upsert_artifact(conn: Connection, meta: ArtifactMeta, now: dt.datetime) -> int:
    """Create or update the artifact named ``meta.name``; returns its id."""
    t = inventory_artifacts
    values = {
        "kind": meta.kind,
        "environment": meta.environment,
        "team": meta.team,
        "owners": _json(list(meta.owners)),
        "labels": _json(dict(meta.labels)),
        "maintainer_email": meta.maintainer_email,
        "team_label": meta.team_label,
        "path": meta.path,
        "policy_path": meta.policy_path,
        "updated_at": now,
    }
    existing = conn.execute(sa.select(t.c.id).where(t.c.name == meta.name)).scalar()
    if existing is not None:
        conn.execute(sa.update(t).where(t.c.id == existing).values(**values))
        return int(existing)
    result = conn.execute(sa.insert(t).values(name=meta.name, created_at=now, **values))
    return int(_first_key(result))


def get_artifact(conn: Connection, name: str) -> ArtifactRecord | None:
    t = inventory_artifacts
    row = conn.execute(sa.select(t).where(t.c.name == name)).first()
    return _artifact(row) if row is not None else None


def artifacts_by_id(conn: Connection, ids: Collection[int]) -> dict[int, ArtifactRecord]:
    t = inventory_artifacts
    out: dict[int, ArtifactRecord] = {}
    id_list = sorted(ids)
    for i in range(0, len(id_list), _CHUNK):
        for row in conn.execute(sa.select(t).where(t.c.id.in_(id_list[i : i + _CHUNK]))):
            out[int(row.id)] = _artifact(row)
    return out


def list_artifacts(conn: Connection) -> list[tuple[ArtifactRecord, int, dt.datetime | None]]:
    """Every artifact with its current component count and last ingest time, by name."""
    a, s = inventory_artifacts, inventory_snapshots
    query = (
        sa.select(a, s.c.components.label("n_components"), s.c.ingested_at)
        .select_from(a.outerjoin(s, s.c.id == a.c.current_snapshot_id))
        .order_by(a.c.name)
    )
    return [
        (_artifact(r), int(r.n_components or 0), as_utc(r.ingested_at)) for r in conn.execute(query)
    ]


# -- snapshots and components ------------------------------------------------------------------


def components_digest(components: Sequence[Component]) -> str:
    rows = sorted((c.ecosystem, c.name, c.version, purl_of(c), c.source) for c in components)
    return hashlib.sha256(_json(rows).encode()).hexdigest()


def insert_snapshot(
    conn: Connection,
    artifact_id: int,
    components: Sequence[Component],
    *,
    source: str,
    files: list[dict[str, Any]],
    now: dt.datetime,
) -> int:
    """Store a snapshot and its components, and make it the artifact's current one."""
    result = conn.execute(
        sa.insert(inventory_snapshots).values(
            artifact_id=artifact_id,
            ingested_at=now,
            source=source,
            components=len(components),
            files=_json(files),
            digest=components_digest(components),
        )
    )
    snapshot_id = int(_first_key(result))
    rows = [
        {
            "snapshot_id": snapshot_id,
            "artifact_id": artifact_id,
            "ecosystem": c.ecosystem,
            "ecosystem_base": base_of(c.ecosystem),
            "name": c.name,
            "version": c.version,
            "purl": purl_of(c),
            "source": c.source,
            "line": c.line,
            "direct": c.direct,
            "scope": c.scope,
        }
        for c in components
    ]
    insert_dicts(conn, inventory_components, rows)
    conn.execute(
        sa.update(inventory_artifacts)
        .where(inventory_artifacts.c.id == artifact_id)
        .values(current_snapshot_id=snapshot_id)
    )
    return snapshot_id


def snapshots(conn: Connection, artifact_id: int) -> list[SnapshotRecord]:
    s = inventory_snapshots
    query = sa.select(s).where(s.c.artifact_id == artifact_id).order_by(s.c.id.desc())
    return [
        SnapshotRecord(
            int(r.id),
            int(r.artifact_id),
            as_utc(r.ingested_at) or r.ingested_at,
            r.source,
            int(r.components),
            orjson.loads(r.files),
            r.digest,
        )
        for r in conn.execute(query)
    ]


_COMPONENT_COLS = (
    inventory_components.c.artifact_id,
    inventory_components.c.ecosystem,
    inventory_components.c.name,
    inventory_components.c.version,
    inventory_components.c.purl,
    inventory_components.c.source,
    inventory_components.c.line,
    inventory_components.c.direct,
    inventory_components.c.scope,
)


def _component(r: Any) -> Component:
    return Component(
        r.ecosystem,
        r.name,
        r.version,
        source=r.source,
        line=r.line,
        direct=None if r.direct is None else bool(r.direct),
        scope=r.scope,
        purl_override=r.purl,
    )


def current_components(conn: Connection, snapshot_id: int) -> list[Component]:
    c = inventory_components
    query = sa.select(*_COMPONENT_COLS).where(c.c.snapshot_id == snapshot_id).order_by(c.c.id)
    return [_component(r) for r in conn.execute(query)]


#: Joins a component to its artifact when it belongs to the current snapshot. Joining on the
#: artifact id too lets SQLite probe the artifact by primary key for each component found
#: through an index (on the snapshot id alone it scans every artifact per component).
_CURRENT: Final = sa.and_(
    inventory_artifacts.c.id == inventory_components.c.artifact_id,
    inventory_artifacts.c.current_snapshot_id == inventory_components.c.snapshot_id,
)


#: A current component as the event path compares it: component row id, artifact id,
#: ecosystem, name, version, purl (as stored), and the artifact's policy path.
ComponentRow = tuple[int, int, str, str, str, str, str | None]


def component_rows_for_keys(conn: Connection, keys: Iterable[Key]) -> list[ComponentRow]:
    """Current components (of every artifact) whose (ecosystem base, name) is one of ``keys``,
    as plain tuples with their artifact's policy path: the event fan-out.

    Read from ``ix_inventory_components_lookup`` alone (it holds every column selected here,
    migration 0007), so a package in 1,400 artifacts costs 1,400 index entries, not 1,400
    table pages. Ordered by (ecosystem base, name, row id): stored order within a package."""
    c, a = inventory_components, inventory_artifacts
    out: list[ComponentRow] = []
    for base, names in _by_base(keys).items():
        found: list[ComponentRow] = []
        for i in range(0, len(names), _CHUNK):
            query = (
                sa.select(
                    c.c.id, c.c.artifact_id, c.c.ecosystem, c.c.name, c.c.version, c.c.purl,
                    a.c.policy_path,
                )
                .join(a, _CURRENT)
                .where(c.c.ecosystem_base == base, c.c.name.in_(names[i : i + _CHUNK]))
            )  # fmt: skip
            found.extend(tuple(r) for r in conn.execute(query).all())
        found.sort(key=_name_and_id)
        out.extend(found)
    return out


def _name_and_id(row: ComponentRow) -> tuple[str, int]:
    return (row[3], row[0])


def components_by_id(conn: Connection, ids: Collection[int]) -> dict[int, Component]:
    """Stored components by row id (as ``current_components`` builds them)."""
    c = inventory_components
    id_list = sorted(ids)
    out: dict[int, Component] = {}
    for i in range(0, len(id_list), _CHUNK):
        query = sa.select(c.c.id, *_COMPONENT_COLS).where(c.c.id.in_(id_list[i : i + _CHUNK]))
        for r in conn.execute(query):
            out[int(r.id)] = _component(r)
    return out


def iter_current_components(conn: Connection) -> Iterator[tuple[int, Component]]:
    """Every current component of every artifact, ordered by artifact."""
    c, a = inventory_components, inventory_artifacts
    query = sa.select(*_COMPONENT_COLS).join(a, _CURRENT).order_by(c.c.artifact_id, c.c.id)
    for r in conn.execution_options(yield_per=20_000).execute(query):
        yield int(r.artifact_id), _component(r)


def current_artifact_ids(conn: Connection, name: str | None = None) -> list[int]:
    """Ids of the artifacts with a current snapshot (or of the one named), in id order."""
    a = inventory_artifacts
    query = sa.select(a.c.id).where(a.c.current_snapshot_id.is_not(None)).order_by(a.c.id)
    if name is not None:
        query = query.where(a.c.name == name)
    return [int(v) for v in conn.execute(query).scalars()]


#: A current component as the full re-evaluation reads it: artifact id, ecosystem, name,
#: version, purl (as stored).
LightComponent = tuple[int, str, str, str, str]


def light_components(conn: Connection, artifact_ids: Sequence[int]) -> list[LightComponent]:
    """The current components of these artifacts, as plain tuples, by artifact then id."""
    c, a = inventory_components, inventory_artifacts
    query = (
        sa.select(c.c.artifact_id, c.c.ecosystem, c.c.name, c.c.version, c.c.purl)
        .join(a, _CURRENT)
        .where(a.c.id.in_(list(artifact_ids)))
        .order_by(c.c.artifact_id, c.c.id)
    )
    return [tuple(r) for r in conn.execute(query)]


#: A stored finding as the full re-evaluation compares it: the columns a reconciliation
#: reads to decide that nothing changed (status, score, severity, fixed version, aliases).
LightFinding = tuple[str, float | None, str | None, str | None, str]


def light_findings(
    conn: Connection, artifact_ids: Sequence[int]
) -> dict[int, dict[tuple[str, str], LightFinding]]:
    """Stored findings of these artifacts by artifact id and identity (vulnerability, purl)."""
    f = findings
    query = sa.select(
        f.c.artifact_id,
        f.c.vulnerability,
        f.c.purl,
        f.c.status,
        f.c.score,
        f.c.severity,
        f.c.fixed_version,
        f.c.aliases,
    ).where(f.c.artifact_id.in_(list(artifact_ids)))
    out: dict[int, dict[tuple[str, str], LightFinding]] = {}
    for artifact_id, vulnerability, purl, status, score, severity, fixed, aliases in conn.execute(
        query
    ):
        out.setdefault(int(artifact_id), {})[(vulnerability, purl)] = (
            status,
            score,
            severity,
            fixed,
            aliases,
        )
    return out


def inventory_ecosystems(conn: Connection) -> list[str]:
    """The ecosystems of the current inventory (the OSV feed's default scopes for ``watch``).

    The distinct ecosystem bases are walked through ``ix_inventory_components_lookup`` (one
    ``min`` per base), then each is kept when a current snapshot holds one of its components:
    a handful of index probes instead of a scan of every component row."""
    c, a = inventory_components, inventory_artifacts
    out: list[str] = []
    previous: str | None = None
    while True:
        query = sa.select(sa.func.min(c.c.ecosystem_base))
        if previous is not None:
            query = query.where(c.c.ecosystem_base > previous)
        base = conn.execute(query).scalar()
        if base is None:
            return out
        current = sa.select(c.c.id).join(a, _CURRENT).where(c.c.ecosystem_base == base).limit(1)
        if conn.execute(current).first() is not None:
            out.append(str(base))
        previous = str(base)


# -- findings ----------------------------------------------------------------------------------


def _finding(r: Any) -> FindingRecord:
    component = Component(
        r.ecosystem,
        r.name,
        r.version,
        source=r.source,
        line=r.line,
        direct=None if r.direct is None else bool(r.direct),
        scope=r.scope,
        purl_override=r.purl,
    )
    return FindingRecord(
        id=int(r.id),
        artifact_id=int(r.artifact_id),
        vulnerability=r.vulnerability,
        purl=r.purl,
        component=component,
        aliases=tuple(orjson.loads(r.aliases)),
        advisories=tuple(orjson.loads(r.advisories)),
        summary=r.summary,
        score=r.score,
        severity=r.severity,
        vector=r.vector,
        fixed_version=r.fixed_version,
        status=r.status,
        reason=r.reason,
        exception=r.exception,
        opened_at=as_utc(r.opened_at) or r.opened_at,
        fixed_at=as_utc(r.fixed_at),
        excepted_at=as_utc(r.excepted_at),
        reopened=int(r.reopened),
        updated_at=as_utc(r.updated_at) or r.updated_at,
        opened_by=r.opened_by,
        event_seq=r.event_seq,
        advisory_published=as_utc(r.advisory_published),
        advisory_modified=as_utc(r.advisory_modified),
        alerted_at=as_utc(r.alerted_at),
    )


def findings_of(
    conn: Connection,
    artifact_ids: Collection[int],
    *,
    keys: Collection[Key] | None = None,
    statuses: Collection[str] | None = None,
) -> dict[int, list[FindingRecord]]:
    """Stored findings of these artifacts (optionally only for components named by ``keys``,
    and only in ``statuses``), by artifact id."""
    f = findings
    out: dict[int, list[FindingRecord]] = {}
    ids = sorted(artifact_ids)
    for i in range(0, len(ids), _CHUNK):
        query = sa.select(f).where(f.c.artifact_id.in_(ids[i : i + _CHUNK]))
        if keys is not None and len(keys) <= _CHUNK:  # narrow in SQL; exact check below
            query = query.where(f.c.name.in_(sorted({name for _, name in keys})))
        if statuses is not None:
            query = query.where(f.c.status.in_(sorted(statuses)))
        for r in conn.execute(query):
            record = _finding(r)
            if keys is not None and record.key not in keys:
                continue
            out.setdefault(record.artifact_id, []).append(record)
    return out


def _by_base(keys: Iterable[Key]) -> dict[str, list[str]]:
    by_base: dict[str, list[str]] = {}
    for base, name in sorted(set(keys)):
        by_base.setdefault(base, []).append(name)
    return by_base


#: A stored finding as the event path compares it: artifact id, ecosystem base, name,
#: vulnerability, purl, status, score, severity, fixed version, aliases (JSON), advisories (JSON).
CitedRow = tuple[int, str, str, str, str, str, float | None, str | None, str | None, str, str]


class FindingRows:
    """Stored findings of packages ``keys`` by canonical id, read once per id (only the
    columns the event path compares) and kept for the caller's transaction.

    Read through ``ix_findings_package_vulnerability`` (ecosystem base, name, canonical id):
    only the rows of these packages, where a canonical id shared by several packages would
    have every package's rows read through ``ix_findings_vulnerability``."""

    def __init__(self, conn: Connection, keys: Collection[Key]) -> None:
        self.conn = conn
        self._by_base = _by_base(keys)
        self._rows: dict[str, list[CitedRow]] = {}

    def of(self, vulnerabilities: Collection[str]) -> Iterator[CitedRow]:
        missing = sorted(set(vulnerabilities) - self._rows.keys())
        for v in missing:
            self._rows[v] = []
        f = findings
        cols = (
            f.c.artifact_id, f.c.ecosystem_base, f.c.name, f.c.vulnerability, f.c.purl,
            f.c.status, f.c.score, f.c.severity, f.c.fixed_version, f.c.aliases, f.c.advisories,
        )  # fmt: skip
        half = _CHUNK // 2  # two IN lists per statement
        for j in range(0, len(missing), half):
            part = missing[j : j + half]
            for base, names in self._by_base.items():
                for i in range(0, len(names), half):
                    query = sa.select(*cols).where(
                        f.c.ecosystem_base == base,
                        f.c.name.in_(names[i : i + half]),
                        f.c.vulnerability.in_(part),
                    )
                    for r in self.conn.execute(query).all():
                        row: CitedRow = tuple(r)
                        self._rows[row[3]].append(row)
        for v in sorted(set(vulnerabilities)):
            yield from self._rows[v]


def findings_citing(
    conn: Connection,
    keys: Collection[Key],
    advisory_ids: Collection[str],
    rows: FindingRows | None = None,
) -> dict[str, set[str]]:
    """The stored findings of packages ``keys`` that cite one of ``advisory_ids`` among their
    merged advisories: canonical id → every advisory those findings cite.

    The candidate canonical ids come from ``finding_citations`` (a superset: rows are never
    deleted); the findings of these packages with those ids are then read (``FindingRows``:
    the rows of those packages and ids only, where a package's own index would read every
    finding of the package) and checked exactly. ``rows`` must be for the same ``keys``."""
    wanted = set(advisory_ids)
    if not wanted or not keys:
        return {}
    t = finding_citations
    ids = sorted(wanted)
    wanted_keys = set(keys)
    candidates: set[str] = set()
    for base, names in _by_base(keys).items():
        for i in range(0, len(names), _CHUNK):
            for j in range(0, len(ids), _CHUNK):
                query = (
                    sa.select(t.c.vulnerability)
                    .where(
                        t.c.advisory_id.in_(ids[j : j + _CHUNK]),
                        t.c.ecosystem_base == base,
                        t.c.name.in_(names[i : i + _CHUNK]),
                    )
                    .distinct()
                )
                candidates.update(conn.execute(query).scalars())
    rows = rows or FindingRows(conn, keys)
    out: dict[str, set[str]] = {}
    parsed: dict[str, list[str]] = {}
    for row in rows.of(candidates):
        if (row[1], row[2]) not in wanted_keys:
            continue
        text = row[10]
        cited = parsed.get(text)
        if cited is None:
            cited = parsed[text] = orjson.loads(text)
        if wanted.intersection(cited):
            out.setdefault(row[3], set()).update(cited)
    return out


def findings_by_vulnerability(
    conn: Connection,
    keys: Collection[Key],
    vulnerabilities: Collection[str],
    artifact_ids: Collection[int],
) -> dict[int, list[FindingRecord]]:
    """Stored findings of packages ``keys`` with one of these canonical ids, of these
    artifacts, by artifact id. Read through ``ix_findings_package_vulnerability`` (the rows of
    those packages and ids only) and narrowed to the artifacts here."""
    if not vulnerabilities or not keys:
        return {}
    f = findings
    wanted_artifacts = set(artifact_ids)
    vulns = sorted(set(vulnerabilities))
    half = _CHUNK // 2  # two IN lists per statement
    out: dict[int, list[FindingRecord]] = {}
    for j in range(0, len(vulns), half):
        part = vulns[j : j + half]
        for base, names in _by_base(keys).items():
            for i in range(0, len(names), half):
                query = sa.select(f).where(
                    f.c.ecosystem_base == base,
                    f.c.name.in_(names[i : i + half]),
                    f.c.vulnerability.in_(part),
                )
                for r in conn.execute(query):
                    if int(r.artifact_id) in wanted_artifacts:
                        record = _finding(r)
                        out.setdefault(record.artifact_id, []).append(record)
    for records in out.values():  # by canonical id, then row id (the order reconcile sees)
        records.sort(key=lambda record: (record.vulnerability, record.id))
    return out


def light_findings_by_vulnerability(
    rows: FindingRows,
    keys: Collection[Key],
    vulnerabilities: Collection[str],
    artifact_ids: Collection[int],
) -> dict[int, dict[tuple[str, str], LightFinding]]:
    """The stored findings of packages ``keys`` with one of these canonical ids, of these
    artifacts, as plain tuples (``LightFinding``) by artifact id and identity."""
    wanted_keys = set(keys)
    wanted_artifacts = set(artifact_ids)
    out: dict[int, dict[tuple[str, str], LightFinding]] = {}
    for aid, base, name, vuln, purl, status, score, severity, fixed, aliases, _ in rows.of(
        vulnerabilities
    ):
        if (base, name) in wanted_keys and aid in wanted_artifacts:
            out.setdefault(aid, {})[(vuln, purl)] = (status, score, severity, fixed, aliases)
    return out


def artifact_ids_with_status(conn: Connection, status: str) -> set[int]:
    """Ids of the artifacts with at least one finding in ``status`` (``ix_findings_status``)."""
    f = findings
    query = sa.select(f.c.artifact_id).where(f.c.status == status).distinct()
    return {int(v) for v in conn.execute(query).scalars()}


@dataclass(frozen=True, slots=True)
class ExposedFinding:
    """A finding as ``runink exposure`` shows it, with its artifact's facts."""

    artifact: str
    kind: str
    environment: str | None
    team: str | None
    owners: tuple[str, ...]
    maintainer_email: str | None
    vulnerability: str
    purl: str
    version: str
    fixed_version: str | None
    status: str


def exposed_findings(
    conn: Connection, vulnerabilities: Collection[str], *, environment: str | None = None
) -> list[ExposedFinding]:
    """Open and excepted findings with one of these canonical ids (``ix_findings_vulnerability``),
    reading only the columns the exposure shows."""
    f, a = findings, inventory_artifacts
    ids = sorted(set(vulnerabilities))
    out: list[ExposedFinding] = []
    owners_of: dict[str, tuple[str, ...]] = {}
    for i in range(0, len(ids), _CHUNK):
        query = (
            sa.select(
                a.c.name, a.c.kind, a.c.environment, a.c.team, a.c.owners, a.c.maintainer_email,
                f.c.vulnerability, f.c.purl, f.c.version, f.c.fixed_version, f.c.status,
            )
            .join(a, a.c.id == f.c.artifact_id)
            .where(f.c.vulnerability.in_(ids[i : i + _CHUNK]), f.c.status != FIXED)
        )  # fmt: skip
        if environment is not None:
            query = query.where(a.c.environment == environment)
        for r in conn.execute(query):
            owners = owners_of.get(r.owners)
            if owners is None:
                owners = owners_of[r.owners] = tuple(orjson.loads(r.owners))
            out.append(
                ExposedFinding(
                    r.name, r.kind, r.environment, r.team, owners,
                    r.maintainer_email, r.vulnerability, r.purl, r.version, r.fixed_version,
                    r.status,
                )
            )  # fmt: skip
    return out


def any_finding(conn: Connection, vulnerabilities: Collection[str]) -> bool:
    """Whether a finding (in any status) has one of these canonical ids."""
    ids = sorted(set(vulnerabilities))
    for i in range(0, len(ids), _CHUNK):
        query = sa.select(findings.c.id).where(findings.c.vulnerability.in_(ids[i : i + _CHUNK]))
        if conn.execute(query.limit(1)).first() is not None:
            return True
    return False


def query_findings(
    conn: Connection,
    *,
    artifact: str | None = None,
    status: str | None = None,
    vulnerabilities: Collection[str] | None = None,
    environment: str | None = None,
) -> list[tuple[ArtifactRecord, FindingRecord]]:
    f, a = findings, inventory_artifacts
    query = sa.select(f, a).join(a, a.c.id == f.c.artifact_id)
    if artifact is not None:
        query = query.where(a.c.name == artifact)
    if status is not None:
        query = query.where(f.c.status == status)
    if environment is not None:
        query = query.where(a.c.environment == environment)
    if vulnerabilities is not None:
        query = query.where(f.c.vulnerability.in_(sorted(vulnerabilities)))
    query = query.order_by(a.c.name, f.c.vulnerability, f.c.purl)
    out = []
    for r in conn.execute(query):
        mapping = r._mapping
        art = _artifact(_Prefixed(mapping, a))
        out.append((art, _finding(_Prefixed(mapping, f))))
    return out


class _Prefixed:
    """Attribute access to one table's columns of a joined row."""

    def __init__(self, mapping: Mapping[Any, Any], table: sa.Table) -> None:
        self._values = {c.name: mapping[c] for c in table.c}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


def finding_values(finding: Finding) -> dict[str, Any]:
    """The columns a matched finding determines (identity, component, advisory facts)."""
    c = finding.component
    return {
        "vulnerability": finding.id[:255],
        "purl": purl_of(c),
        "ecosystem": c.ecosystem,
        "ecosystem_base": base_of(c.ecosystem),
        "name": c.name,
        "version": c.version,
        "source": c.source,
        "line": c.line,
        "direct": c.direct,
        "scope": c.scope,
        "aliases": aliases_json(finding.aliases),
        "advisories": _json(list(finding.advisories)),
        "summary": finding.summary,
        "score": finding.score,
        "severity": finding.severity,
        "vector": finding.vector,
        "fixed_version": finding.fixed,
    }


def insert_findings(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new findings (complete rows), and their citations."""
    if rows:
        keys = set().union(*(r.keys() for r in rows))
        full = [{k: r.get(k) for k in sorted(keys)} for r in rows]
        insert_dicts(conn, findings, full)
        record_citations(conn, rows)


def update_finding(conn: Connection, finding_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(sa.update(findings).where(findings.c.id == finding_id).values(**values))
    if "advisories" in values:
        record_citations(conn, [values])


def record_citations(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    """Add the (advisory, package, canonical id) rows these finding values cite, unless
    already there (in the caller's transaction, with the findings)."""
    wanted: set[tuple[str, str, str, str]] = set()
    for r in rows:
        for advisory_id in orjson.loads(r["advisories"]):
            wanted.add((advisory_id[:255], r["ecosystem_base"], r["name"], r["vulnerability"]))
    if not wanted:
        return
    rows_out = [
        {"advisory_id": a, "ecosystem_base": b, "name": n, "vulnerability": v}
        for a, b, n, v in sorted(wanted)
    ]
    conn.execute(_insert_ignoring_duplicates(conn, finding_citations), rows_out)


def _insert_ignoring_duplicates(conn: Connection, table: sa.Table) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING (SQLite, PostgreSQL): concurrent writers may add the
    same row."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return sa.insert(table).prefix_with("IGNORE")  # pragma: no cover - MySQL-style


def finding_ids(
    conn: Connection, artifact_id: int, identities: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Ids of this artifact's findings by (vulnerability, purl)."""
    wanted = set(identities)
    if not wanted:
        return {}
    f = findings
    rows = conn.execute(
        sa.select(f.c.id, f.c.vulnerability, f.c.purl).where(f.c.artifact_id == artifact_id)
    )
    return {
        (r.vulnerability, r.purl): int(r.id) for r in rows if (r.vulnerability, r.purl) in wanted
    }


def stamp_alerted(conn: Connection, ids: Sequence[int], when: dt.datetime) -> None:
    f = findings
    for i in range(0, len(ids), _CHUNK):
        conn.execute(
            sa.update(f)
            .where(f.c.id.in_(list(ids[i : i + _CHUNK])), f.c.alerted_at.is_(None))
            .values(alerted_at=when)
        )


def event_latencies(conn: Connection) -> list[float]:
    """Seconds from the advisory's ``modified`` to the alert, for event-opened findings."""
    f = findings
    rows = conn.execute(
        sa.select(f.c.advisory_modified, f.c.alerted_at).where(
            f.c.opened_by == "event",
            f.c.advisory_modified.is_not(None),
            f.c.alerted_at.is_not(None),
        )
    )
    out = []
    for modified, alerted in rows:
        m, a = as_utc(modified), as_utc(alerted)
        if m is not None and a is not None:
            out.append((a - m).total_seconds())
    return out


def id_variants(ident: str) -> set[str]:
    """``ident`` as given, upper case (``cve-…`` → ``CVE-…``) and OSV's usual spelling of a
    prefixed id (``ghsa-ABCD-…`` → ``GHSA-abcd-…``): ids are compared exactly, through indexes."""
    prefix, sep, rest = ident.partition("-")
    return {ident, ident.upper(), prefix.upper() + sep + rest.lower()}


def alias_closure(conn: Connection, ident: str) -> tuple[set[str], bool]:
    """Every id the advisories known by ``ident`` (an id or any alias) go by, followed through
    shared aliases (a GHSA → its CVE → the PYSEC record with the same CVE), and whether any
    stored advisory carries it."""
    from runink.store.tables import advisories

    t = advisory_aliases
    names = id_variants(ident)
    ids: set[str] = set()
    for _ in range(4):  # a few hops reach the fixpoint in practice
        wanted = sorted(names)
        found = set(conn.execute(sa.select(t.c.advisory_id).where(t.c.alias.in_(wanted))).scalars())
        found |= set(
            conn.execute(sa.select(advisories.c.id).where(advisories.c.id.in_(wanted))).scalars()
        )
        new_ids = found - ids
        if not new_ids:
            break
        ids |= new_ids
        names |= ids
        names |= set(
            conn.execute(sa.select(t.c.alias).where(t.c.advisory_id.in_(sorted(new_ids)))).scalars()
        )
    return names, bool(ids)


# -- outbox ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    artifact_id: int
    actor: str
    entries: list[dict[str, Any]]
    finding_ids: list[int]


def add_outbox(
    conn: Connection,
    artifact_id: int,
    *,
    actor: str,
    entries: list[dict[str, Any]],
    finding_ids: list[int],
    now: dt.datetime,
) -> None:
    conn.execute(
        sa.insert(monitor_outbox).values(
            created_at=now,
            artifact_id=artifact_id,
            actor=actor,
            entries=_json(entries),
            finding_ids=_json(finding_ids),
        )
    )


def pending_outbox(conn: Connection, limit: int = 100) -> list[OutboxRow]:
    o = monitor_outbox
    rows = conn.execute(sa.select(o).order_by(o.c.id).limit(limit))
    return [
        OutboxRow(
            int(r.id),
            int(r.artifact_id),
            r.actor,
            orjson.loads(r.entries),
            orjson.loads(r.finding_ids),
        )
        for r in rows
    ]


def delete_outbox(conn: Connection, row_id: int) -> None:
    conn.execute(sa.delete(monitor_outbox).where(monitor_outbox.c.id == row_id))


def count_outbox(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(monitor_outbox)).scalar() or 0)
