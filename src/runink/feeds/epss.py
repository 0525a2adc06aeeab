"""FIRST EPSS: the daily scores file (CSV, gzip).

``RUNINK_EPSS_URL`` (default ``https://epss.empiricalsecurity.com/epss_scores-current.csv.gz``;
a dated file such as ``…/epss_scores-2026-05-15.csv.gz`` works too). The file is::

    #model_version:v2025.03.14,score_date:2026-05-15T00:00:00+0000
    cve,epss,percentile
    CVE-2024-0001,0.000430000,0.112680000
    …

Each sync makes a conditional GET (304: nothing to do) and, when the file's ``score_date`` is
newer than the stored one, replaces every stored score in one transaction. A CVE whose EPSS
probability crosses ``feeds.epss.threshold`` (default 0.1) gets an
``epss.threshold_crossed`` event: ``up`` when it was below the threshold (or unscored) and is
now at or above it, ``down`` the other way round (or when it is no longer scored). An older or
same-day file never replaces newer scores. Rows that cannot be read are reported as rejected
and skipped; a file without the ``cve,epss,percentile`` header fails the feed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

from runink.errors import AdvisoryDataError
from runink.feeds import state as feed_state
from runink.feeds.base import ScopeResult, Status, SyncContext
from runink.feeds.events import EventKind, NewEvent, write_events
from runink.store.bulk import db_value, insert_rows
from runink.store.tables import epss_scores

NAME: Final = "epss"
MAX_REPORTED_REJECTIONS: Final = 20
_INSERT_CHUNK: Final = 50_000
_COLUMNS: Final = ("cve_id", "epss", "percentile", "score_date")


@dataclass(frozen=True, slots=True)
class EpssFile:
    model_version: str | None
    score_date: dt.date | None
    scores: dict[str, tuple[float, float]]  # CVE -> (epss, percentile)
    rejected: list[str]
    rejected_count: int


def parse_scores(path: Path, url: str) -> EpssFile:
    """Read a scores file (gzip or plain). Raises ``AdvisoryDataError`` if it is not one."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    try:
        with (
            gzip.open(path, "rt", encoding="utf-8", newline="")
            if gzipped
            else path.open("r", encoding="utf-8", newline="")
        ) as text:
            return _parse(text, url)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise AdvisoryDataError(f"feed epss: {url}: cannot read the scores file: {exc}") from None


def _parse(text: io.TextIOBase | Any, url: str) -> EpssFile:
    lines: Iterator[str] = iter(text)
    first = next(lines, "")
    model_version: str | None = None
    score_date: dt.date | None = None
    lineno = 1
    if first.startswith("#"):
        for part in first[1:].strip().split(","):
            key, _, value = part.partition(":")
            if key.strip() == "model_version":
                model_version = value.strip() or None
            elif key.strip() == "score_date":
                try:
                    score_date = dt.datetime.fromisoformat(value.strip()).date()
                except ValueError:
                    raise AdvisoryDataError(
                        f"feed epss: {url}:1: score_date is not a date: {value.strip()!r}"
                    ) from None
        header_line = next(lines, "")
        lineno = 2
    else:
        header_line = first
    header = [h.strip().lower() for h in header_line.strip().split(",")]
    if not {"cve", "epss", "percentile"} <= set(header):
        raise AdvisoryDataError(
            f"feed epss: {url}:{lineno}: expected the header cve,epss,percentile, "
            f"got {header_line.strip()[:80]!r}"
        )
    i_cve, i_epss, i_pct = header.index("cve"), header.index("epss"), header.index("percentile")
    width = max(i_cve, i_epss, i_pct) + 1
    scores: dict[str, tuple[float, float]] = {}
    rejected: list[str] = []
    count = 0
    for row_no, row in enumerate(csv.reader(lines), lineno + 1):
        if not row:
            continue
        problem = None
        if len(row) < width:
            problem = f"expected {len(header)} columns, got {len(row)}"
        else:
            cve = row[i_cve].strip().upper()
            try:
                epss = float(row[i_epss])
                pct = float(row[i_pct])
            except ValueError:
                problem = "epss and percentile must be numbers"
            else:
                if not (cve.startswith("CVE-") and cve[4:8].isdigit() and cve[8:9] == "-"):
                    problem = f"not a CVE id: {row[i_cve][:40]!r}"
                elif not (0.0 <= epss <= 1.0 and 0.0 <= pct <= 1.0):
                    problem = "epss and percentile must be between 0 and 1"
                else:
                    scores[cve] = (epss, pct)
        if problem is not None:
            count += 1
            if len(rejected) < MAX_REPORTED_REJECTIONS:
                rejected.append(f"{url}:{row_no}: {problem}")
    return EpssFile(model_version, score_date, scores, rejected, count)


@dataclass(frozen=True, slots=True)
class Crossing:
    cve: str
    direction: str  # "up" | "down"
    before: tuple[float, float] | None
    after: tuple[float, float] | None


