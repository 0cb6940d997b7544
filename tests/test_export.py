"""The JSON export of the bundled seed against its golden record, field by field.

``tests/golden/seed.json`` was generated once from the parser and then checked
by hand against the seed text, value by value (21 launch entries, 29 items).
Each value of the golden record is its own test case, named by where it is
(``entries[13] 1971 May 19/items[0] Mars 2/satcat``), so a failure says exactly
which field of which entry or item differs; every dict's key set and every
list's length is a case too, so nothing extra or missing goes unnoticed.

To regenerate the golden file after a deliberate change to the contract::

    .venv/bin/python -c "import json, kosmochron as kc; print(json.dumps(
        kc.document_json(kc.parse_file()), indent=2, ensure_ascii=False))" > tests/golden/seed.json

and review the diff line by line against the seed text before committing it.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kosmochron as kc
from corpus_support import corpus_text
from kosmochron.export import dumps, entry_text, item_json, item_text, ndjson_line, write_document
from kosmochron.model import Entry, Field, Item, Text

GOLDEN_PATH = Path(__file__).parent / "golden" / "seed.json"
GOLDEN: dict[str, Any] = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))

Path_ = tuple[str | int, ...]


def _label(node: Any, key: str | int) -> str:
    """``entries[13] 1971 May 19``: an index, and what the element is called."""
    if not isinstance(key, int):
        return str(key)
    name = ""
    if isinstance(node, dict):
        if isinstance(node.get("date"), dict):
            name = node["date"]["text"]
        elif "name" in node:
            name = node["name"]
        elif "key" in node:
            name = node["key"]
    return f"[{key}] {name}".rstrip()


def _cases(node: Any, path: Path_ = (), label: str = "") -> Iterator[Any]:
    """One case per leaf value, plus one per container for its keys or length."""
    if isinstance(node, dict):
        yield pytest.param(path, "keys", id=f"{label}/keys" if label else "keys")
        for key, value in node.items():
            yield from _cases(value, (*path, key), f"{label}/{key}" if label else key)
    elif isinstance(node, list):
        yield pytest.param(path, "len", id=f"{label}/len")
        for i, value in enumerate(node):
            yield from _cases(value, (*path, i), label + _label(value, i))
    else:
        yield pytest.param(path, "value", id=label)


def _at(document: Any, path: Path_) -> Any:
    node = document
    for step in path:
        node = node[step]
    return node


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    """The seed's export as JSON types (through a JSON round trip, as a consumer sees it)."""
    parsed: dict[str, Any] = json.loads(dumps(kc.document_json(kc.parse_file())))
    return parsed


@pytest.mark.parametrize(("path", "aspect"), list(_cases(GOLDEN)))
def test_seed_matches_golden(exported: dict[str, Any], path: Path_, aspect: str) -> None:
    expected = _at(GOLDEN, path)
    actual = _at(exported, path)
    if aspect == "keys":
        assert list(actual) == list(expected)
    elif aspect == "len":
        assert len(actual) == len(expected)
    else:
        assert actual == expected
        assert type(actual) is type(expected)  # 640.0 is not 640, nor "5234" 5234


# -- Hand-checked anchors: the values the golden file was verified against. ---------------
# They hold even if someone regenerates the golden file without reviewing it.


def _item(name: str, date: str | None = None) -> dict[str, Any]:
    found = [i for e in GOLDEN["entries"] for i in e["items"]
             if i["name"] == name and date in (None, e["date"]["text"])]
    assert len(found) == 1, f"{name!r} should be one item of the seed"
    item: dict[str, Any] = found[0]
    return item


def _entry_of(name: str) -> dict[str, Any]:
    return next(e for e in GOLDEN["entries"] if any(i["name"] == name for i in e["items"]))


def test_golden_counts() -> None:
    entries = GOLDEN["entries"]
    assert len(entries) == 21
    assert all(e["kind"] == "launch" for e in entries)
    assert sum(len(e["items"]) for e in entries) == 29
    assert GOLDEN["diagnostics"] == []
    assert GOLDEN["source"]["path"] == "soviet-mars-chronology.txt"
    assert GOLDEN["source"]["title"] == "Soviet Mars Chronology"


def test_golden_source_hash_is_the_seed_file() -> None:
    assert GOLDEN["source"]["sha256"] == hashlib.sha256(kc.seed_path().read_bytes()).hexdigest()


