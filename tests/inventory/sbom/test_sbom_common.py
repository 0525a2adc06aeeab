"""Shared SBOM machinery: purl resolution, graph placement, duplicates, lines, metadata."""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory._sbom_common import (
    Entry,
    Graph,
    LineIndex,
    anchore_purl,
    assemble,
    load_json,
    party_from_text,
    resolve_entry,
    widest_scope,
)
from runink.model.component import Component, Skipped


def _component(entry: Entry) -> Component:
    result = resolve_entry("sbom.json", entry)
    assert isinstance(result, Component), result
    return result


def _skipped(entry: Entry) -> Skipped:
    result = resolve_entry("sbom.json", entry)
    assert isinstance(result, Skipped), result
    return result


class TestResolve:
    def test_purl_gives_ecosystem_normalized_name_and_canonical_purl(self) -> None:
        c = _component(Entry(name="Django", purls=("pkg:PYPI/Django_Rest@3.14.0",), line=7))
        assert (c.ecosystem, c.name, c.version, c.line) == ("PyPI", "django-rest", "3.14.0", 7)
        assert c.source == "sbom.json"
        assert c.purl_override == "pkg:pypi/django-rest@3.14.0"

    def test_version_from_the_document_when_the_purl_has_none(self) -> None:
        c = _component(Entry(name="left-pad", purls=("pkg:npm/left-pad",), version="1.3.0"))
        assert c.version == "1.3.0"
        assert c.purl_override == "pkg:npm/left-pad@1.3.0"

    def test_purl_version_wins_over_the_document_version(self) -> None:
        c = _component(Entry(name="x", purls=("pkg:npm/x@2.0.0",), version="1.0.0"))
        assert c.version == "2.0.0"

    def test_no_version_anywhere_is_skipped(self) -> None:
        s = _skipped(Entry(name="requests", purls=("pkg:pypi/requests",), line=3))
        assert s == Skipped(
            "requests", "pkg:pypi/requests: no version in the purl or the document", 3
        )

    def test_no_purl_is_skipped_with_kind(self) -> None:
        assert _skipped(Entry(name="debian", kind="operating-system")).reason == (
            "operating-system component has no package URL (purl), so its ecosystem is unknown"
        )
        assert (
            "CPE-only entries cannot be matched" in _skipped(Entry(name="n", has_cpe=True)).reason
        )

    def test_generic_purl_is_skipped(self) -> None:
        s = _skipped(Entry(name="zlib", purls=("pkg:generic/zlib@1.2.13",), kind="library"))
        assert s.reason == (
            "library component: pkg:generic/zlib@1.2.13: no known ecosystem for purl type 'generic'"
        )

    def test_invalid_purl_is_skipped(self) -> None:
        s = _skipped(Entry(name="x", purls=("pkg:pypi/",)))
        assert s.reason.startswith("invalid package URL 'pkg:pypi/'")

    def test_first_usable_purl_wins(self) -> None:
        c = _component(Entry(name="x", purls=("pkg:generic/x@1", "pkg:npm/x@1")))
        assert (c.ecosystem, c.purl_override) == ("npm", "pkg:npm/x@1")

    def test_syft_upstream_qualifier_names_the_source_package_and_version(self) -> None:
        purl = "pkg:deb/debian/bsdutils@1:2.29.2-1+deb9u1?arch=amd64&upstream=util-linux%402.29.2-1+deb9u1&distro=debian-9"
        c = _component(Entry(name="bsdutils", purls=(purl,)))
        assert (c.ecosystem, c.name, c.version) == ("Debian:9", "util-linux", "2.29.2-1+deb9u1")
        assert c.purl_override is None  # the purl names the source package, like the name
        assert c.purl == "pkg:deb/debian/util-linux@2.29.2-1%2Bdeb9u1?distro=debian-9"

    def test_binaries_of_one_source_version_are_one_component(self) -> None:
        entries = [
            Entry(
                name="libssl3", purls=("pkg:apk/alpine/libssl3@3.1.4-r5?upstream=openssl",), line=4
            ),
            Entry(
                name="libcrypto3", purls=("pkg:apk/alpine/libcrypto3@3.1.4-r5?upstream=openssl",)
            ),
            Entry(name="openssl", purls=("pkg:apk/alpine/openssl@3.1.4-r5",)),
        ]
        [c] = assemble("f", entries).components
        assert (c.ecosystem, c.name, c.version, c.line) == ("Alpine", "openssl", "3.1.4-r5", 4)

    def test_a_binary_named_like_its_source_keeps_its_purl(self) -> None:
        purl = "pkg:deb/ubuntu/pcre3@2:8.39-12ubuntu0.1?arch=amd64&distro=focal&source=pcre3"
        c = _component(Entry(name="pcre3", purls=(purl,)))
        assert (c.name, c.version, c.purl_override) == (
            "pcre3",
            "2:8.39-12ubuntu0.1",
            "pkg:deb/ubuntu/pcre3@2:8.39-12ubuntu0.1?arch=amd64&distro=focal&source=pcre3",
        )

    def test_upstream_without_version_keeps_the_binary_version(self) -> None:
        purl = "pkg:apk/alpine/libcrypto3@3.0.8-r0?upstream=openssl&distro=alpine-3.17.2"
        c = _component(Entry(name="libcrypto3", purls=(purl,)))
        assert (c.ecosystem, c.name, c.version) == ("Alpine:v3.17", "openssl", "3.0.8-r0")

    def test_source_and_origin_qualifiers(self) -> None:
        c = _component(
            Entry(name="zlib1g", purls=("pkg:deb/ubuntu/zlib1g@1:1.2.11?source=zlib&distro=jammy",))
        )
        assert (c.ecosystem, c.name, c.version) == ("Ubuntu:22.04", "zlib", "1:1.2.11")
        c = _component(Entry(name="so", purls=("pkg:apk/alpine/libz@1.2.12-r1?origin=zlib",)))
        assert (c.ecosystem, c.name) == ("Alpine", "zlib")

    def test_entry_source_name_and_version_win(self) -> None:
        entry = Entry(
            name="libssl3",
            purls=("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12",),
            source_name="openssl",
            source_version="3.0.11-1~deb12u2",
        )
        assert (_component(entry).name, _component(entry).version) == (
            "openssl",
            "3.0.11-1~deb12u2",
        )

    def test_source_names_are_not_used_outside_debian_ubuntu_alpine(self) -> None:
        entry = Entry(name="pkg", purls=("pkg:npm/pkg@1.0.0?upstream=other",), source_name="other")
        assert _component(entry).name == "pkg"

    def test_epoch_qualifier_becomes_part_of_the_version(self) -> None:
        c = _component(
            Entry(name="openssl", purls=("pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=1",))
        )
        assert (c.ecosystem, c.version) == ("Red Hat", "1:1.1.1k-7.el8")
        c = _component(Entry(name="gcrypt", purls=("pkg:deb/debian/libgcrypt20@1.10.1-3?epoch=2",)))
        assert c.version == "2:1.10.1-3"
        c = _component(Entry(name="bash", purls=("pkg:rpm/redhat/bash@4.4.20-4.el8?epoch=0",)))
        assert c.version == "4.4.20-4.el8"

    def test_go_devel_is_skipped_and_stdlib_is_normalized(self) -> None:
        s = _skipped(Entry(name="app", purls=("pkg:golang/example.com/app@(devel)",)))
        assert "'(devel)' is a local development build" in s.reason
        assert (
            _component(Entry(name="stdlib", purls=("pkg:golang/stdlib@go1.21.4",))).version
            == "1.21.4"
        )
        assert (
            _component(Entry(name="stdlib", purls=("pkg:golang/stdlib@v1.20.1",))).version
            == "1.20.1"
        )
        module = _component(Entry(name="m", purls=("pkg:golang/github.com/a/b@v1.2.3",)))
        assert (module.name, module.version) == ("github.com/a/b", "v1.2.3")

    def test_legacy_pkg_alpine_purls_are_apk(self) -> None:
        c = _component(
            Entry(name="busybox", purls=("pkg:alpine/busybox@1.35.0-r13?distro=alpine-3.16.0",))
        )
        assert (c.ecosystem, c.name) == ("Alpine:v3.16", "busybox")
        assert c.purl_override == "pkg:apk/alpine/busybox@1.35.0-r13?distro=alpine-3.16.0"

    def test_a_purl_the_parser_built_is_not_an_override(self) -> None:
        c = _component(Entry(name="x", purls=("pkg:npm/x@1.0.0",), own_purl=False))
        assert c.purl_override is None
        assert c.purl == "pkg:npm/x@1.0.0"


