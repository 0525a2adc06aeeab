"""``go.mod``: the requirements of a Go module.

Every ``require`` line (single and block form) is a component in the ``Go`` ecosystem, named
by its full module path, at its version as written (with the leading ``v``). ``// indirect``
marks a requirement that the main module does not import itself (``direct=False``).

``replace`` directives are applied the way the go command applies them: a replacement for
``path version`` wins over one for ``path`` alone; a module replacement yields the replacement's
path and version (that is the code that is built); a local directory replacement cannot be
matched against advisories and is reported as ``Skipped``. A requirement on a version named by
an ``exclude`` directive is ``Skipped``: the go command would pick another version, which
go.mod does not record.

The Go standard library is compiled into every binary, and the Go vulnerability database
files its advisories under the module ``stdlib``. The parser adds ``stdlib`` at the
``toolchain`` version when there is one, else at the ``go`` directive's version (the minimum
Go release that builds the module), in the scope ``"toolchain"``. Its version is in the
form OSV uses for ``stdlib`` (``1.21.0``, ``1.21.0-rc.1``: no ``v``).

Before Go 1.17 a go.mod does not list every module of the build graph; only ``go.sum``
knows the rest. This parser reads go.mod only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult, decode_utf8
from runink.model.component import Component, Skipped

__all__ = ["GoModParser"]

_ECOSYSTEM: Final = "Go"

# A quoted string, an arrow, a parenthesis, a bare word; a lone quote is an unterminated string.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`\n]*`|=>|[()]|(?:[^\s()"`=]|=(?!>))+|["`]')
_CANONICAL_VERSION = re.compile(
    r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_GO_RELEASE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$")
_INDIRECT = re.compile(r"^//\s*indirect(?:\s*;|\s*$)")

_BLOCK_VERBS: Final = frozenset(
    {"require", "exclude", "replace", "retract", "godebug", "tool", "ignore"}
)
_SINGLE_VERBS: Final = frozenset({"module", "go", "toolchain"})


@dataclass(frozen=True, slots=True)
class _Line:
    """One directive line: its verb, its arguments, its trailing comment and its line number."""

    verb: str
    args: tuple[str, ...]
    comment: str
    line: int


@dataclass(frozen=True, slots=True)
class _Replacement:
    new_path: str
    new_version: str | None  # None: a local directory
    line: int


def _split_comment(text: str) -> tuple[str, str]:
    """Split a line at the first ``//`` that is not inside a quoted string."""
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "`":
            close = text.find("`", i + 1)
            i = n if close < 0 else close
        elif c == "/" and text.startswith("//", i):
            return text[:i], text[i:].strip()
        i += 1
    return text, ""


def _tokens(path: str, code: str, lineno: int) -> list[str]:
    toks: list[str] = _TOKEN.findall(code)
    if any(t in ('"', "`") for t in toks):
        raise ParseError(path, "unterminated quoted string", line=lineno)
    return toks


def _unquote(path: str, token: str, lineno: int) -> str:
    if token.startswith("`"):
        return token[1:-1]
    if token.startswith('"'):
        body = token[1:-1]
        if "\\" not in body:
            return body
        try:
            return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
        except UnicodeDecodeError as exc:
            raise ParseError(path, f"invalid quoted string {token}", line=lineno) from exc
    return token


def _directives(path: str, text: str) -> list[_Line]:
    """Read go.mod's lines into directives, expanding ``verb ( ... )`` blocks."""
    out: list[_Line] = []
    block_verb: str | None = None
    block_line = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        code, comment = _split_comment(raw)
        toks = _tokens(path, code, lineno)
        if not toks:
            continue
        if block_verb is not None:
            if toks == [")"]:
                block_verb = None
                continue
            if "(" in toks or ")" in toks:
                raise ParseError(
                    path, f"unexpected parenthesis inside {block_verb} block", line=lineno
                )
            args = tuple(_unquote(path, t, lineno) for t in toks)
            out.append(_Line(block_verb, args, comment, lineno))
            continue
        verb = toks[0]
        if verb not in _BLOCK_VERBS and verb not in _SINGLE_VERBS:
            raise ParseError(path, f"unknown directive {verb!r}", line=lineno)
        rest = toks[1:]
        if rest == ["("]:
            if verb not in _BLOCK_VERBS:
                raise ParseError(path, f"{verb} does not take a block", line=lineno)
            block_verb, block_line = verb, lineno
            continue
        if rest == ["(", ")"]:
            continue
        if "(" in rest or ")" in rest:
            raise ParseError(path, f"unexpected parenthesis in {verb} directive", line=lineno)
        args = tuple(_unquote(path, t, lineno) for t in rest)
        out.append(_Line(verb, args, comment, lineno))
    if block_verb is not None:
        raise ParseError(path, f"{block_verb} block opened here is never closed", line=block_line)
    return out


