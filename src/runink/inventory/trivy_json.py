"""Trivy JSON reports (``trivy ... --format json``, schema version 2, and the older top-level
array of results).

Each result (``Results[]``) is one target: an operating system's packages (``Class``
``os-pkgs``, ``Type`` the distribution: ``debian``, ``ubuntu``, ``alpine``, ``redhat``, ...) or
one language's packages (``lang-pkgs``, ``Type`` the package manager: ``pip``, ``npm``,
``gomod``, ``jar``, ...). Its packages are ``Packages[]`` when Trivy listed them
(``--list-all-pkgs``, the default for SBOM-capable versions); otherwise only the packages
that have vulnerabilities are known, from ``Vulnerabilities[]`` (``PkgName``,
``InstalledVersion``, ``PkgIdentifier.PURL``), and those are what this parser yields.

A package is identified by ``Identifier.PURL`` when Trivy wrote one; otherwise its purl is
built from the result ``Type`` and the package ``Name``/``Version`` (for operating-system
packages: ``Epoch:Version-Release``, in the distribution and release of ``Metadata.OS``).
A result type without an OSV ecosystem (``amazon``, ``conda-pkg``, ``cocoapods``, ...) makes
its packages ``Skipped``. Distribution packages are named after their source package
(``SrcName`` at ``SrcEpoch:SrcVersion-SrcRelease``), as OSV files Debian, Ubuntu and Alpine
advisories (see ``runink.inventory._sbom_common``).

``Relationship`` (``direct``/``indirect``; ``root`` is the scanned project itself) or the
older ``Indirect`` flag gives ``direct``; ``Dev`` gives the ``dev`` scope; ``DependsOn`` is the
graph from the result's root for ``path``. Metadata: ``artifact_name`` (``ArtifactName``),
``artifact_kind`` (``ArtifactType``), ``os``, ``created``, ``image_id``, ``repo_tags``,
``repo_digests``, ``tools`` and ``schema_version``. Lines are those of each package's ``PURL``
(else ``ID``, else ``Name``/``PkgName``) member.
"""

from __future__ import annotations

from typing import Final

from packageurl import PackageURL

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    Entry,
    Graph,
    LineIndex,
    as_array,
    as_object,
    assemble,
    clean,
    language_purl,
    load_json,
    opt_str,
    put,
    str_list,
)
from runink.inventory.base import ParseResult

__all__ = ["TrivyJsonParser"]


# Trivy language types -> purl type.
_LANG_PURL_TYPES: Final[dict[str, str]] = {
    "pip": "pypi",
    "pipenv": "pypi",
    "poetry": "pypi",
    "uv": "pypi",
    "pylock": "pypi",
    "python-pkg": "pypi",
    "wheel": "pypi",
    "npm": "npm",
    "yarn": "npm",
    "pnpm": "npm",
    "bun": "npm",
    "node-pkg": "npm",
    "javascript": "npm",
    "gomod": "golang",
    "gobinary": "golang",
    "cargo": "cargo",
    "rustbinary": "cargo",
    "rust-binary": "cargo",
    "jar": "maven",
    "pom": "maven",
    "gradle": "maven",
    "sbt": "maven",
    "bundler": "gem",
    "gemspec": "gem",
    "nuget": "nuget",
    "dotnet-core": "nuget",
    "packages-props": "nuget",
    "composer": "composer",
    "composer-vendor": "composer",
    "pub": "pub",
    "hex": "hex",
    "conan": "conan",
    "swift": "swift",
    "cocoapods": "cocoapods",
    "conda-pkg": "conda",
    "conda-environment": "conda",
    "julia": "julia",
}
# Trivy operating-system types -> (purl type, purl namespace).
_OS_PURL: Final[dict[str, tuple[str, str]]] = {
    "debian": ("deb", "debian"),
    "ubuntu": ("deb", "ubuntu"),
    "alpine": ("apk", "alpine"),
    "redhat": ("rpm", "redhat"),
    "rocky": ("rpm", "rocky"),
    "alma": ("rpm", "almalinux"),
    "sles": ("rpm", "suse"),
    "slem": ("rpm", "suse"),
    "suse linux enterprise server": ("rpm", "suse"),
    "suse linux enterprise micro": ("rpm", "suse"),
    "opensuse": ("rpm", "opensuse"),
    "opensuse-leap": ("rpm", "opensuse"),
    "opensuse.leap": ("rpm", "opensuse"),
    "opensuse-tumbleweed": ("rpm", "opensuse"),
    "opensuse.tumbleweed": ("rpm", "opensuse"),
    "centos": ("rpm", "centos"),
    "centos-stream": ("rpm", "centos"),
    "fedora": ("rpm", "fedora"),
    "amazon": ("rpm", "amazon"),
    "oracle": ("rpm", "oracle"),
    "photon": ("rpm", "photon"),
    "cbl-mariner": ("rpm", "cbl-mariner"),
    "azurelinux": ("rpm", "azurelinux"),
    "wolfi": ("apk", "wolfi"),
    "chainguard": ("apk", "chainguard"),
    "minimos": ("apk", "minimos"),
}


