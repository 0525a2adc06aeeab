"""Signed checkpoints: an Ed25519 signature over (tree size, root hash, time, key id).

The signed message is five lines of ASCII text, each ending in a line feed::

    runink-ledger/checkpoint/v1
    <tree size, decimal>
    <root hash, 64 lowercase hex digits>
    <signing time, 2026-11-30T12:00:00.000000Z>
    <key id, 16 lowercase hex digits>

(docs/ledger-format.md, "Checkpoints").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from runink.ledger.keys import PublicKey, SigningKey

CHECKPOINT_HEADER: Final = "runink-ledger/checkpoint/v1"


def signing_input(tree_size: int, root_hash: str, signed_at: str, key_id: str) -> bytes:
    return f"{CHECKPOINT_HEADER}\n{tree_size}\n{root_hash}\n{signed_at}\n{key_id}\n".encode("ascii")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    tree_size: int
    root_hash: str
    signed_at: str
    key_id: str
    signature: str  # hex, 64 bytes

    def message(self) -> bytes:
        return signing_input(self.tree_size, self.root_hash, self.signed_at, self.key_id)

    def signature_valid(self, key: PublicKey) -> bool:
        """True when ``key`` is the key named by ``key_id`` and the signature verifies."""
        if key.key_id != self.key_id:
            return False
        try:
            signature = bytes.fromhex(self.signature)
            message = self.message()
        except (ValueError, UnicodeEncodeError):
            return False
        return len(signature) == 64 and key.verify(signature, message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "signed_at": self.signed_at,
            "key_id": self.key_id,
            "signature": self.signature,
        }


def sign_checkpoint(key: SigningKey, tree_size: int, root_hash: str, signed_at: str) -> Checkpoint:
    signature = key.sign(signing_input(tree_size, root_hash, signed_at, key.key_id))
    return Checkpoint(tree_size, root_hash, signed_at, key.key_id, signature.hex())
