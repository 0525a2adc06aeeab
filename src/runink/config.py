"""Where Runink keeps its data, from the environment.

``RUNINK_HOME`` selects the data directory (default: ``$XDG_DATA_HOME/runink``, i.e.
``~/.local/share/runink``). The embedded database is ``$RUNINK_HOME/runink.db``;
``RUNINK_DATABASE_URL`` (any SQLAlchemy URL, e.g. ``postgresql+psycopg://…``) overrides it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    home = data_home()
    url = os.environ.get("RUNINK_DATABASE_URL")
    if not url:
        url = f"sqlite:///{home / 'runink.db'}"
    return Settings(home=home, database_url=url)
