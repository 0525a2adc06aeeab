"""The version layer's port: a ``Version`` value and the ``VersionScheme`` protocol.

Every scheme turns a version string into a ``Version`` that carries the original text and a
precomputed *sort key*: a plain tuple whose ordering is the scheme's ordering. Comparing two
versions is then one tuple comparison, which keeps the matching core fast (it parses each
installed version once and compares it against many range bounds). Versions that the scheme
considers equal (PEP 440 ``1.0`` and ``1.0.0``, Maven ``1.0`` and ``1-0``) have equal keys, so
they compare and hash equal.

Versions of different schemes never compare: ``<`` between them raises ``TypeError`` and
``==`` is False.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final, Protocol, Self

from runink.errors import InvalidVersionError

__all__ = ["Version", "VersionScheme", "clean_text"]

# Control characters and whitespace are never part of a version in any scheme we support.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


class Version:
    """One parsed version: original text plus an immutable, totally ordered sort key.

    Subclasses set ``scheme`` (the scheme's name). Two versions compare only when they are of
    the same class; the ordering, equality and hash come from ``sort_key`` alone.
    """

    __slots__ = ("_key", "_text")

    scheme: ClassVar[str] = "abstract"

    _key: tuple[Any, ...]
    _text: str

    def __init__(self, text: str, key: tuple[Any, ...]) -> None:
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_key", key)

    # Immutability --------------------------------------------------------------------------
    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self

    def __reduce__(self) -> tuple[type[Self], tuple[str, tuple[Any, ...]]]:
        return (type(self), (self._text, self._key))

    # Accessors -----------------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The text the version was parsed from, unchanged."""
        return self._text

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """The tuple that orders this version within its scheme."""
        return self._key

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._text!r})"

    # Ordering ------------------------------------------------------------------------------
    # Written out (rather than functools.total_ordering) because this is the hot path.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key == other._key
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key != other._key
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key < other._key
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key <= other._key
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key > other._key
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key >= other._key
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.scheme, self._key))


class VersionScheme(Protocol):
    """One version scheme (PEP 440, SemVer, Maven, dpkg, ...)."""

    #: Stable scheme identifier used in messages and docs (``"pep440"``, ``"maven"``).
    name: str

    def parse(self, text: str) -> Version:
        """Parse ``text``; raise ``InvalidVersionError`` when it is not a version of the scheme."""
        ...


EMPTY_REASON: Final = "empty version"
#: No real version comes near this; the cap keeps parsing linear and numbers convertible.
MAX_LENGTH: Final = 256


def clean_text(scheme: str, text: str) -> str:
    """Strip surrounding whitespace; reject empty or overlong text and inner whitespace/controls."""
    stripped = text.strip()
    if not stripped:
        raise InvalidVersionError(scheme, text, EMPTY_REASON)
    if len(stripped) > MAX_LENGTH:
        raise InvalidVersionError(scheme, text, f"longer than {MAX_LENGTH} characters")
    bad = _FORBIDDEN.search(stripped)
    if bad is not None:
        raise InvalidVersionError(
            scheme, text, f"whitespace or control character {bad.group()!r} inside the version"
        )
    return stripped
