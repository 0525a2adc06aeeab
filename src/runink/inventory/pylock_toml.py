"""``pylock.toml``: the standard Python lockfile of PEP 751 (``lock-version = "1.0"``).

The file is ``pylock.toml`` or ``pylock.<name>.toml``. Every entry of ``[[packages]]`` is a
component when it records a ``version``, whatever its source (``index`` with ``sdist`` and
``wheels``, ``archive``, ``vcs`` or ``directory``):

* ``directory`` with ``editable = true``, or the directory ``.``, is the project itself: it is
  not reported;
* an entry without a version is ``Skipped`` (PEP 751 lets a locker omit it for ``vcs`` and
  ``directory`` sources, where it is not known without building).

A ``lock-version`` whose major number is not 1 is a ParseError, as PEP 751 requires of
installers. Package ``marker``s (``"dev" in dependency_groups``, ``"extra" in extras``) are
conditions, not a statement of which groups a package belongs to, and the per-package
``dependencies`` are optional in the PEP, so ``direct`` and ``scope`` are None and ``path`` is
empty.
"""

from __future__ import annotations

import re
from typing import Any, Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._python_common import (
    ECOSYSTEM,
    bad_name_skip,
    decode_elided,
    key_line,
    merge_duplicates,
    valid_name,
)
from runink.inventory._toml import entry_lines, load_toml
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = ["PylockTomlParser"]

_LOCK_VERSION_LINE: Final = re.compile(r"^[ \t]*[\"']?lock-version[\"']?[ \t]*=", re.MULTILINE)


def _source_kind(pkg: dict[str, Any]) -> str:
    for kind in ("vcs", "directory", "archive"):
        if isinstance(pkg.get(kind), dict):
            return kind
    return "index"


def _is_project_itself(pkg: dict[str, Any]) -> bool:
    directory = pkg.get("directory")
    if not isinstance(directory, dict):
        return False
    where = directory.get("path")
    return directory.get("editable") is True or where in (".", "./")


class PylockTomlParser:
    """PEP 751 ``pylock.toml``."""

    format = "pylock.toml"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.pylock_toml(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        # Blanking the hash lists keeps every line where it was (see elide_hash_arrays).
        text = decode_elided(path, data, ("wheels",), ("sdist",))
        doc = load_toml(path, text)
        lock_version = doc.get("lock-version")
        if lock_version is not None:
            major = str(lock_version).split(".", 1)[0].strip()
            if major != "1":
                m = _LOCK_VERSION_LINE.search(text)
                line = text.count("\n", 0, m.start()) + 1 if m else None
                raise ParseError(
                    path, f"unsupported lock-version {lock_version!r} (expected 1.x)", line=line
                )
        raw = doc.get("packages", [])
        if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
            raise ParseError(
                path, "'packages' must be an array of tables", line=key_line(text, "packages")
            )
        packages: list[dict[str, Any]] = raw
        lines = entry_lines(text, "packages", packages)

        components: list[Component] = []
        skipped: list[Skipped] = []
        for i, pkg in enumerate(packages):
            name = pkg.get("name")
            if not isinstance(name, str) or not valid_name(name):
                skipped.append(bad_name_skip(name, lines[i]))
                continue
            norm = normalize_name(ECOSYSTEM, name)
            if _is_project_itself(pkg):
                continue
            version = pkg.get("version")
            if not isinstance(version, str) or not version:
                kind = _source_kind(pkg)
                skipped.append(Skipped(norm, f"no version recorded ({kind} source)", lines[i]))
                continue
            components.append(
                Component(
                    ecosystem=ECOSYSTEM,
                    name=norm,
                    version=version,
                    source=path,
                    line=lines[i],
                )
            )
        return ParseResult(components=merge_duplicates(components), skipped=tuple(skipped))
