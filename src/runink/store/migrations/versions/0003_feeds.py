"""Feed state, KEV, EPSS and CVE change events (issue 6).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

EVENT_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "feed_state",
        sa.Column("feed", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(128), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_success_at", sa.DateTime(timezone=True)),
        sa.Column("newest_record_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("cursor", sa.Text, nullable=False, server_default="{}"),
        sa.Column("validators", sa.Text, nullable=False, server_default="{}"),
        sa.PrimaryKeyConstraint("feed", "scope", name="pk_feed_state"),
    )
    op.create_table(
        "kev_entries",
        sa.Column("cve_id", sa.String(32), nullable=False),
        sa.Column("vendor_project", sa.Text, nullable=False, server_default=""),
        sa.Column("product", sa.Text, nullable=False, server_default=""),
        sa.Column("vulnerability_name", sa.Text, nullable=False, server_default=""),
        sa.Column("date_added", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("known_ransomware", sa.String(16), nullable=False, server_default="Unknown"),
        sa.Column("short_description", sa.Text, nullable=False, server_default=""),
        sa.Column("required_action", sa.Text, nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("cwes", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("cve_id", name="pk_kev_entries"),
    )
    op.create_table(
        "epss_scores",
        sa.Column("cve_id", sa.String(32), nullable=False),
        sa.Column("epss", sa.Float, nullable=False),
        sa.Column("percentile", sa.Float, nullable=False),
        sa.Column("score_date", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("cve_id", name="pk_epss_scores"),
    )
    op.create_table(
        "nvd_metrics",
        sa.Column("cve_id", sa.String(32), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vuln_status", sa.String(48), nullable=False, server_default=""),
        sa.Column("cvss_v4_vector", sa.String(255)),
        sa.Column("cvss_v4_score", sa.Float),
        sa.Column("cvss_v3_version", sa.String(8)),
        sa.Column("cvss_v3_vector", sa.String(255)),
        sa.Column("cvss_v3_score", sa.Float),
        sa.Column("cvss_v2_vector", sa.String(255)),
        sa.Column("cvss_v2_score", sa.Float),
        sa.Column("cwes", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("cve_id", name="pk_nvd_metrics"),
    )
    op.create_table(
        "change_events",
        sa.Column("seq", EVENT_SEQ, autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("source", sa.String(160), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_change_events"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_change_events_subject", "change_events", ["subject"])
    op.create_table(
        "consumer_offsets",
        sa.Column("consumer", sa.String(128), nullable=False),
        sa.Column("seq", EVENT_SEQ, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", name="pk_consumer_offsets"),
    )


def downgrade() -> None:
    op.drop_table("consumer_offsets")
    op.drop_index("ix_change_events_subject", table_name="change_events")
    op.drop_table("change_events")
    op.drop_table("nvd_metrics")
    op.drop_table("epss_scores")
    op.drop_table("kev_entries")
    op.drop_table("feed_state")
