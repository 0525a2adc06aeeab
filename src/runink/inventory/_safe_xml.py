"""Safe XML loading for the inventory parsers.

XML documents come from outside and are parsed with ``defusedxml``'s expat-based parser, with
every dangerous feature refused: a document type declaration (``<!DOCTYPE ...>``, and so every
entity declaration, the billion-laughs expansion and every external entity) is rejected, as is
an external reference of any kind. Documents above ``MAX_XML_BYTES`` are refused before any
parsing. Every failure is a ``ParseError`` naming the file and, where expat knows it, the line.

The tree records the line of each element's start tag, which ElementTree itself does not keep.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Final

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from runink.errors import ParseError

__all__ = [
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_XML_BYTES",
    "XmlDocument",
    "local_name",
    "namespace_of",
    "parse_xml",
]

#: The largest XML document the parsers read (256 MiB).
MAX_XML_BYTES: Final = 256 * 1024 * 1024
#: The most elements one document may have, and how deep they may nest: a bound on the memory
#: and the work a hostile document can cause within the size limit.
MAX_ELEMENTS: Final = 5_000_000
MAX_DEPTH: Final = 512

# expat appends ": line N, column M" to its messages; the ParseError carries the line itself.
_EXPAT_POSITION = re.compile(r":\s*line \d+, column \d+\s*$")


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """A parsed document: its root element and the start-tag line of every element."""

    root: ET.Element
    lines: dict[ET.Element, int]

    def line_of(self, element: ET.Element) -> int | None:
        return self.lines.get(element) or None


class _TooLarge(Exception):
    """Raised from inside the parser when a document exceeds the element or depth bound."""


class _LineRecordingTarget:
    """A tree-builder target that remembers where each element starts, within bounds."""

    def __init__(self) -> None:
        self._builder = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.current_line: object = None  # set to a callable returning expat's current line
        self._depth = 0

    def start(self, tag: str, attrib: dict[str, str]) -> ET.Element:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooLarge(f"elements nest deeper than {MAX_DEPTH} levels")
        if len(self.lines) >= MAX_ELEMENTS:
            raise _TooLarge(f"more than {MAX_ELEMENTS} elements")
        element = self._builder.start(tag, attrib)
        line_getter = self.current_line
        self.lines[element] = int(line_getter()) if callable(line_getter) else 0
        return element

    def end(self, tag: str) -> ET.Element:
        self._depth -= 1
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> ET.Element:
        return self._builder.close()


def namespace_of(tag: str) -> str:
    """``{ns}name`` -> ``ns``; an unqualified tag has the empty namespace."""
    if tag.startswith("{"):
        return tag[1 : tag.index("}")]
    return ""


def local_name(tag: str) -> str:
    """``{ns}name`` -> ``name``."""
    return tag.rpartition("}")[2]


def _refusal(exc: DefusedXmlException) -> str:
    if isinstance(exc, DTDForbidden):
        return "XML document type declarations (DOCTYPE) are not allowed"
    if isinstance(exc, EntitiesForbidden):
        return "XML entity declarations are not allowed"
    return "XML external references are not allowed"


def parse_xml(path: str, data: bytes) -> XmlDocument:
    """Parse an XML document safely, or raise ``ParseError``."""
    if len(data) > MAX_XML_BYTES:
        raise ParseError(
            path, f"XML document is {len(data)} bytes; the limit is {MAX_XML_BYTES} bytes"
        )
    if not data.strip():
        raise ParseError(path, "empty document")
    target = _LineRecordingTarget()
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    expat = parser.parser
    target.current_line = lambda: expat.CurrentLineNumber
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise ParseError(path, _refusal(exc), line=expat.CurrentLineNumber or None) from exc
    except _TooLarge as exc:
        raise ParseError(
            path, f"XML document too large: {exc}", line=expat.CurrentLineNumber or None
        ) from exc
    except ET.ParseError as exc:
        line, column = exc.position
        reason = _EXPAT_POSITION.sub("", str(exc.msg))
        raise ParseError(
            path, f"invalid XML: {reason} (column {column + 1})", line=line or None
        ) from exc
    if not isinstance(root, ET.Element):  # pragma: no cover - TreeBuilder always returns one
        raise ParseError(path, "invalid XML: no root element")
    return XmlDocument(root=root, lines=target.lines)
