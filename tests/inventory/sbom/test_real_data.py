"""Real SBOMs from ../shared/data: every document parses or fails with a clear ParseError.

The archives are extracted once per session (``sbom_archive``). For each file, the parsers
that claim it are asked; exactly one may claim a document. Files that are not SBOMs (READMEs,
CSVs, a scanner's own output format, a licence list) must not be claimed; the few broken
documents must fail with the ParseError named here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser, ParseResult
from runink.inventory.cyclonedx_json import CycloneDxJsonParser
from runink.inventory.cyclonedx_xml import CycloneDxXmlParser
from runink.inventory.spdx3_jsonld import Spdx3JsonLdParser
from runink.inventory.spdx_json import SpdxJsonParser
from runink.inventory.spdx_tagvalue import SpdxTagValueParser
from runink.model.component import Component
from tests.conftest import shared_path
from tests.inventory.sbom.test_claims import PARSERS

pytestmark = pytest.mark.shared_data

CDX_JSON = CycloneDxJsonParser()
CDX_XML = CycloneDxXmlParser()
SPDX_JSON = SpdxJsonParser()
SPDX_TV = SpdxTagValueParser()
SPDX3 = Spdx3JsonLdParser()

Archive = Callable[[str], Path]


def _claimant(path: Path) -> Parser | None:
    head = path.read_bytes()[:4096]
    found = [p for p in PARSERS if p.claims(path.name, head)]
    assert len(found) <= 1, f"{path} is claimed by {[p.format for p in found]}"
    return found[0] if found else None


def _survey(root: Path) -> tuple[dict[str, ParseResult], dict[str, str], list[str]]:
    """Parse every claimed file under root: results, failures and unclaimed files (relative)."""
    results: dict[str, ParseResult] = {}
    failures: dict[str, str] = {}
    unclaimed: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        parser = _claimant(path)
        if parser is None:
            unclaimed.append(rel)
            continue
        try:
            results[rel] = parser.parse(rel, path.read_bytes())
        except ParseError as exc:
            assert str(exc).startswith(rel), exc
            failures[rel] = exc.message
    return results, failures, unclaimed


def _parse(parser: Parser, path: Path) -> ParseResult:
    return parser.parse(path.name, path.read_bytes())


def _keys(result: ParseResult) -> set[tuple[str, str, str]]:
    return {c.key for c in result.components}


def _one(result: ParseResult, name: str) -> Component:
    found = [c for c in result.components if c.name == name]
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------------------------
# osv-sbom-fixtures (osv-scanner and osv-scalibr test data)


class TestOsvFixtures:
    def test_every_sbom_parses_and_invalid_ones_fail(self) -> None:
        results, failures, unclaimed = _survey(shared_path("sbom", "osv-sbom-fixtures"))
        assert failures == {
            "osv-scalibr/spdx/invalid_sbom.spdx": (
                "expected 'Tag: value', found 'Not an sbom at all!'"
            )
        }
        # RDF/XML and YAML SPDX are not supported serialisations; the rest are not SBOMs.
        assert unclaimed == [
            "osv-scalibr/cdx/invalid_sbom.cdxjson",
            "osv-scalibr/cdx/random_file.ext",
            "osv-scalibr/cdx/sbom.cdx.json.foo.ext",
            "osv-scalibr/spdx/random_file.ext",
            "osv-scalibr/spdx/sbom.spdx.foo.ext",
            "osv-scalibr/spdx/sbom.spdx.rdf",
            "osv-scalibr/spdx/sbom.spdx.yml",
        ]
        assert len(results) == 26

    def test_invalid_cdxjson_fails_when_forced(self) -> None:
        path = shared_path(
            "sbom", "osv-sbom-fixtures", "osv-scalibr", "cdx", "invalid_sbom.cdxjson"
        )
        with pytest.raises(ParseError, match="invalid JSON"):
            _parse(CDX_JSON, path)

    def test_postgres_stretch(self) -> None:
        path = shared_path("sbom", "osv-sbom-fixtures", "osv-scanner", "postgres-stretch.cdx.xml")
        result = _parse(CDX_XML, path)
        assert len(result.components) == 88  # 136 purls: binaries of one source are merged
        assert {c.ecosystem for c in result.components} == {"Debian:9", "Go"}
        # bsdutils, libblkid1, mount, ... are built from util-linux: one source component.
        util_linux = _one(result, "util-linux")
        assert (util_linux.version, util_linux.line) == ("2.29.2-1+deb9u1", 162)
        assert util_linux.purl == "pkg:deb/debian/util-linux@2.29.2-1%2Bdeb9u1?distro=debian-9"
        assert _one(result, "openssl").version == "1.1.0l-1~deb9u5"
        assert _one(result, "github.com/opencontainers/runc").version == "v1.0.1"
        assert [(s.name, s.line) for s in result.skipped] == [
            ("github.com/tianon/gosu", 634),
            ("postgresql", 4438),
            ("debian", 5085),
        ]
        assert result.metadata["artifact_name"] == "postgres:11.15-stretch"
        assert result.metadata["tools"] == "syft 0.73.0"

    def test_duplicates_and_bad_purls(self) -> None:
        folder = shared_path("sbom", "osv-sbom-fixtures", "osv-scanner")
        alpine = _parse(CDX_XML, folder / "alpine.cdx.xml")
        duplicated = _parse(CDX_XML, folder / "with-duplicates.cdx.xml")
        assert _keys(duplicated) == _keys(alpine)
        assert len(duplicated.components) == len(alpine.components) == 10
        bad = _parse(CDX_XML, folder / "bad-purls.cdx.xml")
        assert len(bad.components) == 6
        reasons = {s.name: s.reason for s in bad.skipped}
        assert reasons["alpine-keys"].startswith("invalid package URL 'pkg:pypi/'")
        assert reasons["musl"].startswith("invalid package URL '/'")
        assert "no known ecosystem for purl type 'apk'" in reasons["ssl_client"]

    def test_scalibr_purls_with_source_qualifiers(self) -> None:
        folder = shared_path("sbom", "osv-sbom-fixtures")
        [zlib] = _parse(
            CDX_JSON, folder / "osv-scalibr" / ".." / "osv-scanner" / "alpine-zlib-16.cdx.json"
        ).components
        assert (zlib.ecosystem, zlib.name, zlib.version) == ("Alpine:v3.22", "zlib", "1.2.12-r1")
        [pcre] = _parse(SPDX_JSON, folder / "osv-scanner" / "only-unimportant.spdx.json").components
        assert (pcre.ecosystem, pcre.name, pcre.version) == (
            "Ubuntu:20.04",
            "pcre3",
            "2:8.39-12ubuntu0.1",
        )

    def test_nested_components(self) -> None:
        path = shared_path(
            "sbom", "osv-sbom-fixtures", "osv-scalibr", "cdx", "sbom-with-nested-comps.cdx.json"
        )
        result = _parse(CDX_JSON, path)
        assert [(c.ecosystem, c.name, c.version) for c in result.components] == [
            ("crates.io", "rustls", "0.23.13")
        ]
        assert {s.name for s in result.skipped} == {"openssl", "Nginx"}


# --------------------------------------------------------------------------------------------
# CycloneDX/bom-examples


@pytest.fixture(scope="module")
def cdx_examples(sbom_archive: Archive) -> Path:
    return sbom_archive("cyclonedx-bom-examples")


class TestCycloneDxExamples:
    def test_every_document_parses(self, cdx_examples: Path) -> None:
        results, failures, unclaimed = _survey(cdx_examples)
        assert failures == {}
        assert all(name.endswith((".md", "LICENSE")) for name in unclaimed), unclaimed
        assert len(results) == 73
        kinds = {name: r.metadata["document_kind"] for name, r in results.items()}
        vex = [n for n, k in kinds.items() if k == "vex"]
        assert len(vex) == 25 and all(n.startswith("VEX/") for n in vex)
        assert all(results[n].components == () for n in vex)
        assert {n for n, k in kinds.items() if k == "cbom"} == {
            f"CBOM/{x}/bom.json"
            for x in ("Algorithm", "Certificate", "Example-With-Dependencies", "Key", "Protocol")
        }
        assert [n for n, k in kinds.items() if k == "hbom"] == [
            "HBOM/PCIe-SATA-adapter-board/bom.json"
        ]
        assert [n for n, k in kinds.items() if k == "saasbom"] == [
            "SaaSBOM/apigateway-microservices-datastores/bom.json"
        ]

    def test_specialised_boms_yield_skipped_entries(self, cdx_examples: Path) -> None:
        cbom = _parse(CDX_JSON, cdx_examples / "CBOM" / "Example-With-Dependencies" / "bom.json")
        assert cbom.components == ()
        assert "cryptographic-asset component has no package URL" in cbom.skipped[0].reason
        hbom = _parse(CDX_JSON, cdx_examples / "HBOM" / "PCIe-SATA-adapter-board" / "bom.json")
        assert len(hbom.skipped) == 6 and all("device component" in s.reason for s in hbom.skipped)
        saas = _parse(
            CDX_JSON, cdx_examples / "SaaSBOM" / "apigateway-microservices-datastores" / "bom.json"
        )
        assert len(saas.skipped) == 6 and all("CycloneDX service" in s.reason for s in saas.skipped)

    def test_juice_shop(self, cdx_examples: Path) -> None:
        folder = cdx_examples / "SBOM" / "juice-shop" / "v11.1.2"
        result = _parse(CDX_JSON, folder / "bom.json")
        assert len(result.components) == 841  # 840 components and the application itself
        assert result.skipped == ()
        express = _one(result, "express")
        assert (express.ecosystem, express.version, express.line) == ("npm", "4.17.1", 10516)
        assert {c.version for c in result.components if c.name == "jsonwebtoken"} == {
            "0.1.0",
            "0.4.0",
        }
        root_component = _one(result, "juice-shop")
        assert (root_component.version, root_component.scope) == ("11.1.2", None)
        assert result.metadata["artifact_name"] == "juice-shop"
        assert _keys(_parse(CDX_XML, folder / "bom.xml")) == _keys(result)

    def test_juice_shop_npm_graph_in_every_version_and_encoding(self, cdx_examples: Path) -> None:
        folder = cdx_examples / "SBOM" / "juice-shop" / "via_npm" / "bare"
        results = [
            _parse(parser, folder / f"bom.{version}.{ext}")
            for version in ("1.2", "1.3", "1.4")
            for parser, ext in ((CDX_JSON, "json"), (CDX_XML, "xml"))
        ]
        views = [
            sorted((c.key, c.direct, c.scope, len(c.path)) for c in r.components) for r in results
        ]
        assert all(v == views[0] for v in views)
        first = results[0]
        assert len(first.components) == 979
        assert sum(c.direct is True for c in first.components) == 71
        assert sum(c.scope == "optional" for c in first.components) == 57

    def test_keycloak_xml(self, cdx_examples: Path) -> None:
        folder = cdx_examples / "SBOM" / "keycloak-10.0.2"
        result = _parse(CDX_XML, folder / "bom.xml")
        # 903 distinct packages: one is listed twice, as a jar and as a test-jar.
        assert len(result.components) == 903
        bcprov = _one(result, "org.bouncycastle:bcprov-jdk15on")
        assert (bcprov.ecosystem, bcprov.version, bcprov.line) == ("Maven", "1.62", 36)
        assert bcprov.purl == "pkg:maven/org.bouncycastle/bcprov-jdk15on@1.62?type=jar"
        assert _one(result, "com.fasterxml.jackson.core:jackson-databind").version == "2.10.1"
        assert _keys(_parse(CDX_JSON, folder / "bom.json")) == _keys(result)

    def test_laravel_in_every_spec_version(self, cdx_examples: Path) -> None:
        folder = cdx_examples / "SBOM" / "laravel-7.12.0"
        spec_1_1 = _parse(CDX_XML, folder / "bom.1.1.xml")
        assert len(spec_1_1.components) == 62
        for name in (
            "bom.1.2.json",
            "bom.1.2.xml",
            "bom.1.3.json",
            "bom.1.3.xml",
            "bom.1.4.json",
            "bom.1.4.xml",
        ):
            parser = CDX_JSON if name.endswith(".json") else CDX_XML
            result = _parse(parser, folder / name)
            # The 1.2+ documents add the demo project itself as the metadata component.
            assert _keys(result) == _keys(spec_1_1) | {
                ("Packagist", "cyclonedx/cyclonedx-php-composer-demo", "dev-master")
            }, name
            assert _one(result, "laravel/laravel").direct is True


# --------------------------------------------------------------------------------------------
# spdx/spdx-examples


@pytest.fixture(scope="module")
def spdx_examples(sbom_archive: Archive) -> Path:
    return sbom_archive("spdx-examples")


class TestSpdxExamples:
    def test_every_document_parses(self, spdx_examples: Path) -> None:
        results, failures, unclaimed = _survey(spdx_examples)
        assert failures == {}
        assert all(name.endswith(("README.md", "COPYING")) for name in unclaimed), unclaimed
        assert len(results) == 54
        by_format = {
            "tag-value": [n for n in results if n.endswith(".spdx")],
            "spdx3": [n for n in results if "/spdx3.0/" in n],
        }
        assert len(by_format["tag-value"]) == 12
        assert len(by_format["spdx3"]) == 25

    @pytest.mark.parametrize(
        ("spdx2", "spdx3"),
        [
            (
                "example9/spdx2.2/appbomination.spdx.json",
                "example9/spdx3.0/appbomination.spdx3.json",
            ),
            ("example11/spdx2.3/sbom.spdx.json", "example11/spdx3.0/sbom.spdx3.json"),
        ],
    )
    def test_spdx2_and_spdx3_forms_agree(self, spdx_examples: Path, spdx2: str, spdx3: str) -> None:
        folder = spdx_examples / "software"
        two = _parse(SPDX_JSON, folder / spdx2)
        three = _parse(SPDX3, folder / spdx3)
        assert sorted((c.key, c.direct) for c in two.components) == sorted(
            (c.key, c.direct) for c in three.components
        )
        assert len(two.components) == 4

    def test_appbomination(self, spdx_examples: Path) -> None:
        result = _parse(
            SPDX3, spdx_examples / "software" / "example9" / "spdx3.0" / "appbomination.spdx3.json"
        )
        junit = _one(result, "junit:junit")
        assert (junit.version, junit.direct, junit.scope) == ("4.12", True, "test")
        hamcrest = _one(result, "org.hamcrest:hamcrest-core")
        assert (hamcrest.direct, hamcrest.path) == (
            False,
            ("App-BOM-ination", "junit:junit", "org.hamcrest:hamcrest-core"),
        )

    def test_tag_value_example_without_purls(self, spdx_examples: Path) -> None:
        result = _parse(
            SPDX_TV, spdx_examples / "software" / "example6" / "spdx2.2" / "example6-lib.spdx"
        )
        assert result.components == ()
        # The described package (go 1.15, no purl) is the subject, not a skipped package.
        assert len(result.skipped) == 4
        assert result.metadata["document_name"] == "go-lib"
        assert result.metadata["artifact_name"] == "go-1.15"


# --------------------------------------------------------------------------------------------
# chainguard-dev/bom-shelter


@pytest.fixture(scope="module")
def bom_shelter(sbom_archive: Archive) -> Path:
    return sbom_archive("bom-shelter-selection")


class TestBomShelter:
    def test_every_document_parses_or_fails_clearly(self, bom_shelter: Path) -> None:
        results, failures, unclaimed = _survey(bom_shelter)
        assert failures == {
            # The snapshot holds a truncated copy of this document.
            "in-the-wild/spdx/istio-source.spdx": (
                "PackageCopyrightText: <text> is never closed by </text>"
            ),
            # A web page's footer follows the JSON document.
            "in-the-wild/spdx/powershell-2.2.6.spdx.json": (
                "invalid JSON: unexpected content after document"
            ),
        }
        assert [n for n in unclaimed if not n.endswith((".md", ".csv"))] == [
            "in-the-wild/cyclonedx/bashrc2-sbom-cdx.json",  # SCANOSS output, not CycloneDX
            "in-the-wild/cyclonedx/scanoss-sbom-cdx.json",  # SCANOSS output, not CycloneDX
            "in-the-wild/spdx/maubot-spdx.json",  # the SPDX licence list, not a document
        ]
        assert len(results) == 62  # 67 documents: 3 are not SBOMs, 2 are broken

    def test_non_sboms_fail_when_forced(self, bom_shelter: Path) -> None:
        folder = bom_shelter / "in-the-wild"
        with pytest.raises(ParseError, match="not a CycloneDX document"):
            _parse(CDX_JSON, folder / "cyclonedx" / "bashrc2-sbom-cdx.json")
        with pytest.raises(ParseError, match="document: expected an object, found an array"):
            _parse(CDX_JSON, folder / "cyclonedx" / "scanoss-sbom-cdx.json")
        with pytest.raises(ParseError, match="not an SPDX document"):
            _parse(SPDX_JSON, folder / "spdx" / "maubot-spdx.json")

    def test_flux_tag_value_and_json_agree(self, bom_shelter: Path) -> None:
        folder = bom_shelter / "in-the-wild" / "spdx"
        tag_value = _parse(SPDX_TV, folder / "flux_0.26.3_sbom.spdx")
        json = _parse(SPDX_JSON, folder / "flux_0.26.3_sbom.spdx.json")
        assert len(tag_value.components) == 189
        assert _keys(tag_value) == _keys(json)
        meta = _one(tag_value, "github.com/fluxcd/pkg/apis/meta")
        assert (meta.ecosystem, meta.version, meta.line) == ("Go", "v0.10.2", 222)
        assert tag_value.metadata["tools"] == "syft-0.33.0"

    def test_grype_sbom_in_three_files(self, bom_shelter: Path) -> None:
        folder = bom_shelter / "in-the-wild" / "spdx"
        tag_value = _parse(SPDX_TV, folder / "grype-sbom.spdx")
        renamed = _parse(SPDX_TV, folder / "grype-sbom-modified.spdx.json")
        json = _parse(SPDX_JSON, folder / "grype-sbom.spdx.json")
        assert len(json.components) == 353
        assert _keys(tag_value) == _keys(renamed) == _keys(json)

    def test_trivy_container_spdx(self, bom_shelter: Path) -> None:
        folder = bom_shelter / "in-the-lab" / "spdx-popular-containers" / "data"
        [path] = folder.glob("spdx-trivy-cimg_python-*.json")
        result = _parse(SPDX_JSON, path)
        assert len(result.components) == 555  # 799 packages with purls, binaries merged
        openssl = {c.version for c in result.components if c.name == "openssl"}
        # libssl1.1 comes from the openssl source at 2.9; the openssl binary is still at 2.8.
        assert openssl == {"1.1.1f-1ubuntu2.9", "1.1.1f-1ubuntu2.8"}
        urllib3 = _one(result, "urllib3")
        assert (urllib3.ecosystem, urllib3.version, urllib3.path[1:]) == (
            "PyPI",
            "1.26.7",
            ("python-pkg", "urllib3"),
        )
        assert all(c.ecosystem in ("Ubuntu:20.04", "PyPI", "npm", "Go") for c in result.components)

    def test_microsoft_sbom_tool_depends_on(self, bom_shelter: Path) -> None:
        result = _parse(
            SPDX_JSON, bom_shelter / "in-the-wild" / "spdx" / "microsoft-sbom-tool.spdx.json"
        )
        assert len(result.components) == 121
        assert all(c.direct is True for c in result.components)

    def test_syft_alpine_purls_of_old_syft(self, bom_shelter: Path) -> None:
        result = _parse(CDX_XML, bom_shelter / "in-the-wild" / "cyclonedx" / "mediawiki-cdx.xml")
        alpine = [c for c in result.components if c.ecosystem.startswith("Alpine")]
        assert len(alpine) > 50
        assert {c.ecosystem for c in alpine} == {"Alpine:v3.16"}
