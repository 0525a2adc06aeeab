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


def _event(ev: OsvEvent, field: str) -> Event:
    present: list[tuple[EventKind, str]] = []
    if ev.introduced is not None:
        present.append(("introduced", ev.introduced))
    if ev.fixed is not None:
        present.append(("fixed", ev.fixed))
    if ev.last_affected is not None:
        present.append(("last_affected", ev.last_affected))
    if ev.limit is not None:
        present.append(("limit", ev.limit))
    if len(present) != 1:
        raise RecordError(
            field, "an event must have exactly one of introduced, fixed, last_affected, limit"
        )
    kind, version = present[0]
    if not version.strip():
        raise RecordError(f"{field}.{kind}", "empty version")
    return Event(kind, version.strip())


def _range(rng: OsvRange, field: str) -> Range:
    if rng.type not in _RANGE_TYPES:
        raise RecordError(f"{field}.type", f"unknown range type {rng.type!r}")
    if not rng.events:
        raise RecordError(f"{field}.events", "a range needs at least one event")
    events = tuple(_event(e, f"{field}.events[{i}]") for i, e in enumerate(rng.events))
    if not any(e.kind == "introduced" for e in events):
        raise RecordError(f"{field}.events", "a range must contain an 'introduced' event")
    rtype: RangeType = rng.type  # type: ignore[assignment]
    return Range(rtype, events, rng.repo)


def _affected(entry: OsvAffected, index: int) -> Affected | None:
    field = f"affected[{index}]"
    ranges = tuple(_range(r, f"{field}.ranges[{j}]") for j, r in enumerate(entry.ranges or ()))
    versions = tuple(v.strip() for v in (entry.versions or ()) if v.strip())
    needs_package = bool(versions) or any(r.type != "GIT" for r in ranges)
    pkg = entry.package
    if pkg is None:
        if needs_package:
            raise RecordError(f"{field}.package", "required for versions and non-GIT ranges")
        return None  # a GIT-only entry: kept in the raw record, never matches a package
    if not pkg.ecosystem.strip():
        raise RecordError(f"{field}.package.ecosystem", "empty ecosystem")
    if not pkg.name.strip():
        raise RecordError(f"{field}.package.name", "empty package name")
    ecosystem = pkg.ecosystem.strip()
    return Affected(
        index=index,
        ecosystem=ecosystem,
        name=normalize_name(ecosystem, pkg.name),
        raw_name=pkg.name.strip(),
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


def validate(rec: OsvRecord) -> Advisory:
    """Check a decoded record and build the model. Raises ``RecordError``."""
    if not rec.id.strip():
        raise RecordError("id", "empty id")
    modified = parse_timestamp(rec.modified, "modified")
    published = parse_timestamp(rec.published, "published") if rec.published else None
    withdrawn = parse_timestamp(rec.withdrawn, "withdrawn") if rec.withdrawn else None
    affected: list[Affected] = []
    for i, entry in enumerate(rec.affected or ()):
        item = _affected(entry, i)
        if item is not None:
            affected.append(item)
    aliases = tuple(sorted({a.strip() for a in (rec.aliases or ()) if a.strip()} - {rec.id}))
    return Advisory(
        id=rec.id.strip(),
        modified=modified,
        source=source_of(rec.id.strip()),
        published=published,
        withdrawn=withdrawn,
        aliases=aliases,
        related=tuple(sorted(set(rec.related or ()))),
        summary=(rec.summary or "").strip(),
        details=rec.details or "",
        affected=tuple(affected),
        cwes=_cwes(rec.database_specific),
        schema_version=rec.schema_version,
    )
