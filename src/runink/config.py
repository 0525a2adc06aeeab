"""Where Runink keeps its data, from the environment.

``RUNINK_HOME`` selects the data directory (default: ``$XDG_DATA_HOME/runink``, i.e.
``~/.local/share/runink``). The embedded database is ``$RUNINK_HOME/runink.db``;
``RUNINK_DATABASE_URL`` (any SQLAlchemy URL, e.g. ``postgresql+psycopg://…``) overrides it.

Server-side settings (SMTP, notification channels, the ownership map, feeds, the ledger key) live
in one YAML file: ``RUNINK_CONFIG``, default ``$RUNINK_HOME/config.yaml``. It is optional; each
subsystem reads its own top-level section from ``load_config_file()`` and validates it, naming
the file and the field at fault. Environment variables documented per subsystem override it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runink.errors import UsageError


def data_home() -> Path:
    explicit = os.environ.get("RUNINK_HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "runink"


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str
    config_path: Path

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    home = data_home()
    url = os.environ.get("RUNINK_DATABASE_URL")
    if not url:
        url = f"sqlite:///{home / 'runink.db'}"
    config = os.environ.get("RUNINK_CONFIG")
    config_path = Path(config).expanduser() if config else home / "config.yaml"
    return Settings(home=home, database_url=url, config_path=config_path)


def load_config_file(settings: Settings | None = None) -> dict[str, Any]:
    """The parsed config file as a mapping (empty when the default file does not exist).

    An explicitly configured ``RUNINK_CONFIG`` that is missing, unreadable YAML, or a document
    that is not a mapping raises ``UsageError`` (exit 2) naming the file.
    """
    import yaml

    settings = settings or load_settings()
    path = settings.config_path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if os.environ.get("RUNINK_CONFIG"):
            raise UsageError(f"{path}: RUNINK_CONFIG names a file that does not exist") from None
        return {}
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise UsageError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the config file must be a mapping of sections")
    return data
