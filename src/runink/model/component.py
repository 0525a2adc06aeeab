"""A component: one package version found in an inventory source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from runink.model.purl import build_purl


@dataclass(frozen=True, slots=True, init=False)
class Component:
    """One package at one version, as found in one place.

    ``name`` is normalized for the ecosystem (see ``runink.model.ecosystems.normalize_name``).
    ``source`` is the file it came from (relative to the scan root), ``line`` its 1-based line
    where the format has lines. ``direct`` and ``scope`` are None where the format does not say.
    ``path`` is the dependency path from a root to this component, when the format has a graph.
    """

    ecosystem: str
    name: str
    version: str
    source: str = ""
    line: int | None = None
    direct: bool | None = None
    scope: str | None = None  # "runtime", "dev", "optional", "test", "build", ...
    path: tuple[str, ...] = field(default=())
    purl_override: str | None = None  # when the source carried its own purl (SBOMs)

    def __init__(
        self,
        ecosystem: str,
        name: str,
        version: str,
        source: str = "",
        line: int | None = None,
        direct: bool | None = None,
        scope: str | None = None,
        path: tuple[str, ...] = (),
        purl_override: str | None = None,
    ) -> None:
        # What dataclasses would write, a third faster: parsers create one per package.
        _set_fields(
            self, ecosystem, name, version, source, line, direct, scope, path, purl_override
        )

    @property
    def purl(self) -> str:
        if self.purl_override:
            return self.purl_override
        return build_purl(self.ecosystem, self.name, self.version)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.ecosystem, self.name, self.version)


def _field_setter(name: str) -> Callable[[Component, object], None]:
    setter: Callable[[Component, object], None] = vars(Component)[name].__set__
    return setter


_SET_ECOSYSTEM: Final = _field_setter("ecosystem")
_SET_NAME: Final = _field_setter("name")
_SET_VERSION: Final = _field_setter("version")
_SET_SOURCE: Final = _field_setter("source")
_SET_LINE: Final = _field_setter("line")
_SET_DIRECT: Final = _field_setter("direct")
_SET_SCOPE: Final = _field_setter("scope")
_SET_PATH: Final = _field_setter("path")
_SET_PURL_OVERRIDE: Final = _field_setter("purl_override")


def _set_fields(
    component: Component,
    ecosystem: str,
    name: str,
    version: str,
    source: str,
    line: int | None,
    direct: bool | None,
    scope: str | None,
    path: tuple[str, ...],
    purl_override: str | None,
    _ecosystem: Callable[[Component, object], None] = _SET_ECOSYSTEM,
    _name: Callable[[Component, object], None] = _SET_NAME,
    _version: Callable[[Component, object], None] = _SET_VERSION,
    _source: Callable[[Component, object], None] = _SET_SOURCE,
    _line: Callable[[Component, object], None] = _SET_LINE,
    _direct: Callable[[Component, object], None] = _SET_DIRECT,
    _scope: Callable[[Component, object], None] = _SET_SCOPE,
    _path: Callable[[Component, object], None] = _SET_PATH,
    _purl_override: Callable[[Component, object], None] = _SET_PURL_OVERRIDE,
) -> None:
    """Set a new component's fields through their slots (a frozen class refuses assignment)."""
    _ecosystem(component, ecosystem)
    _name(component, name)
    _version(component, version)
    _source(component, source)
    _line(component, line)
    _direct(component, direct)
    _scope(component, scope)
    _path(component, path)
    _purl_override(component, purl_override)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry a parser saw but could not turn into a component, and why."""

    name: str
    reason: str
    line: int | None = None
