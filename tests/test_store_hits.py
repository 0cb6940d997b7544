"""Search hits as a list (kosmochron.store.hits) and where an entry stands
(kosmochron.store.sequence), on SQLite and PostgreSQL, over the seed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from db_support import SEED_LAUNCHES
from kosmochron.store import LaunchFilter, QueryError, SearchHit, Store

pytest_plugins = ["db_support"]


def dates(hits: Sequence[SearchHit]) -> list[str]:
    return [h.date_text for h in hits]


def test_the_hits_of_the_entries_a_filter_selects(seeded: Store) -> None:
    everything = seeded.search_count("mars")
    proton = LaunchFilter(family="Proton", kind=None)
    assert 0 < seeded.search_count("mars", filter=proton) < everything
    found = seeded.search("mars", 100, filter=proton)
    assert len(found) == seeded.search_count("mars", filter=proton)
    ids = {s.id for s in seeded.launches(family="Proton")}
    assert {h.entry_id for h in found} <= ids
    assert seeded.search_count("mars", filter=LaunchFilter(family="Proton", date_from=None,
                                                           outcome="failure", kind=None)) \
        == len({h.item_id for h in found if h.entry_id in
                {s.id for s in seeded.launches(family="Proton", outcome="failure")}})


def test_rank_order_unfiltered_is_the_plain_search(seeded: Store) -> None:
    assert seeded.search("computer chip", 10) == seeded.search(
        "computer chip", 10, filter=LaunchFilter(kind=None), order="rank")
    assert seeded.search_count("computer chip") == 4


def test_date_order_both_ways_and_paging(seeded: Store) -> None:
    oldest = seeded.search("mars", 100, order="date")
    newest = seeded.search("mars", 100, order="-date")
    assert dates(oldest)[0] == "1960 October 10" and dates(newest)[0] == "1996 November 16"
    assert sorted(h.item_id for h in oldest) == sorted(h.item_id for h in newest)
    assert seeded.search("mars", 5, 5, order="date") == oldest[5:10]
    assert all(h.snippet for h in oldest)
    with pytest.raises(QueryError, match="bad order 'newest'"):
        seeded.search("mars", 5, order="newest")


def test_no_words_no_hits(seeded: Store) -> None:
    assert seeded.search_count("") == 0
    assert seeded.search("", 5, filter=LaunchFilter(family="Proton")) == []


def test_previous_and_next_launch(seeded: Store) -> None:
    ordered = [s.id for s in seeded.launches()]
    assert len(ordered) == SEED_LAUNCHES
    assert seeded.neighbours(ordered[0]) == (None, ordered[1])
    assert seeded.neighbours(ordered[5]) == (ordered[4], ordered[6])
    assert seeded.neighbours(ordered[-1]) == (ordered[-2], None)
    assert seeded.neighbours(10**6) == (None, None)


@pytest.mark.parametrize("key", ["name", "vehicle", "site", "outcome", "designator"])
def test_sortable_columns(seeded: Store, key: str) -> None:
    """The table view's columns sort both ways (dated within); the database's collation
    orders names, so only plain ASCII columns are compared with Python's order."""
    up = seeded.launches(order=key)
    down = seeded.launches(order=f"-{key}")
    assert sorted(s.id for s in up) == sorted(s.id for s in down)
    assert len(up) == SEED_LAUNCHES
    column = {"vehicle": lambda s: s.entry.vehicle, "outcome": lambda s: s.entry.outcome}
    if key in column:
        values = [column[key](s) for s in up]
        assert values == sorted(values)
        assert [column[key](s) for s in down] == sorted(values, reverse=True)
    if key == "outcome":  # ties in date order
        days = [s.entry.date.start for s in up[:10]]
        assert None not in days and days == sorted(d for d in days if d is not None)
    assert seeded.page_ids(LaunchFilter(), order=f"-{key}", limit=5) == [s.id for s in down[:5]]
