"""Checked expressions -> Python closures, built once and then called once per finding.

Each condition becomes one small closure over its field getter and its (already coerced)
value, so evaluating a trigger is a few function calls and comparisons: no tree is walked and
no value is converted at evaluation time. ``AND``/``OR`` short-circuit as in Python.

Missing values: every comparison with a missing value (None) is false, including ``!=`` and
``NOT IN``; ``NOT`` negates the result of its operand (so ``NOT cve.score >= 8`` is true when
the score is missing); ``IS MISSING`` tests for it explicitly. List fields are never missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from runink.errors import VersionError
from runink.policy.checker import (
    AllOf,
    AnyOf,
    Checked,
    Constant,
    FieldRef,
    IsMissing,
    Negation,
    Test,
    TestOp,
    Truthy,
    referenced_fields,
)
from runink.policy.context import EvaluationContext
from runink.policy.fields import FieldSpec, FieldType
from runink.scoring.severity import Severity
from runink.versions import Version
from runink.versions import parse as parse_version

__all__ = ["CompiledExpression", "Predicate", "compile_checked", "display_value"]

Predicate = Callable[[EvaluationContext], bool]
Getter = Callable[[EvaluationContext], Any]
JsonValue = str | int | float | bool | None | list[str]

_SEVERITY_BY_RANK: Final = {s.rank: s.value for s in Severity}


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A checked expression compiled to ``predicate``; ``fields`` are those it reads."""

    source: str
    predicate: Predicate
    fields: tuple[FieldSpec, ...]
    _readers: tuple[tuple[str, Getter, Callable[[Any], JsonValue]], ...] = field(
        default=(), repr=False, compare=False
    )

    def __call__(self, ctx: EvaluationContext) -> bool:
        return self.predicate(ctx)

    def values(self, ctx: EvaluationContext) -> dict[str, JsonValue]:
        """The value of every field the expression reads, for the audit record."""
        return {name: show(get(ctx)) for name, get, show in self._readers}


def _show_plain(raw: Any) -> JsonValue:
    if raw is None or isinstance(raw, str | int | float | bool):
        return raw
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, tuple):
        return [str(x) for x in raw]
    return str(raw)


def _show_severity(raw: Any) -> JsonValue:
    return None if raw is None else _SEVERITY_BY_RANK.get(raw)


def _show_version(raw: Any) -> JsonValue:
    return None if raw is None else str(raw[1])


def display_value(spec: FieldSpec, raw: object) -> JsonValue:
    """A getter's value as plain JSON: severity names, version text, ISO dates, lists."""
    return _shower(spec)(raw)


def _shower(spec: FieldSpec) -> Callable[[Any], JsonValue]:
    if spec.type is FieldType.SEVERITY:
        return _show_severity
    if spec.type is FieldType.VERSION:
        return _show_version
    return _show_plain


def compile_checked(checked: Checked, source: str) -> CompiledExpression:
    """Compile a checked expression (see ``runink.policy.checker``)."""
    fields = referenced_fields(checked)
    readers = tuple((spec.name, spec.getter, _shower(spec)) for spec in fields)
    return CompiledExpression(source, _compile(checked), fields, readers)


def _compile(node: Checked) -> Predicate:
    if isinstance(node, Test):
        return _test(node)
    if isinstance(node, AllOf):
        return _all([_compile(n) for n in node.operands])
    if isinstance(node, AnyOf):
        return _any([_compile(n) for n in node.operands])
    if isinstance(node, Negation):
        inner = _compile(node.operand)
        return lambda c: not inner(c)
    if isinstance(node, Truthy):
        get = node.field.spec.getter
        return lambda c: get(c) is True
    if isinstance(node, IsMissing):
        get = node.field.spec.getter
        if node.negated:
            return lambda c: get(c) is not None
        return lambda c: get(c) is None
    assert isinstance(node, Constant)
    constant = node.value
    return lambda c: constant


