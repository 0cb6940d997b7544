"""Queries over the store: every LaunchFilter filter, ordering and paging, lookups and
statistics, checked against the bundled seed (and a small hand-made chronology for
vague dates).  Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from db_support import SEED_LAUNCHES, SEED_NAME, SEED_TEXT, write_text
from kosmochron.dates import parse_date_bound
from kosmochron.stats import wilson_interval
from kosmochron.store import LaunchFilter, QueryError, Store, UnknownValue

pytest_plugins = ["db_support"]

#: Entries whose dates are a day, a month, a season, a year and a day range, one
#: event (no launch facts), one bare launch header without items, and one entry
#: whose date cannot be read at all.
VAGUE = """Vague Dates

1971 April 30 - . 10:00 GMT - . Launch Site: Plesetsk. Launch Complex: Plesetsk LC43/3. LV Family: R-7. Launch Vehicle: Soyuz 11A511. 

· Day Probe - . Payload: DP s/n 1. Nation: USSR. Agency: MOM. Program: Test. COSPAR: 1971-040A. 

1971 May - . Launch Site: Plesetsk. Launch Complex: Plesetsk LC43/3. LV Family: R-7. Launch Vehicle: Soyuz 11A511. 

· May Probe - . Payload: MP s/n 1. Nation: USSR. Agency: MOM. Program: Test. COSPAR: 1971-041A. 

1971 Summer - . Launch Site: Plesetsk. LV Family: R-7. Launch Vehicle: Soyuz 11A511. 

· Summer Probe - . Payload: SP s/n 1. Nation: USSR. Program: Test. COSPAR: 1971-060A. 

1972 - . Launch Site: Plesetsk. LV Family: R-7. Launch Vehicle: Soyuz 11A511. 

· Year Probe - . Payload: YP s/n 1. Nation: USSR. Program: Test. COSPAR: 1972-001A. 

1972 March 3-5 - . Launch Site: Plesetsk. LV Family: R-7. Launch Vehicle: Soyuz 11A511. 

· Range Probe - . Payload: RP s/n 1. Nation: USSR. Program: Test. COSPAR: 1972-015A. 

1971 June 1 - . Launch Vehicle: Proton-K/D. 

· Decision on M-73 - . Nation: USSR. Program: Mars. The commission decided to fly four spacecraft in 1973.

1971 June 5 - . 12:00 GMT - . Launch Site: Plesetsk. LV Family: R-7. 

0000 May 3 - . 10:00 GMT - . Launch Site: Plesetsk. LV Family: R-7. 

· Lost Probe - . Payload: LP s/n 1. Nation: USSR. Program: Test. COSPAR: F000503A. 
"""  # noqa: E501, W291 - the format has long lines; headers and items end with a space


def dates(store: Store, **options: Any) -> list[str]:
    return [s.entry.date.text for s in store.launches(**options)]


@pytest.fixture
def vague(store: Store, tmp_path: Path) -> tuple[Store, str]:
    """The seed plus the vague-dates chronology; returns the store and that file's source."""
    path = write_text(tmp_path / "vague.txt", VAGUE)
    [result] = store.ingest([path])
    assert result.status == "added" and result.entries == 8 and result.launches == 7
    assert result.errors == 1  # the unreadable date
    return store, result.path


# -- dates -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "end", "expected"), [
    ("1971", False, dt.date(1971, 1, 1)), ("1971", True, dt.date(1971, 12, 31)),
    ("1971-05", False, dt.date(1971, 5, 1)), ("1971-05", True, dt.date(1971, 5, 31)),
    ("1972-2", True, dt.date(1972, 2, 29)), ("1971-05-19", False, dt.date(1971, 5, 19)),
    ("1971-05-19", True, dt.date(1971, 5, 19)), ("1971 May", True, dt.date(1971, 5, 31)),
    (" 1971 May 19 ", False, dt.date(1971, 5, 19)), ("1971 Summer", True, dt.date(1971, 8, 31)),
])
def test_date_bounds(text: str, end: bool, expected: dt.date) -> None:
    assert parse_date_bound(text, end=end) == expected


