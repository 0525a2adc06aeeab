"""Every lock file fixture of osv-scalibr and osv-scanner (v1) that these parsers read.

File names in those test suites are often not the canonical ones, so each directory is mapped
to the parser that reads its format and the parser is called directly. Each file either parses
to the number of components and skipped entries given here (counted by reading the file), or
fails with a ``ParseError``. Files named ``invalid*``, ``not-*``, ``not_*`` or ``malformed*``
fail, with one documented exception: gradle's ``with-bad-pkg`` holds stray lines, which become
``Skipped`` entries (Gradle would refuse the file; the valid lines are still read).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.errors import ParseError
from runink.inventory.apk_installed import ApkInstalledParser
from runink.inventory.base import Parser
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
from tests.conftest import shared_path

ROOT = ("lockfile-fixtures",)

# directory (under lockfile-fixtures/) -> (parser, files that are not of its format)
DIRECTORIES: dict[str, tuple[Parser, frozenset[str]]] = {
    "osv-scalibr/golang/gomod": (
        GoModParser(),
        frozenset({"indirect-1.16.sum", "indirect-1.23.sum"}),
    ),
    "osv-scalibr/rust/cargolock": (CargoLockParser(), frozenset()),
    "osv-scalibr/ruby/gemfilelock": (GemfileLockParser(), frozenset()),
    "osv-scalibr/php/composerlock": (ComposerLockParser(), frozenset()),
    "osv-scalibr/java/gradlelockfile": (GradleLockfileParser(), frozenset()),
    "osv-scalibr/java/pomxml": (PomXmlParser(), frozenset()),
    "osv-scalibr/dotnet/packageslockjson": (NugetLockParser(), frozenset()),
    "osv-scalibr/dart/pubspec": (PubspecLockParser(), frozenset()),
    "osv-scalibr/elixir/mixlock": (MixLockParser(), frozenset()),
    "osv-scanner-v1/go": (GoModParser(), frozenset()),
    "osv-scanner-v1/cargo": (CargoLockParser(), frozenset()),
    "osv-scanner-v1/bundler": (GemfileLockParser(), frozenset()),
    "osv-scanner-v1/composer": (ComposerLockParser(), frozenset()),
    "osv-scanner-v1/maven": (PomXmlParser(), frozenset()),
    "osv-scanner-v1/gradle": (GradleLockfileParser(), frozenset()),
    "osv-scanner-v1/nuget": (NugetLockParser(), frozenset()),
    "osv-scanner-v1/pub": (PubspecLockParser(), frozenset()),
    "osv-scanner-v1/mix": (MixLockParser(), frozenset()),
    "osv-scanner-v1/dpkg": (DpkgStatusParser(), frozenset()),
    "osv-scanner-v1/apk": (ApkInstalledParser(), frozenset()),
}

ERROR = "error"
# file -> (components, skipped) or ERROR
EXPECTED: dict[str, tuple[int, int] | str] = {
    "osv-scalibr/golang/gomod/empty.mod": (0, 0),
    "osv-scalibr/golang/gomod/indirect-1.16.mod": (2, 0),
    "osv-scalibr/golang/gomod/indirect-1.23.mod": (3, 0),
    "osv-scalibr/golang/gomod/not-go-mod.mod": ERROR,
    "osv-scalibr/golang/gomod/one-package.mod": (1, 0),
    "osv-scalibr/golang/gomod/replace-local.mod": (1, 1),
    "osv-scalibr/golang/gomod/replace-no-version.mod": (1, 0),
    "osv-scalibr/golang/gomod/replace-one.mod": (1, 0),
    "osv-scalibr/golang/gomod/toolchain-with-suffix.mod": (2, 0),
    "osv-scalibr/golang/gomod/toolchain.mod": (2, 0),
    "osv-scalibr/rust/cargolock/duplicate.lock": (2, 0),
    "osv-scalibr/rust/cargolock/empty.lock": (0, 0),
    "osv-scalibr/rust/cargolock/many-packages.lock": (6, 0),
    "osv-scalibr/rust/cargolock/not-toml.txt": ERROR,
    "osv-scalibr/rust/cargolock/package-with-build-string.lock": (1, 0),
    "osv-scalibr/rust/cargolock/package-with-comments.lock": (1, 1),
    "osv-scalibr/rust/cargolock/two-packages.lock": (2, 0),
    "osv-scalibr/ruby/gemfilelock/has-local-gem.lock": (29, 1),
    "osv-scalibr/ruby/gemfilelock/invalid.lock": ERROR,
    "osv-scalibr/ruby/gemfilelock/no-gem-section.lock": (0, 0),
    "osv-scalibr/ruby/gemfilelock/no-gems.lock": (0, 0),
    "osv-scalibr/ruby/gemfilelock/no-spec-section.lock": (0, 0),
    "osv-scalibr/ruby/gemfilelock/one-gem.lock": (1, 0),
    "osv-scalibr/ruby/gemfilelock/rubocop.lock": (10, 0),
    "osv-scalibr/ruby/gemfilelock/source-section-at-end.lock": (1, 0),
    "osv-scalibr/php/composerlock/drupal-packages.json": (4, 0),
    "osv-scalibr/php/composerlock/duplicate-packages.json": (3, 0),
    "osv-scalibr/php/composerlock/empty.json": (0, 0),
    "osv-scalibr/php/composerlock/not-json.txt": ERROR,
    "osv-scalibr/php/composerlock/null.jsontest": ERROR,
    "osv-scalibr/php/composerlock/one-package.json": (1, 0),
    "osv-scalibr/php/composerlock/two-packages.json": (2, 0),
    "osv-scalibr/java/gradlelockfile/one-pkg": (1, 0),
    "osv-scalibr/java/gradlelockfile/only-comments": (0, 0),
    "osv-scalibr/java/gradlelockfile/only-empty": (0, 0),
    "osv-scalibr/java/gradlelockfile/with-bad-pkg": (2, 4),
    "osv-scalibr/java/pomxml/ambiguous-interpolation.xml": (1, 0),
    "osv-scalibr/java/pomxml/empty.xml": (0, 0),
    "osv-scalibr/java/pomxml/encoding.xml": (1, 0),
    "osv-scalibr/java/pomxml/explicit-jar.xml": (2, 0),
    "osv-scalibr/java/pomxml/interpolate-drop.xml": (1, 1),
    "osv-scalibr/java/pomxml/interpolation.xml": (2, 1),
    "osv-scalibr/java/pomxml/invalid-syntax.xml": ERROR,
    "osv-scalibr/java/pomxml/multi-version.xml": (2, 0),
    "osv-scalibr/java/pomxml/not-pom.txt": ERROR,
    "osv-scalibr/java/pomxml/one-package.xml": (1, 0),
    "osv-scalibr/java/pomxml/parent/pom.xml": (1, 0),
    "osv-scalibr/java/pomxml/plugin-dependency.xml": (1, 0),
    "osv-scalibr/java/pomxml/profiles.xml": (1, 0),
    "osv-scalibr/java/pomxml/transitive.xml": (4, 0),
    "osv-scalibr/java/pomxml/with-dependency-management.xml": (3, 0),
    "osv-scalibr/java/pomxml/with-multiple-classifiers.xml": (1, 0),
    "osv-scalibr/java/pomxml/with-parent.xml": (3, 1),
    "osv-scalibr/java/pomxml/with-type-classifier.xml": (1, 0),
    "osv-scalibr/dotnet/packageslockjson/invalid/invalid": ERROR,
    "osv-scalibr/dotnet/packageslockjson/valid/packages.lock.json": (8, 0),
    "osv-scalibr/dart/pubspec/empty.lock": (0, 0),
    "osv-scalibr/dart/pubspec/no-packages.lock": (0, 0),
    "osv-scalibr/dart/pubspec/not-yaml.txt": ERROR,
    "osv-scalibr/dart/pubspec/one-package-dev.lock": (1, 0),
    "osv-scalibr/dart/pubspec/source-git.lock": (1, 4),
    "osv-scalibr/dart/pubspec/source-sdk.lock": (0, 1),
    "osv-scalibr/elixir/mixlock/empty": (0, 0),
    "osv-scalibr/elixir/mixlock/invalid": ERROR,
    "osv-scalibr/elixir/mixlock/valid": (2, 0),
    "osv-scanner-v1/go/empty.mod": (0, 0),
    "osv-scanner-v1/go/not-go-mod.txt": ERROR,
    "osv-scanner-v1/go/one-package.mod": (1, 0),
    "osv-scanner-v1/go/replace-local.mod": (1, 1),
    "osv-scanner-v1/go/replace-no-version.mod": (1, 0),
    "osv-scanner-v1/go/replace-one.mod": (1, 0),
    "osv-scanner-v1/cargo/empty.lock": (0, 0),
    "osv-scanner-v1/cargo/not-toml.txt": ERROR,
    "osv-scanner-v1/cargo/package-with-build-string.lock": (1, 0),
    "osv-scanner-v1/cargo/two-packages.lock": (2, 0),
    "osv-scanner-v1/bundler/has-local-gem.lock": (29, 1),
    "osv-scanner-v1/bundler/no-gem-section.lock": (0, 0),
    "osv-scanner-v1/bundler/no-gems.lock": (0, 0),
    "osv-scanner-v1/bundler/no-spec-section.lock": (0, 0),
    "osv-scanner-v1/bundler/one-gem.lock": (1, 0),
    "osv-scanner-v1/bundler/rubocop.lock": (10, 0),
    "osv-scanner-v1/composer/empty.json": (0, 0),
    "osv-scanner-v1/composer/not-json.txt": ERROR,
    "osv-scanner-v1/composer/one-package.json": (1, 0),
    "osv-scanner-v1/composer/two-packages.json": (2, 0),
    "osv-scanner-v1/maven/empty.xml": (0, 0),
    "osv-scanner-v1/maven/invalid-syntax.xml": ERROR,
    "osv-scanner-v1/maven/not-pom.txt": ERROR,
    "osv-scanner-v1/maven/one-package.xml": (1, 0),
    "osv-scanner-v1/maven/with-dependency-management.xml": (3, 0),
    "osv-scanner-v1/gradle/one-pkg": (1, 0),
    "osv-scanner-v1/gradle/only-comments": (0, 0),
    "osv-scanner-v1/gradle/only-empty": (0, 0),
    "osv-scanner-v1/nuget/empty.v0.json": (0, 0),
    "osv-scanner-v1/nuget/empty.v1.json": (0, 0),
    "osv-scanner-v1/nuget/not-json.txt": ERROR,
    "osv-scanner-v1/nuget/one-framework-two-packages.v1.json": (2, 0),
    "osv-scanner-v1/nuget/two-frameworks-duplicate-packages.v1.json": (1, 0),
    "osv-scanner-v1/pub/empty.lock": (0, 0),
    "osv-scanner-v1/pub/no-packages.lock": (0, 0),
    "osv-scanner-v1/pub/not-yaml.txt": ERROR,
    "osv-scanner-v1/pub/one-package-dev.lock": (1, 0),
    "osv-scanner-v1/pub/source-git.lock": (1, 4),
    "osv-scanner-v1/pub/source-sdk.lock": (0, 1),
    "osv-scanner-v1/mix/empty.lock": (0, 0),
    "osv-scanner-v1/mix/many.lock": (21, 0),
    "osv-scanner-v1/mix/two-packages.lock": (2, 0),
    "osv-scanner-v1/dpkg/empty_status": (0, 0),
    "osv-scanner-v1/dpkg/malformed_status": ERROR,
    "osv-scanner-v1/dpkg/multiple_status": (4, 0),
    "osv-scanner-v1/dpkg/not_status": ERROR,
    "osv-scanner-v1/dpkg/shuffled_status": (1, 0),
    "osv-scanner-v1/dpkg/single_status": (1, 0),
    "osv-scanner-v1/dpkg/source_ver_override_status": (1, 0),
    "osv-scanner-v1/apk/empty_installed": (0, 0),
    "osv-scanner-v1/apk/malformed_installed": ERROR,
    "osv-scanner-v1/apk/multiple_installed": (3, 0),
    "osv-scanner-v1/apk/not_installed": ERROR,
    "osv-scanner-v1/apk/shuffled_installed": (1, 0),
    "osv-scanner-v1/apk/single_installed": (1, 0),
}

# Entries checked against the files themselves: file -> (name, version, line).
SAMPLES: dict[str, list[tuple[str, str, int]]] = {
    "osv-scalibr/golang/gomod/indirect-1.23.mod": [
        ("golang.org/x/sys", "v0.0.0-20220715151400-c0bba94af5f8", 7),
        ("stdlib", "1.23.0", 3),
    ],
    "osv-scalibr/golang/gomod/replace-one.mod": [("example.com/fork/net", "v1.4.5", 2)],
    "osv-scalibr/golang/gomod/toolchain-with-suffix.mod": [("stdlib", "1.23.6", 5)],
    "osv-scalibr/rust/cargolock/package-with-build-string.lock": [
        ("wasi", "0.10.2+wasi-snapshot-preview1", 5)
    ],
    "osv-scalibr/ruby/gemfilelock/has-local-gem.lock": [("nokogiri", "1.13.3", 58)],
    "osv-scalibr/php/composerlock/two-packages.json": [("theseer/tokenizer", "1.1.3", 43)],
    "osv-scalibr/java/pomxml/with-parent.xml": [("org.chuck:chuck", "3.0.0", 28)],
    "osv-scalibr/java/pomxml/plugin-dependency.xml": [("com.example:hijack-lib", "1.0.0", 27)],
    "osv-scalibr/java/pomxml/interpolation.xml": [("org.mine:my.package", "2.3.4", 24)],
    "osv-scalibr/dotnet/packageslockjson/valid/packages.lock.json": [
        ("another.longer.name.dep", "4.5.4", 54)
    ],
    "osv-scalibr/dart/pubspec/one-package-dev.lock": [("build_runner", "2.2.1", 4)],
    "osv-scalibr/elixir/mixlock/valid": [("certifi", "2.12.0", 3)],
    "osv-scanner-v1/mix/many.lock": [("plug", "1.11.1", 18)],
    "osv-scanner-v1/dpkg/multiple_status": [
        ("util-linux", "2.36.1-8+deb11u1", 34),
        ("glibc", "2.31-13+deb11u5", 53),
    ],
    "osv-scanner-v1/dpkg/source_ver_override_status": [("lvm2", "2.02.176-4.1ubuntu3", 1)],
    "osv-scanner-v1/apk/multiple_installed": [("busybox", "1.35.0-r29", 71)],
}


def _parser_for(relpath: str) -> Parser:
    directory = next(d for d in DIRECTORIES if relpath.startswith(d + "/"))
    return DIRECTORIES[directory][0]


@pytest.mark.shared_data
@pytest.mark.parametrize("relpath", sorted(EXPECTED))
def test_shared_fixture(relpath: str) -> None:
    path = shared_path(*ROOT, *relpath.split("/"))
    parser = _parser_for(relpath)
    expected = EXPECTED[relpath]
    if expected == ERROR:
        with pytest.raises(ParseError) as info:
            parser.parse(relpath, path.read_bytes())
        assert str(info.value).startswith(relpath)
        return
    result = parser.parse(relpath, path.read_bytes())
    assert (len(result.components), len(result.skipped)) == expected
    for component in result.components:
        assert component.source == relpath
        assert component.line is not None and component.line >= 1
        assert component.name and component.version
    found = {(c.name, c.version): c.line for c in result.components}
    for name, version, line in SAMPLES.get(relpath, []):
        assert found.get((name, version)) == line, (name, version)


@pytest.mark.shared_data
@pytest.mark.parametrize("directory", sorted(DIRECTORIES))
def test_every_file_of_the_directory_is_listed(directory: str) -> None:
    base = shared_path(*ROOT, *directory.split("/"))
    _, foreign = DIRECTORIES[directory]
    files = {p.relative_to(base).as_posix() for p in Path(base).rglob("*") if p.is_file()}
    listed = {k[len(directory) + 1 :] for k in EXPECTED if k.startswith(directory + "/")}
    assert files - foreign == listed


def test_samples_refer_to_listed_files() -> None:
    assert set(SAMPLES) <= set(EXPECTED)
