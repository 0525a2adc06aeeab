"""SPDX 2 JSON, SPDX 2 tag-value and SPDX 3 JSON-LD parsers on authored fixtures."""

from __future__ import annotations

import json
import re

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.spdx3_jsonld import Spdx3JsonLdParser
from runink.inventory.spdx_json import SpdxJsonParser
from runink.inventory.spdx_tagvalue import SpdxTagValueParser
from runink.model.component import Skipped
from tests.inventory.sbom.conftest import fixture_bytes

JSON = SpdxJsonParser()
TAG_VALUE = SpdxTagValueParser()
SPDX3 = Spdx3JsonLdParser()

APP = ("payments-api",)
# What many-packages.spdx.json and many-packages.spdx (the same document) yield, without lines.
MANY_PACKAGES = {
    "requests": ("PyPI", "2.31.0", True, None, (*APP, "requests")),
    "urllib3": ("PyPI", "1.26.15", False, None, (*APP, "requests", "urllib3")),
    "pytest": ("PyPI", "7.4.0", True, "dev", (*APP, "pytest")),
    # Contained in the OS the app contains: structure, so no direct status.
    "openssl": ("Ubuntu:22.04", "3.0.2-0ubuntu1.10", None, None, (*APP, "ubuntu", "openssl")),
    "left-pad": ("npm", "1.3.0", None, None, ()),
}
MANY_PACKAGES_METADATA = {
    "spec_version": "SPDX-2.3",
    "document_name": "payments-api-2.3.0",
    "document_namespace": "https://example.com/spdx/payments-api-2.3.0-6f1c2b",
    "created": "2024-05-01T10:00:00Z",
    "creators": (
        "Person: Ada Lovelace (ada@example.org); "
        "Organization: Example Corp (security@example.com); Tool: fixture-writer-1.0.0"
    ),
    "authors": "Ada Lovelace <ada@example.org>; Example Corp <security@example.com>",
    "tools": "fixture-writer-1.0.0",
    "contact_emails": "ada@example.org, security@example.com",
    "artifact_name": "payments-api",
    "artifact_version": "2.3.0",
    "artifact_kind": "application",
    "supplier": "Organization: Example Corp (security@example.com)",
}


def view(result: ParseResult) -> dict[str, tuple[object, ...]]:
    return {c.name: (c.ecosystem, c.version, c.direct, c.scope, c.path) for c in result.components}


class TestJson:
    def test_one_package_with_spdx_2_2_category_spelling(self) -> None:
        result = JSON.parse("one-package.spdx.json", fixture_bytes("one-package.spdx.json"))
        [c] = result.components
        assert (c.ecosystem, c.name, c.version, c.line) == (
            "Go",
            "github.com/gin-gonic/gin",
            "v1.9.0",
            14,
        )
        assert c.purl == "pkg:golang/github.com/gin-gonic/gin@v1.9.0"
        assert result.metadata["spec_version"] == "SPDX-2.2"
        assert result.metadata["artifact_name"] == "one-package"  # no described package

    def test_many_packages(self) -> None:
        result = JSON.parse("m.spdx.json", fixture_bytes("many-packages.spdx.json"))
        assert view(result) == MANY_PACKAGES
        assert [c.line for c in result.components] == [28, 47, 61, 83, 112]
        assert result.skipped == (
            Skipped(
                "ubuntu",
                "operating-system component has no package URL (purl), so its ecosystem is unknown",
                75,
            ),
            Skipped(
                "busybox",
                "pkg:generic/busybox@1.36.1: no known ecosystem for purl type 'generic'",
                98,
            ),
        )
        assert result.metadata == MANY_PACKAGES_METADATA

    def test_the_source_package_named_by_trivy_source_info_is_the_component(self) -> None:
        result = JSON.parse("m.spdx.json", fixture_bytes("many-packages.spdx.json"))
        [openssl] = [c for c in result.components if c.name == "openssl"]
        assert openssl.purl == "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04"

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("empty.spdx.json", "empty.spdx.json: empty document"),
            ("malformed-truncated.spdx.json", "malformed-truncated.spdx.json:5: invalid JSON"),
            (
                "malformed-packages-string.spdx.json",
                "malformed-packages-string.spdx.json: packages: expected an array, found a string",
            ),
            (
                "not-spdx.spdx.json",
                "not-spdx.spdx.json: not an SPDX document: spdxVersion is None",
            ),
        ],
    )
    def test_malformed(self, name: str, message: str) -> None:
        with pytest.raises(ParseError) as info:
            JSON.parse(name, fixture_bytes(name))
        assert str(info.value).startswith(message)

    def test_spdx_3_version_in_a_2_x_document_is_refused(self) -> None:
        with pytest.raises(ParseError, match=re.escape("'SPDX-3.0' is not SPDX 2.x")):
            JSON.parse("x.spdx.json", b'{"spdxVersion": "SPDX-3.0", "SPDXID": "SPDXRef-DOCUMENT"}')


