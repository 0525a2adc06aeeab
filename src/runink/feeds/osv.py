"""OSV: per-ecosystem incremental sync from OSV's data dumps (or a mirror of them).

The bucket (``RUNINK_OSV_URL``, default ``https://storage.googleapis.com/osv-vulnerabilities``)
holds, per ecosystem directory (the ecosystem cut at its first ``:``, so ``Debian:12`` is
``Debian/``):

* ``<dir>/all.zip`` — every record of the ecosystem, withdrawn ones included;
* ``<dir>/modified_id.csv`` — ``<modified>,<id>`` rows without a header, newest first;
* ``<dir>/<id>.json`` — one record.

**First sync** (no cursor): read the head of ``modified_id.csv`` (its newest time T0 and the
rows within a second of it), download ``all.zip``, import it, and set the cursor to T0.

**Each later sync**: a conditional GET of ``modified_id.csv`` (304: nothing changed). Rows are
read newest first until the first one older than ``cursor − 1 s`` — the CSV is sorted by the
timestamp *string*, which is not time order within one second, so the second before the cursor
is always re-read; the rows of that second already applied are remembered (``seen``) and not
fetched again. Each remaining record is fetched (``<dir>/<id>.json``, a few in parallel) and
upserted through ``services.importing.apply_records`` — the ``db import`` code path — in one
transaction with the new cursor and the CSV's validators. When more records changed than
``feeds.osv.zip_threshold``, ``all.zip`` is downloaded instead.

A fetched record older than its CSV row (a cached copy), or one the bucket does not have yet
(404), is retried on the next syncs (``retry`` in the cursor); a record still missing after
``MAX_MISSING_ATTEMPTS`` syncs is reported as rejected. Withdrawn records are stored and marked;
OSV never deletes records from the dumps.
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import datetime as dt
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from runink.advisories.loader import FileProblem, RawRecord, plan
from runink.advisories.osv import RecordError, decode_json, parse_timestamp
from runink.errors import AdvisoryDataError, UsageError
from runink.feeds import state as feed_state
from runink.feeds.base import ScopeResult, Status, SyncContext, Validators
from runink.feeds.http import FeedHttp, HttpStatusError
from runink.model.ecosystems import base_ecosystem
from runink.services.importing import ImportReport, apply_records, stored_versions
from runink.store import advisory_repo
from runink.store.tables import affected_packages

NAME: Final = "osv"
MAX_MISSING_ATTEMPTS: Final = 3
_SECOND: Final = dt.timedelta(seconds=1)
_EARLIEST: Final = dt.datetime.min.replace(tzinfo=dt.UTC)


def ecosystem_dir(ecosystem: str) -> str:
    """The bucket directory of an ecosystem: ``Debian:12`` -> ``Debian``."""
    return base_ecosystem(ecosystem.strip())


def object_url(base: str, *segments: str) -> str:
    """``base/seg/seg`` with every segment percent-encoded (``Red Hat`` -> ``Red%20Hat``,
    ``ALSA-2023:4158.json`` -> ``ALSA-2023%3A4158.json``)."""
    return base.rstrip("/") + "/" + "/".join(quote(s, safe="") for s in segments)


def present_ecosystems(conn: Connection) -> list[str]:
    """The default ecosystems to follow: those named by stored advisories, and those synced
    before. (The monitor adds the ecosystems of its inventory through
    ``SyncContext.default_ecosystems``.)"""
    named = conn.execute(sa.select(affected_packages.c.ecosystem_base).distinct()).scalars()
    synced = [s.scope for s in feed_state.all_states(conn) if s.feed == NAME]
    return sorted({*named, *synced})


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One ``modified_id.csv`` row."""

    modified: dt.datetime
    id: str

    @property
    def stamp(self) -> str:
        return self.modified.isoformat()


def parse_index(lines: Iterable[str], where: str) -> list[IndexRow]:
    """Rows of ``modified_id.csv`` (``where`` names it in errors, with the line number)."""
    rows: list[IndexRow] = []
    for lineno, line in enumerate(lines, 1):
        row = _parse_index_line(line, f"{where}:{lineno}")
        if row is not None:
            rows.append(row)
    return rows


