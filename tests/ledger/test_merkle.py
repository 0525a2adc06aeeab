"""RFC 6962 hashing: known roots, and proofs checked against the RFC's recursive definitions."""

from __future__ import annotations

import hashlib

import pytest

from runink.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_of,
)

# The eight leaves of the Certificate Transparency reference test suite and the roots of each
# prefix (widely published with RFC 6962 implementations).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def mth(data: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, written exactly as the RFC defines it."""
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(data[:k]) + mth(data[k:])).digest()


def path(m: int, data: list[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n])."""
    n = len(data)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, data[:k]), mth(data[k:])]
    return [*path(m - k, data[k:]), mth(data[:k])]


@pytest.mark.parametrize("size", range(1, 9))
def test_certificate_transparency_roots(size: int) -> None:
    assert root_of(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]
    assert MerkleTree(CT_LEAVES).root(size).hex() == CT_ROOTS[size - 1]


def test_empty_tree_root_is_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert Frontier().root() == EMPTY_ROOT == MerkleTree([]).root()


def test_leaf_and_node_hashes_carry_their_prefix_byte() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


def test_frontier_matches_definition_for_every_prefix() -> None:
    data = [i.to_bytes(4, "big") for i in range(70)]
    frontier = Frontier()
    for n, item in enumerate(data, start=1):
        frontier.append_data(item)
        assert frontier.root() == mth(data[:n])
        assert len(frontier.peaks) == n.bit_count()
        restored = Frontier.from_hex(n, frontier.to_hex())
        assert restored.root() == frontier.root()


@pytest.mark.parametrize("size", [*range(1, 34), 63, 64, 65, 100])
def test_inclusion_proofs_equal_rfc_path_and_verify(size: int) -> None:
    data = [f"entry-{i}".encode() for i in range(size)]
    tree = MerkleTree(data)
    root = mth(data)
    assert tree.root() == root
    for m in range(size):
        proof = tree.inclusion_proof(m)
        assert proof == path(m, data)
        assert root_from_inclusion_proof(m, size, leaf_hash(data[m]), proof) == root


def test_proofs_against_an_older_tree_size() -> None:
    data = [bytes([i]) for i in range(40)]
    tree = MerkleTree(data)
    for m in range(23):
        proof = tree.inclusion_proof(m, 23)
        assert root_from_inclusion_proof(m, 23, leaf_hash(data[m]), proof) == mth(data[:23])


def test_tampered_proofs_do_not_reach_the_root() -> None:
    data = [bytes([i]) for i in range(13)]
    tree = MerkleTree(data)
    root = tree.root()
    proof = tree.inclusion_proof(6)
    wrong_leaf = root_from_inclusion_proof(6, 13, leaf_hash(b"forged"), proof)
    assert wrong_leaf != root
    wrong_index = root_from_inclusion_proof(7, 13, leaf_hash(data[6]), proof)
    assert wrong_index != root
    altered = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    assert root_from_inclusion_proof(6, 13, leaf_hash(data[6]), altered) != root
    with pytest.raises(ValueError, match="shorter"):
        root_from_inclusion_proof(6, 13, leaf_hash(data[6]), proof[:-1])
    with pytest.raises(ValueError, match="longer"):
        root_from_inclusion_proof(6, 13, leaf_hash(data[6]), [*proof, proof[0]])
    with pytest.raises(ValueError, match="outside"):
        root_from_inclusion_proof(13, 13, leaf_hash(data[6]), proof)
