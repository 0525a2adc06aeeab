"""SPDX 2.2 and 2.3 documents in JSON.

A document is an object with ``"spdxVersion": "SPDX-2.x"``. Its ``packages`` are the
inventory: each is identified by an ``externalRefs`` entry of ``referenceType`` ``purl``
(category ``PACKAGE-MANAGER``, or ``PACKAGE_MANAGER`` as SPDX 2.2 wrote it; a purl filed under
another category is used too, after those), and versioned by the purl or ``versionInfo``.
Packages without a usable purl are ``Skipped`` (see ``runink.inventory._sbom_common``). Files
and snippets are not packages and yield nothing.

``relationships`` give the graph: ``DESCRIBES`` (and ``documentDescribes``) name the roots;
``DEPENDS_ON``/``CONTAINS`` point from the dependent, ``DEPENDENCY_OF``/``CONTAINED_BY`` and
the typed ``*_DEPENDENCY_OF`` kinds point back to it, and the typed kinds give the scope
(``DEV_DEPENDENCY_OF`` -> ``dev``, ``TEST_``, ``BUILD_``, ``OPTIONAL_``, ``RUNTIME_``,
``PROVIDED_``). Linking relationships (``STATIC_LINK``, ...) are not used: real documents use
them in both directions. A described package with a usable purl is a component too.

Trivy writes the source package of a distribution package in ``sourceInfo``
(``built package from: openssl 1.1.1f-1ubuntu2.9``); that names the component (OSV's Debian,
Ubuntu and Alpine advisories are filed under source packages).

Metadata: ``spec_version``, ``document_name``, ``document_namespace``, ``created``,
``creators`` (with ``authors``, ``tools`` and ``contact_emails`` drawn from them), and the
single described package as ``artifact_name``/``artifact_version``/``artifact_kind``/
``artifact_purl``/``supplier`` (else the document name is the ``artifact_name``). Lines are those
of each package's ``SPDXID`` member.

As for CycloneDX JSON (see ``runink.inventory.cyclonedx_json``), the document is first read with
msgspec into typed structs holding only the members used here; whatever that reading refuses or
would report as an error is read again by the general code, from orjson's values.
"""

from __future__ import annotations

from typing import Final

import msgspec
import orjson

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    SPDX_REF_CPE,
    SPDX_REF_PURL,
    LineIndex,
    Spdx2Document,
    SpdxPackage,
    SpdxRelationship,
    as_array,
    as_object,
    check_size,
    clean,
    load_json,
    opt_str,
    plain_texts,
    raw_value,
    spdx2_result,
    spdx_package_manager,
    spdx_purls,
    spdx_reference_kind,
    str_list,
    typed_decode,
    utf8_bytes,
)
from runink.inventory.base import ParseResult

__all__ = ["SpdxJsonParser"]


_MEMBERS: Final = (
    "SPDXID",
    "name",
    "versionInfo",
    "primaryPackagePurpose",
    "supplier",
    "sourceInfo",
)


def _plain_package(obj: dict[str, object], lines: LineIndex) -> SpdxPackage | None:
    """``_package`` for a package whose members all have the expected types (strings, an
    array of objects with string members), else None: ``_package`` then reads it, and names
    the member that is wrong."""
    texts = plain_texts(obj, _MEMBERS)
    if texts is None:
        return None
    get = obj.get
    external = get("externalRefs")
    refs: list[tuple[str, str, str]] = []
    if external is not None:
        if type(external) is not list:
            return None
        for item in external:
            if type(item) is not dict:
                return None
            category = item.get("referenceCategory")
            kind = item.get("referenceType")
            locator = item.get("referenceLocator")
            if (
                (category is not None and type(category) is not str)
                or (kind is not None and type(kind) is not str)
                or (locator is not None and type(locator) is not str)
            ):
                return None
            refs.append((category or "", kind or "", locator or ""))
    purls, has_cpe = spdx_purls(refs)
    spdx_id, name, version, purpose, supplier, source_info = texts
    return SpdxPackage(
        spdx_id,
        name,
        version,
        purls,
        has_cpe,
        purpose,
        supplier,
        source_info,
        lines.take("SPDXID", spdx_id),
    )


