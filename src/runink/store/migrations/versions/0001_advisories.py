"""Advisory database: advisories, aliases, affected packages and import runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advisories",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("withdrawn", sa.DateTime(timezone=True)),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("score", sa.Float),
        sa.Column("severity", sa.String(16)),
        sa.Column("score_version", sa.String(8)),
        sa.Column("vector", sa.String(255)),
        sa.Column("cwes", sa.Text, nullable=False, server_default=""),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_advisories"),
    )
    op.create_index("ix_advisories_modified", "advisories", ["modified"])
    op.create_table(
        "advisory_aliases",
        sa.Column("advisory_id", sa.String(255), nullable=False),
        sa.Column("alias", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisory_id"],
            ["advisories.id"],
            name="fk_advisory_aliases_advisory_id_advisories",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("advisory_id", "alias", name="pk_advisory_aliases"),
    )
    op.create_index("ix_advisory_aliases_alias", "advisory_aliases", ["alias"])
    op.create_table(
        "affected_packages",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("advisory_id", sa.String(255), nullable=False),
        sa.Column("entry_index", sa.Integer, nullable=False),
        sa.Column("ecosystem", sa.String(128), nullable=False),
        sa.Column("ecosystem_base", sa.String(64), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("ranges", sa.Text, nullable=False),
        sa.Column("versions", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["advisory_id"],
            ["advisories.id"],
            name="fk_affected_packages_advisory_id_advisories",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_affected_packages"),
    )
    op.create_index("ix_affected_packages_lookup", "affected_packages", ["ecosystem_base", "name"])
    op.create_index("ix_affected_packages_advisory", "affected_packages", ["advisory_id"])
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("withdrawn", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_runs"),
    )


def downgrade() -> None:
    op.drop_table("import_runs")
    op.drop_index("ix_affected_packages_advisory", table_name="affected_packages")
    op.drop_index("ix_affected_packages_lookup", table_name="affected_packages")
    op.drop_table("affected_packages")
    op.drop_index("ix_advisory_aliases_alias", table_name="advisory_aliases")
    op.drop_table("advisory_aliases")
    op.drop_index("ix_advisories_modified", table_name="advisories")
    op.drop_table("advisories")
