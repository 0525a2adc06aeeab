"""Which distribution release an image's package database belongs to, from its ``os-release``.

``/var/lib/dpkg/status`` and ``/lib/apk/db/installed`` list packages but not the release they
were built for, and Debian and Ubuntu write the same ``status`` file. Without a release, a
component is checked against the advisories of every release of its distribution: a package
fixed in Debian 12 looks vulnerable through Debian 11's advisory (a false alarm), and an Ubuntu
system read as Debian is never checked against Ubuntu's advisories (a miss). When such a
database sits at its usual place in a root filesystem (``<root>/var/lib/dpkg/status``), the
root's ``etc/os-release`` (or ``usr/lib/os-release``, see os-release(5)) names the release:
``ID=ubuntu`` and ``VERSION_ID="22.04"`` make the ecosystem ``Ubuntu:22.04``.

Only the root's own files are read: a symbolic link is not followed (an absolute link in an
unpacked image would point at the scanning machine's file), and an ``ID`` this module does not
know, or one of another family than the database's (an ``ID=fedora`` beside a dpkg database),
leaves the components as the parser made them.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from runink.model.component import Component

#: Where each OS package database lives below the root of its filesystem.
_DATABASE_PLACES: Final[dict[str, tuple[str, ...]]] = {
    "dpkg-status": ("var", "lib", "dpkg", "status"),
    "apk-installed": ("lib", "apk", "db", "installed"),
}
#: os-release IDs -> OSV ecosystem, for each database format (a dpkg database is Debian's or
#: Ubuntu's; an apk one Alpine's).
_ECOSYSTEM_BY_ID: Final[dict[str, dict[str, str]]] = {
    "dpkg-status": {"debian": "Debian", "ubuntu": "Ubuntu"},
    "apk-installed": {"alpine": "Alpine"},
}
#: The formats whose components ``find_release`` can place in a release.
OS_DATABASE_FORMATS: Final = frozenset(_DATABASE_PLACES)
_PLACES: Final = (("etc", "os-release"), ("usr", "lib", "os-release"))
_MAX_BYTES: Final = 64 * 1024
_LINE = re.compile(r"^([A-Z0-9_]+)=(.*)$")
_VERSION_ID = re.compile(r"^[0-9][0-9A-Za-z.]*$")
_ESCAPE = re.compile(r"\\([\\$\"`])")


def parse_os_release(data: bytes) -> dict[str, str]:
    """``KEY=value`` lines of an os-release file; values unquoted as os-release(5) says."""
    fields: dict[str, str] = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        m = _LINE.match(line.strip())
        if m is None:
            continue  # comments, blank lines, anything malformed
        key, value = m.groups()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = _ESCAPE.sub(r"\1", value[1:-1])  # shell-style: \\ \$ \" \` only
        elif len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        fields[key] = value
    return fields


def release_ecosystem(fields: dict[str, str], database_format: str) -> str | None:
    """The OSV ecosystem (with its release when known) named by os-release ``fields`` for a
    database of ``database_format``, or None when they do not describe its distribution."""
    base = _ECOSYSTEM_BY_ID.get(database_format, {}).get(fields.get("ID", "").strip().lower())
    if base is None:
        return None
    version = fields.get("VERSION_ID", "").strip()
    if not version or _VERSION_ID.match(version) is None:
        return base  # e.g. Debian testing/unstable: no release number, every release checked
    return f"{base}:{version}"


def find_release(database: Path, database_format: str) -> str | None:
    """The ecosystem (``Ubuntu:22.04``) of the OS package database at ``database``, from its
    root's os-release; None when it is not at its usual place or no os-release says."""
    place = _DATABASE_PLACES.get(database_format)
    if place is None or database.parts[-len(place) :] != place:
        return None
    root = database.parents[len(place) - 1]
    for parts in _PLACES:
        candidate = root.joinpath(*parts)
        data = _read_regular(candidate)
        if data is None:
            continue
        return release_ecosystem(parse_os_release(data), database_format)
    return None


def _read_regular(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file (not a link) of a sane size, else None."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def with_release(components: Sequence[Component], ecosystem: str) -> list[Component]:
    """The components moved to ``ecosystem`` (their purls follow: ``?distro=ubuntu-22.04``)."""
    return [
        Component(
            ecosystem,
            c.name,
            c.version,
            c.source,
            c.line,
            c.direct,
            c.scope,
            c.path,
            c.purl_override,
        )
        for c in components
    ]
