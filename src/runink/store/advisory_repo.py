"""Reading and writing advisories with SQLAlchemy Core (the hot paths: bulk import, lookup)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from runink.matching.index import AdvisoryInfo
from runink.model.advisory import Advisory, Affected
from runink.model.ecosystems import base_ecosystem
from runink.store.bulk import datetime_param, insert_rows
from runink.store.db import as_utc
from runink.store.embedded import affected_from_row
from runink.store.tables import advisories, advisory_aliases, affected_packages, import_runs

_CHUNK = 500  # bound on parameters per IN (...) for SQLite


def existing_versions(conn: Connection) -> dict[str, tuple[dt.datetime, str]]:
    """id -> (modified, sha256 of the stored record) for every stored advisory."""
    rows = conn.execute(
        sa.select(advisories.c.id, advisories.c.modified, advisories.c.record_sha256)
    )
    return {r.id: (as_utc(r.modified) or r.modified, r.record_sha256) for r in rows}


def _ranges_json(entry: Affected) -> str:
    payload = []
    for rng in entry.ranges:
        item: dict[str, object] = {
            "type": rng.type,
            "events": [[e.kind, e.version] for e in rng.events],
        }
        if rng.repo:
            item["repo"] = rng.repo
        payload.append(item)
    return orjson.dumps(payload).decode()


@dataclass(frozen=True, slots=True)
class PendingAdvisory:
    advisory: Advisory
    record_json: str
    sha256: str


_ADVISORY_COLUMNS = (
    "id", "modified", "published", "withdrawn", "source", "summary", "score", "severity",
    "score_version", "vector", "cwes", "record", "record_sha256", "imported_at",
)  # fmt: skip
_ALIAS_COLUMNS = ("advisory_id", "alias")
_AFFECTED_COLUMNS = (
    "advisory_id", "entry_index", "ecosystem", "ecosystem_base", "name", "ranges", "versions",
)  # fmt: skip


def write_advisories(
    conn: Connection, batch: Sequence[PendingAdvisory], replace_ids: Iterable[str], now: dt.datetime
) -> None:
    """Insert ``batch``; advisories in ``replace_ids`` are deleted first (with their children).

    Rows are built as tuples and handed to the driver (``store.bulk.insert_rows``).
    """
    replace = list(replace_ids)
    for i in range(0, len(replace), _CHUNK):
        chunk = replace[i : i + _CHUNK]
        # Children first: not every backend enforces ON DELETE CASCADE the same way.
        conn.execute(sa.delete(affected_packages).where(affected_packages.c.advisory_id.in_(chunk)))
        conn.execute(sa.delete(advisory_aliases).where(advisory_aliases.c.advisory_id.in_(chunk)))
        conn.execute(sa.delete(advisories).where(advisories.c.id.in_(chunk)))
    if not batch:
        return
    stamp = datetime_param(conn)
    imported_at = stamp(now)
    adv_rows: list[tuple[Any, ...]] = []
    alias_rows: list[tuple[Any, ...]] = []
    affected_rows: list[tuple[Any, ...]] = []
    dumps = orjson.dumps
    for pending in batch:
        adv = pending.advisory
        advisory_id = adv.id
        score = adv.score
        adv_rows.append(
            (
                advisory_id,
                stamp(adv.modified),
                None if adv.published is None else stamp(adv.published),
                None if adv.withdrawn is None else stamp(adv.withdrawn),
                adv.source,
                adv.summary,
                score.score,
                score.severity,
                score.version,
                score.vector,
                " ".join(adv.cwes),
                pending.record_json,
                pending.sha256,
                imported_at,
            )
        )
        for alias in adv.aliases:
            alias_rows.append((advisory_id, alias))
        for entry in adv.affected:
            affected_rows.append(
                (
                    advisory_id,
                    entry.index,
                    entry.ecosystem,
                    base_ecosystem(entry.ecosystem),
                    entry.name,
                    _ranges_json(entry),
                    dumps(entry.versions).decode(),
                )
            )
    insert_rows(conn, advisories, _ADVISORY_COLUMNS, adv_rows)
    insert_rows(conn, advisory_aliases, _ALIAS_COLUMNS, alias_rows)
    insert_rows(conn, affected_packages, _AFFECTED_COLUMNS, affected_rows)


def record_import_run(
    conn: Connection,
    *,
    started: dt.datetime,
    finished: dt.datetime,
    origin: str,
    counts: dict[str, int],
) -> None:
    conn.execute(
        sa.insert(import_runs).values(
            started_at=started, finished_at=finished, origin=origin[:4000], **counts
        )
    )


def _iso(value: dt.datetime | None) -> str | None:
    value = as_utc(value)
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None


#: An affected entry as stored: advisory id, entry index, ecosystem, name, ranges and
#: versions (JSON text).
EntryRow = tuple[str, int, str, str, str, str]


def _entry_rows(conn: Connection, key_list: list[tuple[str, str]] | None) -> list[EntryRow]:
    """The affected rows of non-withdrawn advisories (all, or for the given keys)."""
    ap = affected_packages
    query = (
        sa.select(
            ap.c.advisory_id,
            ap.c.entry_index,
            ap.c.ecosystem,
            ap.c.name,
            ap.c.ranges,
            ap.c.versions,
        )
        .join(advisories, advisories.c.id == ap.c.advisory_id)
        .where(advisories.c.withdrawn.is_(None))
    )
    rows: list[EntryRow] = []
    if key_list is None:
        rows.extend(tuple(r) for r in conn.execute(query))
        return rows
    # One ecosystem and a list of names per query: "ecosystem_base = ? AND name IN (...)"
    # searches the (ecosystem_base, name) index, where SQLite answers a row-value
    # "(ecosystem_base, name) IN (...)" by scanning the whole table once per query.
    names_by_base: dict[str, list[str]] = {}
    for base, name in key_list:
        names_by_base.setdefault(base, []).append(name)
    for base, names in names_by_base.items():
        for i in range(0, len(names), _CHUNK):
            chunk = names[i : i + _CHUNK]
            part = conn.execute(query.where(ap.c.ecosystem_base == base, ap.c.name.in_(chunk)))
            rows.extend(tuple(r) for r in part.all())
    return rows


def _entries(rows: Iterable[EntryRow]) -> list[tuple[str, Affected]]:
    return [(r[0], affected_from_row(r[1], r[2], r[3], r[4], r[5])) for r in rows]


def load_index_rows(
    conn: Connection, keys: Iterable[tuple[str, str]] | None = None
) -> tuple[list[tuple[str, Affected]], list[AdvisoryInfo]]:
    """Affected entries (all, or for the given (ecosystem base, name) keys) and their advisories.

    Withdrawn advisories are left out: they never match.
    """
    key_list = sorted(set(keys)) if keys is not None else None
    entries = _entries(_entry_rows(conn, key_list))
    ids = sorted({advisory_id for advisory_id, _ in entries})
    return entries, load_infos(conn, ids if key_list is not None else None)


@dataclass(frozen=True, slots=True)
class PackageRows:
    """The advisories naming some packages, as a change event reads them: their affected rows
    unparsed and every one's aliases. The event path links advisories through ids and
    aliases first, then parses the entries and loads the facts of the few it can reach
    (``index_rows``): a package such as ``tensorflow`` has hundreds of advisories.

    ``index_rows(conn, ids)`` equals ``load_index_rows(conn, keys)`` with both lists narrowed
    to the advisories in ``ids`` (same order)."""

    entries: list[EntryRow]
    #: every advisory id of ``entries`` → its aliases (sorted), in id order
    aliases: dict[str, tuple[str, ...]]

    def index_rows(
        self, conn: Connection, ids: Collection[str]
    ) -> tuple[list[tuple[str, Affected]], list[AdvisoryInfo]]:
        entries = _entries(r for r in self.entries if r[0] in ids)
        wanted = sorted({advisory_id for advisory_id, _ in entries})
        return entries, load_infos(conn, wanted)


def load_package_rows(conn: Connection, keys: Iterable[tuple[str, str]]) -> PackageRows:
    """``PackageRows`` for the (ecosystem base, name) keys (withdrawn advisories left out)."""
    rows = _entry_rows(conn, sorted(set(keys)))
    ids = sorted({r[0] for r in rows})
    aliases: dict[str, list[str]] = {advisory_id: [] for advisory_id in ids}
    t = advisory_aliases
    for i in range(0, len(ids), _CHUNK):
        query = sa.select(t.c.advisory_id, t.c.alias).where(
            t.c.advisory_id.in_(ids[i : i + _CHUNK])
        )
        for advisory_id, alias in conn.execute(query).all():
            aliases[advisory_id].append(alias)
    return PackageRows(rows, {k: tuple(sorted(v)) for k, v in aliases.items()})


def load_infos(conn: Connection, ids: Sequence[str] | None) -> list[AdvisoryInfo]:
    a = advisories
    cols = (
        a.c.id, a.c.summary, a.c.score, a.c.severity, a.c.vector, a.c.score_version,
        a.c.published, a.c.modified, a.c.withdrawn,
    )  # fmt: skip
    base = sa.select(*cols)
    rows: list[sa.Row[tuple[object, ...]]] = []
    alias_map: dict[str, list[str]] = {}
    if ids is None:  # every advisory that can match
        rows.extend(conn.execute(base.where(a.c.withdrawn.is_(None))))
        for r in conn.execute(sa.select(advisory_aliases.c.advisory_id, advisory_aliases.c.alias)):
            alias_map.setdefault(r.advisory_id, []).append(r.alias)
    else:
        for i in range(0, len(ids), _CHUNK):
            chunk = list(ids[i : i + _CHUNK])
            rows.extend(conn.execute(base.where(a.c.id.in_(chunk))))
            aq = sa.select(advisory_aliases.c.advisory_id, advisory_aliases.c.alias).where(
                advisory_aliases.c.advisory_id.in_(chunk)
            )
            for r in conn.execute(aq):
                alias_map.setdefault(r.advisory_id, []).append(r.alias)
    return [
        AdvisoryInfo(
            id=r.id,
            aliases=tuple(sorted(alias_map.get(r.id, ()))),
            summary=r.summary or "",
            score=r.score,
            severity=r.severity,
            vector=r.vector,
            score_version=r.score_version,
            published=_iso(r.published),
            modified=_iso(r.modified),
            withdrawn=r.withdrawn is not None,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class StatusRow:
    group: str
    advisories: int
    withdrawn: int
    newest_modified: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    total: int
    withdrawn: int
    by_ecosystem: tuple[StatusRow, ...]
    by_source: tuple[StatusRow, ...]
    last_import: dt.datetime | None
    newest_modified: dt.datetime | None


def database_status(conn: Connection) -> DatabaseStatus:
    a = advisories
    withdrawn_count = sa.func.count(a.c.withdrawn)
    total_row = conn.execute(
        sa.select(sa.func.count(), withdrawn_count, sa.func.max(a.c.modified))
    ).one()
    by_source = [
        StatusRow(r[0], r[1], r[2], as_utc(r[3]))
        for r in conn.execute(
            sa.select(a.c.source, sa.func.count(), withdrawn_count, sa.func.max(a.c.modified))
            .group_by(a.c.source)
            .order_by(a.c.source)
        )
    ]
    # An advisory counts once per ecosystem it names.
    per_eco = (
        sa.select(affected_packages.c.ecosystem_base.label("eco"), affected_packages.c.advisory_id)
        .distinct()
        .subquery()
    )
    by_eco = [
        StatusRow(r[0], r[1], r[2], as_utc(r[3]))
        for r in conn.execute(
            sa.select(per_eco.c.eco, sa.func.count(), withdrawn_count, sa.func.max(a.c.modified))
            .join(a, a.c.id == per_eco.c.advisory_id)
            .group_by(per_eco.c.eco)
            .order_by(per_eco.c.eco)
        )
    ]
    last_import = conn.execute(sa.select(sa.func.max(import_runs.c.finished_at))).scalar()
    return DatabaseStatus(
        total=total_row[0],
        withdrawn=total_row[1],
        by_ecosystem=tuple(by_eco),
        by_source=tuple(by_source),
        last_import=as_utc(last_import),
        newest_modified=as_utc(total_row[2]),
    )


def count_advisories(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(advisories)).scalar() or 0)


def last_import_time(conn: Connection) -> dt.datetime | None:
    """When advisory data was last imported or synced."""
    return as_utc(conn.execute(sa.select(sa.func.max(import_runs.c.finished_at))).scalar())
