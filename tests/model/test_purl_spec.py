"""``parse_purl`` / ``build_purl`` against the purl specification's own test suite.

``parse_purl`` maps a purl to OSV terms (ecosystem, normalized name, version), so the spec's
expected components are compared through that mapping: Maven joins namespace and name with
``:``, other types with ``/``, and the name is then normalized for the ecosystem.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from runink.errors import InvalidPurlError
from runink.model.ecosystems import (
    DISTRO_ECOSYSTEM_BY_NAMESPACE,
    ECOSYSTEM_BY_PURL_TYPE,
    base_ecosystem,
    normalize_name,
)
from runink.model.purl import build_purl, parse_purl
from tests.conftest import SHARED_DATA, shared_path

pytestmark = pytest.mark.shared_data

TYPES = (
    "pypi",
    "npm",
    "maven",
    "golang",
    "cargo",
    "gem",
    "nuget",
    "composer",
    "pub",
    "hex",
    "deb",
    "apk",
    "rpm",
)

# The spec marks these as invalid because a qualifier key is not lowercase, yet its own Maven
# cases accept "repositorY_url". Runink accepts them: qualifier keys are case-insensitive in
# packageurl-python, and rejecting an SBOM's component over a qualifier would hide it.
# Value: what they parse to (None: a vendor without an OSV ecosystem, reported as such).
LENIENT: dict[str, dict[str, str] | None] = {
    "pkg:gem/jruby-launcher@1.1.2?Platform=java": {
        "type": "gem",
        "namespace": "",
        "name": "jruby-launcher",
        "version": "1.1.2",
    },
    "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25": None,
}


def _cases(test_type: str, keep: Callable[[dict[str, Any]], bool] = lambda _: True) -> list[Any]:
    """The spec's cases of one kind, for our types (read at collection time)."""
    root = SHARED_DATA / "purl-spec" / "tests"
    files = [root / "types" / f"{t}-test.json" for t in TYPES]
    files.append(root / "spec" / "specification-test.json")
    cases: list[Any] = []
    for path in files:
        if not path.is_file():
            continue
        for case in json.loads(path.read_text(encoding="utf-8"))["tests"]:
            if case["test_type"] != test_type:
                continue
            if path.parent.name == "spec" and not _is_ours_or_invalid(case):
                continue
            if not keep(case):
                continue
            label = f"{path.stem}:{case['description'][:60]}:{json.dumps(case['input'])[:80]}"
            cases.append(pytest.param(case, id=label))
    if not cases:
        cases.append(pytest.param(None, id="purl-spec-absent"))
    return cases


def _is_ours_or_invalid(case: dict[str, Any]) -> bool:
    if case["expected_failure"]:
        return True
    data = case["input"] if isinstance(case["input"], dict) else case["expected_output"]
    return isinstance(data, dict) and data.get("type") in TYPES


def _ecosystem_of(ptype: str, namespace: str | None) -> str | None:
    if ptype in ECOSYSTEM_BY_PURL_TYPE:
        return ECOSYSTEM_BY_PURL_TYPE[ptype]
    return DISTRO_ECOSYSTEM_BY_NAMESPACE.get((ptype, (namespace or "").lower()))


def _osv_name(ptype: str, ecosystem: str, namespace: str | None, name: str) -> str:
    if ptype in ("deb", "apk", "rpm"):
        joined = name  # the distribution namespace is the vendor, not part of the name
    elif namespace:
        joined = f"{namespace}:{name}" if ecosystem == "Maven" else f"{namespace}/{name}"
    else:
        joined = name
    return normalize_name(ecosystem, joined)


def _require(case: dict[str, Any] | None) -> dict[str, Any]:
    if case is None:
        shared_path("purl-spec", "tests")  # skips with the standard message
        raise AssertionError("unreachable: the purl-spec data is present but had no cases")
    return case


@pytest.mark.parametrize("case", _cases("parse"))
def test_spec_parse_cases(case: dict[str, Any] | None) -> None:
    case = _require(case)
    text = case["input"]
    if case["expected_failure"] and text not in LENIENT:
        with pytest.raises(InvalidPurlError) as info:
            parse_purl(text)
        assert str(info.value).startswith(text)
        return
    expected = LENIENT[text] if text in LENIENT else case["expected_output"]
    ecosystem = _ecosystem_of(expected["type"], expected["namespace"]) if expected else None
    if expected is None or ecosystem is None:
        # A valid purl of a vendor OSV has no database for (e.g. rpm/fedora): reported, not
        # silently mapped onto another distribution's advisories.
        with pytest.raises(InvalidPurlError, match="no known ecosystem"):
            parse_purl(text)
        return
    ref = parse_purl(text)
    assert base_ecosystem(ref.ecosystem) == ecosystem
    assert ref.name == _osv_name(
        expected["type"], ecosystem, expected["namespace"], expected["name"]
    )
    assert ref.version == expected["version"]


def _buildable(case: dict[str, Any]) -> bool:
    # build_purl takes OSV terms and builds identities: no qualifiers, no subpath, and no way
    # to express the spec's invalid raw components (a null type or name).
    data = case["input"]
    return (
        not case["expected_failure"]
        and data["type"] in TYPES
        and not data["qualifiers"]
        and not data["subpath"]
    )


def _identity_only(case: dict[str, Any]) -> bool:
    # Qualifiers and subpaths are not part of a component's identity.
    return "?" not in case["expected_output"] and "#" not in case["expected_output"]


@pytest.mark.parametrize("case", _cases("build", _buildable))
def test_spec_build_cases(case: dict[str, Any] | None) -> None:
    data = _require(case)["input"]
    ecosystem = _ecosystem_of(data["type"], data["namespace"])
    assert ecosystem is not None
    if data["namespace"] and ecosystem == "Maven":
        name = f"{data['namespace']}:{data['name']}"
    elif data["namespace"]:
        name = f"{data['namespace']}/{data['name']}"
    else:
        name = data["name"]
    assert build_purl(ecosystem, name, data["version"]) == _require(case)["expected_output"]


@pytest.mark.parametrize("case", _cases("validate", _identity_only))
def test_spec_round_trips(case: dict[str, Any] | None) -> None:
    """parse -> build gives the spec's canonical form."""
    case = _require(case)
    canonical: str = case["expected_output"]
    ref = parse_purl(case["input"])
    rebuilt = build_purl(ref.ecosystem, ref.name, ref.version)
    if ref.ecosystem == "NuGet":
        # NuGet ids are case-insensitive and Runink stores them lowercased.
        assert rebuilt == canonical.lower()
    else:
        assert rebuilt == canonical
