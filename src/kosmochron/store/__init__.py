"""The database store: one class over SQLite and PostgreSQL.

    >>> import kosmochron as kc
    >>> db = kc.open("/tmp/kosmochron-doctest.sqlite3")   # created and seeded on first use
    >>> [e.entry.date.text for e in db.launches(family="Proton", outcome="failure")][:2]
    ['1969 March 27', '1969 April 2']
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import itertools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..model import Entry
from ..stats import LearningStep
from . import browse, locks, merge, query, search, statistics
from .browse import FACETS
from .crosswalk import GCAT_CITATION, GcatError
from .db import ENV_VAR, Settings, StoreError, make_engine, migrate
from .ingest import IngestResult, Progress, ingest, source_identity
from .query import (
    INT_MAX,
    ORDERINGS,
    STAT_DIMENSIONS,
    LaunchDetail,
    LaunchFilter,
    QueryError,
    StatRow,
    StoredEntry,
    UnknownValue,
)
from .schema import ENTITY_TABLES, sources
from .search import SearchHit, TooManyTerms
from .statistics import CADENCE_GROUPS, CadenceCell, FailureCount, SitePoint, StreakRow

if TYPE_CHECKING:
    from ..events import Event
    from ..validate import Finding, GcatLookup
    from .gcat_import import GcatImportResult, ImportProgress
    from .lookup import EntityMatch, Match
    from .report import Report
    from .search import Ranking
    from .serving import ServingCache, SqliteChangeWatch
    from .transfer_cache import Told
    from .twins import Account

__all__ = ["CADENCE_GROUPS", "ENTITY_TABLES", "ENV_VAR", "FACETS", "GCAT_CITATION", "INT_MAX",
           "ORDERINGS", "STAT_DIMENSIONS", "GcatError", "IngestResult", "LaunchDetail",
           "LaunchFilter", "LaunchJSON", "LaunchList", "QueryError", "SearchHit", "Settings",
           "StatRow", "Store", "StoreError", "StoredEntry", "StreakRow", "TooManyTerms",
           "UnknownValue", "open_store"]


T = TypeVar("T")


@dataclass(slots=True)
class LaunchJSON:
    """A stored entry as :meth:`Store.launches_json` gives it: ids, and the entry in the
    JSON contract as compact UTF-8 bytes."""

    id: int
    source: str
    item_ids: list[int]
    body: bytes


class LaunchList(list[StoredEntry]):
    """Launches from a query, with table conversions for notebooks."""

    @property
    def entries(self) -> list[Entry]:
        return [s.entry for s in self]

    def records(self) -> list[dict[str, Any]]:
        from ..export import entry_json

        rows = []
        for s in self:
            row = entry_json(s.entry)
            rows.append({"id": s.id, "source": s.source,
                         **{k: v for k, v in row.items() if k not in ("fields", "items", "date")},
                         "date": row["date"]["text"], "date_precision": row["date"]["precision"],
                         "date_start": row["date"]["start"], "date_end": row["date"]["end"],
                         "payloads": "; ".join(i.name for i in s.entry.items)})
        return rows

    def to_pandas(self) -> Any:
        import pandas as pd

        return pd.DataFrame.from_records(self.records())

    def to_polars(self) -> Any:
        import polars as pl

        return pl.from_dicts(self.records(), infer_schema_length=None)


class Store:
    """Ingest, query, search and statistics over one database.

    Build it with :func:`open_store` (or :meth:`from_settings`); every method
    opens its own short connection, and writes are one transaction each.
    """

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        #: The whole chronology's findings, checked once per data version (built on
        #: first use: the validation rules are not imported by commands without them).
        self._report: Report | None = None
        self._report_lock = threading.Lock()
        self._parse: query.Parse = query.reparse
        #: What a server keeps between requests (:meth:`serve`); None elsewhere.
        self._cache: ServingCache | None = None
        self._watch: SqliteChangeWatch | None = None
        #: (change token, data version) of the last version computed under a watch.
        self._version: tuple[int, str] | None = None

    def serve(self) -> None:
        """Prepare for serving many readers: keep parsed entries (:meth:`share_entries`),
        answers per data version and launches as JSON (:mod:`.serving`), and learn of
        commits from SQLite itself rather than asking for the data version every time."""
        from .serving import ServingCache, SqliteChangeWatch  # not needed by commands

        self.share_entries()
        self._cache = ServingCache()
        self._watch = SqliteChangeWatch.for_engine(self.engine)

    def _remember(self, kind: str, key: Hashable, ask: Callable[[Connection], T]) -> T:
        """``ask`` on a connection of its own, or its kept answer while the data has not
        changed (serving)."""

        def run() -> T:
            with self.engine.connect() as conn:
                return ask(conn)

        if self._cache is None:
            return run()
        return self._cache.remember(self._cache.answers, (self.version(), kind, key),
                                    lambda: self._with_kept_text(run))

    def _with_kept_text(self, compute: Callable[[], T]) -> T:
        """``compute`` with the entry ids of text filters kept per data version
        (:data:`.query.KEPT_TEXT_IDS`)."""
        token = query.KEPT_TEXT_IDS.set(self._text_ids)
        try:
            return compute()
        finally:
            query.KEPT_TEXT_IDS.reset(token)

    def _text_ids(self, conn: Connection, text: str, own: bool) -> Sequence[int]:
        assert self._cache is not None
        return self._cache.remember(self._cache.answers,
                                    (self.version(), "text-ids", text, own),
                                    lambda: query.text_entry_ids(conn, text, own))

    def share_entries(self, size: int = 512) -> None:
        """Hand out the same entry objects for the last ``size`` launches listed, rather
        than parse their stored text on every list: a server, whose readers never change
        an entry, answers a page again 1.5x faster.  The cache is keyed by the parser's
        whole input (text, source, first line), so it is always right and needs no
        clearing; a caller that changes the entries it gets must not use it.  Small on
        purpose: 2048 entries (16 MB of objects) made the garbage collector's full
        passes long enough to double the p99 latency of lists that miss it."""
        self._parse = functools.lru_cache(maxsize=size)(query.reparse)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        engine = make_engine(settings)
        try:
            migrate(engine)
        except sa.exc.OperationalError as exc:
            engine.dispose()
            raise StoreError(f"cannot open the database {settings.url}: {exc.orig}") from None
        store = cls(engine, settings)
        if settings.seed_if_empty and store.is_empty():
            store.ingest([None])
        if settings.bundled_gcat and not store.has_gcat():
            from .gcat_import import bundled_files

            store.import_gcat_files(bundled_files())
        return store

    def has_gcat(self) -> bool:
        """Whether a GCAT launch list is stored."""
        from .schema import gcat_files

        with self.engine.connect() as conn:
            return conn.execute(sa.select(gcat_files.c.kind)
                                .where(gcat_files.c.kind == "launch")).first() is not None

    def close(self) -> None:
        if self._report is not None:
            self._report.close()  # a check in progress stops with its processes
        if self._watch is not None:
            self._watch.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sources.c.id).limit(1)).first() is None

    # -- writing -------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path | None], encoding: str = "utf-8",
               progress: Progress | None = None, *, wait: float = locks.DEFAULT_WAIT,
               waiting: locks.Waiting | None = None) -> list[IngestResult]:
        """Ingest each file in its own transaction (None is the bundled seed).  Another
        writer is waited for up to ``wait`` seconds (``waiting`` is told who it is)."""
        results = []
        for path in paths:
            with self.engine.begin() as conn:
                locks.take(conn, wait, waiting)
                results.append(ingest(conn, path, encoding, progress))
        return results

    def import_gcat(self, path: str | Path) -> int:
        """Import one GCAT file; returns its rows (see :meth:`import_gcat_files`)."""
        return self.import_gcat_files([path])[0].rows

    def import_gcat_files(self, paths: Iterable[str | Path | Any],
                          progress: ImportProgress | None = None) -> list[GcatImportResult]:
        """Import GCAT files (any of the launch list, psatcat, satcat, sites, orgs, lv, each
        recognised by its header) in one transaction: unchanged files are skipped, a new
        file of a kind replaces the old; GCAT's launches then become the source ``gcat``,
        linked to the launches of the other sources (:mod:`.gcat_import`, :mod:`.merge`)."""
        from .gcat_import import import_files

        with self.engine.begin() as conn:
            return import_files(conn, paths, progress)

    def reconcile(self, source: str | None = None) -> dict[str, Any]:
        """The reconciliation report (:mod:`.reconciliation`): every launch two sources
        tell with each field's values and verdict, and what one source lacks."""
        from . import reconciliation

        return self._remember("reconcile", source,
                              lambda conn: reconciliation.report(conn, source))

    def launch_sources(self, entry_id: int) -> dict[str, Any]:
        """The sources of one launch: each entry that tells it (its source, whether it
        counts, how it was matched) and the field-by-field comparison."""
        from . import reconciliation

        with self.engine.connect() as conn:
            told = merge.siblings(conn, entry_id)
            pairs = reconciliation.matched(conn, entry_id=entry_id) if len(told) > 1 else []
            return {"prefer": merge.prefer(conn), "sources": told, "comparisons": pairs}

    def render_selection(self, filter: LaunchFilter) -> Iterator[str]:
        """The selected launches as one chronology in Encyclopedia Astronautica's format:
        an entry with a chronology source of its own gives that source's text, a GCAT
        launch the text written for it; ``parse`` reads it back to the same facts."""
        with self.engine.connect() as conn:
            yield from merge.selection_text(conn, query.ordered_ids(conn, filter))

    def prefer(self) -> str:
        """Which source counts for a launch two sources tell: ``gcat`` or ``astronautix``."""
        with self.engine.connect() as conn:
            return merge.prefer(conn)

    def set_prefer(self, value: str) -> None:
        with self.engine.begin() as conn:
            merge.set_prefer(conn, value)

    def remove_source(self, path: str | Path | None) -> bool:
        """Delete a stored source (``gcat`` is GCAT's launch list, which goes with it)."""
        from .ingest import delete_source
        from .schema import gcat_files, gcat_launches

        identity = merge.GCAT_SOURCE if path == merge.GCAT_SOURCE else source_identity(path)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(sources.c.id).where(sources.c.path == identity)).first()
            if row is None:
                return False
            delete_source(conn, row.id)
            if identity == merge.GCAT_SOURCE:
                conn.execute(sa.delete(gcat_launches))
                conn.execute(sa.delete(gcat_files).where(gcat_files.c.kind == "launch"))
            return True

    # -- reading -------------------------------------------------------------

    def sources(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(sources).order_by(sources.c.id))
            return [dict(r._mapping) for r in rows]

    def launches(self, filter: LaunchFilter | None = None, *, order: str = "date",
                 limit: int | None = None, offset: int = 0, **options: Any) -> LaunchList:
        """Launches matching ``filter`` or keyword options (``family="Proton"``,
        ``outcome="failure"``, ``date_from="1971"`` …), as model entries."""
        f = filter or LaunchFilter.from_options(**options)
        with self.engine.connect() as conn:
            rows = self._launch_rows(conn, f, order, limit, offset)
            return LaunchList(query.stored_entries(conn, rows, self._parse))

    def launch_texts(self, filter: LaunchFilter, *, order: str = "date", limit: int = 100,
                     offset: int = 0) -> list[str]:
        """The stored text of a page of matching entries, in order: what rendering their
        model gives (byte for byte), without parsing them."""
        with self.engine.connect() as conn:
            return [raw for _, _, _, raw in self._launch_rows(conn, filter, order, limit,
                                                             offset)]

    def _launch_rows(self, conn: Connection, f: LaunchFilter, order: str, limit: int | None,
                     offset: int) -> list[tuple[int, str, int, str]]:
        """One page of matching entries' rows.  Serving, the filter's whole order is kept
        and a page is a slice of it: the database sorts every match for any page (19,047
        Proton failures: 13 ms a page), so paging through a big list would sort it again
        for every page."""
        if self._cache is None or limit is None:
            return query.launch_rows(conn, f, order, limit, offset)
        return query.rows_by_id(conn, self._page(conn, f, order, limit, offset))

    def _page(self, conn: Connection, f: LaunchFilter, order: str, limit: int,
              offset: int) -> Sequence[int]:
        """The ids of one page in ``order``, serving: a slice of the filter's whole order,
        kept; but a list's first page, while that order is not kept yet, is asked (and
        kept) alone: the first 50 of 100,000 launches by date take 7 ms, their whole order
        150 ms, which a first view need not wait for.  The second page keeps the order."""
        assert self._cache is not None
        version = self.version()
        if offset == 0 and not self._cache.orders.has((version, order, f.key())):
            return self._cache.remember(
                self._cache.answers, (version, "first-page", order, limit, f.key()),
                lambda: self._with_kept_text(lambda: query.ordered_ids(conn, f, order, limit)))
        return self._ordered(conn, f, order)[offset:offset + limit]

    def _ordered(self, conn: Connection, f: LaunchFilter, order: str) -> Sequence[int]:
        if self._cache is None:
            return query.ordered_ids(conn, f, order)
        return self._cache.remember(self._cache.orders, (self.version(), order, f.key()),
                                    lambda: self._with_kept_text(
                                        lambda: query.ordered_ids(conn, f, order)))

    def page_ids(self, filter: LaunchFilter, *, order: str = "date", limit: int = 50,
                 offset: int = 0) -> list[int]:
        """The ids of one page of the matching entries in ``order`` (a table view's page:
        no entry is parsed)."""
        if self._cache is None or order not in ("date", "-date", "id", "-id"):
            # A column's order (a name looked up per launch) is sorted for the page asked,
            # not kept whole: the whole order of 100,000 launches costs twice a page.
            return list(self._remember("page-ids", (order, limit, offset, filter.key()),
                                       lambda conn: list(query.ordered_ids(
                                           conn, filter, order, limit, offset))))
        with self.engine.connect() as conn:
            return list(self._page(conn, filter, order, limit, offset))

    def ordered_ids(self, filter: LaunchFilter, order: str = "date") -> Sequence[int]:
        """The id of every matching entry, in ``order`` (kept per filter when serving)."""
        with self.engine.connect() as conn:
            return self._ordered(conn, filter, order)

    def table(self, name: str, filter: LaunchFilter, *, order: str = "date",
              ids: Sequence[int] | None = None) -> Iterator[tuple[Any, ...]]:
        """The rows of the launches or payloads table (:data:`kosmochron.tables.LAUNCH_COLUMNS`,
        ``PAYLOAD_COLUMNS``) of every matching entry (or of ``ids``) in ``order``,
        fetched a batch at a time (:mod:`.rows`): a view's whole download."""
        from . import rows

        fetch = {"launches": rows.launch_table, "payloads": rows.payload_table}.get(name)
        if fetch is None:
            raise QueryError(f"bad table {name!r}: expected launches or payloads")
        return rows.stream(self.engine, self.ordered_ids(filter, order) if ids is None else ids,
                           fetch)

    def payload_records(self, filter: LaunchFilter, *, order: str = "date",
                        ids: Sequence[int] | None = None) -> Iterator[dict[str, Any]]:
        """:meth:`payloads`' records of every matching entry (or of ``ids``) in ``order``,
        a batch at a time."""
        from . import rows

        return rows.stream(self.engine, self.ordered_ids(filter, order) if ids is None
                           else ids, rows.payload_records)

    def launches_json_all(self, filter: LaunchFilter, *, order: str = "date",
                          ids: Sequence[int] | None = None) -> Iterator[LaunchJSON]:
        """:meth:`launches_json` of every matching entry (or of ``ids``), a batch at a time."""
        from . import rows

        def fetch(conn: Connection, batch: Sequence[int]) -> list[LaunchJSON]:
            return self._launches_json_by_id(conn, batch)

        return rows.stream(self.engine, self.ordered_ids(filter, order) if ids is None
                           else ids, fetch)

    def launches_json(self, filter: LaunchFilter, *, order: str = "date", limit: int | None = None,
                      offset: int = 0) -> list[LaunchJSON]:
        """:meth:`launches` already serialised: each entry in the JSON contract as UTF-8
        bytes, for an API that only passes them on (kept between requests when serving)."""
        with self.engine.connect() as conn:
            if self._cache is None or limit is None:
                return self._launches_json(conn, query.launch_rows(conn, filter, order, limit,
                                                                   offset))
            return self._launches_json_by_id(conn, self._page(conn, filter, order, limit,
                                                              offset))

    def _launches_json_by_id(self, conn: Connection, ids: Sequence[int]) -> list[LaunchJSON]:
        """:meth:`launches_json` of these entries in this order; serving, each is kept (by
        data version and id) and only those not kept are read: a page seen before asks
        the database nothing, where reading its 50 rows again to look them up by their
        text cost two queries and 50 decompressions a request."""
        if self._cache is None:
            return self._launches_json(conn, query.rows_by_id(conn, ids))
        kept, version = self._cache.launches, self.version()
        found = {i: launch for i in ids if (launch := kept.get((version, i))) is not None}
        missing = [i for i in ids if i not in found]
        for launch in self._launches_json(conn, query.rows_by_id(conn, missing)):
            kept.put((version, launch.id), launch)
            found[launch.id] = launch
        return [found[i] for i in ids if i in found]

    def _launches_json(self, conn: Connection,
                       rows: list[tuple[int, str, int, str]]) -> list[LaunchJSON]:
        item_ids = query.item_ids(conn, [row[0] for row in rows])
        from .serving import entry_bytes

        return [LaunchJSON(id_, path, item_ids.get(id_, []), entry_bytes(raw, path, line))
                for id_, path, line, raw in rows]

    def count(self, filter: LaunchFilter | None = None, **options: Any) -> int:
        f = filter or LaunchFilter.from_options(**options)
        return self._remember("count", f.key(), lambda conn: query.count(conn, f))

    def lookup(self, term: str) -> list[int]:
        with self.engine.connect() as conn:
            return query.lookup(conn, term)

    def resolve(self, term: str, *, numbers: str = "satcat") -> list[Match]:
        """The launches an identifier names (a COSPAR designator in any spelling, a JCAT
        or launch tag, a satellite number, a payload's name …; see :mod:`.lookup`)."""
        from . import lookup

        with self.engine.connect() as conn:
            return lookup.resolve(conn, term, numbers=numbers)

    def summaries(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """A light row per entry (date, outcome, vehicle, site, payload names, designator)
        in the order of ``ids``: a table view's rows, a list of candidates."""
        from . import rows

        with self.engine.connect() as conn:
            return rows.summaries(conn, ids)

    def neighbours(self, entry_id: int) -> tuple[int | None, int | None]:
        """The launches just before and after an entry, in date order (:mod:`.sequence`)."""
        from .sequence import neighbours

        with self.engine.connect() as conn:
            return neighbours(conn, entry_id)

    def find_entities(self, text: str, limit: int = 12,
                      kinds: list[str] | None = None) -> list[EntityMatch]:
        """Sites, vehicles, programs, agencies … named by or containing ``text``."""
        from . import lookup

        with self.engine.connect() as conn:
            return lookup.entities(conn, text, kinds, limit)

    def get(self, term: str | int) -> LaunchDetail:
        """One launch by id, any identifier (:meth:`resolve`) or the start of a payload's
        name."""
        with self.engine.connect() as conn:
            from . import lookup

            ids = [m.entry_id for m in lookup.resolve(conn, str(term), numbers="id")] \
                or query.lookup(conn, str(term))
            if not ids:
                raise QueryError(f"no launch matches {term!r}: give an id, a COSPAR designator "
                                 "(1971-045A), a satellite number or a payload name")
            if len(ids) > 1:
                raise QueryError(f"{len(ids)} launches match {term!r} (ids "
                                 f"{', '.join(map(str, ids[:10]))}); be more specific")
            return query.detail(conn, ids[0])

    def search(self, text: str, limit: int = 20, offset: int = 0, *,
               filter: LaunchFilter | None = None, order: str = "rank") -> list[SearchHit]:
        """A page of ranked hits; ``filter`` keeps those of the entries it selects and
        ``order`` is ``rank`` (best first), ``date`` or ``-date`` (see :mod:`.hits`).  A
        payload two sources tell (one launch, one satellite number or designator) is one
        hit, the better ranked.  Each search term counts once; TooManyTerms (a
        QueryError) past :data:`.search.MAX_TERMS`."""
        text = search.normalise(text)
        with self.engine.connect() as conn:
            if self._cache is None and filter is None and order == "rank":
                return merge.one_hit_per_payload(conn, search.search(conn, text, limit, offset))
            return merge.one_hit_per_payload(conn, search.ranked_page(
                conn, text, self._ranking(conn, text, filter, order), limit, offset))

    def search_count(self, text: str, *, filter: LaunchFilter | None = None) -> int:
        """How many hits :meth:`search` has for ``text`` under ``filter``."""
        text = search.normalise(text)
        with self.engine.connect() as conn:
            return len(self._ranking(conn, text, filter, "rank"))

    def _ranking(self, conn: Connection, text: str, filter: LaunchFilter | None,
                 order: str) -> Ranking:
        from . import hits

        if self._cache is None:
            return hits.ranking(conn, text, filter, order)
        # Serving: rank every hit once per query, filter, order and data version, then page.
        key = (self.version(), text) if filter is None and order == "rank" else \
            (self.version(), text, filter.key() if filter else None, order)
        return self._cache.remember(self._cache.rankings, key,
                                    lambda: hits.ranking(conn, text, filter, order))

    def stats(self, by: str, filter: LaunchFilter | None = None, *,
              definition: str = "launch", streaks: bool = False,
              **options: Any) -> list[StatRow]:
        """Success rates per group; ``definition="mission"`` uses GCAT's per-payload
        mission result (after ``import-gcat``) instead of the launch outcome, and
        then ``launches`` counts the linked payloads.  ``streaks`` adds each group's
        longest run of successes (launch outcomes only)."""
        f = filter or LaunchFilter.from_options(**options)
        rows = list(self._remember("stats", (by, definition, f.launches_key()),
                                   lambda conn: query.stats(conn, by, f, definition)))
        if not streaks or definition != "launch":
            return rows
        runs = {r.key: r for r in self.streaks(by, f)}
        return [dataclasses.replace(r, longest_streak=run.longest, streak_from=run.first,
                                    streak_to=run.last) if (run := runs.get(r.key)) else r
                for r in rows]

    def _sequences(self, by: str, f: LaunchFilter) -> list[statistics.Sequence]:
        """Each group's outcomes in launch order (kept while serving: streaks and
        learning curves of one selection share them)."""
        return self._remember("sequences", (by, f.launches_key()),
                              lambda conn: statistics.sequences(conn, by, f))

    def streaks(self, by: str, filter: LaunchFilter | None = None) -> list[StreakRow]:
        """Each group's longest and current run of successes, longest first."""
        return statistics.streaks_of(self._sequences(by, filter or LaunchFilter()))

    def learning_curve(self, by: str, filter: LaunchFilter | None = None, *, size: int = 5,
                       most: int = 50) -> list[LearningStep]:
        """Success by flight number (1–5, 6–10 …), each group's flights numbered apart."""
        return statistics.learning_of(self._sequences(by, filter or LaunchFilter()), size, most)

    def cadence(self, by: str, filter: LaunchFilter | None = None) -> list[CadenceCell]:
        """Launches and failures per year and group (family, nation, site …)."""
        f = filter or LaunchFilter()
        return list(self._remember("cadence", (by, f.launches_key()),
                                   lambda conn: statistics.cadence(conn, by, f)))

    def failures_by_stage(self, filter: LaunchFilter | None = None) -> list[FailureCount]:
        """Failed launches by stage (and cause, where the record gives one)."""
        f = filter or LaunchFilter()
        return list(self._remember("failure-stages", f.launches_key(),
                                   lambda conn: statistics.failures_by_stage(conn, f)))

    def site_points(self, filter: LaunchFilter | None = None) -> tuple[list[SitePoint], int]:
        """Launch sites with coordinates (GCAT's) and their launches, and how many
        launches have no site with coordinates."""
        f = filter or LaunchFilter()
        points, unplaced = self._remember("site-points", f.launches_key(),
                                          lambda conn: statistics.site_points(conn, f))
        return list(points), unplaced

    def failed_stages(self, filter: LaunchFilter | None = None, **options: Any) -> dict[str, int]:
        f = filter or LaunchFilter.from_options(**options)
        return dict(self._remember("stages", f.launches_key(),
                                   lambda conn: query.failed_stage_breakdown(conn, f)))

    def entities(self, kind: str) -> list[dict[str, Any]]:
        """Names and slugs of one kind of entity (site, family, program …)."""
        if kind not in ENTITY_TABLES:
            raise query.choice_error("entity kind", kind, list(ENTITY_TABLES))
        table = ENTITY_TABLES[kind]

        def ask(conn: Connection) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in conn.execute(
                sa.select(table.c.id, table.c.name, table.c.slug).order_by(table.c.name))]

        return [dict(row) for row in self._remember("entities", kind, ask)]

    def entity_count(self, kind: str) -> int:
        """How many entities of a kind there are."""
        if kind not in ENTITY_TABLES:
            raise query.choice_error("entity kind", kind, list(ENTITY_TABLES))
        table = ENTITY_TABLES[kind]
        return int(self._remember("entity-count", kind, lambda conn: conn.execute(
            sa.select(sa.func.count()).select_from(table)).scalar_one()))

    def entity_slugs(self, kind: str) -> Mapping[str, str]:
        """Each entity of a kind by its lower-cased name: its slug (what a page links a
        named value to; kept read-only while serving, as GCAT's thousands of agencies
        copied as rows for every page took longer than the page's queries)."""
        if kind not in ENTITY_TABLES:
            raise query.choice_error("entity kind", kind, list(ENTITY_TABLES))
        table = ENTITY_TABLES[kind]

        def ask(conn: Connection) -> Mapping[str, str]:
            return MappingProxyType({name.lower(): slug for name, slug in conn.execute(
                sa.select(table.c.name, table.c.slug).order_by(table.c.name))})

        return self._remember("entity-slugs", kind, ask)

    def export(self, fmt: str, out: str | Path | IO[str] | IO[bytes] | None = None,
               filter: LaunchFilter | None = None, table: str | None = None) -> list[Path] | None:
        """Write the stored entries as json, ndjson, csv, parquet or gcat-tsv; see
        :func:`kosmochron.store.dumps.export` for where each format goes."""
        from . import dumps

        with self.engine.connect() as conn:
            return dumps.export(conn, fmt, out, filter, table)

    # -- validation ----------------------------------------------------------

    def findings(self, rules: list[str] | None = None, min_severity: str = "info",
                 entry_id: int | None = None, *, offset: int = 0,
                 limit: int | None = None) -> list[Finding]:
        """The validation findings on the stored chronology (see
        :mod:`kosmochron.validate`), filtered by rule id or family, severity and launch
        (``entry_id`` and every other entry that tells its launch); ``offset`` and
        ``limit``: one page of them."""
        from ..validate import SEVERITIES, select

        if min_severity not in SEVERITIES:
            raise QueryError(f"bad severity {min_severity!r}: expected info, warning or error")
        end = None if limit is None else offset + limit
        if entry_id is not None:
            # One launch's page must not check all 100,000 entries first.  A launch two
            # sources tell has the findings of both (each says its source).
            from .findings import check_one
            from .twins import launch_entries

            with self.engine.connect() as conn:
                return [f for told in launch_entries(conn, entry_id)
                        for f in select(check_one(conn, told), rules, min_severity)
                        ][offset:end]
        found = self._findings_report().findings(self.version())
        if not rules and min_severity == "info":
            return found[offset:end]
        return list(itertools.islice(select(found, rules, min_severity), offset, end))

    def finding_counts(self, rules: list[str] | None = None,
                       min_severity: str = "info") -> dict[str, dict[str, int]]:
        """How many findings on the whole stored chronology each rule has at each severity
        (only those :meth:`findings` lists with the same filters; counted once per
        report, not per request)."""
        from ..validate import SEVERITIES, chooser

        if min_severity not in SEVERITIES:
            raise QueryError(f"bad severity {min_severity!r}: expected info, warning or error")
        keep = chooser(rules, min_severity)
        counts: dict[str, dict[str, int]] = {}
        for (rule, severity), n in self._findings_report().counts(self.version()).items():
            if keep(rule, severity):
                counts.setdefault(rule, {})[severity] = n
        return counts

    def check_all(self) -> Iterator[Finding]:
        """Every finding on the stored chronology, checked afresh and streamed source by
        source (``kosmochron check --db``); :meth:`findings` keeps a report instead."""
        from .findings import check_stored

        with self.engine.connect() as conn:
            yield from check_stored(conn)

    def gcat_lookup(self) -> GcatLookup | None:
        """The imported GCAT rows as a lookup for checking files, or None if none are."""
        from .findings import gcat_lookup

        with self.engine.connect() as conn:
            return gcat_lookup(conn)

    def findings_ready(self, wait: float = 0.0) -> bool:
        """Whether :meth:`findings` of the whole chronology can answer at once; if not,
        their check starts in the background (a server says "being prepared" rather
        than hold a request for the minute 100,000 entries take)."""
        return self._findings_report().ready(self.version(), wait)

    def findings_progress(self) -> tuple[int, int]:
        """(entries checked, entries in all) of the whole chronology's check while it runs."""
        return self._findings_report().progress()

    def _findings_report(self) -> Report:
        from .report import Report

        with self._report_lock:
            if self._report is None:
                self._report = Report(self.engine)
            return self._report

    # -- browsing, for the API and the web UI ---------------------------------

    def version(self) -> str:
        """Changes whenever the stored data changes: the ETag of every response."""
        watch = self._watch
        if watch is None:
            with self.engine.connect() as conn:
                return browse.version(conn)
        token = watch.token()  # before the query: a commit during it shows next time
        known = self._version
        if known is not None and known[0] == token:
            return known[1]
        with self.engine.connect() as conn:
            version = browse.version(conn)
        self._version = (token, version)
        return version

    def known_version(self) -> str | None:
        """The data version if it is known to be current without a query (serving SQLite,
        nothing committed since it was read), else None: call :meth:`version`."""
        watch, known = self._watch, self._version
        if watch is None or known is None or known[0] != watch.token():
            return None
        return known[1]

    def detail(self, entry_id: int) -> LaunchDetail:
        with self.engine.connect() as conn:
            return query.detail(conn, entry_id)

    def facets(self, names: list[str], filter: LaunchFilter | None = None,
               **options: Any) -> dict[str, list[dict[str, Any]]]:
        f = filter or LaunchFilter.from_options(**options)
        kept = self._remember("facets", (tuple(names), f.key()),
                              lambda conn: browse.facets(conn, f, names))
        return {name: [dict(row) for row in rows] for name, rows in kept.items()}

    def payloads(self, filter: LaunchFilter | None = None, *, limit: int | None = 100,
                 offset: int = 0, **options: Any) -> tuple[list[dict[str, Any]], int]:
        """Payload rows of the matching entries and their total count."""
        f = filter or LaunchFilter.from_options(**options)
        with self.engine.connect() as conn:
            return browse.payloads(conn, f, limit, offset)

    def payload(self, payload_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return browse.payload(conn, payload_id)

    def entity(self, kind: str, slug: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return browse.entity(conn, kind, slug)

    def entity_counts(self, kind: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return browse.entity_counts(conn, kind)

    def entity_stats(self, kind: str, slug: str) -> StatRow:
        """The statistics row of one entity (any kind, spacecraft types included)."""
        with self.engine.connect() as conn:
            return browse.entity_stats(conn, kind, slug)

    def entity_launches(self, kind: str, slug: str, *, order: str = "date",
                        limit: int | None = 100, offset: int = 0) -> tuple[LaunchList, int]:
        """One page of an entity's launches and their total count."""
        with self.engine.connect() as conn:
            found, total = browse.entity_launches(conn, kind, slug, order, limit, offset)
            return LaunchList(found), total

    def timeline(self, filter: LaunchFilter | None = None, *, limit: int | None = 5000,
                 **options: Any) -> list[dict[str, Any]]:
        """Light rows (id, date, family, outcome, first payload) for timeline charts."""
        f = filter or LaunchFilter.from_options(**options)
        kept = self._remember("timeline", (limit, f.key()),
                              lambda conn: browse.timeline(conn, f, limit))
        return [dict(row) for row in kept]

    def timeline_bins(self, filter: LaunchFilter | None = None,
                      **options: Any) -> list[dict[str, Any]]:
        """Counts per year, vehicle family and outcome of the matching dated entries."""
        f = filter or LaunchFilter.from_options(**options)
        kept = self._remember("timeline-bins", f.key(), lambda conn: browse.timeline_bins(conn, f))
        return [dict(row) for row in kept]

    def payload_ids(self, *, cospar: str | None = None, satcat: int | None = None) -> list[int]:
        """Ids of the payloads with a COSPAR designator (any spelling) or satellite number."""
        with self.engine.connect() as conn:
            return browse.payload_ids(conn, cospar=cospar, satcat=satcat)

    def one_payload(self, payload_ids: list[int]) -> tuple[int, list[Account]] | None:
        """If ``payload_ids`` are one object told by several sources, the payload that
        counts and every account of it (:func:`kosmochron.store.twins.one_payload`)."""
        from . import twins

        with self.engine.connect() as conn:
            return twins.one_payload(conn, payload_ids)

    def payload_accounts(self, payload_ids: list[int]) -> dict[int, list[Told]]:
        """Every account of each payload, parsed: itself first, then the same object as
        the other sources of its launch tell it (:mod:`kosmochron.store.twins`)."""
        from . import transfer_cache

        with self.engine.connect() as conn:
            return transfer_cache.told(conn, payload_ids)

    # -- narrative events and interplanetary transfers -------------------------

    def payload_events(self, payload_id: int) -> list[Event]:
        """The dated events told in a payload's narrative (arrival, orbit insertion,
        flyby, landing …), read on the first request and stored; QueryError if there
        is no such payload."""
        from . import transfer_cache

        return transfer_cache.payload_events(self.engine, payload_id)

    def payload_transfer(self, payload_id: int, *, grid: bool = False,
                         geometry: bool = False) -> dict[str, Any] | None:
        """A payload's transfer to Mars or Venus as JSON: C3, DLA, v∞ and time of flight
        from its launch to its narrative's arrival date, its launch window and the
        launches in it; None if it has none (:meth:`no_transfer_reason` says why).
        ``grid`` adds the window's porkchop grids, ``geometry`` the drawing of the
        arc.  The computations are cached in the database (see
        :mod:`kosmochron.store.transfer_cache`)."""
        from . import transfer_cache

        return transfer_cache.payload_transfer(self.engine, payload_id, grid=grid,
                                          geometry=geometry)

    def no_transfer_reason(self, payload_id: int) -> str | None:
        """Why a payload has no transfer (a failed launch, no planetary target, carried
        aboard another payload, never left Earth orbit, a launch not dated to the day),
        or None if it has one."""
        from . import transfer_cache

        return transfer_cache.no_transfer(self.engine, payload_id)

    def stored_source(self, identity: str) -> tuple[bytes, str]:
        """The bytes and encoding of the source stored as exactly ``identity`` (a path as
        :meth:`sources` lists it); unlike :meth:`render_source` it never looks at files."""
        with self.engine.connect() as conn:
            return browse.stored_source(conn, identity)

    def stream_source(self, identity: str, nodes: int = 250) -> tuple[str, Iterator[bytes]]:
        """:meth:`stored_source` as (encoding, chunks of bytes), ``nodes`` entries and
        text nodes a chunk, each read on a connection of its own: a server streams a
        100 MB source without holding it, a connection or its thread for the whole of
        it (and renews its request budget per chunk: :func:`.budget.stepwise`).
        QueryError if there is no such source (before any chunk)."""
        with self.engine.connect() as conn:
            src = browse.source_row(conn, identity)

        def chunks() -> Iterator[bytes]:
            encode = codecs.getincrementalencoder(src.encoding)().encode
            if src.bom:
                yield encode("\ufeff")
            after = -1
            while True:
                with self.engine.connect() as conn:
                    parts = browse.source_parts(conn, src.id, after, nodes)
                if not parts:
                    break
                after = parts[-1][0]
                yield encode("".join(raw for _, raw in parts))
            yield encode("", final=True)

        return str(src.encoding), chunks()

    def render_source(self, path: str | Path | None = None) -> bytes:
        """A stored source's bytes, rebuilt from its entries and text nodes."""
        identity = path if isinstance(path, str) and not Path(path).exists() \
            else source_identity(path)
        return self.stored_source(identity)[0]


def open_store(db: str | None = None, *, seed_if_empty: bool = True) -> Store:
    """The store for ``db`` (an SQLite path or a PostgreSQL URL), else ``$KOSMOCHRON_DB``,
    else an SQLite file in the user's data directory; created and seeded on first use."""
    return Store.from_settings(Settings.from_env(db, seed_if_empty=seed_if_empty))
