"""The database commands with hostile input (issue 16), on SQLite and PostgreSQL: terminal
tables show text literally, CSV never carries a formula, JSON never ``Infinity``, and a
second writer waits for the first, then gives up with status 2 naming it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db_support import FIXTURES
from kosmochron.cli import main

pytest_plugins = ["db_support"]
HOSTILE = FIXTURES / "hostile-values.txt"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def hostile_db(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    status, _, err = cli(capsys, "ingest", "--db", db_url, str(HOSTILE))
    assert status == 1 and "internal error" not in err  # errors in the input, all stored
    assert "added" in err
    return db_url


def test_tables_show_input_literally(hostile_db: str, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    status, out, err = cli(capsys, "launches", "--db", hostile_db, "--text", "markup")
    assert (status, err) == (0, "")
    assert "Markup [link=http://evil.example]click[/link] [/x] a\\" in out  # not a link
    status, out, err = cli(capsys, "show", "--db", hostile_db, "--format", "text", "Int31")
    assert status == 0
    status, out, err = cli(capsys, "show", "--db", hostile_db, "Markup")
    assert status == 0 and "internal error" not in err
    assert "Class: \\x1b[31mred\\x1b[0m" in out and "\x1b" not in out  # no terminal codes
    assert "[bold]x[/bold]" in out and "a\\ (payload" in out
    status, out, err = cli(capsys, "search", "--db", hostile_db, "markup")
    assert status == 0 and "[link=http://evil.example]" in out
    status, out, err = cli(capsys, "stats", "--db", hostile_db, "--by", "family")
    assert status == 0 and "Markup [bold]x[/bold]" in out
    status, out, err = cli(capsys, "sources", "--db", hostile_db)
    assert status == 0 and "Hostile" in out


def test_show_numbers_source_lines_at_newlines_only(hostile_db: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "show", "--db", hostile_db, "Plain probe")
    assert status == 0
    lines = HOSTILE.read_bytes().decode("utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, 1) if line.startswith("· Plain probe"))
    assert f"{number:>6} · Plain probe" in out  # not shifted by \x0c, U+2028, U+0085 above


def test_csv_cells_a_spreadsheet_would_run_are_text(hostile_db: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "export", "--db", hostile_db, "--format", "csv",
                         "--table", "payloads", "--text", "markup")
    assert status == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["name"].startswith("Markup [link=")
    assert row["payload"] == "'=HYPERLINK(\"http://x\",\"y\")"
    cells = [v for v in row.values() if v]
    assert not any(v[0] in "=+-@" and not v.lstrip("+-").replace(".", "").isdigit()
                   for v in cells), cells
    status, out, _ = cli(capsys, "launches", "--db", hostile_db, "--format", "csv", "--events")
    assert status == 0 and not any(cell[:1] in "=+@" for row in csv.reader(io.StringIO(out))
                                   for cell in row)


def test_export_csv_neutralises_formulas(hostile_db: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = cli(capsys, "export", "--db", hostile_db, "--format", "csv",
                       "--out", str(tmp_path))
    assert status == 0
    with (tmp_path / "payloads.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    markup = next(r for r in rows if r["name"].startswith("Markup"))
    assert markup["payload"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert markup["nation"] == "'+cmd|' /C calc'!A0"
    assert markup["agency"] == "'@SUM(1+1)"
    assert markup["program"] == "'-2+3"
    every = [v for r in rows for v in r.values() if v]
    assert not any(v[0] in "=+@" for v in every)


def test_json_outputs_hold_no_infinity(hostile_db: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["check", "--db", hostile_db, "--format", "json"],
                 ["launches", "--db", hostile_db, "--format", "json", "--events"],
                 ["show", "--db", hostile_db, "--format", "json", "Plain probe"],
                 ["stats", "--db", hostile_db, "--format", "json", "--by", "year"]):
        status, out, err = cli(capsys, *args)
        assert status in (0, 1) and "internal error" not in err, args
        assert "Infinity" not in out and "NaN" not in out, args
        json.loads(out)


HOLD_SQLITE = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE"); c.execute("DELETE FROM sources WHERE 0")
print("holding", flush=True); time.sleep(float(sys.argv[2]))
"""
HOLD_POSTGRES = """
import psycopg, sys, time
c = psycopg.connect(sys.argv[1].replace("postgresql+psycopg", "postgresql"),
                    application_name="kosmochron-test-holder")
c.execute("SELECT pg_advisory_xact_lock(4590)")
print("holding", flush=True); time.sleep(float(sys.argv[2]))
"""


def test_a_second_writer_waits_then_names_the_holder(db_url: str, backend: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "ingest", "--db", db_url)[0] == 0  # create and seed it
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SQLITE if backend == "sqlite" else HOLD_POSTGRES,
         db_url, "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        started = time.monotonic()
        status, _, err = cli(capsys, "ingest", "--db", db_url, "--wait", "1", str(HOSTILE))
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert status == 2 and 1 <= waited < 10
    waiting, error = err.strip().split("\n")[-2:]
    name = f"process {holder.pid}" if backend == "sqlite" else "kosmochron-test-holder"
    assert waiting.startswith("kosmochron: the database is locked by ") and name in waiting
    assert "waiting up to 1 s" in waiting
    assert error.startswith("kosmochron: error: the database is locked by ") and name in error
    assert "gave up after waiting 1 s" in error
    # once the holder has gone, the same command goes through
    assert cli(capsys, "ingest", "--db", db_url, "--wait", "5", str(HOSTILE))[0] == 1
