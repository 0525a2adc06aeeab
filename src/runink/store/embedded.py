"""Read-only advisory queries on the embedded SQLite database, through the standard library.

``runink check`` answers from here when the database is the embedded one and already at the
newest schema: importing SQLAlchemy alone takes about 0.25 s, half of the command's budget.
Anything else (another database URL, a database that needs migrating, a query that is not
here) goes through :mod:`runink.store.advisory_repo`, which stays the reference:
``tests/store/test_embedded.py`` proves both answer the same on the same database.

This module imports neither SQLAlchemy nor Alembic, and must stay that way.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

import orjson

from runink.config import Settings
from runink.matching.index import AdvisoryInfo
from runink.model.advisory import Affected, Event, Range

#: Where Alembic's revision scripts live; their file names start with the revision id.
VERSIONS_DIR: Final = Path(__file__).resolve().parent / "migrations" / "versions"

_CHUNK: Final = 500  # bound on parameters per IN (...)
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


@cache
def newest_revision() -> str:
    """The newest migration's revision id, read from the scripts' file names (``0005_x.py``).

    A test checks it equals Alembic's head, so a new migration cannot be missed here.
    """
    ids = [m.group(1) for p in VERSIONS_DIR.iterdir() if (m := _REVISION_FILE.match(p.name))]
    return max(ids)


def connect(settings: Settings) -> sqlite3.Connection | None:
    """A connection to the embedded database when it exists and needs no migration, else None.

    None tells the caller to take the SQLAlchemy path, which creates, migrates or reports.
    """
    if settings.database_url.split("://", 1)[0] != "sqlite":
        return None
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=30.0)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:  # not a Runink database yet, or unreadable: the full path reports it
        conn.close()
        return None
    if row is None or row[0] != newest_revision():
        conn.close()
        return None
    return conn


def count_advisories(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM advisories").fetchone()[0])


def affected_from_row(
    entry_index: int, ecosystem: str, name: str, ranges: str, versions: str
) -> Affected:
    """An affected entry from its stored row (ranges and versions are JSON text)."""
    return Affected(
        index=entry_index,
        ecosystem=ecosystem,
        name=name,
        raw_name=name,
        ranges=tuple(
            Range(
                r["type"],
                tuple(Event(kind, version) for kind, version in r["events"]),
                r.get("repo"),
            )
            for r in orjson.loads(ranges)
        ),
        versions=tuple(orjson.loads(versions)),
    )


def load_index_rows(
    conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, Affected]], list[AdvisoryInfo]]:
    """Affected entries for the (ecosystem base, name) keys, and their advisories' facts.

    Withdrawn advisories are left out: they never match.
    """
    names_by_base: dict[str, list[str]] = {}
    for base, name in sorted(set(keys)):
        names_by_base.setdefault(base, []).append(name)
    entries: list[tuple[str, Affected]] = []
    for base, names in names_by_base.items():
        for i in range(0, len(names), _CHUNK):
            chunk = names[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                "SELECT ap.advisory_id, ap.entry_index, ap.ecosystem, ap.name, ap.ranges, "
                "ap.versions FROM affected_packages AS ap "
                "JOIN advisories ON advisories.id = ap.advisory_id "
                f"WHERE advisories.withdrawn IS NULL AND ap.ecosystem_base = ? "
                f"AND ap.name IN ({marks})",
                (base, *chunk),
            )
            entries.extend((r[0], affected_from_row(r[1], r[2], r[3], r[4], r[5])) for r in rows)
    ids = sorted({advisory_id for advisory_id, _ in entries})
    return entries, load_infos(conn, ids)


def load_infos(conn: sqlite3.Connection, ids: Sequence[str]) -> list[AdvisoryInfo]:
    rows: list[tuple[Any, ...]] = []
    alias_map: dict[str, list[str]] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = list(ids[i : i + _CHUNK])
        marks = ",".join("?" * len(chunk))
        rows.extend(
            conn.execute(
                "SELECT id, summary, score, severity, vector, score_version, published, "
                f"modified, withdrawn FROM advisories WHERE id IN ({marks})",
                chunk,
            )
        )
        for advisory_id, alias in conn.execute(
            f"SELECT advisory_id, alias FROM advisory_aliases WHERE advisory_id IN ({marks})",
            chunk,
        ):
            alias_map.setdefault(advisory_id, []).append(alias)
    return [
        AdvisoryInfo(
            id=str(r[0]),
            aliases=tuple(sorted(alias_map.get(str(r[0]), ()))),
            summary=str(r[1] or ""),
            score=float(r[2]) if r[2] is not None else None,
            severity=str(r[3]) if r[3] is not None else None,
            vector=str(r[4]) if r[4] is not None else None,
            score_version=str(r[5]) if r[5] is not None else None,
            published=_iso(r[6]),
            modified=_iso(r[7]),
            withdrawn=r[8] is not None,
        )
        for r in rows
    ]


def _iso(value: object) -> str | None:
    """A stored time (SQLAlchemy's SQLite text form, naive UTC) as ``2024-01-02T03:04:05Z``."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    utc = parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return utc.isoformat(timespec="seconds").replace("+00:00", "Z")
