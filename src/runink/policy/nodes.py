"""The syntax tree of a trigger expression, as the parser builds it (before type checking).

Every node keeps ``start``/``end``: character offsets into the expression text, which the
document layer maps back to a line and column of the YAML file.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = [
    "And",
    "Bare",
    "Comparison",
    "Expr",
    "Field",
    "ListLiteral",
    "Literal",
    "LiteralKind",
    "Missing",
    "Not",
    "Op",
    "Operand",
    "Or",
    "Word",
]


class LiteralKind(enum.StrEnum):
    STRING = "string"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"


class Op(enum.StrEnum):
    """Binary operators, as written (``==`` is read as ``=``)."""

    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "IN"
    NOT_IN = "NOT IN"
    MATCHES = "MATCHES"
    NOT_MATCHES = "NOT MATCHES"
    LIKE = "LIKE"
    NOT_LIKE = "NOT LIKE"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Word:
    """A bare word that is neither a keyword nor a field (an unquoted string, a typo)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Literal:
    """A scalar literal. ``text`` is the source text (``"high"``, ``8``, ``2026-01-31``)."""

    kind: LiteralKind
    value: str | float | dt.date | bool
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Literal, ...]
    start: int
    end: int


Operand = Field | Word | Literal | ListLiteral


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left OP right``; ``start``/``end`` are those of the operator."""

    op: Op
    left: Operand
    right: Operand
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Missing:
    """``operand IS MISSING`` (or ``IS NOT MISSING`` when ``negated``)."""

    operand: Operand
    negated: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Bare:
    """An operand used as a condition on its own: a bool field, ``true`` or ``false``."""

    operand: Operand
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]
    start: int
    end: int


Expr = Comparison | Missing | Bare | Not | And | Or