class TestAssemble:
    def test_duplicates_by_ref_and_by_purl_are_one_component(self) -> None:
        entries = [
            Entry(name="a", purls=("pkg:npm/a@1.0.0",), ref="r1", line=3, scope="dev"),
            Entry(name="a-again", purls=("pkg:npm/b@9.9.9",), ref="r1", line=9),  # same ref
            Entry(name="a", purls=("pkg:npm/a@1.0.0",), ref="r2", line=5, scope="runtime"),
        ]
        result = assemble("f", entries)
        assert [(c.name, c.line, c.scope) for c in result.components] == [("a", 3, "runtime")]

    def test_merging_keeps_direct_and_the_shortest_path(self) -> None:
        entries = [
            Entry(name="a", purls=("pkg:npm/a@1",), direct=False, path=("r", "x", "a")),
            Entry(name="a", purls=("pkg:npm/a@1",), direct=True, path=("r", "a")),
        ]
        [component] = assemble("f", entries).components
        assert (component.direct, component.path) == (True, ("r", "a"))

    def test_graph_gives_direct_and_path_from_the_root(self) -> None:
        entries = [
            Entry(name="root", purls=("pkg:npm/root@1",), ref="root", subject=True),
            Entry(name="a", purls=("pkg:npm/a@1",), ref="a"),
            Entry(name="b", purls=("pkg:npm/b@1",), ref="b"),
            Entry(name="orphan", purls=("pkg:npm/orphan@1",), ref="orphan"),
            Entry(name="unlisted", purls=("pkg:npm/unlisted@1",), ref="unlisted"),
        ]
        graph = Graph(edges={"root": ["a", "b"], "a": ["b"], "orphan": []}, roots=["root"])
        got = {c.name: (c.direct, c.path) for c in assemble("f", entries, graph=graph).components}
        assert got == {
            "root": (None, ("root",)),
            "a": (True, ("root", "a")),
            "b": (True, ("root", "b")),
            "orphan": (False, ()),
            "unlisted": (None, ()),
        }

    def test_containment_is_structure_not_dependency(self) -> None:
        entries = [
            Entry(name="os", ref="os", kind="operating-system"),
            Entry(name="libc", purls=("pkg:deb/debian/libc6@2.36",), ref="libc"),
            Entry(name="app", purls=("pkg:npm/app@1",), ref="app"),
            Entry(name="dep", purls=("pkg:npm/dep@1",), ref="dep"),
            Entry(name="deeper", purls=("pkg:npm/deeper@1",), ref="deeper"),
        ]
        graph = Graph(
            edges={"app": ["dep"], "dep": ["deeper"]},
            containment={"image": ["os", "app"], "os": ["libc"]},
            roots=["image"],
            labels={"image": "shop:1.0"},
        )
        got = {c.name: (c.direct, c.path) for c in assemble("f", entries, graph=graph).components}
        assert got == {
            "libc6": (None, ("shop:1.0", "os", "libc6")),
            "app": (None, ("shop:1.0", "app")),
            "dep": (True, ("shop:1.0", "app", "dep")),
            "deeper": (False, ("shop:1.0", "app", "dep", "deeper")),
        }

    def test_a_subject_that_does_not_resolve_is_not_skipped(self) -> None:
        entries = [
            Entry(name="image", purls=("pkg:oci/image@sha256%3Aabc",), subject=True),
            Entry(name="nopurl", subject=True),
            Entry(name="other", kind="file"),
        ]
        result = assemble("f", entries)
        assert result.components == ()
        assert [s.name for s in result.skipped] == ["other"]

    def test_extra_skipped_and_metadata_are_kept(self) -> None:
        result = assemble("f", [], metadata={"k": "v"}, extra_skipped=[Skipped("svc", "service")])
        assert result.metadata == {"k": "v"}
        assert result.skipped == (Skipped("svc", "service"),)


