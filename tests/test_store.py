"""The store as a whole: opening, seeding, migrations, rendering sources back, entities
and the notebook tables.  Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from db_support import (
    GCAT_FILES,
    SEED_BYTES,
    SEED_ITEMS,
    SEED_LAUNCHES,
    SEED_NAME,
    SEED_TEXT,
    row_counts,
    write_text,
)
from kosmochron.store import QueryError, Settings, Store, StoreError, open_store
from kosmochron.store.db import HEAD_REVISION, current_revision, make_engine
from kosmochron.store.schema import metadata

pytest_plugins = ["db_support"]

#: Tables the schema module defines (the full-text index comes on top, per dialect).
SCHEMA_TABLES = set(metadata.tables)


def table_names(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


# -- opening ---------------------------------------------------------------------


def test_open_store_creates_migrates_and_seeds_an_empty_database(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.dialect == ("postgresql" if "://" in db_url else "sqlite")
        assert SCHEMA_TABLES | {"alembic_version"} <= table_names(store)
        assert current_revision(store.engine) == HEAD_REVISION
        assert not store.is_empty()
        [source] = store.sources()
        assert source["path"] == SEED_NAME
        assert source["title"] == "Soviet Mars Chronology"
        assert (source["entry_count"], source["launch_count"], source["item_count"],
                source["error_count"]) == (21, SEED_LAUNCHES, SEED_ITEMS, 0)
        assert source["size_bytes"] == len(SEED_BYTES)
        assert source["encoding"] == "utf-8" and source["bom"] is False
        assert store.count() == SEED_LAUNCHES
        assert store.count(kind=None) == 21
        assert store.count(kind="event") == 0
        counts = row_counts(store)
        assert counts["entries"] == 21 and counts["items"] == SEED_ITEMS
        assert counts["diagnostics"] == 0 and counts["gcat_payloads"] == 0


def test_reopening_neither_migrates_nor_seeds_again(db_url: str) -> None:
    with open_store(db_url) as store:
        before = row_counts(store)
        [source] = store.sources()
    with open_store(db_url) as again:
        assert row_counts(again) == before
        assert again.sources() == [source]


def test_open_store_can_leave_a_new_database_empty(db_url: str) -> None:
    with open_store(db_url, seed_if_empty=False) as store:
        assert store.is_empty()
        assert table_names(store) >= SCHEMA_TABLES
        assert store.count() == 0 and store.launches() == []
        assert store.sources() == []
        assert store.stats("family") == []
        assert store.search("Mars") == []
    with open_store(db_url) as store:  # the next default open seeds it
        assert store.count() == SEED_LAUNCHES


def test_the_database_comes_from_the_environment(db_url: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOSMOCHRON_DB", db_url)
    settings = Settings.from_env()
    assert settings.dialect == ("postgresql" if "://" in db_url else "sqlite")
    with open_store() as store:
        assert store.settings == settings
        assert store.count() == SEED_LAUNCHES


def test_settings_normalize_paths_and_urls(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "db.sqlite3"
    assert Settings.from_env(str(path)).url == f"sqlite:///{path}"
    assert Settings.from_env("postgres://u@h/db").url == "postgresql+psycopg://u@h/db"
    assert Settings.from_env("postgresql://u@h/db").dialect == "postgresql"
    assert Settings.from_env("sqlite:///x.db", seed_if_empty=False).seed_if_empty is False


def test_an_unsupported_database_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="unsupported database"):
        make_engine(Settings("mysql://u@h/db"))


def test_an_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store("postgresql://postgres@127.0.0.1:9/nowhere")


def test_the_sqlite_file_and_its_directory_are_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "kc.sqlite3"
    with open_store(str(path)) as store:
        assert store.count() == SEED_LAUNCHES
    assert path.is_file()


# -- migrations ------------------------------------------------------------------


def alembic_config(conn: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "kosmochron:migrations")
    config.attributes["connection"] = conn
    return config


def test_the_migration_applies_to_a_fresh_database_and_matches_the_schema(db_url: str) -> None:
    engine = make_engine(Settings.from_env(db_url))
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert current_revision(engine) == HEAD_REVISION
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
        search_table = "item_search" if engine.dialect.name == "postgresql" else "item_fts"
        assert SCHEMA_TABLES | {"alembic_version", search_table} <= tables

        def outside_search(diff: object) -> bool:
            # The full-text index lives only in the migration, not in schema.py.
            text = repr(diff)
            return "item_fts" not in text and "item_search" not in text

        assert [d for d in differences if outside_search(d)] == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_to_head_again(db_url: str) -> None:
    with open_store(db_url) as store:
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert table_names(store) == {"alembic_version"}
        assert current_revision(store.engine) is None
        with store.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert table_names(store) >= SCHEMA_TABLES
        assert current_revision(store.engine) == HEAD_REVISION
        assert store.is_empty()
    with open_store(db_url) as reopened:  # seeded again, and the search index works
        assert reopened.count() == SEED_LAUNCHES
        assert [h.name for h in reopened.search("Spectrum")] == ["Mars 3"]


def test_the_launching_agency_migration_fills_gcats_launches(db_url: str) -> None:
    """0009: ``entries.agency_id`` is filled from GCAT's typed launch rows, as an ingest
    of the chronology written from them fills it (issue 17)."""
    def agencies_of(store: Store) -> dict[int, str | None]:
        with store.engine.connect() as conn:
            return dict(conn.exec_driver_sql(
                "SELECT e.id, a.name FROM entries e LEFT JOIN agencies a "
                "ON a.id = e.agency_id").all())

    with open_store(db_url) as store:
        store.import_gcat_files(GCAT_FILES)
        ingested = agencies_of(store)
        assert ingested and {v for v in ingested.values() if v} >= {"RVSN", "ABMA"}
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0008")
            conn.exec_driver_sql("DELETE FROM agencies WHERE name = 'ABMA'")  # only GCAT
            command.upgrade(alembic_config(conn), "head")
        assert agencies_of(store) == ingested


# -- rendering sources back ------------------------------------------------------


def test_render_source_gives_back_the_seed_byte_for_byte(store: Store) -> None:
    assert store.render_source() == SEED_BYTES
    assert store.render_source(None) == SEED_BYTES
    assert store.render_source(SEED_NAME) == SEED_BYTES


def test_render_source_keeps_bom_crlf_and_encoding(store: Store, tmp_path: Path) -> None:
    crlf = write_text(tmp_path / "crlf.txt", "\ufeff" + SEED_TEXT.replace("\n", "\r\n"))
    latin = write_text(tmp_path / "latin.txt",
                       SEED_TEXT.replace("Mars 1 - .", "Mars 1 (Märs) - ."), "latin-1")
    [crlf_result] = store.ingest([crlf])
    [latin_result] = store.ingest([latin], encoding="latin-1")
    assert crlf_result.launches == latin_result.launches == SEED_LAUNCHES
    assert store.render_source(crlf) == crlf.read_bytes()
    assert store.render_source(str(crlf)) == crlf.read_bytes()
    assert store.render_source(latin) == latin.read_bytes()
    by_path = {s["path"]: s for s in store.sources()}
    assert by_path[str(crlf.resolve())]["bom"] is True
    assert by_path[str(latin.resolve())]["encoding"] == "iso8859-1"
    assert [e.entry.items[0].name for e in store.launches(source=str(latin.resolve()),
                                                          date_from="1962-11-01",
                                                          date_to="1962-11-01")] \
        == ["Mars 1 (Märs)"]


def test_render_source_of_an_unknown_source_names_the_stored_ones(store: Store) -> None:
    with pytest.raises(QueryError, match=f"no stored source 'nowhere.txt'; stored: {SEED_NAME}"):
        store.render_source("nowhere.txt")


# -- entities and notebook tables ------------------------------------------------


def test_entities_list_names_and_slugs(seeded: Store) -> None:
    def names(kind: str) -> list[str]:
        return [e["name"] for e in seeded.entities(kind)]

    assert [(e["name"], e["slug"]) for e in seeded.entities("family")] \
        == [("Proton", "proton"), ("R-7", "r-7")]
    assert names("site") == ["Baikonur"]
    assert names("complex") == ["Baikonur LC1", "Baikonur LC200/39", "Baikonur LC200/40",
                                "Baikonur LC81/23", "Baikonur LC81/24"]
    assert [e["slug"] for e in seeded.entities("complex")][-2:] \
        == ["baikonur-lc81-23", "baikonur-lc81-24"]
    assert names("vehicle") == ["Molniya 8K78", "Molniya 8K78M", "Proton-K/D", "Proton-K/D-2"]
    assert len(names("configuration")) == 19
    assert names("program") == ["Mars"]
    assert names("agency") == ["Korolev", "MOM", "RVSN", "UNKS", "VKS"]
    assert names("nation") == ["Russia", "USSR"]
    assert names("type") == ["Mars probe", "Venus probe"]
    for kind in ("site", "family", "program", "agency", "nation", "type"):
        rows = seeded.entities(kind)
        assert len({r["id"] for r in rows}) == len({r["slug"] for r in rows}) == len(rows)


def test_entities_of_an_unknown_kind_is_a_query_error(seeded: Store) -> None:
    with pytest.raises(QueryError, match="bad entity kind 'planet'"):
        seeded.entities("planet")


def test_launch_list_as_pandas_and_polars(seeded: Store) -> None:
    launches = seeded.launches()
    records = launches.records()
    assert len(records) == SEED_LAUNCHES
    columns = list(records[0])
    assert {"id", "source", "date", "date_precision", "date_start", "date_end",
            "payloads"} <= set(columns)
    frame = launches.to_pandas()
    assert frame.shape == (SEED_LAUNCHES, len(columns))
    assert list(frame.columns) == columns
    assert list(frame["id"]) == [s.id for s in launches]
    assert frame["date"].iloc[0] == "1960 October 10"
    assert frame["payloads"].iloc[-1] == "Mars-96 (Mars 8); MAS 2; Penetrator 1; " \
                                         "Penetrator 2; MAS 1"
    polars = launches.to_polars()
    assert polars.shape == (SEED_LAUNCHES, len(columns))
    assert polars.columns == columns
    assert polars["date"].to_list() == list(frame["date"])

    proton_failures = seeded.launches(family="Proton", outcome="failure")
    assert proton_failures.to_pandas().shape == (4, len(columns))
    assert proton_failures.to_polars().shape == (4, len(columns))
    assert [e.date.text for e in proton_failures.entries] == [
        "1969 March 27", "1969 April 2", "1971 May 10", "1996 November 16"]
