"""CycloneDX JSON and XML parsers on authored fixtures."""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.cyclonedx_json import CycloneDxJsonParser
from runink.inventory.cyclonedx_xml import CycloneDxXmlParser
from runink.model.component import Skipped
from tests.inventory.sbom.conftest import fixture_bytes

JSON = CycloneDxJsonParser()
XML = CycloneDxXmlParser()


def parse_json(name: str) -> ParseResult:
    return JSON.parse(name, fixture_bytes(name))


def parse_xml(name: str) -> ParseResult:
    return XML.parse(name, fixture_bytes(name))


def by_name(result: ParseResult) -> dict[str, tuple[object, ...]]:
    return {
        c.name: (c.ecosystem, c.version, c.direct, c.scope, c.path, c.line)
        for c in result.components
    }


class TestJson:
    def test_one_package(self) -> None:
        result = parse_json("one-package.cdx.json")
        [c] = result.components
        assert (c.ecosystem, c.name, c.version, c.line) == ("npm", "lodash", "4.17.20", 13)
        assert (c.direct, c.scope, c.path) == (None, "runtime", ())
        assert c.purl == "pkg:npm/lodash@4.17.20"
        assert c.source == "one-package.cdx.json"
        assert result.skipped == ()
        assert result.metadata == {
            "spec_version": "1.6",
            "serial_number": "urn:uuid:0d4f3c29-7c1e-4f55-9f0a-1c0f2b6c5a10",
            "document_kind": "sbom",
        }

    def test_many_packages_components(self) -> None:
        result = parse_json("many-packages.cdx.json")
        app = ("com.example:payments-api",)  # the root resolved, so its component name
        log4j = "org.apache.logging.log4j:log4j"
        assert by_name(result) == {
            "com.example:payments-api": ("Maven", "2.3.0", None, None, app, 33),
            "django": ("PyPI", "4.2.1", True, "runtime", (*app, "django"), 48),
            "sqlparse": ("PyPI", "0.4.4", False, "runtime", (*app, "django", "sqlparse"), 55),
            "@babel/core": ("npm", "7.22.5", True, "optional", (*app, "@babel/core"), 64),
            f"{log4j}-core": ("Maven", "2.14.1", True, "excluded", (*app, f"{log4j}-core"), 73),
            f"{log4j}-api": (
                "Maven",
                "2.14.1",
                False,
                "runtime",
                (*app, f"{log4j}-core", f"{log4j}-api"),
                81,
            ),
            "golang.org/x/net": ("Go", "v0.17.0", True, "runtime", (*app, "golang.org/x/net"), 90),
            "openssl": ("Debian:12", "3.0.11-1~deb12u2", False, "runtime", (), 97),
            "eslint": ("npm", "8.50.0", True, "dev", (*app, "eslint"), 104),
        }

    def test_many_packages_duplicate_purl_is_one_component(self) -> None:
        result = parse_json("many-packages.cdx.json")
        django = [c for c in result.components if c.name == "django"]
        assert len(django) == 1
        assert django[0].purl == "pkg:pypi/django@4.2.1"

    def test_many_packages_skipped(self) -> None:
        assert parse_json("many-packages.cdx.json").skipped == (
            Skipped(
                "zlib",
                "library component: pkg:generic/zlib@1.2.13: no known ecosystem for purl type 'generic'",
                119,
            ),
            Skipped(
                "internal-lib",
                "library component has no package URL (purl), so its ecosystem is unknown",
                123,
            ),
            Skipped("requests", "pkg:pypi/requests: no version in the purl or the document", 131),
            Skipped(
                "/etc/app/config.yaml",
                "file component has no package URL (purl), so its ecosystem is unknown",
                135,
            ),
            Skipped(
                "debian",
                "operating-system component has no package URL (purl), so its ecosystem is unknown",
                140,
            ),
            Skipped(
                "payments-db",
                "CycloneDX service: a service is not a package and cannot be matched",
                146,
            ),
        )

    def test_many_packages_metadata(self) -> None:
        assert parse_json("many-packages.cdx.json").metadata == {
            "spec_version": "1.5",
            "serial_number": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
            "timestamp": "2024-05-01T10:00:00Z",
            "document_kind": "sbom",
            "tools": "runink-fixture-writer 1.0.0",
            "artifact_name": "payments-api",
            "artifact_group": "com.example",
            "artifact_version": "2.3.0",
            "artifact_kind": "application",
            "artifact_purl": "pkg:maven/com.example/payments-api@2.3.0",
            "authors": "Ada Lovelace <ada@example.org>; Build Bot",
            "supplier": "Example Corp <security@example.com>",
            "manufacturer": "Example Factory <factory@example.com>",
            "contact_emails": "ada@example.org, security@example.com, factory@example.com",
            "property:team": "payments",
            "property:owner": "alice@example.com, bob@example.com",
        }

    def test_root_without_purl_is_metadata_only(self) -> None:
        result = parse_json("no-components.cdx.json")
        assert result.components == ()
        assert result.skipped == ()
        assert result.metadata["artifact_name"] == "scratch-image"
        assert result.metadata["artifact_kind"] == "container"

    def test_vex_only_document_yields_nothing_to_match(self) -> None:
        result = parse_json("vex-only.cdx.json")
        assert (result.components, result.skipped) == ((), ())
        assert result.metadata["document_kind"] == "vex"
        assert result.metadata["vulnerabilities"] == "1"

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("empty.cdx.json", "empty.cdx.json: empty document"),
            ("malformed-truncated.cdx.json", "malformed-truncated.cdx.json:6: invalid JSON"),
            (
                "malformed-components-object.cdx.json",
                "malformed-components-object.cdx.json: components: expected an array, "
                "found an object",
            ),
            (
                "malformed-purl-array.cdx.json",
                "malformed-purl-array.cdx.json: components[1].purl: expected a string, "
                "found an array",
            ),
            (
                "not-cyclonedx.cdx.json",
                "not-cyclonedx.cdx.json: not a CycloneDX document: bomFormat is None",
            ),
        ],
    )
    def test_malformed(self, name: str, message: str) -> None:
        with pytest.raises(ParseError) as info:
            parse_json(name)
        assert str(info.value).startswith(message)

    def test_a_json_array_is_not_a_bom(self) -> None:
        with pytest.raises(ParseError, match="document: expected an object, found an array"):
            JSON.parse("bom.json", b'[{"bomFormat": "CycloneDX"}]')


