"""The worked example of docs/ledger-format.md, computed by the ledger's own code.

    .venv/bin/python -m tests.ledger.worked_example

prints every value the document quotes; tests/ledger/test_docs.py checks the document still
shows exactly these values.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runink.ledger.canonical import canonical_json
from runink.ledger.checkpoint import signing_input
from runink.ledger.entry import _HEADER, ENTRY_DOMAIN, ZERO_HASH, Subject, entry_hash
from runink.ledger.keys import key_id_of
from runink.ledger.merkle import MerkleTree, leaf_hash

#: A fixed private key (never use a published key for anything real).
SEED = hashlib.sha256(b"runink ledger worked example").digest()
TIME = "2026-11-30T09:15:02.123456Z"
ENTRIES: list[dict[str, Any]] = [
    {
        "actor": "runink/scan",
        "kind": "scan.started",
        "subject": Subject(repo="org/payments"),
        "payload": {"scan_id": "s-42", "inputs": [{"path": "poetry.lock", "sha256": "9f" * 32}]},
    },
    {
        "actor": "runink/scan",
        "kind": "finding.opened",
        "subject": Subject(
            artifact="payments-api",
            repo="org/payments",
            vulnerability="CVE-2023-30861",
            component="pkg:pypi/flask@2.2.4",
        ),
        "payload": {"severity": "high", "score": 7.5, "fixed_version": "2.2.5", "scan_id": "s-42"},
    },
    {
        "actor": "policy:block-high-prod",
        "kind": "deploy.blocked",
        "subject": Subject(artifact="payments-api"),
        "payload": {"reason": "CVE-2023-30861 (high) in flask 2.2.4", "trigger": "block-high-prod"},
    },
]


def worked_example() -> dict[str, Any]:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    prev = ZERO_HASH
    rows = []
    for seq, item in enumerate(ENTRIES, start=1):
        payload = canonical_json(item["payload"])
        subject: Subject = item["subject"]
        digest = entry_hash(
            seq=seq,
            prev_hash=prev,
            recorded_at=TIME,
            actor=item["actor"],
            kind=item["kind"],
            subject=subject,
            payload=payload,
        )
        rows.append({"seq": seq, "prev_hash": prev, "payload": payload, "entry_hash": digest})
        prev = digest
    first = ENTRIES[0]
    fields = [
        TIME,
        first["actor"],
        first["kind"],
        None,
        "org/payments",
        None,
        None,
        rows[0]["payload"],
    ]
    encoded = [f.encode() if f is not None else b"" for f in fields]
    header = _HEADER.pack(1, bytes(32), 0b0010, *(len(e) for e in encoded))
    framing = ENTRY_DOMAIN + header + b"".join(encoded)
    assert hashlib.sha256(framing).hexdigest() == rows[0]["entry_hash"]
    tree = MerkleTree([bytes.fromhex(r["entry_hash"]) for r in rows])
    root = tree.root().hex()
    key_id = key_id_of(public)
    message = signing_input(3, root, TIME, key_id)
    return {
        "private_seed": SEED.hex(),
        "public_key": public.hex(),
        "key_id": key_id,
        "entries": rows,
        "framing_1": framing.hex(),
        "header_1": header.hex(),
        "leaves": [leaf_hash(bytes.fromhex(r["entry_hash"])).hex() for r in rows],
        "node_01": hashlib.sha256(
            b"\x01"
            + leaf_hash(bytes.fromhex(rows[0]["entry_hash"]))
            + leaf_hash(bytes.fromhex(rows[1]["entry_hash"]))
        ).hexdigest(),
        "root": root,
        "proof_2": [h.hex() for h in tree.inclusion_proof(1)],
        "checkpoint_message": message.decode(),
        "signature": key.sign(message).hex(),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(worked_example(), indent=2))
