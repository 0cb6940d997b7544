"""A serving store (:meth:`Store.serve`) keeps answers between requests: they must be
exactly a plain store's answers, and an ingest must make every kept answer go away
(on SQLite, where a watch on ``PRAGMA data_version`` spares the version query, and on
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import event as sa_event

from conftest import fixture_path
from db_support import GCAT_FILES, SEED_NAME, write_text
from kosmochron.export import entry_json
from kosmochron.store import LaunchFilter, Store, open_store
from kosmochron.store.serving import ServingCache, SqliteChangeWatch, _Lru

pytest_plugins = ["db_support"]

FILTERS = [LaunchFilter(), LaunchFilter(family="Proton", outcome="failure"),
           LaunchFilter(kind="event"), LaunchFilter(kind=None, text="Mars"),
           LaunchFilter(program="Mars", failed_stage="3"),
           LaunchFilter(family="Proton", date_from=dt.date(2000, 1, 1))]  # known, no match
QUERIES = ["computer chip", "mars", '"soft landing"', "Saturn", "launch vehicle", "zzzzqqq", ""]


@pytest.fixture
def both(store: Store) -> Iterator[tuple[Store, Store]]:
    """The test's store (seed and Saturn V page) and a serving store on the same database."""
    store.ingest([fixture_path("astronautix-saturn-v-page.txt")])
    with open_store(store.settings.url, seed_if_empty=False) as served:
        served.serve()
        yield store, served


def test_launches_json_is_the_entries_in_the_contract(both: tuple[Store, Store]) -> None:
    """Pages of a serving store are slices of the filter's kept order: the same entries,
    in the same order, as a plain store's query for that page."""
    plain, served = both
    for f in FILTERS:
        for limit, offset in ((None, 0), (5, 0), (5, 5), (3, 100), (2, 19)):
            expected = plain.launches(f, limit=limit, offset=offset)
            for _ in range(2):  # computed, then kept
                got = served.launches_json(f, limit=limit, offset=offset)
                assert [(g.id, g.source, g.item_ids) for g in got] == \
                    [(s.id, s.source, s.item_ids) for s in expected]
                assert [orjson.loads(g.body) for g in got] == \
                    [orjson.loads(orjson.dumps(entry_json(s.entry))) for s in expected]
            assert served.launches(f, limit=limit, offset=offset) == expected
            # A plain store builds the same bytes without keeping them.
            assert [g.body for g in plain.launches_json(f, limit=limit, offset=offset)] == \
                [g.body for g in got]


def test_kept_answers_equal_computed_ones(both: tuple[Store, Store]) -> None:
    plain, served = both
    for f in FILTERS:
        for _ in range(2):
            assert served.count(f) == plain.count(f)
            assert served.facets(["family", "site", "outcome", "decade"], f) == \
                plain.facets(["family", "site", "outcome", "decade"], f)
            assert served.stats("family", f) == plain.stats("family", f)
            assert served.stats("decade", f, definition="mission") == \
                plain.stats("decade", f, definition="mission")
            assert served.failed_stages(f) == plain.failed_stages(f)


def test_kept_answers_are_copies(both: tuple[Store, Store]) -> None:
    """A caller that changes what it got (a page sorting facet rows) changes no one else's."""
    _, served = both
    facets = served.facets(["decade"])
    facets["decade"].reverse()
    facets["decade"][0]["count"] = -1
    assert served.facets(["decade"]) != facets
    stages = served.failed_stages()
    stages["3"] = -1
    assert served.failed_stages()["3"] != -1


def test_search_pages_from_a_kept_ranking_equal_a_plain_search(
        both: tuple[Store, Store]) -> None:
    plain, served = both
    for q in QUERIES:
        everything = plain.search(q, limit=1000)
        for limit, offset in ((20, 0), (1, 0), (2, 1), (5, 3), (1000, 0), (10, 10_000)):
            assert served.search(q, limit, offset) == plain.search(q, limit, offset) \
                == everything[offset:offset + limit], (q, limit, offset)


