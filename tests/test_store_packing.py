"""Entry text stored packed (``kosmochron.store.packing``): it reads back as the same
text, takes about half the bytes, and a database from before packing (revision
0006, with its fields as JSON arrays) is converted both ways with every byte kept.
The database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

from db_support import SEED_BYTES, write_text
from kosmochron.store import Store
from kosmochron.store.packing import pack, unpack
from kosmochron.store.schema import entries

pytest_plugins = ["db_support"]

FIXTURES = Path(__file__).parent / "fixtures"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_packed_text_reads_back_the_same(text: str) -> None:
    assert unpack(pack(text)) == text
    assert unpack(memoryview(pack(text))) == text


def test_text_stored_before_packing_reads_as_it_is() -> None:
    assert unpack("1971 May 19 - . 16:22 GMT") == "1971 May 19 - . 16:22 GMT"
    with pytest.raises(ValueError, match="not packed"):
        unpack(b"plain bytes")


def test_an_entry_packs_to_about_half() -> None:
    text = (FIXTURES / "astronautix-saturn-v-page.txt").read_text(encoding="utf-8")
    entries_text = text.split("\n\n")
    assert sum(len(pack(t)) for t in entries_text) < 0.6 * len(text.encode())


def _raw_column(store: Store) -> list[bytes]:
    """The stored values as they are in the database (bytes for packed text)."""
    with store.engine.connect() as conn:
        values = conn.exec_driver_sql("SELECT raw FROM entries ORDER BY id").scalars()
        return [v.encode() if isinstance(v, str) else bytes(v) for v in values]


def test_stored_entries_are_packed(store: Store) -> None:
    stored = _raw_column(store)
    assert stored and all(v[:1] == b"\x01" for v in stored)
    with store.engine.connect() as conn:
        texts = list(conn.execute(sa.select(entries.c.raw).order_by(entries.c.id)).scalars())
    assert all(isinstance(t, str) and t[:4].isdigit() for t in texts)
    assert store.render_source() == SEED_BYTES


def _alembic(conn: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "kosmochron:migrations")
    config.attributes["connection"] = conn
    return config


def test_the_migration_converts_both_ways_and_keeps_every_byte(store: Store,
                                                                tmp_path: Path) -> None:
    saturn = FIXTURES / "astronautix-saturn-v-page.txt"
    store.ingest([saturn])
    before = {p: store.render_source(p) for p in (None, saturn)}
    with store.engine.begin() as conn:
        command.downgrade(_alembic(conn), "0006")
    with store.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT raw FROM entries ORDER BY id").scalars().first()
        fields = conn.exec_driver_sql("SELECT fields FROM items ORDER BY id").scalars().first()
    assert isinstance(raw, str) and raw.startswith("1960 October 10")
    listed = json.loads(fields) if isinstance(fields, str) else fields
    assert listed is not None and listed[0] == ["Payload", "1M s/n 1", 7, 36]
    with store.engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")
    assert {p: store.render_source(p) for p in (None, saturn)} == before
    assert all(v[:1] == b"\x01" for v in _raw_column(store))
    [again] = store.ingest([write_text(tmp_path / "small.txt", SEED_BYTES.decode()[:4000])])
    assert again.status == "added"
