"""Initial schema: sources, entries, items, diagnostics, entities, GCAT, search.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 17:52:14.035371
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kosmochron.store import search

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FIELD_LIST = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "complexes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "configurations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "gcat_payloads",
        sa.Column("jcat", sa.String(length=12), nullable=False),
        sa.Column("satcat", sa.Integer(), nullable=True),
        sa.Column("piece", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("launch_date_text", sa.Text(), nullable=True),
        sa.Column("launch_date", sa.Date(), nullable=True),
        sa.Column("program", sa.Text(), nullable=True),
        sa.Column("class", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("un_state", sa.Text(), nullable=True),
        sa.Column("un_reg", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("jcat"),
    )
    with op.batch_alter_table("gcat_payloads", schema=None) as batch_op:
        batch_op.create_index("ix_gcat_piece", ["piece"], unique=False)
        batch_op.create_index("ix_gcat_satcat", ["satcat"], unique=False)

    op.create_table(
        "lv_families",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "nations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("bom", sa.Boolean(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("launch_count", sa.Integer(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )
    op.create_table(
        "spacecraft_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("end_line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("date_text", sa.Text(), nullable=False),
        sa.Column("date_precision", sa.String(length=10), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("time_utc", sa.String(length=8), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("complex_id", sa.Integer(), nullable=True),
        sa.Column("lv_family_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("configuration_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("failed_stage", sa.Text(), nullable=True),
        sa.Column("has_errors", sa.Boolean(), nullable=False),
        sa.Column("fields", FIELD_LIST, nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complex_id"],
            ["complexes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["configurations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["lv_family_id"],
            ["lv_families.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
        ),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "seq"),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_complex", ["complex_id"], unique=False)
        batch_op.create_index("ix_entries_configuration", ["configuration_id"], unique=False)
        batch_op.create_index("ix_entries_date", ["date_start", "date_end"], unique=False)
        batch_op.create_index(
            "ix_entries_family_outcome", ["lv_family_id", "outcome"], unique=False
        )
        batch_op.create_index("ix_entries_site", ["site_id"], unique=False)
        batch_op.create_index("ix_entries_vehicle", ["vehicle_id"], unique=False)

    op.create_table(
        "source_texts",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_id", "seq"),
    )
    op.create_table(
        "diagnostics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("diagnostics", schema=None) as batch_op:
        batch_op.create_index("ix_diagnostics_entry", ["entry_id"], unique=False)
        batch_op.create_index("ix_diagnostics_source", ["source_id"], unique=False)

    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("end_line", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("mass_kg", sa.Float(), nullable=True),
        sa.Column("mass_lb", sa.Float(), nullable=True),
        sa.Column("nation_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("class", sa.Text(), nullable=True),
        sa.Column("type_id", sa.Integer(), nullable=True),
        sa.Column("spacecraft", sa.Text(), nullable=True),
        sa.Column("decay_date", sa.Date(), nullable=True),
        sa.Column("satcat", sa.Integer(), nullable=True),
        sa.Column("cospar", sa.Text(), nullable=True),
        sa.Column("cospar_kind", sa.String(length=12), nullable=True),
        sa.Column("cospar_normalized", sa.Text(), nullable=True),
        sa.Column("cospar_gcat", sa.Text(), nullable=True),
        sa.Column("apogee_km", sa.Float(), nullable=True),
        sa.Column("perigee_km", sa.Float(), nullable=True),
        sa.Column("inclination_deg", sa.Float(), nullable=True),
        sa.Column("period_min", sa.Float(), nullable=True),
        sa.Column("duration_days", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("fields", FIELD_LIST, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
        ),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["nation_id"],
            ["nations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["spacecraft_types.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_agency", ["agency_id"], unique=False)
        batch_op.create_index("ix_items_cospar", ["cospar"], unique=False)
        batch_op.create_index("ix_items_cospar_gcat", ["cospar_gcat"], unique=False)
        batch_op.create_index("ix_items_entry", ["entry_id"], unique=False)
        batch_op.create_index("ix_items_name", ["name"], unique=False)
        batch_op.create_index("ix_items_nation", ["nation_id"], unique=False)
        batch_op.create_index("ix_items_program", ["program_id"], unique=False)
        batch_op.create_index("ix_items_satcat", ["satcat"], unique=False)


    op.create_table(
        "gcat_links",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("jcat", sa.String(length=12), nullable=False),
        sa.Column("matched_by", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["jcat"], ["gcat_payloads.jcat"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id"),
    )
    with op.batch_alter_table("gcat_links", schema=None) as batch_op:
        batch_op.create_index("ix_gcat_links_jcat", ["jcat"], unique=False)
    # The full-text index differs by dialect (FTS5 or tsvector): see store.search.
    search.create_index(op.get_bind())


def downgrade() -> None:
    search.drop_index(op.get_bind())
    with op.batch_alter_table("gcat_links", schema=None) as batch_op:
        batch_op.drop_index("ix_gcat_links_jcat")

    op.drop_table("gcat_links")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_satcat")
        batch_op.drop_index("ix_items_program")
        batch_op.drop_index("ix_items_nation")
        batch_op.drop_index("ix_items_name")
        batch_op.drop_index("ix_items_entry")
        batch_op.drop_index("ix_items_cospar_gcat")
        batch_op.drop_index("ix_items_cospar")
        batch_op.drop_index("ix_items_agency")

    op.drop_table("items")
    with op.batch_alter_table("diagnostics", schema=None) as batch_op:
        batch_op.drop_index("ix_diagnostics_source")
        batch_op.drop_index("ix_diagnostics_entry")

    op.drop_table("diagnostics")
    op.drop_table("source_texts")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_vehicle")
        batch_op.drop_index("ix_entries_site")
        batch_op.drop_index("ix_entries_family_outcome")
        batch_op.drop_index("ix_entries_date")
        batch_op.drop_index("ix_entries_configuration")
        batch_op.drop_index("ix_entries_complex")

    op.drop_table("entries")
    op.drop_table("vehicles")
    op.drop_table("spacecraft_types")
    op.drop_table("sources")
    op.drop_table("sites")
    op.drop_table("programs")
    op.drop_table("nations")
    op.drop_table("lv_families")
    with op.batch_alter_table("gcat_payloads", schema=None) as batch_op:
        batch_op.drop_index("ix_gcat_satcat")
        batch_op.drop_index("ix_gcat_piece")

    op.drop_table("gcat_payloads")
    op.drop_table("configurations")
    op.drop_table("complexes")
    op.drop_table("agencies")
