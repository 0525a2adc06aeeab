"""CVSS base scores from vectors (v2, v3.0, v3.1, v4.0) and the best score of an OSV record.

The arithmetic is the ``cvss`` library's (see ``docs/scoring.md`` for why). This module decides
which vector to trust, what to do with the shapes real feeds publish, and how to fall back to a
qualitative severity when a record carries no usable vector.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import cvss as cvss_lib

from runink.errors import InputError
from runink.scoring.severity import Severity

__all__ = ["NO_SCORE", "SOURCES", "VERSIONS", "CvssError", "Score", "best_score", "score_vector"]

# Newest first; the rank decides which of several vectors a record's score comes from.
VERSIONS: Final[tuple[str, ...]] = ("4.0", "3.1", "3.0", "2.0")
SOURCES: Final[frozenset[str]] = frozenset(
    {"cvss", "database_specific", "ecosystem_specific", "none"}
)

_VERSION_RANK: Final[dict[str, int]] = {v: len(VERSIONS) - i for i, v in enumerate(VERSIONS)}
# OSV severity types that carry CVSS, and the version a bare number under them is reported as.
# A bare number has no minor version; v3.0 and v3.1 share the base equation and the bands.
_CVSS_TYPES: Final[dict[str, str]] = {"CVSS_V2": "2.0", "CVSS_V3": "3.0", "CVSS_V4": "4.0"}
_PREFIXES: Final[dict[str, str]] = {"CVSS:4.0/": "4.0", "CVSS:3.1/": "3.1", "CVSS:3.0/": "3.0"}
_V2_PREFIX: Final[str] = "CVSS:2.0/"
_BARE_NUMBER = re.compile(r"^\d{1,2}(?:\.\d+)?$")
_CACHE_SIZE: Final[int] = 32768


class CvssError(InputError):
    """A CVSS vector could not be scored. The message names the vector and what is wrong."""

    def __init__(self, vector: str, reason: str) -> None:
        self.vector = vector
        self.reason = reason
        super().__init__(f"CVSS vector {vector!r}: {reason}")


@dataclass(frozen=True, slots=True)
class Score:
    """A record's score.

    ``score`` is the CVSS base score (None when only a qualitative severity is known).
    ``severity`` is the band of the score, or the qualitative rating when there is no score.
    ``version`` is one of ``VERSIONS`` for a CVSS score and None otherwise. ``vector`` is the
    vector the score was computed from (None for a bare number or a qualitative rating).
    ``source`` says where it came from: ``cvss`` (a vector or a bare CVSS number),
    ``database_specific`` (the record's ``database_specific.severity``, e.g. GitHub's),
    ``ecosystem_specific`` (a per-package or per-distribution rating: ``affected[]``'s
    ``ecosystem_specific``/``database_specific`` severity, or an ``Ubuntu`` priority) or
    ``none``.
    """

    score: float | None
    severity: Severity | None
    version: str | None
    vector: str | None
    source: str

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"Score.source {self.source!r} is not one of {sorted(SOURCES)}")
        if self.version is not None and self.version not in _VERSION_RANK:
            raise ValueError(f"Score.version {self.version!r} is not one of {list(VERSIONS)}")
        if self.score is not None and (math.isnan(self.score) or not 0 <= self.score <= 10):
            raise ValueError(f"Score.score {self.score!r} is outside 0.0-10.0")
        if (self.score is None) != (self.version is None):
            raise ValueError("Score.score and Score.version go together")


NO_SCORE: Final[Score] = Score(None, None, None, None, "none")


def score_vector(vector: str, declared_type: str | None = None) -> Score:
    """Score one CVSS vector.

    The version comes from the vector's prefix (``CVSS:4.0/``, ``CVSS:3.1/``, ``CVSS:3.0/``);
    a vector without a prefix is v2 (NVD writes v2 vectors bare, sometimes in parentheses, and
    both are accepted, as is a ``CVSS:2.0/`` prefix). ``declared_type`` is the OSV severity
    type (``CVSS_V2``, ``CVSS_V3``, ``CVSS_V4``) when known: an unprefixed vector declared as v3
    or v4 is rejected rather than misread as v2. When the declared type and a prefix disagree,
    the prefix wins, since it is part of the vector's own syntax.

    Raises ``CvssError`` naming the vector and what is wrong with it.
    """
    if not isinstance(vector, str):
        raise CvssError(repr(vector), "a CVSS vector must be a string")
    return _score_cached(vector, declared_type)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _score_cached(vector: str, declared_type: str | None) -> Score:
    if declared_type is not None and declared_type not in _CVSS_TYPES:
        raise CvssError(vector, f"severity type {declared_type!r} is not a CVSS type")
    text = vector.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if not text:
        raise CvssError(vector, "empty vector")
    version = _version_of(vector, text, declared_type)
    if version == "2.0" and text.startswith(_V2_PREFIX):
        text = text[len(_V2_PREFIX) :]
    value, severity = _compute(vector, version, text)
    return Score(value, severity, version, text, "cvss")


def _version_of(vector: str, text: str, declared_type: str | None) -> str:
    for prefix, version in _PREFIXES.items():
        if text.startswith(prefix):
            return version
    if text.startswith(_V2_PREFIX):
        return "2.0"
    if text.startswith("CVSS:"):
        head = text.split("/", 1)[0]
        raise CvssError(vector, f"unsupported CVSS version prefix {head!r}")
    if declared_type in ("CVSS_V3", "CVSS_V4"):
        wanted = "CVSS:3.0/ or CVSS:3.1/" if declared_type == "CVSS_V3" else "CVSS:4.0/"
        raise CvssError(vector, f"a {declared_type} vector must start with {wanted}")
    return "2.0"


def _compute(vector: str, version: str, text: str) -> tuple[float, Severity]:
    try:
        if version == "4.0":
            value = float(cvss_lib.CVSS4(text).base_score)
        elif version == "2.0":
            value = float(cvss_lib.CVSS2(text).scores()[0])
        else:
            value = float(cvss_lib.CVSS3(text).scores()[0])
    except cvss_lib.CVSSError as exc:
        raise CvssError(vector, f"invalid CVSS {version} vector: {exc}") from None
    value = round(value, 1)
    return value, _band(version, value)


def _band(version: str, value: float) -> Severity:
    return Severity.from_v2_score(value) if version == "2.0" else Severity.from_score(value)


def best_score(
    severity_entries: Sequence[Mapping[str, Any]] | None,
    database_specific: Mapping[str, Any] | None,
    affected_specific: Sequence[Mapping[str, Any]] = (),
) -> Score:
    """The one score an OSV record is known by.

    ``severity_entries`` is the record's ``severity`` list (plus, if the caller wishes, the
    ``affected[].severity`` lists); ``database_specific`` is the record's
    ``database_specific``; ``affected_specific`` holds the ``ecosystem_specific`` and
    ``database_specific`` mappings of its ``affected[]`` entries.

    In order of preference:

    1. a CVSS vector, newest version first (4.0, 3.1, 3.0, 2.0); among vectors of the same
       version, the highest score. A vector that cannot be scored is skipped;
    2. a bare CVSS number in a ``CVSS_V*`` entry (some feeds publish ``"7.5"``), newest type
       first, then highest. A bare ``0`` is a placeholder for "not scored" and is ignored;
    3. the record's ``database_specific.severity`` (GitHub: LOW/MODERATE/HIGH/CRITICAL);
    4. an ``Ubuntu`` priority (``negligible`` .. ``critical``), the highest if several;
    5. the highest ``severity`` among ``affected_specific`` (OSS-Fuzz and others);
    6. otherwise ``NO_SCORE``.

    Never raises for malformed entries: anything unusable is skipped.
    """
    best_vector: Score | None = None
    best_number: Score | None = None
    ubuntu: Severity | None = None
    # Typed loosely on purpose: records come from JSON/YAML and are checked here, not trusted.
    entries: Sequence[object] = severity_entries or ()
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        etype = entry.get("type")
        raw = entry.get("score")
        if etype == "Ubuntu":
            ubuntu = _higher(ubuntu, _word(raw))
            continue
        if not isinstance(etype, str) or etype not in _CVSS_TYPES:
            continue
        number = _bare_number(raw)
        if number is not None:
            version = _CVSS_TYPES[etype]
            candidate = Score(number, _band(version, number), version, None, "cvss")
            if best_number is None or _rank(candidate) > _rank(best_number):
                best_number = candidate
            continue
        if not isinstance(raw, str):
            continue
        try:
            scored = score_vector(raw, etype)
        except CvssError:
            continue
        if best_vector is None or _rank(scored) > _rank(best_vector):
            best_vector = scored
    if best_vector is not None:
        return best_vector
    if best_number is not None:
        return best_number
    if isinstance(database_specific, Mapping):
        rating = _word(database_specific.get("severity"))
        if rating is not None:
            return Score(None, rating, None, None, "database_specific")
    if ubuntu is not None:
        return Score(None, ubuntu, None, None, "ecosystem_specific")
    per_package: Severity | None = None
    extras: Sequence[object] = affected_specific or ()
    for extra in extras:
        if isinstance(extra, Mapping):
            per_package = _higher(per_package, _word(extra.get("severity")))
    if per_package is not None:
        return Score(None, per_package, None, None, "ecosystem_specific")
    return NO_SCORE


def _rank(score: Score) -> tuple[int, float]:
    # Only called on CVSS scores, which always carry a version and a number.
    return (_VERSION_RANK[score.version or ""], score.score or 0.0)


def _bare_number(raw: object) -> float | None:
    """A bare CVSS number (``7.5`` or ``"7.5"``) within 1-10, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and _BARE_NUMBER.match(raw.strip()):
        value = float(raw.strip())
    else:
        return None
    if math.isnan(value) or not 0 < value <= 10:
        return None
    return round(value, 1)


def _word(raw: object) -> Severity | None:
    if not isinstance(raw, str):
        return None
    try:
        return Severity.parse(raw)
    except ValueError:
        return None


def _higher(current: Severity | None, new: Severity | None) -> Severity | None:
    if new is None:
        return current
    if current is None or new > current:
        return new
    return current
