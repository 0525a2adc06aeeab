"""Safe XML loading for inventory parsers: a small element tree with line numbers.

Parsing goes through defusedxml's expat reader with entity declarations and external
references forbidden, so neither "billion laughs" expansion nor external entities (local files,
URLs) can be used against a scan. Input size, element count and nesting depth are bounded
before and while parsing; anything beyond them, or any syntax error, is a ``ParseError`` that
names the file and, where expat knows it, the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import Final
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, InputSource, Locator

import defusedxml.sax
from defusedxml import DefusedXmlException

from runink.errors import ParseError

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "MAX_XML_BYTES", "XmlElement", "parse_xml"]

MAX_XML_BYTES: Final = 32 * 1024 * 1024
MAX_ELEMENTS: Final = 500_000
MAX_DEPTH: Final = 256


@dataclass(slots=True, eq=False)
class XmlElement:
    """One element: local tag name (namespace dropped), attributes, children, text, line."""

    tag: str
    line: int
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[XmlElement] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> XmlElement | None:
        """The first child with this tag."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[XmlElement]:
        """Every child with this tag, in document order."""
        return [child for child in self.children if child.tag == tag]

    def child_text(self, tag: str) -> str | None:
        """The stripped text of the first child with this tag, or None if there is none."""
        child = self.find(tag)
        return None if child is None else child.text.strip()


class _Limit(SAXException):
    """Raised from the handler when a bound is crossed."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: XmlElement | None = None
        self._stack: list[XmlElement] = []
        self._texts: list[list[str]] = []
        self._count = 0
        self._locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self._locator = locator

    def current_line(self) -> int:
        line = self._locator.getLineNumber() if self._locator is not None else None
        return line if isinstance(line, int) else 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        self._count += 1
        if self._count > MAX_ELEMENTS:
            raise _Limit(f"more than {MAX_ELEMENTS} elements")
        if len(self._stack) >= MAX_DEPTH:
            raise _Limit(f"elements nested deeper than {MAX_DEPTH}")
        element = XmlElement(
            tag=_local(name),
            line=self.current_line(),
            attrs={_local(k): v for k, v in attrs.items()},
        )
        if self._stack:
            self._stack[-1].children.append(element)
        else:
            self.root = element
        self._stack.append(element)
        self._texts.append([])

    def endElement(self, name: str) -> None:
        element = self._stack.pop()
        element.text = "".join(self._texts.pop())

    def characters(self, content: str) -> None:
        if self._texts:
            self._texts[-1].append(content)


def parse_xml(path: str, data: bytes) -> XmlElement:
    """Parse XML bytes into a tree of ``XmlElement``; raise ``ParseError`` on any problem."""
    if len(data) > MAX_XML_BYTES:
        raise ParseError(path, f"XML file larger than {MAX_XML_BYTES} bytes; refusing to parse")
    if not data.strip():
        raise ParseError(path, "empty file; expected an XML document", line=1)
    builder = _Builder()
    parser = defusedxml.sax.make_parser()
    parser.setContentHandler(builder)
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = True
    source = InputSource(path)
    source.setByteStream(BytesIO(data))
    try:
        parser.parse(source)
    except SAXParseException as exc:
        line = exc.getLineNumber()
        message = f"not well-formed XML: {exc.getMessage()}"
        raise ParseError(path, message, line=line if isinstance(line, int) else None) from exc
    except _Limit as exc:
        message = f"refusing to parse: {exc.getMessage()}"
        raise ParseError(path, message, line=builder.current_line() or None) from exc
    except DefusedXmlException as exc:
        message = f"forbidden XML construct ({exc})"
        raise ParseError(path, message, line=builder.current_line() or None) from exc
    except SAXException as exc:
        raise ParseError(path, f"not well-formed XML: {exc.getMessage()}") from exc
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise ParseError(path, f"unsupported XML encoding ({exc})", line=1) from exc
    if builder.root is None:
        raise ParseError(path, "no root element")
    return builder.root
