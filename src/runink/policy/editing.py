"""Editing policy files safely: ``runink exception add`` and ``runink exception list``.

Adding goes through ruamel.yaml's round-trip mode, so comments, key order, quoting and
indentation of the rest of the file are kept. The new entry is validated on its own first
(with the same rules as any exception, plus: it must not be expired already), then the whole
edited document is validated (names stay unique, the file still checks), and only then is the
file replaced atomically: written to a temporary file in the same directory, flushed to disk
and renamed over the original, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from runink.errors import PolicyError
from runink.policy.document import load_policy_file, parse_policy_text
from runink.policy.exceptions import PolicyException, parse_exception
from runink.policy.source import Location, Problem, raise_problems
from runink.policy.yamlsource import Node

__all__ = ["ExceptionRequest", "ExceptionStatus", "add_exception", "list_exceptions"]


@dataclass(frozen=True, slots=True)
class ExceptionRequest:
    """What ``runink exception add`` asks for (dates already parsed by the caller)."""

    reason: str
    approved_by: tuple[str, ...]
    expires: dt.date
    vulnerability: str | None = None
    package: str | None = None
    artifact: str | None = None
    environment: str | None = None
    compensating_controls: tuple[str, ...] = ()
    review_every: str | None = None
    name: str | None = None

    def to_yaml(self, created: dt.date) -> CommentedMap:
        """The entry as it will appear in the file (short lists in flow style)."""
        entry = CommentedMap()
        if self.name:
            entry["name"] = _scalar(self.name)
        for key in ("vulnerability", "package", "artifact", "environment"):
            value = getattr(self, key)
            if value:
                entry[key] = _scalar(value)
        entry["reason"] = _scalar(self.reason)
        if self.compensating_controls:
            entry["compensating_controls"] = _flow(self.compensating_controls)
        entry["approved_by"] = _flow(self.approved_by)
        entry["created"] = created
        entry["expires"] = self.expires
        if self.review_every:
            entry["review_every"] = _scalar(self.review_every)
        return entry


def _flow(items: Sequence[str]) -> CommentedSeq:
    seq = CommentedSeq(_scalar(item) for item in items)
    seq.fa.set_flow_style()
    return seq


def _rt_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long reason over lines
    return yaml


def _render_item(entry: CommentedMap, dash_column: int, content_column: int) -> str:
    """The entry as one block-sequence item, its dash at ``dash_column``."""
    yaml = _rt_yaml()
    step = max(2, content_column - dash_column)
    yaml.indent(mapping=2, sequence=step, offset=0)
    buffer = io.StringIO()
    yaml.dump(CommentedSeq([entry]), buffer)
    pad = " " * dash_column
    return "".join(
        pad + line if line.strip() else line for line in buffer.getvalue().splitlines(True)
    )


def _item_columns(text: str, seq: CommentedSeq) -> tuple[int, int] | None:
    """(dash column, content column) of a block sequence's first item, 0-based."""
    if not seq or seq.fa.flow_style():
        return None
    position = seq.lc.item(0)
    if position is None:
        return None
    line, content = position
    row = text.splitlines()[line]
    dash = row.rfind("-", 0, content)
    return (dash, content) if dash >= 0 else None


def _insert_as_text(original: str, entry: CommentedMap) -> str | None:
    """The original text with ``entry`` appended to its ``exceptions:`` list by inserting
    lines, so nothing else in the file changes; None when the layout is not one we can edit
    this way (the caller then re-emits the document with ruamel)."""
    data = _rt_yaml().load(original)
    if not isinstance(data, CommentedMap):
        return None
    lines = original.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    exceptions = data.get("exceptions")
    if "exceptions" not in data:
        columns = None
        for value in data.values():
            if isinstance(value, CommentedSeq):
                columns = _item_columns(original, value)
                if columns is not None:
                    break
        dash, content = columns or (2, 4)
        item = _render_item(entry, dash, content)
        return "".join(lines) + "\nexceptions:\n" + item
    if exceptions is None or (isinstance(exceptions, CommentedSeq) and not exceptions):
        return _fill_empty_section(data, lines, entry)
    if not isinstance(exceptions, CommentedSeq):
        return None
    columns = _item_columns(original, exceptions)
    if columns is None:
        return None
    key_line = data.lc.key("exceptions")[0]
    later = [data.lc.key(k)[0] for k in data if data.lc.key(k)[0] > key_line]
    end = min(later) if later else len(lines)
    last = key_line
    for index in range(key_line, end):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            last = index
    item = _render_item(entry, *columns)
    return "".join(lines[: last + 1]) + item + "".join(lines[last + 1 :])


_EMPTY_VALUE = re.compile(r"[ \t]*(\[[ \t]*\]|~|null|Null|NULL)?(?=\s|$)")


def _fill_empty_section(data: CommentedMap, lines: list[str], entry: CommentedMap) -> str | None:
    """``exceptions:`` / ``exceptions: []`` (with any comment kept) becomes a block list."""
    key_line, key_col = data.lc.key("exceptions")
    row = lines[key_line]
    colon = row.find(":", key_col)
    if colon < 0:
        return None
    m = _EMPTY_VALUE.match(row, colon + 1)
    if m is None:
        return None
    lines[key_line] = row[: colon + 1] + row[m.end() :]
    columns = None
    for value in data.values():
        if isinstance(value, CommentedSeq):
            columns = _item_columns("".join(lines), value)
            if columns is not None:
                break
    item = _render_item(entry, *(columns or (2, 4)))
    return "".join(lines[: key_line + 1]) + item + "".join(lines[key_line + 1 :])


