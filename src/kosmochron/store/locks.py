"""The writer's lock: one ingest at a time, waited for with a message, and who holds it.

A second writer (an ``ingest`` while another runs) waits for the first, saying so
once, and after ``wait`` seconds gives up with a :class:`StoreError` (status 2 at
the command line) that names the process holding the lock:

* PostgreSQL: writers take the advisory lock :data:`INGEST_LOCK` in their
  transaction; ``pg_locks`` and ``pg_stat_activity`` say which backend holds it,
  for which client (every connection of ours is named ``kosmochron <command> (pid
  N on HOST)``), since when and doing what.
* SQLite: a writer holds the WAL write lock (``BEGIN IMMEDIATE``).  SQLite does
  not say who; on Linux ``/proc/locks`` does: the process with a write lock on the
  ``-shm`` file's write-lock byte (or on the database's reserved byte).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .db import BUSY_TIMEOUT_MS, StoreError

#: The advisory lock every PostgreSQL writer holds for its transaction.
INGEST_LOCK = 4590
#: How long a writer waits for another by default (seconds).
DEFAULT_WAIT = 30.0
#: Where SQLite's unix VFS locks: the WAL write lock is byte 120 of the ``-shm`` file;
#: in rollback-journal mode the reserved byte follows the pending byte (2^30).
_SHM_WRITE_BYTE = 120
_RESERVED_BYTE = 0x40000000 + 1

Waiting = Callable[[str], None]


def is_locked(exc: BaseException) -> bool:
    """Whether a database error says another writer holds the lock."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database table is locked" in text


def take(conn: Connection, wait: float = DEFAULT_WAIT, waiting: Waiting | None = None) -> None:
    """Take the writer's lock for ``conn``'s transaction, waiting up to ``wait`` seconds
    for another writer (``waiting`` is told once, with who holds it); StoreError if
    it is still held then."""
    deadline = time.monotonic() + wait
    said = False
    while not _try(conn):
        holder = holder_of(conn)
        if not said and waiting is not None:
            waiting(f"the database is locked by {holder}; waiting up to {wait:g} s for it")
            said = True
        if time.monotonic() >= deadline:
            raise StoreError(f"the database is locked by {holder}: gave up after waiting "
                             f"{wait:g} s; try again when it has finished")
        time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))


def _try(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        return bool(conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:key)"),
                                 {"key": INGEST_LOCK}).scalar_one())
    raw = conn.connection.driver_connection
    assert raw is not None
    # Restart the transaction as one that holds the write lock from its first statement,
    # failing at once rather than after the busy timeout (and with no stale read
    # snapshot, which a retried plain BEGIN could keep).
    raw.execute("PRAGMA busy_timeout = 100")
    try:
        raw.execute("ROLLBACK")
        raw.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if not is_locked(exc):
            raise
        raw.execute("BEGIN")  # the caller's transaction goes on, not yet writing
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def holder_of(conn: Connection) -> str:
    """Who holds the writer's lock, as well as the database can tell."""
    if conn.dialect.name == "postgresql":
        return _pg_holder(conn)
    database = conn.engine.url.database
    return _sqlite_holder(Path(database)) if database else "another connection"


def _pg_holder(conn: Connection) -> str:
    rows = conn.execute(sa.text(
        "SELECT a.pid, a.application_name, a.client_addr, a.usename, a.xact_start, a.state "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = :key AND l.granted "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"key": INGEST_LOCK}).all()
    if not rows:
        return "another writer (it has just finished, or PostgreSQL does not show it)"
    pid, name, addr, user, since, state = rows[0]
    where = f" from {addr}" if addr else ""
    started = f", since {since:%Y-%m-%d %H:%M:%S %Z}".rstrip() if since else ""
    return (f"PostgreSQL backend {pid} ({name or 'unnamed client'}, user {user}{where}"
            f"{started}, {state})")


def _sqlite_holder(database: Path) -> str:
    """The process with SQLite's write lock on ``database``, from ``/proc/locks``."""
    inodes: dict[int, str] = {}
    for suffix in ("", "-shm"):
        try:
            inodes[os.stat(f"{database}{suffix}").st_ino] = suffix
        except OSError:
            continue
    writers: list[int] = []
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) < 8 or parts[1] == "->":  # a waiter, not a holder
            continue
        kind, access, pid, device = parts[1], parts[3], parts[4], parts[5]
        inode = int(device.rsplit(":", 1)[-1])
        if inode not in inodes or access != "WRITE" or not pid.lstrip("-").isdigit():
            continue
        start, end = parts[6], parts[7]
        byte = _SHM_WRITE_BYTE if inodes[inode] == "-shm" else _RESERVED_BYTE
        covers = int(start) <= byte and (end == "EOF" or byte <= int(end))
        if covers and kind == "POSIX":
            writers.append(int(pid))
    if not writers:
        return "another process (SQLite does not say which)"
    holder = writers[0]
    if holder == os.getpid():
        return f"another connection of this process ({holder})"
    try:
        argv = Path(f"/proc/{holder}/cmdline").read_bytes().split(b"\0")
        command = " ".join(" ".join(a.decode("utf-8", "replace").split()) for a in argv if a)
    except OSError:
        command = ""
    return f"process {holder}" + (f" ({command[:200]})" if command else "")
