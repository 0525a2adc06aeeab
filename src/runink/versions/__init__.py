"""Exact version semantics for every supported ecosystem.

``parse(ecosystem, text)`` returns a totally ordered, immutable, hashable ``Version`` that keeps
its original text; ``compare(ecosystem, a, b)`` returns a negative number, zero or a positive
number. ``ecosystem`` is an OSV ecosystem name; a release suffix after the first ``:``
(``Debian:12``, ``Alpine:v3.20``, ``Red Hat:enterprise_linux:8::appstream``) is ignored for
choosing the scheme. The one dispatch table is ``runink.versions.registry.SCHEMES``; the rules
of each scheme are described in its module and in ``docs/versions.md``.

Errors: an ecosystem without a scheme raises ``UnsupportedEcosystemError``; text that is not a
version of the scheme raises ``InvalidVersionError`` naming the ecosystem and the text.
"""

from __future__ import annotations

from functools import lru_cache

from runink.errors import InvalidVersionError, UnsupportedEcosystemError
from runink.model.ecosystems import base_ecosystem
from runink.versions.base import Version, VersionScheme
from runink.versions.registry import SCHEMES

__all__ = [
    "InvalidVersionError",
    "UnsupportedEcosystemError",
    "Version",
    "VersionScheme",
    "compare",
    "is_supported",
    "parse",
    "scheme_for",
    "supported_ecosystems",
]

_CACHE_SIZE = 1 << 16


def scheme_for(ecosystem: str) -> VersionScheme:
    """The version scheme of an OSV ecosystem; raises ``UnsupportedEcosystemError``."""
    scheme = SCHEMES.get(base_ecosystem(ecosystem))
    if scheme is None:
        raise UnsupportedEcosystemError(ecosystem)
    return scheme


def is_supported(ecosystem: str) -> bool:
    """Whether versions of this OSV ecosystem can be parsed and compared."""
    return base_ecosystem(ecosystem) in SCHEMES


def supported_ecosystems() -> tuple[str, ...]:
    """Base names of every supported OSV ecosystem, sorted."""
    return tuple(sorted(SCHEMES))


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_base(base: str, text: str) -> Version:
    scheme = SCHEMES.get(base)
    if scheme is None:
        raise UnsupportedEcosystemError(base)
    return scheme.parse(text)


def parse(ecosystem: str, text: str) -> Version:
    """Parse ``text`` as a version of ``ecosystem``.

    Raises ``UnsupportedEcosystemError`` when the ecosystem has no scheme and
    ``InvalidVersionError`` (naming ``ecosystem`` and ``text``) when the text is not a version.
    Results are cached: versions are immutable, so sharing them is safe.
    """
    try:
        return _parse_base(base_ecosystem(ecosystem), text)
    except UnsupportedEcosystemError:
        raise UnsupportedEcosystemError(ecosystem) from None
    except InvalidVersionError as error:
        raise InvalidVersionError(ecosystem, text, error.reason) from None


def compare(ecosystem: str, a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` is lower than, equal to or higher than ``b``."""
    key_a = parse(ecosystem, a).sort_key
    key_b = parse(ecosystem, b).sort_key
    return (key_a > key_b) - (key_a < key_b)
