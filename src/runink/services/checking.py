"""``runink check``: findings for package URLs, against the advisory database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from runink.errors import AdvisoryDataError, InvalidPurlError
from runink.matching.index import AdvisoryIndex, AdvisoryInfo
from runink.matching.matcher import Matcher, MatchResult
from runink.model.advisory import Affected
from runink.model.component import Component
from runink.model.ecosystems import base_ecosystem
from runink.model.purl import parse_purl

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

IndexRows = tuple[list[tuple[str, Affected]], list[AdvisoryInfo]]


class AdvisoryReader(Protocol):
    """The two reads ``runink check`` needs, from whichever store holds the advisories."""

    def count_advisories(self) -> int: ...

    def index_rows(self, keys: Iterable[tuple[str, str]]) -> IndexRows: ...


@dataclass(frozen=True, slots=True)
class EngineReader:
    """Through SQLAlchemy: any configured database (the reference implementation)."""

    engine: Engine

    def count_advisories(self) -> int:
        from runink.store import advisory_repo

        with self.engine.connect() as conn:
            return advisory_repo.count_advisories(conn)

    def index_rows(self, keys: Iterable[tuple[str, str]]) -> IndexRows:
        from runink.store import advisory_repo

        with self.engine.connect() as conn:
            return advisory_repo.load_index_rows(conn, keys)


@dataclass(frozen=True, slots=True)
class EmbeddedReader:
    """Through the standard library's sqlite3: the embedded database, without SQLAlchemy."""

    conn: sqlite3.Connection

    def count_advisories(self) -> int:
        from runink.store import embedded

        return embedded.count_advisories(self.conn)

    def index_rows(self, keys: Iterable[tuple[str, str]]) -> IndexRows:
        from runink.store import embedded

        return embedded.load_index_rows(self.conn, keys)


@dataclass(frozen=True, slots=True)
class PurlProblem:
    purl: str
    message: str


@dataclass(frozen=True, slots=True)
class CheckReport:
    results: tuple[MatchResult, ...]
    problems: tuple[PurlProblem, ...]

    @property
    def findings_count(self) -> int:
        return sum(len(r.findings) for r in self.results)


def components_from_purls(purls: Sequence[str]) -> tuple[list[Component], list[PurlProblem]]:
    components: list[Component] = []
    problems: list[PurlProblem] = []
    for text in purls:
        try:
            ref = parse_purl(text)
        except InvalidPurlError as exc:
            problems.append(PurlProblem(text, str(exc).removeprefix(f"{text}: ")))
            continue
        if not ref.version:
            problems.append(PurlProblem(text, "no version: a purl must name one version (@x.y.z)"))
            continue
        components.append(
            Component(ref.ecosystem, ref.name, ref.version, source="purl", purl_override=text)
        )
    return components, problems


def index_for(source: Engine | AdvisoryReader, components: Sequence[Component]) -> AdvisoryIndex:
    """An index holding exactly the entries these components can match."""
    reader = _reader(source)
    keys = {(base_ecosystem(c.ecosystem), c.name) for c in components}
    return AdvisoryIndex.build(*reader.index_rows(keys))


def _reader(source: Engine | AdvisoryReader) -> AdvisoryReader:
    if isinstance(source, EngineReader | EmbeddedReader):
        return source
    return EngineReader(cast("Engine", source))  # the only other kind of source


def require_advisory_data(source: Engine | AdvisoryReader) -> None:
    if _reader(source).count_advisories() == 0:
        raise AdvisoryDataError(
            "the advisory database is empty: run `runink db import PATH` (or `runink db sync`) first"
        )


def check_purls(source: Engine | AdvisoryReader, purls: Sequence[str]) -> CheckReport:
    reader = _reader(source)
    require_advisory_data(reader)
    components, problems = components_from_purls(purls)
    matcher = Matcher(index_for(reader, components))
    results = []
    for component in components:
        result = matcher.match(component)
        if result.problem:
            problems.append(PurlProblem(component.purl, result.problem))
        results.append(result)
    return CheckReport(tuple(results), tuple(problems))
