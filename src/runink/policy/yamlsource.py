"""Reading policy YAML with positions: every value knows its file, line, column and field path.

ruamel.yaml's round-trip loader keeps the line and column of every key, value and list item;
``Node`` wraps a loaded value with its ``Location`` and its path in the document
(``triggers[0].then[1].who``), so that every problem can name both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from runink.policy.source import Location, Problem, ScalarMap

__all__ = ["Node", "load_yaml"]


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with its place: ``location`` of the value, ``path`` in the document."""

    value: Any
    location: Location
    path: str
    raw: str  # the whole file's text (to map positions inside scalars)

    # --- kinds -------------------------------------------------------------------------------

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)

    def problem(self, message: str, suggestion: str | None = None) -> Problem:
        """A problem at this node, its message prefixed with the field path."""
        prefix = f"{self.path}: " if self.path else ""
        return Problem(self.location, prefix + message, suggestion)

    # --- children ----------------------------------------------------------------------------

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else str(key)

    def key_location(self, key: str) -> Location:
        lc = _line_col(self.value, dict)
        return self._at(lc.key(key)) if lc is not None else self.location

    def child(self, key: str) -> Node | None:
        """The value under ``key`` of a mapping, or None when absent."""
        value = self.value
        if not isinstance(value, dict) or key not in value:
            return None
        lc = _line_col(value, dict)
        location = self._at(lc.value(key)) if lc is not None else self.location
        return Node(value[key], location, self._child_path(key), self.raw)

    def key_names(self) -> list[str]:
        return [str(k) for k in self.value] if isinstance(self.value, dict) else []

    def items(self) -> Iterator[Node]:
        """The elements of a sequence."""
        value = self.value
        if not isinstance(value, list):
            return
        lc = _line_col(value, list)
        for index, item in enumerate(value):
            location = self._at(lc.item(index)) if lc is not None else self.location
            yield Node(item, location, self._child_path(index), self.raw)

    def _at(self, position: tuple[int, int] | None) -> Location:
        """A 0-based (line, column) from ruamel as a Location; values built in memory (not
        loaded from text) have none, and take their parent's location."""
        if position is None:
            return self.location
        line, col = position
        return Location(self.location.path, line + 1, col + 1)

    # --- scalars -----------------------------------------------------------------------------

    def text(self) -> str | None:
        """The value as text when it is a scalar string (numbers are not coerced)."""
        return self.value if isinstance(self.value, str) else None

    def date(self) -> dt.date | None:
        """The value as a date: a YAML date, a timestamp, or an ISO ``YYYY-MM-DD`` string."""
        value = self.value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None

    def scalar_map(self) -> ScalarMap:
        """Offsets inside this string scalar -> file positions."""
        text = self.value if isinstance(self.value, str) else str(self.value)
        line = (self.location.line or 1) - 1
        col = (self.location.column or 1) - 1
        return ScalarMap(self.raw, line, col, text)


def _line_col(value: object, kind: type) -> Any:
    """ruamel's line/column record of a mapping or sequence it loaded, or None for a value
    built in memory. (ruamel is imported only by ``load_yaml``: a scan without a policy file
    never pays for it.)"""
    return getattr(value, "lc", None) if isinstance(value, kind) else None


def load_yaml(text: str, path: str) -> tuple[Node | None, Problem | None]:
    """Parse ``text`` (the content of ``path``) with positions; a YAML error is a problem."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        what = exc.problem or exc.context or "invalid YAML"
        if "duplicate key" in str(exc):
            what = f"duplicate key: {_duplicate_key(str(exc))}"
        return None, Problem(where, f"invalid YAML: {what}")
    except YAMLError as exc:
        return None, Problem(Location(path), f"invalid YAML: {exc}")
    root = Node(data, Location(path, 1, 1), "", text)
    return root, None


def _duplicate_key(message: str) -> str:
    for line in message.splitlines():
        if 'found duplicate key "' in line:
            return line.split('found duplicate key "', 1)[1].split('"', 1)[0]
    return "a key appears twice"
