"""Qualitative severity bands, from CVSS scores and from the words advisory databases use."""

from __future__ import annotations

import enum
import math
from typing import Final


class Severity(enum.Enum):
    """A qualitative severity, ordered ``NONE < LOW < MEDIUM < HIGH < CRITICAL``."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for NONE up to 4 for CRITICAL."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] < _RANK[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] <= _RANK[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] > _RANK[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _RANK[self] >= _RANK[other]

    @classmethod
    def from_score(cls, score: float) -> Severity:
        """The CVSS v3.x / v4.0 band of a score.

        0.0 none, 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical.
        Raises ``ValueError`` for a value outside 0-10 (or NaN).
        """
        _check_range(score)
        if score == 0:
            return cls.NONE
        if score < 4.0:
            return cls.LOW
        if score < 7.0:
            return cls.MEDIUM
        if score < 9.0:
            return cls.HIGH
        return cls.CRITICAL

    @classmethod
    def from_v2_score(cls, score: float) -> Severity:
        """The CVSS v2 band of a score, as NVD publishes it.

        v2 has three bands and no "none" or "critical": 0.0-3.9 low, 4.0-6.9 medium,
        7.0-10.0 high. Raises ``ValueError`` for a value outside 0-10 (or NaN).
        """
        _check_range(score)
        if score < 4.0:
            return cls.LOW
        if score < 7.0:
            return cls.MEDIUM
        return cls.HIGH

    @classmethod
    def parse(cls, text: str) -> Severity:
        """A severity word as advisory databases write it, case-insensitively.

        Accepts the band names themselves and the vendor words that map onto them:
        ``MODERATE`` (GitHub, Red Hat, SUSE) is medium, ``IMPORTANT`` (Red Hat, SUSE) is high,
        ``NEGLIGIBLE`` (Ubuntu) and ``UNIMPORTANT`` (Debian) are low. Anything else, such as
        ``untriaged`` or ``unknown``, raises ``ValueError`` naming the text.
        """
        try:
            return _WORDS[text.strip().lower()]
        except (KeyError, AttributeError):
            known = ", ".join(sorted(_WORDS))
            raise ValueError(f"unknown severity {text!r} (known: {known})") from None


_RANK: Final[dict[Severity, int]] = {member: index for index, member in enumerate(Severity)}

_WORDS: Final[dict[str, Severity]] = {
    "none": Severity.NONE,
    "negligible": Severity.LOW,
    "unimportant": Severity.LOW,
    "low": Severity.LOW,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "important": Severity.HIGH,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}


def _check_range(score: float) -> None:
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise ValueError(f"CVSS score {score!r} is not a number")
    if math.isnan(score) or not 0.0 <= score <= 10.0:
        raise ValueError(f"CVSS score {score!r} is outside 0.0-10.0")