@pytest.mark.parametrize("text", ["May 1971", "1971-13", "1971-02-30", "71", "", "yesterday"])
def test_bad_date_bounds_are_query_errors(text: str) -> None:
    with pytest.raises(QueryError, match="bad date"):
        LaunchFilter.from_options(date_from=text)


def test_date_filters_on_the_seed(seeded: Store) -> None:
    assert dates(seeded, date_from="1971", date_to="1971") \
        == ["1971 May 10", "1971 May 19", "1971 May 28"]
    assert dates(seeded, date_from="1971-05-15", date_to="1971-05") \
        == ["1971 May 19", "1971 May 28"]
    assert dates(seeded, date_from="1971 May 19", date_to="1971-05-19") == ["1971 May 19"]
    assert dates(seeded, date_to="1962-11-01") \
        == ["1960 October 10", "1960 October 14", "1962 October 24", "1962 November 1"]
    assert dates(seeded, date_from="1988-07-08") == ["1988 July 12", "1996 November 16"]
    assert dates(seeded, date_from="1974", date_to="1987") == []
    between = LaunchFilter(date_from=dt.date(1973, 7, 22), date_to=dt.date(1973, 8, 5))
    assert [s.entry.date.text for s in seeded.launches(between)] \
        == ["1973 July 25", "1973 August 5"]
    assert seeded.count(between) == 2


def test_date_filters_match_the_interval_a_vague_date_denotes(vague: tuple[Store, str]) -> None:
    store, source = vague

    def on(day: str) -> list[str]:
        return dates(store, date_from=day, date_to=day, source=source)

    assert on("1971-05-15") == ["1971 May"]  # a day inside May finds the '1971 May' entry
    assert dates(store, date_from="1971-05-15", date_to="1971-05-15") == ["1971 May"]
    assert dates(store, date_from="1971-05-19", date_to="1971-05-19") \
        == ["1971 May", "1971 May 19"]
    assert on("1971-04-30") == ["1971 April 30"]
    assert on("1971-05-01") == ["1971 May"]
    assert on("1971-05-31") == ["1971 May"]
    assert on("1971-06-05") == ["1971 Summer", "1971 June 5"]
    assert on("1971-08-31") == ["1971 Summer"]
    assert on("1971-09-01") == []
    assert on("1972-03-04") == ["1972", "1972 March 3-5"]
    assert on("1972-03-06") == ["1972"]
    assert dates(store, date_from="1971-05", date_to="1971-05", source=source) == ["1971 May"]
    assert dates(store, date_from="1971-05", date_to="1971-05") \
        == ["1971 May", "1971 May 10", "1971 May 19", "1971 May 28"]
    # Overlap, not containment: a May entry is in "up to May 1" and "from May 31".
    assert dates(store, date_to="1971-05-01", source=source) == ["1971 April 30", "1971 May"]
    assert dates(store, date_from="1971-05-31", date_to="1971-12", source=source) \
        == ["1971 May", "1971 Summer", "1971 June 5"]
    assert dates(store, date_from="1971-09", source=source) == ["1972", "1972 March 3-5"]
    # The entry whose date cannot be read has no interval: no date filter finds it.
    assert dates(store, date_from="0001", source=source) == dates(
        store, date_to="9999", source=source)
    assert "0000 May 3" not in dates(store, date_from="0001")


# -- every other filter ----------------------------------------------------------


