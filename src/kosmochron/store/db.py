"""Settings, engines and migrations: one store for SQLite and PostgreSQL.

The store is built from :class:`Settings` by :func:`open_store`, never at
import time.  Opening runs the Alembic migrations up to head, and a database
with no sources is filled from the bundled seed, so every command works on a
fresh machine with no prior ``ingest``.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .budget import install
from .errors import QueryError as QueryError
from .errors import StoreError as StoreError

#: The newest migration; opening skips Alembic entirely when the database is at it.
HEAD_REVISION = "0009"
ENV_VAR = "KOSMOCHRON_DB"
GCAT_VAR = "KOSMOCHRON_BUNDLED_GCAT"

#: How long an SQLite statement waits for a lock another connection holds (ms).
BUSY_TIMEOUT_MS = 30_000


def application_name() -> str:
    """How our connections introduce themselves to PostgreSQL (``pg_stat_activity``), so
    that a writer waiting for another can say who that is."""
    command = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if command == "kosmochron" and len(sys.argv) > 1:
        command += f" {sys.argv[1]}"
    return f"kosmochron: {command} (pid {os.getpid()} on {socket.gethostname()})"[:63]


def default_sqlite_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("kosmochron")) / "kosmochron.sqlite3"


def normalize_url(db: str) -> str:
    """A SQLAlchemy URL from ``--db``: a URL, or a path to an SQLite file."""
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser().resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if db.startswith(plain):
            return "postgresql+psycopg://" + db[len(plain):]
    return db


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the database is: ``--db``, else ``$KOSMOCHRON_DB``, else the user data dir."""

    url: str
    #: Fill an empty database from the bundled seed on first use.
    seed_if_empty: bool = True
    #: Load the bundled GCAT files when no GCAT launch list is stored: the default
    #: database's data is the seed and GCAT (``$KOSMOCHRON_BUNDLED_GCAT=0`` declines,
    #: ``=1`` asks for it in any database).
    bundled_gcat: bool = False
    #: The longest any one statement may run, in seconds (None: no limit); a server
    #: sets it, and bounds each request's statements as well (:mod:`.budget`).
    statement_timeout: float | None = None

    @classmethod
    def from_env(cls, db: str | None = None, *, seed_if_empty: bool = True) -> Settings:
        chosen = db or os.environ.get(ENV_VAR)
        wanted = os.environ.get(GCAT_VAR)
        bundled = chosen is None if wanted is None else wanted not in ("", "0", "no")
        url = normalize_url(chosen or str(default_sqlite_path()))
        return cls(url, seed_if_empty, seed_if_empty and bundled)

    @property
    def dialect(self) -> str:
        return sa.engine.make_url(self.url).get_backend_name()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin
    # (the recipe from SQLAlchemy's pysqlite notes), so one ingest is one
    # transaction; enforce foreign keys; WAL lets readers work during an ingest.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # 16 KB pages for a new file (no effect on an existing one): an entry's row with its
    # text is a kilobyte or more, and 4 KB pages left a quarter of each page unused.
    cursor.execute("PRAGMA page_size = 16384")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA cache_size = -65536")
    # Read pages through a memory map rather than a read() per page: a filtered list
    # visits thousands of rows spread over the file, 3x faster mapped (SQLite caps it at
    # its compile-time maximum; writes still go through the normal path).
    cursor.execute("PRAGMA mmap_size = 1073741824")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(settings: Settings) -> Engine:
    url = sa.engine.make_url(settings.url)
    timeout = settings.statement_timeout
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    elif url.get_backend_name() == "postgresql":
        connect: dict[str, Any] = {"application_name": application_name()}
        if timeout is not None:
            connect["options"] = f"-c statement_timeout={max(1, round(timeout * 1000))}"
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect)
    else:
        raise StoreError(f"unsupported database {settings.url!r}: use an SQLite path or "
                         "postgresql+psycopg://USER@HOST/DB")
    install(engine, timeout)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def migrate(engine: Engine) -> None:
    """Bring the schema to head with Alembic (skipped when it is already there)."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kosmochron:migrations")
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Two processes opening a fresh database at once must not both migrate.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4589)")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")



class BulkWriter:
    """Batched inserts with the driver's fast path: executemany or COPY."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def insert(self, table: sa.Table, columns: Sequence[str],
               rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        raw = self.conn.connection.driver_connection
        assert raw is not None
        names = ", ".join(f'"{c}"' for c in columns)
        if self.dialect == "postgresql":
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.cursor().executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        rows.clear()
