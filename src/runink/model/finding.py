"""Findings: a vulnerability (all its aliases) affecting one component, with the reasons why."""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, FrozenInstanceError, dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Literal

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
class FindingDetails:
    """Everything a finding says except which component it is about.

    The matcher builds one per version region of a package and every component whose version
    falls in that region shares it, so a finding costs one small object per component.
    """

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


#: The public fields of a finding, in order (``component`` first, then ``FindingDetails``'s).
FINDING_FIELDS: tuple[str, ...] = (
    "component",
    *(f.name for f in dataclasses.fields(FindingDetails)),
)


class Finding:
    """One vulnerability affecting one component.

    ``id`` is canonical (the CVE when there is one); ``aliases`` lists every known id including
    ``id``; ``advisories`` are the records that matched (several when sources agree).

    Behaves as a frozen dataclass with the fields of ``FINDING_FIELDS`` (``dataclasses.replace``,
    ``fields`` and ``asdict`` work; equality and hashing are by value), but holds only the
    component and a shared ``FindingDetails``: ``id``, ``aliases``, ... read through to it.
    ``Finding.of(component, details)`` builds one without copying the details.
    """

    __slots__ = ("component", "details")

    # Set below from a dataclass of the same fields, so that ``dataclasses`` functions work.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    __match_args__: ClassVar[tuple[str, ...]] = FINDING_FIELDS

    def __init__(
        self,
        component: Component,
        id: str,
        aliases: tuple[str, ...],
        advisories: tuple[str, ...],
        summary: str,
        score: float | None,
        severity: str | None,
        vector: str | None,
        fixed: str | None,
        reasons: tuple[MatchReason, ...],
        published: str | None = None,
        modified: str | None = None,
    ) -> None:
        details = FindingDetails(
            id, aliases, advisories, summary, score, severity, vector, fixed, reasons,
            published, modified,
        )  # fmt: skip
        _set_component(self, component)
        _set_details(self, details)

    @classmethod
    def of(cls, component: Component, details: FindingDetails) -> Finding:
        """The finding of ``details`` for ``component`` (``details`` is shared, not copied)."""
        finding = _new(cls)
        _set_component(finding, component)
        _set_details(finding, details)
        return finding

    if TYPE_CHECKING:  # read-only to type checkers too; at run time slots and properties

        @property
        def component(self) -> Component: ...
        @property
        def details(self) -> FindingDetails: ...
        @property
        def id(self) -> str: ...
        @property
        def aliases(self) -> tuple[str, ...]: ...
        @property
        def advisories(self) -> tuple[str, ...]: ...
        @property
        def summary(self) -> str: ...
        @property
        def score(self) -> float | None: ...
        @property
        def severity(self) -> str | None: ...
        @property
        def vector(self) -> str | None: ...
        @property
        def fixed(self) -> str | None: ...
        @property
        def reasons(self) -> tuple[MatchReason, ...]: ...
        @property
        def published(self) -> str | None: ...
        @property
        def modified(self) -> str | None: ...

    @property
    def sort_key(self) -> tuple[float, str, str]:
        return (-(self.details.score or 0.0), self.component.purl, self.details.id)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Finding)
        return (self.component, self.details) == (other.component, other.details)

    def __hash__(self) -> int:
        return hash((self.component, self.details))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in FINDING_FIELDS)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Finding.of, (self.component, self.details))


_new = object.__new__
_set_component = Finding.__dict__["component"].__set__
_set_details = Finding.__dict__["details"].__set__
# Each detail reads through in C (no Python frame per access).
for _name in FINDING_FIELDS[1:]:
    setattr(Finding, _name, property(attrgetter(f"details.{_name}")))
del _name


def _dataclass_fields() -> dict[str, dataclasses.Field[Any]]:
    shape = dataclasses.make_dataclass(
        "Finding",
        [("component", Component)]
        + [
            (f.name, f.type)
            if f.default is MISSING
            else (f.name, f.type, dataclasses.field(default=f.default))
            for f in dataclasses.fields(FindingDetails)
        ],
        frozen=True,
    )
    return {f.name: f for f in dataclasses.fields(shape)}


Finding.__dataclass_fields__ = _dataclass_fields()
