"""Round trips: rendering a parsed document gives back its text and bytes exactly.

Example tests cover the real files and each awkward byte sequence by name; the
property tests check the same for any text at all and for randomly damaged
copies of the seed.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import assert_positions
from kosmochron import Document, parse_file, parse_text, render, render_document, seed_path
from kosmochron.render import encode_document, render_node, write_nodes

FIXTURES = Path(__file__).parent / "fixtures"


def file_round_trip(path: Path) -> Document:
    """Parse ``path`` and check that encoding the document gives the file's bytes."""
    doc = parse_file(path)
    assert encode_document(doc) == path.read_bytes()
    assert render_document(doc).encode(doc.source.encoding) == path.read_bytes()
    return doc


def text_round_trip(text: str) -> Document:
    doc = parse_text(text)
    assert render_document(doc) == text
    assert_positions(text.removeprefix("\ufeff"), doc)
    return doc


# --- the real files ---------------------------------------------------------------


def test_seed_round_trips_as_text(seed_text: str) -> None:
    text_round_trip(seed_text)


def test_seed_round_trips_as_bytes(seed_bytes: bytes) -> None:
    doc = parse_file()
    assert render_document(doc).encode() == seed_bytes
    assert encode_document(doc) == seed_bytes


def test_saturn_page_round_trips_as_text(saturn_text: str) -> None:
    text_round_trip(saturn_text)


def test_saturn_page_round_trips_as_bytes(saturn_path: Path) -> None:
    file_round_trip(saturn_path)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.name)
def test_every_fixture_round_trips(path: Path) -> None:
    file_round_trip(path)
    text_round_trip(path.read_text(encoding="utf-8"))


# --- line endings, byte-order marks, whitespace -----------------------------------


def test_crlf_line_endings(seed_text: str, tmp_path: Path) -> None:
    crlf = seed_text.replace("\n", "\r\n")
    doc = text_round_trip(crlf)
    assert len(doc.entries) == 21
    assert doc.entries[0].eol == "\r\n"
    assert doc.entries[0].failed_stage == "3"  # the "\r" is not part of a value
    path = tmp_path / "crlf.txt"
    path.write_bytes(crlf.encode())
    assert parse_file(path).entries == doc.entries
    file_round_trip(path)


def test_mixed_line_endings(seed_text: str, tmp_path: Path) -> None:
    lines = seed_text.split("\n")
    mixed = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines))
    text_round_trip(mixed)
    path = tmp_path / "mixed.txt"
    path.write_bytes(mixed.encode())
    file_round_trip(path)


def test_utf8_bom_file(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + seed_text.encode())
    doc = file_round_trip(path)
    assert doc.source.bom is True
    assert doc.source.title == "Soviet Mars Chronology"  # the BOM is not part of the title
    assert len(doc.entries) == 21
    assert not render(doc.nodes).startswith("\ufeff")


def test_utf8_bom_text(seed_text: str) -> None:
    doc = text_round_trip("\ufeff" + seed_text)
    assert doc.source.bom is True
    assert doc.source.title == "Soviet Mars Chronology"


def test_bom_before_an_entry_header(tmp_path: Path) -> None:
    text = "\ufeff1960 October 10 - . 14:27 GMT - . Launch Site: Baikonur.\r\n"
    doc = text_round_trip(text)
    assert [e.date.text for e in doc.entries] == ["1960 October 10"]
    path = tmp_path / "bom-header.txt"
    path.write_bytes(text.encode())
    assert file_round_trip(path).entries == doc.entries


def test_write_nodes_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle\n1961 May - . Launch Site: X.\n")
    doc = parse_file(path)
    out = io.BytesIO()
    write_nodes(doc.nodes, out, bom=doc.source.bom)
    assert out.getvalue() == path.read_bytes()


def test_tabs_and_trailing_spaces_survive(seed_text: str) -> None:
    text = seed_text.replace(". Nation:", ".\tNation:").replace("\n\n", "\n \t \n")
    text = text.replace("Mars probe.", "Mars probe.   ")
    doc = text_round_trip(text)
    assert len(doc.entries) == 21


def test_trailing_spaces_after_a_header_and_an_item() -> None:
    text = ("1960 October 10 - . 14:27 GMT - . Launch Site: Baikonur.   \n"
            "· Sputnik - . Nation: USSR.  \t\n"
            "A paragraph.  \n")
    doc = text_round_trip(text)
    entry = doc.entries[0]
    assert entry.site == "Baikonur"
    assert entry.items[0].value("Nation") == "USSR"
    assert entry.items[0].narrative == "A paragraph."


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "\r\n",
        "\r",
        "\n\n\n",
        "Title",
        "1960 October 10 - . 14:27 GMT - . Launch Site: Baikonur.",
        "1960 October 10 - . Launch Site: Baikonur.\n· Sputnik - . Nation: USSR.",
        "1960 October 10 - . Launch Site: Baikonur.\n· Sputnik - . Nation: USSR.\nEnd.",
        "1960 October 10 - . Launch Site: Baikonur.\n\n",
    ],
)
def test_edge_texts(text: str) -> None:
    text_round_trip(text)


