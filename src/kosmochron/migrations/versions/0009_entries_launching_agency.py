"""An entry's launching agency: ``entries.agency_id``, from the header's ``Agency``.

GCAT's launches carry the agency that launched them (``Agency: RVSN``), a payload
its owner's (``items.agency_id``, Astronautix's ``Agency: MOM``); statistics by
agency count launches by the launching agency where the record has one (issue 17).
Ingest fills the column; existing rows are filled from GCAT's typed launch rows
(``gcat_launches.agency`` of each launch's entry, as the chronology written from
them says it), the only source whose headers name an agency.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fill() -> None:
    from kosmochron.chronicle import clean
    from kosmochron.store.ingest import EntityIds
    from kosmochron.store.schema import agencies

    conn = op.get_bind()
    launches = sa.table("gcat_launches", sa.column("entry_id", sa.Integer),
                        sa.column("agency", sa.Text))
    entries = sa.table("entries", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer))
    rows = conn.execute(sa.select(launches.c.entry_id, launches.c.agency)
                        .where(launches.c.entry_id.is_not(None),
                               launches.c.agency.is_not(None))).all()
    if not rows:
        return
    ids = EntityIds(conn, agencies)
    updates = [{"entry": entry_id, "agency": ids(clean(agency))} for entry_id, agency in rows]
    if ids.pending:
        conn.execute(sa.insert(agencies), [{"id": i, "name": name, "slug": slug}
                                           for i, name, slug in ids.pending])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('agencies', 'id'), "
                                 "COALESCE((SELECT MAX(id) FROM agencies), 0) + 1, false)")
    conn.execute(sa.update(entries).where(entries.c.id == sa.bindparam("entry"))
                 .values(agency_id=sa.bindparam("agency")),
                 [u for u in updates if u["agency"] is not None])


def upgrade() -> None:
    # No FOREIGN KEY (see schema.py): one plain column, dropped again in place.
    op.add_column("entries", sa.Column("agency_id", sa.Integer(), nullable=True))
    _fill()
    op.create_index("ix_entries_agency", "entries", ["agency_id", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_entries_agency", table_name="entries")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a table copy would break the
    # full-text index's view of entries.
    op.execute("ALTER TABLE entries DROP COLUMN agency_id")
