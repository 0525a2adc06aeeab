"""Type checking: a parsed expression -> a checked tree ready to compile, or every problem in it.

The checker resolves field names against the catalogue (suggesting the closest name for an
unknown one), checks that each operator applies to the field's type and that each value has
that type (coercing where the language allows it: a quoted date for a date field, a severity
word for a severity), compiles regular expressions and globs, and puts the field on the left
(``8 <= cve.score`` becomes ``cve.score >= 8``). It keeps going after a problem, so one run
reports every problem of an expression.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import fnmatch
import re
from dataclasses import dataclass
from typing import Final

from runink.policy import nodes
from runink.policy.fields import FieldSpec, FieldType, resolve, suggest
from runink.policy.patterns import glob_problem
from runink.policy.source import ExprProblem
from runink.scoring.severity import Severity

__all__ = [
    "AllOf",
    "AnyOf",
    "Checked",
    "Constant",
    "FieldRef",
    "IsMissing",
    "Negation",
    "Test",
    "TestOp",
    "Truthy",
    "check_expression",
    "referenced_fields",
]


class TestOp(enum.StrEnum):
    """Operators after checking. ``CONTAINS``: a list field holds the value; ``ANY_IN``: a
    list field shares an element with the list value."""

    __test__ = False  # not a pytest test class

    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not in"
    CONTAINS = "contains"
    NOT_CONTAINS = "not contains"
    ANY_IN = "any in"
    NOT_ANY_IN = "not any in"
    MATCHES = "matches"
    NOT_MATCHES = "not matches"


@dataclass(frozen=True, slots=True)
class FieldRef:
    spec: FieldSpec
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Test:
    """``field OP value``. ``value`` is coerced to the field's representation: a float, a str,
    a date, a severity rank, a version text, a frozenset (IN), a compiled pattern (MATCHES and
    LIKE both compile to ``MATCHES``), or another field."""

    __test__ = False

    op: TestOp
    field: FieldRef
    value: object
    source: str  # the condition as written, for explanations


@dataclass(frozen=True, slots=True)
class IsMissing:
    field: FieldRef
    negated: bool


@dataclass(frozen=True, slots=True)
class Truthy:
    field: FieldRef


@dataclass(frozen=True, slots=True)
class Constant:
    value: bool


@dataclass(frozen=True, slots=True)
class Negation:
    operand: Checked


@dataclass(frozen=True, slots=True)
class AllOf:
    operands: tuple[Checked, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    operands: tuple[Checked, ...]


Checked = Test | IsMissing | Truthy | Constant | Negation | AllOf | AnyOf

_FLIP: Final = {
    nodes.Op.EQ: nodes.Op.EQ,
    nodes.Op.NE: nodes.Op.NE,
    nodes.Op.LT: nodes.Op.GT,
    nodes.Op.LE: nodes.Op.GE,
    nodes.Op.GT: nodes.Op.LT,
    nodes.Op.GE: nodes.Op.LE,
}
_ORDERING: Final = frozenset({nodes.Op.LT, nodes.Op.LE, nodes.Op.GT, nodes.Op.GE})
_PATTERN_OPS: Final = frozenset(
    {nodes.Op.MATCHES, nodes.Op.NOT_MATCHES, nodes.Op.LIKE, nodes.Op.NOT_LIKE}
)
_PATTERN_TYPES: Final = frozenset({FieldType.STRING, FieldType.VERSION, FieldType.STRING_LIST})
_SEVERITY_WORDS: Final = tuple(s.value for s in Severity)
_KIND_NAMES: Final = {
    nodes.LiteralKind.STRING: "a string",
    nodes.LiteralKind.NUMBER: "a number",
    nodes.LiteralKind.DATE: "a date",
    nodes.LiteralKind.BOOL: "a bool",
}


def _article(ftype: FieldType) -> str:
    return "a list of strings" if ftype is FieldType.STRING_LIST else f"a {ftype.value}"


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


class _Checker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[ExprProblem] = []

    def fail(self, offset: int, message: str, suggestion: str | None = None) -> None:
        self.problems.append(ExprProblem(offset, message, suggestion))

    # --- structure ---------------------------------------------------------------------------

    def expr(self, node: nodes.Expr) -> Checked | None:
        if isinstance(node, nodes.And | nodes.Or):
            parts = [self.expr(operand) for operand in node.operands]
            if any(p is None for p in parts):
                return None
            checked = tuple(p for p in parts if p is not None)
            return AllOf(checked) if isinstance(node, nodes.And) else AnyOf(checked)
        if isinstance(node, nodes.Not):
            inner = self.expr(node.operand)
            return None if inner is None else Negation(inner)
        if isinstance(node, nodes.Bare):
            return self.bare(node)
        if isinstance(node, nodes.Missing):
            return self.missing(node)
        return self.comparison(node)

    def bare(self, node: nodes.Bare) -> Checked | None:
        operand = node.operand
        if isinstance(operand, nodes.Literal) and operand.kind is nodes.LiteralKind.BOOL:
            return Constant(bool(operand.value))
        ref = self.operand_field(operand)
        if ref is None:
            if isinstance(operand, nodes.Literal | nodes.ListLiteral):
                self.fail(operand.start, f"{self.source(operand)} is a value, not a condition")
            return None
        if ref.spec.type is not FieldType.BOOL:
            self.fail(
                ref.start,
                f"{ref.spec.name} is {_article(ref.spec.type)}, not a condition: compare it "
                f"with a value (e.g. {self.example(ref.spec)})",
            )
            return None
        return Truthy(ref)

    def missing(self, node: nodes.Missing) -> Checked | None:
        ref = self.operand_field(node.operand)
        if ref is None:
            if isinstance(node.operand, nodes.Literal | nodes.ListLiteral):
                self.fail(node.operand.start, "IS MISSING applies to a field, not a value")
            return None
        return IsMissing(ref, node.negated)

    # --- operands ----------------------------------------------------------------------------

    def source(self, node: nodes.Operand | nodes.Comparison) -> str:
        return self.text[node.start : node.end]

    def operand_field(self, operand: nodes.Operand) -> FieldRef | None:
        """Resolve a field operand (reporting unknown names and bare words); None otherwise."""
        if isinstance(operand, nodes.Field):
            spec = resolve(operand.name)
            if spec is None:
                hint = suggest(operand.name)
                message = f"unknown field {operand.name}"
                if operand.name.partition(".")[2] == "labels":
                    message = f"{operand.name} needs a key: {operand.name}.KEY"
                    hint = None
                if hint:
                    message += f"; did you mean {hint}?"
                self.fail(operand.start, message, hint)
                return None
            return FieldRef(spec, operand.start, operand.end)
        if isinstance(operand, nodes.Word):
            self.word(operand)
        return None

    def word(self, word: nodes.Word) -> None:
        hint = suggest(word.text)
        if hint is not None and hint.rsplit(".", 1)[-1] == word.text.lower():
            self.fail(word.start, f"unknown field {word.text}; did you mean {hint}?", hint)
            return
        self.fail(
            word.start,
            f"{word.text} is neither a field nor a value: write strings in quotes "
            f'("{word.text}") and fields with their group (cve.severity)',
            f'"{word.text}"',
        )

    # --- comparisons -------------------------------------------------------------------------

    def comparison(self, node: nodes.Comparison) -> Checked | None:
        left, right, op = node.left, node.right, node.op
        for side in (left, right):
            if isinstance(side, nodes.Word):
                self.word(side)
        if isinstance(left, nodes.Word) or isinstance(right, nodes.Word):
            if isinstance(left, nodes.Field):
                self.operand_field(left)
            if isinstance(right, nodes.Field):
                self.operand_field(right)
            return None
        if not isinstance(left, nodes.Field) and not isinstance(right, nodes.Field):
            self.fail(left.start, "this compares two values: one side must be a field")
            return None
        if isinstance(left, nodes.Field) and isinstance(right, nodes.Field):
            return self.field_vs_field(node, left, right)
        if not isinstance(left, nodes.Field):
            # A value on the left: "x" IN cve.aliases, or 8 <= cve.score.
            assert isinstance(right, nodes.Field)
            return self.value_first(node, left, right)
        assert not isinstance(right, nodes.Field | nodes.Word)
        ref = self.operand_field(left)
        if ref is None:
            return None
        return self.field_vs_value(node, op, ref, right)

    def value_first(
        self, node: nodes.Comparison, value: nodes.Literal | nodes.ListLiteral, field: nodes.Field
    ) -> Checked | None:
        ref = self.operand_field(field)
        if ref is None:
            return None
        op = node.op
        if op in (nodes.Op.IN, nodes.Op.NOT_IN):
            if ref.spec.type is not FieldType.STRING_LIST:
                self.fail(
                    field.start,
                    f'{ref.spec.name} is {_article(ref.spec.type)}: "value IN field" needs a '
                    f"list field (cve.aliases, cve.cwe); write {ref.spec.name} IN [...]",
                )
                return None
            if not isinstance(value, nodes.Literal) or value.kind is not nodes.LiteralKind.STRING:
                self.fail(
                    value.start,
                    f"{ref.spec.name} holds strings; {self.source(value)} is not a string",
                )
                return None
            test_op = TestOp.CONTAINS if op is nodes.Op.IN else TestOp.NOT_CONTAINS
            return Test(test_op, ref, value.value, self.source_of(node))
        if op in _PATTERN_OPS:
            self.fail(
                value.start,
                f"the pattern goes on the right: {ref.spec.name} {op.value} {self.source(value)}",
            )
            return None
        return self.field_vs_value(node, _FLIP[op], ref, value)

    def source_of(self, node: nodes.Comparison) -> str:
        start = min(node.left.start, node.start)
        end = max(node.right.end, node.end)
        return self.text[start:end]

    def field_vs_field(
        self, node: nodes.Comparison, left: nodes.Field, right: nodes.Field
    ) -> Checked | None:
        a, b = self.operand_field(left), self.operand_field(right)
        if a is None or b is None:
            return None
        op = node.op
        if op not in _FLIP:
            self.fail(
                node.start, f"{op.value} needs a value on its right, not the field {b.spec.name}"
            )
            return None
        if a.spec.type is not b.spec.type or a.spec.type is FieldType.STRING_LIST:
            self.fail(
                node.start,
                f"cannot compare {a.spec.name} ({a.spec.type.value}) with "
                f"{b.spec.name} ({b.spec.type.value})",
            )
            return None
        if op in _ORDERING and not a.spec.type.ordered:
            self.fail(node.start, self.ordering_message(op, a.spec))
            return None
        return Test(TestOp(op.value), a, b, self.source_of(node))

    @staticmethod
    def ordering_message(op: nodes.Op, spec: FieldSpec) -> str:
        return (
            f"{op.value} compares numbers, dates, severities and versions; "
            f"{spec.name} is {_article(spec.type)}"
        )

    def field_vs_value(
        self,
        node: nodes.Comparison,
        op: nodes.Op,
        ref: FieldRef,
        value: nodes.Literal | nodes.ListLiteral,
    ) -> Checked | None:
        spec = ref.spec
        source = self.source_of(node)
        if op in _PATTERN_OPS:
            return self.pattern(node, op, ref, value, source)
        if op in (nodes.Op.IN, nodes.Op.NOT_IN):
            if not isinstance(value, nodes.ListLiteral):
                self.fail(
                    value.start,
                    f"{op.value} needs a list of values: {spec.name} {op.value} "
                    f"[{self.source(value)}, …]",
                )
                return None
            items = [self.coerce(spec, item) for item in value.items]
            if any(item is _INVALID for item in items):
                return None
            members = frozenset(items)
            if spec.type is FieldType.STRING_LIST:
                test_op = TestOp.ANY_IN if op is nodes.Op.IN else TestOp.NOT_ANY_IN
            else:
                test_op = TestOp.IN if op is nodes.Op.IN else TestOp.NOT_IN
            return Test(test_op, ref, members, source)
        if isinstance(value, nodes.ListLiteral):
            self.fail(
                value.start,
                f"{op.value} compares with one value; to test several use "
                f"{spec.name} IN {self.source(value)}",
            )
            return None
        if op in _ORDERING and not spec.type.ordered:
            self.fail(node.start, self.ordering_message(op, spec))
            return None
        coerced = self.coerce(spec, value)
        if coerced is _INVALID:
            return None
        if spec.type is FieldType.STRING_LIST:
            test_op = TestOp.CONTAINS if op is nodes.Op.EQ else TestOp.NOT_CONTAINS
            return Test(test_op, ref, coerced, source)
        return Test(TestOp(op.value), ref, coerced, source)

    def pattern(
        self,
        node: nodes.Comparison,
        op: nodes.Op,
        ref: FieldRef,
        value: nodes.Literal | nodes.ListLiteral,
        source: str,
    ) -> Checked | None:
        spec = ref.spec
        word = "MATCHES" if op in (nodes.Op.MATCHES, nodes.Op.NOT_MATCHES) else "LIKE"
        negated = op in (nodes.Op.NOT_MATCHES, nodes.Op.NOT_LIKE)
        if spec.type not in _PATTERN_TYPES:
            self.fail(
                node.start,
                f"{word} applies to strings, versions and lists of strings; "
                f"{spec.name} is {_article(spec.type)}",
            )
            return None
        if not isinstance(value, nodes.Literal) or value.kind is not nodes.LiteralKind.STRING:
            what = "regular expression" if word == "MATCHES" else "glob"
            self.fail(value.start, f'{word} needs a quoted {what}, e.g. {spec.name} {word} "…"')
            return None
        assert isinstance(value.value, str)
        text = value.value
        if word == "MATCHES":
            try:
                compiled = re.compile(text)
            except re.error as exc:
                pos = exc.pos if exc.pos is not None else 0
                self.fail(
                    value.start + 1 + pos, f"invalid regular expression {value.text}: {exc.msg}"
                )
                return None
        else:
            problem = glob_problem(text)
            if problem is not None:
                offset, message = problem
                self.fail(value.start + 1 + offset, f"invalid glob {value.text}: {message}")
                return None
            compiled = re.compile(fnmatch.translate(text))
        return Test(TestOp.NOT_MATCHES if negated else TestOp.MATCHES, ref, compiled, source)

    # --- values ------------------------------------------------------------------------------

    def example(self, spec: FieldSpec) -> str:
        return {
            FieldType.NUMBER: f"{spec.name} >= 7",
            FieldType.SEVERITY: f'{spec.name} >= "high"',
            FieldType.DATE: f"{spec.name} >= 2024-01-01",
            FieldType.STRING_LIST: f'"…" IN {spec.name}',
            FieldType.VERSION: f'{spec.name} < "2.0"',
        }.get(spec.type, f'{spec.name} = "…"')

    def coerce(self, spec: FieldSpec, value: nodes.Literal) -> object:
        """The literal as the field's value representation, or ``_INVALID`` (after reporting)."""
        ftype = spec.type
        kind = value.kind
        mismatch = f"{spec.name} is {_article(ftype)}; {value.text} is {_KIND_NAMES[kind]}"
        if ftype is FieldType.NUMBER:
            if kind is not nodes.LiteralKind.NUMBER:
                self.fail(value.start, mismatch)
                return _INVALID
            number = float(value.value)  # type: ignore[arg-type]
            if spec.bounds is not None and not spec.bounds[0] <= number <= spec.bounds[1]:
                low, high = spec.bounds
                span = (
                    f"at least {_number_text(low)}"
                    if high == float("inf")
                    else f"between {_number_text(low)} and {_number_text(high)}"
                )
                self.fail(value.start, f"{spec.name} is {span}; {value.text} is out of range")
                return _INVALID
            return number
        if ftype is FieldType.BOOL:
            if kind is not nodes.LiteralKind.BOOL:
                self.fail(value.start, mismatch + " (use true or false)")
                return _INVALID
            return value.value
        if ftype is FieldType.DATE:
            if kind is nodes.LiteralKind.DATE:
                return value.value
            if kind is nodes.LiteralKind.STRING:
                try:
                    return dt.date.fromisoformat(str(value.value))
                except ValueError:
                    pass
            self.fail(value.start, mismatch + " (write dates as YYYY-MM-DD)")
            return _INVALID
        if ftype is FieldType.SEVERITY:
            if kind is not nodes.LiteralKind.STRING:
                self.fail(value.start, mismatch + f" ({', '.join(_SEVERITY_WORDS)})")
                return _INVALID
            word = str(value.value).strip().lower()
            if word not in _SEVERITY_WORDS:
                close = difflib.get_close_matches(word, _SEVERITY_WORDS, n=1, cutoff=0.5)
                hint = f'"{close[0]}"' if close else None
                message = f"{value.text} is not a severity; use one of {', '.join(_SEVERITY_WORDS)}"
                if hint:
                    message += f"; did you mean {hint}?"
                self.fail(value.start, message, hint)
                return _INVALID
            return Severity(word).rank
        if ftype is FieldType.VERSION:
            if kind is nodes.LiteralKind.NUMBER:
                return value.text  # package.version >= 2.0 means the version "2.0"
            if kind is not nodes.LiteralKind.STRING or not str(value.value).strip():
                self.fail(value.start, mismatch + ' (quote versions: "1.2.3")')
                return _INVALID
            return str(value.value).strip()
        # STRING and STRING_LIST (whose elements are strings)
        if kind is not nodes.LiteralKind.STRING:
            hint = f'"{value.text}"'
            self.fail(value.start, f"{mismatch}; write {hint} to compare text", hint)
            return _INVALID
        return value.value


_INVALID: Final = object()


def check_expression(node: nodes.Expr, text: str) -> tuple[Checked | None, list[ExprProblem]]:
    """Check a parsed expression. Returns the checked tree (None if there was any problem)
    and every problem found, in order of position."""
    checker = _Checker(text)
    checked = checker.expr(node)
    problems = sorted(checker.problems, key=lambda p: p.offset)
    return (checked if not problems else None, problems)


def referenced_fields(checked: Checked) -> tuple[FieldSpec, ...]:
    """The fields an expression reads, each once, in order of appearance."""
    seen: dict[str, FieldSpec] = {}

    def visit(item: Checked) -> None:
        if isinstance(item, Test):
            seen.setdefault(item.field.spec.name, item.field.spec)
            if isinstance(item.value, FieldRef):
                seen.setdefault(item.value.spec.name, item.value.spec)
        elif isinstance(item, IsMissing | Truthy):
            seen.setdefault(item.field.spec.name, item.field.spec)
        elif isinstance(item, Negation):
            visit(item.operand)
        elif isinstance(item, AllOf | AnyOf):
            for operand in item.operands:
                visit(operand)

    visit(checked)
    return tuple(seen.values())
