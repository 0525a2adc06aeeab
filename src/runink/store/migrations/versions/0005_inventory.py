"""Persistent inventory, finding lifecycle and the monitor's outbox (issue 6).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

EVENT_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "inventory_artifacts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("environment", sa.String(64)),
        sa.Column("team", sa.String(128)),
        sa.Column("owners", sa.Text, nullable=False, server_default="[]"),
        sa.Column("labels", sa.Text, nullable=False, server_default="{}"),
        sa.Column("maintainer_email", sa.String(255)),
        sa.Column("team_label", sa.String(128)),
        sa.Column("path", sa.Text),
        sa.Column("policy_path", sa.Text),
        sa.Column("current_snapshot_id", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_inventory_artifacts_name"),
    )
    op.create_table(
        "inventory_snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "artifact_id",
            sa.Integer,
            sa.ForeignKey(
                "inventory_artifacts.id",
                ondelete="CASCADE",
                name="fk_inventory_snapshots_artifact_id_inventory_artifacts",
            ),
            nullable=False,
        ),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("components", sa.Integer, nullable=False),
        sa.Column("files", sa.Text, nullable=False, server_default="[]"),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_inventory_snapshots_artifact_id", "inventory_snapshots", ["artifact_id"])
    op.create_table(
        "inventory_components",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "snapshot_id",
            sa.Integer,
            sa.ForeignKey(
                "inventory_snapshots.id",
                ondelete="CASCADE",
                name="fk_inventory_components_snapshot_id_inventory_snapshots",
            ),
            nullable=False,
        ),
        sa.Column("artifact_id", sa.Integer, nullable=False),
        sa.Column("ecosystem", sa.String(128), nullable=False),
        sa.Column("ecosystem_base", sa.String(64), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("version", sa.String(255), nullable=False),
        sa.Column("purl", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("line", sa.Integer),
        sa.Column("direct", sa.Boolean),
        sa.Column("scope", sa.String(32)),
    )
    op.create_index(
        "ix_inventory_components_lookup", "inventory_components", ["ecosystem_base", "name"]
    )
    op.create_index("ix_inventory_components_snapshot_id", "inventory_components", ["snapshot_id"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "artifact_id",
            sa.Integer,
            sa.ForeignKey(
                "inventory_artifacts.id",
                ondelete="CASCADE",
                name="fk_findings_artifact_id_inventory_artifacts",
            ),
            nullable=False,
        ),
        sa.Column("vulnerability", sa.String(255), nullable=False),
        sa.Column("purl", sa.Text, nullable=False),
        sa.Column("ecosystem", sa.String(128), nullable=False),
        sa.Column("ecosystem_base", sa.String(64), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("version", sa.String(255), nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("line", sa.Integer),
        sa.Column("direct", sa.Boolean),
        sa.Column("scope", sa.String(32)),
        sa.Column("aliases", sa.Text, nullable=False, server_default="[]"),
        sa.Column("advisories", sa.Text, nullable=False, server_default="[]"),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("score", sa.Float),
        sa.Column("severity", sa.String(16)),
        sa.Column("vector", sa.String(255)),
        sa.Column("fixed_version", sa.String(255)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64)),
        sa.Column("exception", sa.String(255)),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True)),
        sa.Column("excepted_at", sa.DateTime(timezone=True)),
        sa.Column("reopened", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(16), nullable=False),
        sa.Column("event_seq", EVENT_SEQ),
        sa.Column("advisory_published", sa.DateTime(timezone=True)),
        sa.Column("advisory_modified", sa.DateTime(timezone=True)),
        sa.Column("alerted_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("artifact_id", "vulnerability", "purl", name="uq_findings_identity"),
    )
    op.create_index("ix_findings_vulnerability", "findings", ["vulnerability"])
    op.create_index("ix_findings_status", "findings", ["status"])
    op.create_table(
        "monitor_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("artifact_id", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("entries", sa.Text, nullable=False),
        sa.Column("finding_ids", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("monitor_outbox")
    op.drop_index("ix_findings_status", table_name="findings")
    op.drop_index("ix_findings_vulnerability", table_name="findings")
    op.drop_table("findings")
    op.drop_index("ix_inventory_components_snapshot_id", table_name="inventory_components")
    op.drop_index("ix_inventory_components_lookup", table_name="inventory_components")
    op.drop_table("inventory_components")
    op.drop_index("ix_inventory_snapshots_artifact_id", table_name="inventory_snapshots")
    op.drop_table("inventory_snapshots")
    op.drop_table("inventory_artifacts")
