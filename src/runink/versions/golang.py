"""Go module versions, ordered as ``golang.org/x/mod/semver`` orders them.

A Go version is SemVer with a mandatory ``v`` prefix; OSV records leave the ``v`` out
(``1.2.3``) while go.mod and go.sum keep it (``v1.2.3``), so both spellings are accepted and
give the same version. Go's own rules apply otherwise:

* ``vMAJOR``, ``vMAJOR.MINOR`` are shorthands for ``.0`` (``v1.2 == v1.2.0``);
* no leading zeros in numbers or in numeric pre-release identifiers (``v01.0.0`` is invalid);
* build metadata (``+incompatible``) is ignored for ordering, so ``v2.0.0+incompatible``
  equals ``v2.0.0``.

Pseudo-versions are ordinary pre-releases and order correctly without special cases:
``v0.0.0-20210101000000-abcdef123456`` (no earlier tag),
``v1.2.4-0.20210101000000-abcdef123456`` (after ``v1.2.3``, before ``v1.2.4``) and
``v1.2.3-pre.0.20210101000000-abcdef123456`` (after ``v1.2.3-pre``).
"""

from __future__ import annotations

import re
from typing import Final

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text
from runink.versions.semver import identifiers_key

__all__ = ["SCHEME", "GoScheme", "GoVersion"]

_NUM: Final = r"(?:0|[1-9][0-9]*)"
_IDENT: Final = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_GO: Final = re.compile(
    rf"""
    v?
    (?P<major>{_NUM})
    (?:\.(?P<minor>{_NUM})(?:\.(?P<patch>{_NUM})
        (?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?
        (?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    )?)?
    """,
    re.VERBOSE,
)


class GoVersion(Version):
    """A Go module version."""

    __slots__ = ()
    scheme = "go"

    @property
    def prerelease(self) -> bool:
        return bool(self._key[3] != (1,))


class GoScheme:
    """``golang.org/x/mod/semver`` ordering; the ``v`` prefix is optional."""

    name = "go"

    def parse(self, text: str) -> GoVersion:
        cleaned = clean_text(self.name, text)
        match = _GO.fullmatch(cleaned)
        if match is None:
            raise InvalidVersionError(
                self.name, text, "not a Go module version (vMAJOR.MINOR.PATCH[-PRE][+BUILD])"
            )
        pre = match.group("pre")
        key = (
            int(match.group("major")),
            int(match.group("minor") or 0),
            int(match.group("patch") or 0),
            (0, *identifiers_key(pre)) if pre is not None else (1,),
        )
        return GoVersion(text, key)


SCHEME: Final = GoScheme()
