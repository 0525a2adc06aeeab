from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory._xml import MAX_DEPTH, MAX_XML_BYTES, parse_xml
from runink.inventory.pom_xml import PomXmlParser

from ._util import by_name, keys, parse_fixture

P = PomXmlParser()


def test_claims() -> None:
    assert P.claims("pom.xml", b"<project")
    assert not P.claims("settings.xml", b"<settings")


def test_empty_project() -> None:
    result = parse_fixture(P, "pom_xml", "empty.xml")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "pom_xml", "one-package.xml")
    [log4j] = result.components
    assert (log4j.ecosystem, log4j.name, log4j.version) == (
        "Maven",
        "org.apache.logging.log4j:log4j-core",
        "2.14.1",
    )
    assert log4j.line == 8 and log4j.direct is True and log4j.scope == "compile"


def test_many_packages() -> None:
    result = parse_fixture(P, "pom_xml", "many-packages.xml")
    assert keys(result) == [
        ("com.fasterxml.jackson.core:jackson-databind", "2.15.2"),  # managed version
        ("io.netty:netty-handler", "4.1.100.Final"),  # nested properties
        ("com.example.platform:orders-api", "7.2.0"),  # groupId and version from the parent
        ("com.example.platform:platform-core", "7.2.0"),  # ${project.parent.version}
        ("junit:junit", "4.13.2"),  # the exact range [4.13.2]
        ("com.thoughtworks.xstream:xstream", "1.4.19"),  # a profile's own property
        ("org.yaml:snakeyaml", "1.33"),  # managed only: pins a transitive version
    ]
    comps = by_name(result)
    jackson = comps["com.fasterxml.jackson.core:jackson-databind"]
    assert jackson.line == 43 and jackson.direct is True and jackson.scope == "runtime"
    assert comps["com.example.platform:platform-core"].scope == "provided"
    assert comps["junit:junit"].scope == "test"
    assert comps["com.thoughtworks.xstream:xstream"].line == 114
    snakeyaml = comps["org.yaml:snakeyaml"]
    assert snakeyaml.direct is False and snakeyaml.scope is None and snakeyaml.line == 27
    # Neither the BOM import nor the shade plugin's own dependency is a component.
    assert "org.springframework.boot:spring-boot-dependencies" not in comps
    assert "org.ow2.asm:asm" not in comps
    skipped = {s.name: s for s in result.skipped}
    assert sorted(skipped) == [
        "com.h2database:h2",
        "org.apache.commons:commons-text",
        "org.bouncycastle:bcprov-jdk18on",
        "org.springframework.boot:spring-boot-starter-web",
    ]
    assert "version range" in skipped["org.apache.commons:commons-text"].reason
    assert skipped["org.apache.commons:commons-text"].line == 69
    assert (
        "managed outside this file"
        in skipped["org.springframework.boot:spring-boot-starter-web"].reason
    )
    assert "${bouncycastle.version}" in skipped["org.bouncycastle:bcprov-jdk18on"].reason
    assert "LATEST" in skipped["com.h2database:h2"].reason


def test_unresolvable_properties_are_skipped_not_expanded() -> None:
    result = parse_fixture(P, "pom_xml", "property-cycle.xml")
    assert result.components == ()
    reasons = {s.name: s.reason for s in result.skipped}
    assert "refer to each other" in reasons["org.example:cycle"]
    assert "expands beyond" in reasons["org.example:blowup"]
    assert reasons["?:no-group"] == "dependency has no <groupId>"


def test_declared_encoding_is_honoured() -> None:
    result = parse_fixture(P, "pom_xml", "latin1-encoding.xml")
    assert keys(result) == [("org.example:encoded", "1.0")]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-unclosed.xml", 7, "not well-formed XML: mismatched tag"),
        ("malformed-not-a-project.xml", 2, "root element is <settings>"),
        ("hostile-entity-expansion.xml", 3, "forbidden XML construct"),
        ("hostile-external-entity.xml", 3, "forbidden XML construct"),
    ],
)
def test_malformed_and_hostile(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "pom_xml", name)
    assert info.value.line == line
    assert message in info.value.message


def test_external_dtd_is_not_fetched() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE project SYSTEM "http://127.0.0.1:9/x.dtd"><project/>'
    with pytest.raises(ParseError, match="forbidden XML construct"):
        P.parse("pom.xml", data)


def test_limits() -> None:
    with pytest.raises(ParseError, match="larger than"):
        parse_xml("big.xml", b" " * (MAX_XML_BYTES + 1))
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    with pytest.raises(ParseError, match="nested deeper"):
        parse_xml("deep.xml", deep)
    with pytest.raises(ParseError, match="empty file"):
        parse_xml("empty.xml", b"  \n")
    with pytest.raises(ParseError, match="unsupported XML encoding"):
        parse_xml("enc.xml", b'<?xml version="1.0" encoding="x-no-such"?><p/>')


def test_element_count_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import runink.inventory._xml as xml_module

    monkeypatch.setattr(xml_module, "MAX_ELEMENTS", 10)
    with pytest.raises(ParseError, match="more than 10 elements"):
        parse_xml("many.xml", b"<p>" + b"<a/>" * 10 + b"</p>")
    assert len(parse_xml("ok.xml", b"<p>" + b"<a/>" * 9 + b"</p>").children) == 9