def crossings(
    old: dict[str, tuple[float, float]],
    new: dict[str, tuple[float, float]],
    threshold: float,
) -> list[Crossing]:
    """CVEs whose EPSS probability moved across ``threshold`` (unscored counts as below)."""
    found: list[Crossing] = []
    for cve, after in new.items():
        before = old.get(cve)
        was = before is not None and before[0] >= threshold
        if was != (after[0] >= threshold):
            found.append(Crossing(cve, "down" if was else "up", before, after))
    for cve, before in old.items():
        if before[0] >= threshold and cve not in new:
            found.append(Crossing(cve, "down", before, None))
    found.sort(key=lambda c: c.cve)
    return found


class EpssFeed:
    name = NAME

    def scopes(self, ctx: SyncContext) -> list[str]:
        return [""]

    def sync(self, ctx: SyncContext, scope: str) -> ScopeResult:
        started = time.perf_counter()
        result = ScopeResult(NAME, scope)
        url = ctx.settings.epss.url
        threshold = ctx.settings.epss.threshold
        http = ctx.http(NAME)
        try:
            with ctx.engine.connect() as conn:
                state = feed_state.load_state(conn, NAME)
            with tempfile.TemporaryDirectory(prefix="runink-epss-") as tmp:
                path = Path(tmp) / "scores"
                ctx.progress.start(NAME, "epss: downloading scores")
                with path.open("wb") as sink:
                    validators = http.download(
                        url,
                        sink,
                        validators=state.validators_for(url),
                        progress=lambda done, total: ctx.progress.update(
                            NAME, completed=done, total=total
                        ),
                    )
                now = ctx.now()
                if validators is None:  # 304
                    with ctx.engine.begin() as conn:
                        feed_state.save_state(conn, feed_state.succeeded(state, now))
                    result.status = Status.NOT_MODIFIED
                    result.detail = "scores not modified"
                    return result
                ctx.progress.start(NAME, "epss: reading scores")
                scores = parse_scores(path, url)
            score_date = scores.score_date or now.date()
            stored_date = _stored_date(state.cursor)
            result.rejected = list(scores.rejected)
            if scores.rejected_count > len(scores.rejected):
                more = scores.rejected_count - len(scores.rejected)
                result.rejected.append(f"{url}: … and {more} more rows rejected")
            if stored_date is not None and score_date <= stored_date:
                with ctx.engine.begin() as conn:
                    feed_state.save_state(
                        conn,
                        feed_state.succeeded(
                            state, now, validators={url: validators} if validators else None
                        ),
                    )
                result.status = Status.UNCHANGED
                result.unchanged = len(scores.scores)
                result.detail = f"scores of {score_date} already stored (have {stored_date})"
                return result
            ctx.progress.start(NAME, "epss: applying scores")
            with ctx.engine.begin() as conn:
                old = {
                    r.cve_id: (r.epss, r.percentile)
                    for r in conn.execute(
                        sa.select(
                            epss_scores.c.cve_id, epss_scores.c.epss, epss_scores.c.percentile
                        )
                    )
                }
                conn.execute(sa.delete(epss_scores))
                day = db_value(conn, score_date)
                rows = [(cve, e, p, day) for cve, (e, p) in scores.scores.items()]
                for i in range(0, len(rows), _INSERT_CHUNK):
                    insert_rows(conn, epss_scores, _COLUMNS, rows[i : i + _INSERT_CHUNK])
                events = [
                    _event(c, threshold, score_date)
                    for c in crossings(old, scores.scores, threshold)
                ]
                result.events = write_events(conn, events, source=NAME, now=now)
                feed_state.save_state(
                    conn,
                    feed_state.succeeded(
                        state,
                        now,
                        cursor={
                            "score_date": score_date.isoformat(),
                            "model_version": scores.model_version,
                            "count": len(rows),
                        },
                        validators={url: validators} if validators else None,
                        newest=dt.datetime(
                            score_date.year, score_date.month, score_date.day, tzinfo=dt.UTC
                        ),
                    ),
                )
            result.new = len(set(scores.scores) - set(old))
            result.updated = sum(
                1 for cve, value in scores.scores.items() if cve in old and old[cve] != value
            )
            result.unchanged = len(scores.scores) - result.new - result.updated
            result.removed = len(set(old) - set(scores.scores))
            result.status = Status.UPDATED
            result.detail = (
                f"scores of {score_date}, {len(rows)} CVEs, {result.events} crossed {threshold:g}"
            )
            return result
        finally:
            result.requests = http.requests
            result.bytes = http.bytes
            result.seconds = time.perf_counter() - started


def _stored_date(cursor: dict[str, Any]) -> dt.date | None:
    value = cursor.get("score_date")
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _event(crossing: Crossing, threshold: float, score_date: dt.date) -> NewEvent:
    before, after = crossing.before, crossing.after
    return NewEvent(
        EventKind.EPSS_THRESHOLD_CROSSED,
        crossing.cve,
        {
            "direction": crossing.direction,
            "threshold": threshold,
            "epss": {"before": before[0] if before else None, "after": after[0] if after else None},
            "percentile": {
                "before": before[1] if before else None,
                "after": after[1] if after else None,
            },
            "score_date": score_date.isoformat(),
        },
    )
