"""The inventory layer's port: a parser maps (path, bytes) to components.

Parsers are pure: they never open files, walk directories or touch the network. The
discovery walker (``runink.inventory.discovery``) owns all I/O and hands each parser the bytes
of a file whose name it claims. A malformed file raises ``ParseError`` (naming the file and,
where possible, the line); an entry that cannot be used is returned as ``Skipped`` with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from runink.errors import ParseError
from runink.model.component import Component, Skipped

__all__ = ["ParseError", "ParseResult", "Parser"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one file yielded.

    ``includes`` lists other files (relative to this file's directory) that the format asks to
    read as well, such as ``-r other.txt`` in requirements files; the walker resolves them.
    ``metadata`` carries artifact metadata found in the file (e.g. an SBOM's authors/supplier).
    """

    components: tuple[Component, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    includes: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


class Parser(Protocol):
    """One input format."""

    #: Stable format identifier used in output (``"requirements.txt"``, ``"cyclonedx-json"``).
    format: str

    def claims(self, filename: str, head: bytes) -> bool:
        """Whether this parser reads a file with this name and these first bytes.

        Discovery asks with the base name (``go.mod``) and, if no parser claims that, with the
        parent directory too (``requirements/main.txt``). ``head`` is the first 4 KiB.
        """
        ...

    def parse(self, path: str, data: bytes) -> ParseResult:
        """Parse the file's bytes. ``path`` is used only in messages and ``Component.source``."""
        ...


def decode_utf8(path: str, data: bytes) -> str:
    """Decode a UTF-8 text lockfile (an initial byte-order mark is dropped); a bad byte is a
    ``ParseError`` at its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(path, f"not UTF-8 text ({exc.reason})", line=line) from exc