def test_golden_mars_2() -> None:
    mars2 = _item("Mars 2")
    assert (mars2["satcat"], mars2["cospar"], mars2["cospar_kind"]) == (5234, "1971-045A", "modern")
    assert (mars2["apogee_km"], mars2["perigee_km"]) == (25000.0, 1380.0)
    assert (mars2["inclination_deg"], mars2["period_min"]) == (48.9, 1080.0)
    assert (mars2["mass_kg"], mars2["mass_lb"]) == (4650.0, 10250.0)
    entry = _entry_of("Mars 2")
    assert (entry["date"]["start"], entry["time_utc"], entry["outcome"]) == (
        "1971-05-19", "16:22", "success")
    assert entry["complex"] == "Baikonur LC81/24"


def test_golden_first_mars_probe_failure() -> None:
    probe = _item("Mars probe 1M s/n 1 failure")
    assert (probe["cospar"], probe["cospar_kind"], probe["satcat"]) == ("F601010A", "failure", None)
    entry = _entry_of("Mars probe 1M s/n 1 failure")
    assert (entry["outcome"], entry["failed_stage"]) == ("failure", "3")
    assert entry["failure"].endswith("the engine of Stage 3 cut off after 13.32 s of burning.")


def test_golden_sputnik_22_greek_designator() -> None:
    sputnik = _item("Sputnik 22")
    assert (sputnik["satcat"], sputnik["cospar"], sputnik["cospar_kind"]) == (
        443, "1962-B-Iota-1", "greek")
    assert (sputnik["cospar_normalized"], sputnik["cospar_gcat"]) == (
        "1962 Beta Iota 1", "1962 B IOT 1")  # GCAT psatcat spells S00443 "1962 B IOT 1"


def test_golden_mars_96_has_no_period() -> None:
    mars96 = _item("Mars-96 (Mars 8)")
    assert mars96["period_min"] is None
    assert (mars96["apogee_km"], mars96["perigee_km"], mars96["inclination_deg"]) == (
        340.0, 110.0, 51.6)
    assert not any(f["key"] == "Period" for f in mars96["fields"])


def test_golden_items_without_mass_have_null_mass() -> None:
    for entry in GOLDEN["entries"]:
        for item in entry["items"]:
            has_mass = any(f["key"] == "Mass" for f in item["fields"])
            assert (item["mass_kg"] is not None) is has_mass, item["name"]
            assert (item["mass_lb"] is not None) is has_mass, item["name"]


def test_golden_summary_items() -> None:
    summarised = [i for e in GOLDEN["entries"] for i in e["items"] if i["summary"] is not None]
    assert [i["name"] for i in summarised] == [
        "Mars probe 1M s/n 2 failure", "Cosmos 21", "M-69 s/n 521"]
    assert summarised[1]["summary"] == (
        "The stage with payload remained in Earth orbit as Cosmos-51 and burnt up on re-entry.")
    # Nothing follows their summaries, so they have no other narrative.
    assert all(i["narrative"] is None for i in summarised)


def test_golden_mars_1_narrative_keeps_its_lower_case_colon() -> None:
    mars1 = _item("Mars 1")
    assert "Announced mission: Prolonged exploration of outer space" in mars1["narrative"]
    assert mars1["narrative"].startswith("Mars probe intended to photograph Mars")
    assert mars1["payload"] == "2MV-4 s/n 4 / Sputnik 23"
    assert [f["key"] for f in mars1["fields"]][-1] == "COSPAR"


# -- The export itself, beyond the seed. --------------------------------------------------


def test_document_json_keys_follow_the_contract() -> None:
    doc = kc.document_json(kc.parse_file())
    assert set(doc) == {"source", "entries", "diagnostics"}
    assert set(doc["source"]) == {"path", "sha256", "title"}


def test_item_named_keys_read_the_first_field_of_a_repeated_key() -> None:
    """A value and its typed reading come from the same field, even when a key repeats."""
    text = ("1971 May 19 - . 16:22 GMT - . Launch Site: Baikonur.\n"
            "· Probe - . COSPAR: not-a-designator. Mass: 9x0 kg. COSPAR: 1971-045A. "
            "Mass: 4,650 kg (10,250 lb).\n")
    item = kc.parse_text(text).entries[0].items[0]
    exported = item_json(item)
    assert (exported["cospar"], exported["cospar_kind"]) == ("not-a-designator", None)
    assert (exported["mass_kg"], exported["mass_lb"]) == (None, None)
    assert [f["value"] for f in exported["fields"] if f["key"] == "COSPAR"] == [
        "not-a-designator", "1971-045A"]


