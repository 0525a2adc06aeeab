"""Ledger entries: what an appender hands in, what is stored, and the entry hash.

The entry hash is SHA-256 over a length-prefixed framing of every field (docs/ledger-format.md,
"Entry hash"), so the same entry hashes the same in any language without a canonical form for
the entry itself. Only the payload is canonical JSON (RFC 8785).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from runink.errors import InputError
from runink.ledger.canonical import canonical_json, parse_object
from runink.ledger.kinds import KINDS

ENTRY_DOMAIN: Final = b"runink-ledger/entry/v1\n"
ZERO_HASH: Final = "0" * 64
SUBJECT_PARTS: Final = ("artifact", "repo", "vulnerability", "component")
_SUBJECT_LIMITS: Final = {"artifact": 512, "repo": 512, "vulnerability": 255, "component": 4096}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_time(value: dt.datetime) -> str:
    """UTC, fixed width, microseconds, ``Z``: sorts as text in time order."""
    return value.astimezone(dt.UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Subject:
    """What an entry is about; any part may be absent."""

    artifact: str | None = None
    repo: str | None = None
    vulnerability: str | None = None
    component: str | None = None  # a package URL

    def as_dict(self) -> dict[str, str | None]:
        return {part: getattr(self, part) for part in SUBJECT_PARTS}

    def describe(self) -> str:
        return " ".join(f"{part}={value}" for part, value in self.as_dict().items() if value)


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryInput:
    """One decision to record. ``kind`` is one of ``runink.ledger.kinds``.

    ``actor`` says who decided: ``runink/scan``, ``user:alice@example.com``,
    ``policy:critical-openssl-prod``, ``ci:github/org/repo#123``.
    """

    actor: str
    kind: str
    subject: Subject = field(default_factory=Subject)
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An input checked and canonicalized, waiting for its place in the chain."""

    actor: str
    kind: str
    subject: Subject
    payload: str  # canonical JSON


@dataclass(frozen=True, slots=True)
class Entry:
    """A recorded entry, as stored."""

    seq: int
    recorded_at: str
    actor: str
    kind: str
    subject: Subject
    payload_json: str  # canonical JSON text, hashed as UTF-8
    prev_hash: str
    entry_hash: str

    @property
    def payload(self) -> dict[str, Any]:
        return parse_object(self.payload_json, f"ledger entry {self.seq}: payload")

    def computed_hash(self) -> str:
        return entry_hash(
            seq=self.seq,
            prev_hash=self.prev_hash,
            recorded_at=self.recorded_at,
            actor=self.actor,
            kind=self.kind,
            subject=self.subject,
            payload=self.payload_json,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "kind": self.kind,
            "subject": self.subject.as_dict(),
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "entry_hash": self.entry_hash,
        }


#: seq, prev_hash, presence flags, then the byte length of each of the 8 text fields.
_HEADER = struct.Struct(">Q32sB8I")


def hash_fields(
    seq: int,
    prev: bytes,
    recorded_at: bytes,
    actor: bytes,
    kind: bytes,
    artifact: bytes | None,
    repo: bytes | None,
    vulnerability: bytes | None,
    component: bytes | None,
    payload: bytes,
) -> bytes:
    """SHA-256 of an entry's framing from its raw parts (docs/ledger-format.md, "Entry hash").

    Every text field is given as its UTF-8 bytes; only the four subject parts may be None
    (absent). This is the verifier's hot path: one header pack, one join, one hash.
    """
    flags = (
        (artifact is not None)
        | (repo is not None) << 1
        | (vulnerability is not None) << 2
        | (component is not None) << 3
    )
    artifact = artifact or b""
    repo = repo or b""
    vulnerability = vulnerability or b""
    component = component or b""
    header = _HEADER.pack(
        seq,
        prev,
        flags,
        len(recorded_at),
        len(actor),
        len(kind),
        len(artifact),
        len(repo),
        len(vulnerability),
        len(component),
        len(payload),
    )
    return hashlib.sha256(
        b"".join(
            (
                ENTRY_DOMAIN,
                header,
                recorded_at,
                actor,
                kind,
                artifact,
                repo,
                vulnerability,
                component,
                payload,
            )
        )
    ).digest()


def _utf8(value: str | None) -> bytes | None:
    return None if value is None else value.encode("utf-8")


def entry_hash(
    *,
    seq: int,
    prev_hash: str,
    recorded_at: str,
    actor: str,
    kind: str,
    subject: Subject,
    payload: str,
) -> str:
    """Hex SHA-256 of the entry's framing (docs/ledger-format.md, "Entry hash").

    Raises ``ValueError`` when ``prev_hash`` is not 64 hex digits (only a damaged database
    holds such a value; the verifier reports it as an edit).
    """
    prev = bytes.fromhex(prev_hash)
    if len(prev) != 32:
        raise ValueError("prev_hash is not 32 bytes")
    return hash_fields(
        seq,
        prev,
        recorded_at.encode("utf-8"),
        actor.encode("utf-8"),
        kind.encode("utf-8"),
        _utf8(subject.artifact),
        _utf8(subject.repo),
        _utf8(subject.vulnerability),
        _utf8(subject.component),
        payload.encode("utf-8"),
    ).hex()


def prepare(item: EntryInput, where: str) -> PreparedEntry:
    """Check one input against the kind registry and canonicalize its payload.

    ``where`` names the input in error messages (``ledger entry #3``).
    """
    actor = item.actor
    if not isinstance(actor, str) or not actor.strip() or _CONTROL.search(actor):
        raise InputError(f"{where}: actor must be non-empty text without control characters")
    if len(actor) > 255:
        raise InputError(f"{where}: actor is longer than 255 characters")
    spec = KINDS.get(item.kind)
    if spec is None:
        known = ", ".join(sorted(KINDS))
        raise InputError(f"{where}: kind {item.kind!r} is not a ledger kind ({known})")
    subject = item.subject
    for part in SUBJECT_PARTS:
        value = getattr(subject, part)
        if value is None:
            if part in spec.subject:
                raise InputError(f"{where}: subject.{part} is required for {spec.name}")
            continue
        if not isinstance(value, str) or not value or _CONTROL.search(value):
            raise InputError(f"{where}: subject.{part} must be non-empty text or absent")
        if len(value) > _SUBJECT_LIMITS[part]:
            raise InputError(
                f"{where}: subject.{part} is longer than {_SUBJECT_LIMITS[part]} characters"
            )
    if subject.component is not None and not subject.component.startswith("pkg:"):
        raise InputError(f"{where}: subject.component must be a package URL (pkg:…)")
    if not isinstance(item.payload, Mapping):
        raise InputError(f"{where}: payload must be a JSON object")
    missing = [name for name in spec.required if name not in item.payload]
    if missing:
        fields = ", ".join(f"payload.{name}" for name in missing)
        raise InputError(f"{where}: {fields} required for {spec.name}")
    payload = canonical_json(item.payload, f"{where}: payload")
    return PreparedEntry(actor, item.kind, subject, payload)
