"""Exports from the store, on SQLite and on a real PostgreSQL server.

Every export is read back with the reader a user would use (json, pandas,
pyarrow, GCAT's own TSV conventions) and compared with the database and with
the parser, so a format that drifts from either fails here.  The database is
the bundled seed (21 launches, 29 payloads), filled by ``open_store``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kosmochron
from kosmochron.export import ndjson_line
from kosmochron.source import SEED_NAME
from kosmochron.store import LaunchFilter, QueryError, Store, open_store
from kosmochron.store.crosswalk import GCAT_CITATION, read_psatcat
from kosmochron.store.dumps import (
    GCAT_LAUNCH_COLUMNS,
    GCAT_PAYLOAD_COLUMNS,
    LAUNCH_COLUMNS,
    PAYLOAD_COLUMNS,
    gcat_date,
)

pd: Any = pytest.importorskip("pandas")
pa: Any = pytest.importorskip("pyarrow")
pq: Any = pytest.importorskip("pyarrow.parquet")

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
LAUNCHES, PAYLOADS = 21, 29
PROTON_FAILURES = LaunchFilter(family="Proton", outcome="failure")


def _admin() -> Any:
    """An autocommit connection to the server's maintenance database, or a skip."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {PG_SERVER}: {exc}")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A fresh database seeded with the bundled chronology, one per dialect."""
    if request.param == "sqlite":
        with open_store(str(tmp_path_factory.mktemp("db") / "kosmochron.sqlite3")) as db:
            yield db
        return
    name = f"kc_test_exports_{os.getpid()}"
    with _admin() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        with open_store(f"{PG_SERVER}/{name}") as db:
            yield db
    finally:
        with _admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _text(store: Store, fmt: str, filter: LaunchFilter | None = None) -> str:
    out = io.StringIO()
    assert store.export(fmt, out, filter) is None
    return out.getvalue()


def _tables(store: Store, fmt: str, directory: Path,
            filter: LaunchFilter | None = None) -> tuple[Any, Any]:
    """(launches, payloads) DataFrames of a csv or parquet export."""
    ext = "csv" if fmt == "csv" else "parquet"
    written = store.export(fmt, directory, filter)
    assert written == [directory / f"launches.{ext}", directory / f"payloads.{ext}"]
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    return read(written[0]), read(written[1])


