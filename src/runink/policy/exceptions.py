"""Exceptions: accountable, expiring decisions not to act on a finding.

An exception covers a finding when every scope it gives matches:

- ``vulnerability``: the finding's id or any of its aliases (case-insensitive);
- ``package``: a purl pattern. Without glob characters it is a package URL compared by
  identity (``pkg:pypi/django`` matches every version of Django, ``pkg:pypi/django@4.2.1``
  only that version, compared with the ecosystem's version scheme; a ``distro`` qualifier
  narrows a distribution package to one release); with ``*`` or ``[...]`` it is a glob over
  the purl (``pkg:npm/@babel/*``, ``pkg:pypi/django@4.*``), case-insensitive, qualifiers
  ignored, the version included only when the pattern has one (``?`` is not a wildcard
  here: in a purl it starts the qualifiers);
- ``artifact``: a glob over the artifact's name (``payments-*``);
- ``environment``: one environment or a list (case-insensitive).

At least one of ``vulnerability`` and ``package`` is required. ``reason``, ``approved_by``
and ``expires`` are required. An exception is active through its ``expires`` day; after that
it still *covers* the finding (so the output can say it expired) but no longer suppresses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote

from runink.errors import InvalidPurlError, VersionError
from runink.model.ecosystems import ecosystem_matches, normalize_name
from runink.model.purl import PackageRef, build_purl, parse_purl
from runink.policy.context import EvaluationContext, PackageFacts
from runink.policy.patterns import glob_problem
from runink.policy.source import Location, Problem
from runink.policy.yamlsource import Node
from runink.versions import parse as parse_version

__all__ = [
    "EXCEPTION_KEYS",
    "Coverage",
    "CoverageStatus",
    "PackagePattern",
    "PolicyException",
    "exception_covers",
    "parse_cadence",
    "parse_exception",
    "unused_exceptions",
]

#: Every key an exception may have.
EXCEPTION_KEYS: Final = (
    "name",
    "vulnerability",
    "package",
    "artifact",
    "environment",
    "reason",
    "approved_by",
    "expires",
    "created",
    "compensating_controls",
    "review_every",
    "last_reviewed",
)
_GLOB_CHARS: Final = frozenset("*[")  # "?" starts purl qualifiers
_CADENCE: Final = re.compile(
    r"^\s*(\d+)\s*(d|day|days|w|week|weeks|m|month|months|y|year|years)\s*$"
)
_CADENCE_WORDS: Final = {
    "weekly": 7,
    "monthly": 30,
    "quarterly": 91,
    "yearly": 365,
    "annually": 365,
}
_UNIT_DAYS: Final = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_cadence(text: str) -> int | None:
    """Days in a review cadence: ``30d``, ``2w``, ``3m`` (months of 30 days), ``1y``,
    ``90 days``, or ``weekly``/``monthly``/``quarterly``/``yearly``. None when unreadable."""
    lowered = text.strip().lower()
    if lowered in _CADENCE_WORDS:
        return _CADENCE_WORDS[lowered]
    m = _CADENCE.match(lowered)
    if m is None or int(m.group(1)) == 0:
        return None
    return int(m.group(1)) * _UNIT_DAYS[m.group(2)[0]]


def _plain_purl(purl: str, *, with_version: bool) -> str:
    """``pkg:type/ns/name@version`` without qualifiers or subpath, percent-decoded, lowercase."""
    text = unquote(purl.split("#", 1)[0].split("?", 1)[0]).lower()
    head, sep, tail = text.rpartition("/")
    name, at, version = tail.partition("@")
    if not with_version:
        return f"{head}{sep}{name}"
    return f"{head}{sep}{name}{at}{version}"


def _has_version(pattern: str) -> bool:
    tail = unquote(pattern.split("?", 1)[0]).rpartition("/")[2]
    return "@" in tail


@dataclass(frozen=True, slots=True)
class PackagePattern:
    """A purl, or a glob over purls, naming the packages an exception covers."""

    text: str
    ref: PackageRef | None  # set for an exact purl, None for a glob
    regex: re.Pattern[str] | None  # set for a glob
    with_version: bool

    @classmethod
    def parse(cls, text: str) -> PackagePattern:
        """Raises ``ValueError`` with a message when ``text`` is not a usable pattern."""
        text = text.strip()
        if not text.lower().startswith("pkg:"):
            raise ValueError(
                f"{text!r} is not a package URL (it starts with pkg:, e.g. pkg:pypi/django)"
            )
        if _GLOB_CHARS & set(text.split("?", 1)[0]):
            pattern = _plain_purl(text, with_version=True)
            return cls(text, None, re.compile(fnmatch.translate(pattern)), _has_version(text))
        try:
            ref = parse_purl(text)
        except InvalidPurlError as exc:
            raise ValueError(str(exc)) from None
        return cls(text, ref, None, ref.version is not None)

    def matches(self, package: PackageFacts) -> bool:
        if self.regex is not None:
            purl = package.purl or build_purl(package.ecosystem, package.name, package.version)
            return self.regex.match(_plain_purl(purl, with_version=self.with_version)) is not None
        ref = self.ref
        assert ref is not None
        if not ecosystem_matches(package.ecosystem, ref.ecosystem):
            return False
        if normalize_name(ref.ecosystem, package.name) != ref.name:
            return False
        if ref.version is None:
            return True
        if package.version == ref.version:
            return True
        try:
            return parse_version(package.ecosystem, package.version) == parse_version(
                package.ecosystem, ref.version
            )
        except VersionError:
            return False


@dataclass(frozen=True, slots=True)
class PolicyException:
    """One exception as written in a policy file (validated)."""

    name: str
    reason: str
    approved_by: tuple[str, ...]
    expires: dt.date
    location: Location
    vulnerability: str | None = None
    package: PackagePattern | None = None
    artifact: str | None = None
    environments: tuple[str, ...] = ()
    compensating_controls: tuple[str, ...] = ()
    created: dt.date | None = None
    review_every: int | None = None  # days
    last_reviewed: dt.date | None = None

    def is_active(self, today: dt.date) -> bool:
        """Active through the ``expires`` day itself."""
        return today <= self.expires

    def next_review(self) -> dt.date | None:
        """When the exception is due for review: the last review (or creation) plus the
        cadence; None without a cadence or a date to count from."""
        anchor = self.last_reviewed or self.created
        if self.review_every is None or anchor is None:
            return None
        return anchor + dt.timedelta(days=self.review_every)

    def in_scope(self, ctx: EvaluationContext) -> bool:
        """Whether every scope the exception gives matches the finding (expiry aside)."""
        vulnerability = self.vulnerability
        if (
            vulnerability is not None
            and vulnerability.lower() not in ctx.vulnerability.folded_aliases
        ):
            return False
        if self.package is not None and not self.package.matches(ctx.package):
            return False
        if self.artifact is not None:
            name = ctx.artifact.name
            if name is None or not fnmatch.fnmatchcase(name, self.artifact):
                return False
        if self.environments:
            env = (ctx.artifact.environment or "").lower()
            if env not in (e.lower() for e in self.environments):
                return False
        return True

    def describe(self) -> str:
        """``name (path:line)`` for messages."""
        return f"{self.name} ({self.location})"


class CoverageStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    NOT_COVERED = "not covered"


@dataclass(frozen=True, slots=True)
class Coverage:
    """How one exception relates to one finding on a given day."""

    exception: PolicyException
    status: CoverageStatus
    review_overdue: bool = False

    @property
    def covers(self) -> bool:
        """The finding is in the exception's scope (active or expired)."""
        return self.status is not CoverageStatus.NOT_COVERED

    @property
    def suppresses(self) -> bool:
        """The exception is active for the finding: no trigger fires."""
        return self.status is CoverageStatus.ACTIVE


