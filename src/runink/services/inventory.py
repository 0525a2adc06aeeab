"""``runink inventory ingest``: store an artifact's components as its new current snapshot.

The path is read with every parser of the scan (``inventory.discovery`` and the registry).
The artifact's metadata comes from the command line, then the path's ``runink.yaml``
(``artifact:``), then the SBOM's metadata; the first that gives a field wins. The snapshot, its
components, the finding transitions and the outbox row are one transaction: a failed ingest
leaves the previous snapshot current and the findings as they were. Older snapshots are kept
as history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy.engine import Engine

from runink.errors import UsageError
from runink.inventory.discovery import DiscoveryOptions, FileReport, discover
from runink.inventory.registry import all_parsers
from runink.matching.index import AdvisoryIndex
from runink.matching.matcher import Matcher
from runink.model.component import Component
from runink.model.finding import Finding
from runink.policy.document import find_repo_policy, load_policy
from runink.services.checking import index_for
from runink.services.findings import Changes, FlushReport, Scope, SetupCache, enqueue, flush_outbox
from runink.services.findings import reconcile as reconcile_findings
from runink.store import inventory_repo as repo
from runink.store.db import utcnow
from runink.store.inventory_repo import ArtifactMeta, ArtifactRecord

KINDS: Final = ("image", "service", "repo")
_SBOM_KINDS: Final = {"container": "image", "application": "service", "firmware": "image"}


@dataclass(frozen=True, slots=True)
class IngestRequest:
    """What the command line says; None and empty mean "not given"."""

    artifact: str
    kind: str | None = None
    environment: str | None = None
    team: str | None = None
    owners: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    discovery: DiscoveryOptions = field(default_factory=DiscoveryOptions)


@dataclass(slots=True)
class IngestResult:
    artifact: ArtifactRecord
    snapshot_id: int
    components: int
    files: list[FileReport]
    changes: Changes
    flush: FlushReport | None = None


def parse_labels(items: Sequence[str]) -> dict[str, str]:
    """``k=v`` pairs from ``--label`` options."""
    labels: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--label {item!r}: expected KEY=VALUE")
        labels[key.strip()] = value.strip()
    return labels


def merge_metadata(request: IngestRequest, path: Path, sbom: Mapping[str, str]) -> ArtifactMeta:
    """Flags, then runink.yaml's ``artifact:``, then SBOM metadata."""
    if request.kind is not None and request.kind not in KINDS:
        raise UsageError(f"--kind {request.kind!r}: expected one of {', '.join(KINDS)}")
    policy_path = find_repo_policy(path)
    yaml_facts = None
    if policy_path is not None:
        yaml_facts = load_policy([policy_path]).artifact  # PolicyError (exit 2) names the file
    kind = request.kind or (yaml_facts.kind if yaml_facts else None)
    if kind is None:
        kind = _SBOM_KINDS.get(sbom.get("artifact_kind", ""), None)
    if kind is not None and kind not in KINDS:
        kind = "repo" if kind == "repository" else kind
    owners = request.owners or (yaml_facts.owners if yaml_facts else ())
    if not owners:
        found = [sbom.get("property:runink:owner", ""), *sbom.get("contact_emails", "").split(",")]
        owners = tuple(dict.fromkeys(e.strip() for e in found if "@" in e))
    labels = dict(sbom_labels(sbom))
    if yaml_facts:
        labels.update(yaml_facts.labels)
    labels.update(request.labels)
    return ArtifactMeta(
        name=request.artifact,
        kind=kind or "repo",
        environment=request.environment
        or (yaml_facts.environment if yaml_facts else None)
        or sbom.get("property:runink:environment"),
        team=request.team
        or (yaml_facts.team if yaml_facts else None)
        or sbom.get("property:runink:team"),
        owners=owners,
        labels=labels,
        maintainer_email=yaml_facts.maintainer_email if yaml_facts else None,
        team_label=yaml_facts.team_label if yaml_facts else None,
        path=str(path.resolve()),
        policy_path=str(policy_path.resolve()) if policy_path else None,
    )


def sbom_labels(sbom: Mapping[str, str]) -> dict[str, str]:
    """``property:runink:label:KEY`` SBOM properties as labels."""
    prefix = "property:runink:label:"
    return {k[len(prefix) :]: v for k, v in sbom.items() if k.startswith(prefix)}


