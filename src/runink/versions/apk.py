"""Alpine package versions (Alpine, Wolfi, Chainguard), ordered as apk-tools 2 does.

``NUMBER{.NUMBER}...[LETTER]{_SUFFIX[NUMBER]}...[-rREVISION]``, compared token by token as
``apk_version_compare`` in apk-tools 2.x (the apk of the Alpine 3.x releases that OSV's
``Alpine:v3.N`` advisories describe):

* the first number compares numerically; every later number after a ``.`` compares
  numerically too, but leading zeros are first counted as one token that sorts below any
  number (``1.01 < 1.1``, ``1.001 < 1.01``; Gentoo's rule);
* a lower-case letter may follow a number (``1.2a < 1.2b``; ``1.2a1 < 1.2a2``);
* suffixes order ``_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p``,
  each optionally numbered; ``-rN`` is the package revision;
* when one version stops (or switches to another kind of token) first, the longer one is
  greater, unless what follows is a pre-release suffix: ``1.2_rc1 < 1.2 < 1.2_p1 < 1.2.1 <
  1.2.1-r1``.

Text that apk would call invalid still orders the way ``apk version -t`` orders it: tokens up
to the invalid one count, and the invalid token then sorts above every valid continuation
(a quirk of apk-tools 2). Only empty text is rejected.
"""

from __future__ import annotations

from typing import Any, Final

from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "ApkScheme", "ApkVersion"]

# apk-tools 2 token kinds, in its enum order. When two versions reach tokens of different kinds,
# the kind with the higher number sorts lower, except INVALID (-1), which sorts highest.
_INVALID: Final = -1
_DIGIT_OR_ZERO: Final = 0
_DIGIT: Final = 1
_LETTER: Final = 2
_SUFFIX: Final = 3
_SUFFIX_NO: Final = 4
_REVISION_NO: Final = 5
_END: Final = 6

# Suffix values as apk-tools returns them: pre-release suffixes are negative.
_PRE_SUFFIXES: Final = ("alpha", "beta", "pre", "rc")
_POST_SUFFIXES: Final = ("cvs", "svn", "git", "hg", "p")
# A suffix with a negative value, met where the other version has another kind of token,
# makes its version the lower one: give it a rank below every other kind.
_PRE_SUFFIX_RANK: Final = -100

_END_ELEMENT: Final[tuple[int]] = (-_END,)
_INVALID_ELEMENT: Final[tuple[int]] = (-_INVALID,)


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _next_kind(kind: int, text: str, pos: int) -> tuple[int, int]:
    """apk-tools ``next_token``: the kind of the token at ``pos``, consuming its separator."""
    length = len(text)
    if pos >= length:
        new = _END
    elif kind in (_DIGIT, _DIGIT_OR_ZERO) and "a" <= text[pos] <= "z":
        new = _LETTER
    elif kind == _LETTER and _is_digit(text[pos]):
        new = _DIGIT
    elif kind == _SUFFIX and _is_digit(text[pos]):
        new = _SUFFIX_NO
    else:
        char = text[pos]
        if char == ".":
            new = _DIGIT_OR_ZERO
        elif char == "_":
            new = _SUFFIX
        elif char == "-" and pos + 1 < length and text[pos + 1] == "r":
            new = _REVISION_NO
            pos += 1
        else:
            new = _INVALID
        pos += 1
    if new < kind and not (
        (new == _DIGIT_OR_ZERO and kind == _DIGIT)
        or (new == _SUFFIX and kind == _SUFFIX_NO)
        or (new == _DIGIT and kind == _LETTER)
    ):
        new = _INVALID
    return new, pos


def _read_digits(text: str, pos: int) -> tuple[int, int]:
    end = pos
    while end < len(text) and _is_digit(text[end]):
        end += 1
    return (int(text[pos:end]) if end > pos else 0), end


def _suffix(text: str, pos: int) -> tuple[int, int] | None:
    """apk-tools matches suffix names as prefixes of the remaining text."""
    for index, name in enumerate(_PRE_SUFFIXES):
        if text.startswith(name, pos):
            return index - len(_PRE_SUFFIXES), pos + len(name)
    for index, name in enumerate(_POST_SUFFIXES):
        if text.startswith(name, pos):
            return index, pos + len(name)
    return None


def _key(text: str) -> tuple[Any, ...]:
    """Sort key: one (rank, value) element per token as apk-tools reads them, then the end.

    apk compares two versions token by token while both read the same kind; at the first
    difference in kind it decides by the kinds alone (see module docstring). The rank
    reproduces that decision and the value the comparison within a kind.
    """
    elements: list[tuple[int, ...]] = []
    kind = _DIGIT
    pos = 0
    length = len(text)
    while kind not in (_END, _INVALID):
        reading = kind
        if pos >= length:
            # apk reads an empty token as value 0 and then ends ("1." reads 1, 0).
            elements.append((-_SUFFIX if reading == _SUFFIX else -reading, 0))
            kind = _END
            break
        next_kind = _INVALID
        if reading == _DIGIT_OR_ZERO and text[pos] == "0":
            end = pos
            while end < length and text[end] == "0":
                end += 1
            value = -(end - pos)
            next_kind = _DIGIT
        elif reading in (_DIGIT_OR_ZERO, _DIGIT, _SUFFIX_NO, _REVISION_NO):
            value, end = _read_digits(text, pos)
        elif reading == _LETTER:
            value, end = ord(text[pos]), pos + 1
        else:  # _SUFFIX
            found = _suffix(text, pos)
            if found is None:
                elements.append((_PRE_SUFFIX_RANK, -1))
                kind = _INVALID
                break
            value, end = found
        if reading == _SUFFIX:
            elements.append((_PRE_SUFFIX_RANK if value < 0 else -_SUFFIX, value))
        else:
            elements.append((-reading, value))
        pos = end
        if pos >= length:
            kind = _END
        elif next_kind != _INVALID:
            kind = next_kind
        else:
            kind, pos = _next_kind(reading, text, pos)
    elements.append(_END_ELEMENT if kind == _END else _INVALID_ELEMENT)
    return tuple(elements)


class ApkVersion(Version):
    """An Alpine package version."""

    __slots__ = ()
    scheme = "apk"

    @property
    def valid(self) -> bool:
        """Whether apk-tools would accept the version (``apk_version_validate``)."""
        return bool(self._key[-1] == _END_ELEMENT)


class ApkScheme:
    """apk-tools 2 version comparison."""

    name = "apk"

    def parse(self, text: str) -> ApkVersion:
        cleaned = clean_text(self.name, text)
        return ApkVersion(text, _key(cleaned))


SCHEME: Final = ApkScheme()
