"""``runink db import``: load OSV records into the advisory database.

One import is one transaction: records are decoded and validated first (a bad record is
rejected with its file and field and never touches the database), then written in batches
inside that transaction, so an interrupted import leaves the previous state intact. Records
are upserted by id, keeping the newer ``modified``.

``apply_records`` is the one code path for OSV records, whatever their source: ``db import``
(files) and the OSV feed (``runink.feeds.osv``) both call it inside their transaction. It
writes a change event (``runink.feeds.events``) for every advisory it adds, modifies or
withdraws, in that same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from runink.advisories.loader import FileProblem, RawRecord, Source, plan
from runink.advisories.osv import (
    OsvRecord,
    RecordError,
    decode_json,
    severity_inputs,
    validate,
)
from runink.feeds.changes import added_event, change_event
from runink.feeds.events import NewEvent, write_events
from runink.gcpause import gc_paused
from runink.model.advisory import Advisory, AdvisoryScore
from runink.scoring import NO_SCORE, best_score
from runink.store import advisory_repo
from runink.store.db import as_utc, utcnow
from runink.store.tables import advisories

BATCH = 2000


@dataclass(frozen=True, slots=True)
class Rejection:
    origin: str  # file (or zip:entry)
    field: str  # JSON path of the field at fault, "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.origin}: {self.field}" if self.field else self.origin
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0  # of the valid records read, how many are withdrawn (stored, never match)
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    events: int = 0  # change events written

    @property
    def records(self) -> int:
        return self.new + self.updated + self.unchanged + len(self.rejected)

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "rejected": len(self.rejected),
        }


ProgressFn = Callable[[int], None]


def plan_import(paths: Sequence[Path]) -> tuple[list[Source], list[Rejection]]:
    sources: list[Source] = []
    problems: list[Rejection] = []
    for path in paths:
        planned = plan(path)
        if isinstance(planned, FileProblem):
            problems.append(Rejection(planned.origin, "", planned.message))
        else:
            sources.append(planned)
    return sources, problems


def import_sources(
    engine: Engine,
    sources: Sequence[Source],
    *,
    origin: str,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import every record of ``sources`` in one transaction."""
    report = ImportReport()
    started = utcnow()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        apply_records(
            conn,
            (raw for source in sources for raw in source),
            report,
            now=started,
            event_source="import",
            progress=progress,
        )
        report.seconds = time.perf_counter() - t0
        advisory_repo.record_import_run(
            conn, started=started, finished=utcnow(), origin=origin, counts=report.counts()
        )
    return report


def apply_records(
    conn: Connection,
    records: Iterable[RawRecord | FileProblem],
    report: ImportReport,
    *,
    now: dt.datetime,
    event_source: str,
    progress: ProgressFn | None = None,
    only_ids: Sequence[str] | None = None,
) -> None:
    """Validate and upsert ``records`` inside the caller's transaction, with their events.

    Counts go to ``report``. ``only_ids``, when the caller knows the ids it will apply (an
    incremental sync), limits the lookup of stored versions to those ids (any other id met is
    looked up on its own).
    """
    with gc_paused():
        _apply(conn, records, report, now, event_source, progress, only_ids)