class TestTagValue:
    def test_one_package(self) -> None:
        result = TAG_VALUE.parse("one-package.spdx", fixture_bytes("one-package.spdx"))
        [c] = result.components
        assert (c.ecosystem, c.name, c.version, c.line) == ("crates.io", "serde", "1.0.152", 9)

    def test_many_packages_matches_the_json_form(self) -> None:
        result = TAG_VALUE.parse("m.spdx", fixture_bytes("many-packages.spdx"))
        assert view(result) == MANY_PACKAGES
        assert result.metadata == MANY_PACKAGES_METADATA
        # The line of each package is its PackageName line.
        assert [c.line for c in result.components] == [26, 38, 45, 59, 74]
        assert [(s.name, s.line) for s in result.skipped] == [("ubuntu", 52), ("busybox", 67)]

    @pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
    def test_other_line_endings(self, newline: bytes) -> None:
        data = fixture_bytes("many-packages.spdx").replace(b"\n", newline)
        result = TAG_VALUE.parse("m.spdx", data)
        assert view(result) == MANY_PACKAGES
        assert [c.line for c in result.components] == [26, 38, 45, 59, 74]

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("empty.spdx", "empty.spdx: empty document"),
            (
                "malformed-no-colon.spdx",
                "malformed-no-colon.spdx:5: expected 'Tag: value', found "
                "'this line is not a tag-value pair'",
            ),
            (
                "malformed-unterminated-text.spdx",
                "malformed-unterminated-text.spdx:9: PackageCopyrightText: <text> is never "
                "closed by </text>",
            ),
            ("not-spdx2.spdx", "not-spdx2.spdx: SPDXVersion 'SPDX-3.0' is not SPDX 2.x"),
        ],
    )
    def test_malformed(self, name: str, message: str) -> None:
        with pytest.raises(ParseError) as info:
            TAG_VALUE.parse(name, fixture_bytes(name))
        assert str(info.value) == message

    def test_missing_spdx_version(self) -> None:
        with pytest.raises(ParseError, match="no SPDXVersion tag"):
            TAG_VALUE.parse("x.spdx", b"DocumentName: x\nPackageName: y\n")

    def test_bad_external_ref_and_relationship_lines(self) -> None:
        head = b"SPDXVersion: SPDX-2.3\nPackageName: y\n"
        with pytest.raises(ParseError) as info:
            TAG_VALUE.parse("x.spdx", head + b"ExternalRef: PACKAGE-MANAGER purl\n")
        assert info.value.line == 3
        with pytest.raises(ParseError) as info:
            TAG_VALUE.parse("x.spdx", head + b"Relationship: SPDXRef-A DEPENDS_ON\n")
        assert info.value.line == 3

    def test_invalid_utf8(self) -> None:
        with pytest.raises(ParseError) as info:
            TAG_VALUE.parse("x.spdx", b"SPDXVersion: SPDX-2.3\nDocumentName: \xff\n")
        assert info.value.line == 2


