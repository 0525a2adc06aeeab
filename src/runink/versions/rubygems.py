"""RubyGems versions (``Gem::Version``).

* A ``-`` means pre-release and reads as ``.pre.`` (``1.0-1`` is ``1.0.pre.1``).
* The version splits into segments: runs of digits (numbers) and runs of letters (strings);
  ``1.0.a10`` and ``1.0.a.10`` both give ``[1, 0, "a", 10]``.
* A string segment makes the version a pre-release: strings sort below numbers, and a missing
  segment counts as 0, so ``1.0.a < 1.0 < 1.0.1``.
* Trailing zeros of the numeric part and of the part from the first string on are
  insignificant (``1.0 == 1``, ``1.0.a == 1.a``); strings compare by byte order.

Accepted text is Gem's ``[0-9]+(\\.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?``,
extended (as OSV tooling does) to allow letters right after the first number (``1beta``).
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "RubyGemsScheme", "RubyGemsVersion"]

_GEM: Final = re.compile(
    r"[0-9][0-9A-Za-z]*(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_SEGMENT: Final = re.compile(r"[0-9]+|[A-Za-z]+")

# Element encoding (see _key): a number n preceded by z zeros is (2, -z, n), a string s
# preceded by z zeros is (0, z, s), and the end of the version is (1,), which stands for
# "zeros from here on".
_END: Final[tuple[Any, ...]] = (1,)


def _canonical(segments: list[int | str]) -> list[int | str]:
    first_string = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    numeric, rest = segments[:first_string], segments[first_string:]
    while numeric and numeric[-1] == 0:
        numeric.pop()
    while rest and rest[-1] == 0:
        rest.pop()
    return numeric + rest


def _key(segments: list[int | str]) -> tuple[Any, ...]:
    """Gem::Version compares segment lists padded with 0; encode that as a plain tuple.

    Zeros are folded into the next element: comparing "z zeros then x" against "z' zeros then
    y" is decided by the element that comes first (a number beats the padding 0, a string
    loses to it), which the (class, +-z) prefix reproduces.
    """
    elements: list[tuple[Any, ...]] = []
    zeros = 0
    for segment in segments:
        if isinstance(segment, str):
            elements.append((0, zeros, segment))
            zeros = 0
        elif segment == 0:
            zeros += 1
        else:
            elements.append((2, -zeros, segment))
            zeros = 0
    elements.append(_END)
    return tuple(elements)


class RubyGemsVersion(Version):
    """A RubyGems version."""

    __slots__ = ()
    scheme = "rubygems"

    @property
    def prerelease(self) -> bool:
        return any(element[0] == 0 for element in self._key)


class RubyGemsScheme:
    """``Gem::Version`` ordering."""

    name = "rubygems"

    def parse(self, text: str) -> RubyGemsVersion:
        cleaned = clean_text(self.name, text)
        if _GEM.fullmatch(cleaned) is None:
            raise InvalidVersionError(self.name, text, "not a RubyGems version")
        segments: list[int | str] = [
            int(s) if s[0].isdigit() else s for s in _SEGMENT.findall(cleaned.replace("-", ".pre."))
        ]
        return RubyGemsVersion(text, _key(_canonical(segments)))


SCHEME: Final = RubyGemsScheme()
