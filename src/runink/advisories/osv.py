"""OSV records: typed decoding (msgspec) and validation into ``runink.model.advisory`` models.

Decoding is typed, so a wrong type anywhere is reported with its JSON path
(``$.affected[0].package.name``). Validation then checks what the schema requires and the
matcher relies on. A record that fails either is rejected with the field at fault; nothing
about it is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from runink.model.advisory import (
    Advisory,
    AdvisoryScore,
    Affected,
    Event,
    EventKind,
    Range,
    RangeType,
    source_of,
)
from runink.model.ecosystems import normalize_name


class OsvEvent(msgspec.Struct, omit_defaults=True):
    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None
    limit: str | None = None


class OsvRange(msgspec.Struct, omit_defaults=True):
    type: str
    events: list[OsvEvent]
    repo: str | None = None
    database_specific: Any = None


class OsvPackage(msgspec.Struct, omit_defaults=True):
    ecosystem: str
    name: str
    purl: str | None = None


class OsvSeverity(msgspec.Struct, omit_defaults=True):
    type: str
    score: str | float  # a vector; some feeds write a bare number


class OsvAffected(msgspec.Struct, omit_defaults=True):
    package: OsvPackage | None = None
    ranges: list[OsvRange] | None = None
    versions: list[str] | None = None
    severity: list[OsvSeverity] | None = None
    ecosystem_specific: Any = None
    database_specific: Any = None


class OsvRecord(msgspec.Struct, omit_defaults=True):
    id: str
    modified: str
    schema_version: str | None = None
    published: str | None = None
    withdrawn: str | None = None
    aliases: list[str] | None = None
    related: list[str] | None = None
    upstream: list[str] | None = None
    summary: str | None = None
    details: str | None = None
    severity: list[OsvSeverity] | None = None
    affected: list[OsvAffected] | None = None
    database_specific: Any = None


class RecordError(Exception):
    """A record is invalid. ``field`` is a JSON path such as ``affected[0].ranges[1].events``."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


_JSON_DECODER = msgspec.json.Decoder(OsvRecord)
_RANGE_TYPES: frozenset[str] = frozenset({"ECOSYSTEM", "SEMVER", "GIT"})


def _msgspec_error(exc: msgspec.ValidationError | msgspec.DecodeError) -> RecordError:
    text = str(exc)
    # msgspec: "Expected `str`, got `int` - at `$.affected[0].package.name`"
    if " - at `$" in text:
        message, _, where = text.partition(" - at `$")
        return RecordError(where.rstrip("`").lstrip("."), message)
    return RecordError("", text)


def decode_json(data: bytes) -> OsvRecord:
    try:
        return _JSON_DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise _msgspec_error(exc) from None


def convert_object(obj: object) -> OsvRecord:
    """Convert an already-loaded mapping (e.g. from YAML) into a typed record."""
    if not isinstance(obj, dict):
        raise RecordError("", f"expected an OSV object, got {type(obj).__name__}")
    try:
        return msgspec.convert(obj, OsvRecord)
    except msgspec.ValidationError as exc:
        raise _msgspec_error(exc) from None


def parse_timestamp(value: str, field: str) -> dt.datetime:
    """RFC 3339 UTC timestamp -> aware datetime (any number of fraction digits)."""
    text = value.strip()
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(field, f"not an RFC 3339 timestamp: {value!r}") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


# Events repeat across records ("introduced 0" above all); they are immutable, so one instance
# per (kind, version) serves every record. Bounded: a huge import starts over, never grows.
_EVENTS: dict[tuple[str, str], Event] = {}
_EVENTS_MAX = 20_000  # a few MB at most; the Go, RustSec and PyPA databases need ~5,000
_EXACTLY_ONE = "an event must have exactly one of introduced, fixed, last_affected, limit"


def _event_of(kind: EventKind, version: str) -> Event:
    key = (kind, version)
    event = _EVENTS.get(key)
    if event is None:
        if len(_EVENTS) >= _EVENTS_MAX:
            _EVENTS.clear()
        event = _EVENTS[key] = Event(kind, version)
    return event


def _range(rng: OsvRange, index: int, number: int) -> Range:
    """Range ``number`` of ``affected[index]``."""
    rtype = rng.type
    if rtype not in _RANGE_TYPES:
        raise RecordError(f"{_path(index, number)}.type", f"unknown range type {rtype!r}")
    if not rng.events:
        raise RecordError(f"{_path(index, number)}.events", "a range needs at least one event")
    events: list[Event] = []
    introduced_seen = False
    kind: EventKind
    for i, ev in enumerate(rng.events):
        # Exactly one of the four keys may be present (checked without building any path
        # string: those are only needed for the error).
        introduced, fixed, last_affected, limit = (
            ev.introduced,
            ev.fixed,
            ev.last_affected,
            ev.limit,
        )
        if introduced is not None:
            kind, version = "introduced", introduced
            single = fixed is None and last_affected is None and limit is None
            introduced_seen = True
        elif fixed is not None:
            kind, version = "fixed", fixed
            single = last_affected is None and limit is None
        elif last_affected is not None:
            kind, version = "last_affected", last_affected
            single = limit is None
        elif limit is not None:
            kind, version, single = "limit", limit, True
        else:
            single = False
        if not single:
            raise RecordError(f"{_path(index, number)}.events[{i}]", _EXACTLY_ONE)
        version = version.strip()
        if not version:
            raise RecordError(f"{_path(index, number)}.events[{i}].{kind}", "empty version")
        events.append(_event_of(kind, version))
    if not introduced_seen:
        raise RecordError(
            f"{_path(index, number)}.events", "a range must contain an 'introduced' event"
        )
    range_type: RangeType = rtype  # type: ignore[assignment]
    return Range(range_type, tuple(events), rng.repo)


