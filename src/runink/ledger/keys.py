"""The checkpoint signing key (Ed25519): generated on first use, permission-checked, exported.

The private key is an unencrypted PKCS#8 PEM file readable by its owner only (mode 0600). A
file that group or others may read or write is refused, as ssh refuses such keys: a key other
people can read no longer proves that the ledger's owner signed. It is generated atomically
(written to a temporary file, then hard-linked into place), so two processes appending at
the same moment on a fresh ``RUNINK_HOME`` end up with one key.

Verifiers need only the public key: the raw 32 bytes (hex in bundles) or a PEM
SubjectPublicKeyInfo file written by ``runink ledger public-key``. A key is named by its id, the
first 16 hex digits of SHA-256 over the raw public key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from runink.errors import UsageError

KEY_MODE = 0o600


def key_id_of(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An Ed25519 public key and its id."""

    raw: bytes

    @property
    def key_id(self) -> str:
        return key_id_of(self.raw)

    @property
    def hex(self) -> str:
        return self.raw.hex()

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def pem(self) -> str:
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @classmethod
    def from_hex(cls, text: str, where: str) -> PublicKey:
        try:
            raw = bytes.fromhex(text)
        except (ValueError, TypeError):
            raise UsageError(f"{where}: not a hex Ed25519 public key") from None
        if len(raw) != 32:
            raise UsageError(f"{where}: an Ed25519 public key is 32 bytes, not {len(raw)}")
        return cls(raw)


@dataclass(frozen=True, slots=True)
class SigningKey:
    private: Ed25519PrivateKey
    public: PublicKey
    path: Path

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_key_permissions(path: Path) -> None:
    """Refuse a private key file that group or others may access (POSIX only)."""
    if os.name != "posix":  # pragma: no cover - Runink's servers and CI run POSIX
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the ledger key: {exc.strerror}") from None
    if mode & 0o077:
        raise UsageError(
            f"{path}: the ledger signing key has permissions {mode:04o}; it must be readable by "
            f"its owner only (run `chmod 600 {path}`)"
        )


def load_signing_key(path: Path) -> SigningKey:
    """Read a private key file, checking its permissions first."""
    check_key_permissions(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the ledger key: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise UsageError(f"{path}: not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path}: the ledger key must be Ed25519, not {type(key).__name__}")
    return SigningKey(key, PublicKey(_raw_public(key)), path)


def generate_key_file(path: Path) -> None:
    """Write a new Ed25519 key to ``path`` (mode 0600) unless a key is already there."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"{path.parent}: cannot create the key directory: {exc.strerror}"
        ) from None
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(KEY_MODE)  # exactly 0600, whatever the umask
        with contextlib.suppress(FileExistsError):  # another process won the race: keep its key
            os.link(tmp, path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the ledger key: {exc.strerror}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def load_public_key_file(path: Path) -> PublicKey:
    """A PEM public key (``runink ledger public-key``), or a private key file's public half."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the public key: {exc.strerror}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if key is None:
        if b"PRIVATE KEY" in data:
            return load_signing_key(path).public
        raise UsageError(f"{path}: not a PEM public key")
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path}: the ledger key must be Ed25519, not {type(key).__name__}")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
