"""GCAT as a first-class source: its typed tables, launches told by two sources.

``entries`` gain ``state_id`` and ``launch_code`` (from the header's ``State`` and
``Launch Code``) and ``merged_into`` (a launch another source tells too, that
does not count); new tables hold GCAT's files as typed rows, the store's
settings and the links between an entry and its GCAT launch.

On SQLite the columns are added with ``ALTER TABLE … ADD COLUMN`` rather than a
table copy: the full-text index's view refers to ``entries``, and the copy would
also rewrite every row of a large database.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FieldList = sa.JSON().with_variant(JSONB(), "postgresql")

ENTRY_COLUMNS = (
    ("state_id", "INTEGER REFERENCES states(id)"),
    ("launch_code", "VARCHAR(12)"),
    ("merged_into", "INTEGER REFERENCES entries(id)"),
)


def _entity(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )


def _entry_columns() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, declaration in ENTRY_COLUMNS:
            op.execute(f"ALTER TABLE entries ADD COLUMN {name} {declaration}")
    else:
        op.add_column("entries", sa.Column("state_id", sa.Integer(), nullable=True))
        op.add_column("entries", sa.Column("launch_code", sa.String(length=12), nullable=True))
        op.add_column("entries", sa.Column("merged_into", sa.Integer(), nullable=True))
        op.create_foreign_key(None, "entries", "states", ["state_id"], ["id"])
        op.create_foreign_key(None, "entries", "entries", ["merged_into"], ["id"])
    op.create_index("ix_entries_state", "entries", ["state_id"], unique=False)
    op.create_index("ix_entries_merged_into", "entries", ["merged_into"], unique=False)


def _gcat_tables() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "gcat_files",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("updated", sa.Text(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.Column("header", FieldList, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.create_table(
        "gcat_rejects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("column", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["kind"], ["gcat_files.kind"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gcat_rejects_kind", "gcat_rejects", ["kind"], unique=False)
    text_columns = ["lv_type", "variant", "family", "flight_id", "flight", "mission",
                    "platform", "site", "pad", "ascent_site", "ascent_pad"]
    op.create_table(
        "gcat_launches",
        sa.Column("tag", sa.String(length=20), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("date_text", sa.Text(), nullable=False),
        sa.Column("date_precision", sa.String(length=10), nullable=False),
        sa.Column("uncertain", sa.Boolean(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("time_utc", sa.String(length=8), nullable=True),
        sa.Column("jd", sa.Float(), nullable=True),
        *(sa.Column(name, sa.Text(), nullable=True) for name in text_columns),
        sa.Column("apogee_km", sa.Float(), nullable=True),
        sa.Column("orbital_payload_t", sa.Float(), nullable=True),
        sa.Column("agency", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("launch_code", sa.String(length=12), nullable=True),
        sa.Column("category", sa.String(length=2), nullable=True),
        sa.Column("result", sa.String(length=2), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("fail_code", sa.String(length=20), nullable=True),
        sa.Column("failed_stage", sa.String(length=4), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("group_code", sa.Text(), nullable=True),
        sa.Column("launch_category", sa.Text(), nullable=True),
        sa.Column("lt_cite", sa.Text(), nullable=True),
        sa.Column("cite", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("columns", FieldList, nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("tag"),
    )
    op.create_index("ix_gcat_launches_entry", "gcat_launches", ["entry_id"], unique=False)
    op.create_index("ix_gcat_launches_start", "gcat_launches", ["starts_at"], unique=False)
    op.create_table(
        "gcat_sites",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("short_name", sa.Text(), nullable=True),
        sa.Column("english_name", sa.Text(), nullable=True),
        sa.Column("state_code", sa.Text(), nullable=True),
        sa.Column("type", sa.String(length=12), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("error_deg", sa.Float(), nullable=True),
        sa.Column("start_text", sa.Text(), nullable=True),
        sa.Column("stop_text", sa.Text(), nullable=True),
        sa.Column("columns", FieldList, nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "gcat_orgs",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("short_name", sa.Text(), nullable=True),
        sa.Column("english_name", sa.Text(), nullable=True),
        sa.Column("state_code", sa.Text(), nullable=True),
        sa.Column("type", sa.Text(), nullable=True),
        sa.Column("parent", sa.Text(), nullable=True),
        sa.Column("columns", FieldList, nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "gcat_vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("variant", sa.Text(), nullable=True),
        sa.Column("family", sa.Text(), nullable=True),
        sa.Column("manufacturer", sa.Text(), nullable=True),
        sa.Column("min_stage", sa.Integer(), nullable=True),
        sa.Column("max_stage", sa.Integer(), nullable=True),
        sa.Column("launch_mass_t", sa.Float(), nullable=True),
        sa.Column("leo_capacity_kg", sa.Float(), nullable=True),
        sa.Column("gto_capacity_kg", sa.Float(), nullable=True),
        sa.Column("columns", FieldList, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gcat_vehicles_name", "gcat_vehicles", ["name"], unique=False)
    op.create_table(
        "launch_links",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("gcat_entry_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=20), nullable=False),
        sa.Column("matched_by", sa.String(length=16), nullable=False),
        sa.Column("how", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["gcat_entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    op.create_index("ix_launch_links_gcat", "launch_links", ["gcat_entry_id"], unique=False)


def upgrade() -> None:
    _entity("states")
    _entry_columns()
    with op.batch_alter_table("gcat_payloads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("launch_tag", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("catalog", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("columns", FieldList, nullable=True))
        batch_op.create_index("ix_gcat_launch_tag", ["launch_tag"], unique=False)
    _gcat_tables()


def downgrade() -> None:
    for table in ("launch_links", "gcat_vehicles", "gcat_orgs", "gcat_sites", "gcat_launches",
                  "gcat_rejects", "gcat_files", "settings"):
        op.drop_table(table)
    with op.batch_alter_table("gcat_payloads", schema=None) as batch_op:
        batch_op.drop_index("ix_gcat_launch_tag")
        batch_op.drop_column("columns")
        batch_op.drop_column("catalog")
        batch_op.drop_column("launch_tag")
    op.drop_index("ix_entries_merged_into", table_name="entries")
    op.drop_index("ix_entries_state", table_name="entries")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_drop_entry_columns()
    else:
        for name, _ in reversed(ENTRY_COLUMNS):
            op.drop_column("entries", name)
    op.drop_table("states")


def _sqlite_drop_entry_columns() -> None:
    """SQLite cannot drop a column that is a foreign key: copy the table, with the
    full-text index (whose view refers to it) dropped and rebuilt around the copy."""
    from kosmochron.store.search import SQLITE_DDL, SQLITE_DROP

    for statement in SQLITE_DROP:
        op.execute(statement)
    with op.batch_alter_table("entries", schema=None) as batch_op:
        for name, _ in reversed(ENTRY_COLUMNS):
            batch_op.drop_column(name)
    for statement in SQLITE_DDL:
        op.execute(statement)
    op.execute("INSERT INTO item_fts (item_fts) VALUES ('rebuild')")