def _parse_index_line(line: str, where: str) -> IndexRow | None:
    if not line.strip():
        return None
    try:
        fields = next(csv.reader([line]))
    except csv.Error as exc:
        raise AdvisoryDataError(f"{where}: not a CSV row: {exc}") from None
    if len(fields) != 2 or not fields[1].strip():
        raise AdvisoryDataError(f"{where}: expected '<modified>,<id>', got {line[:120]!r}")
    try:
        modified = parse_timestamp(fields[0], "modified")
    except RecordError:
        raise AdvisoryDataError(f"{where}: not an RFC 3339 time: {fields[0][:60]!r}") from None
    record_id = fields[1].strip()
    if "/" in record_id:  # the bucket-wide CSV prefixes the directory; per-ecosystem ones do not
        record_id = record_id.rsplit("/", 1)[1]
    return IndexRow(modified, record_id)


def _minus_second(value: dt.datetime) -> dt.datetime:
    return value - _SECOND if value > _EARLIEST + _SECOND else _EARLIEST


@dataclass(slots=True)
class Cursor:
    """The OSV part of ``feed_state.cursor``."""

    time: dt.datetime | None = None  # the newest ``modified`` read from the CSV
    seen: dict[str, str] = field(default_factory=dict)  # id -> stamp, rows within 1 s of time
    retry: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {stamp, attempts}
    bootstrapped: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cursor:
        raw_time = data.get("time")
        time_value = None
        if isinstance(raw_time, str):
            try:
                time_value = parse_timestamp(raw_time, "time")
            except RecordError:
                time_value = None
        seen = data.get("seen")
        retry = data.get("retry")
        return cls(
            time=time_value,
            seen={str(k): str(v) for k, v in seen.items()} if isinstance(seen, dict) else {},
            retry={str(k): v for k, v in retry.items() if isinstance(v, dict)}
            if isinstance(retry, dict)
            else {},
            bootstrapped=bool(data.get("bootstrapped")),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat() if self.time else None,
            "seen": dict(sorted(self.seen.items())),
            "retry": dict(sorted(self.retry.items())),
            "bootstrapped": self.bootstrapped,
        }


class OsvFeed:
    """The OSV feed: one scope per ecosystem directory."""

    name = NAME

    def scopes(self, ctx: SyncContext) -> list[str]:
        chosen: Iterable[str] = ctx.ecosystems or ctx.settings.osv.ecosystems
        if not chosen:
            hook = ctx.default_ecosystems or present_ecosystems
            with ctx.engine.connect() as conn:
                chosen = list(hook(conn))
        dirs = sorted({ecosystem_dir(e) for e in chosen if e.strip()})
        if not dirs:
            raise UsageError(
                "feeds.osv.ecosystems: no ecosystem to follow: pass --ecosystem (e.g. "
                "--ecosystem PyPI), set feeds.osv.ecosystems in the config file, or import "
                "advisories first"
            )
        return dirs

    def sync(self, ctx: SyncContext, scope: str) -> ScopeResult:
        return _ScopeSync(ctx, scope).run()