def _is_local_path(target: str) -> bool:
    """Whether a replacement target is a directory rather than a module path."""
    return (
        target.startswith(("./", "../", "/", ".\\", "..\\", "\\"))
        or target in (".", "..")
        or (len(target) > 2 and target[1] == ":" and target[2] in "\\/")
    )


def go_release_to_semver(release: str) -> str | None:
    """``1.21`` -> ``1.21.0``, ``1.21rc2`` -> ``1.21.0-rc.2``, ``go1.22.3-custom`` -> ``1.22.3``.

    Returns None when the text is not a Go release.
    """
    text = release.removeprefix("go")
    for sep in ("-", "+", " "):
        text = text.split(sep, 1)[0]
    m = _GO_RELEASE.match(text)
    if m is None:
        return None
    major, minor, patch, pre, pre_n = m.groups()
    version = f"{int(major)}.{int(minor)}.{int(patch) if patch else 0}"
    if pre:
        if patch:  # Go never publishes "1.21.1rc1".
            return None
        version += f"-{pre}.{int(pre_n)}"
    return version


def _replacement(path: str, d: _Line) -> tuple[tuple[str, str | None], _Replacement]:
    args = d.args
    if "=>" not in args:
        raise ParseError(path, "replace needs 'old [version] => new [version]'", line=d.line)
    arrow = args.index("=>")
    old, new = args[:arrow], args[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        raise ParseError(path, "replace needs 'old [version] => new [version]'", line=d.line)
    old_version = old[1] if len(old) == 2 else None
    if len(new) == 2:
        return (old[0], old_version), _Replacement(new[0], new[1], d.line)
    return (old[0], old_version), _Replacement(new[0], None, d.line)


class GoModParser:
    """Parser for ``go.mod``."""

    format = "go.mod"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.go_mod(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_utf8(path, data)
        directives = _directives(path, text)

        requires: list[_Line] = []
        excludes: set[tuple[str, str]] = set()
        replaces: dict[tuple[str, str | None], _Replacement] = {}
        go_line: _Line | None = None
        toolchain_line: _Line | None = None
        for d in directives:
            if d.verb == "require":
                if len(d.args) != 2:
                    raise ParseError(path, "require needs 'module/path version'", line=d.line)
                requires.append(d)
            elif d.verb == "exclude":
                if len(d.args) != 2:
                    raise ParseError(path, "exclude needs 'module/path version'", line=d.line)
                excludes.add((d.args[0], d.args[1]))
            elif d.verb == "replace":
                key, repl = _replacement(path, d)
                replaces[key] = repl
            elif d.verb in ("module", "go", "toolchain"):
                if len(d.args) != 1:
                    raise ParseError(path, f"{d.verb} takes exactly one argument", line=d.line)
                if d.verb == "go":
                    go_line = d
                elif d.verb == "toolchain":
                    toolchain_line = d

        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()

        def add(name: str, version: str, line: int, direct: bool | None, scope: str | None) -> None:
            if (name, version) in seen:
                return
            seen.add((name, version))
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

        for d in requires:
            module, version = d.args
            direct = not _INDIRECT.match(d.comment)
            if (module, version) in excludes:
                skipped.append(
                    Skipped(
                        module,
                        f"{version} is excluded by an exclude directive; the version the go "
                        "command selects instead is not recorded in go.mod",
                        d.line,
                    )
                )
                continue
            found = replaces.get((module, version)) or replaces.get((module, None))
            if found is not None:
                repl = found
                if repl.new_version is None:
                    if _is_local_path(repl.new_path):
                        reason = (
                            f"replaced by the local directory {repl.new_path!r} (replace on line "
                            f"{repl.line}); local code has no published version to match"
                        )
                    else:
                        reason = (
                            f"replaced by {repl.new_path!r} without a version (line {repl.line}); "
                            "a module replacement needs a version"
                        )
                    skipped.append(Skipped(module, reason, d.line))
                    continue
                module, version = repl.new_path, repl.new_version
            if not _CANONICAL_VERSION.match(version):
                skipped.append(
                    Skipped(module, f"{version!r} is not a canonical module version", d.line)
                )
                continue
            add(module, version, d.line, direct, None)

        chosen = toolchain_line if toolchain_line and toolchain_line.args[0] != "default" else None
        chosen = chosen or go_line
        if chosen is not None:
            stdlib = go_release_to_semver(chosen.args[0])
            if stdlib is None:
                skipped.append(
                    Skipped(
                        "stdlib",
                        f"{chosen.verb} {chosen.args[0]!r} is not a Go release version",
                        chosen.line,
                    )
                )
            else:
                add("stdlib", stdlib, chosen.line, None, "toolchain")

        return ParseResult(components=tuple(components), skipped=tuple(skipped))
