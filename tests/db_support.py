"""Database fixtures and helpers for the store tests: every test runs on SQLite and PostgreSQL.

A store test module loads this file as a pytest plugin::

    pytest_plugins = ["db_support"]

and asks for ``db_url`` (an empty database, fresh for the test), ``store`` (a
fresh database opened with ``open_store``: migrated and seeded) or ``seeded``
(one seeded store shared by the tests that only read).  Each is parametrized
over both backends.

PostgreSQL is the real server on 127.0.0.1:5432 (user ``postgres``, trust
auth), which ``./dev test`` starts.  Each test module gets its own database
``kc_test_<random>``, created with psycopg in autocommit mode, cleaned before
every test and dropped (its connections terminated) at the end of the module:
``db_url`` drops and recreates its ``public`` schema, ``store`` deletes every
row and restarts the sequences (much faster than new DDL, same result).  An
unreachable server makes the PostgreSQL tests fail, never skip.

(PYTEST_DONT_REWRITE: test modules import the helpers before pytest loads the
plugin, and the helpers use no bare asserts.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from kosmochron.store import Store, open_store
from kosmochron.store.db import HEAD_REVISION
from kosmochron.store.schema import (
    ENTITY_TABLES,
    diagnostics,
    entries,
    events,
    gcat_links,
    gcat_payloads,
    items,
    source_texts,
    sources,
    transfer_cache,
)

BACKENDS = ("sqlite", "postgresql")
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
FIXTURES = Path(__file__).parent / "fixtures"
#: Rows of GCAT's psatcat.tsv for the seed's payloads, plus a few unrelated ones.
GCAT_SAMPLE = FIXTURES / "gcat-psatcat-sample.tsv"
SEED_BYTES = (resources.files("kosmochron") / "data" / "soviet-mars-chronology.txt").read_bytes()
SEED_TEXT = SEED_BYTES.decode("utf-8")
SEED_NAME = "soviet-mars-chronology.txt"
#: Rows copied from GCAT's files (tests/fixtures/gcat): the seed's launches among others.
GCAT_FIXTURES = FIXTURES / "gcat"
GCAT_FILES = [GCAT_FIXTURES / name for name in (
    "orbital-launches-sample.csv", "psatcat-sample.tsv", "sites-sample.tsv", "orgs-sample.tsv",
    "lv-sample.tsv")]
#: Launches in orbital-launches-sample.csv.
GCAT_SAMPLE_LAUNCHES = 52
#: What the bundled seed holds.
SEED_LAUNCHES, SEED_ITEMS = 21, 29


# -- PostgreSQL databases ------------------------------------------------------


def pg_admin(dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to the test server (fails loudly if it is down)."""
    try:
        return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname,
                               autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise RuntimeError(f"the PostgreSQL test server at {PG_HOST}:{PG_PORT} is not "
                           f"reachable (run the tests with ./dev test): {exc}") from exc


def pg_url(name: str) -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _terminate(conn: psycopg.Connection[tuple[object, ...]], name: str) -> None:
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


def create_pg_database() -> str:
    name = f"kc_test_{secrets.token_hex(6)}"
    with pg_admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_pg_database(name: str) -> None:
    with pg_admin() as conn:
        _terminate(conn, name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                     .format(sql.Identifier(name)))


def empty_pg_database(name: str) -> None:
    """Make ``name`` as empty as a new database: no tables, no sequences, no connections."""
    with pg_admin() as admin:
        _terminate(admin, name)
    with pg_admin(name) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


# -- fixtures --------------------------------------------------------------------


