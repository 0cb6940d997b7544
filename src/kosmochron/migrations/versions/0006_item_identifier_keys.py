"""Identifiers found by index: a payload's launch designator and folded name.

``items.cospar_launch`` is the launch part of a payload's designator in GCAT's
spelling (``1971-049`` of ``1971-049A``, ``1962 B IOT`` of ``1962 B IOT 1``,
``F601010`` of ``F601010A``), so ``1971-049`` finds every payload of that launch;
``items.name_key`` is the name without case, accents or punctuation
(:func:`kosmochron.suggest.fold`), so ``mars-3`` finds Mars 3.  Both indexed, and
``items.type_id`` too (the spacecraft-type filter and entity page).  Existing rows
are filled in batches; ingest fills new ones.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 5000


def _fill() -> None:
    from kosmochron.store.ingest import cospar_launch
    from kosmochron.suggest import fold

    conn = op.get_bind()
    items = sa.table("items", sa.column("id", sa.Integer), sa.column("name", sa.Text),
                     sa.column("cospar_kind", sa.Text), sa.column("cospar_gcat", sa.Text),
                     sa.column("cospar", sa.Text), sa.column("cospar_launch", sa.Text),
                     sa.column("name_key", sa.Text))
    update = (sa.update(items).where(items.c.id == sa.bindparam("item_id"))
              .values(cospar_launch=sa.bindparam("launch"), name_key=sa.bindparam("key")))
    last = 0
    while True:
        rows = conn.execute(sa.select(items.c.id, items.c.name, items.c.cospar_kind,
                                      items.c.cospar_gcat, items.c.cospar)
                            .where(items.c.id > last).order_by(items.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(update, [{"item_id": r.id, "key": fold(r.name),
                               "launch": cospar_launch(r.cospar_kind, r.cospar_gcat, r.cospar)}
                              for r in rows])
        last = rows[-1].id


def upgrade() -> None:
    op.add_column("items", sa.Column("cospar_launch", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("name_key", sa.Text(), nullable=True))
    _fill()
    op.create_index("ix_items_cospar_launch", "items", ["cospar_launch"], unique=False)
    op.create_index("ix_items_name_key", "items", ["name_key"], unique=False)
    op.create_index("ix_items_type", "items", ["type_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_items_type", table_name="items")
    op.drop_index("ix_items_name_key", table_name="items")
    op.drop_index("ix_items_cospar_launch", table_name="items")
    for name in ("name_key", "cospar_launch"):
        # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a table copy would break the
        # full-text index's view of items.
        op.execute(f"ALTER TABLE items DROP COLUMN {name}")
