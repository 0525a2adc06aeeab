"""RFC 6962 Merkle trees over entry hashes: roots, a compact frontier, inclusion proofs.

Hashing (RFC 6962 §2.1, RFC 9162 §2.1.1): a leaf is ``SHA-256(0x00 || data)``, an interior
node ``SHA-256(0x01 || left || right)``, and a tree of ``n > 1`` leaves splits at ``k``, the
largest power of two smaller than ``n``. The leaf data here is the 32-byte entry hash.

``Frontier`` is the list of perfect-subtree roots that a tree of ``n`` leaves decomposes into
(one per set bit of ``n``, largest first). It is all an appender needs to extend the tree and
compute its new root, and all a verifier needs to check every checkpoint in one pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


@dataclass(slots=True)
class Frontier:
    """The perfect-subtree roots of a tree of ``size`` leaves, left to right."""

    size: int = 0
    peaks: list[bytes] = field(default_factory=list)

    def append_leaf(self, leaf: bytes) -> None:
        """Add a leaf *hash* (already ``leaf_hash``-ed)."""
        node = leaf
        n = self.size
        while n & 1:
            node = node_hash(self.peaks.pop(), node)
            n >>= 1
        self.peaks.append(node)
        self.size += 1

    def append_data(self, data: bytes) -> None:
        self.append_leaf(leaf_hash(data))

    def root(self) -> bytes:
        if not self.peaks:
            return EMPTY_ROOT
        node = self.peaks[-1]
        for peak in reversed(self.peaks[:-1]):
            node = node_hash(peak, node)
        return node

    def to_hex(self) -> list[str]:
        return [peak.hex() for peak in self.peaks]

    @classmethod
    def from_hex(cls, size: int, peaks: Sequence[str]) -> Frontier:
        if len(peaks) != size.bit_count():
            raise ValueError(
                f"a tree of {size} leaves has {size.bit_count()} peaks, not {len(peaks)}"
            )
        return cls(size, [bytes.fromhex(p) for p in peaks])


def root_of(data: Sequence[bytes]) -> bytes:
    """MTH over the leaf data ``data`` (the RFC's recursive definition, computed iteratively)."""
    frontier = Frontier()
    for item in data:
        frontier.append_data(item)
    return frontier.root()


class MerkleTree:
    """A fully materialized tree over ``data``: roots of any prefix and inclusion proofs.

    Perfect, aligned subtrees are stored level by level (about ``2 n`` hashes); the ragged
    right edges that RFC 6962's split produces are combined on demand, so a proof costs
    ``O(log² n)`` hashes at most.
    """

    def __init__(self, data: Sequence[bytes]) -> None:
        level = [leaf_hash(item) for item in data]
        self.size = len(level)
        self._levels = [level]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            self._levels.append(level)

    def _subtree(self, start: int, n: int) -> bytes:
        if n & (n - 1) == 0 and start % n == 0:
            return self._levels[n.bit_length() - 1][start // n]
        k = _split(n)
        return node_hash(self._subtree(start, k), self._subtree(start + k, n - k))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} outside 0..{self.size}")
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 6962 ``PATH(index, D[0:size])``: sibling hashes from the leaf upwards."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
        proof: list[bytes] = []
        start, n, m = 0, size, index
        # Walk down from the root, collecting siblings; they are emitted leaf-first.
        while n > 1:
            k = _split(n)
            if m < k:
                proof.append(self._subtree(start + k, n - k))
                n = k
            else:
                proof.append(self._subtree(start, k))
                start, n, m = start + k, n - k, m - k
        proof.reverse()
        return proof


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 §2.1.3.2); ``ValueError`` if malformed.

    ``leaf`` is the leaf *hash*. Compare the result with the signed root.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    fn, sn = index, size - 1
    node = leaf
    for sibling in proof:
        if len(sibling) != 32:
            raise ValueError("a proof hash is not 32 bytes")
        if sn == 0:
            raise ValueError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the proof is shorter than the tree is deep")
    return node
