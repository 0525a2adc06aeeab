"""RPM package versions (Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE, ...).

``[EPOCH:]VERSION[-RELEASE]`` split as rpm's ``parseEVR`` does: the epoch is the leading run of
digits when a ``:`` follows it (an empty epoch is 0, a missing one is 0), the release is what
follows the last ``-``. Epochs compare numerically, then version and release with
``rpmvercmp``:

* only ASCII letters and digits form segments; every other character separates them (and
  ``1.0`` equals ``1_0``), except ``~`` and ``^``;
* ``~`` sorts before anything, even the end of the string (``1.0~rc1 < 1.0``);
* ``^`` sorts after the end of the string but before any further segment
  (``1.0 < 1.0^git1 < 1.0.1``);
* a numeric segment beats an alphabetic one; numbers compare numerically, letters by ASCII.

rpm itself treats a missing release as "any release" when one side has none; that is not an
order, so here a version without release sorts before the same version with any release
(``1.0 < 1.0-0``), which is what rpm-based advisory data expects.
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "RpmScheme", "RpmVersion", "rpmvercmp_key"]

_EPOCH: Final = re.compile(r"([0-9]*):")
_TOKENS: Final = re.compile(r"~|\^|[0-9]+|[A-Za-z]+")

_TILDE: Final = (0,)
_END: Final = (1,)
_CARET: Final = (2,)
_NO_RELEASE: Final[tuple[Any, ...]] = ()


def rpmvercmp_key(part: str) -> tuple[Any, ...]:
    """Key reproducing ``rpmvercmp``: ~ < end < ^ < letters < numbers, then the end marker."""
    tokens: list[tuple[Any, ...]] = []
    for token in _TOKENS.findall(part):
        if token == "~":
            tokens.append(_TILDE)
        elif token == "^":
            tokens.append(_CARET)
        elif token[0].isdigit():
            tokens.append((4, int(token)))
        else:
            tokens.append((3, token))
    tokens.append(_END)
    return tuple(tokens)


class RpmVersion(Version):
    """An RPM epoch:version-release."""

    __slots__ = ()
    scheme = "rpm"


class RpmScheme:
    """rpm ``rpmvercmp`` ordering over epoch, version and release."""

    name = "rpm"

    def parse(self, text: str) -> RpmVersion:
        cleaned = clean_text(self.name, text)
        epoch = 0
        rest = cleaned
        match = _EPOCH.match(cleaned)
        if match is not None:
            epoch = int(match.group(1) or 0)
            rest = cleaned[match.end() :]
        version, hyphen, release = rest.rpartition("-")
        if not hyphen:
            version = rest
        key = (
            epoch,
            rpmvercmp_key(version),
            rpmvercmp_key(release) if hyphen else _NO_RELEASE,
        )
        return RpmVersion(text, key)


SCHEME: Final = RpmScheme()
