"""``runink.model.ecosystems``: OSV ecosystem names, name normalization and release matching."""

from __future__ import annotations

import json

import pytest

from runink.model.ecosystems import (
    DISTRO_ECOSYSTEM_BY_NAMESPACE,
    ECOSYSTEM_BY_PURL_TYPE,
    PURL_TYPE_BY_ECOSYSTEM,
    base_ecosystem,
    ecosystem_matches,
    ecosystem_release,
    normalize_name,
)
from tests.conftest import shared_path


@pytest.mark.parametrize(
    ("ecosystem", "base", "release"),
    [
        ("PyPI", "PyPI", None),
        ("Debian:12", "Debian", "12"),
        ("Alpine:v3.20", "Alpine", "v3.20"),
        ("Ubuntu:22.04:LTS", "Ubuntu", "22.04:LTS"),
        ("Ubuntu:Pro:18.04:LTS", "Ubuntu", "Pro:18.04:LTS"),
        ("Red Hat:enterprise_linux:9::appstream", "Red Hat", "enterprise_linux:9::appstream"),
        ("Maven:https://maven.google.com", "Maven", "https://maven.google.com"),
        ("Debian:", "Debian", None),
    ],
)
def test_base_and_release(ecosystem: str, base: str, release: str | None) -> None:
    assert base_ecosystem(ecosystem) == base
    assert ecosystem_release(ecosystem) == release


@pytest.mark.parametrize(
    ("ecosystem", "name", "expected"),
    [
        # PEP 503: runs of -, _ and . become one -, lowercased.
        ("PyPI", "Django_Foo", "django-foo"),
        ("PyPI", "zope.interface", "zope-interface"),
        ("PyPI", "Foo.-_Bar__baz", "foo-bar-baz"),
        ("PyPI", "  requests ", "requests"),
        # npm keeps its scope; names compare case-insensitively (the registry forbids names
        # that differ only by case, and package URLs lowercase npm names).
        ("npm", "@angular/core", "@angular/core"),
        ("npm", "JSONStream", "jsonstream"),
        ("npm", "@Types/Node", "@types/node"),
        # Maven is group:artifact, case kept.
        ("Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"),
        ("Maven", "org.apache.logging.log4j/log4j-core", "org.apache.logging.log4j:log4j-core"),
        ("Maven", "HTTPClient:HTTPClient", "HTTPClient:HTTPClient"),
        # Go module paths are case-sensitive and kept whole.
        ("Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"),
        ("Go", "github.com/go-chi/chi/v5", "github.com/go-chi/chi/v5"),
        ("crates.io", "serde_json", "serde_json"),
        ("RubyGems", "ActiveRecord-JDBC", "ActiveRecord-JDBC"),
        ("NuGet", "Newtonsoft.Json", "newtonsoft.json"),
        ("Packagist", "Laravel/Framework", "laravel/framework"),
        ("Hex", "Phoenix_HTML", "phoenix_html"),
        ("GitHub Actions", "Azure/setup-helm", "azure/setup-helm"),
        ("Alpine:v3.20", "py3-Foo", "py3-foo"),
        ("Debian:12", "openssl", "openssl"),
    ],
)
def test_normalize_name(ecosystem: str, name: str, expected: str) -> None:
    assert normalize_name(ecosystem, name) == expected


def test_normalize_name_is_idempotent() -> None:
    for ecosystem, name in [
        ("PyPI", "Django_Foo"),
        ("npm", "@Angular/Core"),
        ("Maven", "a.b/c"),
        ("NuGet", "X.Y"),
        ("GitHub Actions", "Owner/Repo"),
    ]:
        once = normalize_name(ecosystem, name)
        assert normalize_name(ecosystem, once) == once


def test_purl_type_tables_agree() -> None:
    for ptype, ecosystem in ECOSYSTEM_BY_PURL_TYPE.items():
        assert PURL_TYPE_BY_ECOSYSTEM[ecosystem] == ptype
    for (ptype, _namespace), ecosystem in DISTRO_ECOSYSTEM_BY_NAMESPACE.items():
        assert PURL_TYPE_BY_ECOSYSTEM[ecosystem] == ptype
    covered = set(ECOSYSTEM_BY_PURL_TYPE.values()) | set(DISTRO_ECOSYSTEM_BY_NAMESPACE.values())
    assert covered == set(PURL_TYPE_BY_ECOSYSTEM)


def test_every_ecosystem_we_map_is_an_osv_ecosystem() -> None:
    known = json.loads(shared_path("osv-schema", "ecosystems.json").read_text(encoding="utf-8"))
    assert set(PURL_TYPE_BY_ECOSYSTEM) <= set(known)


@pytest.mark.parametrize(
    ("component", "advisory", "expected"),
    [
        # Same ecosystem, same release.
        ("PyPI", "PyPI", True),
        ("Debian:12", "Debian:12", True),
        ("Alpine:v3.20", "Alpine:v3.20", True),
        # A missing release on either side: checked against every release.
        ("Debian", "Debian:12", True),
        ("Debian:12", "Debian", True),
        ("Ubuntu", "Ubuntu:Pro:18.04:LTS", True),
        ("Maven", "Maven:https://maven.google.com", True),
        # Different releases.
        ("Debian:11", "Debian:12", False),
        ("Alpine:v3.19", "Alpine:v3.20", False),
        ("Ubuntu:20.04", "Ubuntu:22.04:LTS", False),
        ("Debian:12", "Debian:sid", False),
        # Ubuntu's LTS marker is decoration: 22.04 is 22.04:LTS.
        ("Ubuntu:22.04", "Ubuntu:22.04:LTS", True),
        ("Ubuntu:22.04:LTS", "Ubuntu:22.04", True),
        ("Ubuntu:24.10", "Ubuntu:24.10", True),
        # Ubuntu Pro (ESM) fixes apply to the release they were made for.
        ("Ubuntu:18.04", "Ubuntu:Pro:18.04:LTS", True),
        ("Ubuntu:18.04:LTS", "Ubuntu:Pro:18.04:LTS", True),
        ("Ubuntu:20.04", "Ubuntu:Pro:18.04:LTS", False),
        # ... but FIPS and Realtime streams ship other builds, and do not.
        ("Ubuntu:20.04", "Ubuntu:Pro:FIPS-updates:20.04:LTS", False),
        ("Ubuntu:22.04", "Ubuntu:Pro:Realtime:22.04:LTS", False),
        # A release written with more precision than the advisory uses.
        ("Alpine:v3.20.3", "Alpine:v3.20", True),
        ("Alpine:3.20", "Alpine:v3.20", True),
        ("Alpine:v3.2", "Alpine:v3.20", False),
        ("Debian:12.4", "Debian:12", True),
        ("Debian:7.11", "Debian:7", True),
        ("Debian:1", "Debian:12", False),
        ("Debian:3.0", "Debian:3.1", False),  # woody and sarge: distinct releases before 7
        ("Alpine:edge", "Alpine:v3.20", False),
        # Different bases never match, whatever the release.
        ("Debian:12", "Ubuntu:12", False),
        ("PyPI", "npm", False),
        ("Red Hat", "Rocky Linux", False),
        ("Alpine", "Alpaquita", False),
        ("Ubuntu:22.04", "Debian", False),
    ],
)
def test_ecosystem_matches(component: str, advisory: str, expected: bool) -> None:
    assert ecosystem_matches(component, advisory) is expected
