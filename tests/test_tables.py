"""The one CSV writer and the JSON/NDJSON record streams (kosmochron.tables)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from kosmochron.tables import (
    CsvWriter,
    csv_cell,
    csv_chunks,
    json_chunks,
    json_text,
    ndjson_chunks,
    record_rows,
)


def test_cells_are_spelt_one_way() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true" and csv_cell(False) == "false"
    assert csv_cell(dt.date(1971, 5, 19)) == "1971-05-19"
    assert csv_cell({"3": 2}) == '{"3":2}'
    assert csv_cell(1.5) == 1.5 and csv_cell(0) == 0 and csv_cell("x") == "x"


def test_writer_quotes_only_what_it_must_and_ends_records_with_crlf() -> None:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.header(["name", "note", "ok"])
    writer.rows([["Mars 3", 'said "hi", then left', True], ["Kosmos", "two\nlines", None]])
    assert out.getvalue() == ('name,note,ok\r\nMars 3,"said ""hi"", then left",true\r\n'
                              'Kosmos,"two\nlines",\r\n')


def test_records_become_rows_of_the_columns() -> None:
    assert list(record_rows(["a", "b"], [{"b": 2, "a": 1, "c": 3}, {}])) == [[1, 2],
                                                                           [None, None]]


cells = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                  st.dates(min_value=dt.date(1900, 1, 1)))


@given(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=30),
       st.integers(min_value=1, max_value=7))
def test_streamed_csv_reads_back_the_same_whatever_the_chunks(
        rows: list[list[object]], chunk: int) -> None:
    text = "".join(csv_chunks(["a", "b", "c"], rows, chunk))
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[0] == ["a", "b", "c"]
    assert back[1:] == [[str(csv_cell(v)) for v in row] for row in rows]


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers()), max_size=20),
       st.integers(min_value=1, max_value=5))
def test_json_and_ndjson_streams_read_back(records: list[dict[str, int]], chunk: int) -> None:
    texts = [json_text(r) for r in records]
    assert json.loads("".join(json_chunks(texts, chunk))) == records
    lines = "".join(ndjson_chunks(texts, chunk)).split("\n")[:-1]  # each record ends a line
    assert [json.loads(line) for line in lines] == records


def test_json_text_writes_dates_and_never_nan() -> None:
    """NaN and Infinity are not JSON; a record holding one is written with null there
    rather than refused (issue 16: no stored value may end an answer)."""
    assert json_text({"d": dt.date(1960, 10, 10)}) == '{"d":"1960-10-10"}'
    assert json_text({"x": float("nan"), "y": [float("inf"), 1.5],
                      "d": dt.date(1960, 10, 10)}) == \
        '{"x":null,"y":[null,1.5],"d":"1960-10-10"}'


def test_csv_cells_a_spreadsheet_would_execute_are_text() -> None:
    """Issue 16: what Excel, LibreOffice or Sheets would run as a formula gets a leading
    apostrophe; numbers (and a lone sign) stay as they are."""
    for value, cell in [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
                        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("@SUM(1)", "'@SUM(1)"),
                        ("-2+3", "'-2+3"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
                        ("-12.5", "-12.5"), ("+3", "+3"), ("-1,410", "-1,410"), ("-", "-"),
                        ("1e5", "1e5"), ("Mars 2", "Mars 2"), ("", "")]:
        assert csv_cell(value) == cell, value
    assert csv_cell(-12.5) == -12.5