def test_numbers_too_large_for_a_float_export_as_null() -> None:
    """JSON has no Infinity: the output stays valid JSON, the raw text stays in ``fields``."""
    huge = "9" * 400
    text = (f"1971 May 19 - . 16:22 GMT - . Launch Site: Baikonur.\n"
            f"· Probe - . Mass: {huge} kg. Apogee: {huge} km. Period: {huge} min.\n")
    exported = item_json(kc.parse_text(text).entries[0].items[0])
    assert (exported["mass_kg"], exported["apogee_km"], exported["period_min"]) == (None,) * 3
    assert json.loads(dumps(exported))["fields"][0]["value"] == f"{huge} kg"


def test_dumps_writes_non_finite_numbers_as_null() -> None:
    """JSON has no NaN or Infinity; a value that reaches the writer with one must not
    end the output either (issue 16: ``check --format json`` wrote ``Infinity``)."""
    assert json.loads(dumps({"x": math.inf, "y": [1.5, -math.inf, math.nan]})) == {
        "x": None, "y": [1.5, None, None]}
    assert dumps({"x": [math.inf]}, indent=1) == '{\n "x": [\n  null\n ]\n}'


def test_ndjson_line_is_one_line_with_the_source_first() -> None:
    entry = kc.parse_file().entries[13]
    line = ndjson_line(entry, "soviet-mars-chronology.txt")
    assert line.endswith("\n")
    assert "\n" not in line[:-1]
    record = json.loads(line)
    assert next(iter(record)) == "source"
    assert record == {"source": "soviet-mars-chronology.txt",
                      **json.loads(dumps(kc.entry_json(entry)))}


def test_write_document_streams_the_same_document(seed_doc: kc.Document) -> None:
    out = io.StringIO()
    write_document(out, iter(seed_doc.entries), lambda: (seed_doc.source, seed_doc.diagnostics))
    streamed = json.loads(out.getvalue())
    assert list(streamed) == ["entries", "diagnostics", "source"]  # source last: hashed at the end
    assert streamed == json.loads(dumps(kc.document_json(seed_doc)))
    assert streamed == GOLDEN


def test_write_document_of_no_entries() -> None:
    out = io.StringIO()
    doc = kc.parse_text("")
    write_document(out, iter(doc.entries), lambda: (doc.source, doc.diagnostics))
    assert json.loads(out.getvalue()) == {
        "entries": [], "diagnostics": [],
        "source": {"path": "<string>", "sha256": doc.source.sha256, "title": None}}


# -- the text writers: the same JSON as dumps(entry_json(...)), byte for byte ---------

def _assert_text_writers_agree(doc: kc.Document) -> None:
    for entry in doc.entries:
        assert entry_text(entry) == dumps(kc.entry_json(entry))
        assert ndjson_line(entry, doc.source.path) == dumps(
            {"source": doc.source.path, **kc.entry_json(entry)}) + "\n"
        for item in entry.items:
            assert item_text(item) == dumps(item_json(item))


@pytest.mark.parametrize("name", [None, "astronautix-saturn-v-page.txt", "bad-values.txt",
                                  "export-contract.txt", "format-variants.txt",
                                  "parser-edge-cases.txt", "validate-hostile.txt",
                                  "web-script-injection.txt"])
def test_entry_text_is_the_exported_json(name: str | None) -> None:
    path = None if name is None else Path(__file__).parent / "fixtures" / name
    _assert_text_writers_agree(kc.parse_file(path))


def test_entry_text_is_the_exported_json_over_a_generated_corpus() -> None:
    doc = kc.parse_text(corpus_text(2000), "corpus.txt")
    assert len(doc.entries) == 2000
    _assert_text_writers_agree(doc)


@settings(max_examples=200, deadline=None)
@given(key=st.text(min_size=1, max_size=12), value=st.text(max_size=40),
       name=st.text(min_size=1, max_size=20))
def test_entry_text_escapes_as_json_does(key: str, value: str, name: str) -> None:
    """Any text (quotes, backslashes, control characters, lone surrogates, U+2028) is
    escaped exactly as ``json.dumps(ensure_ascii=False)`` escapes it."""
    header = Field(key, value, None, 1, 20)
    item = Item(name, [Field(key, value, None, 2, 9), Field("Payload", value, None, 2, 30),
                       Text(value, 2, 40)], 2)
    entry = Entry(kc.VagueDate(value, "unknown", None, None), value or None,
                  [header, Field("Launch Site", value, None, 1, 40)], [item], 1)
    assert entry_text(entry, value) == dumps({"source": value, **kc.entry_json(entry)})
