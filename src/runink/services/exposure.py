"""``runink exposure``: every stored artifact affected by a vulnerability, by any of its ids.

The id is resolved through ``advisory_aliases`` to every record that carries it, and from
those to all their ids and aliases; the findings table is then searched by canonical id through
``ix_findings_vulnerability``. Open and excepted findings count (an excepted finding is still
running); fixed ones do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from runink.store import inventory_repo as repo


@dataclass(frozen=True, slots=True)
class ExposureRow:
    artifact: str
    kind: str
    environment: str | None
    team: str | None
    owners: tuple[str, ...]
    vulnerability: str
    purl: str
    version: str
    fixed: str | None
    status: str


@dataclass(frozen=True, slots=True)
class Exposure:
    ids: tuple[str, ...]  # every id the vulnerability goes by
    rows: tuple[ExposureRow, ...]
    known: bool  # some advisory or finding carries the id


def find_exposure(engine: Engine, ident: str, *, environment: str | None = None) -> Exposure:
    with engine.connect() as conn:
        ids, known = repo.alias_closure(conn, ident)
        found = repo.exposed_findings(conn, ids, environment=environment)
        if not known:
            known = repo.any_finding(conn, ids)
    rows = []
    for f in found:
        owners = tuple(dict.fromkeys([*f.owners, *filter(None, [f.maintainer_email])]))
        rows.append(
            ExposureRow(
                artifact=f.artifact,
                kind=f.kind,
                environment=f.environment,
                team=f.team,
                owners=owners,
                vulnerability=f.vulnerability,
                purl=f.purl,
                version=f.version,
                fixed=f.fixed_version,
                status=f.status,
            )
        )
    rows.sort(key=lambda r: (r.environment or "", r.artifact, r.purl, r.vulnerability))
    return Exposure(tuple(sorted(ids)), tuple(rows), known)
