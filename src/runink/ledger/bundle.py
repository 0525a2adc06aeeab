"""Audit bundles and anchors: self-contained JSON files a third party verifies offline.

A bundle holds the selected entries, an RFC 6962 inclusion proof for each against one signed
checkpoint, the checkpoint, the public key, and a short description of how to check it all
(docs/ledger-format.md, "Bundles"). An anchor is the same minus the entries: a signed
checkpoint saved somewhere an attacker cannot reach, later given to ``runink ledger verify
--anchor`` to prove the ledger was neither rewritten nor truncated since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy.engine import Connection

from runink.errors import InputError, UsageError
from runink.ledger import store
from runink.ledger.canonical import canonical_json
from runink.ledger.checkpoint import Checkpoint
from runink.ledger.entry import SUBJECT_PARTS, Entry, Subject, format_time
from runink.ledger.keys import PublicKey
from runink.ledger.ledger import LedgerIntegrityError
from runink.ledger.merkle import MerkleTree, leaf_hash, root_from_inclusion_proof
from runink.ledger.verify import Anchor
from runink.store.db import utcnow

BUNDLE_FORMAT: Final = "runink-ledger-bundle/v1"
ANCHOR_FORMAT: Final = "runink-ledger-checkpoint/v1"

ABOUT: Final = (
    "Runink evidence ledger bundle. Each entry's hash is SHA-256 over a length-prefixed framing "
    "of its fields (payload as RFC 8785 canonical JSON) and its predecessor's hash. Entry "
    "hashes are the leaves of an RFC 6962 Merkle tree; 'inclusion_proof' proves each entry "
    "(leaf index seq - 1) is in the tree whose root the checkpoint signs with Ed25519 over "
    "'runink-ledger/checkpoint/v1\\n<tree_size>\\n<root_hash>\\n<signed_at>\\n<key_id>\\n'. "
    "Check public_key out of band (its key_id is the first 16 hex digits of SHA-256 of the raw "
    "key). Full specification: docs/ledger-format.md in the Runink repository. Verify with "
    "`runink ledger verify-bundle FILE`."
)


@dataclass(frozen=True, slots=True)
class Selection:
    artifact: str | None = None
    repo: str | None = None
    since: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"artifact": self.artifact, "repo": self.repo, "since": self.since}

    def describe(self) -> str:
        parts = [f"{k} {v}" for k, v in self.as_dict().items() if v is not None]
        return ", ".join(parts) or "everything"


def _key_document(key: PublicKey) -> dict[str, str]:
    return {"algorithm": "Ed25519", "key_id": key.key_id, "public_key": key.hex}


def _checkpoint_key(
    conn: Connection, checkpoint: Checkpoint, fallback: PublicKey | None
) -> PublicKey:
    recorded = store.recorded_keys(conn).get(checkpoint.key_id)
    if recorded is not None:
        key = PublicKey.from_hex(recorded, f"ledger_keys {checkpoint.key_id}")
    elif fallback is not None and fallback.key_id == checkpoint.key_id:
        key = fallback
    else:
        raise LedgerIntegrityError(
            f"ledger: no public key recorded for key {checkpoint.key_id}, which signed the "
            f"checkpoint at tree size {checkpoint.tree_size}; run `runink ledger verify`"
        )
    if key.key_id != checkpoint.key_id or not checkpoint.signature_valid(key):
        raise LedgerIntegrityError(
            f"ledger: the checkpoint at tree size {checkpoint.tree_size} does not verify with key "
            f"{checkpoint.key_id}; run `runink ledger verify`"
        )
    return key


def build_bundle(
    conn: Connection, selection: Selection, *, signing_key: PublicKey | None = None
) -> dict[str, Any]:
    """The bundle for ``selection`` against the newest checkpoint (``conn``: a snapshot).

    Refuses (``LedgerIntegrityError``) when the stored entries do not reproduce the
    checkpoint's root: a bundle from a tampered ledger would only fail for its recipient.
    """
    if (selection.artifact is None) == (selection.repo is None):
        raise UsageError("ledger export: give exactly one of --artifact NAME or --repo NAME")
    entries = store.select_entries(
        conn,
        store.EntryFilter(artifact=selection.artifact, repo=selection.repo, since=selection.since),
    )
    if not entries:
        raise InputError(f"ledger export: no entries for {selection.describe()}")
    checkpoint = store.checkpoint_covering(conn, entries[-1].seq)
    if checkpoint is None:
        raise LedgerIntegrityError(
            f"ledger: entry {entries[-1].seq} is not covered by a signed checkpoint; "
            "run `runink ledger verify`"
        )
    key = _checkpoint_key(conn, checkpoint, signing_key)
    hashes = store.all_entry_hashes(conn, up_to=checkpoint.tree_size)
    if len(hashes) != checkpoint.tree_size or any(s != i + 1 for i, (s, _, _) in enumerate(hashes)):
        raise LedgerIntegrityError(
            f"ledger: entries 1..{checkpoint.tree_size} are not all present; "
            "run `runink ledger verify`"
        )
    tree = MerkleTree([bytes.fromhex(h) for _, _, h in hashes])
    if tree.root().hex() != checkpoint.root_hash:
        raise LedgerIntegrityError(
            f"ledger: the entries do not reproduce the root signed at tree size "
            f"{checkpoint.tree_size}; run `runink ledger verify`"
        )
    documents = []
    for entry in entries:
        if entry.computed_hash() != entry.entry_hash:
            raise LedgerIntegrityError(
                f"ledger: entry {entry.seq} does not match its hash; run `runink ledger verify`"
            )
        document = entry.as_dict()
        document["inclusion_proof"] = [
            h.hex() for h in tree.inclusion_proof(entry.seq - 1, checkpoint.tree_size)
        ]
        documents.append(document)
    return {
        "format": BUNDLE_FORMAT,
        "about": ABOUT,
        "exported_at": format_time(utcnow()),
        "selection": selection.as_dict(),
        "public_key": _key_document(key),
        "checkpoint": checkpoint.as_dict(),
        "entries": documents,
    }


def build_anchor(conn: Connection, signing_key: PublicKey | None = None) -> dict[str, Any]:
    """The newest signed checkpoint and its key, to keep outside the database."""
    latest = store.latest_checkpoint(conn)
    if latest is None:
        raise InputError("ledger checkpoint: the ledger is empty, there is nothing to anchor")
    key = _checkpoint_key(conn, latest.checkpoint, signing_key)
    return {
        "format": ANCHOR_FORMAT,
        "public_key": _key_document(key),
        "checkpoint": latest.checkpoint.as_dict(),
    }


def write_json(path: Path, document: Mapping[str, Any]) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


# -- reading and verifying -------------------------------------------------------------------


class _Doc:
    """Typed access to a parsed JSON document, with field paths in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> InputError:
        return InputError(f"{self.source}: {path}: {message}")

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "must be an object")
        return value

    def text(self, value: Any, path: str, *, optional: bool = False) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(path, "must be a string")
        return value

    def integer(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            raise self.fail(path, "must be a non-negative 64-bit integer")
        return value

    def hexes(self, value: Any, path: str, size: int) -> str:
        text = self.text(value, path)
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise self.fail(path, "must be hex") from None
        if len(raw) != size or text != raw.hex():
            raise self.fail(path, f"must be {size} bytes as lowercase hex")
        return str(text)

    def checkpoint(self, value: Any, path: str) -> Checkpoint:
        cp = self.obj(value, path)
        return Checkpoint(
            tree_size=self.integer(cp.get("tree_size"), f"{path}.tree_size"),
            root_hash=self.hexes(cp.get("root_hash"), f"{path}.root_hash", 32),
            signed_at=self.text(cp.get("signed_at"), f"{path}.signed_at"),
            key_id=self.text(cp.get("key_id"), f"{path}.key_id"),
            signature=self.hexes(cp.get("signature"), f"{path}.signature", 64),
        )

    def public_key(self, value: Any, path: str) -> PublicKey:
        doc = self.obj(value, path)
        if doc.get("algorithm") != "Ed25519":
            raise self.fail(f"{path}.algorithm", "must be Ed25519")
        return PublicKey(bytes.fromhex(self.hexes(doc.get("public_key"), f"{path}.public_key", 32)))


def read_document(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(data, Mapping):
        raise InputError(f"{path}: not a JSON object")
    return data


def load_anchor(path: Path) -> Anchor:
    """An anchor file, or a bundle (whose checkpoint serves as an anchor too).

    The checkpoint must verify with the key the file carries: a damaged anchor is an error.
    """
    data = read_document(path)
    doc = _Doc(str(path))
    if data.get("format") not in (ANCHOR_FORMAT, BUNDLE_FORMAT):
        raise doc.fail("format", f"expected {ANCHOR_FORMAT!r} or {BUNDLE_FORMAT!r}")
    checkpoint = doc.checkpoint(data.get("checkpoint"), "checkpoint")
    if checkpoint.tree_size < 1:
        raise doc.fail("checkpoint.tree_size", "an anchor covers at least one entry")
    key = doc.public_key(data.get("public_key"), "public_key")
    if not checkpoint.signature_valid(key):
        raise doc.fail("checkpoint.signature", "does not verify with the file's public key")
    return Anchor(checkpoint, str(path))


@dataclass(frozen=True, slots=True)
class BundleReport:
    entries: int
    key_id: str
    checkpoint: Checkpoint
    selection: Selection
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "key_id": self.key_id,
            "checkpoint": self.checkpoint.as_dict(),
            "selection": self.selection.as_dict(),
            "problems": list(self.problems),
        }


def verify_bundle(path: Path, pinned: Sequence[PublicKey] = ()) -> BundleReport:
    """Check a bundle without any database. Structural damage is an ``InputError`` (exit 2);
    anything that fails a hash, proof or signature is a problem in the report (exit 1)."""
    data = read_document(path)
    doc = _Doc(str(path))
    if data.get("format") != BUNDLE_FORMAT:
        raise doc.fail("format", f"expected {BUNDLE_FORMAT!r}, found {data.get('format')!r}")
    key = doc.public_key(data.get("public_key"), "public_key")
    declared_id = doc.text(
        doc.obj(data["public_key"], "public_key").get("key_id"), "public_key.key_id"
    )
    checkpoint = doc.checkpoint(data.get("checkpoint"), "checkpoint")
    sel = doc.obj(data.get("selection"), "selection")
    selection = Selection(
        artifact=doc.text(sel.get("artifact"), "selection.artifact", optional=True),
        repo=doc.text(sel.get("repo"), "selection.repo", optional=True),
        since=doc.text(sel.get("since"), "selection.since", optional=True),
    )
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise doc.fail("entries", "must be a list")
    problems: list[str] = []
    if declared_id != key.key_id:
        problems.append(
            f"public_key: key_id {declared_id} is not the id of the key it names ({key.key_id})"
        )
    if pinned and key.key_id not in {p.key_id for p in pinned}:
        expected = ", ".join(p.key_id for p in pinned)
        problems.append(
            f"public_key: the bundle is signed by key {key.key_id}, not by the key you trust "
            f"({expected})"
        )
    if not checkpoint.signature_valid(key):
        problems.append(
            f"checkpoint: the signature over tree size {checkpoint.tree_size} does not verify "
            f"with key {key.key_id}"
        )
    root = bytes.fromhex(checkpoint.root_hash)
    previous: tuple[int, str] | None = None
    for index, raw in enumerate(raw_entries):
        where = f"entries[{index}]"
        entry, proof = _read_entry(doc, raw, where)
        problems.extend(_check_entry(entry, proof, checkpoint, root, selection, previous))
        previous = (entry.seq, entry.entry_hash)
    return BundleReport(len(raw_entries), key.key_id, checkpoint, selection, tuple(problems))


def _read_entry(doc: _Doc, raw: Any, where: str) -> tuple[Entry, list[bytes]]:
    e = doc.obj(raw, where)
    subject_doc = doc.obj(e.get("subject"), f"{where}.subject")
    subject = Subject(
        **{
            part: doc.text(subject_doc.get(part), f"{where}.subject.{part}", optional=True)
            for part in SUBJECT_PARTS
        }
    )
    payload = doc.obj(e.get("payload"), f"{where}.payload")
    proof_doc = e.get("inclusion_proof")
    if not isinstance(proof_doc, list):
        raise doc.fail(f"{where}.inclusion_proof", "must be a list of hashes")
    proof = [
        bytes.fromhex(doc.hexes(h, f"{where}.inclusion_proof[{i}]", 32))
        for i, h in enumerate(proof_doc)
    ]
    entry = Entry(
        seq=doc.integer(e.get("seq"), f"{where}.seq"),
        recorded_at=doc.text(e.get("recorded_at"), f"{where}.recorded_at"),
        actor=doc.text(e.get("actor"), f"{where}.actor"),
        kind=doc.text(e.get("kind"), f"{where}.kind"),
        subject=subject,
        payload_json=canonical_json(payload, f"{doc.source}: {where}.payload"),
        prev_hash=doc.hexes(e.get("prev_hash"), f"{where}.prev_hash", 32),
        entry_hash=doc.hexes(e.get("entry_hash"), f"{where}.entry_hash", 32),
    )
    return entry, proof


def _check_entry(
    entry: Entry,
    proof: list[bytes],
    checkpoint: Checkpoint,
    root: bytes,
    selection: Selection,
    previous: tuple[int, str] | None,
) -> list[str]:
    name = f"entry {entry.seq}"
    problems = []
    if entry.seq < 1:
        return [f"{name}: sequence numbers start at 1"]
    if previous is not None and entry.seq <= previous[0]:
        problems.append(f"{name}: out of order (it follows entry {previous[0]} in the bundle)")
    if previous is not None and entry.seq == previous[0] + 1 and entry.prev_hash != previous[1]:
        problems.append(f"{name}: does not link to entry {previous[0]} before it")
    if entry.computed_hash() != entry.entry_hash:
        problems.append(f"{name}: edited: its content does not match its hash")
    if entry.seq > checkpoint.tree_size:
        problems.append(f"{name}: not covered by the checkpoint (tree size {checkpoint.tree_size})")
    else:
        try:
            implied = root_from_inclusion_proof(
                entry.seq - 1,
                checkpoint.tree_size,
                leaf_hash(bytes.fromhex(entry.entry_hash)),
                proof,
            )
        except ValueError as exc:
            problems.append(f"{name}: malformed inclusion proof: {exc}")
        else:
            if implied != root:
                problems.append(
                    f"{name}: its inclusion proof does not lead to the signed root (the entry "
                    "or the proof was altered)"
                )
    if selection.artifact is not None and entry.subject.artifact != selection.artifact:
        problems.append(f"{name}: not about artifact {selection.artifact}")
    if selection.repo is not None and entry.subject.repo != selection.repo:
        problems.append(f"{name}: not about repo {selection.repo}")
    if selection.since is not None and entry.recorded_at < selection.since:
        problems.append(f"{name}: recorded before {selection.since}")
    return problems