def _apply(
    conn: Connection,
    records: Iterable[RawRecord | FileProblem],
    report: ImportReport,
    now: dt.datetime,
    event_source: str,
    progress: ProgressFn | None,
    only_ids: Sequence[str] | None,
) -> None:
    known = (
        advisory_repo.existing_versions(conn)
        if only_ids is None
        else stored_versions(conn, only_ids)
    )
    looked_up = None if only_ids is None else set(only_ids)
    pending: dict[str, advisory_repo.PendingAdvisory] = {}

    def flush() -> None:
        replace = [i for i in pending if i in known]
        previous = _stored_records(conn, replace)
        events: list[NewEvent] = []
        for advisory_id, item in pending.items():
            old = previous.get(advisory_id)
            events.append(added_event(item.advisory) if old is None else _changed(old, item))
        advisory_repo.write_advisories(conn, list(pending.values()), replace, now)
        report.events += write_events(conn, events, source=event_source, now=now)
        for advisory_id, item in pending.items():
            known[advisory_id] = (item.advisory.modified, item.sha256)
        pending.clear()

    for raw in records:
        if progress is not None:
            progress(1)
        if isinstance(raw, FileProblem):
            report.rejected.append(Rejection(raw.origin, "", raw.message))
            continue
        item = _prepare(raw, report)
        if item is None:
            continue
        adv = item.advisory
        if adv.withdrawn is not None:
            report.withdrawn += 1
        if looked_up is not None and adv.id not in looked_up:  # an id the caller did not expect
            known.update(stored_versions(conn, [adv.id]))
            looked_up.add(adv.id)
        queued = pending.get(adv.id)
        if queued is not None:  # the same id twice in one import: keep the newer
            if adv.modified > queued.advisory.modified:
                pending[adv.id] = item
            report.unchanged += 1
            continue
        previous = known.get(adv.id)
        if previous is None:
            report.new += 1
        elif adv.modified > previous[0] or (
            # Same `modified`, different content: the feed did not bump the
            # timestamp (the Go repository stamps 0001-01-01); the incoming wins.
            adv.modified == previous[0] and item.sha256 != previous[1]
        ):
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        pending[adv.id] = item
        if len(pending) >= BATCH:
            flush()
    flush()


_CHUNK = 500


def stored_versions(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[dt.datetime, str]]:
    """id -> (modified, sha256 of the stored record) for those of ``ids`` that are stored."""
    found: dict[str, tuple[dt.datetime, str]] = {}
    unique = sorted(set(ids))
    a = advisories
    for i in range(0, len(unique), _CHUNK):
        query = sa.select(a.c.id, a.c.modified, a.c.record_sha256).where(
            a.c.id.in_(unique[i : i + _CHUNK])
        )
        for r in conn.execute(query):
            found[r.id] = (as_utc(r.modified) or r.modified, r.record_sha256)
    return found


@dataclass(frozen=True, slots=True)
class _Stored:
    record: str
    score: AdvisoryScore


def _stored_records(conn: Connection, ids: Sequence[str]) -> dict[str, _Stored]:
    """The stored JSON and best score of ``ids`` (read before they are replaced)."""
    found: dict[str, _Stored] = {}
    a = advisories
    for i in range(0, len(ids), _CHUNK):
        query = sa.select(
            a.c.id, a.c.record, a.c.score, a.c.severity, a.c.score_version, a.c.vector
        ).where(a.c.id.in_(list(ids[i : i + _CHUNK])))
        for r in conn.execute(query):
            found[r.id] = _Stored(
                r.record, AdvisoryScore(r.score, r.severity, r.score_version, r.vector)
            )
    return found


def _changed(old: _Stored, item: advisory_repo.PendingAdvisory) -> NewEvent:
    new = item.advisory
    old_record: dict[str, Any] = orjson.loads(old.record)
    try:
        old_advisory = validate(decode_json(old.record.encode()), old.score)
    except RecordError:  # stored under older rules: compare what can be compared
        old_advisory = Advisory(
            id=new.id, modified=new.modified, source=new.source, score=old.score
        )
    return change_event(old_advisory, old_record, new, orjson.loads(item.record_json))


def _prepare(raw: RawRecord, report: ImportReport) -> advisory_repo.PendingAdvisory | None:
    try:
        record, text, encoded = raw.decode_for_storage()
        # Scoring never raises (``best_score`` skips anything unusable), so it can come first
        # and the advisory is built once, with its score.
        advisory = validate(record, _score_of(record))
    except RecordError as exc:
        report.rejected.append(Rejection(raw.origin, exc.field, exc.message))
        return None
    return advisory_repo.PendingAdvisory(advisory, text, hashlib.sha256(encoded).hexdigest())


_UNSCORED = AdvisoryScore(None, None, None, None)


def _score_of(record: OsvRecord) -> AdvisoryScore:
    inputs = severity_inputs(record)
    best = best_score(inputs.entries, inputs.database_specific, inputs.per_affected)
    if best is NO_SCORE:  # most records of some databases (Go): one shared, immutable value
        return _UNSCORED
    return AdvisoryScore(
        score=best.score,
        severity=best.severity.value if best.severity is not None else None,
        version=best.version,
        vector=best.vector,
    )
