"""Policy documents: ``runink.yaml`` and ``--policy`` files, validated and merged.

A document may hold:

- ``artifact:`` the metadata of the artifact the repository builds (name, kind, environment,
  team, owners, labels, maintainer_email, team_label);
- ``trigger:`` one trigger, and/or ``triggers:`` a list of them. A trigger has ``when:`` (an
  expression), ``then:`` (a list of actions), and optionally ``name`` and ``description``;
- ``exceptions:`` a list of exceptions (see ``runink.policy.exceptions``).

Every problem in a file is collected (unknown keys with suggestions, expression errors at
the token's line and column, action parameters, exceptions) and raised as one
``PolicyError``. Several files merge in the order given: triggers and exceptions are
concatenated; ``artifact:`` fields combine, and one field given two different values is an
error naming both places; two triggers (or exceptions) with the same name are an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from runink.policy.actions import Action, BlockDeploy, parse_action
from runink.policy.checker import check_expression
from runink.policy.compiler import CompiledExpression, compile_checked
from runink.policy.context import ArtifactFacts, EvaluationContext
from runink.policy.exceptions import PolicyException, parse_exception
from runink.policy.source import ExprProblem, Location, Problem, ScalarMap, raise_problems
from runink.policy.yamlsource import Node, load_yaml

__all__ = [
    "ARTIFACT_KEYS",
    "POLICY_FILE_NAMES",
    "TOP_LEVEL_KEYS",
    "TRIGGER_KEYS",
    "Policy",
    "PolicyDocument",
    "Trigger",
    "check_channels",
    "check_policy_files",
    "compile_expression",
    "find_repo_policy",
    "load_policy",
    "load_policy_file",
    "merge_documents",
    "parse_policy_text",
]

#: The file ``runink scan``/``runink gate`` look for at the repository root, in this order.
POLICY_FILE_NAMES: Final = ("runink.yaml", "runink.yml")
TOP_LEVEL_KEYS: Final = ("artifact", "trigger", "triggers", "exceptions")
TRIGGER_KEYS: Final = ("name", "description", "when", "then")
ARTIFACT_KEYS: Final = (
    "name",
    "kind",
    "environment",
    "team",
    "owners",
    "labels",
    "maintainer_email",
    "team_label",
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """A checked, compiled trigger. ``expression(ctx)`` says whether it fires on a finding."""

    name: str
    when: str
    expression: CompiledExpression = field(compare=False)
    actions: tuple[Action, ...]
    location: Location
    description: str | None = None
    named: bool = True  # False when the name was generated (file name and position)

    def fires(self, ctx: EvaluationContext) -> bool:
        return self.expression.predicate(ctx)

    @property
    def blocks(self) -> tuple[BlockDeploy, ...]:
        """The trigger's ``block_deploy`` actions."""
        return tuple(a for a in self.actions if isinstance(a, BlockDeploy))


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """One validated policy file."""

    path: str
    artifact: ArtifactFacts | None
    triggers: tuple[Trigger, ...]
    exceptions: tuple[PolicyException, ...]
    artifact_locations: tuple[tuple[str, Location], ...] = ()  # field -> where it was set


@dataclass(frozen=True, slots=True)
class Policy:
    """The policy in force: one or more documents merged (see the module docstring)."""

    artifact: ArtifactFacts | None
    triggers: tuple[Trigger, ...]
    exceptions: tuple[PolicyException, ...]
    sources: tuple[str, ...] = ()

    def with_triggers(self, extra: Iterable[Trigger]) -> Policy:
        return replace(self, triggers=(*self.triggers, *extra))


# --- expressions -------------------------------------------------------------------------------


def compile_expression(
    text: str, where: ScalarMap, path: str, field_path: str = ""
) -> tuple[CompiledExpression | None, list[Problem]]:
    """Parse, check and compile one expression; problems are placed with ``where`` and their
    messages start with ``field_path`` (``triggers[0].when``) when one is given."""
    prefix = f"{field_path}: " if field_path else ""

    def place(problem: ExprProblem) -> Problem:
        line, column = where.at(problem.offset)
        return Problem(Location(path, line, column), prefix + problem.message, problem.suggestion)

    from runink.policy.parser import ExpressionSyntaxError, parse_expression  # lark: on demand

    try:
        tree = parse_expression(text)
    except ExpressionSyntaxError as exc:
        return None, [place(exc.problem)]
    checked, problems = check_expression(tree, text)
    if checked is None:
        return None, [place(p) for p in problems]
    return compile_checked(checked, text), []