def test_an_ingest_makes_kept_answers_go(both: tuple[Store, Store], tmp_path: Path) -> None:
    plain, served = both
    before = (served.version(), served.count(), served.search("Zvezdochka"),
              served.facets(["family"]))
    assert before[2] == []
    new = write_text(tmp_path / "new.txt", (
        "2031 April 1 - . 09:15 GMT - . Launch Site: Baikonur. Launch Complex: LC200. "
        "LV Family: Zvezda. Launch Vehicle: Zvezda-K.\n"
        "· Zvezdochka - . Nation: Russia. Program: Mars. Class: Mars. Type: Mars probe. "
        "Spacecraft: Zvezdochka.\n"))
    plain.ingest([new])  # through the other store's own connections
    assert served.version() != before[0]
    assert served.count() == before[1] + 1
    assert [h.name for h in served.search("Zvezdochka")] == ["Zvezdochka"]
    assert {"value": "Zvezda", "slug": "zvezda", "count": 1} in served.facets(["family"])["family"]
    assert plain.remove_source(new)
    assert served.count() == before[1] and served.search("Zvezdochka") == []


def test_known_version_only_under_a_watch(both: tuple[Store, Store]) -> None:
    plain, served = both
    assert plain.known_version() is None
    version = served.version()
    if served.dialect == "sqlite":
        assert served.known_version() == version
        plain.import_gcat(fixture_path("gcat-psatcat-sample.tsv"))  # a commit elsewhere
        assert served.known_version() is None
        assert served.version() != version and served.known_version() == served.version()
    else:
        assert served.known_version() is None  # PostgreSQL: always the query


