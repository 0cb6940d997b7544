"""The published JSON Schema: the CLI's output validates against it, and it is strict.

``schema/chronology.schema.json`` describes ``kosmochron parse`` (a document, or a
list of documents for several files); ``schema/chronology-ndjson.schema.json``
describes one line of ``--format ndjson`` by reference into the first.  Both are
checked with a Draft 2020-12 validator *with* its format checker, so ISO dates
are checked as dates, not just as strings.
"""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

import kosmochron as kc
from kosmochron import model
from kosmochron.cli import main

SCHEMA_DIR = Path(__file__).parent.parent / "schema"
FIXTURES = Path(__file__).parent / "fixtures"
#: Hand-made: every date precision, both kinds, warnings, errors, events without outcome,
#: Greek/failure/placeholder/invalid COSPARs, repeated and unknown keys.
CONTRACT_PATH = FIXTURES / "export-contract.txt"
VARIANTS_PATH = FIXTURES / "format-variants.txt"

Json = Any


def _load(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return schema


DOCUMENT_SCHEMA = _load("chronology.schema.json")
NDJSON_SCHEMA = _load("chronology-ndjson.schema.json")
REGISTRY: Registry[Any] = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in (DOCUMENT_SCHEMA, NDJSON_SCHEMA))


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


DOCUMENT = _validator(DOCUMENT_SCHEMA)
NDJSON = _validator(NDJSON_SCHEMA)
ENTRY = _validator({"$ref": "urn:kosmochron:schema:chronology#/$defs/entry"})


def _errors(validator: Draft202012Validator, instance: Json) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)]


def cli_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, Json]:
    status = main(["parse", *map(str, args)])
    out, _ = capsys.readouterr()
    return status, json.loads(out)


def cli_ndjson(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[Json]]:
    status = main(["parse", "--format", "ndjson", *map(str, args)])
    out, _ = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()]


# -- The schemas themselves. --------------------------------------------------------------


@pytest.mark.parametrize("schema", [DOCUMENT_SCHEMA, NDJSON_SCHEMA], ids=["document", "ndjson"])
def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(("definition", "literal"), [
    ("entry_keys/properties/kind", model.EntryKind),
    ("entry_keys/properties/outcome", model.Outcome),
    ("date/properties/precision", model.Precision),
    ("item/properties/cospar_kind", model.CosparKind),
    ("diagnostic/properties/severity", model.Severity),
])
def test_schema_enums_match_the_model(definition: str, literal: Any) -> None:
    node: Json = DOCUMENT_SCHEMA["$defs"]
    for step in definition.split("/"):
        node = node[step]
    assert {v for v in node["enum"] if v is not None} == set(typing.get_args(literal))


def _keys(definition: str) -> set[str]:
    schema = DOCUMENT_SCHEMA["$defs"][definition]
    assert set(schema["required"]) == set(schema["properties"])  # every key, always present
    return set(schema["properties"])


def test_schema_lists_exactly_the_exported_keys(seed_doc: kc.Document) -> None:
    document = kc.document_json(seed_doc)
    entry = document["entries"][0]
    assert set(document) == _keys("document")
    assert set(document["source"]) == _keys("source")
    assert set(entry) == _keys("entry_keys")
    assert set(entry["date"]) == _keys("date")
    assert set(entry["fields"][0]) == _keys("field")
    assert set(entry["items"][0]) == _keys("item")
    assert _keys("ndjson_line") == {"source"}


# -- The CLI's output validates. ----------------------------------------------------------


