"""``mix.lock``: the resolved dependencies of an Elixir (Mix) project.

The file is one Elixir map literal from dependency names to tuples. A Hex package is
``{:hex, :package, "version", "checksum", [:mix], [deps...], "hexpm", "checksum"}`` (older
files stop after the version or after the dependency list); it is a component in the ``Hex``
ecosystem, named by the tuple's package atom (the map key is the application name, which
``hex: :other`` in mix.exs can make differ). Packages from a private Hex organization
(repository ``"hexpm:org"``) or another repository are ``Skipped``, as are git dependencies
(``{:git, url, revision, opts}``): Hex advisories describe public hex.pm releases.

The term syntax (maps, tuples, lists, strings, atoms, keyword lists, numbers) is parsed
completely, so a damaged file is a ``ParseError`` with its line. ``direct`` is None: the lock
file does not say which dependencies mix.exs declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult, decode_utf8
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = ["MixLockParser"]

_ECOSYSTEM: Final = "Hex"
_MAX_DEPTH: Final = 64

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+|\#[^\n]*)
  | (?P<qkey>"(?:[^"\\]|\\.)*":(?=[ \t\r\n]))
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<qatom>:"(?:[^"\\]|\\.)*")
  | (?P<atom>:[A-Za-z_][A-Za-z0-9_@]*[?!]?)
  | (?P<key>[A-Za-z_][A-Za-z0-9_@]*[?!]?:(?=[ \t\r\n]))
  | (?P<word>[A-Za-z_][A-Za-z0-9_.@]*[?!]?)
  | (?P<number>-?\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?)
  | (?P<punct>%\{|=>|[{}\[\],])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Atom:
    """An Elixir atom such as ``:hex``."""

    name: str


Term = (
    str
    | int
    | float
    | bool
    | None
    | Atom
    | tuple["Term", ...]
    | list["Term"]
    | dict[object, "Term"]
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    line: int


_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "#": "#", "0": "\0"}


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _tokenize(path: str, text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    line = 1
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ParseError(path, f"unexpected character {text[pos]!r}", line=line)
        kind = m.lastgroup or ""
        value = m.group()
        if kind != "ws":
            toks.append(_Tok(kind, value, line))
        line += value.count("\n")
        pos = m.end()
    return toks


class _Reader:
    def __init__(self, path: str, toks: list[_Tok]) -> None:
        self.path = path
        self.toks = toks
        self.i = 0

    def error(self, message: str) -> ParseError:
        line = (
            self.toks[self.i].line
            if self.i < len(self.toks)
            else (self.toks[-1].line if self.toks else 1)
        )
        return ParseError(self.path, message, line=line)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, text: str) -> None:
        tok = self.peek()
        if tok is None or tok.text != text:
            found = "end of file" if tok is None else repr(tok.text)
            raise self.error(f"expected {text!r}, found {found}")
        self.i += 1

    def value(self, depth: int = 0) -> Term:
        if depth > _MAX_DEPTH:
            raise self.error(f"terms nested deeper than {_MAX_DEPTH}")
        tok = self.peek()
        if tok is None:
            raise self.error("unexpected end of file")
        self.i += 1
        if tok.kind == "string":
            return _unescape(tok.text[1:-1])
        if tok.kind == "atom":
            return Atom(tok.text[1:])
        if tok.kind == "qatom":
            return Atom(_unescape(tok.text[2:-1]))
        if tok.kind == "number":
            digits = tok.text.replace("_", "")
            return float(digits) if any(c in digits for c in ".eE") else int(digits)
        if tok.kind == "word":
            if tok.text in ("true", "false"):
                return tok.text == "true"
            if tok.text == "nil":
                return None
            return Atom(tok.text)  # an alias such as Mix.SCM.Git
        if tok.text == "{":
            return tuple(self.items("}", depth))
        if tok.text == "[":
            return self.items("]", depth)
        if tok.text == "%{":
            return self.map_items(depth)
        self.i -= 1
        raise self.error(f"unexpected {tok.text!r}")

    def keyword(self, depth: int) -> Term | None:
        """A ``key: value`` pair as the tuple Elixir makes of it, or None if none is next."""
        tok = self.peek()
        if tok is None or tok.kind not in ("key", "qkey"):
            return None
        self.i += 1
        name = tok.text[:-1] if tok.kind == "key" else _unescape(tok.text[1:-2])
        return (Atom(name), self.value(depth + 1))

    def items(self, close: str, depth: int) -> list[Term]:
        out: list[Term] = []
        while True:
            tok = self.peek()
            if tok is not None and tok.text == close:
                self.i += 1
                return out
            pair = self.keyword(depth)
            out.append(pair if pair is not None else self.value(depth + 1))
            tok = self.peek()
            if tok is not None and tok.text == ",":
                self.i += 1
            elif tok is None or tok.text != close:
                raise self.error(f"expected ',' or {close!r}")

    def map_items(self, depth: int) -> dict[object, Term]:
        return {key: value for key, value, _ in self.entries(depth)}

    def entries(self, depth: int) -> list[tuple[object, Term, int]]:
        """The entries of a map whose ``%{`` has been read: (key, value, line of key)."""
        out: list[tuple[object, Term, int]] = []
        while True:
            tok = self.peek()
            if tok is None:
                raise self.error("map is never closed")
            if tok.text == "}":
                self.i += 1
                return out
            line = tok.line
            if tok.kind in ("key", "qkey"):
                self.i += 1
                key: object = (
                    Atom(tok.text[:-1]) if tok.kind == "key" else _unescape(tok.text[1:-2])
                )
            else:
                raw = self.value(depth + 1)
                key = raw if raw is None or isinstance(raw, str | Atom | int | float) else repr(raw)
                self.take("=>")
            out.append((key, self.value(depth + 1), line))
            tok = self.peek()
            if tok is not None and tok.text == ",":
                self.i += 1
            elif tok is None or tok.text != "}":
                raise self.error("expected ',' or '}' in map")


class MixLockParser:
    """Parser for ``mix.lock``."""

    format = "mix.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.mix_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_utf8(path, data)
        toks = _tokenize(path, text)
        if not toks:
            return ParseResult()  # an empty file: no dependencies locked yet
        reader = _Reader(path, toks)
        reader.take("%{")
        entries = reader.entries(0)
        if reader.peek() is not None:
            raise reader.error("unexpected text after the map")

        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for key, value, line in entries:
            label = key if isinstance(key, str) else key.name if isinstance(key, Atom) else "?"
            if not isinstance(value, tuple) or not value or not isinstance(value[0], Atom):
                raise ParseError(path, f"{label}: expected a {{:scm, ...}} tuple", line=line)
            scm = value[0].name
            if scm == "hex":
                if (
                    len(value) < 3
                    or not isinstance(value[1], Atom)
                    or not isinstance(value[2], str)
                ):
                    raise ParseError(
                        path, f'{label}: expected {{:hex, :package, "version", ...}}', line=line
                    )
                name = normalize_name(_ECOSYSTEM, value[1].name)
                version = value[2]
                repo = value[6] if len(value) > 6 else "hexpm"
                if repo != "hexpm":
                    skipped.append(
                        Skipped(
                            name,
                            f"from the Hex repository {repo!r}, not public hex.pm",
                            line,
                        )
                    )
                    continue
                if (name, version) in seen:
                    continue
                seen.add((name, version))
                components.append(
                    Component(
                        ecosystem=_ECOSYSTEM, name=name, version=version, source=path, line=line
                    )
                )
            elif scm == "git":
                url = value[1] if len(value) > 1 and isinstance(value[1], str) else "?"
                rev = value[2] if len(value) > 2 and isinstance(value[2], str) else None
                where = url + (f" at {rev}" if rev else "")
                skipped.append(
                    Skipped(label, f"git dependency ({where}); not a hex.pm release", line)
                )
            else:
                skipped.append(Skipped(label, f"unknown dependency source :{scm}", line))
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
