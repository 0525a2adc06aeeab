"""``.terraform.lock.hcl``: the provider versions ``terraform init`` (or OpenTofu) selected.

Each ``provider "<address>" { version = "..." ... }`` block is a component in the
``Terraform`` ecosystem, named by its full source address (``registry.terraform.io/hashicorp/
aws``, lower-cased as Terraform compares addresses) at the locked ``version``. OSV has no
Terraform ecosystem yet, so no advisory matches these components today; they are part of the
inventory all the same (and of SBOM exports and change monitoring). The lock file covers the
providers of the root module and of every module it calls, so ``direct`` is None.

The file is HCL; the parser reads the subset that lock files use (blocks with string labels,
``name = value`` attributes whose values are strings, numbers, booleans or lists of them, and
``#``, ``//`` and ``/* */`` comments) and reports anything else as a
``ParseError`` with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult, decode_utf8
from runink.model.component import Component, Skipped

__all__ = ["TerraformLockParser"]

_ECOSYSTEM: Final = "Terraform"
_MAX_DEPTH: Final = 32

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r]+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<nl>\n)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<punct>[{}\[\],=])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    line: int


@dataclass(slots=True)
class _Block:
    kind: str
    labels: list[str]
    line: int
    attrs: dict[str, tuple[object, int]] = field(default_factory=dict)
    blocks: list[_Block] = field(default_factory=list)


def _unquote(text: str) -> str:
    body = text[1:-1]
    if "\\" not in body:
        return body
    return body.encode("latin-1", "backslashreplace").decode("unicode_escape")


def _tokenize(path: str, text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos, line, n = 0, 1, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            if text.startswith("/*", pos):
                raise ParseError(path, "comment is never closed", line=line)
            if text[pos] == '"':
                raise ParseError(path, "string is never closed", line=line)
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
        if self.i < len(self.toks):
            line = self.toks[self.i].line
        else:
            line = self.toks[-1].line if self.toks else 1
        return ParseError(self.path, message, line=line)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def skip_newlines(self) -> None:
        while self.i < len(self.toks) and self.toks[self.i].kind == "nl":
            self.i += 1

    def body(self, close: str | None, depth: int) -> _Block:
        """Attributes and blocks until ``close`` (``}``) or the end of the file."""
        if depth > _MAX_DEPTH:
            raise self.error(f"blocks nested deeper than {_MAX_DEPTH}")
        into = _Block("", [], 0)
        while True:
            self.skip_newlines()
            tok = self.peek()
            if tok is None:
                if close is None:
                    return into
                raise self.error("block is never closed")
            if close is not None and tok.text == close:
                self.i += 1
                return into
            if tok.kind != "ident":
                raise self.error(f"expected an attribute or block name, found {tok.text!r}")
            self.i += 1
            nxt = self.peek()
            if nxt is not None and nxt.text == "=":
                self.i += 1
                if tok.text in into.attrs:
                    raise self.error(f"attribute {tok.text!r} is set twice")
                into.attrs[tok.text] = (self.expression(depth), tok.line)
                self.end_of_item()
                continue
            labels: list[str] = []
            while (nxt := self.peek()) is not None and nxt.kind in ("string", "ident"):
                labels.append(_unquote(nxt.text) if nxt.kind == "string" else nxt.text)
                self.i += 1
            if nxt is None or nxt.text != "{":
                raise self.error(f"expected '{{' to open the {tok.text} block")
            self.i += 1
            inner = self.body("}", depth + 1)
            into.blocks.append(_Block(tok.text, labels, tok.line, inner.attrs, inner.blocks))
            self.end_of_item()

    def end_of_item(self) -> None:
        tok = self.peek()
        if tok is not None and tok.kind != "nl" and tok.text != "}":
            raise self.error(f"expected a new line, found {tok.text!r}")

    def expression(self, depth: int) -> object:
        if depth > _MAX_DEPTH:
            raise self.error(f"values nested deeper than {_MAX_DEPTH}")
        self.skip_newlines()
        tok = self.peek()
        if tok is None:
            raise self.error("expected a value")
        self.i += 1
        if tok.kind == "string":
            return _unquote(tok.text)
        if tok.kind == "number":
            return tok.text
        if tok.kind == "ident" and tok.text in ("true", "false", "null"):
            return tok.text
        if tok.text == "[":
            items: list[object] = []
            while True:
                self.skip_newlines()
                nxt = self.peek()
                if nxt is not None and nxt.text == "]":
                    self.i += 1
                    return items
                items.append(self.expression(depth + 1))
                self.skip_newlines()
                nxt = self.peek()
                if nxt is not None and nxt.text == ",":
                    self.i += 1
                elif nxt is None or nxt.text != "]":
                    raise self.error("expected ',' or ']' in list")
        self.i -= 1
        raise self.error(f"unsupported value {tok.text!r} in a lock file")


class TerraformLockParser:
    """Parser for ``.terraform.lock.hcl``."""

    format = ".terraform.lock.hcl"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.terraform_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_utf8(path, data)
        top = _Reader(path, _tokenize(path, text)).body(None, 0)
        if top.attrs:
            name, (_, line) = next(iter(top.attrs.items()))
            raise ParseError(path, f"unexpected top-level attribute {name!r}", line=line)

        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for block in top.blocks:
            if block.kind != "provider":
                continue  # lock files hold only provider blocks today
            if len(block.labels) != 1:
                raise ParseError(path, "a provider block takes one label", line=block.line)
            name = block.labels[0].strip().lower()
            version = block.attrs.get("version", (None, 0))[0]
            if not isinstance(version, str) or not version:
                skipped.append(Skipped(name, "provider block has no 'version'", block.line))
                continue
            if (name, version) in seen:
                continue
            seen.add((name, version))
            components.append(
                Component(
                    ecosystem=_ECOSYSTEM,
                    name=name,
                    version=version,
                    source=path,
                    line=block.line,
                )
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