def _path(index: int, number: int) -> str:
    # Built only for an error: valid records never pay for path strings.
    return f"affected[{index}].ranges[{number}]"


def _affected(entry: OsvAffected, index: int) -> Affected | None:
    ranges: tuple[Range, ...] = ()
    needs_package = False
    if entry.ranges:
        ranges = tuple([_range(r, index, j) for j, r in enumerate(entry.ranges)])
        for r in ranges:
            if r.type != "GIT":
                needs_package = True
                break
    versions: tuple[str, ...] = ()
    if entry.versions:
        versions = tuple([v for v in map(str.strip, entry.versions) if v])
        needs_package = needs_package or bool(versions)
    pkg = entry.package
    if pkg is None:
        if needs_package:
            raise RecordError(
                f"affected[{index}].package", "required for versions and non-GIT ranges"
            )
        return None  # a GIT-only entry: kept in the raw record, never matches a package
    ecosystem = pkg.ecosystem.strip()
    if not ecosystem:
        raise RecordError(f"affected[{index}].package.ecosystem", "empty ecosystem")
    raw_name = pkg.name.strip()
    if not raw_name:
        raise RecordError(f"affected[{index}].package.name", "empty package name")
    return Affected(
        index=index,
        ecosystem=ecosystem,
        name=normalize_name(ecosystem, raw_name),
        raw_name=raw_name,
        ranges=ranges,
        versions=versions,
        purl=pkg.purl,
    )


def _cwes(database_specific: Any) -> tuple[str, ...]:
    if isinstance(database_specific, dict):
        ids = database_specific.get("cwe_ids")
        if isinstance(ids, list):
            return tuple(sorted({str(i) for i in ids if str(i).startswith("CWE-")}))
    return ()


@dataclass(frozen=True, slots=True)
class SeverityInputs:
    """The parts of a record that carry severity, for ``runink.scoring.best_score``."""

    entries: list[dict[str, Any]]
    database_specific: dict[str, Any] | None
    per_affected: list[dict[str, Any]]


def severity_inputs(rec: OsvRecord) -> SeverityInputs:
    entries = [{"type": s.type, "score": str(s.score)} for s in (rec.severity or ())]
    per_affected: list[dict[str, Any]] = []
    for entry in rec.affected or ():
        for extra in (entry.ecosystem_specific, entry.database_specific):
            if isinstance(extra, dict):
                per_affected.append(extra)
        entries.extend({"type": s.type, "score": str(s.score)} for s in entry.severity or ())
    db_specific = rec.database_specific if isinstance(rec.database_specific, dict) else None
    return SeverityInputs(entries, db_specific, per_affected)


_NO_SCORE = AdvisoryScore(None, None, None, None)


def validate(rec: OsvRecord, score: AdvisoryScore = _NO_SCORE) -> Advisory:
    """Check a decoded record and build the model (with ``score``). Raises ``RecordError``."""
    advisory_id = rec.id.strip()
    if not advisory_id:
        raise RecordError("id", "empty id")
    modified = parse_timestamp(rec.modified, "modified")
    published = parse_timestamp(rec.published, "published") if rec.published else None
    withdrawn = parse_timestamp(rec.withdrawn, "withdrawn") if rec.withdrawn else None
    affected: list[Affected] = []
    if rec.affected:
        for i, entry in enumerate(rec.affected):
            item = _affected(entry, i)
            if item is not None:
                affected.append(item)
    aliases: tuple[str, ...] = ()
    if rec.aliases:
        unique = {a for a in map(str.strip, rec.aliases) if a}
        unique.discard(rec.id)
        aliases = tuple(sorted(unique))
    return Advisory(
        id=advisory_id,
        modified=modified,
        source=source_of(advisory_id),
        published=published,
        withdrawn=withdrawn,
        aliases=aliases,
        related=tuple(sorted(set(rec.related))) if rec.related else (),
        summary=rec.summary.strip() if rec.summary else "",
        details=rec.details or "",
        affected=tuple(affected),
        score=score,
        cwes=_cwes(rec.database_specific),
        schema_version=rec.schema_version,
    )
