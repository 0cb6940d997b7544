"""The run-in field scanner: where values end, what stays narrative, and positions."""

from __future__ import annotations

import pytest

from kosmochron import Field, Text, parse_text
from kosmochron.fields import scan_fields
from kosmochron.model import Diagnostic, Mass


def scan(text: str, *, header: bool = False, column: int = 1) -> list[Field | Text]:
    """Scan ``text`` and check that its parts cover it exactly."""
    diagnostics: list[Diagnostic] = []
    parts = scan_fields(text, 7, column, "test.txt", diagnostics, header=header)
    assert "".join(p.raw for p in parts) == text
    assert diagnostics == []
    return parts


def pairs(parts: list[Field | Text]) -> list[tuple[str, str]]:
    """``(key, value)`` for fields and ``("", text)`` for narrative, in order."""
    return [(p.key, p.value) if isinstance(p, Field) else ("", p.text) for p in parts]


# --- terminators and spacing ------------------------------------------------------


def test_space_before_the_terminator_is_spacing_not_value() -> None:
    parts = scan("USAF Sat Cat: 443 . COSPAR: 1962-B-Iota-1. Decay Date: 1960-10-10. ")
    assert pairs(parts) == [("USAF Sat Cat", "443"), ("COSPAR", "1962-B-Iota-1"),
                            ("Decay Date", "1960-10-10")]
    assert [p.raw for p in parts] == ["USAF Sat Cat: 443 . ", "COSPAR: 1962-B-Iota-1. ",
                                      "Decay Date: 1960-10-10. "]
    assert isinstance(parts[0], Field)
    assert parts[0].typed == 443


def test_last_field_keeps_trailing_spaces_in_raw() -> None:
    parts = scan("Nation: USA.   ")
    assert pairs(parts) == [("Nation", "USA")]
    assert parts[0].raw == "Nation: USA.   "


def test_value_without_a_terminator_runs_to_the_end() -> None:
    assert pairs(scan("Nation: USA. Program: Apollo")) == [("Nation", "USA"),
                                                            ("Program", "Apollo")]


def test_empty_values() -> None:
    assert pairs(scan("Nation: . Program: Mars.")) == [("Nation", ""), ("Program", "Mars")]
    assert pairs(scan("Nation:")) == [("Nation", "")]


def test_periods_inside_numbers_and_initialisms_do_not_end_a_value() -> None:
    parts = scan("Agency: U.S. Air Force. Inclination: 65.1000 deg. Period: 89.10 min.")
    assert pairs(parts) == [("Agency", "U.S. Air Force"), ("Inclination", "65.1000 deg"),
                            ("Period", "89.10 min")]


def test_commas_stay_in_values() -> None:
    parts = scan("LV Family: Saturn V, Saturn I, Titan.", header=True)
    assert pairs(parts) == [("LV Family", "Saturn V, Saturn I, Titan")]
    parts = scan("Crew: Armstrong, Aldrin, Collins. Mass: 4,650 kg (10,250 lb).")
    assert pairs(parts) == [("Crew", "Armstrong, Aldrin, Collins"),
                            ("Mass", "4,650 kg (10,250 lb)")]
    assert isinstance(parts[1], Field)
    assert parts[1].typed == Mass(4650.0, 10250.0)


def test_a_tab_after_the_colon_is_not_a_field() -> None:
    assert pairs(scan("Nation:\tUSA.")) == [("", "Nation:\tUSA.")]


# --- free-text fields -------------------------------------------------------------


def test_failure_text_with_periods_ends_at_the_double_period() -> None:
    text = ("FAILURE: At T+300.9 sec, the launcher went out of control. The engine of Stage 3 "
            "cut off after 13.32 s of burning.. Failed Stage: 3. ")
    for header in (False, True):
        parts = scan(text, header=header)
        assert pairs(parts) == [
            ("FAILURE", "At T+300.9 sec, the launcher went out of control. The engine of "
                        "Stage 3 cut off after 13.32 s of burning."),
            ("Failed Stage", "3"),
        ]
        assert parts[0].raw.endswith("burning.. ")


