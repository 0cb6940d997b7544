"""The database commands end to end (``kosmochron launches``, ``export``, ``stats`` …),
in-process on SQLite and PostgreSQL, and every command into a closed pipe.

The seed has 21 launches; 4 of them Proton failures with 8 payloads.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from db_support import SEED_ITEMS, SEED_LAUNCHES
from kosmochron.cli import main
from kosmochron.store import Store
from kosmochron.tables import LAUNCH_COLUMNS, PAYLOAD_COLUMNS, names

pytest_plugins = ["db_support"]

PROTON_FAILURES = ["--family", "Proton", "--outcome", "failure"]


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def db(seeded: Store) -> str:
    return seeded.settings.url


# -- export ----------------------------------------------------------------------


def test_export_csv_goes_to_stdout_with_the_launches_filters(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    status, out, err = cli(capsys, "export", "--db", db, "--format", "csv", *PROTON_FAILURES)
    assert (status, err) == (0, "")
    rows = _csv(out)
    assert rows[0] == names(LAUNCH_COLUMNS)
    assert [r[4] for r in rows[1:]] == ["1969 March 27", "1969 April 2", "1971 May 10",
                                        "1996 November 16"]
    assert out.endswith("\r\n") and all(r[17] == "false" for r in rows[1:])

    status, out, _ = cli(capsys, "export", "--db", db, "-f", "csv", "--table", "payloads",
                         *PROTON_FAILURES)
    payloads = _csv(out)
    assert payloads[0] == names(PAYLOAD_COLUMNS) and len(payloads) == 1 + 8  # Mars-96 carried five


def test_export_json_and_ndjson_take_the_filters(capsys: pytest.CaptureFixture[str],
                                                 db: str) -> None:
    status, out, _ = cli(capsys, "export", "--db", db, "--format", "ndjson", "--from", "1971",
                         "--to", "1971")
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["date"]["text"] for r in lines] == ["1971 May 10", "1971 May 19", "1971 May 28"]
    status, out, _ = cli(capsys, "export", "--db", db, *PROTON_FAILURES)
    (document,) = json.loads(out)
    assert len(document["entries"]) == 4
    status, out, _ = cli(capsys, "export", "--db", db, "-f", "ndjson")
    assert len(out.splitlines()) == SEED_LAUNCHES  # every entry (the seed has no events)
    status, out, _ = cli(capsys, "export", "--db", db, "-f", "ndjson", "--kind", "event")
    assert (status, out) == (0, "")


def test_a_directory_export_says_where_it_went(capsys: pytest.CaptureFixture[str], db: str,
                                               tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = cli(capsys, "export", "--db", db, "-f", "csv", "--out", "tables")
    assert (status, out) == (0, "")
    assert err.splitlines() == [f"wrote {tmp_path / 'tables' / 'launches.csv'}",
                                f"wrote {tmp_path / 'tables' / 'payloads.csv'}"]
    assert len(_csv((tmp_path / "tables" / "payloads.csv").read_text())) == 1 + SEED_ITEMS


def test_one_table_to_a_file(capsys: pytest.CaptureFixture[str], db: str,
                             tmp_path: Path) -> None:
    target = tmp_path / "failures.csv"
    status, _, err = cli(capsys, "export", "--db", db, "-f", "csv", "--out", target,
                         *PROTON_FAILURES)
    assert (status, err) == (0, f"wrote {target}\n")
    assert len(_csv(target.read_text())) == 5
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "payloads.parquet"
    assert cli(capsys, "export", "--db", db, "-f", "parquet", "--table", "payloads",
               "--out", target)[0] == 0
    assert pq.read_table(target).num_rows == SEED_ITEMS


def test_launches_csv_is_the_export_table(capsys: pytest.CaptureFixture[str], db: str) -> None:
    """One column order and one boolean spelling for every launches CSV."""
    _, listed, _ = cli(capsys, "launches", "--db", db, "--format", "csv", *PROTON_FAILURES)
    _, exported, _ = cli(capsys, "export", "--db", db, "--format", "csv", "--kind", "launch",
                         *PROTON_FAILURES)
    assert listed == exported
    _, page, err = cli(capsys, "launches", "--db", db, "-f", "csv", "--limit", "2",
                       "--sort", "-date")
    assert [r[4] for r in _csv(page)[1:]] == ["1996 November 16", "1988 July 12"]
    assert "showing 2 of 21" in err


def test_stats_csv(capsys: pytest.CaptureFixture[str], seeded: Store, db: str) -> None:
    status, out, _ = cli(capsys, "stats", "--db", db, "--by", "family", "--format", "csv")
    assert status == 0
    rows = _csv(out)
    columns = list(seeded.stats("family")[0].to_json())  # the API's and JSON's keys
    assert rows[0] == columns
    proton = dict(zip(columns, next(r for r in rows if r[0] == "Proton"), strict=True))
    assert (proton["launches"], proton["failures"], proton["successes"]) == ("12", "4", "8")
    assert json.loads(proton["failed_stages"]) == {"1": 1, "2": 1, "4": 1, "S": 1}


# -- identifiers -----------------------------------------------------------------------


@pytest.mark.parametrize(("term", "payload"), [
    ("1962 B IOT 1", "Sputnik 22"), ("1962-B-Iota-1", "Sputnik 22"), ("F601010A", "Mars probe"),
    ("1971-049", "Mars 3"), ("mars-3", "Mars 3"), ("5252", "Mars 3")])
def test_show_takes_any_identifier(capsys: pytest.CaptureFixture[str], db: str, term: str,
                                   payload: str) -> None:
    status, out, _ = cli(capsys, "show", term, "--db", db, "--format", "json")
    assert status == 0
    assert json.loads(out)["items"][0]["name"].startswith(payload)


# -- did you mean --------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["launches", "--family", "Protn"],
     "kosmochron: error: --family: unknown LV family 'Protn'; did you mean 'Proton'?"),
    (["launches", "--site", "Plesetsk"],
     "kosmochron: error: --site: unknown launch site 'Plesetsk'; none of the 1 stored is "
     "close"),
    (["launches", "--outcome", "failed"], "kosmochron: error: --outcome: bad outcome 'failed': "
     "expected success or failure; did you mean 'failure'?"),
    (["export", "-f", "csv", "--agency", "Korolyov"],
     "kosmochron: error: --agency: unknown agency 'Korolyov'; did you mean 'Korolev'?"),
    (["stats", "--family", "r7"],
     "kosmochron: error: --family: unknown LV family 'r7'; did you mean 'R-7'?"),
    (["launches", "--sort", "dat"], "kosmochron: error: bad ordering 'dat': expected one of "
     "date, -date, id, -id, name, -name, vehicle, -vehicle"),
    (["launches", "--sort", "dat"], "; did you mean 'date' or '-date'?"),
    (["stats", "--by", "familly"], "did you mean 'family'?"),
    (["export", "--state", "USR"], "kosmochron: error: --state: unknown launching state 'USR'"),
])
def test_an_unknown_value_is_status_2_with_the_nearest(
        capsys: pytest.CaptureFixture[str], db: str, args: list[str], message: str) -> None:
    status, out, err = cli(capsys, *args, "--db", db)
    assert (status, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_a_known_value_matching_nothing_is_an_empty_result(capsys: pytest.CaptureFixture[str],
                                                           db: str) -> None:
    status, out, err = cli(capsys, "launches", "--db", db, "--family", "Proton", "--from",
                           "2000", "--format", "json")
    assert (status, json.loads(out), err) == (0, [], "")


# -- a closed pipe -------------------------------------------------------------------

COMMANDS = [
    ["parse"], ["parse", "--format", "ndjson"], ["parse", "--format", "table"], ["render"],
    ["render", "--stored"], ["launches"], ["launches", "--format", "json"],
    ["launches", "--format", "ndjson"], ["launches", "--format", "csv"], ["show", "Mars 3"],
    ["show", "Mars 3", "--format", "json"], ["search", "mars"],
    ["search", "mars", "--format", "json"], ["stats"], ["stats", "--format", "csv"],
    ["stats", "--format", "json"], ["export"], ["export", "--format", "ndjson"],
    ["export", "--format", "csv"], ["export", "--format", "gcat-tsv"],
    ["export", "--format", "parquet"], ["sources"], ["check"], ["check", "--format", "json"],
    ["check", "--format", "html"], ["transfer", "Mars 3"], ["transfer", "Mars 3", "-f", "json"],
    ["--help"], ["launches", "--help"], ["export", "--help"], ["reconcile"],
    ["reconcile", "--format", "csv"], ["reconcile", "--format", "json"],
    ["reconcile", "--format", "html"], ["launches", "--sort", "-vehicle", "-f", "csv"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_into_a_closed_pipe_exits_quietly_subprocess(
        args: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """``kosmochron export --format csv | head -c 100``: no traceback, no message,
    status 0, whatever the command."""
    from test_cli import KOSMOCHRON

    db = tmp_path_factory.getbasetemp() / "closed-pipe.sqlite3"
    process = subprocess.Popen([KOSMOCHRON, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE,
                               env={**os.environ, "KOSMOCHRON_DB": str(db), "COLUMNS": "80"})
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(1)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == b""


def test_ingest_of_a_missing_file_says_so_plainly(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    """The message every command gives a file it cannot read: one line, nothing wrapped
    in a usage box (a long path once split "no such file" over two lines)."""
    missing = tmp_path / ("a-long-folder-name-" * 4) / "missing.txt"
    status, _, err = cli(capsys, "ingest", missing, "--db", str(tmp_path / "k.db"))
    assert (status, err) == (2, f"{missing}: error: no such file\n")
    assert not (tmp_path / "k.db").exists()  # refused before any database is opened