def clean_pg_database(name: str) -> None:
    """Delete every row of a migrated database and restart its sequences, so that it
    is what a freshly migrated one is; a database not at head is emptied instead."""
    with pg_admin(name) as conn:
        at_head = conn.execute(
            "SELECT to_regclass('alembic_version') IS NOT NULL").fetchone() == (True,) and \
            conn.execute("SELECT version_num FROM alembic_version").fetchall() \
            == [(HEAD_REVISION,)]
        if not at_head:
            empty_pg_database(name)
            return
        _terminate(conn, name)
        with conn.transaction():
            # Sources cascade to their texts, entries, items, events, diagnostics and
            # links; the transfer cache belongs to no source.
            for table in ("gcat_links", "gcat_payloads", "gcat_launches", "launch_links",
                          "gcat_files", "gcat_sites", "gcat_orgs", "gcat_vehicles", "settings",
                          "sources", "transfer_cache",
                          *sorted(t.name for t in ENTITY_TABLES.values())):
                conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            for (sequence,) in conn.execute(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = 'public'").fetchall():
                conn.execute(sql.SQL("ALTER SEQUENCE {} RESTART")
                             .format(sql.Identifier(str(sequence))))


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database under test; store tests run once per backend."""
    return str(request.param)


@pytest.fixture(scope="module")
def _pg_module_database(backend: str) -> Iterator[str | None]:
    """This module's PostgreSQL database for per-test use (None on SQLite)."""
    if backend != "postgresql":
        yield None
        return
    name = create_pg_database()
    try:
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture
def db_url(backend: str, _pg_module_database: str | None, tmp_path: Path) -> str:
    """An empty database of the backend under test, fresh for this test."""
    if _pg_module_database is None:
        return str(tmp_path / "kosmochron.sqlite3")
    empty_pg_database(_pg_module_database)
    return pg_url(_pg_module_database)


@pytest.fixture
def store(backend: str, _pg_module_database: str | None, tmp_path: Path) -> Iterator[Store]:
    """A fresh database opened with :func:`open_store`: migrated and seeded."""
    if _pg_module_database is None:
        url = str(tmp_path / "kosmochron.sqlite3")
    else:
        clean_pg_database(_pg_module_database)
        url = pg_url(_pg_module_database)
    with open_store(url) as opened:
        yield opened


@pytest.fixture(scope="module")
def seeded(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One seeded store per module and backend, for tests that only read."""
    name = None
    if backend == "postgresql":
        name = create_pg_database()
        url = pg_url(name)
    else:
        url = str(tmp_path_factory.mktemp("seeded") / "kosmochron.sqlite3")
    try:
        with open_store(url) as opened:
            yield opened
    finally:
        if name is not None:
            drop_pg_database(name)


# -- helpers ---------------------------------------------------------------------


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` exactly (no newline translation) and return ``path``."""
    path.write_bytes(text.encode(encoding))
    return path


def shifted_seed(repeats: int) -> str:
    """The seed's entries ``repeats`` times over, each copy's years shifted (a big file)."""
    title, _, body = SEED_TEXT.partition("\n")
    year = re.compile(r"^(\d{4}) ", re.MULTILINE)
    parts = [title + "\n"]
    for k in range(repeats):
        def shift(m: re.Match[str], by: int = k % 40) -> str:
            return f"{int(m.group(1)) + by} "

        parts.append(year.sub(shift, body))
    return "".join(parts)


TABLES: dict[str, sa.Table] = {
    "sources": sources, "source_texts": source_texts, "entries": entries, "items": items,
    "diagnostics": diagnostics, "gcat_payloads": gcat_payloads,
    "gcat_links": gcat_links, "events": events, "transfer_cache": transfer_cache,
    **{t.name: t for t in ENTITY_TABLES.values()},
}


def row_counts(store: Store) -> dict[str, int]:
    """Rows in every table of the schema (the full-text index aside)."""
    with store.engine.connect() as conn:
        return {name: int(conn.execute(sa.select(sa.func.count()).select_from(table))
                          .scalar_one())
                for name, table in TABLES.items()}


def search_index_rows(store: Store) -> int:
    """Documents in the dialect's full-text index."""
    table = "item_search" if store.dialect == "postgresql" else "item_fts_docsize"
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def orphans(store: Store) -> dict[str, int]:
    """Rows whose parent is gone (each must be 0 whatever happened before)."""
    checks = {
        "entries": ("entries", "source_id", "sources"),
        "source_texts": ("source_texts", "source_id", "sources"),
        "items": ("items", "entry_id", "entries"),
        "diagnostics": ("diagnostics", "source_id", "sources"),
        "diagnostic entries": ("diagnostics", "entry_id", "entries"),
        "gcat_links": ("gcat_links", "item_id", "items"),
        "events": ("events", "item_id", "items"),
    }
    found = {}
    with store.engine.connect() as conn:
        for label, (child, column, parent) in checks.items():
            found[label] = int(conn.exec_driver_sql(
                f"SELECT count(*) FROM {child} WHERE {column} IS NOT NULL "
                f"AND {column} NOT IN (SELECT id FROM {parent})").scalar_one())
    return found


def no_orphans(store: Store) -> bool:
    return not any(orphans(store).values())