def test_failure_with_a_single_period_before_the_next_key() -> None:
    assert pairs(scan("FAILURE: Second stage failure. Failed Stage: S.", header=True)) == [
        ("FAILURE", "Second stage failure"), ("Failed Stage", "S")]


def test_summary_is_a_field_whose_value_is_the_summary_text() -> None:
    parts = scan("COSPAR: F601014A. Summary: Mars probe intended to photograph Mars. This was "
                 "the second attempt. The stages broke up on re-entry.. ")
    assert pairs(parts) == [
        ("COSPAR", "F601014A"),
        ("Summary", "Mars probe intended to photograph Mars. This was the second attempt. "
                    "The stages broke up on re-entry."),
    ]


def test_summary_followed_by_narrative() -> None:
    parts = scan("Summary: It flew.. Then it landed.")
    assert pairs(parts) == [("Summary", "It flew."), ("", "Then it landed.")]


def test_summary_without_a_double_period_ends_before_the_next_key() -> None:
    assert pairs(scan("Summary: It flew. It landed. Nation: USSR.")) == [
        ("Summary", "It flew. It landed"), ("Nation", "USSR")]


# --- the field / narrative boundary -----------------------------------------------


def test_narrative_starts_at_the_first_sentence_that_is_not_a_field() -> None:
    parts = scan("Nation: USSR. COSPAR: 1962-B-Nu-3. Mars 1 closest approach occurred. "
                 "Announced mission: Prolonged exploration of outer space. "
                 "Parameters are for Mars orbit.")
    assert pairs(parts) == [
        ("Nation", "USSR"), ("COSPAR", "1962-B-Nu-3"),
        ("", "Mars 1 closest approach occurred. Announced mission: Prolonged exploration "
             "of outer space. Parameters are for Mars orbit."),
    ]


def test_a_narrative_that_opens_with_a_lower_case_key_like_phrase_stays_narrative() -> None:
    assert pairs(scan("Announced mission: Prolonged exploration.")) == [
        ("", "Announced mission: Prolonged exploration.")]


def test_key_like_text_inside_the_narrative_is_not_a_field() -> None:
    parts = scan("Nation: USA. It flew. Crew: X.")
    assert pairs(parts) == [("Nation", "USA"), ("", "It flew. Crew: X.")]


@pytest.mark.parametrize("key", ["Additional Details", "References"])
def test_trailing_fields_after_the_narrative(key: str) -> None:
    parts = scan(f"Nation: USA. Program: Apollo. The crew flew. {key}: here....")
    assert pairs(parts) == [("Nation", "USA"), ("Program", "Apollo"), ("", "The crew flew."),
                            (key, "here...")]
    assert parts[-1].raw == f"{key}: here...."


def test_additional_details_right_after_the_fields() -> None:
    assert pairs(scan("Nation: USA. Additional Details: here....")) == [
        ("Nation", "USA"), ("Additional Details", "here...")]


def test_text_after_a_trailing_field_is_narrative() -> None:
    parts = scan("Nation: USA. See also. References: Foo. Bar.")
    assert pairs(parts) == [("Nation", "USA"), ("", "See also."), ("References", "Foo"),
                            ("", "Bar.")]


# --- header fields ----------------------------------------------------------------


def test_header_value_may_hold_sentences_before_another_field() -> None:
    parts = scan("Agency: Korolev. Later OKB-1. Program: Mars.", header=True)
    assert pairs(parts) == [("Agency", "Korolev. Later OKB-1"), ("Program", "Mars")]


def test_header_text_after_the_last_field_is_not_its_value() -> None:
    # "Failed Stage: 4. some text" must not become a bad Failed Stage value.
    parts = scan("Agency: Korolev. Later OKB-1.", header=True)
    assert pairs(parts) == [("Agency", "Korolev"), ("", "Later OKB-1.")]
    parts = scan("Failed Stage: 4. some text", header=True)
    assert pairs(parts) == [("Failed Stage", "4"), ("", "some text")]


