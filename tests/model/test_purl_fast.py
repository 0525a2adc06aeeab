"""The fast purl reader and writer (``purl_from_string``/``purl_to_string``) against packageurl.

Both must give exactly what ``PackageURL.from_string`` and ``PackageURL.to_string`` give: the
same values, the same errors. They are compared over every purl in the shared data (SBOMs,
scanner reports, lockfile fixtures, the purl specification's test suite), over mutations of
those (characters inserted, case changed, parts doubled), and over generated purls.
"""

from __future__ import annotations

import json
import re
import tarfile
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packageurl import PackageURL

from runink.errors import InvalidPurlError
from runink.model import purl as purl_module
from runink.model.purl import (
    _fast_enabled,
    _fast_from_string,
    _fast_to_string,
    package_ref,
    parse_purl,
    purl_from_string,
    purl_to_string,
)
from tests.conftest import SHARED_DATA

_PURL_IN_TEXT = re.compile(rb"pkg:[^\"\s<>\\]+")


@cache
def shared_purls() -> tuple[str, ...]:
    """Every distinct purl-looking text in the shared data (empty when it is absent)."""
    found: set[bytes] = set()
    if not SHARED_DATA.is_dir():
        return ()
    for archive in sorted((SHARED_DATA / "sbom").glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar:
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is not None:
                    found.update(_PURL_IN_TEXT.findall(handle.read()))
    for folder in ("sbom", "lockfile-fixtures"):
        for path in sorted((SHARED_DATA / folder).rglob("*")):
            if path.is_file() and not path.name.endswith(".gz"):
                found.update(_PURL_IN_TEXT.findall(path.read_bytes()))
    texts = {raw.decode("utf-8", "replace") for raw in found}
    spec = SHARED_DATA / "purl-spec"
    if spec.is_dir():
        for path in sorted(spec.rglob("*.json")):
            texts.update(_strings(json.loads(path.read_text(encoding="utf-8"))))
    return tuple(sorted(texts))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def check_read(text: str) -> PackageURL | None:
    """The fast reader agrees with packageurl on ``text``; returns packageurl's value."""
    fast = _fast_from_string(text)
    try:
        expected = PackageURL.from_string(text)
    except ValueError as exc:
        assert fast is None, text
        with pytest.raises(ValueError) as raised:
            purl_from_string(text)
        assert str(raised.value) == str(exc)
        return None
    if fast is not None:
        assert type(fast) is PackageURL
        assert tuple(fast) == tuple(expected), text
    assert tuple(purl_from_string(text)) == tuple(expected), text
    return expected


def check_write(purl: PackageURL) -> None:
    """The fast writer agrees with packageurl on ``purl``."""
    try:
        expected: str | None = str(purl.to_string())
    except (ValueError, TypeError):
        expected = None
    fast = _fast_to_string(purl)
    if expected is None:
        assert fast is None, purl
        return
    assert fast in (None, expected), purl
    assert purl_to_string(purl) == expected


def check_canonical(text: str, expected: PackageURL) -> None:
    """``purl_and_canonical``: packageurl's reading, and when it vouches for a canonical text
    without writing one, exactly the text packageurl would write."""
    purl, canonical = purl_module.purl_and_canonical(text)
    assert tuple(purl) == tuple(expected), text
    if canonical is not None:
        assert canonical == str(expected.to_string()), text


def check(text: str) -> None:
    expected = check_read(text)
    if expected is None:
        with pytest.raises(ValueError):
            purl_module.purl_and_canonical(text)
        return
    check_write(expected)
    check_canonical(text, expected)
    fast = _fast_from_string(text)
    if fast is not None:
        check_write(fast)
    # The forms Runink writes: another version, and the alpine type renamed.
    check_write(expected._replace(version="1.0+local build"))
    check_write(expected._replace(version="v2.0.0-RC1"))
    check_write(expected._replace(type="apk", namespace="alpine"))


def test_the_fast_path_is_on() -> None:
    # With the packageurl Runink is tested with, every probe agrees and the fast path is used.
    assert _fast_enabled()
    assert _fast_from_string("pkg:npm/%40angular/core@16.2.0") is not None
    assert _fast_from_string("pkg:npm/%41ngular/core@16.2.0") is None
    assert _fast_from_string("pkg:npm/@angular/core@16.2.0") is not None


def test_probes() -> None:
    for text in purl_module._PROBES:
        check(text)


def test_every_purl_in_the_shared_data() -> None:
    texts = shared_purls()
    if not texts:
        pytest.skip(f"shared test data not present at {SHARED_DATA}")
    assert len(texts) > 5000
    for text in texts:
        check(text)
        check(text.strip())


def test_parse_purl_is_package_ref_of_the_parsed_purl() -> None:
    for text in [*purl_module._PROBES, *shared_purls()[:3000]]:
        try:
            purl = purl_from_string(text.strip())
        except ValueError:
            with pytest.raises(InvalidPurlError):
                parse_purl(text)
            continue
        try:
            expected = parse_purl(text)
        except InvalidPurlError as exc:
            with pytest.raises(InvalidPurlError) as raised:
                package_ref(purl, text)
            assert str(raised.value) == str(exc)
            continue
        assert package_ref(purl, text) == expected


_SPECIAL = "%/@?#&=:._-+~ \t\n!$'()*,;[]{}|^`\"<>\\AZaz09é\x00\x7f"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    seeds = shared_purls() or purl_module._PROBES
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.integers(0, 4))
        at = draw(st.integers(0, len(text)))
        if action == 0:
            text = text[:at] + draw(st.sampled_from(_SPECIAL)) + text[at:]
        elif action == 1:
            text = text[:at] + text[at + 1 :]
        elif action == 2:
            text = text[:at] + text[at:].upper()
        elif action == 3:
            text = text[:at] + text[at:].lower()
        else:
            end = draw(st.integers(at, len(text)))
            text = text[:at] + text[at:end] * 2 + text[end:]
    return text


