"""The parser's bounds (issue 16): what one entry may cost, whatever the input.

A line over ``LONG_LINE`` characters is kept as text without being read for fields;
an entry past ``ENTRY_LINES`` lines keeps the rest as raw text up to the next dated
header; a file's diagnostics past ``MAX_DIAGNOSTICS`` are counted, not kept; a NUL
character is an error at its column; years no record can mean leave the entry
undated.  Every case still renders back byte for byte.
"""

from __future__ import annotations

import tracemalloc

import pytest

from kosmochron import Entry, Item, Text, parse_text, render_document
from kosmochron import parser as parser_module

HEADER = "1971 May 19 - . 16:22 GMT - . Launch Site: Baikonur. LV Family: Proton.\n"


def round_trips(text: str) -> None:
    assert render_document(parse_text(text)) == text


def test_a_nul_character_is_an_error_at_its_column_and_kept() -> None:
    text = f"Title\n\n{HEADER}\n· Nul\x00name - . Payload: N\x00ul. Nation: USSR.\n"
    doc = parse_text(text)
    nul = [d for d in doc.diagnostics if "NUL character" in d.message]
    assert [(d.severity, d.line, d.column) for d in nul] == [("error", 5, 6)]
    (entry,) = doc.entries
    assert entry.items[0].name == "Nul\x00name"  # the model keeps it; the store cleans it
    assert entry.has_errors
    round_trips(text)


@pytest.mark.parametrize("year", ["9999", "0001", "0999", "3000"])
def test_a_year_no_record_can_mean_leaves_the_entry_undated(year: str) -> None:
    text = f"{year} October 10 - . 14:27 GMT - . Launch Site: Baikonur.\n\n· Probe - . COSPAR: X.\n"
    doc = parse_text(text)
    (entry,) = doc.entries
    assert entry.date.precision == "unknown" and entry.date.start is None
    assert any(f"year {int(year)} is outside the years a launch record can mean" in d.message
               for d in doc.diagnostics)
    round_trips(text)


def test_a_line_over_the_limit_is_text_not_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser_module, "LONG_LINE", 100)
    long_item = "· Big - . " + "Payload: X. " * 20
    text = f"T\n\n{HEADER}\n· Small - . Payload: S.\n{long_item}\nafter it.\n"
    doc = parse_text(text)
    (entry,) = doc.entries
    assert [i.name for i in entry.items] == ["Small"]  # the long line is no item
    small = entry.items[0]
    assert long_item in small.narrative and "after it." in small.narrative
    warning = next(d for d in doc.diagnostics if "characters (over 100)" in d.message)
    assert (warning.severity, warning.line) == ("warning", 6)
    round_trips(text)


def test_an_entry_past_its_line_limit_keeps_the_rest_raw_to_the_next_header(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser_module, "ENTRY_LINES", 10)
    payloads = "".join(f"· P{i} - . Payload: X{i}. Mass: {i} kg.\n" for i in range(30))
    nxt = "1971 May 20 - . Launch Site: Baikonur.\n\n· Next - . Payload: N.\n"
    text = f"Title\n\n{HEADER}{payloads}{nxt}"
    doc = parse_text(text)
    first, second = doc.entries
    assert [i.name for i in first.items] == [f"P{i}" for i in range(9)]
    spilled = first.body[-1]
    assert isinstance(spilled, Text) and spilled.raw.startswith("· P9 - .")
    assert spilled.line == 13 and spilled.raw.endswith("Mass: 29 kg.\n")
    assert first.end_line == 3 + 30  # the raw lines still belong to the entry
    assert [i.name for i in second.items] == ["Next"]  # the next header still counts
    (warning,) = [d for d in doc.diagnostics if "more than 10 lines" in d.message]
    assert (warning.severity, warning.line) == ("warning", 13)
    round_trips(text)


def test_text_before_the_first_entry_is_bounded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser_module, "ENTRY_LINES", 5)
    text = "Title\n" + "".join(f"line {i}\n" for i in range(20)) + HEADER
    doc = parse_text(text)
    assert doc.source.title == "Title" and len(doc.entries) == 1
    assert any("more than 5 lines" in d.message for d in doc.diagnostics)
    round_trips(text)


def test_diagnostics_past_the_limit_are_counted_not_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser_module, "MAX_DIAGNOSTICS", 5)
    text = "".join(f"1971 May 19 - . LV Family: Proton.\n· P{i} - . Mass: bad kg.\n"
                   for i in range(12))
    doc = parse_text(text)
    assert len(doc.diagnostics) == 5 + 1
    summary = doc.diagnostics[-1]
    assert summary.severity == "error" and summary.line == 12  # the first one not kept
    assert summary.message.startswith("7 more diagnostics from here on are not listed "
                                      "(7 errors, 0 warnings); only the first 5 are kept")
    assert sum(e.has_errors for e in doc.entries) == 5  # entries past the limit lost none
    round_trips(text)


def test_one_entry_with_many_payloads_costs_bounded_memory() -> None:
    """200,000 payload lines in one entry took 843 MB; past ``ENTRY_LINES`` lines they
    are one raw text node, so memory stays a small multiple of the text itself."""
    payload = "· Payload {0} - . Payload: X{0}. Mass: 10 kg (22 lb). Nation: USSR. COSPAR: " \
              "1971-045A. Narrative text for item {0}.\n"
    text = HEADER + "".join(payload.format(i) for i in range(50_000))
    tracemalloc.start()
    try:
        doc = parse_text(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (entry,) = doc.entries
    assert len(entry.items) == parser_module.ENTRY_LINES - 1
    assert isinstance(entry.body[-1], Text) and not isinstance(entry.body[-1], Item)
    assert peak < 12 * len(text)  # was ~25x: every payload an Item with its fields
    assert isinstance(entry, Entry)
