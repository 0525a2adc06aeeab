"""CycloneDX BOMs in XML (specification 1.0 to 1.6).

The root element is ``bom`` in a ``http://cyclonedx.org/schema/bom/1.N`` namespace; only
elements of that namespace are read, so extensions in other namespaces are ignored, except the
1.1 dependency-graph extension (``http://cyclonedx.org/schema/ext/dependency-graph/1.0``), which
is read like the 1.2+ ``dependencies`` element. A ``dependency`` element's ``dependency``
children are what it depends on, at any nesting depth.

Everything else (which components are used, the metadata component as the root, scopes,
duplicates, skipped entries, metadata keys) is as for CycloneDX JSON; see
``runink.inventory.cyclonedx_json``. Lines are those of each ``component`` start tag.

The XML is parsed by ``runink.inventory._safe_xml``: a DOCTYPE (and so any entity declaration
or external entity) is refused, and so is a document over 256 MiB.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._safe_xml import XmlDocument, local_name, namespace_of, parse_xml
from runink.inventory._sbom_common import (
    CdxComponent,
    CdxDocument,
    Party,
    clean,
    cyclonedx_result,
)
from runink.inventory.base import ParseResult

__all__ = ["CycloneDxXmlParser"]

_NAMESPACE = re.compile(r"^http://cyclonedx\.org/schema/bom/(1\.\d+)$")
_DEPENDENCY_GRAPH_NS: Final = "http://cyclonedx.org/schema/ext/dependency-graph/1.0"


class _Reader:
    """Reads one BOM's elements in its namespace."""

    def __init__(self, path: str, doc: XmlDocument, namespace: str) -> None:
        self.path = path
        self.doc = doc
        self.ns = namespace

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def children(self, element: ET.Element, name: str) -> list[ET.Element]:
        return element.findall(self.q(name))

    def child(self, element: ET.Element, name: str) -> ET.Element | None:
        return element.find(self.q(name))

    def text(self, element: ET.Element, name: str) -> str | None:
        node = element.find(self.q(name))
        if node is None:
            return None
        return clean("".join(node.itertext()))

    def party(self, element: ET.Element | None) -> Party | None:
        """An organizationalEntity (name, contact*) or organizationalContact (name, email)."""
        if element is None:
            return None
        emails: list[str] = []
        email = self.text(element, "email")
        if email:
            emails.append(email)
        for contact in self.children(element, "contact"):
            cemail = self.text(contact, "email")
            if cemail and cemail not in emails:
                emails.append(cemail)
        name = self.text(element, "name")
        if name is None and not emails:
            return None
        return Party(name=name, emails=tuple(emails))

    def properties(self, element: ET.Element | None) -> tuple[tuple[str, str], ...]:
        if element is None:
            return ()
        holder = self.child(element, "properties")
        if holder is None:
            return ()
        out: list[tuple[str, str]] = []
        for prop in self.children(holder, "property"):
            name = prop.get("name")
            if name:
                out.append((name, "".join(prop.itertext()).strip()))
        return tuple(out)

    def component(self, element: ET.Element) -> CdxComponent:
        return CdxComponent(
            bom_ref=clean(element.get("bom-ref")),
            type=clean(element.get("type")),
            name=self.text(element, "name"),
            group=self.text(element, "group"),
            version=self.text(element, "version"),
            purl=self.text(element, "purl"),
            scope=self.text(element, "scope"),
            has_cpe=self.text(element, "cpe") is not None,
            properties=self.properties(element),
            line=self.doc.line_of(element),
        )

    def components(self, holder: ET.Element | None) -> list[CdxComponent]:
        """Every component under ``holder``, nested ones included, in document order."""
        out: list[CdxComponent] = []
        if holder is None:
            return out
        stack = list(reversed(self.children(holder, "component")))
        while stack:
            element = stack.pop()
            out.append(self.component(element))
            nested = self.child(element, "components")
            if nested is not None:
                stack.extend(reversed(self.children(nested, "component")))
        return out

    def services(self, holder: ET.Element | None) -> list[tuple[str, int | None]]:
        out: list[tuple[str, int | None]] = []
        if holder is None:
            return out
        stack = list(reversed(self.children(holder, "service")))
        while stack:
            element = stack.pop()
            name = self.text(element, "name") or clean(element.get("bom-ref"))
            out.append((name or "(unnamed service)", self.doc.line_of(element)))
            nested = self.child(element, "services")
            if nested is not None:
                stack.extend(reversed(self.children(nested, "service")))
        return out

    def dependencies(self, root: ET.Element) -> dict[str, list[str]]:
        edges: dict[str, list[str]] = {}
        holders = [
            *self.children(root, "dependencies"),
            *root.findall(f"{{{_DEPENDENCY_GRAPH_NS}}}dependencies"),
        ]
        for holder in holders:
            ns = namespace_of(holder.tag)
            tag = f"{{{ns}}}dependency"
            stack: list[tuple[str | None, ET.Element]] = [
                (None, dep) for dep in reversed(holder.findall(tag))
            ]
            while stack:
                parent, element = stack.pop()
                ref = clean(element.get("ref"))
                if ref is None:
                    raise ParseError(
                        self.path,
                        "a dependency element needs a 'ref' attribute",
                        line=self.doc.line_of(element),
                    )
                edges.setdefault(ref, [])  # present even when it depends on nothing
                if parent is not None:
                    siblings = edges.setdefault(parent, [])
                    if ref not in siblings:
                        siblings.append(ref)
                stack.extend((ref, child) for child in reversed(element.findall(tag)))
        return edges

    def tools(self, metadata: ET.Element | None) -> tuple[str, ...]:
        if metadata is None:
            return ()
        holder = self.child(metadata, "tools")
        if holder is None:
            return ()
        items = [*self.children(holder, "tool")]
        for group in ("components", "services"):
            sub = self.child(holder, group)
            if sub is not None:
                items.extend(sub)
        out: list[str] = []
        for item in items:
            name = self.text(item, "name")
            version = self.text(item, "version")
            if name:
                out.append(f"{name} {version}" if version else name)
        return tuple(out)


