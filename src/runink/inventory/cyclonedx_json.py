"""CycloneDX BOMs in JSON (specification 1.2 to 1.6; older JSON-less versions have no JSON form).

A document is an object with ``"bomFormat": "CycloneDX"``. Its packages are ``components``,
nested ``components`` inside components included, each identified by its ``purl`` (see
``runink.inventory._sbom_common`` for how a purl becomes a component, and what is skipped).
The ``dependencies`` graph (``ref`` -> ``dependsOn``) gives ``direct`` and ``path`` from the
metadata component, which is the BOM's subject. ``scope`` maps ``required`` -> ``runtime``
(also when absent, the specification's default), ``optional`` and ``excluded`` as is.

Metadata: ``metadata.component`` (``artifact_name``/``_group``/``_version``/``_kind``/``_purl``),
``metadata.authors``, ``supplier`` and ``manufacture``/``manufacturer`` (names and e-mails,
with every e-mail also in ``contact_emails``), ``metadata.properties`` as ``property:NAME``,
``metadata.tools``, the spec version, serial number and timestamp, and ``document_kind``:
``vex`` for a VEX-only document (no components: it yields nothing to match), ``cbom`` when it
lists cryptographic assets, ``hbom`` for hardware-only BOMs and ``saasbom`` for services only.
Components that are not packages (crypto assets, devices, files without a purl) and services are
``Skipped`` with the reason.

Lines are those of each component's ``purl`` (else its ``bom-ref``) member; a minified document
puts everything on line 1.

A document is first read with msgspec into typed structs that hold only the members used here
(the rest of the document is validated but not built into Python objects: a fifth of orjson's
time). Whatever that reading refuses (a member of another type, a document msgspec and orjson
might judge differently, see ``fast_json_ok``), or where the reading would raise an error, is
read again from orjson's values by the general code, which gives the result or the error. Both
readings give the same document for every input the typed one accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import msgspec
import orjson

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    CdxComponent,
    CdxDocument,
    LineIndex,
    Party,
    as_array,
    as_object,
    check_size,
    clean,
    cyclonedx_result,
    load_json,
    opt_str,
    plain_texts,
    raw_value,
    typed_decode,
    utf8_bytes,
)
from runink.inventory.base import ParseResult

__all__ = ["CycloneDxJsonParser"]


def _party(path: str, value: object, where: str) -> Party | None:
    """An organizationalEntity (name, contact[]) or organizationalContact (name, email)."""
    if value is None:
        return None
    obj = as_object(path, value, where)
    emails: list[str] = []
    email = clean(opt_str(path, obj, "email", where))
    if email:
        emails.append(email)
    contacts = as_array(path, obj.get("contact"), f"{where}.contact")
    for i, contact in enumerate(contacts):
        cobj = as_object(path, contact, f"{where}.contact[{i}]")
        cemail = clean(opt_str(path, cobj, "email", f"{where}.contact[{i}]"))
        if cemail and cemail not in emails:
            emails.append(cemail)
    name = clean(opt_str(path, obj, "name", where))
    if name is None and not emails:
        return None
    return Party(name=name, emails=tuple(emails))


def _properties(path: str, value: object, where: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for i, item in enumerate(as_array(path, value, where)):
        obj = as_object(path, item, f"{where}[{i}]")
        name = opt_str(path, obj, "name", f"{where}[{i}]")
        if name:
            out.append((name, opt_str(path, obj, "value", f"{where}[{i}]") or ""))
    return tuple(out)


_MEMBERS: Final = ("purl", "bom-ref", "type", "name", "group", "version", "scope", "cpe")


def _plain_component(obj: dict[str, object], lines: LineIndex) -> CdxComponent | None:
    """``_component`` for a component whose members all have the expected types (strings;
    properties objects with string members), else None: ``_component`` then reads it, and
    names the member that is wrong."""
    texts = plain_texts(obj, _MEMBERS)
    if texts is None:
        return None
    get = obj.get
    properties: tuple[tuple[str, str], ...] = ()
    listed = get("properties")
    if listed is not None:
        if type(listed) is not list:
            return None
        pairs: list[tuple[str, str]] = []
        for item in listed:
            if type(item) is not dict:
                return None
            key = item.get("name")
            value = item.get("value")
            if (key is not None and type(key) is not str) or (
                value is not None and type(value) is not str
            ):
                return None
            if key:
                pairs.append((key, value or ""))
        properties = tuple(pairs)
    purl, bom_ref, kind, name, group, version, scope, cpe = texts
    line = lines.take("purl", purl) if purl else None
    if line is None:
        line = lines.take("bom-ref", bom_ref)
    return CdxComponent(
        bom_ref, kind, name, group, version, purl, scope, cpe is not None, properties, line
    )


def _component(path: str, obj: dict[str, object], where: str, lines: LineIndex) -> CdxComponent:
    purl = clean(opt_str(path, obj, "purl", where))
    bom_ref = clean(opt_str(path, obj, "bom-ref", where))
    line = lines.take("purl", purl) if purl else None
    if line is None:
        line = lines.take("bom-ref", bom_ref)
    return CdxComponent(
        bom_ref=bom_ref,
        type=clean(opt_str(path, obj, "type", where)),
        name=clean(opt_str(path, obj, "name", where)),
        group=clean(opt_str(path, obj, "group", where)),
        version=clean(opt_str(path, obj, "version", where)),
        purl=purl,
        scope=clean(opt_str(path, obj, "scope", where)),
        has_cpe=bool(clean(opt_str(path, obj, "cpe", where))),
        properties=_properties(path, obj.get("properties"), f"{where}.properties"),
        line=line,
    )


def _components(path: str, value: object, where: str, lines: LineIndex) -> list[CdxComponent]:
    """All components, nested ones included, in document order (depth first, no recursion)."""
    out: list[CdxComponent] = []
    stack: list[tuple[list[object], int, str]] = [(as_array(path, value, where), 0, where)]
    while stack:
        items, index, prefix = stack.pop()
        if index >= len(items):
            continue
        stack.append((items, index + 1, prefix))
        item = items[index]
        component = None
        if isinstance(item, dict):
            component = _plain_component(item, lines)
            if component is not None and item.get("components") is None:
                out.append(component)  # the usual case: a leaf with well-typed members
                continue
        here = f"{prefix}[{index}]"
        obj = as_object(path, item, here)
        out.append(component or _component(path, obj, here, lines))
        children = obj.get("components")
        if children is not None:
            stack.append((as_array(path, children, f"{here}.components"), 0, f"{here}.components"))
    return out


def _services(path: str, value: object, lines: LineIndex) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    stack: list[tuple[list[object], int, str]] = [
        (as_array(path, value, "services"), 0, "services")
    ]
    while stack:
        items, index, prefix = stack.pop()
        if index >= len(items):
            continue
        stack.append((items, index + 1, prefix))
        here = f"{prefix}[{index}]"
        obj = as_object(path, items[index], here)
        bom_ref = clean(opt_str(path, obj, "bom-ref", here))
        name = clean(opt_str(path, obj, "name", here)) or bom_ref or "(unnamed service)"
        out.append((name, lines.take("bom-ref", bom_ref)))
        children = obj.get("services")
        if children is not None:
            stack.append((as_array(path, children, f"{here}.services"), 0, f"{here}.services"))
    return out


def _dependencies(path: str, value: object) -> dict[str, list[str]]:
    edges: dict[str, list[str]] = {}
    for i, item in enumerate(as_array(path, value, "dependencies")):
        where = f"dependencies[{i}]"
        obj = as_object(path, item, where)
        ref = clean(opt_str(path, obj, "ref", where))
        if ref is None:
            raise ParseError(path, f"{where}: a dependency needs a 'ref'")
        targets = edges.setdefault(ref, [])
        for j, target in enumerate(as_array(path, obj.get("dependsOn"), f"{where}.dependsOn")):
            if not isinstance(target, str):
                raise ParseError(path, f"{where}.dependsOn[{j}]: expected a string")
            target = target.strip()
            if target and target not in targets:
                targets.append(target)
    return edges


def _tools(path: str, value: object) -> tuple[str, ...]:
    """``metadata.tools``: an array of tools (1.2-1.4) or {components, services} (1.5+)."""
    if value is None:
        return ()
    if isinstance(value, dict):
        items = [
            *as_array(path, value.get("components"), "metadata.tools.components"),
            *as_array(path, value.get("services"), "metadata.tools.services"),
        ]
    else:
        items = as_array(path, value, "metadata.tools")
    out: list[str] = []
    for i, item in enumerate(items):
        obj = as_object(path, item, f"metadata.tools[{i}]")
        name = clean(opt_str(path, obj, "name", f"metadata.tools[{i}]"))
        version = clean(opt_str(path, obj, "version", f"metadata.tools[{i}]"))
        if name:
            out.append(f"{name} {version}" if version else name)
    return tuple(out)


# --------------------------------------------------------------------------------------------
# The typed reading (msgspec): only the members used above; anything else is left to the
# general reading.


class _Unusual(Exception):
    """The typed reading meets something the general reading must judge (an error to report)."""


class _Property(msgspec.Struct, gc=False):
    name: str | None = None
    value: str | None = None


class _Component(msgspec.Struct, gc=False):
    purl: str | None = None
    bom_ref: str | None = msgspec.field(default=None, name="bom-ref")
    type: str | None = None
    name: str | None = None
    group: str | None = None
    version: str | None = None
    scope: str | None = None
    cpe: str | None = None
    properties: list[_Property] | None = None
    components: list[_Component] | None = None


class _Dependency(msgspec.Struct, gc=False):
    ref: str | None = None
    dependsOn: list[str] | None = None


class _Bom(msgspec.Struct, gc=False):
    bomFormat: str | None = None
    specVersion: str | None = None
    serialNumber: str | None = None
    metadata: msgspec.Raw = msgspec.Raw()  # empty when absent
    components: list[_Component] | None = None
    dependencies: list[_Dependency] | None = None
    services: msgspec.Raw = msgspec.Raw()
    vulnerabilities: list[msgspec.Raw] | None = None


_BOM_DECODER: Final = msgspec.json.Decoder(_Bom)


def _struct_component(item: _Component, lines: LineIndex) -> CdxComponent:
    """``_plain_component`` for a typed component."""
    purl = item.purl
    if purl is not None:
        purl = purl.strip() or None
    bom_ref = item.bom_ref
    if bom_ref is not None:
        bom_ref = bom_ref.strip() or None
    kind = item.type
    if kind is not None:
        kind = kind.strip() or None
    name = item.name
    if name is not None:
        name = name.strip() or None
    group = item.group
    if group is not None:
        group = group.strip() or None
    version = item.version
    if version is not None:
        version = version.strip() or None
    scope = item.scope
    if scope is not None:
        scope = scope.strip() or None
    cpe = item.cpe
    properties: tuple[tuple[str, str], ...] = ()
    listed = item.properties
    if listed:
        properties = tuple((p.name, p.value or "") for p in listed if p.name)
    line = lines.take("purl", purl) if purl else None
    if line is None:
        line = lines.take("bom-ref", bom_ref)
    return CdxComponent(
        bom_ref,
        kind,
        name,
        group,
        version,
        purl,
        scope,
        cpe is not None and bool(cpe.strip()),
        properties,
        line,
    )


def _struct_components(value: list[_Component] | None, lines: LineIndex) -> list[CdxComponent]:
    """``_components`` for typed components: document order, depth first, no recursion."""
    out: list[CdxComponent] = []
    if not value:
        return out
    stack: list[tuple[list[_Component], int]] = [(value, 0)]
    append = out.append
    while stack:
        items, index = stack.pop()
        if index >= len(items):
            continue
        stack.append((items, index + 1))
        item = items[index]
        append(_struct_component(item, lines))
        children = item.components
        if children:
            stack.append((children, 0))
    return out


def _struct_dependencies(value: list[_Dependency] | None) -> dict[str, list[str]]:
    """``_dependencies`` for typed dependencies; a dependency without a ``ref`` is _Unusual."""
    edges: dict[str, list[str]] = {}
    for item in value or ():
        ref = item.ref
        if ref is None:
            raise _Unusual
        ref = ref.strip()
        if not ref:
            raise _Unusual
        targets = edges.setdefault(ref, [])
        for target in item.dependsOn or ():
            target = target.strip()
            if target and target not in targets:
                targets.append(target)
    return edges


def _typed_document(path: str, raw: bytes) -> CdxDocument | None:
    """The document read through the typed structs, or None for the general reading."""
    bom = typed_decode(_BOM_DECODER, raw)
    if bom is None:
        return None
    if bom.bomFormat != "CycloneDX":
        return None
    try:
        top: dict[str, object] = {
            "specVersion": bom.specVersion,
            "serialNumber": bom.serialNumber,
            "metadata": raw_value(bom.metadata),
            "services": raw_value(bom.services),
            "vulnerabilities": bom.vulnerabilities,
        }
        return _document(
            path,
            top,
            raw,
            lambda lines: _struct_components(bom.components, lines),
            lambda: _struct_dependencies(bom.dependencies),
        )
    except (ParseError, _Unusual, orjson.JSONDecodeError):
        return None


def _document(
    path: str,
    top: dict[str, object],
    raw: bytes,
    read_components: Callable[[LineIndex], list[CdxComponent]],
    read_dependencies: Callable[[], dict[str, list[str]]],
) -> CdxDocument:
    """The document from its top-level members; components and dependencies come from the
    reading's own functions."""
    lines = LineIndex(raw, ("purl", "bom-ref"))
    spec_version = opt_str(path, top, "specVersion", "document")
    metadata = as_object(path, top.get("metadata") or {}, "metadata")
    root_value = metadata.get("component")
    root = None
    components: list[CdxComponent] = []
    if root_value is not None:
        root_obj = as_object(path, root_value, "metadata.component")
        root = _component(path, root_obj, "metadata.component", lines)
        # The subject's own parts, when it lists them, are components like the others.
        if root_obj.get("components") is not None:
            components.extend(
                _components(path, root_obj["components"], "metadata.component.components", lines)
            )
    components.extend(read_components(lines))
    authors = [
        _party(path, a, f"metadata.authors[{i}]")
        for i, a in enumerate(as_array(path, metadata.get("authors"), "metadata.authors"))
    ]
    manufacturer = _party(path, metadata.get("manufacturer"), "metadata.manufacturer")
    if manufacturer is None:
        manufacturer = _party(path, metadata.get("manufacture"), "metadata.manufacture")
    serial = opt_str(path, top, "serialNumber", "document")
    vulnerabilities = as_array(path, top.get("vulnerabilities"), "vulnerabilities")
    return CdxDocument(
        spec_version=clean(spec_version),
        serial_number=clean(serial),
        timestamp=clean(opt_str(path, metadata, "timestamp", "metadata")),
        root=root,
        components=tuple(components),
        dependencies=read_dependencies(),
        authors=tuple(a for a in authors if a is not None),
        supplier=_party(path, metadata.get("supplier"), "metadata.supplier"),
        manufacturer=manufacturer,
        properties=_properties(path, metadata.get("properties"), "metadata.properties"),
        tools=_tools(path, metadata.get("tools")),
        services=tuple(_services(path, top.get("services"), lines)),
        vulnerability_count=len(vulnerabilities),
    )


def read_document(path: str, data: bytes) -> CdxDocument:
    """Parse the JSON into the format-neutral CycloneDX model."""
    check_size(path, data)
    typed = _typed_document(path, utf8_bytes(path, data))
    if typed is not None:
        return typed
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    bom_format = top.get("bomFormat")
    if bom_format != "CycloneDX":
        raise ParseError(
            path, f"not a CycloneDX document: bomFormat is {bom_format!r}, expected 'CycloneDX'"
        )
    return _document(
        path,
        top,
        raw,
        lambda lines: _components(path, top.get("components"), "components", lines),
        lambda: _dependencies(path, top.get("dependencies")),
    )


class CycloneDxJsonParser:
    """CycloneDX JSON BOMs (``bom.json``, ``*.cdx.json``, or any JSON with ``bomFormat``)."""

    format = "cyclonedx-json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.cyclonedx_json(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return cyclonedx_result(path, read_document(path, data))
