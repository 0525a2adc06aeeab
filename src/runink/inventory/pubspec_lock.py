"""``pubspec.lock``: the resolved package set of a Dart or Flutter project.

Each entry of ``packages`` with ``source: hosted`` on pub.dev is a component in the ``Pub``
ecosystem. ``dependency: direct main`` gives ``direct=True`` and scope ``"runtime"``,
``direct dev`` gives ``direct=True`` and scope ``"dev"``, ``direct overridden`` gives
``direct=True``; ``transitive`` gives ``direct=False`` (the file does not say whether a
transitive package is only needed by dev dependencies, so its scope is None).

Entries that pub.dev advisories do not describe are ``Skipped`` with the reason: ``sdk``
packages (shipped inside the Flutter or Dart SDK, whose own version the file does not hold),
``git`` and ``path`` packages, and packages hosted on another server.

The file is read as YAML node by node, so scalars stay the strings they are written as
(``version: 1.10`` is ``"1.10"``, not the number 1.1) and every entry keeps its line.
"""

from __future__ import annotations

from typing import Final

import yaml

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped

__all__ = ["PubspecLockParser"]

_ECOSYSTEM: Final = "Pub"
_PUB_DEV_HOSTS: Final = frozenset(
    {"https://pub.dev", "https://pub.dartlang.org", "http://pub.dartlang.org"}
)
_DEPENDENCY_KINDS: Final[dict[str, tuple[bool, str | None]]] = {
    "direct main": (True, "runtime"),
    "direct dev": (True, "dev"),
    "direct overridden": (True, None),
    "transitive": (False, None),
}

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml's composer recurses in C and overflows the stack on absurdly deep nesting, which no
# lock file has. A cheap upper bound of the nesting (longest line, for block collections, plus
# every flow bracket) sends such input to the pure-Python loader, which fails cleanly.
_MAX_FAST_NESTING: Final = 1000


def _mapping(node: yaml.Node) -> dict[str, yaml.Node] | None:
    """A mapping node's items keyed by their scalar keys, or None if it is no mapping."""
    if not isinstance(node, yaml.MappingNode):
        return None
    out: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            out[str(key.value)] = value
    return out


def _is_null(node: yaml.Node | None) -> bool:
    return node is None or (
        isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
    )


def _scalar(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.ScalarNode) and not _is_null(node):
        return str(node.value)
    return None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class PubspecLockParser:
    """Parser for ``pubspec.lock``."""

    format = "pubspec.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.pubspec_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        longest_line = max((len(line) for line in data.split(b"\n")), default=0)
        bound = longest_line + data.count(b"[") + data.count(b"{")
        loader = _FAST_LOADER if bound <= _MAX_FAST_NESTING else yaml.SafeLoader
        try:
            root = yaml.compose(data, Loader=loader)
        except RecursionError as exc:
            raise ParseError(path, "YAML nested too deeply for a pubspec.lock") from exc
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = int(mark.line) + 1 if mark is not None else None
            raise ParseError(path, f"not valid YAML: {exc.problem or exc}", line=line) from exc
        except yaml.YAMLError as exc:
            raise ParseError(path, f"not valid YAML: {exc}") from exc
        if root is None or _is_null(root):
            return ParseResult()  # an empty document
        top = _mapping(root)
        if top is None:
            raise ParseError(path, "expected a mapping at the top level", line=_line(root))
        packages_node = top.get("packages")
        if packages_node is None or _is_null(packages_node):
            return ParseResult()
        if not isinstance(packages_node, yaml.MappingNode):
            raise ParseError(path, "packages: expected a mapping", line=_line(packages_node))

        components: list[Component] = []
        skipped: list[Skipped] = []
        for key_node, node in packages_node.value:
            key = _scalar(key_node)
            line = _line(key_node)
            if key is None:
                raise ParseError(path, "packages: expected a package name", line=line)
            fields = _mapping(node)
            if fields is None:
                raise ParseError(path, f"packages.{key}: expected a mapping", line=line)
            version = _scalar(fields.get("version"))
            source = _scalar(fields.get("source"))
            kind = _scalar(fields.get("dependency"))
            description = fields.get("description")
            if not version:
                raise ParseError(path, f"packages.{key}: missing 'version'", line=line)
            if not source:
                raise ParseError(path, f"packages.{key}: missing 'source'", line=line)
            desc = _mapping(description) if description is not None else None
            name = key
            if source == "hosted":
                url = None
                if desc is not None:
                    name = _scalar(desc.get("name")) or key
                    url = _scalar(desc.get("url"))
                if url is not None and url.rstrip("/") not in _PUB_DEV_HOSTS:
                    skipped.append(
                        Skipped(
                            name, f"hosted on {url}, not pub.dev; Pub advisories do not apply", line
                        )
                    )
                    continue
            else:
                skipped.append(Skipped(name, _non_hosted_reason(source, desc, description), line))
                continue
            direct, scope = _DEPENDENCY_KINDS.get(kind or "", (None, None))
            components.append(
                Component(
                    ecosystem=_ECOSYSTEM,
                    name=name,
                    version=version,
                    source=path,
                    line=line,
                    direct=direct,
                    scope=scope,
                )
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))


def _non_hosted_reason(
    source: str, desc: dict[str, yaml.Node] | None, description: yaml.Node | None
) -> str:
    if source == "sdk":
        sdk = _scalar(description) or "a"
        return f"part of the {sdk} SDK; the SDK's own version is not in pubspec.lock"
    if source == "git":
        url = _scalar(desc.get("url")) if desc else None
        ref = _scalar(desc.get("resolved-ref")) if desc else None
        where = f"{url or '?'}" + (f" at {ref}" if ref else "")
        return f"from the git repository {where}; not a pub.dev release"
    if source == "path":
        local = _scalar(desc.get("path")) if desc else _scalar(description)
        return f"from the local path {local!r}; not a pub.dev release"
    return f"unknown source {source!r}"
