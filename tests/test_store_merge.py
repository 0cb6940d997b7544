"""One launch, two sources (kosmochron.store.merge), on SQLite and PostgreSQL: the seed's
launches linked to GCAT's, counted once, found through either source."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from db_support import GCAT_FILES, GCAT_SAMPLE_LAUNCHES, SEED_LAUNCHES, SEED_NAME, SEED_TEXT
from db_support import write_text as write
from kosmochron.store import QueryError, Store
from kosmochron.store.schema import entries, launch_links

pytest_plugins = ["db_support"]


@pytest.fixture
def merged(store: Store) -> Store:
    store.import_gcat_files(GCAT_FILES)
    return store


def links(store: Store) -> dict[str, tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(entries.c.date_text, launch_links.c.tag,
                                      launch_links.c.matched_by)
                            .join(entries, entries.c.id == launch_links.c.entry_id))
        return {date: (tag, how) for date, tag, how in rows}


def link_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(launch_links))
                   .scalar_one())


def test_every_seed_launch_is_linked_and_counted_once(merged: Store) -> None:
    found = links(merged)
    assert len(found) == SEED_LAUNCHES
    assert found["1962 October 24"] == ("1962 B IOT", "designator")
    assert found["1960 October 10"] == ("1960-F12", "circumstances")
    assert merged.count() == GCAT_SAMPLE_LAUNCHES
    assert merged.count(family="Proton") == 12  # the Proton rows of the sample
    # The seed stays reachable as its own chronology.
    assert len(merged.launches(source=SEED_NAME)) == SEED_LAUNCHES


def test_which_source_counts_is_the_preference(merged: Store) -> None:
    assert merged.prefer() == "gcat"
    counted = {s.source for s in merged.launches(date_from="1971-05-19", date_to="1971-05-19")}
    assert counted == {"gcat"}
    merged.set_prefer("astronautix")
    assert merged.prefer() == "astronautix"
    assert merged.count() == GCAT_SAMPLE_LAUNCHES  # still once each
    counted = {s.source for s in merged.launches(date_from="1971-05-19", date_to="1971-05-19")}
    assert SEED_NAME in counted and "gcat" in counted  # Mars 2 by Astronautix, Kosmos 421
    with pytest.raises(QueryError, match="bad preference"):
        merged.set_prefer("wikipedia")


def test_text_and_payload_filters_find_the_launch_through_either_source(
        merged: Store) -> None:
    # "Spectrum" is only in Astronautix's narrative of Mars 3; the launch counted is GCAT's.
    (hit,) = merged.launches(text="Spectrum")
    assert hit.source == "gcat" and hit.entry.value("Launch Tag") == "1971-049"
    (failure,) = merged.launches(cospar="F601010A")  # only Astronautix has this designator
    assert failure.entry.value("Launch Tag") == "1960-F12"
    assert [s.entry.value("Launch Tag") for s in merged.launches(program="Mars")] == \
        [s.entry.value("Launch Tag") for s in merged.launches(program="Mars")]
    assert len(merged.lookup("Mars 3")) == 1
    assert merged.get("Mars 3").stored.entry.value("Launch Tag") == "1971-049"


def test_a_re_ingested_chronology_is_linked_again(merged: Store, tmp_path: Path) -> None:
    edited = write(tmp_path / "mars.txt", SEED_TEXT.replace("16:22 GMT", "16:23 GMT"))
    merged.ingest([edited])
    assert link_count(merged) == 2 * SEED_LAUNCHES
    assert merged.count() == GCAT_SAMPLE_LAUNCHES
    assert merged.remove_source(None)
    assert merged.count() == GCAT_SAMPLE_LAUNCHES
    assert link_count(merged) == SEED_LAUNCHES


def test_a_payload_two_sources_tell_is_one_search_hit(merged: Store) -> None:
    hits = merged.search("Mars 3")
    assert [h.name for h in hits].count("Mars 3") == 1
    assert [h.name for h in merged.search("Spectrum")] == ["Mars 3"]


def test_a_filter_reads_merged_entries_only_where_there_are_some(store: Store) -> None:
    """Payload and text filters add the entries merged into a launch only once some
    are: PostgreSQL's planner cannot tell how many ids that union holds (it guessed 200
    of 100,000 and looked every launch up in turn: 360 ms a statement, 100 ms without)."""
    asked: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: asked.append(statement))
    alone = store.count(text="Mars"), store.count(program="Mars")
    assert alone[0] and alone[1]
    assert not [s for s in asked if "UNION ALL" in s]
    store.import_gcat_files(GCAT_FILES)
    asked.clear()
    (hit,) = store.launches(text="Spectrum")  # in Astronautix's text of GCAT's launch
    assert hit.source == "gcat"
    assert [s for s in asked if "UNION ALL" in s]
