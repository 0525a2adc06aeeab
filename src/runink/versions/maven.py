"""Maven versions, ordered as Maven 3.9's ``ComparableVersion``.

Parsing (case-insensitive):

* ``.`` and ``-`` separate items; a transition between digits and letters separates too;
  ``-`` (and a digit/letter transition) opens a nested list, so ``1-1`` is ``[1, [1]]``;
* ``X1`` and ``X-1`` (letters then digits) form one *combination* item, and ``a``/``b``/``m``
  directly followed by digits mean ``alpha``/``beta``/``milestone``; ``cr`` means ``rc``;
* a trailing ``.X`` qualifier is read as ``-X`` (``1.0.0.RC1`` sorts like ``1.0.0-RC1``);
* "null" items (``0``, empty lists) are dropped at the end of each list, and before a
  qualifier, so ``1 == 1.0 == 1.0.0 == 1-0 == 1.ga == 1-final``.

Ordering, item by item (a missing item compares as "null"):

* numbers compare numerically and beat every other item; a null equals ``0``;
* qualifiers: ``alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release <
  sp < (unknown qualifiers, by text)``; a null equals the release qualifier ``""``;
  ``X`` < ``X1`` < ``X2`` for a combination of qualifier ``X`` and a number;
* a nested list sits between qualifiers and numbers, and compares with a null by its first
  item that is not null-like.

Implementation: items are turned into a tuple sort key. Maven's own comparison is not
transitive in a few contrived cases (a qualifier such as ``sp`` meeting a nested list that
starts with a pre-release qualifier); there the key follows the ordering relative to the
release (pre-releases below, the rest above), which keeps a total order. Every version is
valid except empty text and text with whitespace or control characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "MavenScheme", "MavenVersion"]

_QUALIFIERS: Final[dict[str, int]] = {
    "alpha": 0,
    "beta": 1,
    "milestone": 2,
    "rc": 3,
    "snapshot": 4,
    "": 5,
    "ga": 5,
    "final": 5,
    "release": 5,
    "sp": 6,
}
_RELEASE_INDEX: Final = 5
_UNKNOWN_INDEX: Final = 7
_SHORT_QUALIFIERS: Final[dict[str, str]] = {"a": "alpha", "b": "beta", "m": "milestone"}

# Item classes inside a key element: qualifiers < nested lists < numbers.
_CLASS_QUALIFIER: Final = 1
_CLASS_LIST: Final = 2
_CLASS_NUMBER: Final = 3
# Marks the end of a list; it sits between "below release" (-1) and "above release" (+1).
_END: Final[tuple[int]] = (0,)


@dataclass(frozen=True, slots=True)
class _Qualifier:
    """A string item, or a combination (qualifier followed by a number) when ``number >= 0``."""

    name: str
    number: int = -1

    @property
    def index(self) -> int:
        return _QUALIFIERS.get(self.name, _UNKNOWN_INDEX)


_Item = int | _Qualifier | list[Any]


def _qualifier(text: str, followed_by_digit: bool) -> str:
    if followed_by_digit and len(text) == 1:
        text = _SHORT_QUALIFIERS.get(text, text)
    return "rc" if text == "cr" else text


def _make_item(combination: bool, digits: bool, text: str) -> _Item:
    if combination:
        text = text.replace("-", "")
        split = next((i for i, c in enumerate(text) if c.isdigit()), len(text))
        return _Qualifier(_qualifier(text[:split], True), int(text[split:] or 0))
    if digits:
        return int(text)
    return _Qualifier(_qualifier(text, False))


def _is_null(item: _Item) -> bool:
    if isinstance(item, int):
        return item == 0
    if isinstance(item, _Qualifier):
        return item.number < 0 and item.name == ""
    return not item


def _normalize(items: list[Any]) -> None:
    """Maven 3.9 ``ListItem.normalize``: drop null items at the end and before qualifiers."""
    i = len(items) - 1
    while i >= 0:
        if _is_null(items[i]):
            if i == len(items) - 1:
                del items[i]
            else:
                following = items[i + 1]
                if (isinstance(following, _Qualifier) and following.number < 0) or (
                    isinstance(following, list)
                    and following
                    and isinstance(following[0], _Qualifier)
                ):
                    del items[i]
        i -= 1


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _parse_items(version: str) -> list[Any]:
    """Maven 3.9 ``ComparableVersion.parseVersion`` (on lower-cased text)."""
    root: list[Any] = []
    current = root
    lists = [root]
    digits = False
    combination = False
    start = 0
    length = len(version)

    def open_list() -> None:
        nonlocal current
        nested: list[Any] = []
        current.append(nested)
        current = nested
        lists.append(nested)

    for i, char in enumerate(version):
        if char == ".":
            if i == start:
                current.append(0)
            else:
                current.append(_make_item(combination, digits, version[start:i]))
            combination = False
            start = i + 1
        elif char == "-":
            if i == start:
                current.append(0)
            else:
                if not digits and i != length - 1 and _is_digit(version[i + 1]):
                    # "X-1" is read as the combination "X1".
                    combination = True
                    continue
                current.append(_make_item(combination, digits, version[start:i]))
            start = i + 1
            if current:
                open_list()
            combination = False
        elif _is_digit(char):
            if not digits and i > start:
                combination = True
                if current:
                    open_list()
            digits = True
        else:
            if digits and i > start:
                current.append(_make_item(combination, True, version[start:i]))
                start = i
                open_list()
                combination = False
            digits = False

    if length > start:
        if not digits and current:
            # "1.0.0.X1" sorts like "1.0.0-X1": a trailing qualifier goes into its own list.
            open_list()
        current.append(_make_item(combination, digits, version[start:]))

    for items in reversed(lists):
        _normalize(items)
    return root


def _versus_null(item: _Item) -> int:
    """Sign of comparing ``item`` with a missing item (Maven's ``compareTo(null)``)."""
    if isinstance(item, int):
        return 1 if item else 0
    if isinstance(item, _Qualifier):
        index = item.index
        return (index > _RELEASE_INDEX) - (index < _RELEASE_INDEX)
    for nested in item:
        sign = _versus_null(nested)
        if sign:
            return sign
    return 0


def _key(items: list[Any]) -> tuple[Any, ...]:
    """Tuple key: each item becomes (side of release, class, value); then the end marker.

    "Side of release" is the sign of comparing the rest of the list (from this item on) with
    nothing, which is what decides against a shorter version; items from the point where the
    rest equals nothing are dropped (``1-ga`` == ``1``).
    """
    signs = [_versus_null(item) for item in items]
    side = 0
    sides = [0] * len(items)
    for i in range(len(items) - 1, -1, -1):
        if signs[i]:
            side = signs[i]
        sides[i] = side
    elements: list[tuple[Any, ...]] = []
    for item, item_side in zip(items, sides, strict=True):
        if item_side == 0:
            break
        if isinstance(item, int):
            elements.append((item_side, _CLASS_NUMBER, item))
        elif isinstance(item, _Qualifier):
            index = item.index
            text = item.name if index == _UNKNOWN_INDEX else ""
            elements.append((item_side, _CLASS_QUALIFIER, (index, text, item.number)))
        else:
            elements.append((item_side, _CLASS_LIST, _key(item)))
    elements.append(_END)
    return tuple(elements)


class MavenVersion(Version):
    """A Maven artifact version."""

    __slots__ = ()
    scheme = "maven"


class MavenScheme:
    """Maven ``ComparableVersion`` ordering."""

    name = "maven"

    def parse(self, text: str) -> MavenVersion:
        cleaned = clean_text(self.name, text)
        return MavenVersion(text, _key(_parse_items(cleaned.lower())))


SCHEME: Final = MavenScheme()