@pytest.mark.parametrize(("options", "expected"), [
    ({"site": "Baikonur"}, 21), ({"site": "BAIKONUR"}, 21), ({"site": "baikonur"}, 21),
    ({"complex": "Baikonur LC81/23"}, 5), ({"complex": "baikonur-lc81-23"}, 5),
    ({"complex": "Baikonur LC1"}, 9), ({"complex": "baikonur lc200/39"}, 2),
    ({"family": "Proton"}, 12), ({"family": "proton"}, 12), ({"family": "R-7"}, 9),
    ({"family": "r-7"}, 9),
    ({"vehicle": "Molniya 8K78"}, 8), ({"vehicle": "Molniya 8K78M"}, 1),
    ({"vehicle": "molniya-8k78m"}, 1), ({"vehicle": "Proton-K/D"}, 9),
    ({"vehicle": "proton-k-d-2"}, 3),
    ({"configuration": "Proton-K/D 281-01"}, 1), ({"configuration": "proton-k-d-281-02"}, 1),
    ({"configuration": "Molniya 8K78 T103-15"}, 1),
    ({"program": "Mars"}, 21), ({"program": "mars"}, 21),
    ({"nation": "USSR"}, 20), ({"nation": "ussr"}, 20), ({"nation": "Russia"}, 1),
    ({"agency": "MOM"}, 10), ({"agency": "mom"}, 10), ({"agency": "Korolev"}, 2),
    ({"agency": "korolev"}, 2), ({"agency": "KOROLEV"}, 2), ({"agency": "RVSN"}, 8),
    ({"agency": "rvsn"}, 8), ({"agency": "UNKS"}, 2), ({"agency": "vks"}, 1),
    ({"outcome": "failure"}, 10), ({"outcome": "success"}, 11),
    ({"failed_stage": "3"}, 4), ({"failed_stage": "1"}, 2), ({"failed_stage": "2"}, 2),
    ({"failed_stage": "4"}, 1), ({"failed_stage": "S"}, 1), ({"failed_stage": "5"}, 0),
    ({"satcat": 443}, 1), ({"satcat": 19287}, 1), ({"satcat": 99999}, 0),
    ({"satcat": 10**20}, 0),
    ({"text": "computer chip"}, 4), ({"text": "zzyzx"}, 0),
    ({"kind": "launch"}, 21), ({"kind": "event"}, 0), ({"kind": None}, 21),
    ({"source": SEED_NAME}, 21),
    ({"family": "Proton", "outcome": "failure"}, 4), ({"family": "R-7", "failed_stage": "3"}, 4),
    ({"agency": "MOM", "date_from": "1973"}, 6), ({"nation": "Russia", "agency": "RVSN"}, 0),
    ({"site": "\x00Baikonur"}, 21), ({"cospar": "\x00"}, 0),
])
def test_each_filter_counts_the_seed(seeded: Store, options: dict[str, Any],
                                     expected: int) -> None:
    assert seeded.count(**options) == expected
    assert len(seeded.launches(**options)) == expected


@pytest.mark.parametrize(("options", "suggested"), [
    ({"site": "Plesetsk"}, []), ({"family": "Soyuz"}, []), ({"program": "Venera"}, []),
    ({"agency": "NASA"}, []), ({"source": "elsewhere.txt"}, []),
    ({"family": "Protn"}, ["Proton"]), ({"site": "baikonr"}, ["Baikonur"]),
    ({"vehicle": "Molniya 8K78 M"}, ["Molniya 8K78M", "Molniya 8K78"]),
    ({"complex": "Baikonur LC-1"}, ["Baikonur LC1"]),
    ({"family": ("Proton", "R7")}, ["R-7"]), ({"failed_stage": "third"}, []),
    ({"outcome": "failur"}, ["failure"]),
])
def test_an_unknown_name_is_an_error_with_the_nearest_known(
        seeded: Store, options: dict[str, Any], suggested: list[str]) -> None:
    """Once an empty result (issue 13): a name that names nothing stored says so, with
    the known names nearest to it; a known name that matches nothing stays empty."""
    with pytest.raises(UnknownValue) as caught:
        seeded.count(**options)
    assert caught.value.suggestions[:len(suggested)] == suggested
    assert caught.value.field == next(iter(options))
    assert ("did you mean" in str(caught.value)) == bool(suggested)


def test_several_names_match_any_of_them(seeded: Store) -> None:
    assert seeded.count(family=("Proton", "r-7")) == 21
    assert seeded.count(failed_stage=("3", "S")) == 5
    assert seeded.count(family="Proton", failed_stage="5") == 0  # known, matching nothing