def _package(path: str, obj: dict[str, object], where: str, lines: LineIndex) -> SpdxPackage:
    spdx_id = clean(opt_str(path, obj, "SPDXID", where))
    refs: list[tuple[str, str, str]] = []
    for i, item in enumerate(as_array(path, obj.get("externalRefs"), f"{where}.externalRefs")):
        here = f"{where}.externalRefs[{i}]"
        ref = as_object(path, item, here)
        refs.append(
            (
                opt_str(path, ref, "referenceCategory", here) or "",
                opt_str(path, ref, "referenceType", here) or "",
                opt_str(path, ref, "referenceLocator", here) or "",
            )
        )
    purls, has_cpe = spdx_purls(refs)
    return SpdxPackage(
        spdx_id=spdx_id,
        name=clean(opt_str(path, obj, "name", where)),
        version=clean(opt_str(path, obj, "versionInfo", where)),
        purls=purls,
        has_cpe=has_cpe,
        purpose=clean(opt_str(path, obj, "primaryPackagePurpose", where)),
        supplier=clean(opt_str(path, obj, "supplier", where)),
        source_info=clean(opt_str(path, obj, "sourceInfo", where)),
        line=lines.take("SPDXID", spdx_id),
    )


# --------------------------------------------------------------------------------------------
# The typed reading (msgspec): only the members used here; anything else is left to the
# general reading.


class _Reference(msgspec.Struct, gc=False):
    referenceCategory: str | None = None
    referenceType: str | None = None
    referenceLocator: str | None = None


class _Package(msgspec.Struct, gc=False):
    SPDXID: str | None = None
    name: str | None = None
    versionInfo: str | None = None
    primaryPackagePurpose: str | None = None
    supplier: str | None = None
    sourceInfo: str | None = None
    externalRefs: list[_Reference] | None = None


class _Relationship(msgspec.Struct, gc=False):
    spdxElementId: str | None = None
    relationshipType: str | None = None
    relatedSpdxElement: str | None = None


class _Spdx(msgspec.Struct, gc=False):
    spdxVersion: str | None = None
    SPDXID: str | None = None
    name: str | None = None
    documentNamespace: str | None = None
    creationInfo: msgspec.Raw = msgspec.Raw()  # empty when absent
    documentDescribes: msgspec.Raw = msgspec.Raw()
    packages: list[_Package] | None = None
    relationships: list[_Relationship] | None = None


_SPDX_DECODER: Final = msgspec.json.Decoder(_Spdx)


class _RefWords:
    """The per-document memo of ``spdx_reference_kind`` and ``spdx_package_manager``: a
    document has thousands of references and a handful of distinct texts."""

    __slots__ = ("categories", "kinds")

    def __init__(self) -> None:
        self.kinds: dict[str | None, int] = {}
        self.categories: dict[str | None, bool] = {}


def _struct_purls(refs: list[_Reference], words: _RefWords) -> tuple[tuple[str, ...], bool]:
    """``spdx_purls`` for typed references."""
    kinds = words.kinds
    categories = words.categories
    first: list[str] = []
    later: list[str] = []
    has_cpe = False
    for ref in refs:
        text = ref.referenceType
        kind = kinds.get(text)
        if kind is None:
            kind = kinds[text] = spdx_reference_kind(text)
        if kind == SPDX_REF_PURL:
            category = ref.referenceCategory
            manager = categories.get(category)
            if manager is None:
                manager = categories[category] = spdx_package_manager(category)
            (first if manager else later).append((ref.referenceLocator or "").strip())
        elif kind == SPDX_REF_CPE:
            has_cpe = True
    if later:
        return tuple(dict.fromkeys(first + later)), has_cpe
    if len(first) == 1:  # the usual package: one purl
        return (first[0],), has_cpe
    return tuple(dict.fromkeys(first)), has_cpe


def _struct_package(
    item: _Package, spdx_id: str | None, line: int | None, words: _RefWords
) -> SpdxPackage:
    """``_plain_package`` for a typed package, given its stripped ``SPDXID`` and its line."""
    name = item.name
    if name is not None:
        name = name.strip() or None
    version = item.versionInfo
    if version is not None:
        version = version.strip() or None
    purpose = item.primaryPackagePurpose
    if purpose is not None:
        purpose = purpose.strip() or None
    supplier = item.supplier
    if supplier is not None:
        supplier = supplier.strip() or None
    source_info = item.sourceInfo
    if source_info is not None:
        source_info = source_info.strip() or None
    refs = item.externalRefs
    purls, has_cpe = _struct_purls(refs, words) if refs else ((), False)
    return SpdxPackage(
        spdx_id,
        name,
        version,
        purls,
        has_cpe,
        purpose,
        supplier,
        source_info,
        line,
    )


