"""Trivy JSON and Grype JSON reports written from Trivy's SPDX of real container images, in
memory."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _samples import Labelled, Sample

# --------------------------------------------------------------------------------------------
# Trivy JSON and Grype JSON reports, from Trivy's SPDX of real container images

SCANNER_SOURCES = "spdx-trivy-*.json"  # bom-shelter's spdx-popular-containers: Trivy's SPDX
TRIVY_LABEL = "trivy-json (from Trivy's SPDX of real images)"
GRYPE_LABEL = "grype-json (from Trivy's SPDX of real images)"
# purl type -> (Grype artifact type, language, matcher)
GRYPE_TYPES = {
    "deb": ("deb", "", "dpkg-matcher"),
    "apk": ("apk", "", "apk-matcher"),
    "rpm": ("rpm", "", "rpm-matcher"),
    "npm": ("npm", "javascript", "javascript-matcher"),
    "pypi": ("python", "python", "python-matcher"),
    "golang": ("go-module", "go", "go-module-binary-matcher"),
    "maven": ("java-archive", "java", "java-matcher"),
    "gem": ("gem", "ruby", "ruby-gem-matcher"),
}


class TrivySpdx:
    """The packages of one Trivy SPDX 2 document, grouped as Trivy found them: the image,
    its operating system (``OperatingSystem``: name and version) and each application
    (``Application``: ``name`` the Trivy type, ``sourceInfo`` the target), each ``CONTAINS``
    its packages."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.by_id = {p["SPDXID"]: p for p in doc.get("packages", [])}
        self.files = {f["SPDXID"]: f.get("fileName", "") for f in doc.get("files", [])}
        self.children: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rel in doc.get("relationships", []):
            child = self.by_id.get(rel.get("relatedSpdxElement", ""))
            if rel.get("relationshipType") == "CONTAINS" and child is not None:
                self.children[rel["spdxElementId"]].append(child)
        kinds = defaultdict(list)
        for spdx_id, package in self.by_id.items():
            kinds[spdx_id.split("-")[1]].append(package)
        self.image = (kinds["ContainerImage"] or [{}])[0]
        self.os = (kinds["OperatingSystem"] or [None])[0]
        self.apps = kinds["Application"]

    def attributes(self, package: dict[str, Any]) -> dict[str, list[str]]:
        """``attributionTexts`` (``Key: value``) as key -> values."""
        out: dict[str, list[str]] = defaultdict(list)
        for text in package.get("attributionTexts", []):
            key, _, value = text.partition(": ")
            out[key].append(value)
        return out

    def groups(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(the OS or application, the packages with a purl it contains), OS first."""
        owners = ([self.os] if self.os else []) + self.apps
        return [(o, [p for p in self.children[o["SPDXID"]] if purl_of(p)]) for o in owners]


def purl_of(package: dict[str, Any]) -> str | None:
    refs = package.get("externalRefs", [])
    return next((r["referenceLocator"] for r in refs if r.get("referenceType") == "purl"), None)


def split_distro_version(text: str) -> tuple[int, str, str]:
    """``1:2.38.1-5+b1`` -> (1, ``2.38.1``, ``5+b1``): Trivy's Epoch, Version and Release of a
    distribution package."""
    epoch, _, rest = text.rpartition(":") if ":" in text else ("0", "", text)
    version, _, release = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch) if epoch.isdigit() else 0, version, release


def _built_from(package: dict[str, Any]) -> tuple[str, str] | None:
    """(source package, source version) from Trivy's ``built package from: NAME VERSION``."""
    info = package.get("sourceInfo", "")
    if not info.startswith("built package from: "):
        return None
    name, _, version = info.removeprefix("built package from: ").partition(" ")
    return name, version


def _trivy_package(spdx: TrivySpdx, package: dict[str, Any], is_os: bool) -> dict[str, Any]:
    """One ``Results[].Packages[]`` entry as Trivy writes it."""
    version = package.get("versionInfo", "")
    attrs = spdx.attributes(package)
    out: dict[str, Any] = {
        "ID": f"{package['name']}@{version}",
        "Name": package["name"],
        "Identifier": {"PURL": purl_of(package), "UID": package["SPDXID"].rsplit("-", 1)[-1]},
        "Version": version,
    }
    if is_os:
        epoch, out["Version"], release = split_distro_version(version)
        if release:
            out["Release"] = release
        if epoch:
            out["Epoch"] = epoch
        source = _built_from(package)
        if source:
            src_epoch, src_version, src_release = split_distro_version(source[1])
            out |= {"SrcName": source[0], "SrcVersion": src_version}
            if src_release:
                out["SrcRelease"] = src_release
            if src_epoch:
                out["SrcEpoch"] = src_epoch
    if package.get("licenseDeclared") not in (None, "NONE", "NOASSERTION"):
        out["Licenses"] = [package["licenseDeclared"]]
    files = [spdx.files[f] for f in package.get("hasFiles", []) if f in spdx.files]
    if files:
        out["FilePath"] = files[0]
    out["Layer"] = {
        "Digest": attrs["LayerDigest"][0] if attrs["LayerDigest"] else "",
        "DiffID": attrs["LayerDiffID"][0] if attrs["LayerDiffID"] else "",
    }
    return out


def trivy_json(spdx: TrivySpdx) -> bytes:
    """A Trivy JSON report (schema 2, ``--list-all-pkgs``) of the document's packages: one
    ``os-pkgs`` result for the operating system, one ``lang-pkgs`` result per application."""
    image = spdx.image
    attrs = spdx.attributes(image)
    metadata: dict[str, Any] = {}
    if spdx.os:
        metadata["OS"] = {"Family": spdx.os["name"], "Name": spdx.os.get("versionInfo", "")}
    metadata |= {
        "ImageID": (attrs["ImageID"] or [""])[0],
        "DiffIDs": attrs["DiffID"],
        "RepoDigests": attrs["RepoDigest"],
    }
    results = []
    for owner, packages in spdx.groups():
        is_os = owner is spdx.os
        target = (
            f"{image.get('name', '')} ({owner['name']} {owner.get('versionInfo', '')})"
            if is_os
            else owner.get("sourceInfo", owner["name"])
        )
        results.append(
            {
                "Target": target,
                "Class": "os-pkgs" if is_os else "lang-pkgs",
                "Type": owner["name"],
                "Packages": [_trivy_package(spdx, p, is_os) for p in packages],
            }
        )
    report = {
        "SchemaVersion": 2,
        "CreatedAt": spdx.doc.get("creationInfo", {}).get("created", ""),
        "ArtifactName": image.get("name", ""),
        "ArtifactType": "container_image",
        "Metadata": metadata,
        "Results": results,
    }
    return json.dumps(report, indent=2).encode()


def _grype_match(spdx: TrivySpdx, package: dict[str, Any], index: int) -> dict[str, Any]:
    """One ``matches[]`` entry for the package. The vulnerability is a placeholder (the
    source has none): the report's shape and artifacts are Grype's, its findings are not."""
    purl = purl_of(package) or ""
    kind, language, matcher = GRYPE_TYPES.get(
        purl[4:].split("/", 1)[0], ("unknown", "", "stock-matcher")
    )
    distro = spdx.os["name"] if spdx.os else ""
    namespace = f"{distro}:distro:{distro}" if language == "" else f"github:language:{language}"
    attrs = spdx.attributes(package)
    files = [spdx.files[f] for f in package.get("hasFiles", []) if f in spdx.files]
    source = _built_from(package)
    upstreams = [{"name": source[0], "version": source[1]}] if source else []
    searched = {"package": {"name": package["name"], "version": package.get("versionInfo", "")}}
    return {
        "vulnerability": {
            "id": f"RUNINK-BENCH-{index:05d}",
            "namespace": namespace,
            "severity": "Unknown",
            "fix": {"versions": [], "state": "unknown"},
        },
        "relatedVulnerabilities": [],
        "matchDetails": [
            {"type": "exact-direct-match", "matcher": matcher, "searchedBy": searched}
        ],
        "artifact": {
            "id": package["SPDXID"].rsplit("-", 1)[-1],
            "name": package["name"],
            "version": package.get("versionInfo", ""),
            "type": kind,
            "locations": [
                {
                    "path": "/" + (files[0] if files else ""),
                    "layerID": (attrs["LayerDiffID"] or [""])[0],
                }
            ],
            "language": language,
            "licenses": [package["licenseDeclared"]]
            if package.get("licenseDeclared") not in (None, "NONE", "NOASSERTION")
            else [],
            "cpes": [],
            "purl": purl,
            "upstreams": upstreams,
        },
    }


def grype_json(spdx: TrivySpdx) -> bytes:
    """A Grype JSON report with one match per package of the document (Grype lists only
    matched packages; here every package has one, so the report holds the whole image)."""
    image = spdx.image
    attrs = spdx.attributes(image)
    packages = [p for _, group in spdx.groups() for p in group]
    distro = (
        {"name": spdx.os["name"], "version": spdx.os.get("versionInfo", ""), "idLike": []}
        if spdx.os
        else {}
    )
    report = {
        "matches": [_grype_match(spdx, p, i) for i, p in enumerate(packages, 1)],
        "source": {
            "type": "image",
            "target": {
                "userInput": image.get("name", ""),
                "imageID": (attrs["ImageID"] or [""])[0],
                "manifestDigest": (attrs["RepoDigest"] or ["@"])[0].rpartition("@")[2],
                "tags": [],
            },
        },
        "distro": distro,
        "descriptor": {
            "name": "grype",
            "version": "0.74.0",
            "timestamp": spdx.doc.get("creationInfo", {}).get("created", ""),
        },
    }
    return json.dumps(report, indent=1).encode()


def scanner_samples(documents: list[Sample]) -> list[Sample]:
    """Trivy JSON and Grype JSON reports of the packages in each of Trivy's SPDX documents of
    real images, checked to yield the same (ecosystem, name, version) as the SPDX (printed)."""
    from runink.inventory.grype_json import GrypeJsonParser
    from runink.inventory.trivy_json import TrivyJsonParser

    samples: list[Sample] = []
    totals = {TRIVY_LABEL: 0, GRYPE_LABEL: 0}
    sources = [
        s for s in documents if s[0].format == "spdx-json" and Path(s[1]).match(SCANNER_SOURCES)
    ]
    for parser, path, data in sorted(sources, key=lambda s: -len(s[2])):
        expected = {c.key for c in parser.parse(path, data).components}
        spdx = TrivySpdx(json.loads(data))
        name = Path(path).name.split("-sha256")[0]
        for label, cls, writer in (
            (TRIVY_LABEL, TrivyJsonParser, trivy_json),
            (GRYPE_LABEL, GrypeJsonParser, grype_json),
        ):
            report = Labelled(cls(), label)
            converted = writer(spdx)
            found = {c.key for c in report.parse(name, converted).components}
            assert found == expected, (label, path, sorted(found ^ expected)[:5])
            totals[label] += len(found)
            samples.append((report, f"{name} (as {label.split()[0]})", converted))
    for label, total in totals.items():
        print(
            f"  {label}: {len(sources)} documents, {total:,} components, the same (ecosystem, "
            "name, version) as their SPDX: yes"
        )
    return samples