# --- reading one document ----------------------------------------------------------------------


def _unknown_keys(node: Node, allowed: Sequence[str], what: str, problems: list[Problem]) -> None:
    for key in node.key_names():
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
        hint = close[0] if close else None
        where = f"{node.path}.{key}" if node.path else key
        message = f"{where}: unknown key {key!r} in {what}"
        message += f"; did you mean {hint!r}?" if hint else f" (keys: {', '.join(allowed)})"
        problems.append(Problem(node.key_location(key), message, hint))


def _scalar_text(node: Node, problems: list[Problem]) -> str | None:
    value = node.value
    if value is None or isinstance(value, bool | dict | list):
        problems.append(node.problem("must be a text"))
        return None
    text = str(value).strip()
    if not text:
        problems.append(node.problem("must not be empty"))
        return None
    return text


def _read_artifact(
    node: Node, problems: list[Problem]
) -> tuple[ArtifactFacts | None, tuple[tuple[str, Location], ...]]:
    if not node.is_mapping:
        problems.append(node.problem("must be a mapping (name, kind, environment, team, …)"))
        return None, ()
    before = len(problems)
    _unknown_keys(node, ARTIFACT_KEYS, "artifact", problems)
    values: dict[str, object] = {}
    locations: list[tuple[str, Location]] = []
    for key in ARTIFACT_KEYS:
        child = node.child(key)
        if child is None:
            continue
        locations.append((key, child.location))
        if key == "owners":
            items = list(child.items()) if child.is_sequence else [child]
            owners = [_scalar_text(item, problems) for item in items]
            values[key] = tuple(o for o in owners if o is not None)
        elif key == "labels":
            if not child.is_mapping:
                problems.append(child.problem("must be a mapping of label names to values"))
                continue
            labels: dict[str, str] = {}
            for label in child.key_names():
                value_node = child.child(label)
                assert value_node is not None
                text = _scalar_text(value_node, problems)
                if text is not None:
                    labels[label] = text
                    locations.append((f"labels.{label}", value_node.location))
            values[key] = labels
        else:
            text = _scalar_text(child, problems)
            if key == "maintainer_email" and text is not None and "@" not in text:
                problems.append(child.problem(f"{text!r} is not an email address"))
            values[key] = text
    if len(problems) > before:
        return None, ()
    return ArtifactFacts(**values), tuple(locations)  # type: ignore[arg-type]


def _read_trigger(node: Node, path: str, ordinal: int, problems: list[Problem]) -> Trigger | None:
    if not node.is_mapping:
        problems.append(node.problem("a trigger must be a mapping with 'when' and 'then'"))
        return None
    before = len(problems)
    _unknown_keys(node, TRIGGER_KEYS, "a trigger", problems)
    name_node = node.child("name")
    name = _scalar_text(name_node, problems) if name_node is not None else None
    description_node = node.child("description")
    description = _scalar_text(description_node, problems) if description_node is not None else None
    compiled: CompiledExpression | None = None
    when_text = ""
    when_node = node.child("when")
    if when_node is None:
        problems.append(node.problem("a trigger needs 'when' (the condition)"))
    elif isinstance(when_node.value, bool):
        when_text = "true" if when_node.value else "false"
        loc = when_node.location
        where = ScalarMap.single_line(loc.line or 1, loc.column or 1, len(when_text))
        compiled, found = compile_expression(when_text, where, path, when_node.path)
        problems.extend(found)
    elif not isinstance(when_node.value, str) or not when_node.value.strip():
        problems.append(when_node.problem('must be an expression such as cve.severity >= "high"'))
    else:
        when_text = when_node.value
        compiled, found = compile_expression(
            when_text, when_node.scalar_map(), path, when_node.path
        )
        problems.extend(found)
    actions: list[Action] = []
    then_node = node.child("then")
    if then_node is None:
        problems.append(node.problem("a trigger needs 'then' (a list of actions)"))
    else:
        entries = list(then_node.items()) if then_node.is_sequence else [then_node]
        if not entries:
            problems.append(then_node.problem("needs at least one action"))
        for entry in entries:
            action = parse_action(entry, problems)
            if action is not None:
                actions.append(action)
    if len(problems) > before or compiled is None:
        return None
    generated = f"{Path(path).name}#{ordinal}"
    return Trigger(
        name=name or generated,
        when=when_text.strip(),
        expression=compiled,
        actions=tuple(actions),
        location=node.location,
        description=description,
        named=name is not None,
    )


