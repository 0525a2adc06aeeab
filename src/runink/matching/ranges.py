"""OSV affected entries compiled into intervals of parsed versions.

The OSV algorithm walks a range's events in version order: ``introduced`` opens an affected
interval (``"0"`` means from the very beginning), ``fixed`` and ``limit`` close it before their
version, ``last_affected`` closes it after its version. Compiling the events once into
intervals makes each check two comparisons. At equal versions ``introduced`` sorts first, so
``introduced: X, last_affected: X`` affects exactly X, as the OSV pseudocode evaluates it.

An event whose version the ecosystem cannot parse is handled on the side of caution (a missed
vulnerability is the worst bug): an unparseable ``introduced`` opens the interval from the
start, an unparseable upper bound leaves it open. Either is recorded as a note that the
finding shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runink.errors import InvalidVersionError
from runink.model.advisory import Affected, Event
from runink.model.finding import MatchReason

Version = Any  # a parsed, totally ordered version from runink.versions
ParseFn = Callable[[str], Version]

_TIE_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}


@dataclass(frozen=True, slots=True)
class Interval:
    lower: Version | None  # None: from the beginning
    lower_text: str
    upper: Version | None  # None: open-ended
    upper_text: str | None
    upper_kind: str | None  # "fixed" | "last_affected" | "limit"
    range_index: int
    range_type: str
    note: str | None = None
    reason: MatchReason | None = None  # built once at compile time; findings share it

    def contains(self, version: Version) -> bool:
        if self.lower is not None and version < self.lower:
            return False
        if self.upper is None:
            return True
        if self.upper_kind == "last_affected":
            return bool(version <= self.upper)
        return bool(version < self.upper)


@dataclass(frozen=True, slots=True)
class CompiledEntry:
    """One advisory ``affected[]`` entry ready for matching."""

    advisory_id: str
    affected_index: int
    ecosystem: str
    intervals: tuple[Interval, ...]
    version_texts: frozenset[str]
    version_keys: frozenset[Any]
    fixed: tuple[tuple[Version, str], ...]  # every parsed ``fixed`` event, sorted
    notes: tuple[str, ...] = ()
    list_reason: MatchReason | None = None  # the reason when the version is listed


def _parse(parse: ParseFn, text: str) -> Version | None:
    try:
        return parse(text)
    except InvalidVersionError:
        return None


def compile_entry(advisory_id: str, entry: Affected, parse: ParseFn | None) -> CompiledEntry:
    """Compile an entry. ``parse`` is None when the ecosystem has no version scheme: then only
    exact matches against the ``versions`` list are possible, and the entry says so."""
    notes: list[str] = []
    intervals: list[Interval] = []
    fixed: list[tuple[Version, str]] = []
    version_keys: set[Any] = set()
    if parse is None:
        if any(r.type != "GIT" for r in entry.ranges):
            notes.append(f"no version scheme for {entry.ecosystem}: ranges not evaluated")
    else:
        for text in entry.versions:
            key = _parse(parse, text)
            if key is not None:
                version_keys.add(key)
        for r_index, rng in enumerate(entry.ranges):
            if rng.type == "GIT":
                continue  # commit ranges never match package versions
            compiled, range_fixed, range_notes = _compile_range(rng.events, parse)
            notes.extend(range_notes)
            fixed.extend(range_fixed)
            for lower, lower_text, upper, upper_text, upper_kind, note in compiled:
                reason = MatchReason(
                    advisory_id=advisory_id,
                    affected_index=entry.index,
                    ecosystem=entry.ecosystem,
                    kind="range",
                    range_index=r_index,
                    range_type=rng.type,
                    introduced=lower_text,
                    upper=upper_text,
                    upper_kind=upper_kind,
                    note=note,
                )
                intervals.append(
                    Interval(
                        lower,
                        lower_text,
                        upper,
                        upper_text,
                        upper_kind,
                        r_index,
                        rng.type,
                        note,
                        reason,
                    )
                )
    fixed.sort(key=lambda item: item[0])
    return CompiledEntry(
        advisory_id=advisory_id,
        affected_index=entry.index,
        ecosystem=entry.ecosystem,
        intervals=tuple(intervals),
        version_texts=frozenset(entry.versions),
        version_keys=frozenset(version_keys),
        fixed=tuple(fixed),
        notes=tuple(notes),
        list_reason=MatchReason(advisory_id, entry.index, entry.ecosystem, "versions-list"),
    )


_RawInterval = tuple[Version | None, str, Version | None, str | None, str | None, str | None]
_Placed = tuple[Version | None, int, Event, str | None]  # (key, tie order, event, note)


def _compile_range(
    events: tuple[Event, ...], parse: ParseFn
) -> tuple[list[_RawInterval], list[tuple[Version, str]], list[str]]:
    notes: list[str] = []
    zero: list[_Placed] = []
    placed: list[_Placed] = []
    open_note: str | None = None  # an upper bound could not be parsed
    for ev in events:
        if ev.kind == "introduced" and ev.version == "0":
            zero.append((None, 0, ev, None))
            continue
        key = _parse(parse, ev.version)
        if key is not None:
            placed.append((key, _TIE_ORDER[ev.kind], ev, None))
        elif ev.kind == "introduced":
            zero_note = f"introduced version {ev.version!r} could not be parsed; treated as 0"
            notes.append(zero_note)
            zero.append((None, 0, ev, zero_note))
        else:
            open_note = f"{ev.kind} version {ev.version!r} could not be parsed; range left open"
            notes.append(open_note)
    placed.sort(key=_SortKey)

    intervals: list[_RawInterval] = []
    fixed: list[tuple[Version, str]] = []
    lower: tuple[Version | None, str, str | None] | None = None  # (key, text, note)
    for key, _, ev, note in zero + placed:
        if ev.kind == "introduced":
            if lower is None:
                lower = (key, "0" if key is None else ev.version, note)
            continue
        if ev.kind == "fixed":
            fixed.append((key, ev.version))
        if lower is not None:
            intervals.append((lower[0], lower[1], key, ev.version, ev.kind, lower[2]))
            lower = None
    if lower is not None:
        tail_note = "; ".join(n for n in (lower[2], open_note) if n) or None
        intervals.append((lower[0], lower[1], None, None, None, tail_note))
    return intervals, fixed, notes


class _SortKey:
    """Orders placed events by version, ties by kind (introduced first)."""

    __slots__ = ("kind", "version")

    def __init__(self, item: _Placed) -> None:
        self.version: Version = item[0]  # placed events always have a parsed version
        self.kind = item[1]

    def __lt__(self, other: _SortKey) -> bool:
        if self.version < other.version:
            return True
        if other.version < self.version:
            return False
        return self.kind < other.kind
