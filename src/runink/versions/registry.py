"""The one dispatch table: OSV ecosystem (base name, before any ``:``) -> version scheme.

Several ecosystems share a scheme (npm, crates.io and Hex share SemVer; Debian and Ubuntu share
dpkg). An ecosystem missing here is unsupported: ``scheme_for`` raises
``UnsupportedEcosystemError`` and the matcher reports it, never a silent "not affected".
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from runink.versions import apk, composer, dpkg, golang, maven, nuget, pep440, rpm, rubygems, semver
from runink.versions.base import VersionScheme

__all__ = ["SCHEMES"]

SCHEMES: Final[MappingProxyType[str, VersionScheme]] = MappingProxyType(
    {
        "PyPI": pep440.SCHEME,
        "npm": semver.SEMVER,
        "crates.io": semver.SEMVER,
        "Hex": semver.SEMVER,
        "SwiftURL": semver.SEMVER,
        "GitHub Actions": semver.SEMVER,
        "Bitnami": semver.SEMVER,
        "Pub": semver.PUB,
        "Go": golang.SCHEME,
        "Maven": maven.SCHEME,
        "RubyGems": rubygems.SCHEME,
        "NuGet": nuget.SCHEME,
        "Packagist": composer.SCHEME,
        "Debian": dpkg.SCHEME,
        "Ubuntu": dpkg.SCHEME,
        "Alpine": apk.SCHEME,
        "Wolfi": apk.SCHEME,
        "Chainguard": apk.SCHEME,
        "Red Hat": rpm.SCHEME,
        "Rocky Linux": rpm.SCHEME,
        "AlmaLinux": rpm.SCHEME,
        "SUSE": rpm.SCHEME,
        "openSUSE": rpm.SCHEME,
        "openEuler": rpm.SCHEME,
        "Mageia": rpm.SCHEME,
    }
)