class TestSpdx3:
    def test_one_package(self) -> None:
        result = SPDX3.parse("one.spdx3.json", fixture_bytes("one-package.spdx3.json"))
        [c] = result.components
        assert (c.ecosystem, c.name, c.version, c.line) == (
            "Maven",
            "com.fasterxml.jackson.core:jackson-databind",
            "2.13.4",
            25,
        )
        assert result.metadata == {
            "document_name": "one-package",
            "spec_version": "3.0.1",
            "created": "2024-05-01T10:00:00Z",
            "authors": "Example Corp",
            "artifact_name": "jackson-databind",
            "artifact_version": "2.13.4",
            "artifact_purl": "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.4",
        }

    def test_many_packages(self) -> None:
        result = SPDX3.parse("m.spdx3.json", fixture_bytes("many-packages.spdx3.json"))
        service = ("inventory-service",)
        assert {
            c.name: (c.version, c.direct, c.scope, c.path, c.line) for c in result.components
        } == {
            "tokio": ("1.28.0", True, "runtime", (*service, "tokio"), 48),
            "mio": ("0.8.6", False, None, (*service, "tokio", "mio"), 56),
            "criterion": ("0.5.1", True, "dev", (*service, "criterion"), 66),
        }
        # The described application has no purl: metadata, not a skipped package.
        assert result.skipped == (
            Skipped(
                "ranking-model",
                "ai_AIPackage component has no package URL (purl), so its ecosystem is unknown",
                74,
            ),
        )
        assert result.metadata == {
            "document_name": "inventory-service SBOM",
            "spec_version": "3.0.1",
            "created": "2024-05-01T10:00:00Z",
            "authors": "Ada Lovelace",
            "tools": "fixture-writer",
            "artifact_name": "inventory-service",
            "artifact_version": "0.9.0",
        }

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("malformed-truncated.spdx3.json", "malformed-truncated.spdx3.json:4: invalid JSON"),
            (
                "not-spdx3.spdx3.json",
                "not-spdx3.spdx3.json: not an SPDX 3 JSON-LD document: @context is not",
            ),
        ],
    )
    def test_malformed(self, name: str, message: str) -> None:
        with pytest.raises(ParseError) as info:
            SPDX3.parse(name, fixture_bytes(name))
        assert str(info.value).startswith(message)


def _spdx3_debian_package(source_info: object) -> bytes:
    """One Ubuntu binary package (libssl3) in SPDX 3.0.1 JSON-LD, with ``source_info`` as its
    ``software_sourceInfo`` (left out when None)."""
    package: dict[str, object] = {
        "spdxId": "https://example.com/spdx3/deb/libssl3",
        "type": "software_Package",
        "name": "libssl3",
        "software_packageVersion": "3.0.2-0ubuntu1.10",
        "software_packageUrl": "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.10?distro=ubuntu-22.04",
        "creationInfo": "_:creationinfo",
    }
    if source_info is not None:
        package["software_sourceInfo"] = source_info
    document = {
        "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        "@graph": [
            {
                "@id": "_:creationinfo",
                "type": "CreationInfo",
                "specVersion": "3.0.1",
                "created": "2024-05-01T10:00:00Z",
            },
            {
                "spdxId": "https://example.com/spdx3/deb/document",
                "type": "SpdxDocument",
                "creationInfo": "_:creationinfo",
                "rootElement": ["https://example.com/spdx3/deb/libssl3"],
            },
            package,
        ],
    }
    return json.dumps(document, indent=2).encode()


class TestSpdx3SourcePackage:
    """OSV files Ubuntu and Debian advisories under the source package: a binary package whose
    source info names its source must be matched as that source, as in SPDX 2."""

    def test_the_source_package_named_by_source_info_is_the_component(self) -> None:
        data = _spdx3_debian_package("built package from: openssl 3.0.2-0ubuntu1.10")
        [c] = SPDX3.parse("deb.spdx3.json", data).components
        assert (c.ecosystem, c.name, c.version) == ("Ubuntu:22.04", "openssl", "3.0.2-0ubuntu1.10")
        assert c.purl == "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04"

    @pytest.mark.parametrize("info", [None, "copied from upstream", 7, ["x"]])
    def test_without_a_built_from_text_the_binary_package_is_the_component(
        self, info: object
    ) -> None:
        [c] = SPDX3.parse("deb.spdx3.json", _spdx3_debian_package(info)).components
        assert (c.name, c.version) == ("libssl3", "3.0.2-0ubuntu1.10")
