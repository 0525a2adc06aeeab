"""``runink db import``: load OSV records into the advisory database.

One import is one transaction: records are decoded and validated first (a bad record is
rejected with its file and field and never touches the database), then written in batches
inside that transaction, so an interrupted import leaves the previous state intact. Records
are upserted by id, keeping the newer ``modified``.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from runink.advisories.loader import FileProblem, RawRecord, Source, plan
from runink.advisories.osv import RecordError, severity_inputs, validate
from runink.model.advisory import AdvisoryScore
from runink.scoring import best_score
from runink.store import advisory_repo
from runink.store.db import utcnow

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
    gc_was_enabled = gc.isenabled()
    gc.disable()  # bulk decoding allocates many containers; the cyclic GC only slows it down
    try:
        with engine.begin() as conn:
            known = advisory_repo.existing_versions(conn)
            pending: dict[str, advisory_repo.PendingAdvisory] = {}

            def flush() -> None:
                replace = [i for i in pending if i in known]
                advisory_repo.write_advisories(conn, list(pending.values()), replace, started)
                for advisory_id, item in pending.items():
                    known[advisory_id] = (item.advisory.modified, item.sha256)
                pending.clear()

            for source in sources:
                for raw in source:
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
            report.seconds = time.perf_counter() - t0
            advisory_repo.record_import_run(
                conn, started=started, finished=utcnow(), origin=origin, counts=report.counts()
            )
    finally:
        if gc_was_enabled:
            gc.enable()
    return report


def _prepare(raw: RawRecord, report: ImportReport) -> advisory_repo.PendingAdvisory | None:
    try:
        record, text = raw.decode()
        advisory = validate(record)
    except RecordError as exc:
        report.rejected.append(Rejection(raw.origin, exc.field, exc.message))
        return None
    inputs = severity_inputs(record)
    best = best_score(inputs.entries, inputs.database_specific, inputs.per_affected)
    score = AdvisoryScore(
        score=best.score,
        severity=best.severity.value if best.severity is not None else None,
        version=best.version,
        vector=best.vector,
    )
    digest = hashlib.sha256(text.encode()).hexdigest()
    return advisory_repo.PendingAdvisory(dataclasses.replace(advisory, score=score), text, digest)
