"""NuGet versions (``NuGet.Versioning.NuGetVersion``).

``MAJOR[.MINOR[.PATCH[.REVISION]]][-LABEL(.LABEL)*][+METADATA]``:

* one to four numeric parts, missing ones are 0 (``1.0 == 1.0.0.0``), leading zeros are
  ignored (``1.0.01 == 1.0.1``);
* a pre-release sorts before the release; labels compare left to right, a label that is a
  32-bit integer compares numerically and below text labels, text labels compare
  case-insensitively (``1.0.0-BETA == 1.0.0-beta``), a longer list wins on a tie;
* metadata after ``+`` is ignored.
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "NuGetScheme", "NuGetVersion"]

_NUGET: Final = re.compile(
    r"""
    (?P<major>[0-9]+)(?:\.(?P<minor>[0-9]+))?(?:\.(?P<patch>[0-9]+))?(?:\.(?P<revision>[0-9]+))?
    (?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    (?:\+(?P<meta>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    """,
    re.VERBOSE,
)
_INT32_MAX: Final = 2**31 - 1
_NO_PRE: Final[tuple[Any, ...]] = (1,)


def _label_key(label: str) -> tuple[int, int | str]:
    # NuGet tries Int32.TryParse; a label that does not fit compares as text.
    if label.isdigit() and int(label) <= _INT32_MAX:
        return (0, int(label))
    return (1, label.upper())


class NuGetVersion(Version):
    """A NuGet version."""

    __slots__ = ()
    scheme = "nuget"

    @property
    def prerelease(self) -> bool:
        return bool(self._key[1] != _NO_PRE)


class NuGetScheme:
    """NuGet SemVer 2.0 with four-part versions and case-insensitive labels."""

    name = "nuget"

    def parse(self, text: str) -> NuGetVersion:
        cleaned = clean_text(self.name, text)
        match = _NUGET.fullmatch(cleaned)
        if match is None:
            raise InvalidVersionError(
                self.name, text, "not a NuGet version (MAJOR.MINOR.PATCH[.REVISION][-PRE][+META])"
            )
        pre = match.group("pre")
        key = (
            (
                int(match.group("major")),
                int(match.group("minor") or 0),
                int(match.group("patch") or 0),
                int(match.group("revision") or 0),
            ),
            (0, *(_label_key(label) for label in pre.split("."))) if pre is not None else _NO_PRE,
        )
        return NuGetVersion(text, key)


SCHEME: Final = NuGetScheme()
