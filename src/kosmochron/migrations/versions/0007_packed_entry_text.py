"""Entry text packed; no JSON copies of the fields (issue 15: the database at most
2.5 times the text).

``entries.raw`` is stored deflated (:mod:`kosmochron.store.packing`, about half the
bytes) and ``entries.fields`` / ``items.fields`` (every field again, as JSON arrays:
a fifth of the database) are dropped: the fields are in the text, which the store
re-parses for the model and its JSON.  ``entries.launch_tag`` keeps the one header
value that was read from ``fields`` in SQL (GCAT's launch tag, for the merge of
launches told twice).  ``ix_entries_scan`` holds the columns that statistics,
facets and timelines read, and the item indexes of program, nation, agency and type
hold the entry too: those queries read an index instead of the rows (issue 15:
first views of big pages).

Existing rows are converted in batches.  SQLite does not give the freed pages back
to the file system by itself: ``VACUUM`` the file (``sqlite3 FILE 'VACUUM'``) to
shrink an existing database; a fresh one is small from the start.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 00:30:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 2000


def _entries(raw: sa.types.TypeEngine[Any]) -> sa.TableClause:
    return sa.table("entries", sa.column("id", sa.Integer), sa.column("line", sa.Integer),
                    sa.column("raw", raw), sa.column("fields", sa.Text),
                    sa.column("launch_tag", sa.String))


def _batches(conn: sa.Connection,
             query: sa.Select[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    """The rows of ``query`` (its first column an id), a batch at a time, in id order
    (each batch read whole before the caller writes)."""
    last = 0
    while True:
        rows = conn.execute(query.where(sa.literal_column("id") > last)
                            .order_by(sa.literal_column("id")).limit(BATCH)).all()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        last = int(rows[-1][0])  # type: ignore[call-overload]


def _launch_tag(fields: object) -> str | None:
    """The ``Launch Tag`` of a stored ``fields`` list (JSON text, or a list from jsonb)."""
    listed: list[list[Any]] = json.loads(fields) if isinstance(fields, str) else \
        list(fields) if isinstance(fields, list) else []
    for field in listed:
        if field[0] == "Launch Tag":
            return str(field[1])[:20] or None
    return None


def upgrade() -> None:
    from kosmochron.store.packing import pack

    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    op.add_column("entries", sa.Column("launch_tag", sa.String(20), nullable=True))
    table = _entries(sa.Text())
    tagged = (sa.select(table.c.id, table.c.fields)
              .where(sa.cast(table.c.fields, sa.Text).like("%Launch Tag%")))
    for batch in _batches(conn, tagged):
        conn.execute(sa.update(table).where(table.c.id == sa.bindparam("entry_id"))
                     .values(launch_tag=sa.bindparam("tag")),
                     [{"entry_id": id_, "tag": _launch_tag(fields)} for id_, fields in batch])
    if postgres:
        op.execute("ALTER TABLE entries ALTER COLUMN raw TYPE bytea "
                   "USING convert_to(raw, 'UTF8')")
    packed = _entries(sa.LargeBinary())
    for batch in _batches(conn, sa.select(packed.c.id, packed.c.raw)):
        conn.execute(sa.update(packed).where(packed.c.id == sa.bindparam("entry_id"))
                     .values(raw=sa.bindparam("text")),
                     [{"entry_id": id_,
                       "text": pack(bytes(raw).decode() if isinstance(raw, bytes | memoryview)
                                    else str(raw))} for id_, raw in batch])
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a table copy would break the
    # full-text index's view of items and rewrite every row.
    op.execute("ALTER TABLE entries DROP COLUMN fields")
    op.execute("ALTER TABLE items DROP COLUMN fields")
    _indexes(with_entry=True)


#: Item indexes that also hold the entry (filters and facets then read the index alone).
ITEM_KEYS = ("program", "nation", "agency", "type")
SCAN = ("kind", "date_start", "outcome", "lv_family_id", "failed_stage", "site_id",
        "merged_into")


def _indexes(*, with_entry: bool) -> None:
    for key in ITEM_KEYS:
        op.drop_index(f"ix_items_{key}", table_name="items")
        op.create_index(f"ix_items_{key}", "items",
                        [f"{key}_id", "entry_id"] if with_entry else [f"{key}_id"])
    if with_entry:
        op.create_index("ix_entries_scan", "entries", list(SCAN))
    else:
        op.drop_index("ix_entries_scan", table_name="entries")


def downgrade() -> None:
    from kosmochron.store.packing import unpack
    from kosmochron.store.query import reparse

    _indexes(with_entry=False)
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    kind = "jsonb" if postgres else "JSON"
    op.execute(f"ALTER TABLE entries ADD COLUMN fields {kind} NOT NULL DEFAULT '[]'")
    op.execute(f"ALTER TABLE items ADD COLUMN fields {kind} NOT NULL DEFAULT '[]'")
    packed = _entries(sa.LargeBinary())
    cast = "CAST(:f AS jsonb)" if postgres else ":f"
    texts = []
    for batch in _batches(conn, sa.select(packed.c.id, packed.c.line, packed.c.raw)):
        for id_, line, raw in batch:
            text = unpack(raw)  # type: ignore[arg-type]
            texts.append({"entry_id": id_, "text": text})
            entry = reparse(text, "", int(line))  # type: ignore[call-overload]
            listed = json.dumps([[f.key, f.value, f.line, f.column] for f in entry.fields])
            conn.execute(sa.text(f"UPDATE entries SET fields = {cast} WHERE id = :i"),
                         {"f": listed, "i": id_})
            for seq, item in enumerate(entry.items):
                fields = json.dumps([[f.key, f.value, f.line, f.column] for f in item.fields])
                conn.execute(sa.text(f"UPDATE items SET fields = {cast} "
                                     "WHERE entry_id = :e AND seq = :s"),
                             {"f": fields, "e": id_, "s": seq})
    if postgres:
        op.execute("ALTER TABLE entries ALTER COLUMN raw TYPE text USING ''")
    plain = _entries(sa.Text())
    conn.execute(sa.update(plain).where(plain.c.id == sa.bindparam("entry_id"))
                 .values(raw=sa.bindparam("text")), texts)
    op.execute("ALTER TABLE entries DROP COLUMN launch_tag")
