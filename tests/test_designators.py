"""Identifiers as people type them (kosmochron.designators)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kosmochron.designators import launch_tag_spellings, read_designator, read_jcat
from kosmochron.values import GCAT_GREEK, GREEK, cospar


@pytest.mark.parametrize(("text", "launch", "piece", "gcat"), [
    ("1971-049A", "1971-049", "A", "1971-049A"), ("1971-049", "1971-049", None, None),
    ("1971 049 A", "1971-049", "A", "1971-049A"), ("1971-49a", "1971-049", "A", "1971-049A"),
    ("2025-071AB", "2025-071", "AB", "2025-071AB"), ("  1971-049f ", "1971-049", "F", "1971-049F"),
    ("1962-B-Iota-1", "1962 B IOT", "1", "1962 B IOT 1"),
    ("1962 B IOT 1", "1962 B IOT", "1", "1962 B IOT 1"),
    ("1962 Beta Iota 1", "1962 B IOT", "1", "1962 B IOT 1"),
    ("1962 beta iota", "1962 B IOT", None, None), ("1962 β ι 1", "1962 B IOT", "1", "1962 B IOT 1"),
    ("1962-A-Beta-2", "1962 A BET", "2", "1962 A BET 2"),
    ("1957 ALP 2", "1957 ALP", "2", "1957 ALP 2"),
    ("1958 Alpha", "1958 ALP", None, None), ("1962 b nu 3", "1962 B NU", "3", "1962 B NU 3"),
    ("1961 Omicron 1", "1961 OMI", "1", "1961 OMI 1"), ("1960 Ω 1", "1960 OME", "1", "1960 OME 1"),
    ("F601010A", "F601010", "A", "F601010A"), ("f601010a", "F601010", "A", "F601010A"),
    ("F601010", "F601010", None, None), ("F 601010 B", "F601010", "B", "F601010B"),
])
def test_every_spelling_reads_as_one_designator(text: str, launch: str, piece: str | None,
                                                gcat: str | None) -> None:
    d = read_designator(text)
    assert d is not None and (d.launch, d.piece, d.gcat) == (launch, piece, gcat)


@pytest.mark.parametrize("text", ["Mars 3", "5252", "1971", "Alpha 1", "1971-049-A-B",
                                  "1962 Gamma Delta Epsilon", "1850-001A", "S05252", "",
                                  "1962BIOT1", "F60101A", "1971-1234A"])
def test_other_text_is_no_designator(text: str) -> None:
    assert read_designator(text) is None


@given(st.integers(1957, 2100), st.integers(1, 999), st.sampled_from(["", "A", "B", "AB"]))
def test_modern_designators_read_as_the_parser_reads_them(year: int, number: int,
                                                          piece: str) -> None:
    written = f"{year}-{number:03d}{piece}"
    d = read_designator(written)
    assert d is not None and d.launch == f"{year}-{number:03d}"
    assert d.gcat == (cospar(written).gcat if piece else None)


@given(st.integers(1957, 1962), st.sampled_from(["", "A-", "B-"]), st.sampled_from(GREEK),
       st.integers(1, 9))
def test_greek_designators_read_as_the_parser_reads_them(year: int, prefix: str, letter: str,
                                                         piece: int) -> None:
    written = f"{year}-{prefix}{letter}-{piece}"
    expected = cospar(written).gcat
    for spelling in (written, expected, written.replace("-", " ").upper(),
                     f"{year} {prefix.strip('-')} {GCAT_GREEK[letter]} {piece}"):
        d = read_designator(str(spelling))
        assert d is not None and d.gcat == expected, spelling


def test_jcats_and_launch_tags() -> None:
    assert [read_jcat(t) for t in ("S05252", "s5252", "jcat:A123", "JCAT S00443")] == \
        ["S05252", "S05252", "A00123", "S00443"]
    assert read_jcat("Mars 3") is None and read_jcat("S1234567") is None
    assert launch_tag_spellings("1960-F12") == ["1960 F12", "1960-F12"]
    assert launch_tag_spellings("1965 a245") == ["1965 A245", "1965-A245"]
    assert launch_tag_spellings("1962 B IOT")[0] == "1962 B IOT"
    assert launch_tag_spellings("Mars 3") == []
