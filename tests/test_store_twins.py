"""One payload, several sources (kosmochron.store.twins) and what reads every account of
it, on SQLite and PostgreSQL: the seed with GCAT's fixture rows, whose launch list tells
the seed's launches again (issue 17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db_support import GCAT_FILES, SEED_NAME, SEED_TEXT, write_text
from kosmochron.store import Store
from kosmochron.store.twins import accounts, launch_entries, one_payload
from kosmochron.validate import Finding

pytest_plugins = ["db_support"]


@pytest.fixture
def merged(store: Store) -> Store:
    store.import_gcat_files(GCAT_FILES)
    return store


def by_source(store: Store, cospar: str) -> dict[str, int]:
    """The payload ids with designator ``cospar``, by source."""
    ids = store.payload_ids(cospar=cospar)
    told = store.payload_accounts(ids)
    return {told[i][0][0].source: i for i in ids}


def test_a_payload_two_sources_tell_is_paired_by_designator_or_number(merged: Store) -> None:
    mars3 = by_source(merged, "1971-049A")
    assert set(mars3) == {SEED_NAME, "gcat"}
    with merged.engine.connect() as conn:
        found = accounts(conn, [mars3["gcat"], mars3[SEED_NAME]])
    # Itself first, then the others (the chronology's before GCAT's).
    assert [(a.item_id, a.counted) for a in found[mars3["gcat"]]] == \
        [(mars3["gcat"], True), (mars3[SEED_NAME], False)]
    assert [a.item_id for a in found[mars3[SEED_NAME]]] == [mars3[SEED_NAME], mars3["gcat"]]
    # Phobos 1's landers were carried aboard (a placeholder designator and the carrier's
    # number): the number pairs the carrier only.
    phobos = merged.payload_ids(satcat=19281)
    told = merged.payload_accounts(phobos)
    pairs = {i: [a.item_id for a, _, _ in told[i][1:]] for i in phobos}
    names = {i: told[i][0][2].name for i in phobos}
    carrier = next(i for i in phobos if names[i] == "Phobos 1")
    gcat = next(i for i in phobos if names[i] == "Phobos-1")
    assert pairs[carrier] == [gcat] and pairs[gcat] == [carrier]
    assert all(pairs[i] == [] for i in phobos if i not in (carrier, gcat))


def test_one_payload_is_the_counted_ones_and_a_real_ambiguity_is_none(
        merged: Store, tmp_path: Path) -> None:
    mars3 = by_source(merged, "1971-049A")
    assert merged.one_payload(sorted(mars3.values()))[0] == mars3["gcat"]  # type: ignore[index]
    phobos = merged.payload_ids(satcat=19281)  # Phobos 1, its landers, GCAT's Phobos-1
    chosen, told = merged.one_payload(phobos) or (None, [])
    assert chosen is not None and told[0].source == "gcat" and len(told) == 2
    merged.set_prefer("astronautix")
    assert merged.one_payload(sorted(mars3.values()))[0] == mars3[SEED_NAME]  # type: ignore[index]
    merged.set_prefer("gcat")
    # The seed stored twice: both copies are linked to GCAT's launch, so the three are
    # one payload, the launch counted once (GCAT's).
    copy = write_text(tmp_path / "copy.txt", SEED_TEXT)
    merged.ingest([copy])
    three = merged.payload_ids(cospar="1971-049A")
    assert len(three) == 3 and merged.one_payload(three)[0] == mars3["gcat"]  # type: ignore[index]


def test_the_same_chronology_twice_without_gcat_is_ambiguous(store: Store,
                                                            tmp_path: Path) -> None:
    store.ingest([write_text(tmp_path / "copy.txt", SEED_TEXT)])
    two = store.payload_ids(cospar="1971-049A")
    assert len(two) == 2 and store.one_payload(two) is None
    with store.engine.connect() as conn:
        assert one_payload(conn, [two[0]]) is not None


def test_events_and_transfer_read_every_sources_narrative(merged: Store) -> None:
    """Mars 3: GCAT's item (the one counted) has no narrative; Astronautix's dates the
    arrival on 2 December 1971.  Both items are one payload: the same events (each
    saying where it is told) and the same arrival, from either."""
    mars3 = by_source(merged, "1971-049A")
    seed_entry = merged.payload_accounts([mars3[SEED_NAME]])[mars3[SEED_NAME]][0][0].entry_id
    for item_id in (mars3["gcat"], mars3[SEED_NAME]):
        events = merged.payload_events(item_id)
        arrival = next(e for e in events if e.kind == "arrival")
        assert arrival.date is not None and arrival.date.start == dt.date(1971, 12, 2)
        assert (arrival.source, arrival.entry_id, arrival.item_id) == \
            (SEED_NAME, seed_entry, mars3[SEED_NAME])
        report = merged.payload_transfer(item_id)
        assert report is not None and report["arrival"]["date"]["start"] == "1971-12-02"
        assert report["transfer"] is not None and report["transfer"]["arrive"][:10] == \
            "1971-12-02"
        assert [a["payload_id"] for a in report["told_by"]] == \
            [i for i in mars3.values() if i != item_id]
    # The window's marks are the counted launches, with the arrivals their accounts date.
    assert report is not None
    marks = {m["name"]: m for m in report["window"]["launches"]}
    assert marks["Mars 3"]["payload_id"] == mars3["gcat"]
    assert marks["Mars 3"]["arrival"] == "1971-12-02"
    assert marks["Mars 2"]["arrival"] == "1971-11-27"


def test_a_reason_told_by_another_source_counts(merged: Store) -> None:
    # Phobos 1 left Earth: GCAT's end of mission (1988 Aug 28) is no decay date, so
    # neither account says it never left Earth orbit.
    phobos = merged.payload_ids(cospar="1988-058A")
    assert len(phobos) == 2
    for item_id in phobos:
        assert merged.no_transfer_reason(item_id) is None
    # Cosmos 419 was stranded in its parking orbit: no transfer, whichever account
    # is asked (Astronautix records a failed launch; GCAT an orbit, and the decay day
    # only Astronautix gives).
    reasons = {merged.payload_accounts([i])[i][0][0].source: merged.no_transfer_reason(i)
               for i in merged.payload_ids(cospar="1971-042A")}
    assert reasons[SEED_NAME] == "its launch failed"
    assert reasons["gcat"] is not None


def test_a_launchs_findings_are_every_sources(merged: Store) -> None:
    mars3 = by_source(merged, "1971-049A")
    gcat_entry = merged.payload_accounts([mars3["gcat"]])[mars3["gcat"]][0][0].entry_id
    with merged.engine.connect() as conn:
        told = launch_entries(conn, gcat_entry)
    assert told[0] == gcat_entry and len(told) == 2
    found = merged.findings(entry_id=gcat_entry)
    # Astronautix's narrative says an 11-day orbit against its Period field.
    assert ("period-narrative", SEED_NAME) in {(f.rule, f.source) for f in found}
    assert not [f for f in found if f.source == "gcat" and f.rule.startswith("gcat-")]
    # Asked through the other entry, the same launch has the same findings.
    def key(f: Finding) -> tuple[str, str, int, str]:
        return (f.rule, f.source, f.line, f.message)

    assert sorted(map(key, found)) == sorted(map(key, merged.findings(entry_id=told[1])))
