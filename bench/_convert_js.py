"""bun.lock written from the real package-lock.json, in memory."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _samples import Labelled, Sample

# --------------------------------------------------------------------------------------------
# bun.lock, from the real package-lock.json

BUN_LABEL = "bun.lock (from package-lock.json)"
NPM_REGISTRY = "https://registry.npmjs.org/"
BUN_INFO_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies", "bin", "os", "cpu")
WORKSPACE_FIELDS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


def _bun_key(npm_key: str) -> str:
    """``node_modules/a/node_modules/@s/b`` -> ``a/@s/b`` (bun keys nest the same way)."""
    return "/".join(npm_key.removeprefix("node_modules/").split("/node_modules/"))


def _bun_entry(key: str, entry: dict[str, Any]) -> list[Any]:
    """A package-lock.json entry as bun writes the same release: ``[ident, registry, info,
    integrity]`` for a registry tarball, ``[ident, info]`` for any other source."""
    name = entry.get("name") or _segment_name(key)
    info: dict[str, Any] = {f: entry[f] for f in BUN_INFO_FIELDS if entry.get(f)}
    optional_peers = [
        p for p, m in entry.get("peerDependenciesMeta", {}).items() if m.get("optional")
    ]
    if optional_peers:
        info["optionalPeers"] = optional_peers
    resolved = entry.get("resolved", "")
    if resolved.startswith(NPM_REGISTRY):
        return [f"{name}@{entry['version']}", "", info, entry.get("integrity", "")]
    return [f"{name}@{resolved}", info]


def _segment_name(key: str) -> str:
    """The install name at the end of a bun key (``a/@s/b`` -> ``@s/b``)."""
    parts = key.split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 and parts[-2].startswith("@") else parts[-1]


def _jsonc_object(obj: dict[str, Any], indent: str) -> list[str]:
    """An object over several lines with bun's trailing commas (nested objects likewise)."""
    lines = []
    for key, value in obj.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{json.dumps(key)}: {{")
            lines += _jsonc_object(value, indent + "  ")
            lines.append(f"{indent}}},")
        else:
            lines.append(f"{indent}{json.dumps(key)}: {json.dumps(value)},")
    return lines


def bun_lock(lock: dict[str, Any]) -> bytes:
    """bun.lock (lockfileVersion 1) for the releases of a package-lock.json v2/v3: the root
    as the ``""`` workspace, each ``node_modules`` entry under its nested bun key, one line per
    package and a blank line between, as bun writes it."""
    entries = lock.get("packages", {})
    root = entries.get("", {})
    workspace = {"name": lock.get("name", root.get("name", "project"))}
    workspace |= {f: root[f] for f in WORKSPACE_FIELDS if root.get(f)}
    packages = {
        _bun_key(k): _bun_entry(_bun_key(k), v)
        for k, v in sorted(entries.items(), key=lambda kv: _bun_key(kv[0]))
        if k.startswith("node_modules/") and not v.get("link")
    }
    out = ["{", '  "lockfileVersion": 1,', '  "workspaces": {', '    "": {']
    out += _jsonc_object(workspace, "      ")
    out += ["    },", "  },", '  "packages": {']
    for key, value in packages.items():
        out += [f"    {json.dumps(key)}: {json.dumps(value)},", ""]
    out += ["  }", "}", ""]
    return "\n".join(out).encode()


def bun_samples(root: Path) -> list[Sample]:
    """A bun.lock per real package-lock.json, checked to yield the same releases (printed)."""
    from runink.inventory.bun_lock import BunLockParser
    from runink.inventory.package_lock import PackageLockParser

    samples: list[Sample] = []
    total = 0
    for path in sorted(root.rglob("package-lock.json")):
        data = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        converted = bun_lock(json.loads(data))
        parser = Labelled(BunLockParser(), BUN_LABEL)
        source = {c.key for c in PackageLockParser().parse(rel, data).components}
        found = {c.key for c in parser.parse(rel, converted).components}
        assert found == source, (rel, sorted(found ^ source)[:5])
        total += len(found)
        samples.append((parser, f"{rel} (as bun.lock)", converted))
    print(
        f"  {BUN_LABEL}: {len(samples)} documents, {total:,} components, the same "
        "(ecosystem, name, version) as their package-lock.json: yes"
    )
    return samples