def test_filters_select_the_right_launches(seeded: Store) -> None:
    assert dates(seeded, family="Proton", outcome="failure") \
        == ["1969 March 27", "1969 April 2", "1971 May 10", "1996 November 16"]
    assert dates(seeded, agency="korolev") == ["1963 November 11", "1964 November 30"]
    assert dates(seeded, agency="UNKS") == ["1988 July 7", "1988 July 12"]
    assert dates(seeded, nation="russia") == ["1996 November 16"]
    assert dates(seeded, failed_stage="S") == ["1969 March 27"]
    assert dates(seeded, failed_stage="4") == ["1971 May 10"]
    assert dates(seeded, vehicle="Molniya 8K78M") == ["1964 February 19"]
    assert dates(seeded, configuration="Proton-K/D 281-01") == ["1973 August 5"]
    assert dates(seeded, complex="Baikonur LC200/40") == ["1988 July 12"]
    assert dates(seeded, satcat=19281) == ["1988 July 7"]
    assert dates(seeded, text="computer chip") \
        == ["1973 July 21", "1973 July 25", "1973 August 5", "1973 August 9"]
    assert dates(seeded, text='"Cuban missile crisis"') == ["1962 October 24"]
    successes = set(dates(seeded, outcome="success"))
    failures = set(dates(seeded, outcome="failure"))
    assert not successes & failures and len(successes | failures) == SEED_LAUNCHES
    for stored in seeded.launches(outcome="failure"):
        assert stored.entry.outcome == "failure" and stored.entry.failed_stage is not None


@pytest.mark.parametrize("spelling", ["1962-B-Iota-1", "1962 Beta Iota 1", "1962 B IOT 1"])
def test_cospar_filter_takes_all_three_spellings(seeded: Store, spelling: str) -> None:
    [stored] = seeded.launches(cospar=spelling)
    assert stored.entry.date.text == "1962 October 24"
    assert [i.name for i in stored.entry.items] == ["Sputnik 22"]


def test_cospar_filter_on_modern_failure_and_placeholder_designators(seeded: Store) -> None:
    assert dates(seeded, cospar="1971-045A") == ["1971 May 19"]
    assert dates(seeded, cospar="F690327A") == ["1969 March 27"]
    assert dates(seeded, cospar="1988-059xx") == ["1988 July 12"]
    # Issue 13: any written style finds the payload, and a launch's designator its
    # payloads; another designator (no 1962 "B" prefix) still finds nothing.
    assert dates(seeded, cospar="1964-078c") == ["1964 November 30"]
    assert dates(seeded, cospar="1962 beta nu 3") == dates(seeded, cospar="1962-B-Nu-3")
    assert dates(seeded, cospar="1971-049") == ["1971 May 28"]
    assert dates(seeded, cospar="1962 Nu 3") == []


def test_kind_and_items_filters_on_a_hand_made_file(vague: tuple[Store, str]) -> None:
    store, source = vague
    assert dates(store, kind="event") == ["1971 June 1"]
    assert store.count(kind=None, source=source) == 8
    assert store.count(source=source) == 7
    assert dates(store, source=source, program="test") \
        == ["1971 April 30", "1971 May", "1971 Summer", "1972", "1972 March 3-5", "0000 May 3"]
    assert dates(store, kind=None, program="Mars", source=source) == ["1971 June 1"]
    assert dates(store, agency="mom", source=source) == ["1971 April 30", "1971 May"]
    assert dates(store, complex="plesetsk-lc43-3") == ["1971 April 30", "1971 May"]
    assert dates(store, site="Plesetsk", family="R-7", date_from="1971-06") \
        == ["1971 Summer", "1971 June 5", "1972", "1972 March 3-5"]
    assert store.count(family="R-7") == 9 + 7


def test_unknown_filters_and_values_are_query_errors(seeded: Store) -> None:
    with pytest.raises(QueryError, match="unknown filter 'familly'"):
        seeded.launches(familly="Proton")
    with pytest.raises(QueryError, match="bad outcome 'partial'"):
        seeded.count(outcome="partial")
    with pytest.raises(QueryError, match="bad ordering 'size'"):
        seeded.launches(order="size")


# -- ordering and paging ---------------------------------------------------------