class SharedMatches:
    """One matcher and its findings per distinct (ecosystem, name, version), shared by many
    ingests against one advisory index (a bulk load, a benchmark): each distinct component
    is matched once, and the matcher's per-package preparation is done once."""

    def __init__(self, index: AdvisoryIndex) -> None:
        self.index = index
        self.matcher = Matcher(index)
        self._found: dict[tuple[str, str, str], tuple[Finding, ...]] = {}

    def findings(self, component: Component) -> tuple[Finding, ...]:
        found = self._found.get(component.key)
        if found is None:
            found = self._found[component.key] = self.matcher.match(component).findings
        return found


def match_components(
    components: Sequence[Component], matcher: Matcher | SharedMatches
) -> list[Finding]:
    """Findings per occurrence, each distinct (ecosystem, name, version) matched once."""
    shared = matcher if isinstance(matcher, SharedMatches) else None
    by_key: dict[tuple[str, str, str], list[Component]] = {}
    for component in components:
        by_key.setdefault(component.key, []).append(component)
    out: list[Finding] = []
    for occurrences in by_key.values():
        first = occurrences[0]
        if shared is not None:
            found = shared.findings(first)
        else:
            assert isinstance(matcher, Matcher)
            found = matcher.match(first).findings
        for occurrence in occurrences:
            out.extend(
                f if f.component == occurrence else dataclasses.replace(f, component=occurrence)
                for f in found
            )
    return out


def present_by_key(components: Sequence[Component]) -> dict[tuple[str, str], set[str]]:
    present: dict[tuple[str, str], set[str]] = {}
    for c in components:
        present.setdefault((repo.base_of(c.ecosystem), c.name), set()).add(repo.purl_of(c))
    return present


def store_snapshot(
    engine: Engine,
    meta: ArtifactMeta,
    components: Sequence[Component],
    *,
    source: str,
    files: list[dict[str, object]] | None = None,
    index: AdvisoryIndex | None = None,
    shared: SharedMatches | None = None,
    cache: SetupCache | None = None,
    now: dt.datetime | None = None,
    actor: str = "runink/inventory",
) -> tuple[ArtifactRecord, int, Changes]:
    """Store ``components`` as the artifact's new current snapshot, match them and update its
    findings, all in one transaction (the outbox row included). ``index`` lets a caller that
    ingests many artifacts share one advisory index; ``shared`` (built on such an index) also
    shares the matcher and its results per distinct component."""
    now = now or utcnow()
    cache = cache or SetupCache()
    if shared is not None:
        matched = match_components(components, shared)
    else:
        matcher = Matcher(index if index is not None else index_for(engine, components))
        matched = match_components(components, matcher)
    with repo.write_transaction(engine) as conn:
        artifact_id = repo.upsert_artifact(conn, meta, now)
        snapshot_id = repo.insert_snapshot(
            conn, artifact_id, components, source=source, files=files or [], now=now
        )
        artifact = ArtifactRecord(artifact_id, meta, snapshot_id, now, now)
        stored = repo.findings_of(conn, [artifact_id]).get(artifact_id, [])
        setup = cache.setup(artifact)
        changes = reconcile_findings(
            conn,
            artifact,
            setup,
            matched,
            stored,
            Scope(keys=None, present=present_by_key(components)),
            origin="ingest",
            now=now,
        )
        enqueue(conn, artifact, changes, actor=actor, now=now, force=True)
    return artifact, snapshot_id, changes


def ingest(
    engine: Engine,
    path: Path,
    request: IngestRequest,
    *,
    act: bool = True,
) -> IngestResult:
    """Discover ``path``, store the snapshot, update findings, then run the triggers."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if not request.artifact.strip():
        raise UsageError("--artifact: a name is required")
    inventory = discover(path, all_parsers(), request.discovery)
    meta = merge_metadata(request, path, inventory.metadata)
    cache = SetupCache()
    files = [
        {"path": f.path, "format": f.format, "status": f.status, "components": f.components}
        for f in inventory.files
    ]
    artifact, snapshot_id, changes = store_snapshot(
        engine,
        meta,
        inventory.components,
        source=str(path.resolve()),
        files=files,
        cache=cache,
    )
    result = IngestResult(
        artifact, snapshot_id, len(inventory.components), inventory.files, changes
    )
    result.flush = flush_outbox(engine, cache, act=act)
    return result
