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

# --- feeds, KEV, EPSS and CVE change events (migration 0003) ---

# --- policy action deliveries and event log (migration 0004) ---
