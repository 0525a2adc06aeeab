"""The typed field catalogue: every name a trigger expression can read, its type and getter.

Fields are grouped by what they describe:

- ``cve.*``: the vulnerability (and, as ``cve.package``/``cve.ecosystem``, the package it hits);
- ``package.*``: the affected component;
- ``artifact.*``, with the synonyms ``image.*``, ``service.*`` and ``repo.*`` so a policy reads
  naturally for what it guards: the artifact's metadata from ``runink.yaml``, including
  ``labels.KEY`` for any label key;
- ``team.*``: the owning team (``team.name`` is the artifact's ``team``, ``team.label`` its
  ``team_label``).

A getter returns the value the compiled expression compares, or None when it is missing.
Severities are returned as their rank (0 none … 4 critical) so they compare as integers;
versions as ``(ecosystem, text)`` so they compare with the ecosystem's own scheme.
"""

from __future__ import annotations

import difflib
import enum
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from runink.policy.context import EvaluationContext
from runink.scoring.severity import Severity

__all__ = [
    "ARTIFACT_PREFIXES",
    "FIELDS",
    "LABELS",
    "SEVERITY_RANK",
    "FieldSpec",
    "FieldType",
    "field_names",
    "resolve",
    "suggest",
]


class FieldType(enum.StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    SEVERITY = "severity"
    VERSION = "version"
    STRING_LIST = "list of strings"

    @property
    def ordered(self) -> bool:
        """Whether ``< <= > >=`` apply."""
        return self in _ORDERED


_ORDERED: Final = frozenset(
    {FieldType.NUMBER, FieldType.DATE, FieldType.SEVERITY, FieldType.VERSION}
)

Getter = Callable[[EvaluationContext], object]

#: Severity -> rank, so the compiled expression compares small integers.
SEVERITY_RANK: Final[Mapping[Severity | None, int | None]] = MappingProxyType(
    {None: None, **{s: s.rank for s in Severity}}
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: its full name as written, type, meaning, getter and the range of its values."""

    name: str
    type: FieldType
    description: str
    getter: Getter
    bounds: tuple[float, float] | None = None  # numbers only: the values the field can take


def _version(ctx: EvaluationContext) -> tuple[str, str]:
    package = ctx.package
    return (package.ecosystem, package.version)


def _fixed_version(ctx: EvaluationContext) -> tuple[str, str] | None:
    package = ctx.package
    fixed = package.fixed_version
    return None if fixed is None else (package.ecosystem, fixed)


def _age_days(ctx: EvaluationContext) -> int | None:
    published = ctx.vulnerability.published
    return None if published is None else (ctx.today - published).days


_g = operator.attrgetter

_CVE: Final[tuple[tuple[str, FieldType, str, Getter, tuple[float, float] | None], ...]] = (
    ("id", FieldType.STRING, "canonical id: the CVE when there is one, else GHSA, …", _g("vulnerability.id"), None),
    ("aliases", FieldType.STRING_LIST, "every id of the vulnerability, including cve.id", _g("vulnerability.aliases"), None),
    ("score", FieldType.NUMBER, "CVSS base score, 0-10", _g("vulnerability.score"), (0.0, 10.0)),
    ("severity", FieldType.SEVERITY, "none < low < medium < high < critical", _g("vulnerability.severity_rank"), None),
    ("epss", FieldType.NUMBER, "EPSS probability of exploitation in 30 days, 0-1", _g("vulnerability.epss"), (0.0, 1.0)),
    ("epss_percentile", FieldType.NUMBER, "EPSS percentile, 0-1", _g("vulnerability.epss_percentile"), (0.0, 1.0)),
    ("kev", FieldType.BOOL, "listed in CISA's Known Exploited Vulnerabilities", _g("vulnerability.kev"), None),
    ("published", FieldType.DATE, "date the vulnerability was published", _g("vulnerability.published"), None),
    ("age_days", FieldType.NUMBER, "whole days since cve.published", _age_days, (0.0, float("inf"))),
    ("fix_available", FieldType.BOOL, "a fixed version exists", _g("vulnerability.fix_available"), None),
    ("package", FieldType.STRING, "name of the affected package (same as package.name)", _g("package.name"), None),
    ("ecosystem", FieldType.STRING, "OSV ecosystem of the package (same as package.ecosystem)", _g("package.ecosystem"), None),
    ("cwe", FieldType.STRING_LIST, "CWE ids, e.g. \"CWE-79\"", _g("vulnerability.cwe"), None),
)  # fmt: skip

_PACKAGE: Final[tuple[tuple[str, FieldType, str, Getter], ...]] = (
    ("name", FieldType.STRING, "package name, normalized for its ecosystem", _g("package.name")),
    ("version", FieldType.VERSION, "installed version (compared with the ecosystem's scheme)", _version),
    ("ecosystem", FieldType.STRING, "OSV ecosystem: PyPI, npm, Go, Debian:12, …", _g("package.ecosystem")),
    ("purl", FieldType.STRING, "package URL", _g("package.purl")),
    ("direct", FieldType.BOOL, "a direct (not transitive) dependency", _g("package.direct")),
    ("scope", FieldType.STRING, "runtime, dev, optional, test, build, …", _g("package.scope")),
    ("fixed_version", FieldType.VERSION, "smallest version that fixes this vulnerability", _fixed_version),
)  # fmt: skip

_ARTIFACT: Final[tuple[tuple[str, FieldType, str, Getter], ...]] = (
    ("name", FieldType.STRING, "artifact name from runink.yaml", _g("artifact.name")),
    ("kind", FieldType.STRING, "image, service, repo, library, …", _g("artifact.kind")),
    ("environment", FieldType.STRING, "prod, staging, dev, …", _g("artifact.environment")),
    ("team", FieldType.STRING, "owning team", _g("artifact.team")),
)  # fmt: skip

_TEAM: Final[tuple[tuple[str, FieldType, str, Getter], ...]] = (
    ("name", FieldType.STRING, "owning team (the artifact's team)", _g("artifact.team")),
    ("label", FieldType.STRING, "the team's label (the artifact's team_label)", _g("artifact.team_label")),
)  # fmt: skip

#: The artifact can be named by what it is; the four prefixes are synonyms.
ARTIFACT_PREFIXES: Final[tuple[str, ...]] = ("artifact", "image", "service", "repo")
#: ``<prefix>.labels.KEY`` reads one label of the artifact.
LABELS: Final = "labels"


def _build() -> Mapping[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for name, ftype, text, getter, bounds in _CVE:
        specs[f"cve.{name}"] = FieldSpec(f"cve.{name}", ftype, text, getter, bounds)
    for name, ftype, text, getter in _PACKAGE:
        specs[f"package.{name}"] = FieldSpec(f"package.{name}", ftype, text, getter)
    for prefix in ARTIFACT_PREFIXES:
        for name, ftype, text, getter in _ARTIFACT:
            specs[f"{prefix}.{name}"] = FieldSpec(f"{prefix}.{name}", ftype, text, getter)
    for name, ftype, text, getter in _TEAM:
        specs[f"team.{name}"] = FieldSpec(f"team.{name}", ftype, text, getter)
    return MappingProxyType(specs)


#: Every fixed field by its full name (labels are resolved by ``resolve``).
FIELDS: Final[Mapping[str, FieldSpec]] = _build()


def _label_getter(key: str) -> Getter:
    def get(ctx: EvaluationContext) -> str | None:
        return ctx.artifact.labels.get(key)

    return get


def resolve(name: str) -> FieldSpec | None:
    """The field named ``name`` (case-sensitive, as written), or None when there is none."""
    spec = FIELDS.get(name)
    if spec is not None:
        return spec
    prefix, _, rest = name.partition(".")
    if prefix in ARTIFACT_PREFIXES and rest.startswith(LABELS + "."):
        key = rest[len(LABELS) + 1 :]
        if key:
            return FieldSpec(
                name, FieldType.STRING, f"the artifact's label {key!r}", _label_getter(key)
            )
    return None


def field_names() -> tuple[str, ...]:
    """Every fixed field name, plus the label form, as shown in suggestions and docs."""
    return (*FIELDS, *(f"{p}.{LABELS}.KEY" for p in ARTIFACT_PREFIXES))


def suggest(name: str) -> str | None:
    """The closest known field name to ``name``, for "did you mean" messages."""
    lowered = name.lower()
    candidates = list(FIELDS)
    if lowered in FIELDS:
        return lowered
    # A bare name such as "score" or "environment": the fields it is the last part of.
    tails = [c for c in candidates if c.rsplit(".", 1)[-1] == lowered]
    if tails:
        return tails[0]
    close = difflib.get_close_matches(lowered, candidates, n=1, cutoff=0.6)
    if close:
        return close[0]
    prefix, _, rest = lowered.partition(".")
    if rest.startswith("label") and prefix in ARTIFACT_PREFIXES:
        return f"{prefix}.{LABELS}.{rest.partition('.')[2] or 'KEY'}"
    if prefix in (LABELS, "label") and rest:
        return f"artifact.{LABELS}.{name.partition('.')[2]}"
    return None