class _ScopeSync:
    """One ecosystem's sync."""

    def __init__(self, ctx: SyncContext, scope: str) -> None:
        self.ctx = ctx
        self.scope = scope
        self.label = feed_state.label(NAME, scope)
        self.key = f"{NAME}:{scope}"
        self.http: FeedHttp = ctx.http(self.label)
        base = ctx.settings.osv.url
        self.base = base
        self.csv_url = object_url(base, scope, "modified_id.csv")
        self.zip_url = object_url(base, scope, "all.zip")
        self.result = ScopeResult(NAME, scope)
        self.started = time.perf_counter()

    # -- flow -----------------------------------------------------------------------------------

    def run(self) -> ScopeResult:
        with self.ctx.engine.connect() as conn:
            state = feed_state.load_state(conn, NAME, self.scope)
        cursor = Cursor.from_json(state.cursor)
        try:
            if not cursor.bootstrapped:
                self._bootstrap(state, cursor)
            else:
                self._incremental(state, cursor)
        except HttpStatusError as exc:
            if exc.status == 404 and f"GET {self.csv_url}:" in str(exc):
                raise AdvisoryDataError(
                    f"{exc}: is {self.scope!r} an OSV ecosystem? Names are case-sensitive "
                    "(PyPI, npm, Go, crates.io, Maven, Debian, …)"
                ) from None
            raise
        finally:
            self.result.requests = self.http.requests
            self.result.bytes = self.http.bytes
            self.result.seconds = time.perf_counter() - self.started
        return self.result

    def _bootstrap(self, state: feed_state.FeedState, cursor: Cursor) -> None:
        self.ctx.progress.start(self.key, f"osv {self.scope}: reading the index")
        head: list[dt.datetime] = []

        def past_first_second(line: str) -> bool:
            row = _parse_index_line(line, self.csv_url)
            if row is None:
                return False
            if not head:
                head.append(row.modified)
                return False
            return row.modified < _minus_second(head[0])

        fetched = self.http.lines(self.csv_url, until=past_first_second)
        if fetched is None:  # pragma: no cover - no validators were sent
            raise AdvisoryDataError(f"{self.csv_url}: unexpected 304 without validators")
        lines, csv_validators = fetched
        rows = parse_index(lines, self.csv_url)
        self._zip_sync(state, cursor, rows, csv_validators, detail="first sync from all.zip")

    def _incremental(self, state: feed_state.FeedState, cursor: Cursor) -> None:
        self.ctx.progress.start(self.key, f"osv {self.scope}: reading the index")
        cutoff = _minus_second(cursor.time) if cursor.time is not None else None

        def older_than_cutoff(line: str) -> bool:
            if cutoff is None:
                return False
            row = _parse_index_line(line, self.csv_url)
            return row is not None and row.modified < cutoff

        fetched = self.http.lines(
            self.csv_url, until=older_than_cutoff, validators=state.validators_for(self.csv_url)
        )
        csv_validators: Validators | None = None
        rows: list[IndexRow] = []
        if fetched is not None:
            lines, csv_validators = fetched
            rows = parse_index(lines, self.csv_url)
        wanted: dict[str, IndexRow] = {}
        for row in rows:  # newest first: keep each id's newest row
            if cursor.seen.get(row.id) == row.stamp or row.id in wanted:
                continue
            wanted[row.id] = row
        for record_id, entry in cursor.retry.items():
            if record_id not in wanted:
                stamp = entry.get("stamp")
                try:
                    modified = dt.datetime.fromisoformat(str(stamp))
                except ValueError:
                    modified = _EARLIEST
                wanted[record_id] = IndexRow(modified, record_id)
        if len(wanted) > self.ctx.settings.osv.zip_threshold:
            self._zip_sync(
                state,
                cursor,
                rows,
                csv_validators,
                detail=f"{len(wanted)} changed records: all.zip instead",
            )
            return
        if fetched is None and not wanted:
            self._save_unchanged(state, cursor, Status.NOT_MODIFIED, "index not modified")
            return
        if not wanted:
            self._save_cursor_only(state, cursor, rows, csv_validators)
            return
        records, missing, stale = self._fetch_records(wanted)
        self._apply_fetched(state, cursor, rows, csv_validators, wanted, records, missing, stale)

    # -- fetching -------------------------------------------------------------------------------

    def _fetch_records(
        self, wanted: dict[str, IndexRow]
    ) -> tuple[dict[str, bytes], set[str], set[str]]:
        """Fetch every wanted record; returns (bodies, ids the bucket lacks, stale ids)."""
        ids = sorted(wanted)
        self.ctx.progress.start(self.key, f"osv {self.scope}: fetching records", total=len(ids))
        bodies: dict[str, bytes] = {}
        missing: set[str] = set()

        def fetch(record_id: str) -> tuple[str, bytes | None]:
            url = object_url(self.base, self.scope, f"{record_id}.json")
            try:
                got = self.http.get(url)
            except HttpStatusError as exc:
                if exc.status == 404:
                    return record_id, None
                raise
            if got is None:  # pragma: no cover - no validators were sent
                raise AdvisoryDataError(f"{url}: unexpected 304 without validators")
            return record_id, got[0]

        workers = max(1, min(self.ctx.settings.osv.concurrency, len(ids)))
        with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="osv") as pool:
            futures = [pool.submit(fetch, i) for i in ids]
            try:
                for future in concurrent.futures.as_completed(futures):
                    record_id, body = future.result()
                    if body is None:
                        missing.add(record_id)
                    else:
                        bodies[record_id] = body
                    self.ctx.progress.advance(self.key)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        stale = set()
        for record_id, body in bodies.items():
            try:
                modified = parse_timestamp(decode_json(body).modified, "modified")
            except RecordError:
                continue  # apply_records rejects it with the field at fault
            if modified < wanted[record_id].modified:
                stale.add(record_id)  # an older copy (a cache): fetch again next time
        return bodies, missing, stale

    # -- applying -------------------------------------------------------------------------------

    def _apply_fetched(
        self,
        state: feed_state.FeedState,
        cursor: Cursor,
        rows: list[IndexRow],
        csv_validators: Validators | None,
        wanted: dict[str, IndexRow],
        bodies: dict[str, bytes],
        missing: set[str],
        stale: set[str],
    ) -> None:
        now = self.ctx.now()
        retry: dict[str, dict[str, Any]] = {}
        rejections: list[str] = []
        for record_id in sorted(missing | stale):
            attempts = int(cursor.retry.get(record_id, {}).get("attempts", 0)) + 1
            row = wanted[record_id]
            if record_id in missing and attempts >= MAX_MISSING_ATTEMPTS:
                url = object_url(self.base, self.scope, f"{record_id}.json")
                rejections.append(
                    f"{url}: listed in modified_id.csv but not found (HTTP 404) "
                    f"in {attempts} syncs; giving up"
                )
                continue
            retry[record_id] = {"stamp": row.stamp, "attempts": attempts}
        raws = [
            RawRecord(object_url(self.base, self.scope, f"{i}.json"), "json", bodies[i])
            for i in sorted(bodies)
        ]
        report = ImportReport()
        self.ctx.progress.start(self.key, f"osv {self.scope}: applying", total=len(raws))
        with self.ctx.engine.begin() as conn:
            apply_records(
                conn,
                raws,
                report,
                now=now,
                event_source=f"{NAME}:{self.scope}",
                progress=lambda n: self.ctx.progress.advance(self.key, n),
                only_ids=sorted(bodies),
            )
            new_cursor = self._advance(cursor, rows, retry)
            feed_state.save_state(
                conn,
                feed_state.succeeded(
                    state,
                    now,
                    cursor=new_cursor.to_json(),
                    validators={self.csv_url: csv_validators} if csv_validators else None,
                    newest=new_cursor.time,
                ),
            )
            self._record_run(conn, now, report, origin=f"osv:{self.scope} {self.csv_url}")
        self._report(report, rejections, detail=f"{len(bodies)} changed records fetched")

    def _zip_sync(
        self,
        state: feed_state.FeedState,
        cursor: Cursor,
        rows: list[IndexRow],
        csv_validators: Validators | None,
        *,
        detail: str,
    ) -> None:
        with tempfile.TemporaryDirectory(prefix="runink-osv-") as tmp:
            path = Path(tmp) / "all.zip"
            self.ctx.progress.start(self.key, f"osv {self.scope}: downloading all.zip")
            with path.open("wb") as sink:
                zip_validators = self.http.download(
                    self.zip_url,
                    sink,
                    progress=lambda done, total: self.ctx.progress.update(
                        self.key, completed=done, total=total
                    ),
                )
            source = plan(path)
            if isinstance(source, FileProblem):
                raise AdvisoryDataError(f"{self.zip_url}: {source.message}")
            prefix = str(path)
            now = self.ctx.now()
            report = ImportReport()
            self.ctx.progress.start(
                self.key, f"osv {self.scope}: importing all.zip", total=source.count
            )
            with self.ctx.engine.begin() as conn:
                apply_records(
                    conn,
                    _renamed(source, prefix, self.zip_url),
                    report,
                    now=now,
                    event_source=f"{NAME}:{self.scope}",
                    progress=lambda n: self.ctx.progress.advance(self.key, n),
                )
                # Rows the zip holds an older version of (it was built before the index was
                # read) are fetched on the next sync.
                newest = {r.id: r for r in reversed(rows)}
                stored = stored_versions(conn, sorted(newest))
                retry = {
                    i: {"stamp": r.stamp, "attempts": 0}
                    for i, r in newest.items()
                    if i not in stored or stored[i][0] < r.modified
                }
                new_cursor = self._advance(
                    dataclasses.replace(cursor, seen={}, retry={}), rows, retry
                )
                validators = {self.zip_url: zip_validators} if zip_validators else {}
                if csv_validators:
                    validators[self.csv_url] = csv_validators
                feed_state.save_state(
                    conn,
                    feed_state.succeeded(
                        state,
                        now,
                        cursor=new_cursor.to_json(),
                        validators=validators,
                        newest=new_cursor.time,
                    ),
                )
                self._record_run(conn, now, report, origin=f"osv:{self.scope} {self.zip_url}")
        self._report(report, [], detail=detail)

    def _save_unchanged(
        self, state: feed_state.FeedState, cursor: Cursor, status: Status, detail: str
    ) -> None:
        now = self.ctx.now()
        with self.ctx.engine.begin() as conn:
            feed_state.save_state(conn, feed_state.succeeded(state, now, cursor=cursor.to_json()))
        self.result.status = status
        self.result.detail = detail

    def _save_cursor_only(
        self,
        state: feed_state.FeedState,
        cursor: Cursor,
        rows: list[IndexRow],
        csv_validators: Validators | None,
    ) -> None:
        now = self.ctx.now()
        new_cursor = self._advance(cursor, rows, {})
        with self.ctx.engine.begin() as conn:
            feed_state.save_state(
                conn,
                feed_state.succeeded(
                    state,
                    now,
                    cursor=new_cursor.to_json(),
                    validators={self.csv_url: csv_validators} if csv_validators else None,
                    newest=new_cursor.time,
                ),
            )
        self.result.status = Status.UNCHANGED
        self.result.detail = "no new records"

    @staticmethod
    def _advance(cursor: Cursor, rows: list[IndexRow], retry: dict[str, dict[str, Any]]) -> Cursor:
        """The cursor after applying ``rows`` (every row read, newest first)."""
        times = [r.modified for r in rows]
        if cursor.time is not None:
            times.append(cursor.time)
        new_time = max(times) if times else None
        seen: dict[str, str] = {}
        if new_time is not None:
            window = _minus_second(new_time)
            for record_id, stamp in cursor.seen.items():
                try:
                    if dt.datetime.fromisoformat(stamp) >= window:
                        seen[record_id] = stamp
                except ValueError:
                    continue
            for row in reversed(rows):  # oldest first, so each id keeps its newest row
                if row.modified >= window:
                    seen[row.id] = row.stamp
        for record_id in retry:
            seen.pop(record_id, None)
        return Cursor(time=new_time, seen=seen, retry=retry, bootstrapped=True)

    def _record_run(
        self, conn: Connection, now: dt.datetime, report: ImportReport, *, origin: str
    ) -> None:
        if report.new or report.updated or report.rejected:
            advisory_repo.record_import_run(
                conn, started=now, finished=self.ctx.now(), origin=origin, counts=report.counts()
            )

    def _report(self, report: ImportReport, rejections: list[str], *, detail: str) -> None:
        r = self.result
        r.new, r.updated, r.unchanged = report.new, report.updated, report.unchanged
        r.withdrawn = report.withdrawn
        r.events = report.events
        r.rejected = [str(x) for x in report.rejected] + rejections
        r.status = Status.UPDATED if (report.new or report.updated) else Status.UNCHANGED
        r.detail = detail


def _renamed(
    records: Iterable[RawRecord | FileProblem], prefix: str, url: str
) -> Iterator[RawRecord | FileProblem]:
    """Name zip entries by the archive's URL rather than its temporary file."""
    for raw in records:
        if raw.origin.startswith(prefix):
            origin = url + raw.origin[len(prefix) :]
            raw = (
                RawRecord(origin, raw.format, raw.data)
                if isinstance(raw, RawRecord)
                else FileProblem(origin, raw.message)
            )
        yield raw