def exception_covers(exc: PolicyException, ctx: EvaluationContext, today: dt.date) -> Coverage:
    """Whether ``exc`` covers the finding ``ctx`` on ``today``, and if it is still active."""
    if not exc.in_scope(ctx):
        return Coverage(exc, CoverageStatus.NOT_COVERED)
    review = exc.next_review()
    overdue = review is not None and today > review
    status = CoverageStatus.ACTIVE if exc.is_active(today) else CoverageStatus.EXPIRED
    return Coverage(exc, status, overdue)


def unused_exceptions(
    exceptions: Sequence[PolicyException], used: Iterable[PolicyException]
) -> tuple[PolicyException, ...]:
    """The exceptions (in file order) that covered no finding during an evaluation pass."""
    used_names = {e.name for e in used}
    return tuple(e for e in exceptions if e.name not in used_names)


# --- reading from YAML ------------------------------------------------------------------------


def _texts(node: Node, problems: list[Problem]) -> tuple[str, ...] | None:
    items = list(node.items()) if node.is_sequence else [node]
    out: list[str] = []
    for item in items:
        value = item.value
        if value is None or isinstance(value, bool | dict | list) or not str(value).strip():
            problems.append(item.problem("must be a non-empty text"))
            return None
        out.append(str(value).strip())
    if not out:
        problems.append(node.problem("must not be an empty list"))
        return None
    return tuple(out)


