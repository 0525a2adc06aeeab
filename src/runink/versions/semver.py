"""SemVer 2.0 and its flavours: npm, crates.io, Hex, SwiftURL, GitHub Actions, Bitnami, Pub.

Ordering (SemVer 2.0 section 11): release numbers numerically; a pre-release sorts before the
release; pre-release identifiers compare left to right, numeric identifiers numerically and
below alphanumeric ones, alphanumeric ones by ASCII order; when all shared identifiers are
equal, the longer list wins. Build metadata is ignored (``1.0.0+a == 1.0.0+b``) except for
Pub, whose ``pub_semver`` orders builds too: no build sorts before any build, and builds
compare like pre-releases.

Parsing is deliberately a little more lenient than the strict grammar, the way node-semver
and OSV tooling are, so that real-world data is not rejected for no ordering reason:

* surrounding whitespace and a leading ``v``/``V`` and/or ``=`` are ignored (node-semver);
* a missing minor or patch counts as 0 (``1.2`` == ``1.2.0``), leading zeros in numbers are
  accepted and ignored;
* more than three numeric components are kept and compared numerically
  (``1.2.3.4 > 1.2.3``, ``1.2.3.0 == 1.2.3``).

Anything else (empty text, empty identifiers, characters outside ``[0-9A-Za-z-]`` in
pre-release or build, no leading number) is invalid.
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text

__all__ = [
    "PUB",
    "SEMVER",
    "PubScheme",
    "PubVersion",
    "SemVerScheme",
    "SemVerVersion",
    "identifiers_key",
    "release_key",
]

_SEMVER: Final = re.compile(
    r"""
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    (?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    """,
    re.VERBOSE,
)
_PREFIX: Final = re.compile(r"[=vV]*")

# A release without pre-release sorts after every pre-release of the same numbers.
_NO_PRE: Final[tuple[Any, ...]] = (1,)
# Pub: a version without build sorts before every build of the same version.
_NO_BUILD: Final[tuple[Any, ...]] = (0,)


def release_key(release: str) -> tuple[int, ...]:
    """``"1.2.0.0"`` -> ``(1, 2)``: numbers with trailing zeros dropped (so 1.2 == 1.2.0)."""
    numbers = [int(n) for n in release.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def identifiers_key(identifiers: str) -> tuple[tuple[int, int | str], ...]:
    """Key for dot-separated identifiers: numeric ones numerically and below alphanumeric ones."""
    return tuple((0, int(i)) if i.isdigit() else (1, i) for i in identifiers.split("."))


class SemVerVersion(Version):
    """A SemVer 2.0 version (npm, crates.io, Hex, SwiftURL, GitHub Actions, Bitnami)."""

    __slots__ = ()
    scheme = "semver"

    @property
    def prerelease(self) -> bool:
        return bool(self._key[1] != _NO_PRE)


class PubVersion(Version):
    """A Dart ``pub_semver`` version: SemVer ordering plus ordered build metadata."""

    __slots__ = ()
    scheme = "pub"

    @property
    def prerelease(self) -> bool:
        return bool(self._key[1] != _NO_PRE)


def _split(scheme: str, text: str) -> re.Match[str]:
    cleaned = clean_text(scheme, text)
    start = _PREFIX.match(cleaned)
    offset = start.end() if start is not None else 0
    match = _SEMVER.fullmatch(cleaned, offset)
    if match is None:
        raise InvalidVersionError(
            scheme, text, "not a SemVer version (MAJOR.MINOR.PATCH[-PRE][+BUILD])"
        )
    return match


class SemVerScheme:
    """SemVer 2.0 precedence; build metadata ignored."""

    name = "semver"

    def parse(self, text: str) -> SemVerVersion:
        match = _split(self.name, text)
        pre = match.group("pre")
        key = (
            release_key(match.group("release")),
            (0, *identifiers_key(pre)) if pre is not None else _NO_PRE,
        )
        return SemVerVersion(text, key)


class PubScheme:
    """Dart ``pub_semver``: SemVer precedence, then build metadata (absent < present)."""

    name = "pub"

    def parse(self, text: str) -> PubVersion:
        match = _split(self.name, text)
        pre = match.group("pre")
        build = match.group("build")
        key = (
            release_key(match.group("release")),
            (0, *identifiers_key(pre)) if pre is not None else _NO_PRE,
            (1, *identifiers_key(build)) if build is not None else _NO_BUILD,
        )
        return PubVersion(text, key)


SEMVER: Final = SemVerScheme()
PUB: Final = PubScheme()