class TestXml:
    def test_one_package(self) -> None:
        result = parse_xml("one-package.cdx.xml")
        [c] = result.components
        assert (c.ecosystem, c.name, c.version, c.line, c.scope) == (
            "crates.io",
            "smallvec",
            "1.6.0",
            4,
            "runtime",
        )
        assert result.metadata["spec_version"] == "1.6"

    def test_many_packages(self) -> None:
        result = parse_xml("many-packages.cdx.xml")
        image = ("registry.example.com/shop/web",)
        assert by_name(result) == {
            "flask": ("PyPI", "2.2.2", True, "runtime", (*image, "flask"), 41),
            "werkzeug": ("PyPI", "2.2.2", False, "runtime", (*image, "flask", "werkzeug"), 47),
            "util-linux": ("Debian:12", "2.38.1-5", None, "runtime", (), 52),
            "openssl": ("Alpine:v3.17", "3.0.8-r0", None, "runtime", (), 57),
            "undici": ("npm", "5.22.1", False, "optional", (*image, "node", "undici"), 67),
            "busboy": ("npm", "1.6.0", False, "runtime", (*image, "node", "undici", "busboy"), 73),
        }
        purls = {c.name: c.purl for c in result.components}
        # Named after its source package, so the purl is the source package's too.
        assert purls["util-linux"] == "pkg:deb/debian/util-linux@2.38.1-5?distro=debian-12"
        assert purls["openssl"] == "pkg:apk/alpine/openssl@3.0.8-r0?distro=alpine-3.17"
        assert [(s.name, s.line) for s in result.skipped] == [
            ("node", 62),
            ("openssl", 87),
            ("debian", 92),
        ]
        assert "has a CPE but no package URL" in result.skipped[0].reason

    def test_many_packages_metadata(self) -> None:
        assert parse_xml("many-packages.cdx.xml").metadata == {
            "spec_version": "1.4",
            "serial_number": "urn:uuid:5b1f3c8e-2a2d-4d7e-9d1c-0e6a7f2b9c41",
            "timestamp": "2024-05-01T10:00:00Z",
            "document_kind": "sbom",
            "tools": "fixture-writer 1.0.0",
            "artifact_name": "registry.example.com/shop/web",
            "artifact_version": "sha256:0f3e",
            "artifact_kind": "container",
            "authors": "Grace Hopper <grace@example.org>",
            "supplier": "Example Corp <security@example.com>",
            "manufacturer": "Example Factory <factory@example.com>",
            "contact_emails": "grace@example.org, security@example.com, factory@example.com",
            "property:environment": "prod",
        }

    def test_nested_dependency_elements_of_spec_1_2(self) -> None:
        result = parse_xml("nested-dependencies-1.2.bom.xml")
        assert {c.name: (c.direct, c.path) for c in result.components} == {
            "acme/shop": (None, ("acme/shop",)),
            "laravel/framework": (True, ("acme/shop", "laravel/framework")),
            "symfony/http-kernel": (
                False,
                ("acme/shop", "laravel/framework", "symfony/http-kernel"),
            ),
            "psr/log": (
                False,
                ("acme/shop", "laravel/framework", "symfony/http-kernel", "psr/log"),
            ),
            "monolog/monolog": (False, ()),
        }

    def test_dependency_graph_extension_of_spec_1_1(self) -> None:
        result = parse_xml("dependency-graph-1.1.bom.xml")
        assert [(c.name, c.version) for c in result.components] == [
            ("rails", "6.1.7"),
            ("rack", "2.2.4"),
        ]
        assert result.metadata["spec_version"] == "1.1"

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("empty.cdx.xml", "empty.cdx.xml: empty document"),
            ("malformed-mismatched-tag.cdx.xml", "malformed-mismatched-tag.cdx.xml:6: invalid XML"),
            ("not-cyclonedx.cdx.xml", "not-cyclonedx.cdx.xml:2: not a CycloneDX BOM"),
            ("attack-billion-laughs.cdx.xml", "attack-billion-laughs.cdx.xml:2: XML document type"),
            (
                "attack-external-entity.cdx.xml",
                "attack-external-entity.cdx.xml:2: XML document type",
            ),
        ],
    )
    def test_malformed_and_hostile(self, name: str, message: str) -> None:
        with pytest.raises(ParseError) as info:
            parse_xml(name)
        assert str(info.value).startswith(message)

    def test_dependency_without_ref(self) -> None:
        doc = (
            b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5">\n<dependencies>\n'
            b"<dependency/>\n</dependencies></bom>"
        )
        with pytest.raises(ParseError) as info:
            XML.parse("bom.xml", doc)
        assert (info.value.line, info.value.message) == (
            3,
            "a dependency element needs a 'ref' attribute",
        )