def test_ordering_limit_offset_and_count(seeded: Store) -> None:
    by_date = seeded.launches()
    assert len(by_date) == SEED_LAUNCHES
    starts = [s.entry.date.start for s in by_date]
    assert starts == sorted(d for d in starts if d is not None)
    assert by_date[0].entry.date.text == "1960 October 10"
    assert by_date[-1].entry.date.text == "1996 November 16"
    assert [s.id for s in seeded.launches(order="-date")] == [s.id for s in reversed(by_date)]
    ids = [s.id for s in seeded.launches(order="id")]
    assert ids == sorted(ids) and len(set(ids)) == SEED_LAUNCHES
    assert [s.id for s in seeded.launches(order="-id")] == ids[::-1]
    assert [s.id for s in seeded.launches(limit=5)] == [s.id for s in by_date[:5]]
    assert [s.id for s in seeded.launches(limit=5, offset=5)] == [s.id for s in by_date[5:10]]
    assert [s.id for s in seeded.launches(offset=18)] == [s.id for s in by_date[18:]]
    assert seeded.launches(offset=21) == []
    assert seeded.launches(limit=0) == []
    pages = [seeded.launches(order="-date", limit=4, offset=k) for k in range(0, 24, 4)]
    assert [s.id for page in pages for s in page] == [s.id for s in reversed(by_date)]
    assert seeded.count() == SEED_LAUNCHES
    assert seeded.count(LaunchFilter(family="Proton")) == 12
    failures = seeded.launches(LaunchFilter(outcome="failure"), order="-date", limit=2)
    assert [s.entry.date.text for s in failures] == ["1996 November 16", "1971 May 10"]


def test_undated_entries_come_last_in_both_orders(vague: tuple[Store, str]) -> None:
    store, source = vague
    assert dates(store, source=source)[-1] == "0000 May 3"
    assert dates(store, source=source, order="-date")[-1] == "0000 May 3"
    assert dates(store, source=source, order="-date")[:2] == ["1972 March 3-5", "1972"]


def test_launches_come_back_as_model_entries_with_item_ids(seeded: Store) -> None:
    [phobos] = seeded.launches(date_from="1988-07-12", date_to="1988-07-12")
    assert phobos.source == SEED_NAME
    assert [i.name for i in phobos.entry.items] == ["Phobos 2", "1F DPS", "1F PPS"]
    assert len(phobos.item_ids) == 3 and phobos.item_ids == sorted(phobos.item_ids)
    assert phobos.entry.line == 123 and phobos.entry.vehicle == "Proton-K/D-2"
    assert phobos.entry.items[0].value("USAF Sat Cat") == "19287"


# -- lookups ---------------------------------------------------------------------


def test_get_by_id_cospar_satcat_and_name(seeded: Store) -> None:
    sputnik = seeded.launches(cospar="1962-B-Iota-1")[0].id
    for term in (sputnik, str(sputnik), f"id:{sputnik}", "1962-B-Iota-1", "1962 Beta Iota 1",
                 "1962 B IOT 1", "cospar:1962 B IOT 1", "443", "satcat:443", "Sputnik 22",
                 "sputnik 22", "name:SPUTNIK 22", "  Sputnik 22  "):
        detail = seeded.get(term)
        assert detail.stored.id == sputnik, term
        assert detail.stored.entry.date.text == "1962 October 24"
    detail = seeded.get("Sputnik 22")
    assert detail.raw.startswith("1962 October 24 - . 17:55 GMT - . Launch Site: Baikonur.")
    assert "Cuban missile crisis" in detail.raw
    assert detail.diagnostics == [] and detail.gcat == {}
    assert [i.name for i in detail.stored.entry.items] == ["Sputnik 22"]
    assert seeded.get("cospar:1988-058A").stored.entry.date.text == "1988 July 7"
    assert seeded.get("satcat:19287").stored.entry.date.text == "1988 July 12"
    assert seeded.get("Mars-96").stored.entry.date.text == "1996 November 16"  # name prefix
    assert seeded.detail(sputnik).raw == detail.raw


def test_lookup_lists_every_matching_launch(seeded: Store) -> None:
    phobos_1 = seeded.launches(satcat=19281)[0].id
    phobos_2 = seeded.launches(satcat=19287)[0].id
    assert seeded.lookup("1F DPS") == [phobos_1, phobos_2]
    assert seeded.lookup("19281") == [phobos_1]  # no entry has that id: a satellite number
    assert seeded.lookup("satcat:19281") == [phobos_1]
    assert seeded.lookup("phobos") == [phobos_1, phobos_2]
    assert len(seeded.lookup("Mars")) == 10  # every 'Mars …' payload name, by prefix
    assert seeded.lookup("name:1962-B-Iota-1") == []
    assert seeded.lookup("cospar:Sputnik 22") == []


