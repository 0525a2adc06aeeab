"""Real lock files of public projects (../shared/data/real-lockfiles), with counts and
entries checked by reading the files."""

from __future__ import annotations

from collections import Counter

import pytest

from runink.inventory import cargo_lock
from runink.inventory.cargo_lock import CargoLockParser
from runink.inventory.composer_lock import ComposerLockParser
from runink.inventory.gemfile_lock import GemfileLockParser
from runink.inventory.go_mod import GoModParser
from runink.model.component import Component
from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data


def _read(*parts: str) -> bytes:
    return shared_path("real-lockfiles", *parts).read_bytes()


def _index(components: tuple[Component, ...]) -> dict[tuple[str, str], Component]:
    return {(c.name, c.version): c for c in components}


def test_caddy_go_mod() -> None:
    result = GoModParser().parse("caddy/go.mod", _read("caddy", "go.mod"))
    # 169 require lines (117 of them "// indirect") plus the standard library.
    assert len(result.components) == 170 and result.skipped == ()
    assert Counter(c.direct for c in result.components) == Counter({True: 52, False: 117, None: 1})
    found = _index(result.components)
    assert found[("github.com/smallstep/certificates", "v0.30.2")].line == 25
    assert found[("golang.org/x/crypto", "v0.54.0")].direct is True
    assert found[("cel.dev/expr", "v0.25.1")].direct is False
    assert found[("cel.dev/expr", "v0.25.1")].line == 55
    stdlib = found[("stdlib", "1.25.1")]
    assert stdlib.line == 3 and stdlib.scope == "toolchain"


def test_ruff_cargo_lock() -> None:
    data = _read("ruff", "Cargo.lock")
    result = CargoLockParser().parse("ruff/Cargo.lock", data)
    # 556 packages: 505 from crates.io, 51 crates of the ruff workspace itself.
    assert len(result.components) == 505 and result.skipped == ()
    assert all(c.ecosystem == "crates.io" for c in result.components)
    found = _index(result.components)
    assert found[("serde", "1.0.229")].line == 3985
    assert found[("aho-corasick", "1.1.5")].direct is True  # ruff_linter depends on it
    assert ("ruff", "0.16.4") not in found and ("ruff_linter", "0.16.4") not in found


def test_cargo_line_scanner_agrees_with_the_toml_parser() -> None:
    data = _read("ruff", "Cargo.lock")
    text = data.decode()
    scanned = cargo_lock._scan(text)
    loaded = cargo_lock._load("Cargo.lock", data, text)
    assert [(p.name, p.version, p.source, p.line) for p in scanned] == [
        (p.name, p.version, p.source, p.line) for p in loaded
    ]
    assert [_as_tuple(p.dependencies) for p in scanned] == [
        _as_tuple(p.dependencies) for p in loaded
    ]


def _as_tuple(value: object) -> tuple[object, ...]:
    assert isinstance(value, list | tuple)
    return tuple(value)


def test_rubygems_org_gemfile_lock() -> None:
    result = GemfileLockParser().parse(
        "rubygems.org/Gemfile.lock", _read("rubygems.org", "Gemfile.lock")
    )
    # 341 spec lines in two GEM sections; platform variants of one gem (ffi and nokogiri
    # for eight platforms, ...) are one component each: 298 gems.
    assert len(result.components) == 298 and result.skipped == ()
    found = _index(result.components)
    rails = found[("rails", "8.1.3.1")]
    assert rails.line == 661 and rails.direct is True
    assert found[("nokogiri", "1.19.4")].line == 517
    assert found[("avo-advanced", "3.32.4")].direct is True  # "avo-advanced (~> 3.32)!"
    assert found[("avo-pro", "3.32.4")].direct is False
    assert not any("-" in c.version for c in result.components)


def test_monica_composer_lock() -> None:
    result = ComposerLockParser().parse("monica/composer.lock", _read("monica", "composer.lock"))
    # 165 runtime + 76 dev packages; roave/security-advisories is "dev-master".
    assert len(result.components) == 240
    assert [(s.name, s.line) for s in result.skipped] == [("roave/security-advisories", 15610)]
    assert Counter(c.scope for c in result.components) == Counter({"runtime": 165, "dev": 75})
    found = _index(result.components)
    laravel = found[("laravel/framework", "12.22.1")]  # written "v12.22.1"
    assert laravel.line == 2561 and laravel.scope == "runtime"
    assert found[("guzzlehttp/guzzle", "7.9.3")].scope == "runtime"
    localizator = found[("amirami/localizator", "0.14.0-alpha")]
    assert localizator.line == 12158 and localizator.scope == "dev"