def test_file_without_a_final_newline(seed_text: str, tmp_path: Path) -> None:
    text = seed_text.rstrip("\n")
    doc = text_round_trip(text)
    assert len(doc.entries) == 21
    last = doc.entries[-1].items[-1]
    assert last.eol == "" and not last.tail
    path = tmp_path / "no-newline.txt"
    path.write_bytes(text.encode())
    assert file_round_trip(path).entries == doc.entries


def test_lone_carriage_returns(seed_text: str, tmp_path: Path) -> None:
    # A lone "\r" is not a line ending (the files are split on "\n" only);
    # it stays inside the line's text.
    text = seed_text.replace("Mars probe intended", "Mars\rprobe intended").replace(
        "\n\n\n\n", "\n\r\n\r\r\n\n")
    doc = text_round_trip(text)
    assert len(doc.entries) == 21
    path = tmp_path / "cr.txt"
    path.write_bytes(text.encode())
    assert file_round_trip(path).entries == doc.entries
    old_mac = seed_text.replace("\n", "\r")
    assert len(text_round_trip(old_mac).nodes) == 1


def test_render_node_of_items_and_fields(seed_doc: Document) -> None:
    entry = seed_doc.entries[0]
    item = entry.items[0]
    assert render_node(entry) == "".join(
        [entry.head, *(f.raw for f in entry.fields), entry.eol,
         *(render_node(n) for n in entry.body)])
    assert render_node(item).startswith("· Mars probe 1M s/n 1 failure. - . Payload: 1M s/n 1. ")
    assert render_node(item.parts[0]) == "Payload: 1M s/n 1. "


# --- properties -------------------------------------------------------------------

#: Pieces of the format, so that random text often looks like a chronology.
TOKENS = [
    "1960", "1961 May", "1962 October 24", "1959 June 25-26", "1960 Summer", "1961 - -",
    "1965 Novembr 16", "9999 Winter", "0000", "12:30", "25:99", " GMT", " UTC", " - . ",
    " - .", "·", "· ", "•", "Launch Site: ", "LV Family: ", "Nation: ", "FAILURE: ",
    "Failed Stage: ", "Summary: ", "COSPAR: ", "F601310A", "1962-B-Iota-1", "1988-058xx",
    "Mass: ", "9x0 kg", "640 kg (1,410 lb)", "USAF Sat Cat: ", "443 ", "Decay Date: ",
    "Additional Details: here....", "References: ", "Home - Search - Browse", "A- B- C- D- ",
    "© ", "..", ".", ". ", " ", "  ", "\t", "\n", "\r\n", "\r", "\ufeff", "U.S.", "T+300.9",
    "Apollo", "x", "é", "\u2028", "\x0c", "\x00",
]

token_text = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("\ufeff\ufeff")
@example("\r\r\n\n\r")
@example("1965 Novembr 16 - . Launch Site: X.\n· A - . Mass: 9x0 kg.")
def test_any_text_round_trips(text: str) -> None:
    text_round_trip(text)


@settings(max_examples=400, deadline=None)
@given(token_text)
def test_any_format_like_text_round_trips(text: str) -> None:
    text_round_trip(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(token_text, st.text(st.characters(codec="utf-8"))))
def test_any_file_round_trips(text: str) -> None:
    data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.txt"
        path.write_bytes(data)
        doc = parse_file(path)
    assert encode_document(doc) == data
    assert doc.entries == parse_text(text).entries


# A mutation: (operation, where as a fraction of the text, what to insert).
Mutation = tuple[str, float, str]

mutations = st.lists(
    st.tuples(
        st.sampled_from(["delete-char", "insert", "duplicate-char", "delete-line",
                         "duplicate-line", "swap-lines", "garbage"]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
        st.one_of(st.sampled_from(TOKENS), st.text(max_size=5)),
    ),
    min_size=1,
    max_size=12,
)


def mutate(text: str, steps: list[Mutation]) -> str:
    for op, where, payload in steps:
        at = int(where * len(text))
        lines = text.split("\n")
        row = min(int(where * len(lines)), len(lines) - 1)
        if op == "delete-char":
            text = text[:at] + text[at + 1:]
        elif op == "insert":
            text = text[:at] + payload + text[at:]
        elif op == "duplicate-char":
            text = text[:at] + text[at:at + 1] + text[at:]
        elif op == "delete-line":
            text = "\n".join(lines[:row] + lines[row + 1:])
        elif op == "duplicate-line":
            text = "\n".join(lines[:row + 1] + lines[row:])
        elif op == "swap-lines":
            other = (row + 1) % len(lines)
            lines[row], lines[other] = lines[other], lines[row]
            text = "\n".join(lines)
        else:  # garbage: arbitrary bytes read as Latin-1 text
            garbage = payload.encode("utf-8", "surrogatepass")[::-1].decode("latin-1")
            text = text[:at] + garbage + text[at:]
    return text


@settings(max_examples=150, deadline=None)
@given(mutations)
def test_mutated_seed_round_trips(steps: list[Mutation]) -> None:
    text = mutate(seed_path().read_text(encoding="utf-8"), steps)
    doc = text_round_trip(text)
    for entry in doc.entries:  # every diagnostic has a real position
        for diag in entry.diagnostics:
            assert 1 <= diag.line <= text.count("\n") + 1
            assert diag.column >= 1