def test_seed_output_validates(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = cli_json(capsys)
    assert status == 0
    assert _errors(DOCUMENT, document) == []


def test_golden_record_validates() -> None:
    golden = json.loads((Path(__file__).parent / "golden" / "seed.json").read_text("utf-8"))
    assert _errors(DOCUMENT, golden) == []


@pytest.mark.parametrize("path", [CONTRACT_PATH, VARIANTS_PATH], ids=lambda p: p.name)
def test_tricky_fixture_output_validates(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    _, document = cli_json(capsys, path)
    assert document["entries"]
    assert _errors(DOCUMENT, document) == []


def test_saturn_page_output_validates(capsys: pytest.CaptureFixture[str],
                                      saturn_path: Path) -> None:
    status, document = cli_json(capsys, saturn_path)
    assert status == 0
    assert len(document["entries"]) == 211
    assert _errors(DOCUMENT, document) == []


def test_contract_fixture_covers_the_nullable_and_enumerated_keys(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The fixture is only useful if it reaches every branch of the schema."""
    status, document = cli_json(capsys, CONTRACT_PATH)
    assert status == 1  # it has errors on purpose
    entries = document["entries"]
    items = [i for e in entries for i in e["items"]]
    assert {e["kind"] for e in entries} == {"launch", "event"}
    assert {e["outcome"] for e in entries} == {"success", "failure", None}
    assert {e["date"]["precision"] for e in entries} == {
        "day", "day-range", "month", "season", "year", "unknown"}
    assert {e["time_utc"] is None for e in entries} == {True, False}
    assert {i["cospar_kind"] for i in items} == {"greek", "modern", "failure", "placeholder", None}
    assert {d["severity"] for d in document["diagnostics"]} == {"error", "warning"}
    assert any(i["summary"] and i["narrative"] for i in items)
    assert any(f["key"] == "Custom Key" for i in items for f in i["fields"])
    assert any(i["duration_days"] is not None for i in items)


def test_several_files_output_validates(capsys: pytest.CaptureFixture[str],
                                        saturn_path: Path) -> None:
    status, documents = cli_json(capsys, CONTRACT_PATH, VARIANTS_PATH, saturn_path)
    assert status == 1
    assert isinstance(documents, list)
    assert len(documents) == 3
    assert _errors(DOCUMENT, documents) == []


def test_stopped_outputs_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  seed_text: str) -> None:
    """--strict at the first error, and bytes that are not UTF-8, still give valid documents."""
    status, stopped = cli_json(capsys, "--strict", CONTRACT_PATH, VARIANTS_PATH)
    assert status == 1
    assert _errors(DOCUMENT, stopped) == []
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(seed_text.replace("Baikonur LC1.", "Baïkonur LC1.").encode("latin-1"))
    status, undecodable = cli_json(capsys, VARIANTS_PATH, latin1)
    assert status == 2
    assert _errors(DOCUMENT, undecodable) == []


@pytest.mark.parametrize("path", [None, CONTRACT_PATH, VARIANTS_PATH],
                         ids=["seed", "export-contract", "format-variants"])
def test_ndjson_lines_validate(capsys: pytest.CaptureFixture[str], path: Path | None) -> None:
    _, lines = cli_ndjson(capsys, *([path] if path else []))
    assert lines
    for line in lines:
        assert _errors(NDJSON, line) == []
        assert not ENTRY.is_valid(line)  # the extra "source" key makes it no plain entry
        entry = {k: v for k, v in line.items() if k != "source"}
        assert _errors(ENTRY, entry) == []
        assert not NDJSON.is_valid(entry)  # and an entry without "source" is no NDJSON line


# -- The schema is strict: each of these breaks the contract and must be refused. ---------

Mutation = Callable[[Json], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(document: Json) -> None:
        *parents, last = path.split("/")
        node = document
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        node[int(last) if last.isdigit() else last] = value
    return mutate


def _delete(path: str) -> Mutation:
    def mutate(document: Json) -> None:
        *parents, last = path.split("/")
        node = document
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        del node[last]
    return mutate


MARS_2 = "entries/12/items/0"
#: name -> (how to break the seed's export, where the schema must point).
BROKEN: dict[str, tuple[Mutation, str]] = {
    "extra document key": (_set("extra", 1), ""),
    "extra entry key": (_set("entries/0/extra", 1), "entries/0"),
    "extra item key": (_set(f"{MARS_2}/extra", 1), MARS_2),
    "extra field key": (_set(f"{MARS_2}/fields/0/extra", 1), f"{MARS_2}/fields/0"),
    "extra date key": (_set("entries/0/date/extra", 1), "entries/0/date"),
    "missing source": (_delete("source"), ""),
    "missing entry key": (_delete("entries/0/time_utc"), "entries/0"),
    "missing item key": (_delete(f"{MARS_2}/narrative"), MARS_2),
    "kind not an enum value": (_set("entries/0/kind", "landing"), "entries/0/kind"),
    "precision not an enum value": (_set("entries/0/date/precision", "week"),
                                    "entries/0/date/precision"),
    "outcome not an enum value": (_set("entries/0/outcome", "partial"), "entries/0/outcome"),
    "cospar_kind not an enum value": (_set(f"{MARS_2}/cospar_kind", "soviet"),
                                      f"{MARS_2}/cospar_kind"),
    "severity not an enum value": (_set("diagnostics", [
        {"severity": "info", "source": "x", "line": 1, "column": 1, "message": "m"}]),
        "diagnostics/0/severity"),
    "date not ISO": (_set("entries/0/date/start", "1960 October 10"), "entries/0/date/start"),
    "date that does not exist": (_set("entries/0/date/start", "1971-02-30"),
                                 "entries/0/date/start"),
    "decay date not ISO": (_set(f"{MARS_2}/decay_date", "12 May 1971"), f"{MARS_2}/decay_date"),
    "known precision without interval": (_set("entries/0/date/end", None), "entries/0/date/end"),
    "unknown precision with interval": (_set("entries/0/date/precision", "unknown"),
                                        "entries/0/date/start"),
    "event with an outcome": (_set("entries/0/kind", "event"), "entries/0/outcome"),
    "launch without outcome": (_set("entries/0/outcome", None), "entries/0/outcome"),
    "time not HH:MM": (_set("entries/0/time_utc", "16h22"), "entries/0/time_utc"),
    "satcat as text": (_set(f"{MARS_2}/satcat", "5234"), f"{MARS_2}/satcat"),
    "satcat not integral": (_set(f"{MARS_2}/satcat", 5234.5), f"{MARS_2}/satcat"),
    "mass as text": (_set(f"{MARS_2}/mass_kg", "4650"), f"{MARS_2}/mass_kg"),
    "negative apogee": (_set(f"{MARS_2}/apogee_km", -1.0), f"{MARS_2}/apogee_km"),
    "pounds without kilograms": (_set(f"{MARS_2}/mass_kg", None), f"{MARS_2}/mass_lb"),
    "cospar kind without cospar": (_set(f"{MARS_2}/cospar", None), f"{MARS_2}/cospar_kind"),
    "empty narrative instead of null": (_set(f"{MARS_2}/narrative", ""), f"{MARS_2}/narrative"),
    "line zero": (_set("entries/0/line", 0), "entries/0/line"),
    "column as text": (_set("entries/0/fields/0/column", "35"), "entries/0/fields/0/column"),
    "sha256 upper case": (_set("source/sha256", "DE53" + "0" * 60), "source/sha256"),
    "sha256 too short": (_set("source/sha256", "de53"), "source/sha256"),
    "has_errors not boolean": (_set("entries/0/has_errors", 0), "entries/0/has_errors"),
    "items not a list": (_set("entries/0/items", {}), "entries/0/items"),
}


def _deepest(error: ValidationError) -> ValidationError:
    """The most specific error: inside ``oneOf`` (document or list), the deepest one."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


@pytest.fixture(scope="module")
def seed_export() -> Json:
    return json.loads(json.dumps(kc.document_json(kc.parse_file())))


@pytest.mark.parametrize(("mutate", "where"), list(BROKEN.values()), ids=list(BROKEN))
def test_schema_refuses(seed_export: Json, mutate: Mutation, where: str) -> None:
    assert DOCUMENT.is_valid(seed_export)
    broken = copy.deepcopy(seed_export)
    mutate(broken)
    errors = [_deepest(e) for e in DOCUMENT.iter_errors(broken)]
    assert errors, "the schema accepted a broken document"
    assert where in {"/".join(map(str, e.absolute_path)) for e in errors}


def test_schema_refuses_a_broken_document_inside_a_list(seed_export: Json) -> None:
    broken = copy.deepcopy(seed_export)
    broken["entries"][3]["kind"] = "landing"
    assert DOCUMENT.is_valid([seed_export, seed_export])
    assert not DOCUMENT.is_valid([seed_export, broken])
    assert not DOCUMENT.is_valid([seed_export["entries"][0]])  # entries are not documents
