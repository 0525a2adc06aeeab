"""``/lib/apk/db/installed``: the packages installed on an Alpine Linux system.

The database is a sequence of blocks separated by blank lines; each line is a one-letter key,
a colon and a value (``P:`` package, ``V:`` version, ``o:`` origin, ``A:`` architecture...).
Every block is an installed package and a component in the ``Alpine`` ecosystem.

OSV's Alpine records (from the Alpine security database) key advisories by the *origin*
(source) package, so the component is named by ``o:`` when present, else by ``P:``. Packages
built from one origin at one version are one component, at the line of the first block. The
file does not say which Alpine release it belongs to (``/etc/alpine-release`` does), so the
ecosystem is ``Alpine`` without a release.
"""

from __future__ import annotations

from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped

__all__ = ["ApkInstalledParser"]

_ECOSYSTEM: Final = "Alpine"


class ApkInstalledParser:
    """Parser for apk's ``installed`` database."""

    format = "apk-installed"

    def claims(self, filename: str, head: bytes) -> bool:
        """``db/installed`` (its real place, ``/lib/apk/db/installed``) whatever it holds, so a
        broken database fails loudly; a bare ``installed`` only when its first bytes look like
        one."""
        return _claims.apk_installed(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = data.decode("utf-8", "replace")
        blocks: list[tuple[int, dict[str, str]]] = []
        fields: dict[str, str] = {}
        start = 0
        for lineno, raw in enumerate(text.splitlines(), 1):
            if not raw.strip():
                if fields:
                    blocks.append((start, fields))
                fields = {}
                continue
            if len(raw) < 2 or raw[1] != ":" or raw[0] in " \t":
                raise ParseError(path, f"expected 'X:value', found {raw.strip()!r}", line=lineno)
            if not fields:
                start = lineno
            # Repeated keys (F:, R:, Z:...) describe files; the first P:, V:, o: is the package.
            fields.setdefault(raw[0], raw[2:].strip())
        if fields:
            blocks.append((start, fields))

        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for line, block in blocks:
            package = block.get("P", "")
            if not package:
                skipped.append(Skipped("", "block without a P: (package name) line", line))
                continue
            version = block.get("V", "")
            if not version:
                skipped.append(Skipped(package, "block without a V: (version) line", line))
                continue
            name = block.get("o") or package
            if (name, version) in seen:
                continue
            seen.add((name, version))
            components.append(
                Component(ecosystem=_ECOSYSTEM, name=name, version=version, source=path, line=line)
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
