"""Findings: a vulnerability (all its aliases) affecting one component, with the reasons why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from runink.model.component import Component

ReasonKind = Literal["versions-list", "range"]


@dataclass(frozen=True, slots=True)
class MatchReason:
    """Which advisory entry matched, and how: the explanation of a finding."""

    advisory_id: str
    affected_index: int
    ecosystem: str
    kind: ReasonKind
    range_index: int | None = None
    range_type: str | None = None
    introduced: str | None = None  # the event that opened the interval ("0" = from the start)
    upper: str | None = None  # the fixed / last_affected / limit event that closes it
    upper_kind: str | None = None
    note: str | None = None  # e.g. an event whose version could not be parsed

    def explain(self) -> str:
        where = f"{self.advisory_id} affected[{self.affected_index}] ({self.ecosystem})"
        if self.kind == "versions-list":
            text = f"{where}: version listed in affected[{self.affected_index}].versions"
        else:
            bound = (
                f", {self.upper_kind} {self.upper}" if self.upper is not None else ", no fix yet"
            )
            text = (
                f"{where}: {self.range_type} range #{self.range_index}: "
                f"introduced {self.introduced}{bound}"
            )
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True, slots=True)
class Finding:
    """One vulnerability affecting one component.

    ``id`` is canonical (the CVE when there is one); ``aliases`` lists every known id including
    ``id``; ``advisories`` are the records that matched (several when sources agree).
    """

    component: Component
    id: str
    aliases: tuple[str, ...]
    advisories: tuple[str, ...]
    summary: str
    score: float | None
    severity: str | None
    vector: str | None
    fixed: str | None
    reasons: tuple[MatchReason, ...]
    published: str | None = None
    modified: str | None = None

    @property
    def sort_key(self) -> tuple[float, str, str]:
        return (-(self.score or 0.0), self.component.purl, self.id)