def _check_unique_names(
    items: Iterable[tuple[str, Location]], what: str, problems: list[Problem]
) -> None:
    seen: dict[str, Location] = {}
    for name, location in items:
        if name in seen:
            problems.append(
                Problem(location, f"duplicate {what} name {name!r} (first defined at {seen[name]})")
            )
        else:
            seen[name] = location


def _read_document(text: str, path: str) -> tuple[PolicyDocument | None, list[Problem]]:
    root, problem = load_yaml(text, path)
    if problem is not None:
        return None, [problem]
    assert root is not None
    problems: list[Problem] = []
    if root.value is None:
        return PolicyDocument(path, None, (), ()), []
    if not root.is_mapping:
        problems.append(
            Problem(Location(path, 1, 1), "a policy file is a mapping (artifact, triggers, …)")
        )
        return None, problems
    _unknown_keys(root, TOP_LEVEL_KEYS, "a policy file", problems)

    artifact: ArtifactFacts | None = None
    artifact_locations: tuple[tuple[str, Location], ...] = ()
    artifact_node = root.child("artifact")
    if artifact_node is not None:
        artifact, artifact_locations = _read_artifact(artifact_node, problems)

    trigger_nodes: list[Node] = []
    single = root.child("trigger")
    if single is not None:
        trigger_nodes.append(single)
    many = root.child("triggers")
    if many is not None:
        if many.is_sequence:
            trigger_nodes.extend(many.items())
        elif many.value is not None:
            problems.append(many.problem("must be a list of triggers"))
    triggers = [
        t
        for ordinal, n in enumerate(trigger_nodes, start=1)
        if (t := _read_trigger(n, path, ordinal, problems)) is not None
    ]

    exceptions: list[PolicyException] = []
    exc_node = root.child("exceptions")
    if exc_node is not None:
        if exc_node.is_sequence:
            for item in exc_node.items():
                parsed = parse_exception(item, problems)
                if parsed is not None:
                    exceptions.append(parsed)
        elif exc_node.value is not None:
            problems.append(exc_node.problem("must be a list of exceptions"))

    _check_unique_names(((t.name, t.location) for t in triggers), "trigger", problems)
    _check_unique_names(((e.name, e.location) for e in exceptions), "exception", problems)
    if problems:
        return None, problems
    document = PolicyDocument(
        path, artifact, tuple(triggers), tuple(exceptions), artifact_locations
    )
    return document, []


def parse_policy_text(text: str, path: str) -> PolicyDocument:
    """Validate the text of one policy file; raises ``PolicyError`` listing every problem."""
    document, problems = _read_document(text, path)
    raise_problems(problems)
    assert document is not None
    return document


def _read_file(path: Path) -> tuple[PolicyDocument | None, list[Problem]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(Location(name), "no such file")]
    except UnicodeDecodeError:
        return None, [Problem(Location(name), "not UTF-8 text")]
    except OSError as exc:
        return None, [Problem(Location(name), f"cannot read: {exc.strerror}")]
    return _read_document(text, name)


def load_policy_file(path: Path) -> PolicyDocument:
    """Read and validate one policy file; raises ``PolicyError`` listing every problem."""
    document, problems = _read_file(path)
    raise_problems(problems)
    assert document is not None
    return document


# --- merging -----------------------------------------------------------------------------------


