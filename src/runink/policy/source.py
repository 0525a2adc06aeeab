"""Places in policy files, the problems found there, and the map from an expression back to YAML.

A trigger's ``when:`` is one YAML scalar; the expression parser and checker report character
offsets into its *value*. ``ScalarMap`` turns such an offset into the line and column of the
file, whatever the scalar's style (plain, quoted, ``|`` or ``>`` block, folded over lines), by
aligning the value with the raw text it was read from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runink.errors import PolicyError

__all__ = ["ExprProblem", "Location", "Problem", "ScalarMap", "raise_problems"]


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based place in a file (line/column None when unknown)."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a policy file."""

    location: Location
    message: str
    suggestion: str | None = None

    def error(self) -> PolicyError:
        loc = self.location
        return PolicyError(
            loc.path, self.message, line=loc.line, column=loc.column, suggestion=self.suggestion
        )


@dataclass(frozen=True, slots=True)
class ExprProblem:
    """A problem inside an expression, at a character offset of its text."""

    offset: int
    message: str
    suggestion: str | None = None


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise one ``PolicyError`` carrying every problem, if there are any: files in the order
    their first problem was found, and by line and column within a file."""
    found = list(problems)
    file_order: dict[str, int] = {}
    for problem in found:
        file_order.setdefault(problem.location.path, len(file_order))
    ordered = sorted(
        found,
        key=lambda p: (
            file_order[p.location.path],
            p.location.line or 0,
            p.location.column or 0,
        ),
    )
    if not ordered:
        return
    first, *rest = (p.error() for p in ordered)
    loc = ordered[0].location
    raise PolicyError(
        first.path,
        first.message,
        line=loc.line,
        column=loc.column,
        suggestion=first.suggestion,
        others=tuple(rest),
    )


# Characters the raw text of a scalar may hold that are not part of its value: quotes,
# escapes, block indicators and the indentation/line breaks that folding removes.
_SKIPPABLE = frozenset(" \t\r\n\"'\\|>+-0123456789")
_ESCAPE_WINDOW = 12


class ScalarMap:
    """Offsets in a scalar's value -> (line, column) in the file, both 1-based."""

    __slots__ = ("_positions",)

    def __init__(self, raw: str, line0: int, col0: int, value: str) -> None:
        """``raw``: the file text; ``line0``/``col0``: 0-based start of the scalar (as YAML
        parsers report it); ``value``: the scalar's parsed value."""
        lines = raw.splitlines(keepends=True)
        index = sum(len(text) for text in lines[:line0]) + col0
        positions: list[tuple[int, int]] = []
        line, col = line0, col0
        i = index
        for ch in value:
            found = self._find(raw, i, ch)
            if found is None:
                # Could not align (an escape we do not model): stay where we are.
                positions.append((line + 1, col + 1))
                continue
            # Advance (line, col) from i to found.
            for c in raw[i:found]:
                if c == "\n":
                    line, col = line + 1, 0
                else:
                    col += 1
            positions.append((line + 1, col + 1))
            i = found
            if raw[i] == "\n":
                line, col = line + 1, 0
            else:
                col += 1
            i += 1
        positions.append((line + 1, col + 1))  # the end of the value
        self._positions = positions

    @staticmethod
    def _find(raw: str, start: int, ch: str) -> int | None:
        j = start
        limit = len(raw)
        while j < limit:
            c = raw[j]
            if c == ch or (ch == " " and c == "\n"):
                return j
            if c not in _SKIPPABLE:
                break
            j += 1
        # An escape sequence (``\x41``, ``\u00e9``) spells one character with several.
        window = raw[start : start + _ESCAPE_WINDOW]
        k = window.find(ch)
        return None if k < 0 else start + k

    def at(self, offset: int) -> tuple[int, int]:
        """The (line, column) of the value's character at ``offset`` (clamped to the value)."""
        offset = max(0, min(offset, len(self._positions) - 1))
        return self._positions[offset]

    @classmethod
    def single_line(cls, line: int, column: int, length: int) -> ScalarMap:
        """A map for text that sits on one line at (line, column), 1-based (e.g. --fail-on)."""
        instance = cls.__new__(cls)
        instance._positions = [(line, column + k) for k in range(length + 1)]
        return instance
