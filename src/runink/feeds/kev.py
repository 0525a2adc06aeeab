"""CISA Known Exploited Vulnerabilities: the catalog as JSON.

``RUNINK_KEV_URL`` (default CISA's ``known_exploited_vulnerabilities.json``). The catalog has
no delta feed: each sync makes a conditional GET (304: nothing to do), then replaces the stored
catalog with the new one in one transaction, writing a ``kev.added`` event for every CVE that
was not listed before and ``kev.removed`` for every CVE that is no longer listed (CISA has
removed entries). Entries that cannot be used (no CVE id, an invalid date) are reported as
rejected and skipped; a body that is not the catalog fails the feed.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from typing import Any, Final

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from runink.errors import AdvisoryDataError
from runink.feeds import state as feed_state
from runink.feeds.base import ScopeResult, Status, SyncContext
from runink.feeds.events import EventKind, NewEvent, write_events
from runink.store.tables import advisories, advisory_aliases, kev_entries

NAME: Final = "kev"
CVE_ID: Final = re.compile(r"^CVE-\d{4}-\d{4,}$")
_CHUNK: Final = 500


class KevVulnerability(msgspec.Struct, omit_defaults=True):
    cveID: str
    dateAdded: str
    vendorProject: str = ""
    product: str = ""
    vulnerabilityName: str = ""
    shortDescription: str = ""
    requiredAction: str = ""
    dueDate: str | None = None
    knownRansomwareCampaignUse: str = "Unknown"
    notes: str = ""
    cwes: list[str] = []


class KevCatalog(msgspec.Struct):
    vulnerabilities: list[KevVulnerability]
    title: str = ""
    catalogVersion: str = ""
    dateReleased: str | None = None
    count: int | None = None


_DECODER = msgspec.json.Decoder(KevCatalog)


def parse_catalog(body: bytes, url: str) -> tuple[KevCatalog, list[dict[str, Any]], list[str]]:
    """The catalog, its usable entries as table rows (one per CVE), and rejections."""
    try:
        catalog = _DECODER.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise AdvisoryDataError(f"feed kev: {url}: not a KEV catalog: {exc}") from None
    rows: dict[str, dict[str, Any]] = {}
    rejected: list[str] = []
    for i, vuln in enumerate(catalog.vulnerabilities):
        where = f"{url}: vulnerabilities[{i}]"
        cve = vuln.cveID.strip().upper()
        if not CVE_ID.match(cve):
            rejected.append(f"{where}.cveID: not a CVE id: {vuln.cveID!r}")
            continue
        try:
            added = dt.date.fromisoformat(vuln.dateAdded.strip())
            due = dt.date.fromisoformat(vuln.dueDate.strip()) if vuln.dueDate else None
        except ValueError as exc:
            rejected.append(f"{where}: {cve}: invalid date: {exc}")
            continue
        rows[cve] = {
            "cve_id": cve,
            "vendor_project": vuln.vendorProject,
            "product": vuln.product,
            "vulnerability_name": vuln.vulnerabilityName,
            "date_added": added,
            "due_date": due,
            "known_ransomware": (vuln.knownRansomwareCampaignUse or "Unknown")[:16],
            "short_description": vuln.shortDescription,
            "required_action": vuln.requiredAction,
            "notes": vuln.notes,
            "cwes": " ".join(c.strip() for c in vuln.cwes if c.strip()),
        }
    return catalog, [rows[k] for k in sorted(rows)], rejected


def advisories_for(conn: Connection, cves: Sequence[str]) -> dict[str, list[str]]:
    """CVE id -> the stored advisories that are that CVE or alias it."""
    found: dict[str, set[str]] = {}
    unique = sorted(set(cves))
    for i in range(0, len(unique), _CHUNK):
        chunk = unique[i : i + _CHUNK]
        for r in conn.execute(
            sa.select(advisory_aliases.c.alias, advisory_aliases.c.advisory_id).where(
                advisory_aliases.c.alias.in_(chunk)
            )
        ):
            found.setdefault(r.alias, set()).add(r.advisory_id)
        for advisory_id in conn.execute(
            sa.select(advisories.c.id).where(advisories.c.id.in_(chunk))
        ).scalars():
            found.setdefault(advisory_id, set()).add(advisory_id)
    return {cve: sorted(ids) for cve, ids in found.items()}


class KevFeed:
    name = NAME

    def scopes(self, ctx: SyncContext) -> list[str]:
        return [""]

    def sync(self, ctx: SyncContext, scope: str) -> ScopeResult:
        started = time.perf_counter()
        result = ScopeResult(NAME, scope)
        url = ctx.settings.kev.url
        http = ctx.http(NAME)
        try:
            with ctx.engine.connect() as conn:
                state = feed_state.load_state(conn, NAME)
            ctx.progress.start(NAME, "kev: fetching the catalog")
            got = http.get(url, validators=state.validators_for(url))
            now = ctx.now()
            if got is None:
                with ctx.engine.begin() as conn:
                    feed_state.save_state(conn, feed_state.succeeded(state, now))
                result.status = Status.NOT_MODIFIED
                result.detail = "catalog not modified"
                return result
            body, validators = got
            catalog, rows, rejected = parse_catalog(body, url)
            released = _released(catalog, rows)
            with ctx.engine.begin() as conn:
                old = {
                    r.cve_id: r
                    for r in conn.execute(sa.select(kev_entries.c.cve_id, kev_entries.c.date_added))
                }
                new_ids = {r["cve_id"] for r in rows}
                added = [r for r in rows if r["cve_id"] not in old]
                removed = sorted(set(old) - new_ids)
                conn.execute(sa.delete(kev_entries))
                for i in range(0, len(rows), _CHUNK):
                    conn.execute(sa.insert(kev_entries), rows[i : i + _CHUNK])
                linked = advisories_for(conn, [r["cve_id"] for r in added] + removed)
                events = [_added_event(r, linked.get(r["cve_id"], [])) for r in added]
                events.extend(
                    NewEvent(
                        EventKind.KEV_REMOVED,
                        cve,
                        {
                            "date_added": old[cve].date_added.isoformat(),
                            "advisories": linked.get(cve, []),
                        },
                    )
                    for cve in removed
                )
                result.events = write_events(conn, events, source=NAME, now=now)
                feed_state.save_state(
                    conn,
                    feed_state.succeeded(
                        state,
                        now,
                        cursor={"catalog_version": catalog.catalogVersion, "count": len(rows)},
                        validators={url: validators} if validators else None,
                        newest=released,
                    ),
                )
            result.new = len(added)
            result.removed = len(removed)
            result.unchanged = len(rows) - len(added)
            result.rejected = rejected
            result.status = Status.UPDATED if (added or removed) else Status.UNCHANGED
            result.detail = f"catalog {catalog.catalogVersion or '?'}, {len(rows)} CVEs"
            return result
        finally:
            result.requests = http.requests
            result.bytes = http.bytes
            result.seconds = time.perf_counter() - started


def _released(catalog: KevCatalog, rows: list[dict[str, Any]]) -> dt.datetime | None:
    if catalog.dateReleased:
        try:
            stamp = dt.datetime.fromisoformat(catalog.dateReleased.strip())
            return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp
        except ValueError:
            pass
    if not rows:
        return None
    newest: dt.date = max(r["date_added"] for r in rows)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)


def _added_event(row: dict[str, Any], linked: list[str]) -> NewEvent:
    due = row["due_date"]
    return NewEvent(
        EventKind.KEV_ADDED,
        row["cve_id"],
        {
            "vendor_project": row["vendor_project"],
            "product": row["product"],
            "vulnerability_name": row["vulnerability_name"],
            "date_added": row["date_added"].isoformat(),
            "due_date": due.isoformat() if due else None,
            "known_ransomware": row["known_ransomware"],
            "cwes": row["cwes"].split(),
            "advisories": linked,
        },
    )