@settings(max_examples=3000, deadline=None)
@given(mutated())
def test_mutated_purls(text: str) -> None:
    check(text)


_PART = st.text(alphabet=st.sampled_from("abcAB09._-~+:@/%2F40 #?&="), max_size=8)


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(
        [
            "pypi",
            "npm",
            "golang",
            "maven",
            "deb",
            "apk",
            "pub",
            "hackage",
            "cpan",
            "oci",
            "huggingface",
            "mlflow",
            "ml",
            "generic",
            "NPM",
        ]
    ),
    _PART,
    _PART,
    _PART,
    st.lists(st.tuples(_PART, _PART), max_size=3),
    _PART,
)
def test_generated_purls(
    ptype: str,
    namespace: str,
    name: str,
    version: str,
    qualifiers: list[tuple[str, str]],
    subpath: str,
) -> None:
    text = f"pkg:{ptype}/{namespace}/{name}"
    if version:
        text += f"@{version}"
    if qualifiers:
        text += "?" + "&".join(f"{k}={v}" for k, v in qualifiers)
    if subpath:
        text += f"#{subpath}"
    check(text)


@settings(max_examples=3000, deadline=None)
@given(_PART, _PART, _PART, st.lists(st.tuples(_PART, _PART), max_size=3), _PART)
def test_generated_npm_purls_with_an_escaped_scope(
    scope: str, name: str, version: str, qualifiers: list[tuple[str, str]], subpath: str
) -> None:
    """``pkg:npm/%40scope/name``, the canonical spelling of a scoped npm package, is read by
    the fast path; whatever follows the escape is compared with packageurl as everywhere."""
    text = f"pkg:npm/%40{scope}/{name}"
    if version:
        text += f"@{version}"
    if qualifiers:
        text += "?" + "&".join(f"{k}={v}" for k, v in qualifiers)
    if subpath:
        text += f"#{subpath}"
    check(text)


def test_an_escaped_npm_scope_takes_the_fast_path() -> None:
    text = "pkg:npm/%40babel/core@7.0.0"
    fast = purl_module._fast_from_string(text)
    assert fast is not None and fast == PackageURL.from_string(text)
    assert (fast.namespace, fast.name, fast.version) == ("@babel", "core", "7.0.0")


def test_writer_on_constructed_purls() -> None:
    # Purls built from parts, as the parsers build them for packages listed without one.
    for purl in (
        PackageURL(type="deb", namespace="debian", name="libc6", version="2.36-9+deb12u4"),
        PackageURL(type="npm", namespace="@types", name="node", version="20.1.0"),
        PackageURL(type="maven", namespace="org.a", name="b", version="1.0", qualifiers={}),
        PackageURL(type="golang", namespace="github.com/a", name="b", version="v1.0.0"),
        PackageURL(type="apk", namespace="alpine", name="musl", qualifiers={"distro": "3.18"}),
        PackageURL(type="pypi", name="Foo_Bar", version="1.0", subpath="a/../b"),
    ):
        check_write(purl)