def test_json_and_xml_forms_of_the_same_bom_agree() -> None:
    xml = (
        b'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">'
        b'<metadata><component type="application" bom-ref="app"><name>app</name></component>'
        b"</metadata><components>"
        b'<component type="library" bom-ref="a"><name>a</name><version>1.0.0</version>'
        b"<purl>pkg:npm/a@1.0.0</purl></component>"
        b'<component type="library" bom-ref="b"><name>b</name><version>2.0.0</version>'
        b"<scope>optional</scope><purl>pkg:npm/b@2.0.0</purl></component>"
        b'</components><dependencies><dependency ref="app"><dependency ref="a"/></dependency>'
        b'<dependency ref="a"><dependency ref="b"/></dependency></dependencies></bom>'
    )
    json = (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,'
        b'"metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app"}},'
        b'"components": [{"type": "library", "bom-ref": "a", "name": "a", "version": "1.0.0",'
        b'"purl": "pkg:npm/a@1.0.0"}, {"type": "library", "bom-ref": "b", "name": "b",'
        b'"version": "2.0.0", "scope": "optional", "purl": "pkg:npm/b@2.0.0"}],'
        b'"dependencies": [{"ref": "app", "dependsOn": ["a"]}, {"ref": "a", "dependsOn": ["b"]}]}'
    )

    def view(result: ParseResult) -> list[tuple[object, ...]]:
        return [(c.key, c.direct, c.scope, c.path, c.purl) for c in result.components]

    assert (
        view(XML.parse("bom.xml", xml))
        == view(JSON.parse("bom.json", json))
        == [
            (("npm", "a", "1.0.0"), True, "runtime", ("app", "a"), "pkg:npm/a@1.0.0"),
            (("npm", "b", "2.0.0"), False, "optional", ("app", "a", "b"), "pkg:npm/b@2.0.0"),
        ]
    )


def test_parts_of_the_metadata_component_are_components() -> None:
    json = (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {'
        b'"type": "application", "name": "app", "components": [{"type": "library",'
        b'"name": "a", "version": "1.0.0", "purl": "pkg:npm/a@1.0.0"}]}}}'
    )
    xml = (
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><component type="application">'
        b'<name>app</name><components><component type="library"><name>a</name>'
        b"<version>1.0.0</version><purl>pkg:npm/a@1.0.0</purl></component></components>"
        b"</component></metadata></bom>"
    )
    for result in (JSON.parse("bom.json", json), XML.parse("bom.xml", xml)):
        assert [c.key for c in result.components] == [("npm", "a", "1.0.0")]