def _typed_document(path: str, raw: bytes) -> Spdx2Document | None:
    """The document read through the typed structs, or None for the general reading."""
    doc = typed_decode(_SPDX_DECODER, raw)
    if doc is None:
        return None
    version = doc.spdxVersion
    if version is None or not version.startswith("SPDX-2."):
        return None
    try:
        top: dict[str, object] = {"documentDescribes": raw_value(doc.documentDescribes)}
        info = as_object(path, raw_value(doc.creationInfo) or {}, "creationInfo")
        creators = tuple(c.strip() for c in str_list(path, info, "creators", "creationInfo"))
        describes = tuple(str_list(path, top, "documentDescribes", "document"))
        created = clean(opt_str(path, info, "created", "creationInfo"))
    except (ParseError, orjson.JSONDecodeError):
        return None
    items = doc.packages or ()
    # The packages' own identifiers: the files' (often most of a document's) are not recorded.
    ids = [None if (spdx_id := item.SPDXID) is None else spdx_id.strip() or None for item in items]
    wanted = [spdx_id for spdx_id in ids if spdx_id is not None]
    lines = LineIndex(raw, ("SPDXID",), wanted, counted=True).take_all("SPDXID", ids)
    words = _RefWords()
    packages = [
        _struct_package(item, spdx_id, line, words)
        for item, spdx_id, line in zip(items, ids, lines, strict=True)
    ]
    relationships: list[SpdxRelationship] = []
    for rel in doc.relationships or ():
        element = rel.spdxElementId
        kind = rel.relationshipType
        related = rel.relatedSpdxElement
        if element is not None and kind is not None and related is not None:
            element = element.strip()
            kind = kind.strip()
            related = related.strip()
            if element and kind and related:
                relationships.append((element, kind, related))
    return Spdx2Document(
        spec_version=version,
        spdx_id=clean(doc.SPDXID) or "SPDXRef-DOCUMENT",
        name=clean(doc.name),
        namespace=clean(doc.documentNamespace),
        created=created,
        creators=creators,
        describes=describes,
        packages=tuple(packages),
        relationships=tuple(relationships),
    )


def read_document(path: str, data: bytes) -> Spdx2Document:
    check_size(path, data)
    typed = _typed_document(path, utf8_bytes(path, data))
    if typed is not None:
        return typed
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    version = opt_str(path, top, "spdxVersion", "document")
    if version is None or not version.startswith("SPDX-"):
        raise ParseError(
            path, f"not an SPDX document: spdxVersion is {version!r}, expected 'SPDX-2.x'"
        )
    if not version.startswith("SPDX-2."):
        raise ParseError(path, f"spdxVersion {version!r} is not SPDX 2.x")
    lines = LineIndex(raw, ("SPDXID",))
    doc_id = clean(opt_str(path, top, "SPDXID", "document")) or "SPDXRef-DOCUMENT"
    packages: list[SpdxPackage] = []
    for i, item in enumerate(as_array(path, top.get("packages"), "packages")):
        package = _plain_package(item, lines) if type(item) is dict else None
        if package is None:
            here = f"packages[{i}]"
            package = _package(path, as_object(path, item, here), here, lines)
        packages.append(package)
    relationships: list[SpdxRelationship] = []
    for i, item in enumerate(as_array(path, top.get("relationships"), "relationships")):
        if type(item) is dict:
            element = item.get("spdxElementId")
            kind = item.get("relationshipType")
            related = item.get("relatedSpdxElement")
            if type(element) is str and type(kind) is str and type(related) is str:
                element = element.strip()
                kind = kind.strip()
                related = related.strip()
                if element and kind and related:
                    relationships.append((element, kind, related))
                continue
        here = f"relationships[{i}]"
        rel = as_object(path, item, here)
        element = clean(opt_str(path, rel, "spdxElementId", here))
        kind = clean(opt_str(path, rel, "relationshipType", here))
        related = clean(opt_str(path, rel, "relatedSpdxElement", here))
        if element and kind and related:
            relationships.append((element, kind, related))
    info = as_object(path, top.get("creationInfo") or {}, "creationInfo")
    return Spdx2Document(
        spec_version=version,
        spdx_id=doc_id,
        name=clean(opt_str(path, top, "name", "document")),
        namespace=clean(opt_str(path, top, "documentNamespace", "document")),
        created=clean(opt_str(path, info, "created", "creationInfo")),
        creators=tuple(c.strip() for c in str_list(path, info, "creators", "creationInfo")),
        describes=tuple(str_list(path, top, "documentDescribes", "document")),
        packages=tuple(packages),
        relationships=tuple(relationships),
    )


class SpdxJsonParser:
    """SPDX 2.x JSON (``*.spdx.json``, or any JSON object with an SPDX-2 ``spdxVersion``)."""

    format = "spdx-json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.spdx_json(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return spdx2_result(path, read_document(path, data))
