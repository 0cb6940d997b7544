"""The entity indexes of entries hold the entry's kind (issue 15: first views).

A facet counts the entries of each site, vehicle, configuration, complex and state
(and of each failed stage and launch code) among those of a kind (launches, or all
but merged ones): with the kind in the index, SQLite counts from the index alone
instead of reading every entry's row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 01:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ENTITIES = ("vehicle", "site", "complex", "configuration", "state")
NEW = ("failed_stage", "launch_code")


def upgrade() -> None:
    for name in ENTITIES:
        op.drop_index(f"ix_entries_{name}", table_name="entries")
        op.create_index(f"ix_entries_{name}", "entries", [f"{name}_id", "kind"])
    for column in NEW:
        op.create_index(f"ix_entries_{column}", "entries", [column, "kind"])


def downgrade() -> None:
    for column in NEW:
        op.drop_index(f"ix_entries_{column}", table_name="entries")
    for name in ENTITIES:
        op.drop_index(f"ix_entries_{name}", table_name="entries")
        op.create_index(f"ix_entries_{name}", "entries", [f"{name}_id"])
