"""Trivy, Grype and Syft JSON parsers on authored fixtures."""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.grype_json import GrypeJsonParser
from runink.inventory.syft_json import SyftJsonParser
from runink.inventory.trivy_json import TrivyJsonParser
from tests.inventory.sbom.conftest import fixture_bytes

TRIVY = TrivyJsonParser()
GRYPE = GrypeJsonParser()
SYFT = SyftJsonParser()


def rows(result: ParseResult) -> list[tuple[object, ...]]:
    return [
        (c.ecosystem, c.name, c.version, c.direct, c.scope, c.path, c.line, c.purl_override)
        for c in result.components
    ]


class TestTrivy:
    def test_image_report(self) -> None:
        result = TRIVY.parse("trivy-image.json", fixture_bytes("trivy-image.json"))
        shop = "shop-web"
        assert rows(result) == [
            # Distribution packages are named after their source package.
            ("Debian:12", "openssl", "3.0.11-1~deb12u2", None, None, (), 22, None),
            # No PURL: built from Type, Epoch:Version-Release and Metadata.OS; source version.
            ("Debian:12", "util-linux", "2.38.1-5", None, None, (), 34, None),
            ("Debian:12", "tzdata", "2024a-0+deb12u1", None, None, (), 45, None),
            ("npm", shop, "1.4.2", None, None, (shop,), 71, "pkg:npm/shop-web@1.4.2"),
            (
                "npm",
                "express",
                "4.18.2",
                True,
                None,
                (shop, "express"),
                79,
                "pkg:npm/express@4.18.2",
            ),
            ("npm", "qs", "6.11.0", False, None, (shop, "express", "qs"), 87, "pkg:npm/qs@6.11.0"),
            ("npm", "jest", "29.7.0", True, "dev", (shop, "jest"), 94, "pkg:npm/jest@29.7.0"),
            ("npm", "@babel/core", "7.22.5", False, None, (), 100, None),
            ("Go", "stdlib", "1.21.4", None, None, (), 112, None),
            ("Go", "github.com/gin-gonic/gin", "v1.9.0", None, None, (), 113, None),
            ("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", None, None, (), 121, None),
        ]
        assert [(s.name, s.reason, s.line) for s in result.skipped] == [
            ("numpy", "pkg:conda/numpy@1.26.0: no known ecosystem for purl type 'conda'", 129)
        ]
        assert result.metadata == {
            "artifact_name": "registry.example.com/shop/web:1.4.2",
            "artifact_kind": "container_image",
            "created": "2024-05-01T10:00:00.000000000Z",
            "schema_version": "2",
            "os": "debian 12.5",
            "image_id": "sha256:9b2a3c4d5e6f",
            "repo_tags": "registry.example.com/shop/web:1.4.2",
            "repo_digests": "registry.example.com/shop/web@sha256:0f3e1d2c",
            "tools": "trivy",
        }

    def test_without_packages_the_vulnerable_packages_are_the_inventory(self) -> None:
        data = fixture_bytes("trivy-vulnerabilities-only.json")
        result = TRIVY.parse("v.json", data)
        assert [(c.ecosystem, c.name, c.version, c.line) for c in result.components] == [
            ("Alpine:v3.17", "libcrypto3", "3.0.8-r0", 16),  # two vulnerabilities, one package
            ("Alpine:v3.17", "libxml2", "2.10.3-r1", 32),
            ("PyPI", "requests", "2.28.0", 46),
        ]

    def test_legacy_array_report(self) -> None:
        data = fixture_bytes("trivy-legacy-array.json")
        assert TRIVY.claims("results.json", data[:4096])
        result = TRIVY.parse("results.json", data)
        assert [(c.ecosystem, c.name, c.version) for c in result.components] == [
            ("PyPI", "django", "2.2.8")
        ]

    def test_report_without_results(self) -> None:
        result = TRIVY.parse("t.json", fixture_bytes("trivy-no-results.json"))
        assert (result.components, result.skipped) == ((), ())
        assert result.metadata["artifact_name"] == "scratch"

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("malformed-truncated.trivy.json", "malformed-truncated.trivy.json:5: invalid JSON"),
            (
                "malformed-package-without-name.trivy.json",
                "malformed-package-without-name.trivy.json: Results[0].Packages[0]: "
                "a package needs a Name",
            ),
        ],
    )
    def test_malformed(self, name: str, message: str) -> None:
        with pytest.raises(ParseError) as info:
            TRIVY.parse(name, fixture_bytes(name))
        assert str(info.value).startswith(message)

    def test_not_a_trivy_report(self) -> None:
        with pytest.raises(ParseError, match="not a Trivy JSON report: no SchemaVersion"):
            TRIVY.parse("x.trivy.json", b'{"Results": []}')

    def test_rpm_package_without_purl(self) -> None:
        report = (
            b'{"SchemaVersion": 2, "Metadata": {"OS": {"Family": "redhat", "Name": "8.6"}},'
            b'"Results": [{"Class": "os-pkgs", "Type": "redhat", "Packages": [{"Name": "openssl-libs",'
            b'"Version": "1.1.1k", "Release": "7.el8_6", "Epoch": 1, "SrcName": "openssl"}]}]}'
        )
        [c] = TRIVY.parse("r.json", report).components
        # Red Hat advisories name binary packages: the source name is not used.
        assert (c.ecosystem, c.name, c.version) == ("Red Hat", "openssl-libs", "1:1.1.1k-7.el8_6")


