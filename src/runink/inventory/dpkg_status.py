"""``/var/lib/dpkg/status``: the packages installed on a Debian-family system.

The file is a sequence of deb822 paragraphs, one per binary package. A package whose files are
on disk is a component in the ``Debian`` ecosystem; that is every ``Status`` except
``not-installed`` and ``config-files`` (so ``install ok installed``, held packages,
``deinstall ok installed`` that is not removed yet, and half-configured or unpacked ones).

OSV's Debian records (from the Debian security tracker) key advisories by *source* package: the
component is named by the ``Source:`` field (its ``(version)`` part removed) when there is one,
else by ``Package:`` (a binary built from a source of the same name). The version is the
binary's ``Version``, unless ``Source:`` carries its own ``(version)`` (binNMUs, binaries with
their own epoch), which is then the source version. The binary package names are not kept: a
finding names the source package, as Debian's advisories do. Binaries from one source at one
version are one component, at the line of the first one's paragraph.

Debian and Ubuntu (and other derivatives) write the same file; it does not say which
distribution or release it belongs to (``/etc/os-release`` does). The ecosystem is ``Debian``,
without a release, which ``ecosystem_matches`` checks against every Debian release.
"""

from __future__ import annotations

from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped

__all__ = ["DpkgStatusParser"]

_ECOSYSTEM: Final = "Debian"
_NOT_ON_DISK: Final = frozenset({"not-installed", "config-files"})
_ON_DISK: Final = frozenset(
    {
        "installed",
        "half-installed",
        "unpacked",
        "half-configured",
        "triggers-awaited",
        "triggers-pending",
    }
)


def paragraphs(path: str, text: str) -> list[tuple[int, dict[str, str]]]:
    """Split deb822 text into (first line, {lower-cased field: value}) paragraphs.

    Continuation lines are folded into their field's value; ``#`` comment lines are ignored.
    A line that is neither a field, a continuation nor blank is a ``ParseError``.
    """
    out: list[tuple[int, dict[str, str]]] = []
    fields: dict[str, str] = {}
    start = 0
    last: str | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if fields:
                out.append((start, fields))
            fields, last = {}, None
            continue
        if line[0] == "#":
            continue
        if line[0] in " \t":
            if last is None:
                raise ParseError(path, "continuation line outside a field", line=lineno)
            fields[last] += "\n" + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or " " in name or "\t" in name:
            raise ParseError(path, f"expected 'Field: value', found {line.strip()!r}", line=lineno)
        if not fields:
            start = lineno
        last = name.lower()
        fields[last] = value.strip()
    if fields:
        out.append((start, fields))
    return out


def _first_line(value: str) -> str:
    return value.split("\n", 1)[0].strip()


class DpkgStatusParser:
    """Parser for dpkg's ``status`` database."""

    format = "dpkg-status"

    def claims(self, filename: str, head: bytes) -> bool:
        """``dpkg/status`` (its real place, ``/var/lib/dpkg/status``) whatever it holds, so a
        broken database fails loudly; a bare ``status`` only when its first bytes look like one,
        since many unrelated files share that name."""
        return _claims.dpkg_status(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        # Descriptions of old packages may be in Latin-1; names and versions are ASCII.
        text = data.decode("utf-8", "replace")
        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for line, fields in paragraphs(path, text):
            # Package, Status, Version and Source are single-line fields: ignore any folding.
            package = _first_line(fields.get("package", ""))
            if not package:
                skipped.append(Skipped("", "paragraph without a Package field", line))
                continue
            status = _first_line(fields.get("status", ""))
            status_words = status.split()
            if len(status_words) != 3:
                skipped.append(Skipped(package, f"unrecognised Status {status!r}", line))
                continue
            state = status_words[2]
            if state in _NOT_ON_DISK:
                continue
            if state not in _ON_DISK:
                skipped.append(Skipped(package, f"unrecognised package state {state!r}", line))
                continue
            version = _first_line(fields.get("version", ""))
            if not version:
                skipped.append(Skipped(package, "installed package without a Version", line))
                continue
            name = package
            source = _first_line(fields.get("source", ""))
            if source:
                source_name, _, rest = source.partition(" ")
                name = source_name
                rest = rest.strip()
                if rest.startswith("(") and rest.endswith(")") and rest[1:-1].strip():
                    version = rest[1:-1].strip()
            if (name, version) in seen:
                continue
            seen.add((name, version))
            components.append(
                Component(ecosystem=_ECOSYSTEM, name=name, version=version, source=path, line=line)
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
