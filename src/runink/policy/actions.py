"""The actions a trigger can take (``then:``), their parameters and how they are validated.

One explicit registry, ``ACTIONS``, maps each action name to its parameters. This module
only describes and validates actions; executing them (sending, blocking, logging, filing) is
the services layer's job.

- ``notify``: ``who`` (required): one recipient or a list. A recipient is an email address,
  ``owner`` (the artifact's owners, routed), ``team`` (the owning team, routed) or the name
  of a notification channel declared in the server config (e.g. ``slack-security``).
- ``block_deploy``: ``policy`` (required): the reason the gate prints when it denies.
- ``log``: ``entry`` (required): the text appended to the event log.
- ``ticket``: ``channel`` (required, a ticket webhook channel), ``title`` and ``labels``
  (optional).
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Final

from runink.policy.source import Location, Problem
from runink.policy.yamlsource import Node

__all__ = [
    "ACTIONS",
    "Action",
    "ActionSpec",
    "BlockDeploy",
    "Log",
    "Notify",
    "Recipient",
    "RecipientKind",
    "Ticket",
    "parse_action",
    "parse_recipient",
]

_EMAIL: Final = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$")
_CHANNEL: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class RecipientKind(enum.StrEnum):
    ADDRESS = "address"
    OWNER = "owner"
    TEAM = "team"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class Recipient:
    """One ``who``: an email address, ``owner``, ``team`` or a channel name."""

    kind: RecipientKind
    value: str


def parse_recipient(text: str) -> Recipient | None:
    """Classify a ``who`` entry; None when it is none of the accepted forms."""
    text = text.strip()
    if text.lower() == "owner":
        return Recipient(RecipientKind.OWNER, "owner")
    if text.lower() == "team":
        return Recipient(RecipientKind.TEAM, "team")
    if "@" in text:
        return Recipient(RecipientKind.ADDRESS, text) if _EMAIL.match(text) else None
    if _CHANNEL.match(text):
        return Recipient(RecipientKind.CHANNEL, text)
    return None


@dataclass(frozen=True, slots=True)
class Notify:
    who: tuple[Recipient, ...]
    location: Location

    name: ClassVar[str] = "notify"

    def params(self) -> dict[str, object]:
        return {"who": [r.value for r in self.who]}


@dataclass(frozen=True, slots=True)
class BlockDeploy:
    policy: str
    location: Location

    name: ClassVar[str] = "block_deploy"

    def params(self) -> dict[str, object]:
        return {"policy": self.policy}


@dataclass(frozen=True, slots=True)
class Log:
    entry: str
    location: Location

    name: ClassVar[str] = "log"

    def params(self) -> dict[str, object]:
        return {"entry": self.entry}


@dataclass(frozen=True, slots=True)
class Ticket:
    channel: str
    title: str | None
    labels: tuple[str, ...]
    location: Location

    name: ClassVar[str] = "ticket"

    def params(self) -> dict[str, object]:
        return {"channel": self.channel, "title": self.title, "labels": list(self.labels)}


Action = Notify | BlockDeploy | Log | Ticket

# --- parameter readers -------------------------------------------------------------------------


def _text(node: Node, problems: list[Problem]) -> str | None:
    value = node.value
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        problems.append(node.problem("must be a text"))
        return None
    text = str(value).strip()
    if not text:
        problems.append(node.problem("must not be empty"))
        return None
    return text


def _texts(node: Node, problems: list[Problem]) -> tuple[str, ...] | None:
    """One text or a list of texts."""
    if node.is_sequence:
        items = [_text(item, problems) for item in node.items()]
        if any(item is None for item in items):
            return None
        if not items:
            problems.append(node.problem("must not be an empty list"))
            return None
        return tuple(item for item in items if item is not None)
    one = _text(node, problems)
    return None if one is None else (one,)


def _recipients(node: Node, problems: list[Problem]) -> tuple[Recipient, ...] | None:
    nodes = list(node.items()) if node.is_sequence else [node]
    if not nodes:
        problems.append(node.problem("must name at least one recipient"))
        return None
    found: list[Recipient] = []
    for item in nodes:
        text = _text(item, problems)
        if text is None:
            continue
        recipient = parse_recipient(text)
        if recipient is None:
            problems.append(
                item.problem(f"{text!r} is not an email address, 'owner', 'team' or a channel name")
            )
            continue
        found.append(recipient)
    return tuple(found) if len(found) == len(nodes) else None


# --- the registry ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action's parameters and how to build it from validated values."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    summary: str
    build: Callable[[dict[str, Node], Location, list[Problem]], Action | None]

    @property
    def parameters(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


def _build_notify(
    params: dict[str, Node], where: Location, problems: list[Problem]
) -> Action | None:
    who = _recipients(params["who"], problems)
    return None if who is None else Notify(who, where)


def _build_block(
    params: dict[str, Node], where: Location, problems: list[Problem]
) -> Action | None:
    policy = _text(params["policy"], problems)
    return None if policy is None else BlockDeploy(policy, where)


def _build_log(params: dict[str, Node], where: Location, problems: list[Problem]) -> Action | None:
    entry = _text(params["entry"], problems)
    return None if entry is None else Log(entry, where)


def _build_ticket(
    params: dict[str, Node], where: Location, problems: list[Problem]
) -> Action | None:
    before = len(problems)
    channel = _text(params["channel"], problems)
    title = _text(params["title"], problems) if "title" in params else None
    labels = _texts(params["labels"], problems) if "labels" in params else ()
    if len(problems) > before or channel is None or labels is None:
        return None
    if not _CHANNEL.match(channel):
        problems.append(params["channel"].problem(f"{channel!r} is not a channel name"))
        return None
    return Ticket(channel, title, labels, where)


ACTIONS: Final[Mapping[str, ActionSpec]] = MappingProxyType(
    {
        "notify": ActionSpec(
            "notify", ("who",), (), "send a notification to people or channels", _build_notify
        ),
        "block_deploy": ActionSpec(
            "block_deploy", ("policy",), (), "make the deploy gate deny", _build_block
        ),
        "log": ActionSpec("log", ("entry",), (), "append an entry to the event log", _build_log),
        "ticket": ActionSpec(
            "ticket",
            ("channel",),
            ("title", "labels"),
            "file an issue-tracker ticket",
            _build_ticket,
        ),
    }
)


def _closest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def parse_action(node: Node, problems: list[Problem]) -> Action | None:
    """Validate one ``then:`` entry (``{action: NAME, PARAM: VALUE, …}``)."""
    if not node.is_mapping:
        problems.append(node.problem("an action must be a mapping such as {action: log, entry: …}"))
        return None
    name_node = node.child("action")
    if name_node is None:
        known = ", ".join(ACTIONS)
        problems.append(node.problem(f"missing 'action' (one of {known})"))
        return None
    name = name_node.text()
    spec = ACTIONS.get(name.strip()) if name else None
    if spec is None or name is None:
        hint = _closest(str(name_node.value), tuple(ACTIONS))
        message = f"unknown action {name_node.value!r}"
        message += f"; did you mean {hint!r}?" if hint else f" (known: {', '.join(ACTIONS)})"
        problems.append(name_node.problem(message, hint))
        return None
    before = len(problems)
    params: dict[str, Node] = {}
    for key in node.key_names():
        if key == "action":
            continue
        child = node.child(key)
        assert child is not None
        if key not in spec.parameters:
            hint = _closest(key, spec.parameters)
            allowed = ", ".join(spec.parameters)
            message = f"unknown parameter {key!r} for {spec.name}"
            message += f"; did you mean {hint!r}?" if hint else f" (parameters: {allowed})"
            problems.append(Problem(node.key_location(key), f"{child.path}: {message}", hint))
            continue
        params[key] = child
    for required in spec.required:
        if required not in params and required not in node.key_names():
            problems.append(node.problem(f"{spec.name} needs '{required}'"))
    if len(problems) > before:
        return None
    return spec.build(params, node.location, problems)
