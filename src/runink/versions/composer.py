"""Packagist (Composer) versions.

Composer normalizes a version (``VersionParser::normalize``) to four numbers plus a stability
suffix and orders normalized versions with PHP's ``version_compare``. The same is done here:

* a leading ``v``/``V`` is dropped; ``-``, ``_``, ``+`` and ``.`` separate parts, and a
  change between digits and letters separates too (``1.0RC1`` = ``1.0.RC.1``);
* the leading numbers are the release, padded with zeros (``1.0 == 1.0.0 == 1.0.0.0``);
* what follows is compared part by part with PHP's special forms:
  ``dev < alpha = a < beta = b < RC = rc < (number) < patch = pl = p`` (case-insensitive), a
  number ranking like the end of the version when it meets a word, and above the end when the
  other version has stopped; ``stable`` means nothing (``1.0-stable == 1.0``);
* branch versions: ``dev-main`` sorts below every numbered version (PHP's rule), and
  ``1.x-dev`` means ``1.9999999.9999999.9999999-dev`` as in Composer.

Deliberate differences from raw PHP ``version_compare`` (which OSV.dev uses on unnormalized
text): ``1.0 == 1.0.0`` (Composer normalizes both to ``1.0.0.0``; raw PHP says ``1.0.0 > 1.0``);
special forms match whole words rather than prefixes; words that are not special forms
(invalid in Composer) sort below ``dev`` and among themselves by text instead of all being
equal; ``#`` and other punctuation are invalid.
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.errors import InvalidVersionError
from runink.versions.base import Version, clean_text

__all__ = ["SCHEME", "ComposerScheme", "ComposerVersion"]

_ALLOWED: Final = re.compile(r"[vV]?[0-9A-Za-z._+-]*[0-9A-Za-z][0-9A-Za-z._+-]*")
_PARTS: Final = re.compile(r"[0-9]+|[A-Za-z]+")
_WILDCARD_BRANCH: Final = re.compile(
    r"([0-9]+(?:\.(?:[0-9]+|[xX*])){0,2}\.[xX*])[._-]?dev", re.IGNORECASE
)
_BRANCH_WILDCARD: Final = 9999999

_SPECIAL: Final[dict[str, int]] = {
    "dev": 0,
    "alpha": 1,
    "a": 1,
    "beta": 2,
    "b": 2,
    "rc": 3,
    "patch": 5,
    "pl": 5,
    "p": 5,
}
_NUMBER_RANK: Final = 4
_UNKNOWN_RANK: Final = -1
# End of the version: equal in rank to a number (PHP's "#"), below any actual number.
_END: Final[tuple[Any, ...]] = (_NUMBER_RANK, 0, "")


class ComposerVersion(Version):
    """A Packagist package version."""

    __slots__ = ()
    scheme = "composer"

    @property
    def stable(self) -> bool:
        return all(element[0] >= _NUMBER_RANK for element in self._key[1])


def _key(text: str) -> tuple[Any, ...]:
    branch = _WILDCARD_BRANCH.fullmatch(text)
    if branch is not None:
        # Composer: "1.x-dev" -> "1.9999999.9999999.9999999-dev".
        numbers = branch.group(1).split(".")
        numbers += ["x"] * (4 - len(numbers))
        text = ".".join(str(_BRANCH_WILDCARD) if n in "xX*" else n for n in numbers) + "-dev"
    parts: list[str] = _PARTS.findall(text)
    release: list[int] = []
    index = 0
    while index < len(parts) and parts[index].isdigit():
        release.append(int(parts[index]))
        index += 1
    while release and release[-1] == 0:
        release.pop()
    rest: list[tuple[Any, ...]] = []
    for part in parts[index:]:
        if part.isdigit():
            rest.append((_NUMBER_RANK, 1, int(part)))
            continue
        word = part.lower()
        if word == "stable":
            continue
        rank = _SPECIAL.get(word)
        if rank is None:
            rest.append((_UNKNOWN_RANK, 0, word))
        else:
            rest.append((rank, 0, ""))
    rest.append(_END)
    return (tuple(release), tuple(rest))


class ComposerScheme:
    """Composer's normalization and PHP ``version_compare`` ordering."""

    name = "composer"

    def parse(self, text: str) -> ComposerVersion:
        cleaned = clean_text(self.name, text)
        if _ALLOWED.fullmatch(cleaned) is None:
            raise InvalidVersionError(
                self.name, text, "only letters, digits and . _ + - are allowed"
            )
        if cleaned[0] in "vV" and len(cleaned) > 1 and cleaned[1].isdigit():
            cleaned = cleaned[1:]
        return ComposerVersion(text, _key(cleaned))


SCHEME: Final = ComposerScheme()