@pytest.mark.parametrize("term", ["%", "_", "\\", "\x00", "Sputnik\x00 22", "'", '"', "*",
                                  "99999999999999999999", "id:99999999999999999999",
                                  "2147483648", "²", "satcat:²", "id:", "cospar:", ":", "",
                                  "x" * 5000, "1" * 5000, "name:%"])
def test_hostile_lookups_never_raise(seeded: Store, term: str) -> None:
    found = seeded.lookup(term)
    assert all(isinstance(i, int) for i in found)
    if term in ("%", "_", "\\", "name:%", "'", '"', "*", ":", "2147483648"):
        assert found == []


def test_get_without_a_unique_match_is_a_query_error(seeded: Store) -> None:
    with pytest.raises(QueryError, match="no launch matches 'Apollo 11'"):
        seeded.get("Apollo 11")
    with pytest.raises(QueryError, match="2 launches match '1F DPS'"):
        seeded.get("1F DPS")
    with pytest.raises(QueryError, match="2 launches match 'Sputnik 2'"):
        seeded.get("Sputnik 2")  # Sputnik 22 and Sputnik 24, by prefix
    with pytest.raises(QueryError, match="10 launches match 'mars'"):
        seeded.get("mars")
    with pytest.raises(QueryError, match="no entry with id 99999"):
        seeded.detail(99999)


# -- statistics ------------------------------------------------------------------


def test_wilson_interval_against_a_hand_computation() -> None:
    # Proton: 8 successes in 12.  z = 1.959964, z² = 3.841459, p = 2/3.
    #   denominator = 1 + z²/n                     = 1.320122
    #   centre      = (p + z²/2n) / denominator    = (0.666667 + 0.160061) / 1.320122 = 0.626251
    #   half-width  = z·√(p(1-p)/n + z²/4n²) / den = 1.959964·√(0.018519 + 0.006669)
    #                                                 / 1.320122                    = 0.235629
    low, high = wilson_interval(8, 12)
    assert low == pytest.approx(0.626251 - 0.235629, abs=2e-6)
    assert high == pytest.approx(0.626251 + 0.235629, abs=2e-6)
    # 3 successes in 9, p = 1/3: den = 1.426829, centre = (0.333333 + 0.213414) / den
    # = 0.383191, half-width = 1.959964·√(0.024691 + 0.011856) / den = 0.262607.
    low, high = wilson_interval(3, 9)
    assert low == pytest.approx(0.120584, abs=2e-6)
    assert high == pytest.approx(0.645798, abs=2e-6)
    # All successes: the upper end is exactly 1 and the lower one n / (n + z²).
    low, high = wilson_interval(5, 5)
    assert low == pytest.approx(5 / (5 + 1.959964**2)) and high == 1.0
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and high == pytest.approx(1 - 5 / (5 + 1.959964**2))
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 20)  # symmetric about 1/2
    assert low + high == pytest.approx(1.0)


def test_stats_by_family(seeded: Store) -> None:
    proton, r7 = seeded.stats("family")
    assert (proton.key, proton.launches, proton.failures, proton.successes) \
        == ("Proton", 12, 4, 8)
    assert (r7.key, r7.launches, r7.failures, r7.successes) == ("R-7", 9, 6, 3)
    assert proton.success_rate == pytest.approx(8 / 12)
    assert r7.success_rate == pytest.approx(3 / 9)
    assert (proton.ci_low, proton.ci_high) == wilson_interval(8, 12)
    assert (r7.ci_low, r7.ci_high) == wilson_interval(3, 9)
    assert proton.ci_low == pytest.approx(0.390622, abs=2e-6)
    assert r7.ci_high == pytest.approx(0.645798, abs=2e-6)
    assert proton.failed_stages == {"1": 1, "2": 1, "4": 1, "S": 1}
    assert list(r7.failed_stages.items()) == [("3", 4), ("1", 1), ("2", 1)]


