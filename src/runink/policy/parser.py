"""Trigger expressions: text -> ``runink.policy.nodes`` tree, with the offset of every token.

The grammar (``grammar.lark``) is parsed with lark's LALR(1) parser and contextual lexer,
built once per process. Syntax errors become ``ExpressionSyntaxError`` carrying an offset and a
message in the policy's own words ("expected a field or a value after '>='"); the document
layer maps the offset to file:line:column.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Final

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from runink.policy import nodes
from runink.policy.source import ExprProblem

__all__ = ["KEYWORDS", "MAX_DEPTH", "ExpressionSyntaxError", "parse_expression"]

#: How deeply NOT and parentheses may nest (far beyond any real policy; it keeps the
#: checker and compiler, which recurse, well inside Python's stack).
MAX_DEPTH: Final = 100

#: Reserved words (case-insensitive); they cannot be bare words.
KEYWORDS: Final = frozenset(
    {"and", "or", "not", "in", "matches", "like", "is", "missing", "true", "false"}
)

_OPERAND_TERMINALS: Final = frozenset(
    {"FIELD", "NAME", "STRING", "NUMBER", "DATE", "TRUE", "FALSE", "LSQB"}
)
_OPERATOR_TERMINALS: Final = frozenset({"CMP", "IN", "MATCHES", "LIKE", "IS"})
_CMP: Final = {
    "=": nodes.Op.EQ,
    "==": nodes.Op.EQ,
    "!=": nodes.Op.NE,
    "<": nodes.Op.LT,
    "<=": nodes.Op.LE,
    ">": nodes.Op.GT,
    ">=": nodes.Op.GE,
}
_WORD_OPS: Final = {
    ("membership", False): nodes.Op.IN,
    ("membership", True): nodes.Op.NOT_IN,
    ("matches", False): nodes.Op.MATCHES,
    ("matches", True): nodes.Op.NOT_MATCHES,
    ("like", False): nodes.Op.LIKE,
    ("like", True): nodes.Op.NOT_LIKE,
}


class ExpressionSyntaxError(Exception):
    """The expression does not parse; ``problem`` says where and why."""

    def __init__(self, problem: ExprProblem) -> None:
        self.problem = problem
        super().__init__(f"offset {problem.offset}: {problem.message}")


def _cache_file(grammar: str) -> str | None:
    """Where lark keeps the built parser tables (``$RUNINK_HOME/cache``), or None when that
    directory cannot be created. Building the LALR tables costs ~60 ms per process; loading them
    ~5 ms. The file name carries a digest of the grammar and lark's version, and lark itself
    checks the grammar and options it was built from before using it."""
    import hashlib

    import lark

    from runink.config import data_home

    digest = hashlib.sha256(f"{lark.__version__}\0{grammar}".encode()).hexdigest()[:16]
    folder = data_home() / "cache"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return str(folder / f"policy-grammar-{digest}.lark")


@cache
def _parser() -> Lark:
    grammar = resources.files("runink.policy").joinpath("grammar.lark").read_text("utf-8")
    options = {"parser": "lalr", "lexer": "contextual", "start": "start"}
    cache_file = _cache_file(grammar)
    if cache_file is not None:
        try:
            return Lark(grammar, maybe_placeholders=False, cache=cache_file, **options)
        except OSError:
            pass  # an unwritable cache is only slower
    return Lark(grammar, maybe_placeholders=False, **options)


def parse_expression(text: str) -> nodes.Expr:
    """Parse one trigger expression. Raises ``ExpressionSyntaxError``."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise ExpressionSyntaxError(_describe(text, exc)) from None
    return _Builder(text).expr(tree)


# --- error messages --------------------------------------------------------------------------


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _expected_phrase(expected: set[str]) -> str:
    parts: list[str] = []
    if expected & _OPERAND_TERMINALS:
        parts.append("a field or a value")
    elif "LPAR" in expected:
        parts.append("'('")
    if "CMP" in expected:
        parts.append("an operator (= != < <= > >= IN MATCHES LIKE IS)")
    elif expected & {"IN", "MATCHES", "LIKE"}:
        parts.append("IN, MATCHES or LIKE")
    elif "MISSING" in expected:
        parts.append("MISSING")
    if expected & {"AND", "OR"}:
        parts.extend(["AND", "OR"])
    if "RPAR" in expected:
        parts.append("')'")
    if "COMMA" in expected:
        parts.append("','")
    if "RSQB" in expected:
        parts.append("']'")
    return _join(parts) if parts else "the end of the expression"


def _expected(exc: UnexpectedInput, fallback: set[str]) -> set[str]:
    """The tokens the parser would have accepted: exact when lark can replay the parse."""
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is not None:
        return set(interactive.accepts())
    return fallback


def _found(text: str, offset: int) -> str:
    rest = text[offset:].split()
    if not rest:
        return "the end of the expression"
    word = rest[0]
    if word.lower() in KEYWORDS:
        return f"the keyword {word.upper()}"
    return repr(word if len(word) <= 24 else word[:24] + "…")