def test_header_fields_after_a_sentence_in_a_value_are_still_fields() -> None:
    # Regression: the scanner used to stop after re-reading a value with a
    # sentence, leaving "Launch Vehicle: R-7." as unparsed header text.
    parts = scan("Agency: Korolev. Later OKB-1. Launch Vehicle: R-7. LV Family: R-7.",
                 header=True)
    assert pairs(parts) == [("Agency", "Korolev. Later OKB-1"), ("Launch Vehicle", "R-7"),
                            ("LV Family", "R-7")]
    parts = scan("Nation: USA. Program: Apollo. It flew. Crew: X.", header=True)
    assert pairs(parts) == [("Nation", "USA"), ("Program", "Apollo. It flew"), ("Crew", "X")]


def test_header_text_without_a_field_is_narrative() -> None:
    assert pairs(scan("no fields here.", header=True)) == [("", "no fields here.")]


# --- unknown fields, positions, diagnostics ---------------------------------------


def test_unknown_fields_are_kept_in_source_order() -> None:
    keys = ["Call Sign", "Crew", "Backup Crew", "Duration", "Spacecraft Bus",
            "Related Persons", "Flight", "Launch Platform", "Support Crew", "Nation"]
    text = " ".join(f"{key}: value {i}." for i, key in enumerate(keys)).replace(
        "Duration: value 3", "Duration: 2.35 days")
    parts = scan(text)
    assert [p.key for p in parts if isinstance(p, Field)] == keys
    assert all(isinstance(p, Field) for p in parts)


def test_columns_are_one_based_code_points_from_the_given_start() -> None:
    text = "Payload: M-71 s/n 171. Mass: 4,650 kg (10,250 lb). Nation: USSR. Odd text."
    parts = scan(text, column=14)
    starts = [14 + text.index(s) for s in ("Payload:", "Mass:", "Nation:", "Odd")]
    assert [p.column for p in parts] == starts
    assert all(p.line == 7 for p in parts)


def test_a_bad_value_is_kept_with_an_error_at_the_value() -> None:
    diagnostics: list[Diagnostic] = []
    parts = scan_fields("Nation: USSR. Mass: 9x0 kg. COSPAR: 1965-092A.", 3, 16, "f.txt",
                        diagnostics)
    assert pairs(parts) == [("Nation", "USSR"), ("Mass", "9x0 kg"), ("COSPAR", "1965-092A")]
    assert isinstance(parts[1], Field)
    assert parts[1].typed is None
    assert parts[1].column == 16 + 14
    assert len(diagnostics) == 1
    diag = diagnostics[0]
    assert (diag.severity, diag.source, diag.line, diag.column) == ("error", "f.txt", 3, 36)
    assert "bad Mass value '9x0 kg'" in diag.message
    assert "'4,650 kg (10,250 lb)'" in diag.message
    assert "raw text is kept" in diag.message


def test_every_occurrence_of_a_bad_value_is_reported() -> None:
    # Conversions are memoised; the diagnostic must not be.
    text = ("1965 May 1 - . Launch Site: X.\n"
            "· A - . Mass: 9x0 kg.\n"
            "· B - . Nation: USSR. Mass: 9x0 kg.\n")
    doc = parse_text(text, "m.txt")
    assert [(d.line, d.column) for d in doc.diagnostics] == [(2, 15), (3, 29)]
    assert [str(d) for d in doc.entries[0].diagnostics] == [str(d) for d in doc.diagnostics]


def test_failure_designator_with_an_impossible_date_is_an_error() -> None:
    doc = parse_text("1960 May 1 - . Launch Site: X.\n· A - . COSPAR: F601310A.\n")
    field = doc.entries[0].items[0].field("COSPAR")
    assert field is not None and field.value == "F601310A" and field.typed is None
    assert len(doc.diagnostics) == 1
    assert "encodes no valid date" in doc.diagnostics[0].message
    assert (doc.diagnostics[0].line, doc.diagnostics[0].column) == (2, 17)