def test_sqlite_watch_sees_commits_of_other_connections(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    writer = sqlite3.connect(path)
    writer.execute("CREATE TABLE t (x)")
    writer.commit()
    watch = SqliteChangeWatch(str(path))
    try:
        first = watch.token()
        assert watch.token() == first  # nothing happened
        writer.execute("INSERT INTO t VALUES (1)")
        writer.commit()
        assert watch.token() != first
    finally:
        watch.close()
        writer.close()


def test_no_watch_without_a_database_file() -> None:
    with open_store("sqlite://", seed_if_empty=False) as memory:
        assert SqliteChangeWatch.for_engine(memory.engine) is None


def test_lru_keeps_the_most_recently_used() -> None:
    lru = _Lru(2)
    cache = ServingCache()
    assert cache.remember(lru, "a", lambda: 1) == 1
    assert cache.remember(lru, "b", lambda: 2) == 2
    assert cache.remember(lru, "a", lambda: 99) == 1  # kept, and now the most recent
    assert cache.remember(lru, "c", lambda: 3) == 3  # "b" goes
    assert len(lru) == 2
    assert cache.remember(lru, "b", lambda: 22) == 22
    assert cache.remember(lru, "a", lambda: 11) == 11  # "a" went when "b" came back


def test_every_stored_entry_serves_the_files_own_export(store: Store, tmp_path: Path) -> None:
    """The JSON the API serves for a stored entry (its packed text unpacked, re-parsed
    and written by the text writer) is byte for byte ``dumps(entry_json(...))`` of the
    entry parsed from the file: the seed, the Saturn V page and a generated corpus."""
    import kosmochron as kc
    from corpus_support import corpus_text
    from kosmochron.export import dumps
    from kosmochron.store.ingest import source_identity

    corpus = write_text(tmp_path / "corpus.txt", corpus_text(400))
    saturn = fixture_path("astronautix-saturn-v-page.txt")
    store.ingest([saturn, corpus])
    with open_store(store.settings.url, seed_if_empty=False) as served:
        served.serve()
        for path in (None, saturn, corpus):
            expected = [dumps(entry_json(e)).encode() for e in kc.parse_file(path).entries]
            f = LaunchFilter(kind=None, source=source_identity(path))
            for reader in (store, served):
                got = reader.launches_json(f, order="id")
                assert [g.body for g in got] == expected


def test_statistics_asked_with_and_without_kind_are_one_answer(
        both: tuple[Store, Store]) -> None:
    """A page asks the statistics of its selection, its figures the same with
    ``kind="launch"`` (statistics count launches either way): one scan, not two."""
    plain, served = both
    asked: list[str] = []
    sa_event.listen(served.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: asked.append(statement))
    first = served.stats("decade", LaunchFilter(program="Mars"))
    scans = len(asked)
    assert served.stats("decade", LaunchFilter(program="Mars", kind="launch")) == first
    assert served.failed_stages(LaunchFilter(program="Mars")) == \
        plain.failed_stages(LaunchFilter(program="Mars", kind="launch"))
    served.failed_stages(LaunchFilter(program="Mars", kind="launch"))
    grouped = [s for s in asked[scans:] if "GROUP BY" in s]  # not the name and version checks
    assert len(grouped) == 1 and "failed_stage" in grouped[0]
    assert first == plain.stats("decade", LaunchFilter(program="Mars", kind="event"))


def test_a_first_page_is_asked_alone_and_the_second_keeps_the_order(
        both: tuple[Store, Store]) -> None:
    """A list's first view asks for its first page alone (the first 50 of 100,000
    launches by date take 7 ms, their whole order 150 ms); from its second page on a
    page is a slice of the kept order.  Either way the ids are a plain store's."""
    plain, served = both
    cache = served._cache
    assert cache is not None
    for f in (LaunchFilter(), LaunchFilter(family="Proton", outcome="failure")):
        for order in ("date", "-date"):
            kept = len(cache.orders)
            assert served.page_ids(f, order=order, limit=5) == \
                plain.page_ids(f, order=order, limit=5)
            assert len(cache.orders) == kept  # the first page kept no whole order
            assert served.page_ids(f, order=order, limit=5, offset=5) == \
                plain.page_ids(f, order=order, limit=5, offset=5)
            assert len(cache.orders) == kept + 1
            assert served.page_ids(f, order=order, limit=5) == \
                plain.page_ids(f, order=order, limit=5)  # now a slice of it


def test_a_text_filter_is_matched_once_per_data_version(both: tuple[Store, Store]) -> None:
    """A page's dozen statements under a text filter share one match of the text (each
    matched it again: 136 ms a time on PostgreSQL for a common word of 100,000
    launches), with the same answers as a plain store's, merged launches included."""
    plain, served = both
    plain.import_gcat_files(GCAT_FILES)  # entries merged into GCAT's launches
    asked: list[str] = []
    sa_event.listen(served.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: asked.append(statement))
    for f in (LaunchFilter(text="Spectrum"), LaunchFilter(text="Mars", family="Proton"),
              LaunchFilter(text="Mars", source=SEED_NAME), LaunchFilter(text="zzzzqqq")):
        asked.clear()
        for _ in range(2):
            assert served.count(f) == plain.count(f)
            assert served.facets(["family", "site", "program", "decade"], f) == \
                plain.facets(["family", "site", "program", "decade"], f)
            assert served.stats("decade", f) == plain.stats("decade", f)
            assert served.page_ids(f, limit=3) == plain.page_ids(f, limit=3)
            assert served.page_ids(f, limit=3, offset=3) == plain.page_ids(f, limit=3,
                                                                            offset=3)
        matched = [s for s in asked if " MATCH " in s or "@@" in s]
        assert len(matched) == 1, matched


def test_a_page_of_launches_seen_before_asks_the_database_nothing(
        both: tuple[Store, Store], tmp_path: Path) -> None:
    """Serving, each launch's JSON is kept by data version and id: a page asked again
    reads no row (its order and count are kept too), and after an ingest the same ids
    are read afresh (an entry id may hold another text once its source is replaced)."""
    plain, served = both
    f = LaunchFilter(program="Mars")
    asked: list[str] = []
    sa_event.listen(served.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: asked.append(statement))
    first = served.launches_json(f, limit=5, offset=5)
    assert len(first) == 5 and [s for s in asked if "entries.raw" in s] != []
    asked.clear()
    assert served.launches_json(f, limit=5, offset=5) == first
    assert [s for s in asked if "entries" in s or "items" in s] == []
    plain.ingest([write_text(tmp_path / "new.txt", (
        "2031 April 1 - . 09:15 GMT - . Launch Site: Baikonur. LV Family: Proton.\n"
        "· Zvezdochka - . Nation: Russia. Program: Mars.\n"))])
    asked.clear()
    assert [(g.id, g.source, g.item_ids, g.body) for g in served.launches_json(
        f, limit=5, offset=5)] == [(g.id, g.source, g.item_ids, g.body)
                                  for g in plain.launches_json(f, limit=5, offset=5)]
    assert [s for s in asked if "entries.raw" in s] != []
