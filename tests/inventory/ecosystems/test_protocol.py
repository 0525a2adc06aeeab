"""Every parser of this group fits the inventory ``Parser`` protocol the same way."""

from __future__ import annotations

import pytest

from runink.inventory.apk_installed import ApkInstalledParser
from runink.inventory.base import Parser, ParseResult
from runink.inventory.cargo_lock import CargoLockParser
from runink.inventory.composer_lock import ComposerLockParser
from runink.inventory.dpkg_status import DpkgStatusParser
from runink.inventory.gemfile_lock import GemfileLockParser
from runink.inventory.go_mod import GoModParser
from runink.inventory.gradle_lockfile import GradleLockfileParser
from runink.inventory.mix_lock import MixLockParser
from runink.inventory.nuget_lock import NugetLockParser
from runink.inventory.pom_xml import PomXmlParser
from runink.inventory.pubspec_lock import PubspecLockParser
from runink.inventory.terraform_lock import TerraformLockParser

from ._util import FIXTURES

# parser, format id, a file name it claims with a typical head, its one-package fixture
CASES: list[tuple[Parser, str, str, bytes, str]] = [
    (GoModParser(), "go.mod", "go.mod", b"module x\n", "go_mod/one-package.mod"),
    (CargoLockParser(), "Cargo.lock", "Cargo.lock", b"# This", "cargo_lock/one-package.lock"),
    (GemfileLockParser(), "Gemfile.lock", "gems.locked", b"GEM\n", "gemfile_lock/one-package.lock"),
    (
        ComposerLockParser(),
        "composer.lock",
        "composer.lock",
        b"{",
        "composer_lock/one-package.lock",
    ),
    (PomXmlParser(), "pom.xml", "pom.xml", b"<?xml", "pom_xml/one-package.xml"),
    (
        GradleLockfileParser(),
        "gradle.lockfile",
        "gradle.lockfile",
        b"# This is a Gradle",
        "gradle_lockfile/one-package.lockfile",
    ),
    (
        NugetLockParser(),
        "packages.lock.json",
        "packages.lock.json",
        b"{",
        "nuget_lock/one-package.json",
    ),
    (
        PubspecLockParser(),
        "pubspec.lock",
        "pubspec.lock",
        b"# Gen",
        "pubspec_lock/one-package.lock",
    ),
    (MixLockParser(), "mix.lock", "mix.lock", b"%{", "mix_lock/one-package.lock"),
    (
        TerraformLockParser(),
        ".terraform.lock.hcl",
        ".terraform.lock.hcl",
        b"# This",
        "terraform_lock/one-provider.hcl",
    ),
    (DpkgStatusParser(), "dpkg-status", "status", b"Package: a\n", "dpkg_status/one-package"),
    (ApkInstalledParser(), "apk-installed", "installed", b"C:Q1=\n", "apk_installed/one-package"),
]


@pytest.mark.parametrize(("parser", "fmt", "filename", "head", "sample"), CASES)
def test_parser_contract(parser: Parser, fmt: str, filename: str, head: bytes, sample: str) -> None:
    assert parser.format == fmt
    assert parser.claims(filename, head)
    assert not parser.claims("README.md", head)
    data = (FIXTURES / sample).read_bytes()
    result = parser.parse(f"sub/{filename}", data)
    assert isinstance(result, ParseResult)
    assert isinstance(result.components, tuple) and isinstance(result.skipped, tuple)
    assert result.components, "the one-package fixture yields a component"
    for component in result.components:
        assert component.source == f"sub/{filename}"
        assert isinstance(component.line, int) and component.line >= 1
    # Pure: the same bytes give the same result.
    assert parser.parse(f"sub/{filename}", data) == result


def test_formats_are_distinct() -> None:
    formats = [case[1] for case in CASES]
    assert len(set(formats)) == len(formats)