def test_widest_scope() -> None:
    assert widest_scope(["dev", "test"]) == "test"
    assert widest_scope(["dev", "runtime", "optional"]) == "runtime"
    assert widest_scope([]) is None


def test_line_index_hands_out_lines_in_document_order() -> None:
    data = (
        b'{\n "components": [\n  {"purl": "pkg:npm/a@1"},\n  {"purl": "pkg:npm/a@1"},\n'
        b'  {"purl": "pkg:npm/\\u0062@1", "bom-ref": "x"}\n ]\n}'
    )
    lines = LineIndex(data, ("purl", "bom-ref"))
    assert lines.take("purl", "pkg:npm/a@1") == 3
    assert lines.take("purl", "pkg:npm/a@1") == 4
    assert lines.take("purl", "pkg:npm/a@1") == 3  # exhausted: the first line again
    assert lines.take("purl", "pkg:npm/b@1") == 5  # escapes are decoded
    assert lines.take("bom-ref", "x") == 5
    assert lines.take("purl", "pkg:npm/missing@1") is None
    assert lines.take("purl", None) is None


class TestLoadJson:
    def test_reports_the_line_of_a_syntax_error(self) -> None:
        with pytest.raises(ParseError) as info:
            load_json("bad.json", b'{\n "a": 1,\n "b": }\n')
        assert info.value.line == 3
        assert str(info.value).startswith("bad.json:3: invalid JSON")

    def test_accepts_a_utf8_bom_and_utf16(self) -> None:
        assert load_json("a.json", b'\xef\xbb\xbf{"a": 1}')[0] == {"a": 1}
        assert load_json("b.json", '{"a": "é"}'.encode("utf-16"))[0] == {"a": "é"}

    def test_empty_and_oversized(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with pytest.raises(ParseError, match="empty document"):
            load_json("e.json", b"")
        from runink.inventory import _sbom_common

        monkeypatch.setattr(_sbom_common, "MAX_DOCUMENT_BYTES", 10)
        with pytest.raises(ParseError, match="the limit is 10 bytes"):
            load_json("big.json", b'{"a": "0123456789"}')


def test_party_from_spdx_creator_text() -> None:
    party = party_from_text("Person: Jane Doe (jane@example.org)")
    assert (party.name, party.emails) == ("Jane Doe", ("jane@example.org",))
    assert party_from_text("Organization: Acme").render() == "Acme"
    assert party_from_text("Person: <ops@example.org>").render() == "<ops@example.org>"


def test_anchore_purl_for_packages_written_without_one() -> None:
    assert anchore_purl("python", "Flask", "2.2.2", None, None) == "pkg:pypi/flask@2.2.2"
    assert anchore_purl("npm", "@babel/core", "7.0.0", None, None) == "pkg:npm/%40babel/core@7.0.0"
    assert anchore_purl("deb", "libc6", "2.36", "debian", "12") == (
        "pkg:deb/debian/libc6@2.36?distro=debian-12"
    )
    assert anchore_purl("deb", "libc6", "2.36", None, None) is None
    assert anchore_purl("binary", "curl", "7.88.1", None, None) is None
