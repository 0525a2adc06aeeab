"""SPDX 2.x documents in tag-value form (``*.spdx``).

Each line is ``Tag: value``; a value that starts with ``<text>`` runs until the matching
``</text>``, over as many lines as it takes. Blank lines and lines starting with ``#`` are
comments. The document must declare ``SPDXVersion: SPDX-2.x``.

A ``PackageName`` line opens a package, which the following package tags describe
(``SPDXID``, ``PackageVersion``, ``ExternalRef: CATEGORY TYPE LOCATOR``, ``PackageSupplier``,
``PrimaryPackagePurpose``, ``PackageSourceInfo``) until a ``FileName``, ``SnippetSPDXID``,
``LicenseID`` or the next ``PackageName``. ``Relationship: A TYPE B`` lines may appear anywhere.
What becomes a component is as for SPDX JSON (``runink.inventory.spdx_json``); each component's
line is its ``PackageName`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    Spdx2Document,
    SpdxPackage,
    SpdxRelationship,
    clean,
    decode_text,
    spdx2_result,
    spdx_purls,
)
from runink.inventory.base import ParseResult

__all__ = ["SpdxTagValueParser"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:\s?(.*)$")
_SECTION_ENDS: Final = frozenset({"FileName", "SnippetSPDXID", "LicenseID"})


@dataclass(slots=True)
class _PackageBuilder:
    name: str
    line: int
    spdx_id: str | None = None
    version: str | None = None
    refs: list[tuple[str, str, str]] = field(default_factory=list)
    supplier: str | None = None
    purpose: str | None = None
    source_info: str | None = None

    def build(self) -> SpdxPackage:
        purls, has_cpe = spdx_purls(self.refs)
        return SpdxPackage(
            spdx_id=self.spdx_id,
            name=clean(self.name),
            version=clean(self.version),
            purls=purls,
            has_cpe=has_cpe,
            purpose=clean(self.purpose),
            supplier=clean(self.supplier),
            source_info=clean(self.source_info),
            line=self.line,
        )


def _tags(path: str, text: str) -> list[tuple[str, str, int]]:
    """(tag, value, line) in document order; ``<text>`` values are joined across lines."""
    out: list[tuple[str, str, int]] = []
    lines = _LINE_BREAK.split(text)
    i = 0
    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        i += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _TAG.match(stripped)
        if match is None:
            raise ParseError(path, f"expected 'Tag: value', found {stripped[:60]!r}", line=lineno)
        tag, value = match.group(1), match.group(2)
        if value.lstrip().startswith("<text>"):
            body = value.lstrip()[len("<text>") :]
            parts: list[str] = []
            while "</text>" not in body:
                parts.append(body)
                if i >= len(lines):
                    raise ParseError(path, f"{tag}: <text> is never closed by </text>", line=lineno)
                body = lines[i]
                i += 1
            parts.append(body[: body.index("</text>")])
            value = "\n".join(parts)
        out.append((tag, value.strip(), lineno))
    return out


def read_document(path: str, data: bytes) -> Spdx2Document:
    text = decode_text(path, data)
    if not text.strip():
        raise ParseError(path, "empty document")
    tags = _tags(path, text)
    version: str | None = None
    doc_id = "SPDXRef-DOCUMENT"
    name = namespace = created = None
    creators: list[str] = []
    packages: list[SpdxPackage] = []
    relationships: list[SpdxRelationship] = []
    current: _PackageBuilder | None = None
    in_document = True  # before the first package/file/snippet/licence section
    for tag, value, lineno in tags:
        if tag == "SPDXVersion":
            version = value
        elif tag == "PackageName":
            if current is not None:
                packages.append(current.build())
            current = _PackageBuilder(name=value, line=lineno)
            in_document = False
        elif tag in _SECTION_ENDS:
            if current is not None:
                packages.append(current.build())
                current = None
            in_document = False
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) < 3:
                raise ParseError(
                    path, f"Relationship needs 'ELEMENT TYPE RELATED', found {value!r}", line=lineno
                )
            relationships.append((parts[0], parts[1], parts[2]))
        elif current is not None:
            if tag == "SPDXID" and current.spdx_id is None:
                current.spdx_id = value
            elif tag == "PackageVersion":
                current.version = value
            elif tag == "ExternalRef":
                parts = value.split(None, 2)
                if len(parts) != 3:
                    raise ParseError(
                        path,
                        f"ExternalRef needs 'CATEGORY TYPE LOCATOR', found {value!r}",
                        line=lineno,
                    )
                current.refs.append((parts[0], parts[1], parts[2]))
            elif tag == "PackageSupplier":
                current.supplier = value
            elif tag == "PrimaryPackagePurpose":
                current.purpose = value
            elif tag == "PackageSourceInfo":
                current.source_info = value
        elif in_document:
            if tag == "SPDXID":
                doc_id = value
            elif tag == "DocumentName":
                name = value
            elif tag == "DocumentNamespace":
                namespace = value
            elif tag == "Creator":
                creators.append(value)
            elif tag == "Created":
                created = value
    if current is not None:
        packages.append(current.build())
    if version is None:
        raise ParseError(path, "not an SPDX tag-value document: no SPDXVersion tag")
    if not version.startswith("SPDX-2."):
        raise ParseError(path, f"SPDXVersion {version!r} is not SPDX 2.x")
    return Spdx2Document(
        spec_version=version,
        spdx_id=doc_id,
        name=clean(name),
        namespace=clean(namespace),
        created=clean(created),
        creators=tuple(creators),
        packages=tuple(packages),
        relationships=tuple(relationships),
    )


class SpdxTagValueParser:
    """SPDX 2.x tag-value (``*.spdx``, or any file starting with ``SPDXVersion: SPDX-``)."""

    format = "spdx-tag-value"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.spdx_tagvalue(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return spdx2_result(path, read_document(path, data))
