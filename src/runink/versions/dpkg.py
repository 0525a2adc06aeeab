"""Debian package versions (Debian, Ubuntu), ordered as ``dpkg --compare-versions``.

``[EPOCH:]UPSTREAM[-REVISION]``: the epoch is an integer (0 when absent); the revision is
what follows the *last* hyphen ("0" when absent, so ``1.0 == 1.0-0``). Upstream and revision
compare with dpkg's ``verrevcmp``: alternately a run of non-digits, compared character by
character where ``~`` sorts before everything (even the end of the string), then letters, then
all other characters; and a run of digits, compared numerically (empty is 0).

Invalid: an empty or non-numeric epoch, an empty upstream or revision, and characters dpkg
does not allow (upstream: ``[A-Za-z0-9.+~-]``, revision: ``[A-Za-z0-9.+~]``). An upstream
that does not start with a digit is accepted, as ``dpkg --compare-versions`` accepts it.
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "DpkgScheme", "DpkgVersion", "verrevcmp_key"]

_UPSTREAM: Final = re.compile(r"[A-Za-z0-9.+~-]+")
_REVISION: Final = re.compile(r"[A-Za-z0-9.+~]+")
_RUNS: Final = re.compile(r"([^0-9]*)([0-9]*)")
_END: Final[tuple[int, ...]] = (0,)


def _order(char: str) -> int:
    if char == "~":
        return -1
    if char.isascii() and char.isalpha():
        return ord(char)
    return ord(char) + 256


def verrevcmp_key(part: str) -> tuple[Any, ...]:
    """Key reproducing dpkg's ``verrevcmp``: (non-digit run, number) pairs, then an end marker.

    Each non-digit run is a tuple of character orders closed by 0 (the order of "end of run"),
    so ``~`` (-1) sorts before the end and every other character after it. The trailing
    ``(0,)`` stands for the empty runs a shorter string is padded with.
    """
    key: list[Any] = []
    for text, digits in _RUNS.findall(part):
        if not text and not digits:
            continue
        key.append((*(_order(c) for c in text), 0))
        key.append(int(digits) if digits else 0)
    if not key:
        key = [(0,), 0]
    key.append(_END)
    return tuple(key)


class DpkgVersion(Version):
    """A Debian package version."""

    __slots__ = ()
    scheme = "dpkg"


class DpkgScheme:
    """dpkg version comparison."""

    name = "dpkg"

    def parse(self, text: str) -> DpkgVersion:
        cleaned = clean_text(self.name, text)
        epoch_text, colon, rest = cleaned.partition(":")
        if not colon:
            epoch_text, rest = "0", cleaned
        elif not epoch_text.isascii() or not epoch_text.isdigit():
            raise InvalidVersionError(self.name, text, "epoch is not a number")
        upstream, hyphen, revision = rest.rpartition("-")
        if not hyphen:
            upstream, revision = rest, "0"
        elif not revision:
            raise InvalidVersionError(self.name, text, "empty revision after '-'")
        if not upstream:
            raise InvalidVersionError(self.name, text, "empty upstream version")
        if _UPSTREAM.fullmatch(upstream) is None:
            raise InvalidVersionError(self.name, text, "invalid character in upstream version")
        if _REVISION.fullmatch(revision) is None:
            raise InvalidVersionError(self.name, text, "invalid character in revision")
        key = (int(epoch_text), verrevcmp_key(upstream), verrevcmp_key(revision))
        return DpkgVersion(text, key)


SCHEME: Final = DpkgScheme()
