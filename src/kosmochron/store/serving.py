"""What a long-running server keeps between requests, and how it knows it is still right.

A server answers the same questions many times over data that changes only when
someone ingests.  :class:`ServingCache` keeps answers keyed by the *data version*
(:func:`kosmochron.store.browse.version`), so an ingest makes every old answer
unreachable at once, and keeps:

* counts, facets and statistics of a filter (small);
* whole search rankings (ids and ranks in arrays), so that paging through the hits
  of a query ranks them once, and likewise each listed filter's ids in order;
* each listed launch serialised in the JSON contract, keyed by its stored text
  itself (self-validating: the same text, source and line always give the same
  JSON), so a page that lists it again only splices bytes.

Every cache is bounded; values are mostly bytes and arrays, which the garbage
collector never walks (a cache of parsed entries 4x this size doubled the p99
latency of the lists that missed it through longer full collections).

The data version costs a query; :class:`SqliteChangeWatch` answers "has anything
been committed since?" from SQLite's ``PRAGMA data_version`` on a connection of
its own, in microseconds, so the query runs only after a commit.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from ..export import entry_text
from .query import reparse

T = TypeVar("T")


class SqliteChangeWatch:
    """Whether an SQLite database file has had a commit from any connection since the
    last look: ``PRAGMA data_version`` changes when another connection commits."""

    def __init__(self, path: str) -> None:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def token(self) -> int:
        with self._lock:
            row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @classmethod
    def for_engine(cls, engine: Engine) -> SqliteChangeWatch | None:
        """A watch on the engine's database file; None for PostgreSQL and in-memory SQLite."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:" \
                or database.startswith("file:"):
            return None
        try:
            return cls(database)
        except sqlite3.Error:
            return None


class _Lru:
    """A least-recently-used map bounded by a number of entries, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def has(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)


_MISSING = object()


class ServingCache:
    """Answers kept for a server (see the module's documentation)."""

    #: Answers (counts, facets, statistics): each a few hundred bytes to a few KB.
    ANSWERS = 2048
    #: Search rankings: 16 bytes a hit; a word in every payload of the 100,000-launch
    #: corpus is 2.2 MB.
    RANKINGS = 32
    #: A filter's entry ids in one order: 8 bytes an entry (0.8 MB for 100,000).
    ORDERS = 64
    #: Launches as JSON (:class:`~kosmochron.store.LaunchJSON`): about 3 KB each, keyed by
    #: data version and entry id, so a page already seen asks the database nothing.
    #: Fewer than a big filter's matches on purpose: walking every page of such a list
    #: measures the uncached path, not this cache.
    LAUNCHES = 4096

    def __init__(self) -> None:
        self.answers = _Lru(self.ANSWERS)
        self.rankings = _Lru(self.RANKINGS)
        self.orders = _Lru(self.ORDERS)
        self.launches = _Lru(self.LAUNCHES)

    def remember(self, cache: _Lru, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept answer for ``key`` (which must include the data version), computed
        and kept on a miss.  Two threads missing at once both compute: answers are
        deterministic, and waiting on each other would cost more than it saves."""
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.put(key, value)
        return value  # type: ignore[no-any-return]


def entry_bytes(raw: str, source: str, line: int) -> bytes:
    """Stored text to its entry in the JSON contract, as UTF-8 JSON (written straight
    from the model, :func:`~kosmochron.export.entry_text`: the same JSON as
    ``entry_json`` without building its dicts)."""
    return entry_text(reparse(raw, source, line)).encode()