class TestGrype:
    def test_matched_artifacts_are_the_inventory(self) -> None:
        result = GRYPE.parse("grype-image.json", fixture_bytes("grype-image.json"))
        assert rows(result) == [
            ("Alpine:v3.17", "openssl", "3.0.8-r0", None, None, (), 16, None),
            ("PyPI", "requests", "2.28.0", None, None, (), 57, "pkg:pypi/requests@2.28.0"),
            # No purl: built from the artifact type and the report's distro.
            ("Alpine:v3.17", "libxml2", "2.10.3-r1", None, None, (), 77, None),
            # Ignored matches are still installed packages.
            (
                "Alpine:v3.17",
                "busybox",
                "1.36.0-r4",
                None,
                None,
                (),
                93,
                "pkg:apk/alpine/busybox@1.36.0-r4?arch=x86_64&distro=alpine-3.17.2",
            ),
        ]
        assert result.skipped == ()
        assert result.metadata == {
            "artifact_kind": "image",
            "artifact_name": "alpine:3.17.2",
            "image_id": "sha256:b2aa39c304c2",
            "artifact_version": "sha256:e2e16842c9b5",
            "distro": "alpine 3.17.2",
            "tools": "grype 0.74.0",
            "created": "2024-05-01T10:00:00Z",
            "matches": "4",
        }

    def test_no_matches(self) -> None:
        result = GRYPE.parse("g.json", fixture_bytes("grype-no-matches.json"))
        assert result.components == ()
        assert result.metadata == {
            "artifact_kind": "directory",
            "artifact_name": "/src/project",
            "tools": "grype 0.74.0",
            "matches": "0",
        }

    def test_malformed(self) -> None:
        name = "malformed-artifact-missing.grype.json"
        with pytest.raises(ParseError) as info:
            GRYPE.parse(name, fixture_bytes(name))
        assert str(info.value) == f"{name}: matches[0].artifact: expected an object, found null"

    def test_not_a_grype_report(self) -> None:
        with pytest.raises(ParseError, match="not a Grype JSON report"):
            GRYPE.parse("x.grype.json", b'{"artifacts": []}')


class TestSyft:
    def test_image_document(self) -> None:
        result = SYFT.parse("syft-image.json", fixture_bytes("syft-image.json"))
        image = "registry.example.com/shop/web"
        assert rows(result) == [
            ("Debian:12", "glibc", "2.36-9+deb12u4", None, None, (image, "glibc"), 4, None),
            # No purl: built from the type and the distro; the source from the metadata.
            ("Debian:12", "gcc-12", "12.2.0-14", None, None, (image, "gcc-12"), 18, None),
            ("PyPI", "flask", "2.2.2", None, None, (image, "flask"), 31, "pkg:pypi/flask@2.2.2"),
            (
                "PyPI",
                "werkzeug",
                "2.2.2",
                None,
                None,
                (image, "werkzeug"),
                45,
                "pkg:pypi/werkzeug@2.2.2",
            ),
            ("Go", "stdlib", "1.21.4", None, None, (), 59, "pkg:golang/stdlib@1.21.4"),
        ]
        assert [(s.name, s.line) for s in result.skipped] == [("app", 73), ("curl", 87)]
        assert "(devel)" in result.skipped[0].reason
        assert "no known ecosystem for purl type 'generic'" in result.skipped[1].reason
        assert result.metadata == {
            "artifact_name": image,
            "artifact_version": "1.4.2",
            "artifact_kind": "image",
            "distro": "debian 12",
            "tools": "syft 1.18.1",
            "schema_version": "16.0.18",
        }

    def test_malformed(self) -> None:
        name = "malformed-artifacts-object.syft.json"
        with pytest.raises(ParseError) as info:
            SYFT.parse(name, fixture_bytes(name))
        assert str(info.value) == f"{name}: artifacts: expected an array, found an object"

    def test_not_a_syft_document(self) -> None:
        with pytest.raises(ParseError, match="not a Syft JSON document"):
            SYFT.parse("x.syft.json", b'{"matches": []}')
