"""``kosmochron import-gcat``, ``reconcile`` and ``render`` of a selection, end to end on
SQLite and PostgreSQL, with the rows of GCAT's files in tests/fixtures/gcat."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from db_support import GCAT_FILES, GCAT_FIXTURES, GCAT_SAMPLE_LAUNCHES, SEED_LAUNCHES
from kosmochron.cli import main
from kosmochron.source import parse_text
from kosmochron.store import Store

pytest_plugins = ["db_support"]


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


@pytest.fixture
def db(store: Store, capsys: pytest.CaptureFixture[str]) -> str:
    url = store.settings.url
    status, _, err = cli(capsys, "import-gcat", *GCAT_FILES, "--db", url)
    assert status == 0, err
    return url


def test_import_gcat_reports_each_file(capsys: pytest.CaptureFixture[str], store: Store) -> None:
    status, out, err = cli(capsys, "import-gcat", *GCAT_FILES, "--db", store.settings.url)
    assert (status, out) == (0, "")
    assert f"launch {GCAT_FILES[0]}: added: 52 rows, 0 kept as raw text, 0 errors" in err
    assert f"{GCAT_SAMPLE_LAUNCHES} launches in all (J. McDowell, GCAT, planet4589.org, " \
        "CC-BY 4.0)" in err
    status, _, err = cli(capsys, "import-gcat", *GCAT_FILES, "--db", store.settings.url)
    assert status == 0 and err.count("unchanged (same SHA-256)") == 5


def test_import_gcat_bad_rows_and_bad_files(capsys: pytest.CaptureFixture[str], store: Store,
                                            tmp_path: Path) -> None:
    bad = GCAT_FIXTURES / "bad-launches.csv"
    status, _, err = cli(capsys, "import-gcat", bad, "--db", store.settings.url)
    assert status == 1  # errors in the input; the rows are kept
    assert f"{bad}:3:31: error: row has 4 columns" in err
    assert "3 rows, 4 kept as raw text, 6 errors" in err
    other = tmp_path / "notes.txt"
    other.write_text("1971 May 19 - . Launch Site: Baikonur.\n")
    status, _, err = cli(capsys, "import-gcat", other, "--db", store.settings.url)
    assert status == 2 and err.startswith(f"{other}:1:1: error: not a GCAT file")
    status, _, err = cli(capsys, "import-gcat", tmp_path / "missing.tsv")
    assert (status, err) == (2, f"{tmp_path / 'missing.tsv'}: error: no such file\n")


def test_prefer_is_a_setting(capsys: pytest.CaptureFixture[str], db: str) -> None:
    status, _, err = cli(capsys, "import-gcat", *GCAT_FILES, "--db", db, "--prefer",
                         "astronautix")
    assert status == 0
    status, out, _ = cli(capsys, "reconcile", "--db", db, "--format", "json")
    assert json.loads(out)["prefer"] == "astronautix"
    status, _, err = cli(capsys, "import-gcat", "--db", db, "--prefer", "nobody", *GCAT_FILES)
    assert status == 2 and "bad preference 'nobody'" in err


def test_reconcile_text_lists_the_seeds_real_disagreements(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    status, out, _ = cli(capsys, "reconcile", "--db", db)
    assert status == 0
    assert out.startswith(f"{SEED_LAUNCHES} launches told by two sources, 8 with "
                          "disagreements; counted from gcat (prefer)")
    assert "1962 October 24 = GCAT 1962 B IOT (designator: designator 1962-B-Iota-1 is " \
        "launch 1962 B IOT)" in out
    assert "  DISAGREE failed stage: 3 (chronology) ≠ 4 (GCAT)  (GCAT failure code S4P)" in out
    assert "  DISAGREE outcome: failure (chronology) ≠ success (GCAT)  (GCAT launch code OS)" \
        in out
    assert "soviet-mars-chronology.txt:17  |  GCAT 1962 B IOT (launch list line " in out
    assert "0 launches GCAT lacks" in out


def test_reconcile_json_csv_html(capsys: pytest.CaptureFixture[str], db: str) -> None:
    _, out, _ = cli(capsys, "reconcile", "--db", db, "--format", "json")
    report = json.loads(out)
    assert report["matched"] == SEED_LAUNCHES and report["with_disagreements"] == 8
    assert report["attribution"] == "J. McDowell, GCAT, planet4589.org (CC-BY 4.0)"
    mars96 = next(x for x in report["launches"] if x["tag"] == "1996-064")
    assert {"field": "outcome", "payload": None, "astronautix": "failure", "gcat": "success",
            "verdict": "disagree", "note": "GCAT launch code OS"} in mars96["fields"]
    (seed,) = report["sources"]
    assert (seed["from"], seed["to"], seed["only_here"]) == ("1960-10-10", "1996-11-16", [])
    with GCAT_FILES[0].open(encoding="utf-8", newline="") as f:
        in_period = [r for r in csv.DictReader(f) if "1960-10-10" <= r["Launch_Date"]
                     <= "1996-11-16"]
    assert seed["only_gcat_count"] == len(in_period) - SEED_LAUNCHES
    _, out, _ = cli(capsys, "reconcile", "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert {r["verdict"] for r in rows} >= {"agree", "disagree"}
    assert any(r["field"] == "time" and r["astronautix"] == "13:12" for r in rows)
    _, out, _ = cli(capsys, "reconcile", "--db", db, "--format", "html")
    assert out.startswith("<!doctype html>") and "disagree" in out
    assert "J. McDowell, GCAT, planet4589.org" in out


def test_render_a_selection_reads_back_to_the_same_facts(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    status, out, _ = cli(capsys, "render", "--db", db, "--program", "Mars")
    assert status == 0
    doc = parse_text(out)
    assert doc.diagnostics == []
    # Every Mars launch, in Astronautix's own words (the seed's text, not GCAT's).
    assert len(doc.entries) == SEED_LAUNCHES
    assert all(e.value("Launch Tag") is None for e in doc.entries)
    status, out, _ = cli(capsys, "render", "--db", db, "--source", "gcat", "--from", "1957",
                         "--to", "1958")
    gcat = parse_text(out)
    assert gcat.diagnostics == [] and [e.value("Launch Tag") for e in gcat.entries] == [
        "1957 ALP", "1957 BET", "1957-F01", "1958 ALP", "1958-F01", "1958-F13"]
    _, again, _ = cli(capsys, "launches", "--db", db, "--from", "1957", "--to", "1958",
                      "--format", "json", "--limit", "0")
    assert [e.date.text for e in gcat.entries] == [x["date"]["text"] for x in json.loads(again)]
