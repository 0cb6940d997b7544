"""Matching the seed's launches to GCAT's and comparing them (kosmochron.reconcile), on
the real GCAT rows of the seed's launches (tests/fixtures/gcat)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kosmochron.chronicle import GcatCatalog, render_chronology
from kosmochron.gcat import GcatLaunch, read_gcat
from kosmochron.model import Entry
from kosmochron.reconcile import Match, compare, launch_tag, match, similar
from kosmochron.source import parse_file, parse_text

GCAT = Path(__file__).parent / "fixtures" / "gcat"

#: Seed launch date -> (GCAT launch tag, how it was matched).
EXPECTED = {
    "1960 October 10": ("1960-F12", "circumstances"),
    "1960 October 14": ("1960-F14", "circumstances"),
    "1962 October 24": ("1962 B IOT", "designator"),
    "1962 November 1": ("1962 B NU", "designator"),
    "1962 November 4": ("1962 B XI", "designator"),
    "1963 November 11": ("1963-044", "designator"),
    "1964 February 19": ("1964-F01", "circumstances"),
    "1964 November 30": ("1964-078", "designator"),
    "1965 July 18": ("1965-056", "designator"),
    "1969 March 27": ("1969-F06", "circumstances"),
    "1969 April 2": ("1969-F07", "circumstances"),
    "1971 May 10": ("1971-042", "designator"),
    "1971 May 19": ("1971-045", "designator"),
    "1971 May 28": ("1971-049", "designator"),
    "1973 July 21": ("1973-047", "designator"),
    "1973 July 25": ("1973-049", "designator"),
    "1973 August 5": ("1973-052", "designator"),
    "1973 August 9": ("1973-053", "designator"),
    "1988 July 7": ("1988-058", "designator"),
    "1988 July 12": ("1988-059", "designator"),
    "1996 November 16": ("1996-064", "designator"),
}


@pytest.fixture(scope="module")
def gcat_entries() -> list[Entry]:
    records = []
    for name in ("psatcat-sample.tsv", "sites-sample.tsv", "orgs-sample.tsv", "lv-sample.tsv"):
        records.extend(read_gcat(GCAT / name)[1])
    catalog = GcatCatalog.from_records(records)
    launches = [r for r in read_gcat(GCAT / "orbital-launches-sample.csv")[1]
                if isinstance(r, GcatLaunch)]
    return parse_text("".join(render_chronology(launches, catalog))).entries


def matched(gcat_entries: list[Entry]) -> dict[str, tuple[Entry, Entry, Match]]:
    found = {}
    for entry in parse_file().launches():
        result = match(entry, gcat_entries)
        assert result is not None, entry.date.text
        index, how = result
        found[entry.date.text] = (entry, gcat_entries[index], how)
    return found


def test_every_seed_launch_is_matched_and_says_how(gcat_entries: list[Entry]) -> None:
    found = matched(gcat_entries)
    assert {date: (launch_tag(g), how.kind) for date, (_, g, how) in found.items()} == EXPECTED
    assert found["1962 October 24"][2].how == "designator 1962-B-Iota-1 is launch 1962 B IOT"
    assert found["1960 October 10"][2].how == (
        "failure designator F601010A gives 1960-10-10; vehicle Molniya 8K78 is Molniya 8K78; "
        "site Baikonur is Baykonur; time 14:27 within GCAT's 13:12–15:35")
    # Two GCAT launches on 1969 March 27: the Proton, not Mariner 7's Atlas.
    assert "vehicle Proton-K/D is Proton-K/D" in found["1969 March 27"][2].how


def disagreements(gcat_entries: list[Entry]) -> dict[str, list[tuple[str, object, object]]]:
    out: dict[str, list[tuple[str, object, object]]] = {}
    for date, (entry, g, how) in matched(gcat_entries).items():
        result = compare(entry, g, how)
        out[date] = [(c.field, c.astronautix, c.gcat) for c in result.disagreements]
    return out


def test_the_seeds_real_disagreements(gcat_entries: list[Entry]) -> None:
    found = disagreements(gcat_entries)
    # Astronautix numbers the Molniya's Block L stage 3, GCAT stage 4.
    assert ("failed stage", "3", "4") in found["1962 October 24"]
    assert ("failed stage", "1", "4") in found["1962 November 4"]
    assert ("failed stage", "3", "4") in found["1963 November 11"]
    assert ("failed stage", "2", "3") in found["1964 February 19"]
    assert ("failed stage", "S", "3") in found["1969 March 27"]
    # Mars-96: Astronautix a launch failure (Block D-2), GCAT a launch success (OS).
    assert ("outcome", "failure", "success") in found["1996 November 16"]
    # Zond 2: 13:12 against GCAT's JD 2438730.06 (13:19-13:33).
    assert ("time", "13:12", "13:19–13:33") in found["1964 November 30"]
    assert ("apogee", 187.0, 174.0) in found["1971 May 10"]
    assert found["1971 May 19"] == [] and found["1973 July 21"] == []


def test_agreements_are_said_too(gcat_entries: list[Entry]) -> None:
    entry, g, how = matched(gcat_entries)["1971 May 19"]
    fields = {c.field: c for c in compare(entry, g, how).fields}
    assert fields["site"].verdict == "agree" and fields["site"].note == "spelt differently"
    assert (fields["site"].astronautix, fields["site"].gcat) == ("Baikonur", "Baykonur")
    assert fields["time"].verdict == "agree"
    assert fields["vehicle"].verdict == fields["family"].verdict == "agree"
    assert fields["payload name"].verdict == "agree"


def test_a_field_neither_source_gives_has_no_row(gcat_entries: list[Entry]) -> None:
    """Issue 17: Mars 2's launch succeeded, so neither source names a failed stage: no
    "failed stage — — one source" row.  Across the seed, "one source" means exactly
    one value, and every row has a value to show."""
    found = matched(gcat_entries)
    entry, g, how = found["1971 May 19"]
    assert "failed stage" not in {c.field for c in compare(entry, g, how).fields}
    for entry, g, how in found.values():
        for c in compare(entry, g, how).fields:
            given = [v for v in (c.astronautix, c.gcat) if v is not None and v != ""]
            assert given, (entry.date.text, c.field)
            assert (c.verdict == "only-one") == (len(given) == 1), (entry.date.text, c)
    entry, g, how = found["1962 October 24"]  # a failure both date to a stage stays
    stage = next(c for c in compare(entry, g, how).fields if c.field == "failed stage")
    assert (stage.astronautix, stage.gcat, stage.verdict) == ("3", "4", "disagree")


def test_no_match_without_evidence(gcat_entries: list[Entry]) -> None:
    seed = next(parse_file().launches())
    elsewhere = [g for g in gcat_entries if g.date.text != seed.date.text]
    assert match(seed, elsewhere) is None


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Baikonur", "Baykonur", True), ("Cape Canaveral", "Canaveral", True),
    ("Mars 1", "Mars-1", True), ("Plesetsk", "Baykonur", False), (None, "x", False),
])
def test_similar_names(a: str | None, b: str | None, same: bool) -> None:
    assert similar(a, b) is same
