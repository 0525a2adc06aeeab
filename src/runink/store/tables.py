"""The relational schema, as SQLAlchemy Core tables.

Alembic migrations (``runink/store/migrations``) create and evolve it; a test checks that the
migrated database and this metadata agree. Only portable types are used, so the same schema
runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

advisories = sa.Table(
    "advisories",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published", sa.DateTime(timezone=True)),
    sa.Column("withdrawn", sa.DateTime(timezone=True)),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("score", sa.Float),
    sa.Column("severity", sa.String(16)),
    sa.Column("score_version", sa.String(8)),
    sa.Column("vector", sa.String(255)),
    sa.Column("cwes", sa.Text, nullable=False, server_default=""),  # space-separated CWE ids
    sa.Column("record", sa.Text, nullable=False),  # the OSV record as JSON
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_advisories_modified", advisories.c.modified)

advisory_aliases = sa.Table(
    "advisory_aliases",
    metadata,
    sa.Column(
        "advisory_id",
        sa.String(255),
        sa.ForeignKey("advisories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("alias", sa.String(255), primary_key=True),
)
sa.Index("ix_advisory_aliases_alias", advisory_aliases.c.alias)

affected_packages = sa.Table(
    "affected_packages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "advisory_id",
        sa.String(255),
        sa.ForeignKey("advisories.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("entry_index", sa.Integer, nullable=False),
    sa.Column("ecosystem", sa.String(128), nullable=False),
    sa.Column("ecosystem_base", sa.String(64), nullable=False),
    sa.Column("name", sa.String(512), nullable=False),
    # JSON: [{"type": "SEMVER", "events": [["introduced", "0"], ["fixed", "1.2"]]}, ...]
    sa.Column("ranges", sa.Text, nullable=False),
    sa.Column("versions", sa.Text, nullable=False),  # JSON list of strings
)
sa.Index(
    "ix_affected_packages_lookup", affected_packages.c.ecosystem_base, affected_packages.c.name
)
sa.Index("ix_affected_packages_advisory", affected_packages.c.advisory_id)

import_runs = sa.Table(
    "import_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("origin", sa.Text, nullable=False),  # the paths or feed imported
    sa.Column("new", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("unchanged", sa.Integer, nullable=False),
    sa.Column("withdrawn", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
)

# --- evidence ledger (migration 0002) ---
# Append-only: the migration adds triggers refusing UPDATE and DELETE on all three tables.
# The format (hash inputs, Merkle tree, checkpoint signatures) is docs/ledger-format.md.

#: 64-bit sequence numbers; on SQLite exactly INTEGER so that the primary key is the rowid.
LEDGER_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("seq", LEDGER_SEQ, primary_key=True, autoincrement=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),  # 2026-11-30T12:00:00.000000Z
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("artifact", sa.String(512)),
    sa.Column("repo", sa.String(512)),
    sa.Column("vulnerability", sa.String(255)),
    sa.Column("component", sa.Text),  # a purl
    sa.Column("payload", sa.Text, nullable=False),  # canonical JSON (RFC 8785)
    sa.Column("prev_hash", sa.String(64), nullable=False),  # hex SHA-256
    sa.Column("entry_hash", sa.String(64), nullable=False),
)
sa.Index("ix_ledger_entries_artifact", ledger_entries.c.artifact)
sa.Index("ix_ledger_entries_repo", ledger_entries.c.repo)
sa.Index("ix_ledger_entries_recorded_at", ledger_entries.c.recorded_at)

ledger_checkpoints = sa.Table(
    "ledger_checkpoints",
    metadata,
    sa.Column("tree_size", LEDGER_SEQ, primary_key=True, autoincrement=False),
    sa.Column("root_hash", sa.String(64), nullable=False),
    sa.Column("signed_at", sa.String(32), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),  # hex Ed25519 signature
    # JSON list of hex subtree roots at tree_size: lets the next append extend the tree
    # without reading every entry. Not signed; `runink ledger verify` never trusts it.
    sa.Column("frontier", sa.Text, nullable=False),
)

ledger_keys = sa.Table(
    "ledger_keys",
    metadata,
    sa.Column("key_id", sa.String(16), primary_key=True),
    sa.Column("public_key", sa.String(64), nullable=False),  # hex raw Ed25519 public key
    sa.Column("first_used_at", sa.String(32), nullable=False),
)

# --- feeds, KEV, EPSS and CVE change events (migration 0003) ---
# Written by runink.feeds (docs/feeds.md). Every sync batch, its feed_state row and its
# change_events are one transaction.

#: 64-bit event sequence; on SQLite exactly INTEGER so that the primary key is the rowid, and
#: AUTOINCREMENT so that a sequence number is never reused.
EVENT_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

feed_state = sa.Table(
    "feed_state",
    metadata,
    sa.Column("feed", sa.String(32), primary_key=True),  # osv, nvd, kev, epss
    sa.Column("scope", sa.String(128), primary_key=True),  # OSV ecosystem directory; "" otherwise
    sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("last_success_at", sa.DateTime(timezone=True)),
    sa.Column("newest_record_at", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("cursor", sa.Text, nullable=False, server_default="{}"),  # JSON, per feed
    sa.Column("validators", sa.Text, nullable=False, server_default="{}"),  # JSON: url -> ETag…
)

kev_entries = sa.Table(
    "kev_entries",
    metadata,
    sa.Column("cve_id", sa.String(32), primary_key=True),
    sa.Column("vendor_project", sa.Text, nullable=False, server_default=""),
    sa.Column("product", sa.Text, nullable=False, server_default=""),
    sa.Column("vulnerability_name", sa.Text, nullable=False, server_default=""),
    sa.Column("date_added", sa.Date, nullable=False),
    sa.Column("due_date", sa.Date),
    sa.Column("known_ransomware", sa.String(16), nullable=False, server_default="Unknown"),
    sa.Column("short_description", sa.Text, nullable=False, server_default=""),
    sa.Column("required_action", sa.Text, nullable=False, server_default=""),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("cwes", sa.Text, nullable=False, server_default=""),  # space-separated
)

epss_scores = sa.Table(
    "epss_scores",
    metadata,
    sa.Column("cve_id", sa.String(32), primary_key=True),
    sa.Column("epss", sa.Float, nullable=False),
    sa.Column("percentile", sa.Float, nullable=False),
    sa.Column("score_date", sa.Date, nullable=False),
)

nvd_metrics = sa.Table(
    "nvd_metrics",
    metadata,
    sa.Column("cve_id", sa.String(32), primary_key=True),
    sa.Column("published", sa.DateTime(timezone=True)),
    sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
    sa.Column("vuln_status", sa.String(48), nullable=False, server_default=""),
    sa.Column("cvss_v4_vector", sa.String(255)),
    sa.Column("cvss_v4_score", sa.Float),
    sa.Column("cvss_v3_version", sa.String(8)),  # "3.1" or "3.0"
    sa.Column("cvss_v3_vector", sa.String(255)),
    sa.Column("cvss_v3_score", sa.Float),
    sa.Column("cvss_v2_vector", sa.String(255)),
    sa.Column("cvss_v2_score", sa.Float),
    sa.Column("cwes", sa.Text, nullable=False, server_default=""),  # space-separated
)

change_events = sa.Table(
    "change_events",
    metadata,
    sa.Column("seq", EVENT_SEQ, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(48), nullable=False),  # advisory.added, kev.added, …
    sa.Column("subject", sa.String(255), nullable=False),  # advisory id or CVE id
    sa.Column("source", sa.String(160), nullable=False),  # osv:PyPI, import, kev, epss
    sa.Column("details", sa.Text, nullable=False),  # JSON object, per kind (docs/feeds.md)
    sqlite_autoincrement=True,
)
sa.Index("ix_change_events_subject", change_events.c.subject)

consumer_offsets = sa.Table(
    "consumer_offsets",
    metadata,
    sa.Column("consumer", sa.String(128), primary_key=True),
    sa.Column("seq", EVENT_SEQ, nullable=False),  # the last event the consumer has processed
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# --- policy action deliveries and event log (migration 0004) ---

#: One row per (finding, trigger, action, target): the idempotency record of policy actions.
#: ``status`` is ``delivered`` or ``failed``; a failed row is retried on the next run.
action_deliveries = sa.Table(
    "action_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("finding_key", sa.String(64), nullable=False),
    sa.Column("trigger", sa.String(255), nullable=False),
    sa.Column("action_index", sa.Integer, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(512), nullable=False),
    sa.Column("artifact", sa.String(255), nullable=False),
    sa.Column("vulnerability", sa.String(255), nullable=False),
    sa.Column("purl", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint(
        "finding_key", "trigger", "action_index", "target", name="uq_action_deliveries_once"
    ),
)
sa.Index("ix_action_deliveries_artifact", action_deliveries.c.artifact)

# --- persistent inventory and findings (migration 0005) ---
# Written by runink.services.inventory / monitor (docs/monitoring.md). An ingest (snapshot, its
# components, the finding transitions and the outbox row) is one transaction; so is the
# processing of a batch of change events together with the consumer offset.

inventory_artifacts = sa.Table(
    "inventory_artifacts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),  # image, service, repo
    sa.Column("environment", sa.String(64)),
    sa.Column("team", sa.String(128)),
    sa.Column("owners", sa.Text, nullable=False, server_default="[]"),  # JSON list of emails
    sa.Column("labels", sa.Text, nullable=False, server_default="{}"),  # JSON object
    sa.Column("maintainer_email", sa.String(255)),
    sa.Column("team_label", sa.String(128)),
    sa.Column("path", sa.Text),  # where the last ingest read from
    sa.Column("policy_path", sa.Text),  # the runink.yaml that applies (None: default policy)
    sa.Column("current_snapshot_id", sa.Integer),  # inventory_snapshots.id of the current one
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

inventory_snapshots = sa.Table(
    "inventory_snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "artifact_id",
        sa.Integer,
        sa.ForeignKey("inventory_artifacts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source", sa.Text, nullable=False),  # the path ingested
    sa.Column("components", sa.Integer, nullable=False),
    sa.Column("files", sa.Text, nullable=False, server_default="[]"),  # JSON [{path, format, …}]
    sa.Column("digest", sa.String(64), nullable=False),  # SHA-256 of the sorted component list
)
sa.Index("ix_inventory_snapshots_artifact_id", inventory_snapshots.c.artifact_id)

inventory_components = sa.Table(
    "inventory_components",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "snapshot_id",
        sa.Integer,
        sa.ForeignKey("inventory_snapshots.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("artifact_id", sa.Integer, nullable=False),  # denormalized for the fan-out
    sa.Column("ecosystem", sa.String(128), nullable=False),
    sa.Column("ecosystem_base", sa.String(64), nullable=False),
    sa.Column("name", sa.String(512), nullable=False),  # normalized for the ecosystem
    sa.Column("version", sa.String(255), nullable=False),
    sa.Column("purl", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("line", sa.Integer),
    sa.Column("direct", sa.Boolean),
    sa.Column("scope", sa.String(32)),
)
#: The fan-out index: a change event names (ecosystem base, name); this finds the components.
#: Migration 0007 added the columns after the name: the event path compares current
#: components from the index alone (no table page per component).
sa.Index(
    "ix_inventory_components_lookup",
    inventory_components.c.ecosystem_base,
    inventory_components.c.name,
    inventory_components.c.artifact_id,
    inventory_components.c.snapshot_id,
    inventory_components.c.ecosystem,
    inventory_components.c.version,
    inventory_components.c.purl,
)
sa.Index("ix_inventory_components_snapshot_id", inventory_components.c.snapshot_id)

findings = sa.Table(
    "findings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "artifact_id",
        sa.Integer,
        sa.ForeignKey("inventory_artifacts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("vulnerability", sa.String(255), nullable=False),  # canonical id (CVE first)
    sa.Column("purl", sa.Text, nullable=False),
    sa.Column("ecosystem", sa.String(128), nullable=False),
    sa.Column("ecosystem_base", sa.String(64), nullable=False),
    sa.Column("name", sa.String(512), nullable=False),
    sa.Column("version", sa.String(255), nullable=False),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("line", sa.Integer),
    sa.Column("direct", sa.Boolean),
    sa.Column("scope", sa.String(32)),
    sa.Column("aliases", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Column("advisories", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("score", sa.Float),
    sa.Column("severity", sa.String(16)),
    sa.Column("vector", sa.String(255)),
    sa.Column("fixed_version", sa.String(255)),
    sa.Column("status", sa.String(16), nullable=False),  # open, fixed, excepted
    sa.Column("reason", sa.String(64)),  # why the last transition happened
    sa.Column("exception", sa.String(255)),  # the exception covering it, when excepted
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("fixed_at", sa.DateTime(timezone=True)),
    sa.Column("excepted_at", sa.DateTime(timezone=True)),
    sa.Column("reopened", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("opened_by", sa.String(16), nullable=False),  # ingest, event, reevaluate
    sa.Column("event_seq", EVENT_SEQ),  # the change event that opened it
    sa.Column("advisory_published", sa.DateTime(timezone=True)),
    sa.Column("advisory_modified", sa.DateTime(timezone=True)),
    sa.Column("alerted_at", sa.DateTime(timezone=True)),  # when its triggers ran
    sa.UniqueConstraint("artifact_id", "vulnerability", "purl", name="uq_findings_identity"),
)
sa.Index("ix_findings_vulnerability", findings.c.vulnerability)
sa.Index("ix_findings_status", findings.c.status)
# Migration 0007 (was (ecosystem_base, name) from 0006): a change event reads the findings of
# the packages it names, with the canonical ids it compares, through it.
sa.Index(
    "ix_findings_package_vulnerability",
    findings.c.ecosystem_base,
    findings.c.name,
    findings.c.vulnerability,
)

#: Migration 0006: which canonical ids the findings of a package have carried for each
#: advisory they cite, written with the findings (never deleted: a stale row only widens a
#: search that is then checked against the findings themselves). A change event finds the
#: findings citing the changed advisory through it, without reading the package's findings.
finding_citations = sa.Table(
    "finding_citations",
    metadata,
    sa.Column("advisory_id", sa.String(255), primary_key=True),
    sa.Column("ecosystem_base", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(512), primary_key=True),
    sa.Column("vulnerability", sa.String(255), primary_key=True),
)

#: Work committed with the finding transitions and done after them: the ledger entries to
#: append and the artifact whose triggers must run. A crash between the two leaves the row, and
#: the next run finishes it (delivery is idempotent through action_deliveries).
monitor_outbox = sa.Table(
    "monitor_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("artifact_id", sa.Integer, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("entries", sa.Text, nullable=False),  # JSON list of ledger entry inputs
    sa.Column("finding_ids", sa.Text, nullable=False),  # JSON list: stamp alerted_at
    sqlite_autoincrement=True,
)

# --- the watch lease (migration 0008) ---

#: Which process may run ``runink watch`` cycles on this database, until when. A watcher takes
#: the lease when it is free or expired and renews it between the steps of each cycle, so two
#: watchers on one database (two replicas, a cron job beside a service) never run triggers at
#: the same time. See ``runink.services.lease``.
watch_leases = sa.Table(
    "watch_leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(255), nullable=False),
    sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)