def _all(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda c: a(c) and b(c)
    if len(parts) == 3:
        a, b, d = parts
        return lambda c: a(c) and b(c) and d(c)
    # Halves keep the call depth logarithmic in the number of operands.
    middle = len(parts) // 2
    left, right = _all(parts[:middle]), _all(parts[middle:])
    return lambda c: left(c) and right(c)


def _any(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda c: a(c) or b(c)
    if len(parts) == 3:
        a, b, d = parts
        return lambda c: a(c) or b(c) or d(c)
    middle = len(parts) // 2
    left, right = _any(parts[:middle]), _any(parts[middle:])
    return lambda c: left(c) or right(c)


def _test(node: Test) -> Predicate:
    spec = node.field.spec
    get: Getter = spec.getter
    op = node.op
    value = node.value
    if isinstance(value, FieldRef):
        return _field_vs_field(op, spec, get, value.spec.getter)
    if spec.type is FieldType.VERSION:
        return _version_test(op, get, value)
    if spec.type is FieldType.STRING_LIST:
        return _list_test(op, get, value)
    if op is TestOp.EQ:
        return lambda c: get(c) == value
    if op is TestOp.NE:
        return lambda c: (x := get(c)) is not None and x != value
    if op is TestOp.LT:
        return lambda c: (x := get(c)) is not None and x < value
    if op is TestOp.LE:
        return lambda c: (x := get(c)) is not None and x <= value
    if op is TestOp.GT:
        return lambda c: (x := get(c)) is not None and x > value
    if op is TestOp.GE:
        return lambda c: (x := get(c)) is not None and x >= value
    if op is TestOp.IN:
        members = value
        return lambda c: get(c) in members  # type: ignore[operator]
    if op is TestOp.NOT_IN:
        members = value
        return lambda c: (x := get(c)) is not None and x not in members  # type: ignore[operator]
    search = value.search  # type: ignore[attr-defined]
    if op is TestOp.MATCHES:
        return lambda c: (x := get(c)) is not None and search(x) is not None
    assert op is TestOp.NOT_MATCHES
    return lambda c: (x := get(c)) is not None and search(x) is None


def _list_test(op: TestOp, get: Getter, value: object) -> Predicate:
    """Lists (cve.aliases, cve.cwe): ``=`` means "contains", ``IN [..]`` "shares an element",
    MATCHES/LIKE "some element matches"; the negated forms are their exact negations."""
    if op is TestOp.CONTAINS:
        return lambda c: value in get(c)
    if op is TestOp.NOT_CONTAINS:
        return lambda c: value not in get(c)
    if op is TestOp.ANY_IN:
        members: frozenset[object] = value  # type: ignore[assignment]
        return lambda c: not members.isdisjoint(get(c))
    if op is TestOp.NOT_ANY_IN:
        members = value  # type: ignore[assignment]
        return lambda c: members.isdisjoint(get(c))
    search = value.search  # type: ignore[attr-defined]
    if op is TestOp.MATCHES:
        return lambda c: any(search(x) is not None for x in get(c))
    assert op is TestOp.NOT_MATCHES
    return lambda c: not any(search(x) is not None for x in get(c))


def _parsed(ecosystem: str, text: str) -> Version | None:
    try:
        return parse_version(ecosystem, text)
    except VersionError:
        return None


def _version_compare(pair: tuple[str, str] | None, other: str) -> int | None:
    """-1/0/1 comparing the field's version with ``other`` in its ecosystem's scheme; None
    when either cannot be parsed (then only text equality is known)."""
    if pair is None:
        return None
    ecosystem, text = pair
    a = _parsed(ecosystem, text)
    b = _parsed(ecosystem, other)
    if a is None or b is None:
        return None
    return -1 if a < b else (1 if a > b else 0)


_ORDER_TESTS: Final[dict[TestOp, Callable[[int], bool]]] = {
    TestOp.LT: lambda r: r < 0,
    TestOp.LE: lambda r: r <= 0,
    TestOp.GT: lambda r: r > 0,
    TestOp.GE: lambda r: r >= 0,
}


def _version_equal(pair: tuple[str, str] | None, other: str) -> bool | None:
    if pair is None:
        return None
    result = _version_compare(pair, other)
    return pair[1] == other if result is None else result == 0


def _version_test(op: TestOp, get: Getter, value: object) -> Predicate:
    """Versions compare with the package ecosystem's scheme (PEP 440 ``1.0 == 1.0.0``); a
    version the scheme cannot parse only equals its own text and orders with nothing."""
    if op is TestOp.EQ:
        text = str(value)
        return lambda c: _version_equal(get(c), text) is True
    if op is TestOp.NE:
        text = str(value)
        return lambda c: _version_equal(get(c), text) is False
    if op in (TestOp.IN, TestOp.NOT_IN):
        texts = tuple(sorted(str(v) for v in value))  # type: ignore[attr-defined]

        def member(c: EvaluationContext) -> bool | None:
            pair = get(c)
            if pair is None:
                return None
            return any(_version_equal(pair, t) for t in texts)

        if op is TestOp.IN:
            return lambda c: member(c) is True
        return lambda c: member(c) is False
    if op in _ORDER_TESTS:
        text = str(value)
        check = _ORDER_TESTS[op]
        return lambda c: (r := _version_compare(get(c), text)) is not None and check(r)
    search = value.search  # type: ignore[attr-defined]
    if op is TestOp.MATCHES:
        return lambda c: (p := get(c)) is not None and search(p[1]) is not None
    assert op is TestOp.NOT_MATCHES
    return lambda c: (p := get(c)) is not None and search(p[1]) is None


def _field_vs_field(op: TestOp, spec: FieldSpec, left: Getter, right: Getter) -> Predicate:
    if spec.type is FieldType.VERSION:

        def compare(c: EvaluationContext) -> int | None:
            a, b = left(c), right(c)
            if a is None or b is None:
                return None
            result = _version_compare(a, b[1])
            if result is None and op in (TestOp.EQ, TestOp.NE):
                return 0 if a[1] == b[1] else 1
            return result

        if op is TestOp.EQ:
            return lambda c: compare(c) == 0
        if op is TestOp.NE:
            return lambda c: (r := compare(c)) is not None and r != 0
        order = _ORDER_TESTS[op]
        return lambda c: (r := compare(c)) is not None and order(r)

    def both(c: EvaluationContext) -> tuple[Any, Any] | None:
        a, b = left(c), right(c)
        return None if a is None or b is None else (a, b)

    checks: dict[TestOp, Callable[[Any, Any], bool]] = {
        TestOp.EQ: lambda a, b: bool(a == b),
        TestOp.NE: lambda a, b: bool(a != b),
        TestOp.LT: lambda a, b: bool(a < b),
        TestOp.LE: lambda a, b: bool(a <= b),
        TestOp.GT: lambda a, b: bool(a > b),
        TestOp.GE: lambda a, b: bool(a >= b),
    }
    check = checks[op]
    return lambda c: (p := both(c)) is not None and check(p[0], p[1])
