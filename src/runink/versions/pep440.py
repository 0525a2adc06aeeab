"""PEP 440 versions (PyPI), via ``packaging.version``, with a legacy fallback.

Valid PEP 440 versions are parsed by ``packaging`` and ordered by its comparison key (epochs,
pre/post/dev releases, local versions; ``1.0 == 1.0.0``).

Many old PyPI releases carry versions that are not PEP 440 (``0.1-bulbasaur``,
``2004d``). ``packaging`` >= 22 rejects them, but OSV.dev still orders PyPI versions with the
pre-22 ``LegacyVersion`` rules when it computes affected versions, so such a version can appear
in advisory data and in installed metadata. We therefore order them as ``LegacyVersion`` did
(setuptools' historical ``parse_version``): every legacy version sorts *before* every PEP 440
version, and legacy versions compare part by part with ``pre``/``preview``/``rc`` as ``c``,
``dev`` as ``@`` and numeric parts numerically. Text without any letter or digit (``*``,
``-``) is invalid.
"""

from __future__ import annotations

import re
from typing import Any, Final

from packaging.version import InvalidVersion
from packaging.version import Version as _PackagingVersion

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "Pep440Scheme", "Pep440Version"]

_LEGACY_PART: Final = re.compile(r"(\d+|[a-z]+|\.|-)")
_LEGACY_REPLACE: Final[dict[str, str]] = {
    "pre": "c",
    "preview": "c",
    "-": "final-",
    "rc": "c",
    "dev": "@",
}
_LEGACY_ZERO: Final = "0001" + "0"
_HAS_ALNUM: Final = re.compile(r"[0-9A-Za-z]")

# Rank of the two families inside the sort key: legacy versions sort before PEP 440 ones.
_LEGACY_RANK: Final = 0
_PEP440_RANK: Final = 1


class Pep440Version(Version):
    """A PyPI version. ``legacy`` is True for a non-PEP 440 version ordered by the legacy rules."""

    __slots__ = ()
    scheme = "pep440"

    @property
    def legacy(self) -> bool:
        return bool(self._key[0] == _LEGACY_RANK)


def _legacy_number(digits: str) -> str:
    """Encode a run of digits so that string order is numeric order (and above ``*`` parts)."""
    significant = digits.lstrip("0") or "0"
    return f"{len(significant):04d}{significant}"


def _legacy_key(text: str) -> tuple[Any, ...]:
    parts: list[str] = []
    for raw in _LEGACY_PART.split(text.lower()):
        part = _LEGACY_REPLACE.get(raw, raw)
        if not part or part == ".":
            continue
        encoded = _legacy_number(part) if part[0].isdigit() else "*" + part
        if encoded.startswith("*"):
            # A pre-release tag drops a preceding "final-" marker ...
            if encoded < "*final":
                while parts and parts[-1] == "*final-":
                    parts.pop()
            # ... and every alphabetic part drops the trailing zeros of the numbers before it.
            while parts and parts[-1] == _LEGACY_ZERO:
                parts.pop()
        parts.append(encoded)
    while parts and parts[-1] == _LEGACY_ZERO:
        parts.pop()
    parts.append("*final")
    return (_LEGACY_RANK, tuple(parts))


class Pep440Scheme:
    """PEP 440 via ``packaging``; non-PEP 440 text ordered by the legacy rules."""

    name = "pep440"

    def parse(self, text: str) -> Pep440Version:
        cleaned = clean_text(self.name, text)
        try:
            parsed = _PackagingVersion(cleaned)
        except InvalidVersion:
            if not _HAS_ALNUM.search(cleaned):
                raise InvalidVersionError(self.name, text, "no letter or digit") from None
            return Pep440Version(text, _legacy_key(cleaned))
        return Pep440Version(text, (_PEP440_RANK, parsed._key))


SCHEME: Final = Pep440Scheme()