def _full_version(epoch: object, version: str | None, release: str | None) -> str | None:
    if not version:
        return None
    text = f"{version}-{release}" if release else version
    if isinstance(epoch, int) and not isinstance(epoch, bool) and epoch > 0:
        text = f"{epoch}:{text}"
    return text


def _built_purl(
    result_type: str, name: str, version: str | None, os_name: str | None, arch: str | None
) -> str | None:
    """The purl of a package Trivy listed without one, or None for unknown types."""
    qualifiers: dict[str, str] = {}
    if result_type in _OS_PURL:
        ptype, namespace = _OS_PURL[result_type]
        if os_name:
            qualifiers["distro"] = f"{namespace}-{os_name}"
        if arch:
            qualifiers["arch"] = arch
        purl = PackageURL(
            type=ptype, namespace=namespace, name=name, version=version, qualifiers=qualifiers
        )
        return str(purl.to_string())
    lang_type = _LANG_PURL_TYPES.get(result_type)
    if lang_type is None:
        return None
    return language_purl(lang_type, name, version)


class _Report:
    def __init__(self, path: str, lines: LineIndex, os_family: str | None, os_name: str | None):
        self.path = path
        self.lines = lines
        self.os_family = os_family
        self.os_name = os_name
        self.entries: list[Entry] = []
        self.edges: dict[str, list[str]] = {}
        self.roots: list[str] = []
        self.skipped_types: dict[str, int] = {}

    def _line(self, purl: str | None, pkg_id: str | None, name: str, name_key: str) -> int | None:
        line = self.lines.take("PURL", purl) if purl else None
        if line is None and pkg_id:
            line = self.lines.take("ID" if name_key == "Name" else "PkgID", pkg_id)
        if line is None:
            line = self.lines.take(name_key, name)
        return line

    def package(self, obj: dict[str, object], where: str, rtype: str, scope_key: str) -> None:
        path = self.path
        name = clean(opt_str(path, obj, "Name", where))
        if name is None:
            raise ParseError(path, f"{where}: a package needs a Name")
        identifier = as_object(path, obj.get("Identifier") or {}, f"{where}.Identifier")
        purl = clean(opt_str(path, identifier, "PURL", f"{where}.Identifier"))
        pkg_id = clean(opt_str(path, obj, "ID", where))
        is_os = rtype in _OS_PURL
        version_text = clean(opt_str(path, obj, "Version", where))
        release = clean(opt_str(path, obj, "Release", where))
        version = _full_version(obj.get("Epoch"), version_text, release) if is_os else version_text
        own = purl is not None
        if purl is None:
            purl = _built_purl(
                rtype, name, version, self.os_name, clean(opt_str(path, obj, "Arch", where))
            )
        source_name = source_version = None
        if is_os:
            source_name = clean(opt_str(path, obj, "SrcName", where))
            source_version = _full_version(
                obj.get("SrcEpoch"),
                clean(opt_str(path, obj, "SrcVersion", where)),
                clean(opt_str(path, obj, "SrcRelease", where)),
            )
        relationship = clean(opt_str(path, obj, "Relationship", where))
        direct: bool | None = None
        if relationship == "direct":
            direct = True
        elif relationship == "indirect" or obj.get("Indirect") is True:
            direct = False
        ref = f"{scope_key}:{pkg_id}" if pkg_id else None
        if ref is not None:
            for dep in str_list(path, obj, "DependsOn", where):
                targets = self.edges.setdefault(ref, [])
                target = f"{scope_key}:{dep}"
                if target not in targets:
                    targets.append(target)
            if relationship == "root":
                self.roots.append(ref)
        self.entries.append(
            Entry(
                name=name,
                purls=(purl,) if purl else (),
                version=version,
                ref=ref,
                line=self._line(purl if own else None, pkg_id, name, "Name"),
                kind=f"Trivy {rtype!r}" if purl is None else None,
                scope="dev" if obj.get("Dev") is True else None,
                direct=direct,
                source_name=source_name,
                source_version=source_version,
                own_purl=own,
                subject=relationship == "root",
            )
        )

    def vulnerable_package(self, obj: dict[str, object], where: str, rtype: str) -> None:
        path = self.path
        name = clean(opt_str(path, obj, "PkgName", where))
        if name is None:
            raise ParseError(path, f"{where}: a vulnerability needs a PkgName")
        identifier = as_object(path, obj.get("PkgIdentifier") or {}, f"{where}.PkgIdentifier")
        purl = clean(opt_str(path, identifier, "PURL", f"{where}.PkgIdentifier"))
        version = clean(opt_str(path, obj, "InstalledVersion", where))
        pkg_id = clean(opt_str(path, obj, "PkgID", where))
        own = purl is not None
        if purl is None:
            purl = _built_purl(rtype, name, version, self.os_name, None)
        self.entries.append(
            Entry(
                name=name,
                purls=(purl,) if purl else (),
                version=version,
                line=self._line(purl if own else None, pkg_id, name, "PkgName"),
                kind=f"Trivy {rtype!r}" if purl is None else None,
                own_purl=own,
            )
        )


