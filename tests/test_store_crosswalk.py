"""GCAT's payload catalog: reading psatcat.tsv, importing it and linking its rows to
the stored payloads.  The sample in tests/fixtures holds the real GCAT rows of the
seed's payloads (J. McDowell, planet4589.org, CC-BY 4.0) plus a few others."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from db_support import GCAT_SAMPLE, SEED_TEXT, row_counts, write_text
from kosmochron.store import Store
from kosmochron.store.crosswalk import COLUMNS, GcatError, gcat_date, read_psatcat
from kosmochron.store.schema import entries, gcat_links, gcat_payloads, items, sources

pytest_plugins = ["db_support"]

SAMPLE_ROWS = 21
#: The seed's payloads with a satellite number in the sample: all but Mars-96 (24656),
#: which GCAT's payload catalog does not list.
SATCAT_AND_PIECE = {"Sputnik 22": "S00443", "Mars 1": "S00450", "Sputnik 24": "S00451",
                    "Cosmos 21": "S00687", "Zond 2": "S00945", "Zond 3": "S01454",
                    "Cosmos 419": "S05221", "Mars 2": "S05234", "Mars 3": "S05252",
                    "Mars 4": "S06742", "Mars 5": "S06754", "Mars 6": "S06768",
                    "Mars 7": "S06776", "Phobos 1": "S19281", "Phobos 2": "S19287"}


def links(store: Store, source: str | None = None) -> list[tuple[str, str, str, str]]:
    """(entry date, item name, jcat, matched_by) of every link, in item order."""
    query = (sa.select(entries.c.date_text, items.c.name, gcat_links.c.jcat,
                       gcat_links.c.matched_by)
             .join(items, items.c.id == gcat_links.c.item_id)
             .join(entries, entries.c.id == items.c.entry_id).order_by(items.c.id))
    if source is not None:
        query = query.join(sources, sources.c.id == entries.c.source_id) \
            .where(sources.c.path == source)
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def test_the_sample_is_gcat_as_published() -> None:
    data = GCAT_SAMPLE.read_bytes()
    assert data.startswith(b"#JCAT\tPiece\tName\tLDate\t")
    assert data.count(b"\r\n") == data.count(b"\n") == SAMPLE_ROWS + 2  # CRLF, as GCAT has it


def test_read_psatcat() -> None:
    rows = {r[0]: r for r in read_psatcat(GCAT_SAMPLE)}
    assert len(rows) == SAMPLE_ROWS
    sputnik = rows["S00002"]
    assert sputnik == ("S00002", 2, "1957 ALP 2", "First Sputnik", "1957 Oct  4",
                       dt.date(1957, 10, 4), "Sputnik", "C", "TECH", "S", "SU",
                       "A/AC.105/INF.002", "First Earth satellite", "1957 Oct 27",
                       dt.date(1957, 10, 27), dt.date(1957, 10, 27), 227.0, 947.0, 65.1)
    # A '-' is no value; CSV-style quotes are taken off ('""' is one quote).
    assert rows["S00443"][3] is None
    assert rows["S00443"][12] == "Mars probe, failed"
    assert rows["S00269"][3] == 'Sputnik "Cosmos-2"'
    assert rows["S00269"][2] == "1962 IOT 1"
    assert rows["S19281"][1:4] == (19281, "1988-058A", "Phobos-1")
    assert rows["S19281"][12] == "Phobos probe, failed"


def test_last_contact_and_un_orbit() -> None:
    """TLast as written and the days it allows (a '?' widens it by one unit either
    side, a month is its days); the UN-registered perigee, apogee and inclination."""
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in read_psatcat(GCAT_SAMPLE)}
    cosmos419 = rows["S05221"]
    assert (cosmos419["t_last"], cosmos419["t_last_start"], cosmos419["t_last_end"]) == (
        "1971 May 10?", dt.date(1971, 5, 9), dt.date(1971, 5, 11))
    assert (cosmos419["un_perigee_km"], cosmos419["un_apogee_km"], cosmos419["un_inc_deg"]) \
        == (158.0, 174.0, 51.4)
    assert (rows["S01454"]["t_last_start"], rows["S01454"]["t_last_end"]) == (
        dt.date(1966, 12, 1), dt.date(1966, 12, 31))  # "1966 Dec"
    assert (rows["S05252"]["t_last_start"], rows["S05252"]["t_last_end"]) == (
        dt.date(1972, 7, 1), dt.date(1972, 9, 30))  # "1972 Aug?"
    mars2 = rows["S05234"]  # no UN orbit: '-'
    assert (mars2["un_perigee_km"], mars2["un_apogee_km"], mars2["un_inc_deg"]) == (None,) * 3


def test_stored_rows_keep_last_contact_and_un_orbit(store: Store) -> None:
    store.import_gcat(GCAT_SAMPLE)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(gcat_payloads).where(gcat_payloads.c.jcat == "S05221")
                           ).one()._mapping
    assert (row["t_last"], row["t_last_start"], row["t_last_end"]) == (
        "1971 May 10?", dt.date(1971, 5, 9), dt.date(1971, 5, 11))
    assert (row["un_perigee_km"], row["un_apogee_km"], row["un_inc_deg"]) == (158, 174, 51.4)


@pytest.mark.parametrize(("text", "expected"), [
    ("1957 Oct  4", dt.date(1957, 10, 4)), ("1988 Jul 12 1701", dt.date(1988, 7, 12)),
    ("1971 May 10?", dt.date(1971, 5, 10)), ("1966 Dec", None), ("1974?", None),
    ("1971 Xyz 10", None), ("1971 Feb 30", None), ("", None), ("-", None),
])
def test_gcat_dates(text: str, expected: dt.date | None) -> None:
    assert gcat_date(text) == expected


def test_a_file_that_is_not_psatcat_is_refused(tmp_path: Path) -> None:
    bad = write_text(tmp_path / "satcat.tsv", "#JCAT\tSatcat\tName\nS00002\t2\tSputnik\n")
    with pytest.raises(GcatError, match=r"satcat.tsv:1:1: error: not GCAT's psatcat.tsv: "
                                        r"the header lacks Category, Class, LDate, Piece"):
        read_psatcat(bad)


def test_import_links_the_seed_payloads(store: Store) -> None:
    assert store.import_gcat(GCAT_SAMPLE) == SAMPLE_ROWS
    assert row_counts(store)["gcat_payloads"] == SAMPLE_ROWS
    found = links(store)
    strong = {name: jcat for _, name, jcat, how in found if how == "satcat+piece"}
    assert strong == SATCAT_AND_PIECE
    # The DPS and PPS landers were carried aboard their Phobos probe, whose number they
    # share, and were never catalogued: no row of their own, so no link (issue 12;
    # they were linked to the probe's row by number alone).
    assert [name for _, name, _, how in found if how != "satcat+piece"] == []
    assert len(found) == 15
    linked = {name for _, name, _, _ in found}
    assert "1F DPS" not in linked and "1F PPS" not in linked
    assert "Mars-96 (Mars 8)" not in linked and "Mars probe 1M s/n 1 failure" not in linked


def test_sputnik_22_links_to_s00443_by_number_and_piece(store: Store) -> None:
    store.import_gcat(GCAT_SAMPLE)
    detail = store.get("Sputnik 22")
    [item_id] = detail.stored.item_ids
    assert detail.gcat == {item_id: {
        "jcat": "S00443", "matched_by": "satcat+piece", "name": None, "piece": "1962 B IOT 1",
        "program": "2MV", "result": "F", "launch_date": "1962 Oct 24"}}
    phobos = store.get("satcat:19281")
    probe, dps = phobos.stored.item_ids
    assert (phobos.gcat[probe]["jcat"], phobos.gcat[probe]["matched_by"]) == (
        "S19281", "satcat+piece")
    assert phobos.gcat[probe]["name"] == "Phobos-1"
    assert dps not in phobos.gcat  # carried aboard Phobos 1


def test_reimport_is_idempotent(store: Store) -> None:
    store.import_gcat(GCAT_SAMPLE)
    before, found = row_counts(store), links(store)
    assert store.import_gcat(GCAT_SAMPLE) == SAMPLE_ROWS
    assert row_counts(store) == before
    assert links(store) == found


def test_a_refused_import_keeps_the_previous_one(store: Store, tmp_path: Path) -> None:
    store.import_gcat(GCAT_SAMPLE)
    before, found = row_counts(store), links(store)
    with pytest.raises(GcatError):
        store.import_gcat(write_text(tmp_path / "x.tsv", "not\tgcat\n"))
    assert row_counts(store) == before and links(store) == found


def test_a_smaller_catalog_replaces_the_old_one_and_its_links(store: Store,
                                                             tmp_path: Path) -> None:
    store.import_gcat(GCAT_SAMPLE)
    lines = GCAT_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith(("S19281", "S19287"))]
    smaller = write_text(tmp_path / "psatcat.tsv", "".join(kept))
    assert store.import_gcat(smaller) == SAMPLE_ROWS - 2
    found = links(store)
    assert len(found) == 15 - 2
    assert not any(name.startswith(("Phobos", "1F")) for _, name, _, _ in found)


def test_ingest_links_new_sources_and_reingest_keeps_links(store: Store,
                                                          tmp_path: Path) -> None:
    store.import_gcat(GCAT_SAMPLE)
    seed_links = links(store)
    assert store.ingest([None])[0].status == "unchanged"
    assert links(store) == seed_links

    copy = write_text(tmp_path / "copy.txt", SEED_TEXT)
    [added] = store.ingest([copy])
    assert added.status == "added"
    assert links(store, added.path) == seed_links
    edited = SEED_TEXT.replace("Spectrum 1", "Stereo-1").replace(
        "USAF Sat Cat: 443 .", "USAF Sat Cat: 451 .")
    write_text(copy, edited)
    [replaced] = store.ingest([copy])
    assert replaced.status == "replaced"
    new_links = links(store, replaced.path)
    assert len(new_links) == 15
    # Sputnik 22 now claims Sputnik 24's number, but its designator and launch day are
    # its own row's: that row has the better score (issue 12; the number alone won).
    assert ("1962 October 24", "Sputnik 22", "S00443", "designator") in new_links
    assert links(store, "soviet-mars-chronology.txt") == seed_links
    assert len(links(store)) == 30
    with store.engine.connect() as conn:  # no link outlives its item
        assert conn.execute(sa.select(sa.func.count()).select_from(gcat_links).where(
            gcat_links.c.item_id.not_in(sa.select(items.c.id)))).scalar_one() == 0


def test_designator_alone_links_when_there_is_no_number(store: Store, tmp_path: Path) -> None:
    store.import_gcat(GCAT_SAMPLE)
    text = ("Early Sputniks\n\n"
            "1957 October 4 - . 19:28 GMT - . Launch Site: Baikonur. LV Family: R-7. \n\n"
            "· PS-1 - . Payload: PS-1. Nation: USSR. COSPAR: 1957-Alpha-2. \n\n"
            "1957 November 3 - . 02:30 GMT - . Launch Site: Baikonur. LV Family: R-7. \n\n"
            "· Sputnik 2 - . Payload: PS-2. Nation: USSR. USAF Sat Cat: 3 . "
            "COSPAR: 1957-Beta-9. \n")
    [result] = store.ingest([write_text(tmp_path / "sputniks.txt", text)])
    assert links(store, result.path) == [
        ("1957 October 4", "PS-1", "S00002", "designator"),
        ("1957 November 3", "Sputnik 2", "S00003", "satcat")]


def test_gcat_rows_are_stored_with_their_dates(store: Store) -> None:
    store.import_gcat(GCAT_SAMPLE)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(gcat_payloads).where(gcat_payloads.c.jcat == "S05234")).one()
    assert (row.satcat, row.piece, row.name, row.launch_date, row.program, row.result) \
        == (5234, "1971-045A", "Mars 2", dt.date(1971, 5, 19), "3M", "U")
    assert (row.category, row.un_state, row.comment) == ("PLAN", "SU", "Mars orbiter")