def _text(node: Node, problems: list[Problem]) -> str | None:
    if node.is_sequence:
        problems.append(node.problem("must be one text, not a list"))
        return None
    texts = _texts(node, problems)
    return None if texts is None else texts[0]


def _date(node: Node, problems: list[Problem]) -> dt.date | None:
    value = node.date()
    if value is None:
        problems.append(node.problem(f"{node.value!r} is not a date (YYYY-MM-DD)"))
    return value


def _generated_name(
    vulnerability: str | None, package: str | None, artifact: str | None, envs: tuple[str, ...]
) -> str:
    """A stable name from the scope: the same scope gets the same name in every run."""
    parts = [p for p in (vulnerability, package) if p]
    name = " ".join(parts)
    if artifact:
        name += f" in {artifact}"
    if envs:
        name += f" [{', '.join(envs)}]"
    return name


def parse_exception(node: Node, problems: list[Problem]) -> PolicyException | None:
    """Validate one ``exceptions:`` entry, appending every problem found."""
    if not node.is_mapping:
        problems.append(node.problem("an exception must be a mapping (vulnerability, reason, …)"))
        return None
    before = len(problems)
    for key in node.key_names():
        if key not in EXCEPTION_KEYS:
            close = difflib.get_close_matches(key, EXCEPTION_KEYS, n=1, cutoff=0.6)
            hint = close[0] if close else None
            message = f"{node.path}.{key}: unknown key {key!r}"
            message += (
                f"; did you mean {hint!r}?" if hint else f" (keys: {', '.join(EXCEPTION_KEYS)})"
            )
            problems.append(Problem(node.key_location(key), message, hint))
    for required in ("reason", "approved_by", "expires"):
        if node.child(required) is None:
            problems.append(node.problem(f"an exception needs '{required}'"))

    def read_text(key: str) -> str | None:
        child = node.child(key)
        return None if child is None else _text(child, problems)

    def read_texts(key: str) -> tuple[str, ...]:
        child = node.child(key)
        return () if child is None else (_texts(child, problems) or ())

    def read_date(key: str) -> dt.date | None:
        child = node.child(key)
        return None if child is None else _date(child, problems)

    name = read_text("name")
    vulnerability = read_text("vulnerability")
    reason = read_text("reason")
    approved_by = read_texts("approved_by")
    expires = read_date("expires")
    created = read_date("created")
    last_reviewed = read_date("last_reviewed")
    artifact = read_text("artifact")
    if artifact is not None:
        glob = glob_problem(artifact)
        if glob is not None:
            artifact_node = node.child("artifact")
            assert artifact_node is not None
            problems.append(artifact_node.problem(f"invalid glob {artifact!r}: {glob[1]}"))
    environments = read_texts("environment")
    controls = read_texts("compensating_controls")
    package: PackagePattern | None = None
    package_node = node.child("package")
    if package_node is not None:
        text = _text(package_node, problems)
        if text is not None:
            try:
                package = PackagePattern.parse(text)
            except ValueError as exc:
                problems.append(package_node.problem(str(exc)))
    review_every: int | None = None
    review_node = node.child("review_every")
    if review_node is not None:
        text = _text(review_node, problems)
        if text is not None:
            review_every = parse_cadence(text)
            if review_every is None:
                problems.append(
                    review_node.problem(
                        f"{text!r} is not a review cadence (e.g. 30d, 12w, 3m, 1y, quarterly)"
                    )
                )
    if vulnerability is None and package_node is None and node.child("vulnerability") is None:
        problems.append(node.problem("an exception must name a vulnerability or a package"))
    if created is not None and expires is not None and created > expires:
        created_node = node.child("created")
        assert created_node is not None
        problems.append(created_node.problem(f"created ({created}) is after expires ({expires})"))
    if len(problems) > before or reason is None or expires is None:
        return None
    return PolicyException(
        name=name
        or _generated_name(
            vulnerability, package.text if package else None, artifact, environments
        ),
        reason=reason,
        approved_by=approved_by,
        expires=expires,
        location=node.location,
        vulnerability=vulnerability,
        package=package,
        artifact=artifact,
        environments=environments,
        compensating_controls=controls,
        created=created,
        review_every=review_every,
        last_reviewed=last_reviewed,
    )