def _results(path: str, top: object) -> tuple[dict[str, object], list[object]]:
    if isinstance(top, list):  # before schema version 2: a bare array of results
        return {}, top
    obj = as_object(path, top, "document")
    if "SchemaVersion" not in obj:
        raise ParseError(path, "not a Trivy JSON report: no SchemaVersion")
    return obj, as_array(path, obj.get("Results"), "Results")


def parse_report(path: str, data: bytes) -> ParseResult:
    value, raw = load_json(path, data)
    top, results = _results(path, value)
    metadata = as_object(path, top.get("Metadata") or {}, "Metadata")
    os_info = as_object(path, metadata.get("OS") or {}, "Metadata.OS")
    os_family = clean(opt_str(path, os_info, "Family", "Metadata.OS"))
    os_name = clean(opt_str(path, os_info, "Name", "Metadata.OS"))
    report = _Report(
        path, LineIndex(raw, ("PURL", "ID", "PkgID", "Name", "PkgName")), os_family, os_name
    )
    for i, item in enumerate(results):
        where = f"Results[{i}]"
        result = as_object(path, item, where)
        rtype = (clean(opt_str(path, result, "Type", where)) or "").lower()
        packages = as_array(path, result.get("Packages"), f"{where}.Packages")
        if packages:
            for j, pkg in enumerate(packages):
                here = f"{where}.Packages[{j}]"
                report.package(as_object(path, pkg, here), here, rtype, str(i))
            continue
        seen: set[tuple[str, str, str]] = set()
        vulns = as_array(path, result.get("Vulnerabilities"), f"{where}.Vulnerabilities")
        for j, vuln in enumerate(vulns):
            here = f"{where}.Vulnerabilities[{j}]"
            obj = as_object(path, vuln, here)
            ident = obj.get("PkgIdentifier")
            purl = ident.get("PURL") if isinstance(ident, dict) else None
            key = (
                str(obj.get("PkgID") or ""),
                str(purl or ""),
                f"{obj.get('PkgName')}@{obj.get('InstalledVersion')}",
            )
            if key in seen:
                continue
            seen.add(key)
            report.vulnerable_package(obj, here, rtype)
    meta: dict[str, str] = {}
    put(meta, "artifact_name", clean(opt_str(path, top, "ArtifactName", "document")))
    put(meta, "artifact_kind", clean(opt_str(path, top, "ArtifactType", "document")))
    put(meta, "created", clean(opt_str(path, top, "CreatedAt", "document")))
    schema = top.get("SchemaVersion")
    if schema is not None:
        meta["schema_version"] = str(schema)
    if os_family:
        meta["os"] = f"{os_family} {os_name}" if os_name else os_family
    put(meta, "image_id", clean(opt_str(path, metadata, "ImageID", "Metadata")))
    put(meta, "repo_tags", ", ".join(str_list(path, metadata, "RepoTags", "Metadata")))
    put(meta, "repo_digests", ", ".join(str_list(path, metadata, "RepoDigests", "Metadata")))
    trivy = top.get("Trivy")
    version = clean(opt_str(path, trivy, "Version", "Trivy")) if isinstance(trivy, dict) else None
    meta["tools"] = f"trivy {version}" if version else "trivy"
    graph = Graph(edges=report.edges, roots=report.roots) if report.roots else None
    return assemble(path, report.entries, graph=graph, metadata=meta)


class TrivyJsonParser:
    """Trivy's JSON report (claimed by ``*.trivy.json`` or by its ``SchemaVersion`` header)."""

    format = "trivy-json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.trivy_json(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return parse_report(path, data)
