"""What changed between two versions of an advisory: the payloads of advisory events.

Every advisory event names the packages it concerns (``packages``: the union of the old and new
``affected[]`` keys, by ecosystem and normalized name), so a consumer re-evaluates exactly the
inventory components that share a key. A modification also says *what* changed:

* ``fields``: the top-level OSV fields whose values differ (``modified`` aside);
* ``changed.affected``: per package, ``added``, ``removed``, or a changed entry classified by comparing
  the sets of versions it affects — ``widened`` (a strict superset), ``narrowed`` (a strict
  subset), ``equivalent`` (same versions, different spelling) or ``changed`` (neither, or not
  decidable: an ecosystem without a version scheme, or an unparseable version) — with the
  ranges before and after and the ``versions[]`` added and removed;
* ``changed.severity``: the best score before and after (``runink.scoring``);
* ``changed.aliases``: added and removed; ``changed.summary`` and ``changed.withdrawn``: before
  and after.

Like ``advisory.added``, every advisory event also carries the advisory's current ``summary``,
``aliases``, ``severity``, ``published`` and ``withdrawn``. A newly withdrawn advisory is an
``advisory.withdrawn`` event rather than a modification; a retracted withdrawal is a
modification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runink.feeds.events import EventKind, NewEvent
from runink.matching.index import default_parser_factory
from runink.matching.ranges import compile_entry
from runink.model.advisory import Advisory, AdvisoryScore, Affected
from runink.model.ecosystems import base_ecosystem

_Key = tuple[str, str]
# A bound: None is infinite; otherwise (version, closed).
_Bound = tuple[Any, bool] | None
_Span = tuple[_Bound, _Bound]  # (lower, upper)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.isoformat().replace("+00:00", "Z"))


def packages(*advisories: Advisory) -> list[dict[str, str]]:
    keys = {(e.ecosystem, e.name) for adv in advisories for e in adv.affected}
    return [{"ecosystem": eco, "name": name} for eco, name in sorted(keys)]


def score_json(score: AdvisoryScore) -> dict[str, Any]:
    return {
        "score": score.score,
        "severity": score.severity,
        "version": score.version,
        "vector": score.vector,
    }


def added_event(adv: Advisory) -> NewEvent:
    # Written once per advisory of a first import: the common shapes (one affected package,
    # not withdrawn) skip the general helpers; the payload is the same.
    affected = adv.affected
    if len(affected) == 1:
        entry = affected[0]
        package_list = [{"ecosystem": entry.ecosystem, "name": entry.name}]
    else:
        package_list = packages(adv)
    score = adv.score
    return NewEvent(
        EventKind.ADVISORY_ADDED,
        adv.id,
        {
            "modified": adv.modified.isoformat().replace("+00:00", "Z"),
            "published": _iso(adv.published),
            "withdrawn": None if adv.withdrawn is None else _iso(adv.withdrawn),
            "summary": adv.summary,
            "aliases": list(adv.aliases),
            "severity": {
                "score": score.score,
                "severity": score.severity,
                "version": score.version,
                "vector": score.vector,
            },
            "packages": package_list,
        },
    )


def change_event(
    old: Advisory, old_record: Mapping[str, Any], new: Advisory, new_record: Mapping[str, Any]
) -> NewEvent:
    """The event for a stored advisory replaced by a new version of it."""
    fields = sorted(
        key
        for key in set(old_record) | set(new_record)
        if key != "modified" and old_record.get(key) != new_record.get(key)
    )
    changed: dict[str, Any] = {}
    affected = affected_changes(old, new)
    if affected:
        changed["affected"] = affected
    if old.score != new.score:
        changed["severity"] = {"before": score_json(old.score), "after": score_json(new.score)}
    if old.aliases != new.aliases:
        changed["aliases"] = {
            "added": sorted(set(new.aliases) - set(old.aliases)),
            "removed": sorted(set(old.aliases) - set(new.aliases)),
        }
    if old.summary != new.summary:
        changed["summary"] = {"before": old.summary, "after": new.summary}
    if old.withdrawn != new.withdrawn:
        changed["withdrawn"] = {"before": _iso(old.withdrawn), "after": _iso(new.withdrawn)}
    details: dict[str, Any] = {
        "modified": {"before": _iso(old.modified), "after": _iso(new.modified)},
        "published": _iso(new.published),
        "withdrawn": _iso(new.withdrawn),
        "summary": new.summary,
        "aliases": list(new.aliases),
        "severity": score_json(new.score),
        "packages": packages(old, new),
        "fields": fields,
        "changed": changed,
    }
    if new.withdrawn is not None and old.withdrawn is None:
        return NewEvent(EventKind.ADVISORY_WITHDRAWN, new.id, details)
    return NewEvent(EventKind.ADVISORY_MODIFIED, new.id, details)


def affected_changes(old: Advisory, new: Advisory) -> list[dict[str, Any]]:
    before = _by_key(old.affected)
    after = _by_key(new.affected)
    changes: list[dict[str, Any]] = []
    for key in sorted(set(before) | set(after)):
        old_entries = before.get(key, [])
        new_entries = after.get(key, [])
        if old_entries and new_entries and _canonical(old_entries) == _canonical(new_entries):
            continue
        if not old_entries:
            change = "added"
        elif not new_entries:
            change = "removed"
        else:
            change = classify(key[0], old_entries, new_entries, new.id)
        old_versions = {v for e in old_entries for v in e.versions}
        new_versions = {v for e in new_entries for v in e.versions}
        changes.append(
            {
                "ecosystem": key[0],
                "name": key[1],
                "change": change,
                "ranges_before": _ranges_text(old_entries),
                "ranges_after": _ranges_text(new_entries),
                "versions_added": sorted(new_versions - old_versions),
                "versions_removed": sorted(old_versions - new_versions),
            }
        )
    return changes


def classify(
    ecosystem: str, before: list[Affected], after: list[Affected], advisory_id: str
) -> str:
    """``widened``, ``narrowed``, ``equivalent`` or ``changed``: how the set of affected
    versions of one package moved from ``before`` to ``after``."""
    parse = default_parser_factory(base_ecosystem(ecosystem))
    if parse is None:
        if any(r.type != "GIT" for e in (*before, *after) for r in e.ranges):
            return "changed"
        old_set = {v for e in before for v in e.versions}
        new_set = {v for e in after for v in e.versions}
        return _relation(old_set <= new_set, new_set <= old_set)
    old_cov = _coverage(advisory_id, before, parse)
    new_cov = _coverage(advisory_id, after, parse)
    if old_cov is None or new_cov is None:
        return "changed"
    return _relation(_covers(new_cov, old_cov), _covers(old_cov, new_cov))


def _relation(old_in_new: bool, new_in_old: bool) -> str:
    if old_in_new and new_in_old:
        return "equivalent"
    if old_in_new:
        return "widened"
    if new_in_old:
        return "narrowed"
    return "changed"


def _by_key(entries: tuple[Affected, ...]) -> dict[_Key, list[Affected]]:
    grouped: dict[_Key, list[Affected]] = {}
    for entry in entries:
        grouped.setdefault((entry.ecosystem, entry.name), []).append(entry)
    return grouped


def _canonical(entries: list[Affected]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            tuple(
                (r.type, tuple((e.kind, e.version) for e in r.events), r.repo or "")
                for r in entry.ranges
            ),
            tuple(sorted(entry.versions)),
        )
        for entry in entries
    )


def _ranges_text(entries: list[Affected]) -> list[str]:
    texts: list[str] = []
    for entry in entries:
        for rng in entry.ranges:
            events = ", ".join(f"{e.kind} {e.version}" for e in rng.events)
            texts.append(f"{rng.type}: {events}")
    return texts


# -- version-set coverage ----------------------------------------------------------------------


class _Coverage:
    __slots__ = ("points", "spans")

    def __init__(self, spans: list[_Span], points: list[Any]) -> None:
        self.spans = spans
        self.points = points


def _coverage(advisory_id: str, entries: list[Affected], parse: Any) -> _Coverage | None:
    """Affected versions as merged spans plus listed points; None if anything is unparseable."""
    spans: list[_Span] = []
    points: list[Any] = []
    for entry in entries:
        compiled = compile_entry(advisory_id, entry, parse)
        if compiled.notes or len(compiled.version_keys) < len(set(entry.versions)):
            return None
        points.extend(compiled.version_keys)
        for interval in compiled.intervals:
            lower: _Bound = None if interval.lower is None else (interval.lower, True)
            upper: _Bound = (
                None
                if interval.upper is None
                else (interval.upper, interval.upper_kind == "last_affected")
            )
            if not _empty(lower, upper):
                spans.append((lower, upper))
    return _Coverage(_merge(spans), points)


def _lt(a: Any, b: Any) -> bool:
    return bool(a < b)


def _eq(a: Any, b: Any) -> bool:
    return not _lt(a, b) and not _lt(b, a)


def _empty(lower: _Bound, upper: _Bound) -> bool:
    if lower is None or upper is None:
        return False
    if _lt(upper[0], lower[0]):
        return True
    return _eq(upper[0], lower[0]) and not upper[1]


def _lower_le(a: _Bound, b: _Bound) -> bool:
    """Lower bound ``a`` starts no later than ``b`` (lower bounds are closed)."""
    if a is None:
        return True
    if b is None:
        return False
    return not _lt(b[0], a[0])


def _upper_ge(a: _Bound, b: _Bound) -> bool:
    """Upper bound ``a`` reaches at least as far as ``b``."""
    if a is None:
        return True
    if b is None:
        return False
    if _lt(b[0], a[0]):
        return True
    return _eq(a[0], b[0]) and (a[1] or not b[1])


def _touches(upper: _Bound, lower: _Bound) -> bool:
    """A span ending at ``upper`` and one starting at ``lower`` leave no gap between them."""
    if upper is None or lower is None:
        return True
    return not _lt(upper[0], lower[0])  # lower <= upper: overlap, or [.., v) + [v, ..)


def _merge(spans: list[_Span]) -> list[_Span]:
    ordered = sorted(spans, key=_SpanOrder)
    merged: list[_Span] = []
    for lower, upper in ordered:
        if merged and _touches(merged[-1][1], lower):
            prev_lower, prev_upper = merged[-1]
            merged[-1] = (prev_lower, prev_upper if _upper_ge(prev_upper, upper) else upper)
        else:
            merged.append((lower, upper))
    return merged


class _SpanOrder:
    __slots__ = ("lower",)

    def __init__(self, span: _Span) -> None:
        self.lower = span[0]

    def __lt__(self, other: _SpanOrder) -> bool:
        if self.lower is None:
            return other.lower is not None
        if other.lower is None:
            return False
        return _lt(self.lower[0], other.lower[0])


def _contains(spans: list[_Span], version: Any) -> bool:
    point: _Bound = (version, True)
    return any(_lower_le(lo, point) and _upper_ge(hi, point) for lo, hi in spans)


def _covers(outer: _Coverage, inner: _Coverage) -> bool:
    """Every version ``inner`` affects is affected by ``outer``."""
    for lower, upper in inner.spans:
        if not any(_lower_le(lo, lower) and _upper_ge(hi, upper) for lo, hi in outer.spans):
            return False
    outer_points = outer.points
    return all(
        _contains(outer.spans, p) or any(_eq(p, q) for q in outer_points) for p in inner.points
    )