def _reemit(original: str, entry: CommentedMap) -> str:
    """The document re-emitted by ruamel with ``entry`` appended (comments are kept)."""
    yaml = _rt_yaml()
    if original.strip():
        _, _, block_seq_indent = load_yaml_guess_indent(original)
        offset = block_seq_indent or 0
        yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
        data = yaml.load(original)
    else:
        data = CommentedMap()
    if data is None:
        data = CommentedMap()
    exceptions = data.get("exceptions")
    if not isinstance(exceptions, CommentedSeq):
        exceptions = CommentedSeq()
        data["exceptions"] = exceptions
    exceptions.append(entry)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _dump_plain(entry: CommentedMap) -> str:
    buffer = io.StringIO()
    _rt_yaml().dump(entry, buffer)
    return buffer.getvalue()


def _plain(text: str) -> object:
    """The document as plain Python data, for comparing two versions of it (a text that
    does not parse yields a value no document equals)."""
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return _UNPARSEABLE


_UNPARSEABLE = object()


def _scalar(text: str) -> str:
    """``text``, double-quoted when a YAML 1.1 reader (PyYAML, many CI tools) would take it
    for something else: ``yes``, ``no``, ``on``, ``1e3``, ``2026-01-01``, …"""
    import yaml as pyyaml

    try:
        same = pyyaml.safe_load(text) == text
    except pyyaml.YAMLError:
        same = False
    return text if same else DoubleQuotedScalarString(text)


def _validate_entry(
    request: ExceptionRequest, entry: CommentedMap, path: str, today: dt.date
) -> PolicyException:
    if request.expires < today:
        raise PolicyError(
            path, f"new exception: expires {request.expires} is in the past (today is {today})"
        )
    problems: list[Problem] = []
    node = Node(entry, Location(path), "new exception", "")
    parsed = parse_exception(node, problems)
    raise_problems(problems)
    assert parsed is not None
    return parsed


def _atomic_write(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path()
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            temp.chmod(mode)
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def add_exception(path: Path, request: ExceptionRequest, *, today: dt.date) -> PolicyException:
    """Append an exception to ``path`` (created if missing), keeping everything else as is.

    Raises ``PolicyError`` (exit 2), leaving the file untouched, when the new entry is invalid
    or the edited file would not check.
    """
    name = str(path)
    entry = request.to_yaml(created=today)
    _validate_entry(request, entry, name, today)
    try:
        original = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(name, f"cannot read: {exc}") from None
    if original.strip():
        load_policy_file(path)  # the file must check before it is edited
    expected = _plain(original) or {}
    if not isinstance(expected, dict):
        raise PolicyError(
            name, "a policy file is a mapping (artifact, triggers, …)", line=1, column=1
        )
    expected.setdefault("exceptions", None)
    expected["exceptions"] = [*(expected["exceptions"] or []), _plain(_dump_plain(entry))]
    text = _insert_as_text(original, entry) if original.strip() else None
    if text is None or _plain(text) != expected:
        text = _reemit(original, entry)
    document = parse_policy_text(text, name)  # the edited file as a whole: unique names, …
    _atomic_write(path, text)
    return document.exceptions[-1]


@dataclass(frozen=True, slots=True)
class ExceptionStatus:
    """An exception as ``runink exception list`` shows it."""

    exception: PolicyException
    path: str
    active: bool
    days_left: int  # negative once expired
    next_review: dt.date | None
    review_overdue: bool

    @property
    def status(self) -> str:
        if not self.active:
            return "expired"
        return "review overdue" if self.review_overdue else "active"

    def as_dict(self) -> dict[str, object]:
        exc = self.exception
        return {
            "name": exc.name,
            "file": self.path,
            "line": exc.location.line,
            "status": self.status,
            "vulnerability": exc.vulnerability,
            "package": exc.package.text if exc.package else None,
            "artifact": exc.artifact,
            "environment": list(exc.environments),
            "reason": exc.reason,
            "compensating_controls": list(exc.compensating_controls),
            "approved_by": list(exc.approved_by),
            "created": exc.created.isoformat() if exc.created else None,
            "expires": exc.expires.isoformat(),
            "days_left": self.days_left,
            "next_review": self.next_review.isoformat() if self.next_review else None,
        }


def list_exceptions(paths: Sequence[Path], *, today: dt.date) -> list[ExceptionStatus]:
    """Every exception in ``paths`` (validated), with its status on ``today``."""
    statuses: list[ExceptionStatus] = []
    for path in paths:
        document = load_policy_file(path)
        for exc in document.exceptions:
            review = exc.next_review()
            statuses.append(
                ExceptionStatus(
                    exception=exc,
                    path=document.path,
                    active=exc.is_active(today),
                    days_left=(exc.expires - today).days,
                    next_review=review,
                    review_overdue=review is not None and today > review,
                )
            )
    return statuses