def _describe(text: str, exc: UnexpectedInput) -> ExprProblem:
    offset: int
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream or 0
        char = text[offset] if offset < len(text) else ""
        if char and char in "\"'":
            return ExprProblem(offset, f"unterminated string: no closing {char}")
        expected = _expected(exc, set(exc.allowed or ()))
    elif isinstance(exc, UnexpectedToken):
        expected = _expected(exc, set(exc.expected or ()))
        at_end = exc.token.type == "$END"
        offset = len(text.rstrip()) if at_end else (exc.token.start_pos or 0)
    else:  # pragma: no cover - lark raises only the two above for LALR
        return ExprProblem(int(getattr(exc, "pos_in_stream", 0) or 0), "cannot parse")
    if text[offset : offset + 1] == ")" and "RPAR" not in expected:
        return ExprProblem(offset, "unmatched ')'")
    phrase = _expected_phrase(expected)
    return ExprProblem(offset, f"expected {phrase}, found {_found(text, offset)}")


# --- tree -> nodes ---------------------------------------------------------------------------


def _unquote(token: str) -> str:
    """A string literal's value: ``\\"``, ``\\'`` and ``\\\\`` are escapes; any other backslash
    is kept, so regular expressions such as ``"\\d+"`` need no doubling."""
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and body[i + 1] in "\"'\\":
            out.append(body[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _span(item: Tree[Token] | Token) -> tuple[int, int]:
    if isinstance(item, Token):
        return (item.start_pos or 0, item.end_pos or 0)
    first: Tree[Token] | Token = item
    while isinstance(first, Tree):
        first = first.children[0]
    last: Tree[Token] | Token = item
    while isinstance(last, Tree):
        last = last.children[-1]
    return (_span(first)[0], _span(last)[1])


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.depth = 0

    def expr(self, tree: Tree[Token] | Token) -> nodes.Expr:
        assert isinstance(tree, Tree)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                start = _span(tree)[0]
                message = f"the expression is nested more than {MAX_DEPTH} levels deep"
                raise ExpressionSyntaxError(ExprProblem(start, message))
            return self._expr(tree)
        finally:
            self.depth -= 1

    def _expr(self, tree: Tree[Token]) -> nodes.Expr:
        rule = str(tree.data)
        start, end = _span(tree)
        kids = tree.children
        if rule in ("or_expr", "and_expr"):
            operands = tuple(self.expr(k) for k in kids if isinstance(k, Tree))
            cls = nodes.Or if rule == "or_expr" else nodes.And
            return cls(operands, start, end)
        if rule == "negation":
            not_token = kids[0]
            assert isinstance(not_token, Token)
            return nodes.Not(self.expr(kids[1]), not_token.start_pos or 0, end)
        if rule == "group":
            return self.expr(kids[1])
        if rule == "compare":
            op_token = kids[1]
            assert isinstance(op_token, Token)
            return nodes.Comparison(
                _CMP[str(op_token)],
                self.operand(kids[0]),
                self.operand(kids[2]),
                op_token.start_pos or 0,
                op_token.end_pos or 0,
            )
        if rule in ("membership", "matches", "like"):
            negated = len(kids) == 4
            op_first, op_last = kids[1], kids[-2]
            assert isinstance(op_first, Token) and isinstance(op_last, Token)
            return nodes.Comparison(
                _WORD_OPS[(rule, negated)],
                self.operand(kids[0]),
                self.operand(kids[-1]),
                op_first.start_pos or 0,
                op_last.end_pos or 0,
            )
        if rule == "missing":
            is_token = kids[1]
            assert isinstance(is_token, Token)
            return nodes.Missing(
                self.operand(kids[0]), len(kids) == 4, is_token.start_pos or 0, end
            )
        if rule == "bare":
            return nodes.Bare(self.operand(kids[0]), start, end)
        raise AssertionError(
            f"unexpected rule {rule}"
        )  # pragma: no cover - grammar and builder agree

    def operand(self, tree: Tree[Token] | Token) -> nodes.Operand:
        assert isinstance(tree, Tree)
        rule = str(tree.data)
        start, end = _span(tree)
        if rule == "list":
            items = tuple(self.literal(k) for k in tree.children if isinstance(k, Tree))
            return nodes.ListLiteral(items, start, end)
        token = tree.children[0]
        assert isinstance(token, Token)
        if rule == "field":
            return nodes.Field(str(token), start, end)
        if rule == "word":
            return nodes.Word(str(token), start, end)
        return self.literal(tree)

    def literal(self, tree: Tree[Token] | Token) -> nodes.Literal:
        assert isinstance(tree, Tree)
        rule = str(tree.data)
        token = tree.children[0]
        assert isinstance(token, Token)
        text = str(token)
        start, end = _span(token)
        if rule == "string":
            return nodes.Literal(nodes.LiteralKind.STRING, _unquote(text), text, start, end)
        if rule == "number":
            return nodes.Literal(nodes.LiteralKind.NUMBER, float(text), text, start, end)
        if rule == "date":
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                raise ExpressionSyntaxError(
                    ExprProblem(start, f"{text} is not a valid date (YYYY-MM-DD)")
                ) from None
            return nodes.Literal(nodes.LiteralKind.DATE, value, text, start, end)
        if rule in ("true", "false"):
            return nodes.Literal(nodes.LiteralKind.BOOL, rule == "true", text, start, end)
        if rule == "list":
            raise ExpressionSyntaxError(ExprProblem(start, "lists cannot be nested"))
        raise AssertionError(f"unexpected literal {rule}")  # pragma: no cover
