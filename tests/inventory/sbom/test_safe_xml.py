"""The safe XML loader: hostile documents fail with ParseError, lines are recorded."""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory import _safe_xml
from runink.inventory._safe_xml import local_name, namespace_of, parse_xml
from tests.inventory.sbom.conftest import fixture_bytes


def test_records_the_line_of_each_start_tag() -> None:
    doc = parse_xml(
        "x.xml", b'<?xml version="1.0"?>\n<a xmlns="urn:x">\n  <b>1</b>\n\n  <c\n/></a>'
    )
    lines = {local_name(e.tag): line for e, line in doc.lines.items()}
    assert lines == {"a": 2, "b": 3, "c": 5}
    assert namespace_of(doc.root.tag) == "urn:x"
    assert namespace_of("plain") == ""


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("attack-billion-laughs.cdx.xml", "document type declarations (DOCTYPE) are not allowed"),
        ("attack-external-entity.cdx.xml", "document type declarations (DOCTYPE) are not allowed"),
        ("attack-external-dtd.cdx.xml", "document type declarations (DOCTYPE) are not allowed"),
    ],
)
def test_hostile_documents_are_refused(name: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_xml(name, fixture_bytes(name))
    assert message in str(info.value)
    assert info.value.path == name
    assert info.value.line == 2


def test_undeclared_entity_is_a_syntax_error_with_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_xml("e.xml", b"<a>\n<b>&xxe;</b>\n</a>")
    assert info.value.line == 2
    assert "undefined entity" in str(info.value)


def test_malformed_xml_names_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        parse_xml("m.xml", fixture_bytes("malformed-mismatched-tag.cdx.xml"))
    assert str(info.value) == "m.xml:6: invalid XML: mismatched tag (column 25)"


def test_empty_document() -> None:
    with pytest.raises(ParseError, match="empty document"):
        parse_xml("e.xml", b"  \n")


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_safe_xml, "MAX_XML_BYTES", 64)
    parse_xml("ok.xml", b"<a>" + b"x" * 50 + b"</a>")
    with pytest.raises(ParseError, match="the limit is 64 bytes"):
        parse_xml("big.xml", b"<a>" + b"x" * 100 + b"</a>")


def test_element_count_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_safe_xml, "MAX_ELEMENTS", 10)
    parse_xml("ok.xml", b"<r>" + b"<a/>" * 9 + b"</r>")
    with pytest.raises(ParseError, match="more than 10 elements"):
        parse_xml("many.xml", b"<r>" + b"<a/>" * 10 + b"</r>")


def test_depth_limit() -> None:
    depth = _safe_xml.MAX_DEPTH
    parse_xml("ok.xml", b"<a>" * depth + b"</a>" * depth)
    with pytest.raises(ParseError, match=f"deeper than {depth} levels"):
        parse_xml("deep.xml", b"<a>" * (depth + 1) + b"</a>" * (depth + 1))
