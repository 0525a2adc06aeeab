"""One evaluation pass: every trigger over every finding, with exceptions applied.

For each finding (an ``EvaluationContext``), in this order:

1. the exceptions whose scope covers the finding are found (active or expired, by the
   context's ``today``);
2. every trigger is evaluated, in policy order (all that match fire; there is no "first
   match wins");
3. if an *active* exception covers the finding, nothing fires: the outcome records which
   exception suppressed it and what would have fired. An expired exception suppresses
   nothing; the outcome lists it so the caller can say it expired.

After the pass, exceptions that covered no finding are reported as unused. Nothing here acts:
the result says which triggers fire with which actions, and the services layer executes them
(or, for ``runink policy test``, prints them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from runink.policy.actions import Action, BlockDeploy
from runink.policy.compiler import JsonValue
from runink.policy.context import EvaluationContext
from runink.policy.document import Policy, Trigger
from runink.policy.exceptions import (
    Coverage,
    PolicyException,
    exception_covers,
    unused_exceptions,
)

__all__ = ["Evaluation", "Firing", "Outcome", "evaluate", "evaluate_one"]


@dataclass(frozen=True, slots=True)
class Firing:
    """A trigger that fires on a finding."""

    trigger: Trigger
    context: EvaluationContext

    @property
    def actions(self) -> tuple[Action, ...]:
        return self.trigger.actions

    @property
    def values(self) -> Mapping[str, JsonValue]:
        """The values of the fields the trigger read, for the audit record ("trigger fired,
        with the evaluated values"). Computed on demand."""
        return self.trigger.expression.values(self.context)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the policy decided for one finding."""

    context: EvaluationContext
    fired: tuple[Firing, ...]  # empty when an active exception suppressed the finding
    coverages: tuple[Coverage, ...] = ()  # exceptions whose scope covers it
    suppressed: tuple[Firing, ...] = ()  # what would have fired, when suppressed

    @property
    def suppressed_by(self) -> PolicyException | None:
        """The first active exception covering the finding (policy order), if any."""
        for coverage in self.coverages:
            if coverage.suppresses:
                return coverage.exception
        return None

    @property
    def expired(self) -> tuple[PolicyException, ...]:
        """Exceptions that cover the finding but have expired."""
        return tuple(c.exception for c in self.coverages if not c.suppresses)

    @property
    def blocks(self) -> tuple[tuple[Trigger, BlockDeploy], ...]:
        """Each ``block_deploy`` that fired, with its trigger."""
        return tuple((f.trigger, action) for f in self.fired for action in f.trigger.blocks)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of a pass: one outcome per finding, in input order, and unused exceptions."""

    outcomes: tuple[Outcome, ...]
    unused_exceptions: tuple[PolicyException, ...]

    @property
    def blocked(self) -> bool:
        """Whether any ``block_deploy`` fired (the gate denies)."""
        return any(o.blocks for o in self.outcomes)

    @property
    def block_reasons(self) -> tuple[str, ...]:
        """The distinct ``policy`` texts of the blocks that fired, in order of appearance."""
        seen: dict[str, None] = {}
        for outcome in self.outcomes:
            for _, action in outcome.blocks:
                seen.setdefault(action.policy, None)
        return tuple(seen)

    def firings(self) -> list[tuple[EvaluationContext, Firing]]:
        """Every (finding, trigger) that fired."""
        return [(o.context, f) for o in self.outcomes for f in o.fired]


class _ExceptionIndex:
    """Exceptions by lowercased vulnerability id; package-only ones are always candidates."""

    __slots__ = ("_by_id", "_general")

    def __init__(self, exceptions: Iterable[PolicyException]) -> None:
        self._by_id: dict[str, list[tuple[int, PolicyException]]] = {}
        self._general: list[tuple[int, PolicyException]] = []
        for order, exc in enumerate(exceptions):
            if exc.vulnerability is None:
                self._general.append((order, exc))
            else:
                self._by_id.setdefault(exc.vulnerability.lower(), []).append((order, exc))

    @property
    def empty(self) -> bool:
        return not self._by_id and not self._general

    def candidates(self, ctx: EvaluationContext) -> list[PolicyException]:
        """The exceptions that may cover ``ctx``, in policy order (scope still to be checked)."""
        by_id = self._by_id
        hits = [hit for alias in ctx.vulnerability.folded_aliases for hit in by_id.get(alias, ())]
        if not hits:
            return [exc for _, exc in self._general]
        hits.extend(self._general)
        unique = {order: exc for order, exc in hits}
        return [unique[order] for order in sorted(unique)]


Compiled = tuple[tuple[Trigger, Callable[[EvaluationContext], bool]], ...]


def _compiled(triggers: tuple[Trigger, ...]) -> Compiled:
    return tuple((t, t.expression.predicate) for t in triggers)


def _fire(compiled: Compiled, ctx: EvaluationContext) -> tuple[Firing, ...]:
    return tuple([Firing(t, ctx) for t, predicate in compiled if predicate(ctx)])


def _outcome(compiled: Compiled, index: _ExceptionIndex, ctx: EvaluationContext) -> Outcome:
    fired = _fire(compiled, ctx)
    if index.empty:
        return Outcome(ctx, fired)
    candidates = index.candidates(ctx)
    if not candidates:
        return Outcome(ctx, fired)
    coverages = tuple(
        c for exc in candidates if (c := exception_covers(exc, ctx, ctx.today)).covers
    )
    if any(c.suppresses for c in coverages):
        return Outcome(ctx, (), coverages, fired)
    return Outcome(ctx, fired, coverages)


def evaluate_one(policy: Policy, ctx: EvaluationContext) -> Outcome:
    """The outcome of one finding (see the module docstring for the order)."""
    return _outcome(_compiled(policy.triggers), _ExceptionIndex(policy.exceptions), ctx)


def evaluate(policy: Policy, contexts: Iterable[EvaluationContext]) -> Evaluation:
    """Evaluate every trigger on every finding, applying exceptions; nothing is executed."""
    compiled = _compiled(policy.triggers)
    index = _ExceptionIndex(policy.exceptions)
    outcomes: list[Outcome] = []
    used: dict[str, PolicyException] = {}
    for ctx in contexts:
        outcome = _outcome(compiled, index, ctx)
        for coverage in outcome.coverages:
            used.setdefault(coverage.exception.name, coverage.exception)
        outcomes.append(outcome)
    return Evaluation(tuple(outcomes), unused_exceptions(policy.exceptions, used.values()))
