"""Reading GCAT's files (kosmochron.gcat): recognition by header, typed records,
diagnostics with line and column, and bad rows kept.

The fixtures in tests/fixtures/gcat are rows copied byte for byte from GCAT's files
(J. McDowell, GCAT, planet4589.org, CC-BY 4.0): ``orbital-launches-sample.csv`` (the
CSV export of the launch list: the seed's launches, the other launches of their days
and a variety of codes), ``psatcat-sample.tsv`` (those launches' payloads),
``sites-sample.tsv``, ``orgs-sample.tsv``, ``lv-sample.tsv``.  ``launch-v1.tsv``,
``launch-v2.tsv`` and ``launch-v2-no-orbpay.tsv`` are written to the documented
``launch.tsv`` format in its header generations; rows whose notes say "fixture:" show
the documented vague-date forms and are not real launches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from kosmochron.gcat import (
    BadRow,
    GcatError,
    GcatLaunch,
    GcatObject,
    GcatOrg,
    GcatSite,
    GcatVehicle,
    detect,
    open_gcat,
    read_gcat,
    split_csv,
)
from kosmochron.source import SourceError

GCAT = Path(__file__).parent / "fixtures" / "gcat"
CSV = GCAT / "orbital-launches-sample.csv"


def launches(name: str) -> dict[str, GcatLaunch]:
    reader, rows = read_gcat(GCAT / name)
    assert reader.diagnostics == []
    found = {r.tag: r for r in rows if isinstance(r, GcatLaunch)}
    assert len(found) == len(rows)
    return found


@pytest.mark.parametrize(("name", "kind", "fmt", "rows"), [
    ("orbital-launches-sample.csv", "launch", "launch-csv", 52),
    ("launch-v2.tsv", "launch", "launch-tsv-2", 8),
    ("launch-v2-no-orbpay.tsv", "launch", "launch-tsv-2", 3),
    ("launch-v1.tsv", "launch", "launch-tsv-1", 4),
    ("psatcat-sample.tsv", "psatcat", "psatcat", 109),
    ("sites-sample.tsv", "sites", "sites", 12),
    ("orgs-sample.tsv", "orgs", "orgs", 28),
    ("lv-sample.tsv", "lv", "lv", 46),
])
def test_each_file_is_recognised_by_its_header(name: str, kind: str, fmt: str,
                                                rows: int) -> None:
    reader, records = read_gcat(GCAT / name)
    assert (reader.kind, reader.format) == (kind, fmt)
    assert len(records) == reader.rows == rows
    assert reader.diagnostics == []
    assert reader.sha256 == hashlib.sha256((GCAT / name).read_bytes()).hexdigest()
    assert reader.bytes_read == (GCAT / name).stat().st_size


def test_the_updated_line_is_read() -> None:
    assert open_gcat(GCAT / "sites-sample.tsv").updated is None  # known once read
    reader, _ = read_gcat(GCAT / "psatcat-sample.tsv")
    assert reader.updated == "2025 Apr  7 2348:35"
    assert read_gcat(CSV)[0].updated is None  # the CSV export has no such line


def test_satcat_header_is_told_from_psatcat() -> None:
    satcat = "#JCAT\tSatcat\tLaunch_Tag\tPiece\tType\tName\tPLName\tLDate\tParent"
    layout = detect(satcat)
    assert layout is not None and layout.kind == "satcat"
    psatcat = detect("#JCAT\tPiece\tName\tLDate\tTLast")
    assert psatcat is not None and psatcat.kind == "psatcat"


def test_a_file_that_is_not_gcat_is_refused_with_its_position(tmp_path: Path) -> None:
    other = tmp_path / "chronology.txt"
    other.write_text("1971 May 19 - . 16:22 GMT - . Launch Site: Baikonur.\n")
    with pytest.raises(GcatError, match=rf"^{other}:1:1: error: not a GCAT file"):
        open_gcat(other)
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    with pytest.raises(GcatError, match="not a GCAT file"):
        open_gcat(empty)
    with pytest.raises(SourceError, match="no such file"):
        open_gcat(tmp_path / "missing.tsv")


def test_undecodable_bytes_name_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sites.tsv"
    data = (GCAT / "sites-sample.tsv").read_bytes().replace(b"Baykonur", b"Bayk\xffnur", 1)
    path.write_bytes(data)
    reader = open_gcat(path)
    with pytest.raises(SourceError, match=r"sites.tsv:\d+:\d+: error: byte 0xff"):
        list(reader)


# -- the launch list ------------------------------------------------------------------


def test_csv_launch_with_time_from_the_julian_date() -> None:
    sputnik = launches("orbital-launches-sample.csv")["1957 ALP"]
    assert (sputnik.line, sputnik.lv_type, sputnik.site, sputnik.pad, sputnik.agency) == \
        (2, "Sputnik 8K71PS", "NIIP-5", "LC1", "MVS")
    assert sputnik.code is not None and sputnik.code.text == "OS"
    assert sputnik.failure is None and sputnik.variant is None and sputnik.notes is None
    assert (sputnik.apogee_km, sputnik.orbital_payload_t, sputnik.jd) == (938.0, 0.084,
                                                                          2436116.31)
    # JD 2436116.31 is 19:26:24 UTC, known to 0.01 day: 19:19:12 to 19:33:36.
    date = sputnik.date
    assert (date.text, date.precision, date.time) == ("1957-10-04", "minute", "19:26")
    assert (date.start, date.end) == (dt.datetime(1957, 10, 4, 19, 19, 12),
                                      dt.datetime(1957, 10, 4, 19, 33, 36))
    assert date.contains(dt.datetime(1957, 10, 4, 19, 28, 34))  # the real launch time
    assert sputnik.columns["Launch_Date"] == "1957-10-04"
    assert sputnik.columns["Range"] == "    -"  # every column as written
    assert sputnik.raw.startswith("1957 ALP,2436116.31,1957-10-04,")


def test_csv_one_decimal_julian_date_is_a_window_of_hours() -> None:
    sputnik2 = launches("orbital-launches-sample.csv")["1957 BET"]
    date = sputnik2.date
    assert (date.precision, date.time) == ("hour", None)
    assert (date.start, date.end) == (dt.datetime(1957, 11, 3, 1, 12),
                                      dt.datetime(1957, 11, 3, 3, 36))


def test_csv_quoted_cells_greek_tags_and_codes() -> None:
    rows = launches("orbital-launches-sample.csv")
    assert rows["1958-F01"].notes == "Control failure, pitched"
    iota = rows["1962 B IOT"]
    assert iota.code is not None and (iota.code.result, iota.code.score) == ("F", 0.40)
    assert iota.failure is not None and iota.failure.stage == 4
    assert iota.failure.description == "stage 4 propulsion"
    pad = rows["1959-E01"]
    assert pad.code is not None and pad.code.outcome == "failure"
    assert pad.code.result_name == "pad explosion (no launch)"
    compound = rows["1960-F03"]
    assert compound.failure is not None
    assert compound.failure.description == ("accidental or erroneous destruct; "
                                            "stage 1 stage separation")
    assert rows["1969-053"].code is not None and rows["1969-053"].code.text == "OS75"
    uncertain_site = next(r for r in rows.values() if r.site == "TYSC?")
    assert uncertain_site.columns["Launch_Site"] == "TYSC?"
    joint = next(r for r in rows.values() if r.agency == "JSC/MSFC")
    assert joint.agencies == ["JSC", "MSFC"]
    assert next(r for r in rows.values() if r.agency == "KVR?").agencies == ["KVR"]
    ascent = next(r for r in rows.values() if r.ascent_site is not None)
    assert ascent.platform is not None and ascent.ascent_pad is not None


def test_launch_tsv_generations_read_to_the_same_facts() -> None:
    v2 = launches("launch-v2.tsv")
    v1 = launches("launch-v1.tsv")
    no_orbpay = launches("launch-v2-no-orbpay.tsv")
    for tag in ("1957 ALP", "1957 BET", "1957-F01"):
        for other in (v1[tag], no_orbpay[tag]):
            assert (other.date, other.lv_type, other.site, other.pad, other.agency) == \
                (v2[tag].date, v2[tag].lv_type, v2[tag].site, v2[tag].pad, v2[tag].agency)
            assert other.code == v2[tag].code
    assert v2["1957-F01"].failure is not None and v1["1957-F01"].failure is None
    assert v2["1957 ALP"].orbital_payload_t == 0.084
    assert no_orbpay["1957 ALP"].orbital_payload_t is None
    assert "OrbPay" not in no_orbpay["1957 ALP"].columns


def test_launch_tsv_vague_dates() -> None:
    rows = launches("launch-v2.tsv")
    sputnik = rows["1957 ALP"].date
    assert (sputnik.precision, sputnik.time, sputnik.start) == \
        ("second", "19:28:34", dt.datetime(1957, 10, 4, 19, 28, 34))
    assert rows["1962 B IOT"].date.precision == "day"
    hour = rows["1960-F99"].date
    assert (hour.precision, hour.time, hour.start, hour.end) == \
        ("hour", None, dt.datetime(1960, 9, 7, 16), dt.datetime(1960, 9, 7, 17))
    minute = rows["1964-F99"].date
    assert (minute.uncertain, minute.time, minute.start, minute.end) == \
        (True, "03:10", dt.datetime(1964, 6, 14, 3, 9), dt.datetime(1964, 6, 14, 3, 12))
    day = rows["1961-F99"].date.vague_date()
    assert (day.precision, day.start, day.end) == \
        ("day-range", dt.date(1960, 12, 31), dt.date(1961, 1, 2))
    month = rows["1963-F99"].date.vague_date()
    assert (month.text, month.start, month.end) == \
        ("1963 Mar?", dt.date(1963, 2, 1), dt.date(1963, 4, 30))
    unknown = rows["1961-F99"].code
    assert unknown is not None and unknown.outcome is None and unknown.result_name == "unknown"


# -- the other files ------------------------------------------------------------------------


def test_psatcat_rows() -> None:
    _, rows = read_gcat(GCAT / "psatcat-sample.tsv")
    objects = {r.jcat: r for r in rows if isinstance(r, GcatObject)}
    mars1 = objects["S00450"]
    assert (mars1.kind, mars1.satcat, mars1.piece, mars1.launch_tag, mars1.name) == \
        ("psatcat", 450, "1962 B NU 3", "1962 B NU", "Mars 1")
    assert (mars1.program, mars1.result, mars1.state) == ("2MV", "F", "SU")
    assert mars1.comment == "Mars probe, failed"  # CSV-style quotes taken off
    assert mars1.launch_date is not None and mars1.launch_date.first_day == dt.date(1962, 11, 1)
    assert objects["S00443"].name is None  # '-' is no value
    assert objects["S42826"].launch_tag == "2017-042"


def test_sites_orgs_and_vehicles() -> None:
    sites = {r.site: r for r in read_gcat(GCAT / "sites-sample.tsv")[1]
             if isinstance(r, GcatSite)}
    baikonur = sites["NIIP-5"]
    assert (baikonur.short_name, baikonur.state_code, baikonur.longitude,
            baikonur.latitude) == ("Baykonur", "SU", 63.0, 46.0)
    assert baikonur.start is not None and baikonur.start.precision == "year"
    assert sites["GIK-5"].stop is None  # '*': still in use
    orgs = {r.code: r for r in read_gcat(GCAT / "orgs-sample.tsv")[1]
            if isinstance(r, GcatOrg)}
    assert (orgs["RVSN"].state_code, orgs["RVSN"].english_name) == ("SU",
                                                                   "Strategic Rocket Forces")
    assert orgs["SU"].english_name == "Union of Soviet Socialist Republics"
    vehicles = [r for r in read_gcat(GCAT / "lv-sample.tsv")[1] if isinstance(r, GcatVehicle)]
    molniya = [v for v in vehicles if v.name == "Molniya 8K78"]
    assert {v.variant for v in molniya} == {None, "E6", "M"}
    assert {v.family for v in molniya} == {"R-7"}  # the padding is taken off
    assert molniya[0].max_stage == 5 and molniya[0].launch_mass_t == 305.5


# -- bad input ----------------------------------------------------------------------------


def test_bad_csv_rows_are_kept_with_file_line_column_errors() -> None:
    path = GCAT / "bad-launches.csv"
    reader, rows = read_gcat(path)
    bad = [r for r in rows if isinstance(r, BadRow)]
    good = [r for r in rows if isinstance(r, GcatLaunch)]
    assert [r.line for r in bad] == [3, 4, 7, 8]
    assert [g.tag for g in good] == ["1957 ALP", "1957 ZZZ", "1957 AAA"]
    lines = path.read_text(encoding="utf-8").split("\n")
    assert [b.raw for b in bad] == [lines[2], lines[3], lines[6], lines[7]]  # nothing lost
    messages = [str(d) for d in reader.diagnostics]
    assert messages[0] == (f"{path}:3:31: error: row has 4 columns, the header names 28; "
                           "check for a missing or extra comma; the row is kept as raw text")
    assert messages[1].startswith(f"{path}:4:21: error: Launch_Date '1957-13-45': expected "
                                  "an ISO date like '1957-10-04'")
    assert messages[2].startswith(f"{path}:5:112: error: LaunchCode 'XQ': expected a launch "
                                  "code like 'OS'")
    assert messages[3].startswith(f"{path}:6:84: error: Apogee 'abc': expected a number")
    assert messages[4].startswith(f"{path}:7:1: error: Launch_Tag is empty")
    assert messages[5].startswith(f"{path}:8:1: error: a quoted cell is never closed")
    kept = next(g for g in good if g.tag == "1957 AAA")
    assert kept.apogee_km is None and kept.columns["Apogee"] == "abc"


def test_bad_tsv_rows() -> None:
    path = GCAT / "bad-launch.tsv"
    reader, rows = read_gcat(path)
    assert [type(r).__name__ for r in rows] == ["GcatLaunch", "BadRow", "GcatLaunch",
                                                "BadRow"]
    messages = [str(d) for d in reader.diagnostics]
    assert messages[0].startswith(f"{path}:4:24: error: Launch_Date '1957 Octo  4 1928:34': "
                                  "expected a month like 'Oct', not 'Octo'")
    assert messages[1].startswith(f"{path}:5:")
    assert "FailCode 'S9x': expected a failure code like 'S4P'" in messages[1]
    assert messages[2].startswith(f"{path}:6:162: error: row has 29 columns")


def test_csv_splitting_keeps_columns() -> None:
    assert split_csv('a,"b, c",,"d ""e"""') == [("a", 1), ("b, c", 3), ("", 10),
                                                ('d "e"', 11)]
    assert split_csv('a,"open') is None
    assert split_csv("") == [("", 1)]