def merge_documents(documents: Sequence[PolicyDocument]) -> tuple[Policy | None, list[Problem]]:
    """Merge validated documents in order (see the module docstring for the rules)."""
    problems: list[Problem] = []
    fields: dict[str, tuple[object, Location]] = {}
    owners: list[str] = []
    labels: dict[str, tuple[str, Location]] = {}
    any_artifact = False
    for document in documents:
        if document.artifact is None:
            continue
        any_artifact = True
        where = dict(document.artifact_locations)
        art = document.artifact
        for key in ("name", "kind", "environment", "team", "maintainer_email", "team_label"):
            value = getattr(art, key)
            if value is None:
                continue
            location = where.get(key, Location(document.path))
            if key in fields and fields[key][0] != value:
                first_value, first_location = fields[key]
                problems.append(
                    Problem(
                        location,
                        f"artifact.{key}: {value!r} conflicts with {first_value!r} "
                        f"set at {first_location}",
                    )
                )
            fields.setdefault(key, (value, location))
        owners.extend(o for o in art.owners if o not in owners)
        for label, value in art.labels.items():
            location = where.get(f"labels.{label}", Location(document.path))
            if label in labels and labels[label][0] != value:
                problems.append(
                    Problem(
                        location,
                        f"artifact.labels.{label}: {value!r} conflicts with "
                        f"{labels[label][0]!r} set at {labels[label][1]}",
                    )
                )
            labels.setdefault(label, (value, location))
    triggers = tuple(t for d in documents for t in d.triggers)
    exceptions = tuple(e for d in documents for e in d.exceptions)
    if len(documents) > 1:
        _check_unique_names(((t.name, t.location) for t in triggers), "trigger", problems)
        _check_unique_names(((e.name, e.location) for e in exceptions), "exception", problems)
    if problems:
        return None, problems
    artifact = None
    if any_artifact:
        artifact = ArtifactFacts(
            **{key: value for key, (value, _) in fields.items()},  # type: ignore[arg-type]
            owners=tuple(owners),
            labels={k: v for k, (v, _) in labels.items()},
        )
    return Policy(artifact, triggers, exceptions, tuple(d.path for d in documents)), []


def check_policy_files(paths: Sequence[Path]) -> tuple[Policy | None, list[Problem]]:
    """Validate and merge several files, returning every problem in any of them."""
    documents: list[PolicyDocument] = []
    problems: list[Problem] = []
    for path in paths:
        document, found = _read_file(path)
        problems.extend(found)
        if document is not None:
            documents.append(document)
    if problems:
        return None, problems
    return merge_documents(documents)


def load_policy(paths: Sequence[Path]) -> Policy:
    """Read, validate and merge policy files; raises ``PolicyError`` listing every problem."""
    policy, problems = check_policy_files(paths)
    raise_problems(problems)
    assert policy is not None
    return policy


def check_channels(policy: Policy, known: Iterable[str]) -> list[Problem]:
    """Problems for ``notify``/``ticket`` channel names that are not in ``known`` (the channels
    the server config declares), each at the action's place, with the closest known name."""
    from runink.policy.actions import Notify, RecipientKind, Ticket

    names = sorted(set(known))
    problems: list[Problem] = []
    for trigger in policy.triggers:
        for action in trigger.actions:
            wanted: list[str] = []
            if isinstance(action, Notify):
                wanted = [r.value for r in action.who if r.kind is RecipientKind.CHANNEL]
            elif isinstance(action, Ticket):
                wanted = [action.channel]
            for channel in wanted:
                if channel in names:
                    continue
                close = difflib.get_close_matches(channel, names, n=1, cutoff=0.6)
                hint = close[0] if close else None
                message = f"trigger {trigger.name!r}: {action.name}: no channel named {channel!r}"
                if hint:
                    message += f"; did you mean {hint!r}?"
                elif names:
                    message += f" (channels: {', '.join(names)})"
                else:
                    message += " (no channels are configured)"
                problems.append(Problem(action.location, message, hint))
    return problems


def find_repo_policy(root: Path) -> Path | None:
    """The repository's ``runink.yaml`` (or ``runink.yml``), if it has one."""
    base = root if root.is_dir() else root.parent
    for name in POLICY_FILE_NAMES:
        candidate = base / name
        if candidate.is_file():
            return candidate
    return None
