"""``runink check``: findings for package URLs, against the advisory database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from runink.errors import AdvisoryDataError, InvalidPurlError
from runink.matching.index import AdvisoryIndex
from runink.matching.matcher import Matcher, MatchResult
from runink.model.component import Component
from runink.model.ecosystems import base_ecosystem
from runink.model.purl import parse_purl
from runink.store import advisory_repo


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


def index_for(engine: Engine, components: Sequence[Component]) -> AdvisoryIndex:
    """An index holding exactly the entries these components can match."""
    keys = {(base_ecosystem(c.ecosystem), c.name) for c in components}
    with engine.connect() as conn:
        entries, infos = advisory_repo.load_index_rows(conn, keys)
    return AdvisoryIndex.build(entries, infos)


def require_advisory_data(engine: Engine) -> None:
    with engine.connect() as conn:
        status_total = advisory_repo.count_advisories(conn)
    if status_total == 0:
        raise AdvisoryDataError(
            "the advisory database is empty: run `runink db import PATH` (or `runink db sync`) first"
        )


def check_purls(engine: Engine, purls: Sequence[str]) -> CheckReport:
    require_advisory_data(engine)
    components, problems = components_from_purls(purls)
    matcher = Matcher(index_for(engine, components))
    results = []
    for component in components:
        result = matcher.match(component)
        if result.problem:
            problems.append(PurlProblem(component.purl, result.problem))
        results.append(result)
    return CheckReport(tuple(results), tuple(problems))
