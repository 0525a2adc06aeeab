"""KEV, EPSS and NVD data by CVE id: what scoring, policies (``cve.kev``, ``cve.epss``) and
reports join to advisories through their aliases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from runink.store.db import as_utc
from runink.store.tables import epss_scores, kev_entries, nvd_metrics

_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class KevEntry:
    cve_id: str
    date_added: dt.date
    due_date: dt.date | None
    known_ransomware: bool
    vendor_project: str
    product: str
    vulnerability_name: str


@dataclass(frozen=True, slots=True)
class EpssScore:
    cve_id: str
    epss: float
    percentile: float
    score_date: dt.date


@dataclass(frozen=True, slots=True)
class NvdMetrics:
    cve_id: str
    last_modified: dt.datetime
    cvss_v4_vector: str | None
    cvss_v4_score: float | None
    cvss_v3_version: str | None
    cvss_v3_vector: str | None
    cvss_v3_score: float | None
    cvss_v2_vector: str | None
    cvss_v2_score: float | None
    cwes: tuple[str, ...]

    @property
    def best_vector(self) -> str | None:
        """The newest CVSS version NVD gives: v4.0, then v3.x, then v2."""
        return self.cvss_v4_vector or self.cvss_v3_vector or self.cvss_v2_vector


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    unique = sorted(set(ids))
    for i in range(0, len(unique), _CHUNK):
        yield unique[i : i + _CHUNK]


def kev_entries_for(conn: Connection, cve_ids: Iterable[str]) -> dict[str, KevEntry]:
    found: dict[str, KevEntry] = {}
    t = kev_entries
    for chunk in _chunks(cve_ids):
        for r in conn.execute(sa.select(t).where(t.c.cve_id.in_(chunk))):
            found[r.cve_id] = KevEntry(
                r.cve_id,
                r.date_added,
                r.due_date,
                r.known_ransomware.lower() == "known",
                r.vendor_project,
                r.product,
                r.vulnerability_name,
            )
    return found


def epss_for(conn: Connection, cve_ids: Iterable[str]) -> dict[str, EpssScore]:
    found: dict[str, EpssScore] = {}
    t = epss_scores
    for chunk in _chunks(cve_ids):
        for r in conn.execute(sa.select(t).where(t.c.cve_id.in_(chunk))):
            found[r.cve_id] = EpssScore(r.cve_id, r.epss, r.percentile, r.score_date)
    return found


def nvd_metrics_for(conn: Connection, cve_ids: Iterable[str]) -> dict[str, NvdMetrics]:
    found: dict[str, NvdMetrics] = {}
    t = nvd_metrics
    for chunk in _chunks(cve_ids):
        for r in conn.execute(sa.select(t).where(t.c.cve_id.in_(chunk))):
            found[r.cve_id] = NvdMetrics(
                r.cve_id,
                as_utc(r.last_modified) or r.last_modified,
                r.cvss_v4_vector,
                r.cvss_v4_score,
                r.cvss_v3_version,
                r.cvss_v3_vector,
                r.cvss_v3_score,
                r.cvss_v2_vector,
                r.cvss_v2_score,
                tuple(r.cwes.split()),
            )
    return found