def test_failed_stage_breakdown(seeded: Store) -> None:
    stages = seeded.failed_stages()
    assert list(stages.items()) == [("3", 4), ("1", 2), ("2", 2), ("4", 1), ("S", 1)]
    assert seeded.failed_stages(family="Proton") == {"1": 1, "2": 1, "4": 1, "S": 1}
    assert seeded.failed_stages(date_from="1970") == {"2": 1, "4": 1}
    assert seeded.failed_stages(outcome="success") == {}


@pytest.mark.parametrize("by", ["family", "vehicle", "configuration", "site", "program",
                                "nation", "decade", "year"])
def test_every_statistic_accounts_for_every_launch(seeded: Store, by: str) -> None:
    rows = seeded.stats(by)
    assert sum(r.launches for r in rows) == SEED_LAUNCHES
    assert sum(r.failures for r in rows) == 10
    assert len({r.key for r in rows}) == len(rows)
    for r in rows:
        assert 0 <= r.failures <= r.launches
        assert r.success_rate == pytest.approx(r.successes / r.launches)
        assert (r.ci_low, r.ci_high) == wilson_interval(r.successes, r.launches)
        assert sum(r.failed_stages.values()) == r.failures


def test_stats_keys_and_figures(seeded: Store) -> None:
    def table(by: str, **options: Any) -> list[tuple[str, int, int]]:
        return [(r.key, r.launches, r.failures) for r in seeded.stats(by, **options)]

    assert table("vehicle") == [("Molniya 8K78", 8, 5), ("Molniya 8K78M", 1, 1),
                                ("Proton-K/D", 9, 3), ("Proton-K/D-2", 3, 1)]
    assert table("site") == [("Baikonur", 21, 10)]
    assert table("program") == [("Mars", 21, 10)]
    assert table("nation") == [("Russia", 1, 1), ("USSR", 20, 9)]
    assert table("decade") == [("1960", 11, 8), ("1970", 7, 1), ("1980", 2, 0), ("1990", 1, 1)]
    assert table("year") == [("1960", 2, 2), ("1962", 3, 2), ("1963", 1, 1), ("1964", 2, 1),
                             ("1965", 1, 0), ("1969", 2, 2), ("1971", 3, 1), ("1973", 4, 0),
                             ("1988", 2, 0), ("1996", 1, 1)]
    configurations = table("configuration")
    assert len(configurations) == 20
    # Two Molniya launches (1964 November 30, 1965 July 18) name no configuration.
    assert configurations[-1] == ("(none)", 2, 0)
    assert ("Proton-K/D 240-01", 1, 1) in configurations
    assert table("family", outcome="failure") == [("Proton", 4, 4), ("R-7", 6, 6)]
    assert table("family", date_from="1970") == [("Proton", 10, 2)]
    assert table("nation", agency="VKS") == [("Russia", 1, 1)]
    assert table("year", text="computer chip") == [("1973", 4, 0)]


def test_stats_leave_the_callers_filter_alone(seeded: Store) -> None:
    f = LaunchFilter(kind=None, family="Proton")
    assert [r.launches for r in seeded.stats("family", f)] == [12]
    assert seeded.failed_stages(f) == {"1": 1, "2": 1, "4": 1, "S": 1}
    assert f.kind is None
    assert seeded.count(f) == 12


def test_stats_count_launches_without_the_value_under_none(vague: tuple[Store, str]) -> None:
    store, source = vague

    def table(by: str) -> list[tuple[str, int]]:
        return [(r.key, r.launches) for r in store.stats(by, source=source)]

    # '1971 June 5' has no items, so no program and no nation; '1971 June 1' is an
    # event, not a launch; '0000 May 3' has no year.
    assert table("program") == [("Test", 6), ("(none)", 1)]
    assert table("nation") == [("USSR", 6), ("(none)", 1)]
    assert table("site") == [("Plesetsk", 7)]
    assert table("vehicle") == [("Soyuz 11A511", 5), ("(none)", 2)]
    assert table("year") == [("1971", 4), ("1972", 2), ("(none)", 1)]
    assert table("decade") == [("1970", 6), ("(none)", 1)]
    for by in ("family", "vehicle", "configuration", "site", "program", "nation", "decade",
               "year"):
        assert sum(r.launches for r in store.stats(by)) == SEED_LAUNCHES + 7, by


