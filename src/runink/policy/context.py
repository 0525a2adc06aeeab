"""The evaluation input: one finding (vulnerability × package × artifact) and the time "now".

These frozen dataclasses are what a trigger sees. The scan and monitor services fill them from
findings (``context_from_finding`` does the common part); tests and benchmarks build them
directly. Every field that can be unknown is ``None`` when it is: a comparison with a missing
value is false (see docs/policy-language.md, "Missing values").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from runink.model.finding import Finding
from runink.scoring.severity import Severity

__all__ = [
    "ArtifactFacts",
    "EvaluationContext",
    "PackageFacts",
    "VulnerabilityFacts",
    "context_from_finding",
    "parse_severity",
]

_EMPTY_LABELS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class VulnerabilityFacts:
    """What is known about the vulnerability. ``id`` is canonical; ``aliases`` includes it."""

    id: str
    aliases: tuple[str, ...] = ()
    score: float | None = None
    severity: Severity | None = None
    epss: float | None = None  # probability of exploitation in the next 30 days, 0-1
    epss_percentile: float | None = None  # 0-1
    kev: bool | None = None  # listed in CISA KEV; None when KEV data was not available
    published: dt.date | None = None
    fix_available: bool | None = None
    cwe: tuple[str, ...] = ()
    summary: str = ""
    #: ``severity.rank`` (0 none … 4 critical), precomputed so triggers compare integers.
    severity_rank: int | None = field(init=False, repr=False, compare=False, default=None)
    #: ``aliases`` lowercased, for case-insensitive matching of exception scopes.
    folded_aliases: tuple[str, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        if self.id not in self.aliases:
            object.__setattr__(self, "aliases", (self.id, *self.aliases))
        object.__setattr__(self, "folded_aliases", tuple(a.lower() for a in self.aliases))
        if self.severity is not None:
            object.__setattr__(self, "severity_rank", self.severity.rank)


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """The affected component. ``name`` is normalized for the ecosystem (PEP 503 for PyPI)."""

    name: str
    version: str
    ecosystem: str
    purl: str = ""
    direct: bool | None = None
    scope: str | None = None
    fixed_version: str | None = None
    source: str = ""  # the file it was found in, relative to the scan root
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ArtifactFacts:
    """The artifact (image, service, repository) the package is part of, from ``artifact:``."""

    name: str | None = None
    kind: str | None = None
    environment: str | None = None
    team: str | None = None
    owners: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: _EMPTY_LABELS, hash=False)
    maintainer_email: str | None = None
    team_label: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.labels, MappingProxyType):
            object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """One finding to evaluate triggers on. ``today`` fixes ``cve.age_days`` and expiry checks."""

    vulnerability: VulnerabilityFacts
    package: PackageFacts
    artifact: ArtifactFacts
    today: dt.date

    @property
    def key(self) -> tuple[str, str, str]:
        """The finding's identity: (vulnerability id, package purl, artifact name)."""
        return (self.vulnerability.id, self.package.purl, self.artifact.name or "")

    @property
    def age_days(self) -> int | None:
        """Whole days since the vulnerability was published; None when that is unknown."""
        published = self.vulnerability.published
        return None if published is None else (self.today - published).days


def parse_severity(text: str | Severity | None) -> Severity | None:
    """A severity word as advisory data writes it, or None when absent or not a known word."""
    if text is None or isinstance(text, Severity):
        return text
    try:
        return Severity.parse(text)
    except ValueError:
        return None


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def context_from_finding(
    finding: Finding,
    artifact: ArtifactFacts,
    *,
    today: dt.date,
    epss: float | None = None,
    epss_percentile: float | None = None,
    kev: bool | None = None,
    cwe: tuple[str, ...] = (),
) -> EvaluationContext:
    """The context of a matched finding; scoring joins (EPSS, KEV, CWE) are passed in."""
    component = finding.component
    vulnerability = VulnerabilityFacts(
        id=finding.id,
        aliases=finding.aliases,
        score=finding.score,
        severity=parse_severity(finding.severity),
        epss=epss,
        epss_percentile=epss_percentile,
        kev=kev,
        published=_parse_date(finding.published),
        fix_available=finding.fixed is not None,
        cwe=cwe,
        summary=finding.summary,
    )
    package = PackageFacts(
        name=component.name,
        version=component.version,
        ecosystem=component.ecosystem,
        purl=component.purl,
        direct=component.direct,
        scope=component.scope,
        fixed_version=finding.fixed,
        source=component.source,
        line=component.line,
    )
    return EvaluationContext(vulnerability, package, artifact, today)
