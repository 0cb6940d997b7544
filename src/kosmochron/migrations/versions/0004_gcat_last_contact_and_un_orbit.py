"""GCAT payloads keep their last-contact date (``TLast``) and UN-registered orbit.

``t_last`` is GCAT's text (``1972 Aug?``), ``t_last_start``/``t_last_end`` the days it
allows; ``un_perigee_km``, ``un_apogee_km``, ``un_inc_deg`` the orbit the launching
state registered with the UN.  The checks compare them with a chronology's narrative
and fields (issue 12).  Added with ``ALTER TABLE … ADD COLUMN`` on both databases.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("t_last", sa.Text()),
    ("t_last_start", sa.Date()),
    ("t_last_end", sa.Date()),
    ("un_perigee_km", sa.Float()),
    ("un_apogee_km", sa.Float()),
    ("un_inc_deg", sa.Float()),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("gcat_payloads", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gcat_payloads") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