def test_a_bad_statistic_is_a_query_error(seeded: Store) -> None:
    with pytest.raises(QueryError, match="bad statistic 'colour'"):
        seeded.stats("colour")


def test_rows_picked_by_id_are_read_from_their_ids(tmp_path: Path) -> None:
    """Entries and items chosen by id are joined to their sources so that the ids drive
    the query: SQLite once read such a join from the one source and every entry of it,
    seeking each entry's items among 1,635 ids (7.9 s on 100,000 launches)."""
    import sqlalchemy as sa

    from corpus_support import corpus_text
    from kosmochron.store import open_store
    from kosmochron.store.schema import entries, items, items_with_sources, sources, with_sources

    path = write_text(tmp_path / "corpus.txt", corpus_text(600))
    with open_store(str(tmp_path / "k.sqlite3"), seed_if_empty=False) as store:
        store.ingest([path])
        with store.engine.connect() as conn:
            item_ids = list(conn.execute(sa.select(items.c.id).limit(400)).scalars())
            entry_ids = list(conn.execute(sa.select(entries.c.id).limit(400)).scalars())
            for query, first in (
                    (sa.select(items.c.id, sources.c.path).select_from(items_with_sources())
                     .where(items.c.id.in_(item_ids)), "items"),
                    (sa.select(entries.c.id, sources.c.path).select_from(with_sources(entries))
                     .where(entries.c.id.in_(entry_ids)), "entries")):
                sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
                plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
                assert plan[0].split()[:2] in (["SEARCH", first], ["SCAN", first]), plan
                assert len(conn.execute(query).all()) == 400


def test_facets_of_every_launch_read_each_values_own_index(tmp_path: Path) -> None:
    """A facet over launches that nothing else narrows is counted from its own index
    (which holds the kind), not by reading every launch's row found by its kind: SQLite
    took ``kind = 'launch'`` for the most selective term (a vehicle facet of 100,000
    launches: 182 ms, from the vehicle's index 7.5 ms), misled by the statistics of the
    ingest's sampled ANALYZE, which this test writes as an ingest of 100,000 does."""
    from sqlalchemy import event

    from corpus_support import corpus_text
    from kosmochron.store import open_store

    path = write_text(tmp_path / "corpus.txt", corpus_text(300))
    with open_store(str(tmp_path / "k.sqlite3"), seed_if_empty=False) as store:
        store.ingest([path])
        with store.engine.begin() as conn:  # the statistics an ingest of 100,000 leaves
            for index, stat in conn.exec_driver_sql(
                    "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'entries'").all():
                sampled = " ".join(["100000"] + ["1001"] * (len(stat.split()) - 1))
                conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?",
                                     (sampled, index))
            conn.exec_driver_sql("ANALYZE sqlite_schema")  # read them again
        store.engine.dispose()
        asked: list[tuple[str, Any]] = []
        event.listen(store.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, parameters, *rest:
                     asked.append((statement, parameters)))
        for f in (LaunchFilter(), LaunchFilter(kind="launch")):
            found = store.facets(["vehicle", "site", "family"], f)
            assert sum(row["count"] for row in found["family"]) == store.count(f)
        grouped = [(s, p) for s, p in asked if "GROUP BY" in s]
        assert len(grouped) == 6
        with store.engine.connect() as conn:
            for statement, parameters in grouped:
                plan = " / ".join(row[3] for row in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {statement}", parameters))
                assert "COVERING INDEX ix_entries_" in plan and "(kind=?)" not in plan, plan
        # Narrowed by something else, the planner chooses by that as before.
        assert store.facets(["vehicle"], LaunchFilter(family="Proton"))["vehicle"]


def test_facets_of_one_source_count_that_source_only(store: Store, tmp_path: Path) -> None:
    """A source filter with no kind is the one clause of its filter: the facets' way of
    keeping SQLite off the kind's index must not take it for the kind's and drop it."""
    path = write_text(tmp_path / "copy.txt", SEED_TEXT)
    store.ingest([path])
    for source in (SEED_NAME, str(path)):
        f = LaunchFilter(kind=None, source=source)
        found = store.facets(["family", "site"], f)
        assert sum(row["count"] for row in found["family"]) == store.count(f) == SEED_LAUNCHES
