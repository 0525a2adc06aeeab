"""SPDX 3.0.1 JSON-LD documents written from the largest real SPDX 2 and CycloneDX JSON
documents, in memory, and the check that they yield the same packages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _samples import Labelled, Sample, package_keys

# --------------------------------------------------------------------------------------------
# SPDX 3.0 JSON-LD documents converted from the largest real SPDX 2 and CycloneDX documents

SPDX3_LABEL = "spdx3-jsonld (from SPDX 2 / CycloneDX)"
SPDX3_SOURCES = 5  # the largest documents taken from each of SPDX 2 JSON and CycloneDX JSON
# SPDX 2 relationship type -> (SPDX 3 relationshipType, whether the direction turns round)
SPDX2_TO_3 = {
    "DEPENDS_ON": ("dependsOn", False),
    "DEPENDENCY_OF": ("dependsOn", True),
    "CONTAINS": ("contains", False),
    "CONTAINED_BY": ("contains", True),
    "DESCRIBES": ("describes", False),
    "DESCRIBED_BY": ("describes", True),
}
CDX_PURPOSES = {"operating-system": "operatingSystem"}  # other CycloneDX types are SPDX's words


class Spdx3Writer:
    """Builds an SPDX 3.0.1 JSON-LD ``@graph`` the way SPDX 3 tools write one: a blank-node
    ``CreationInfo`` every element points to, the creating Tool and Organization, the packages
    (``software_Package``), one ``Relationship`` element per source relationship, and the
    ``SpdxDocument`` with its ``rootElement``."""

    def __init__(self, name: str) -> None:
        self.ns = f"https://spdx.org/spdxdocs/{name}-runink-bench-specv3"
        self.graph: list[dict[str, Any]] = [
            {
                "@id": "_:creationInfo_0",
                "type": "CreationInfo",
                "specVersion": "3.0.1",
                "createdBy": [f"{self.ns}/SPDXRef-Organization"],
                "createdUsing": [f"{self.ns}/SPDXRef-Tool"],
                "created": "2026-01-01T00:00:00Z",
            },
            self.element("Tool", "SPDXRef-Tool", name="runink-bench converter"),
            self.element("Organization", "SPDXRef-Organization", name="Runink"),
        ]
        self.name = name
        self.count = 0

    def element(self, kind: str, local: str, **members: Any) -> dict[str, Any]:
        return {
            "spdxId": f"{self.ns}/{local}",
            "type": kind,
            **members,
            "creationInfo": "_:creationInfo_0",
        }

    def package(
        self,
        local: str,
        name: str,
        version: str | None,
        purls: list[str],
        cpes: list[str],
        purpose: str | None,
        purl_member: bool,
    ) -> str:
        """A package; its first purl as ``software_packageUrl`` (``purl_member``) or as an
        ``externalIdentifier`` of type ``packageUrl``, further purls and CPEs as identifiers."""
        members: dict[str, Any] = {"name": name}
        if version:
            members["software_packageVersion"] = version
        members["software_downloadLocation"] = "NOASSERTION"
        if purpose:
            members["software_primaryPurpose"] = purpose
        idents = [("packageUrl", p) for p in (purls[1:] if purl_member else purls)]
        idents += [("cpe23" if c.startswith("cpe:2.3:") else "cpe22", c) for c in cpes]
        if idents:
            members["externalIdentifier"] = [
                {"type": "ExternalIdentifier", "externalIdentifierType": k, "identifier": v}
                for k, v in idents
            ]
        if purl_member and purls:
            members["software_packageUrl"] = purls[0]
        self.graph.append(self.element("software_Package", local, **members))
        return f"{self.ns}/{local}"

    def relationship(self, kind: str, source: str, targets: list[str]) -> None:
        self.count += 1
        rel = self.element(
            "Relationship", f"SPDXRef-Relationship-{self.count}", relationshipType=kind, to=targets
        )
        rel["from"] = source
        self.graph.append(rel)

    def document(self, roots: list[str]) -> bytes:
        doc = self.element(
            "SpdxDocument",
            "document0",
            name=self.name,
            rootElement=roots,
            profileConformance=["core", "software"],
        )
        graph = [*self.graph, doc]
        text = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}
        return json.dumps(text, indent=2, ensure_ascii=False).encode()


def spdx3_from_spdx2(doc: dict[str, Any], name: str) -> bytes:
    """An SPDX 2 JSON document's packages and package relationships, as SPDX 3.0.1 writes
    them after conversion (as the SPDX tools' 2-to-3 converter does: purl as
    ``software_packageUrl``, one relationship per SPDX 2 relationship). Files, and relationships
    to them, are left out: the packages are what is compared and timed."""
    out = Spdx3Writer(name)
    ids: dict[str, str] = {doc.get("SPDXID", "SPDXRef-DOCUMENT"): f"{out.ns}/document0"}
    for package in doc.get("packages", []):
        refs = package.get("externalRefs", [])
        purls = [r["referenceLocator"] for r in refs if r.get("referenceType") == "purl"]
        cpes = [r["referenceLocator"] for r in refs if r.get("referenceType", "").startswith("cpe")]
        purpose = package.get("primaryPackagePurpose", "").lower().replace("_", "") or None
        spdx_id = package["SPDXID"]
        ids.setdefault(
            spdx_id,
            out.package(
                spdx_id,
                package["name"],
                package.get("versionInfo"),
                purls,
                cpes,
                purpose,
                purl_member=True,
            ),
        )
    roots = [ids[r] for r in doc.get("documentDescribes", []) if r in ids]
    for rel in doc.get("relationships", []):
        rule = SPDX2_TO_3.get(rel.get("relationshipType", ""))
        source, target = ids.get(rel.get("spdxElementId")), ids.get(rel.get("relatedSpdxElement"))
        if rule is None or source is None or target is None:
            continue
        kind, reverse = rule
        if reverse:
            source, target = target, source
        out.relationship(kind, source, [target])
        if kind == "describes" and target not in roots:
            roots.append(target)
    return out.document(roots)


def spdx3_from_cyclonedx(doc: dict[str, Any], name: str) -> bytes:
    """A CycloneDX JSON document's metadata component and components (nested ones with a
    ``contains`` from their parent) and its ``dependencies`` as ``dependsOn`` relationships (one
    per ``ref``, as a native SPDX 3 writer groups them); purls as ``externalIdentifier`` of type
    ``packageUrl``, the other form SPDX 3.0.1 gives them."""
    out = Spdx3Writer(name)
    ids: dict[str, str] = {}

    def add(component: dict[str, Any], parent: str | None) -> str:
        local = f"SPDXRef-Package-{len(ids) + 1}"
        cname, group = component.get("name", ""), component.get("group")
        kind = component.get("type")
        ref = out.package(
            local,
            f"{group}/{cname}" if group and cname else cname,
            component.get("version"),
            [component["purl"]] if component.get("purl") else [],
            [component["cpe"]] if component.get("cpe") else [],
            CDX_PURPOSES.get(kind, kind) if kind else None,
            purl_member=False,
        )
        ids.setdefault(component.get("bom-ref") or local, ref)
        if parent is not None:
            out.relationship("contains", parent, [ref])
        for child in component.get("components", []):
            add(child, ref)
        return ref

    root = doc.get("metadata", {}).get("component")
    roots = [add(root, None)] if root else []
    for component in doc.get("components", []):
        add(component, None)
    for dep in doc.get("dependencies", []):
        targets = [ids[t] for t in dep.get("dependsOn", []) if t in ids]
        if dep.get("ref") in ids and targets:
            out.relationship("dependsOn", ids[dep["ref"]], targets)
    return out.document(roots)


def spdx3_samples(documents: list[Sample]) -> list[Sample]:
    """SPDX 3.0.1 JSON-LD forms of the SPDX 2 JSON and CycloneDX JSON documents with the most
    packages (documents listing the same components, as ``bom.1.2``/``1.3``/``1.4`` of one
    project do, count once). SPDX 2
    documents with a ``sourceInfo`` of ``built package from: ...`` (Trivy's) are passed over:
    the SPDX 2 parser names such a Debian package after its source package, and the SPDX 3
    parser does not read ``software_sourceInfo``, so the two would not list the same
    packages."""
    from runink.inventory.spdx3_jsonld import Spdx3JsonLdParser

    convert = {"spdx-json": spdx3_from_spdx2, "cyclonedx-json": spdx3_from_cyclonedx}
    ranked = []
    for parser, path, data in documents:
        if parser.format in convert and b"built package from" not in data.lower():
            keys = frozenset(package_keys(parser, path, data))
            ranked.append((-len(keys), path, keys, parser, data))
    ranked.sort(key=lambda r: r[:2])
    samples: list[Sample] = []
    for fmt, writer in convert.items():
        taken: set[frozenset[tuple[str, str, str, str]]] = set()
        for _, path, keys, parser, data in ranked:
            if parser.format != fmt or keys in taken or len(taken) >= SPDX3_SOURCES:
                continue
            taken.add(keys)
            name = path.rsplit("/", 1)[-1].split(".")[0]
            spdx3 = writer(json.loads(data), name)
            samples.append(
                (Labelled(Spdx3JsonLdParser(), SPDX3_LABEL), f"{path} (as SPDX 3)", spdx3)
            )
    return samples


def check_spdx3(documents: list[Sample], converted: list[Sample]) -> None:
    """Each converted document yields the same components as its source (printed; stops the
    run when one does not: the figure would then time something else)."""
    sources = {path: (parser, data) for parser, path, data in documents}
    total = 0
    for parser, path, data in converted:
        source = path.removesuffix(" (as SPDX 3)")
        expected = package_keys(*sources[source][:1], source, sources[source][1])
        found = package_keys(parser, path, data)
        total += len(found)
        assert found == expected, (
            f"{path}: {len(expected - found)} packages lost, {len(found - expected)} differ: "
            f"{sorted(expected ^ found)[:5]}"
        )
    print(
        f"  {SPDX3_LABEL}: {len(converted)} documents, {total:,} components, the same "
        "(ecosystem, name, version, purl) as their SPDX 2 / CycloneDX sources: yes"
    )
