"""Advisories in OSV terms, as frozen models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

EventKind = Literal["introduced", "fixed", "last_affected", "limit"]
EVENT_KINDS: Final[tuple[EventKind, ...]] = ("introduced", "fixed", "last_affected", "limit")
RangeType = Literal["ECOSYSTEM", "SEMVER", "GIT"]


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    version: str


@dataclass(frozen=True, slots=True)
class Range:
    type: RangeType
    events: tuple[Event, ...]
    repo: str | None = None


@dataclass(frozen=True, slots=True)
class Affected:
    """One ``affected[]`` entry: a package and the versions of it that are affected.

    ``index`` is the entry's position in the record's ``affected`` list (used in explanations).
    ``name`` is normalized for the ecosystem; ``raw_name`` is as the record wrote it.
    """

    index: int
    ecosystem: str
    name: str
    raw_name: str
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    purl: str | None = None


@dataclass(frozen=True, slots=True)
class AdvisoryScore:
    """The advisory's best score (see ``runink.scoring``), kept denormalized for queries."""

    score: float | None
    severity: str | None  # "low" | "medium" | "high" | "critical" | "none" | None
    version: str | None
    vector: str | None


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    modified: dt.datetime
    source: str
    published: dt.datetime | None = None
    withdrawn: dt.datetime | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    affected: tuple[Affected, ...] = ()
    score: AdvisoryScore = AdvisoryScore(None, None, None, None)
    cwes: tuple[str, ...] = ()
    schema_version: str | None = None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn is not None


# Advisory id prefix -> the database that publishes it (for ``db status``).
SOURCE_BY_PREFIX: Final[dict[str, str]] = {
    "PYSEC": "PyPA",
    "GO": "Go",
    "RUSTSEC": "RustSec",
    "GHSA": "GitHub",
    "CVE": "CVE",
    "OSV": "OSS-Fuzz",
    "MAL": "OpenSSF Malicious Packages",
    "DSA": "Debian",
    "DLA": "Debian",
    "DTSA": "Debian",
    "DEBIAN": "Debian",
    "USN": "Ubuntu",
    "UBUNTU": "Ubuntu",
    "ALSA": "AlmaLinux",
    "ALBA": "AlmaLinux",
    "ALEA": "AlmaLinux",
    "RLSA": "Rocky Linux",
    "RXSA": "Rocky Linux",
    "RHSA": "Red Hat",
    "RHBA": "Red Hat",
    "RHEA": "Red Hat",
    "SUSE": "SUSE",
    "OPENSUSE": "openSUSE",
    "BIT": "Bitnami",
    "PSF": "Python Software Foundation",
    "CURL": "curl",
    "GSD": "GSD",
    "CGA": "Chainguard",
    "MINI": "Minimus",
    "HSEC": "Haskell",
    "RSEC": "R",
    "ALPINE": "Alpine",
    "ECHO": "Echo",
    "LBSEC": "LoongArch",
    "DRUPAL": "Drupal",
}


def source_of(advisory_id: str) -> str:
    prefix = advisory_id.split("-", 1)[0].upper()
    return SOURCE_BY_PREFIX.get(prefix, prefix or "unknown")


# Preference for the canonical id of a merged finding: CVE first, then GHSA, then others.
def canonical_id(ids: tuple[str, ...] | list[str] | set[str] | frozenset[str]) -> str:
    def rank(i: str) -> tuple[int, str]:
        u = i.upper()
        if u.startswith("CVE-"):
            return (0, i)
        if u.startswith("GHSA-"):
            return (1, i)
        return (2, i)

    return min(ids, key=rank)
