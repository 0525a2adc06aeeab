"""``Gemfile.lock`` / ``gems.locked``: Bundler's resolved gem set.

Each spec of a ``GEM`` section (``    name (version)``, four spaces in) is a component in the
``RubyGems`` ecosystem. A platform suffix (``nokogiri (1.13.3-x86_64-linux)``) is not part of
the gem's version: Bundler splits the version at the first ``-``, and so does this parser; the
variants of one gem for several platforms are one component. ``direct`` is True for the gems
the ``DEPENDENCIES`` section names (the Gemfile's own gems).

Specs from ``GIT``, ``PATH`` and ``PLUGIN SOURCE`` sections are not published RubyGems
releases; they are ``Skipped`` with the source they come from.
"""

from __future__ import annotations

import re
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult, decode_utf8
from runink.model.component import Component, Skipped

__all__ = ["GemfileLockParser"]

_ECOSYSTEM: Final = "RubyGems"
_SOURCE_SECTIONS: Final = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})
_KNOWN_SECTIONS: Final = _SOURCE_SECTIONS | frozenset(
    {"PLATFORMS", "DEPENDENCIES", "RUBY VERSION", "BUNDLED WITH", "CHECKSUMS"}
)
# "    name (version[-platform])": the version has no space; the platform follows the first "-".
_SPEC = re.compile(r"^    ([^ ()!]+)(?: \(([^ ()]*)\))?$")
_DEPENDENCY = re.compile(r"^  ([^ ()!]+)!?(?: \(.*\))?!?$")
_SECTION = re.compile(r"^[A-Z][A-Z ]*$")
_OPTION = re.compile(r"^  [a-z_]+:(?: .*)?$")


class GemfileLockParser:
    """Parser for ``Gemfile.lock`` and ``gems.locked``."""

    format = "Gemfile.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.gemfile_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_utf8(path, data)

        gems: list[tuple[str, str, int]] = []
        skipped: list[Skipped] = []
        direct_names: set[str] = set()
        section = ""
        options: dict[str, str] = {}
        in_specs = False
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip()
            if not line:
                continue
            if line[0] != " ":
                if not _SECTION.match(line):
                    raise ParseError(path, f"expected a section name, found {line!r}", line=lineno)
                section, options, in_specs = line, {}, False
                continue
            if not section:
                raise ParseError(path, "indented line before any section", line=lineno)
            if section in _SOURCE_SECTIONS:
                if line == "  specs:":
                    in_specs = True
                    continue
                if not in_specs:
                    if not _OPTION.match(line):
                        raise ParseError(
                            path, f"expected 'key: value' in {section}, found {line!r}", line=lineno
                        )
                    key, _, value = line.strip().partition(":")
                    options[key] = value.strip()
                    continue
                if line.startswith("      "):
                    continue  # a spec's own dependency
                m = _SPEC.match(line)
                if m is None:
                    raise ParseError(path, f"malformed spec line {line.strip()!r}", line=lineno)
                name, version = m.group(1), m.group(2)
                if not version:
                    raise ParseError(path, f"spec {name!r} has no version", line=lineno)
                version = version.split("-", 1)[0]
                if section == "GEM":
                    gems.append((name, version, lineno))
                else:
                    skipped.append(Skipped(name, _non_gem_reason(section, options), lineno))
            elif section == "DEPENDENCIES":
                m = _DEPENDENCY.match(line)
                if m is None:
                    raise ParseError(path, f"malformed dependency {line.strip()!r}", line=lineno)
                direct_names.add(m.group(1))
            elif section not in _KNOWN_SECTIONS:
                continue  # a section added by a newer Bundler: nothing here is a gem

        components: list[Component] = []
        seen: set[tuple[str, str]] = set()
        for name, version, lineno in gems:
            if (name, version) in seen:
                continue
            seen.add((name, version))
            components.append(
                Component(
                    ecosystem=_ECOSYSTEM,
                    name=name,
                    version=version,
                    source=path,
                    line=lineno,
                    direct=name in direct_names,
                )
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))


def _non_gem_reason(section: str, options: dict[str, str]) -> str:
    remote = options.get("remote", "")
    if section == "GIT":
        where = remote + (f" at {options['revision']}" if "revision" in options else "")
        return f"from the git repository {where}; not a published RubyGems release"
    if section == "PATH":
        return f"from the local path {remote!r}; not a published RubyGems release"
    return f"from the plugin source {remote}; not a published RubyGems release"
