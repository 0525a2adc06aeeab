"""Ledger settings: the signing key, extra trusted public keys, the checkpoint interval.

Sources, lowest precedence first:

* defaults: the key is ``$RUNINK_HOME/ledger.key``, generated on first use;
* the config file's ``ledger:`` section (``runink.config.load_config_file()``)::

      ledger:
        key: /etc/runink/ledger.key        # private key file (must exist, mode 0600)
        trusted_keys: [old-ledger.pub]     # public keys of earlier signing keys (rotation)
        checkpoint_every: 1000             # also sign inside batches, every N entries

  Relative paths are taken from the config file's directory;
* ``RUNINK_LEDGER_KEY``: a private key path, replacing ``ledger.key``.

A key path that is configured but missing is an error, never a reason to create a key there:
a signing key that silently changes would make every earlier checkpoint look forged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from runink.config import Settings, load_config_file, load_settings
from runink.errors import UsageError

ENV_KEY: Final = "RUNINK_LEDGER_KEY"
DEFAULT_KEY_NAME: Final = "ledger.key"
DEFAULT_CHECKPOINT_EVERY: Final = 1000
_KEYS: Final = ("key", "trusted_keys", "checkpoint_every")


@dataclass(frozen=True, slots=True)
class LedgerSettings:
    key_path: Path
    #: True when the path came from the config file or RUNINK_LEDGER_KEY (never generated).
    key_configured: bool = False
    trusted_keys: tuple[Path, ...] = ()
    checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY


def load_ledger_settings(
    settings: Settings | None = None, *, environ: Mapping[str, str] | None = None
) -> LedgerSettings:
    settings = settings or load_settings()
    env = os.environ if environ is None else environ
    return parse_ledger_settings(
        load_config_file(settings),
        home=settings.home,
        config_path=settings.config_path,
        environ=env,
    )


def parse_ledger_settings(
    config: Mapping[str, Any], *, home: Path, config_path: Path, environ: Mapping[str, str]
) -> LedgerSettings:
    section = config.get("ledger")
    where = f"{config_path}: ledger"
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise UsageError(f"{where}: must be a mapping (key, trusted_keys, checkpoint_every)")
    unknown = sorted(set(section) - set(_KEYS))
    if unknown:
        raise UsageError(
            f"{where}.{unknown[0]}: unknown setting (expected one of {', '.join(_KEYS)})"
        )

    def path_of(value: Any, field: str) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{where}.{field}: must be a file path")
        path = Path(value).expanduser()
        return path if path.is_absolute() else config_path.parent / path

    key_path = home / DEFAULT_KEY_NAME
    configured = False
    if section.get("key") is not None:
        key_path, configured = path_of(section["key"], "key"), True
    env_key = environ.get(ENV_KEY)
    if env_key:
        key_path, configured = Path(env_key).expanduser(), True

    trusted_raw = section.get("trusted_keys") or []
    if not isinstance(trusted_raw, list):
        raise UsageError(f"{where}.trusted_keys: must be a list of public key files")
    trusted = tuple(path_of(v, f"trusted_keys[{i}]") for i, v in enumerate(trusted_raw))

    every = section.get("checkpoint_every", DEFAULT_CHECKPOINT_EVERY)
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise UsageError(f"{where}.checkpoint_every: must be a positive integer, not {every!r}")
    return LedgerSettings(key_path, configured, trusted, every)
