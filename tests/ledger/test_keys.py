"""The signing key: generated once with mode 0600, loose permissions refused, configurable."""

from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from runink.config import load_settings
from runink.errors import UsageError
from runink.ledger.keys import generate_key_file, load_public_key_file, load_signing_key
from runink.ledger.ledger import Ledger, load_key
from runink.ledger.settings import DEFAULT_CHECKPOINT_EVERY, load_ledger_settings

from .conftest import Run, finding


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_generated_on_first_append_with_mode_0600(ledger: Ledger, runink_home: Path) -> None:
    key_path = runink_home / "ledger.key"
    assert not key_path.exists()
    ledger.append([finding(1)])
    assert mode(key_path) == 0o600
    assert key_path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = Ledger(ledger.engine).signing_key()
    assert again.key_id == ledger.signing_key().key_id  # reused, not regenerated


def test_key_mode_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        generate_key_file(tmp_path / "k" / "ledger.key")
    finally:
        os.umask(old)
    assert mode(tmp_path / "k" / "ledger.key") == 0o600


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o660, 0o666])
def test_key_readable_by_others_is_refused(tmp_path: Path, loose: int) -> None:
    path = tmp_path / "ledger.key"
    generate_key_file(path)
    path.chmod(loose)
    with pytest.raises(UsageError) as caught:
        load_signing_key(path)
    assert str(caught.value) == (
        f"{path}: the ledger signing key has permissions {loose:04o}; it must be readable by "
        f"its owner only (run `chmod 600 {path}`)"
    )


def test_cli_refuses_loose_key_with_exit_2(
    ledger: Ledger, runink_home: Path, runink: object
) -> None:
    ledger.append([finding(1)])
    (runink_home / "ledger.key").chmod(0o644)
    result: Run = runink("ledger", "verify")  # type: ignore[operator]
    assert result.code == 2
    assert "permissions 0644" in result.stderr and "Traceback" not in result.stderr


def test_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ledger.key"
    generate_key_file(path)
    first = load_signing_key(path).key_id
    generate_key_file(path)  # e.g. a second process racing on first use
    assert load_signing_key(path).key_id == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.key"]  # no temp files left


def _first_use(path: str) -> str:
    generate_key_file(Path(path))
    return load_signing_key(Path(path)).key_id


def test_concurrent_first_use_ends_with_one_key(tmp_path: Path) -> None:
    path = str(tmp_path / "ledger.key")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        ids = pool.map(_first_use, [path] * 8)
    assert len(set(ids)) == 1


def test_configured_key_path_from_environment(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secrets" / "ledger.key"
    generate_key_file(path)
    monkeypatch.setenv("RUNINK_LEDGER_KEY", str(path))
    ledger = Ledger(engine)
    ledger.append([finding(1)])
    assert ledger.latest_checkpoint().key_id == load_signing_key(path).key_id  # type: ignore[union-attr]


def test_configured_key_that_is_missing_is_an_error_not_a_new_key(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "missing.key"
    monkeypatch.setenv("RUNINK_LEDGER_KEY", str(path))
    with pytest.raises(UsageError, match="the configured ledger key does not exist"):
        Ledger(engine).append([finding(1)])
    assert not path.exists()


def test_config_file_ledger_section(runink_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNINK_LEDGER_KEY", raising=False)
    generate_key_file(runink_home / "keys" / "signing.key")
    (runink_home / "config.yaml").write_text(
        "ledger:\n  key: keys/signing.key\n  trusted_keys: [old.pub]\n  checkpoint_every: 50\n"
    )
    settings = load_ledger_settings()
    assert settings.key_path == runink_home / "keys" / "signing.key"
    assert settings.key_configured
    assert settings.trusted_keys == (runink_home / "old.pub",)
    assert settings.checkpoint_every == 50
    assert load_key(settings).path == runink_home / "keys" / "signing.key"


def test_defaults_without_config(runink_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNINK_LEDGER_KEY", raising=False)
    settings = load_ledger_settings()
    assert settings.key_path == runink_home / "ledger.key"
    assert not settings.key_configured
    assert settings.checkpoint_every == DEFAULT_CHECKPOINT_EVERY


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("ledger: [a]", "ledger: must be a mapping"),
        ("ledger:\n  checkpoint_every: 0", "ledger.checkpoint_every: must be a positive integer"),
        ("ledger:\n  checkpoint_every: yes", "ledger.checkpoint_every: must be a positive integer"),
        ("ledger:\n  trusted_keys: old.pub", "ledger.trusted_keys: must be a list"),
        ("ledger:\n  trusted_keys: [1]", r"ledger.trusted_keys\[0\]: must be a file path"),
        ("ledger:\n  keyfile: x", "ledger.keyfile: unknown setting"),
    ],
)
def test_bad_ledger_config_names_the_field(runink_home: Path, section: str, message: str) -> None:
    (runink_home / "config.yaml").write_text(section + "\n")
    with pytest.raises(UsageError, match=message) as caught:
        load_ledger_settings()
    assert str(caught.value).startswith(str(load_settings().config_path))


def test_public_key_export_and_reuse(ledger: Ledger, runink: object, tmp_path: Path) -> None:
    ledger.append([finding(1)])
    result: Run = runink("ledger", "public-key", "--out", str(tmp_path / "ledger.pub"))  # type: ignore[operator]
    assert result.code == 0, result.stderr
    key = load_public_key_file(tmp_path / "ledger.pub")
    assert key.key_id == ledger.signing_key().key_id
    assert f"key id {key.key_id}" in result.stderr
    assert (tmp_path / "ledger.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_public_key_file_must_be_ed25519(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    (tmp_path / "ec.pub").write_bytes(
        other.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.raises(UsageError, match="must be Ed25519"):
        load_public_key_file(tmp_path / "ec.pub")
    (tmp_path / "junk.pub").write_text("hello")
    with pytest.raises(UsageError, match="not a PEM public key"):
        load_public_key_file(tmp_path / "junk.pub")