def read_document(path: str, data: bytes) -> CdxDocument:
    """Parse the XML into the format-neutral CycloneDX model."""
    doc = parse_xml(path, data)
    root = doc.root
    ns = namespace_of(root.tag)
    match = _NAMESPACE.match(ns)
    if local_name(root.tag) != "bom" or match is None:
        raise ParseError(
            path,
            f"not a CycloneDX BOM: the root element is {root.tag!r}, expected 'bom' in a "
            "http://cyclonedx.org/schema/bom/1.x namespace",
            line=doc.line_of(root),
        )
    reader = _Reader(path, doc, ns)
    metadata = reader.child(root, "metadata")
    subject = None
    components: list[CdxComponent] = []
    authors: list[Party] = []
    supplier = manufacturer = None
    timestamp = None
    if metadata is not None:
        element = reader.child(metadata, "component")
        if element is not None:
            subject = reader.component(element)
            # The subject's own parts, when it lists them, are components like the others.
            components.extend(reader.components(reader.child(element, "components")))
        holder = reader.child(metadata, "authors")
        if holder is not None:
            authors = [p for p in (reader.party(a) for a in reader.children(holder, "author")) if p]
        supplier = reader.party(reader.child(metadata, "supplier"))
        manufacturer = reader.party(reader.child(metadata, "manufacturer")) or reader.party(
            reader.child(metadata, "manufacture")
        )
        timestamp = reader.text(metadata, "timestamp")
    vulnerabilities = reader.child(root, "vulnerabilities")
    return CdxDocument(
        spec_version=match.group(1),
        serial_number=clean(root.get("serialNumber")),
        timestamp=timestamp,
        root=subject,
        components=(*components, *reader.components(reader.child(root, "components"))),
        dependencies=reader.dependencies(root),
        authors=tuple(authors),
        supplier=supplier,
        manufacturer=manufacturer,
        properties=reader.properties(metadata),
        tools=reader.tools(metadata),
        services=tuple(reader.services(reader.child(root, "services"))),
        vulnerability_count=(
            len(reader.children(vulnerabilities, "vulnerability"))
            if vulnerabilities is not None
            else 0
        ),
    )


class CycloneDxXmlParser:
    """CycloneDX XML BOMs (``bom.xml``, ``*.cdx.xml``, or any XML whose root is a CycloneDX bom)."""

    format = "cyclonedx-xml"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.cyclonedx_xml(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return cyclonedx_result(path, read_document(path, data))