def _tsv(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """(header, comment line, rows) of a GCAT-style TSV file."""
    header, comment, *lines = path.read_text(encoding="utf-8").splitlines()
    columns = header.split("\t")
    return columns, [comment], [dict(zip(columns, line.split("\t"), strict=True))
                                for line in lines]


# -- the parser's contract ------------------------------------------------------


def test_json_export_is_what_the_parser_gives(store: Store) -> None:
    docs = json.loads(_text(store, "json"))
    expected = kosmochron.document_json(kosmochron.parse_file())
    assert len(docs) == 1
    doc = docs[0]
    assert list(doc) == ["source", "entries", "diagnostics"]
    assert len(doc["entries"]) == LAUNCHES
    for got, want in zip(doc["entries"], expected["entries"], strict=True):
        assert got == want
    assert doc["diagnostics"] == expected["diagnostics"]
    assert {k: v for k, v in doc["source"].items() if k != "path"} == \
        {k: v for k, v in expected["source"].items() if k != "path"}
    assert doc["source"]["path"] == SEED_NAME


def test_json_export_to_a_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out" / "all.json"
    assert store.export("json", path) == [path]
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(_text(store, "json"))
    assert not list(path.parent.glob("*.part"))


def test_ndjson_export_is_parse_ndjson(store: Store) -> None:
    lines = _text(store, "ndjson").splitlines(keepends=True)
    assert len(lines) == LAUNCHES
    expected = [ndjson_line(e, SEED_NAME) for e in kosmochron.parse_file().entries]
    assert lines == expected
    assert all(json.loads(line)["source"] == SEED_NAME for line in lines)


# -- tables -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_match_the_database(store: Store, tmp_path: Path, fmt: str) -> None:
    launches, payloads = _tables(store, fmt, tmp_path)
    assert list(launches.columns) == [name for name, _ in LAUNCH_COLUMNS]
    assert list(payloads.columns) == [name for name, _ in PAYLOAD_COLUMNS]
    assert (len(launches), len(payloads)) == (LAUNCHES, PAYLOADS)
    stored = store.launches(LaunchFilter(kind=None), order="id")
    assert list(launches["id"]) == [s.id for s in stored]
    assert list(launches["payload_count"]) == [len(s.entry.items) for s in stored]
    assert list(payloads["id"]) == [i for s in stored for i in s.item_ids]
    assert set(payloads["launch_id"]) <= set(launches["id"])

    mars2 = payloads[payloads["name"] == "Mars 2"].iloc[0]
    assert (mars2["satcat"], mars2["cospar"]) == (5234, "1971-045A")
    assert (mars2["apogee_km"], mars2["period_min"]) == (25000, 1080)
    assert mars2["program"] == "Mars" and mars2["nation"] == "USSR"
    launch = launches[launches["id"] == mars2["launch_id"]].iloc[0]
    assert (launch["date_text"], launch["vehicle"]) == ("1971 May 19", "Proton-K/D")
    assert launch["time_utc"] == "16:22"

    proton_failures = launches[(launches["lv_family"] == "Proton")
                               & (launches["outcome"] == "failure")]
    assert len(proton_failures) == store.count(PROTON_FAILURES) == 4
    assert launches["has_errors"].dtype == bool
    assert not launches["has_errors"].any()


def test_parquet_types(store: Store, tmp_path: Path) -> None:
    store.export("parquet", tmp_path)
    launches = pq.read_schema(tmp_path / "launches.parquet")
    payloads = pq.read_schema(tmp_path / "payloads.parquet")
    assert launches.field("id").type == pa.int64()
    assert launches.field("date_start").type == pa.date32()
    assert launches.field("date_end").type == pa.date32()
    assert launches.field("has_errors").type == pa.bool_()
    assert launches.field("payload_count").type == pa.int64()
    assert launches.field("vehicle").type == pa.string()
    assert payloads.field("satcat").type == pa.int64()
    assert payloads.field("mass_kg").type == pa.float64()
    assert payloads.field("decay_date").type == pa.date32()
    table = pq.read_table(tmp_path / "launches.parquet")
    assert table.column("date_start").to_pylist()[0] == dt.date(1960, 10, 10)
    assert not list(tmp_path.glob("*.part"))


def test_csv_cells(store: Store, tmp_path: Path) -> None:
    """Empty cells for nothing, ISO dates, lower-case booleans."""
    store.export("csv", tmp_path)
    header, first = (tmp_path / "launches.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.startswith("id,source,line,kind,date_text,date_precision,date_start")
    assert ",1960-10-10,1960-10-10,14:27," in first and first.endswith(",false,1")
    payloads = pd.read_csv(tmp_path / "payloads.csv", keep_default_na=False, dtype=str)
    first_payload = payloads.iloc[0]
    assert (first_payload["satcat"], first_payload["decay_date"]) == ("", "1960-10-10")


# -- GCAT-style TSV -------------------------------------------------------------------


def test_gcat_tsv(store: Store, tmp_path: Path) -> None:
    written = store.export("gcat-tsv", tmp_path)
    assert written == [tmp_path / "launches.tsv", tmp_path / "payloads.tsv"]
    columns, comments, launches = _tsv(tmp_path / "launches.tsv")
    assert columns == list(GCAT_LAUNCH_COLUMNS)
    assert columns[0] == "#Launch_Tag"
    assert comments[0].startswith("#") and GCAT_CITATION in comments[0]
    assert len(launches) == LAUNCHES
    assert all(v != "" for row in launches for v in row.values())  # "-" for nothing
    codes = [row["LaunchCode"] for row in launches]
    failures = store.count(outcome="failure")
    assert (codes.count("OF"), codes.count("OS")) == (failures, LAUNCHES - failures)

    columns, comments, payloads = _tsv(tmp_path / "payloads.tsv")
    assert columns == list(GCAT_PAYLOAD_COLUMNS) and columns[0] == "#JCAT"
    assert GCAT_CITATION in comments[0]
    assert len(payloads) == PAYLOADS
    sputnik22 = next(row for row in payloads if row["Name"] == "Sputnik 22")
    assert (sputnik22["Piece"], sputnik22["#JCAT"]) == ("1962 B IOT 1", "S00443")
    assert (sputnik22["LDate"], sputnik22["DDate"]) == ("1962 Oct 24", "1962 Oct 29")
    mars2 = next(row for row in payloads if row["Name"] == "Mars 2")
    assert (mars2["Piece"], mars2["Mass"], mars2["Apogee"]) == ("1971-045A", "4650", "25000")
    launch = next(row for row in launches if row["#Launch_Tag"] == mars2["Launch_Tag"])
    assert launch["Launch_Date"] == "1971 May 19 1622"
    assert (launch["LV_Type"], launch["LaunchCode"]) == ("Proton-K/D", "OS")
    failed = next(row for row in payloads if row["Piece"] == "F601010A")
    assert (failed["#JCAT"], failed["Result"]) == ("-", "F")

    # GCAT's own layout: our importer of GCAT's psatcat.tsv reads the file.
    assert len(read_psatcat(tmp_path / "payloads.tsv")) == PAYLOADS


@pytest.mark.parametrize(("precision", "start", "end", "time", "text"), [
    ("day", dt.date(1971, 5, 19), dt.date(1971, 5, 19), "16:22", "1971 May 19 1622"),
    ("day", dt.date(1957, 10, 4), dt.date(1957, 10, 4), "19:28:34", "1957 Oct  4 1928:34"),
    ("day", dt.date(1962, 11, 1), dt.date(1962, 11, 1), None, "1962 Nov  1"),
    ("day-range", dt.date(1959, 6, 25), dt.date(1959, 6, 26), None, "1959 Jun 25-26"),
    ("day-range", dt.date(1959, 6, 30), dt.date(1959, 7, 1), None, "1959 Jun 30-Jul 1"),
    ("month", dt.date(1961, 5, 1), dt.date(1961, 5, 31), "12:00", "1961 May"),
    ("season", dt.date(1960, 6, 1), dt.date(1960, 8, 31), None, "1960 Jun-Aug"),
    ("season", dt.date(1960, 12, 1), dt.date(1961, 2, 28), None, "1960 Dec-1961 Feb"),
    ("year", dt.date(1961, 1, 1), dt.date(1961, 12, 31), None, "1961"),
    ("unknown", None, None, None, "-"),
])
def test_gcat_dates_keep_our_precision(precision: str, start: dt.date | None,
                                       end: dt.date | None, time: str | None,
                                       text: str) -> None:
    assert gcat_date(precision, start, end, time) == text


# -- filters and errors -----------------------------------------------------------------


def test_filters_restrict_every_format(store: Store, tmp_path: Path) -> None:
    stored = store.launches(PROTON_FAILURES, order="id")
    ids = [s.id for s in stored]
    docs = json.loads(_text(store, "json", PROTON_FAILURES))
    assert [e["date"]["text"] for e in docs[0]["entries"]] == \
        [s.entry.date.text for s in stored]
    assert len(_text(store, "ndjson", PROTON_FAILURES).splitlines()) == len(ids) == 4
    for fmt in ("csv", "parquet"):
        launches, payloads = _tables(store, fmt, tmp_path / fmt, PROTON_FAILURES)
        assert list(launches["id"]) == ids
        assert list(payloads["id"]) == [i for s in stored for i in s.item_ids]
    store.export("gcat-tsv", tmp_path / "gcat", PROTON_FAILURES)
    assert [int(r["#Launch_Tag"]) for r in _tsv(tmp_path / "gcat" / "launches.tsv")[2]] == ids

    # An item filter selects launches; their other payloads come along.
    launches, payloads = _tables(store, "csv", tmp_path / "sat", LaunchFilter(satcat=19287))
    assert len(launches) == 1 and len(payloads) == 3


def test_no_match_gives_empty_but_valid_output(store: Store, tmp_path: Path) -> None:
    nothing = LaunchFilter(family="Proton", date_from=dt.date(2000, 1, 1))  # known, no match
    assert json.loads(_text(store, "json", nothing)) == []
    assert _text(store, "ndjson", nothing) == ""
    launches, payloads = _tables(store, "parquet", tmp_path, LaunchFilter(kind="event"))
    assert (len(launches), len(payloads)) == (0, 0)
    assert pq.read_schema(tmp_path / "launches.parquet").field("date_start").type == pa.date32()


def test_bad_requests_say_what_to_do(store: Store, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="bad export format 'xml'"):
        store.export("xml")
    with pytest.raises(QueryError, match="give a directory"):
        store.export("csv")
    a_file = tmp_path / "taken"
    a_file.write_text("")
    with pytest.raises(QueryError, match="not a directory"):
        store.export("parquet", a_file)
