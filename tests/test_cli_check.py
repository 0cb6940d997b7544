"""``kosmochron check`` end to end: the text, JSON and HTML forms, rule and severity
filters, file and stored modes, exit statuses (0 no error finding, 1 some, 2 usage
or I/O) and never a traceback.

Most tests call :func:`kosmochron.cli.main` in-process; the ``*_subprocess`` tests
run the installed script.  Stored mode always gets its own SQLite database (``--db``
or ``$KOSMOCHRON_DB``), never the user's.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kosmochron.cli import main
from kosmochron.source import SEED_NAME, seed_path
from kosmochron.validate import RULE_IDS, rule_doc

FIXTURES = Path(__file__).parent / "fixtures"
DECAY = FIXTURES / "validate-decay-before-launch.txt"
HOSTILE = FIXTURES / "validate-hostile.txt"
CROSS = FIXTURES / "validate-cross-fields.txt"
GCAT_SAMPLE = FIXTURES / "gcat-psatcat-sample.tsv"
GOLDEN = json.loads((Path(__file__).parent / "golden" / "seed-findings.json")
                    .read_text(encoding="utf-8"))
KOSMOCHRON = shutil.which("kosmochron", path=str(Path(sys.executable).parent)) or "kosmochron"

#: The text form, as the issue gives it.
TEXT_LINE = re.compile(r"^[^:]+:\d+:\d+: (info|warning|error): [a-z-]+: ")
BODIES = ["Earth", "Moon", "Mars", "Venus", "Sun"]

#: The JSON form: a list of findings.
FINDINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["rule", "severity", "source", "line", "column", "entry", "item",
                     "message", "evidence"],
        "additionalProperties": False,
        "properties": {
            "rule": {"enum": sorted(RULE_IDS)},
            "severity": {"enum": ["info", "warning", "error"]},
            "source": {"type": "string", "minLength": 1},
            "line": {"type": "integer", "minimum": 1},
            "column": {"type": "integer", "minimum": 1},
            "entry": {"type": "string", "minLength": 1},
            "item": {"type": ["string", "null"]},
            "entry_id": {"type": ["integer", "null"]},
            "item_id": {"type": ["integer", "null"]},
            "message": {"type": "string", "minLength": 1},
            "evidence": {"type": "object"},
        },
        # The orbit rule always names the central body, at every severity.
        "if": {"properties": {"rule": {"enum": ["orbit-kepler", "orbit-hint-conflict"]}}},
        "then": {"properties": {"evidence": {
            "required": ["central_body"],
            "properties": {"central_body": {"enum": BODIES}}}}},
    },
}
VALIDATOR = Draft202012Validator(FINDINGS_SCHEMA)


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def findings_json(out: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(out)
    VALIDATOR.validate(records)
    return records


def golden(with_gcat: bool = False) -> set[tuple[Any, ...]]:
    return {(g["rule"], g["entry"], g["item"], g["severity"], g["line"])
            for g in GOLDEN["findings"] if with_gcat or not g["rule"].startswith("gcat-")}


def as_golden(records: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(r["rule"], r["entry"], r["item"], r["severity"], r["line"]) for r in records}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database path of this test's own, also as ``$KOSMOCHRON_DB`` (so a stored check
    without ``--db`` never opens the user's database)."""
    path = tmp_path / "kosmochron.sqlite3"
    monkeypatch.setenv("KOSMOCHRON_DB", str(path))
    return path


@pytest.fixture
def seed_file() -> Path:
    return Path(str(seed_path()))


# -- the three forms --------------------------------------------------------------------


def test_text_form_on_the_seed(capsys: pytest.CaptureFixture[str], seed_file: Path) -> None:
    status, out, err = cli(capsys, "check", seed_file)
    assert (status, err) == (0, "")
    *lines, last = out.splitlines()
    assert len(lines) == len(golden())
    for line in lines:
        assert TEXT_LINE.match(line), line
        assert line.startswith(f"{seed_file}:")
    assert last.startswith("summary: 0 errors, 6 warnings, 21 infos; by rule: ")
    # Warnings before infos (errors first: see test_errors_come_first).
    severities = [line.split(": ")[1] for line in lines]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert f"{seed_file}:75:1: warning: narrative-orbit: " in out
    assert re.search(r":81:\d+: info: orbit-kepler: orbit about Mars: ", out)


def test_json_form_on_the_seed(capsys: pytest.CaptureFixture[str], seed_file: Path) -> None:
    status, out, err = cli(capsys, "check", "--format", "json", seed_file)
    assert (status, err) == (0, "")
    records = findings_json(out)
    assert as_golden(records) == golden()
    assert {r["source"] for r in records} == {str(seed_file)}
    assert all(r["entry_id"] is None and r["item_id"] is None for r in records)  # a file
    mars2 = next(r for r in records if r["rule"] == "orbit-kepler" and r["item"] == "Mars 2")
    assert mars2["evidence"]["central_body"] == "Mars"
    assert mars2["evidence"]["stated_period_min"] == 1080.0


def test_the_schema_rejects_what_the_issue_forbids() -> None:
    good = {"rule": "orbit-kepler", "severity": "info", "source": "f", "line": 1, "column": 1,
            "entry": "1971 May 19", "item": "Mars 2", "message": "m",
            "evidence": {"central_body": "Mars"}}
    assert VALIDATOR.is_valid([good])
    for bad in ({**good, "severity": "fatal"}, {**good, "evidence": {}},
                {**good, "line": 0}, {**good, "rule": "nope"}):
        assert not VALIDATOR.is_valid([bad])


def test_html_report_escapes_the_chronology(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "check", "--format", "html", HOSTILE)
    assert (status, err) == (0, "")
    assert out.startswith("<!doctype html>") and out.rstrip().endswith("</html>")
    assert "<script" not in out.lower() and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "Copy &amp; paste" in out and "Copy & paste" not in out
    assert out.count("<li class=") == 4  # one per finding
    # The copy carries its carrier's number with a placeholder designator: carried aboard.
    for rule in ("orbit-kepler", "narrative-orbit", "cospar-placeholder", "carried-aboard"):
        assert f"<code>{rule}</code>" in out
    # Each rule's row says what it checks (its docstring).
    assert html.escape("Kepler's third law") in out


def test_html_report_of_the_seed(capsys: pytest.CaptureFixture[str], seed_file: Path) -> None:
    status, out, _ = cli(capsys, "check", "-f", "html", seed_file)
    assert status == 0
    assert out.count("<li class='info'>") + out.count("<li class='warning'>") == len(golden())
    assert "<li class='error'>" not in out
    assert "<p class='summary'>0 errors, 6 warnings, 21 infos.</p>" in out


def test_html_report_one_plain_description_per_rule_and_errors_first(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "check", "-f", "html", CROSS, DECAY)
    assert status == 1
    rows = re.findall(r"<tr><td><code>([a-z-]+)</code></td><td>(\d+)</td><td>(\d+)</td>"
                      r"<td>(\d+)</td><td>([^<]*)</td></tr>", out)
    assert [r[0] for r in rows][:2] == ["date-decay", "date-order"]  # errors first
    assert len({r[0] for r in rows}) == len(rows) == 8  # one row per rule
    assert rows[0][:4] == ("date-decay", "1", "0", "0")
    for rule, *_, doc in rows:
        assert doc == html.escape(rule_doc(rule)) and "`" not in doc
    classes = re.findall(r"<li class='(\w+)'>", out)
    assert classes == ["error"] + ["warning"] * 6 + ["info"] * 4


# -- filters ----------------------------------------------------------------------------


def check_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    status, out, err = cli(capsys, "check", "-f", "json", *args)
    assert err == ""
    return status, [r["rule"] for r in findings_json(out)]


def test_rule_filter(capsys: pytest.CaptureFixture[str], seed_file: Path) -> None:
    _, rules = check_json(capsys, "--rule", "orbit-kepler", seed_file)
    assert rules == ["orbit-kepler"] * 9
    _, rules = check_json(capsys, "--rule", "cospar", seed_file)  # a family of ids
    assert set(rules) == {"cospar-placeholder"} and len(rules) == 7
    _, rules = check_json(capsys, "--rule", "narrative-orbit", "--rule", "carried-aboard",
                          seed_file)
    assert sorted(set(rules)) == ["carried-aboard", "narrative-orbit"] and len(rules) == 4
    _, rules = check_json(capsys, "--rule", "date-decay", seed_file)
    assert rules == []


def test_min_severity_filter(capsys: pytest.CaptureFixture[str], seed_file: Path) -> None:
    # The seed's warnings (issue 12: the Phobos landers' shared numbers are no longer
    # duplicates but carried aboard, at info; the new cross-field rules find five).
    _, rules = check_json(capsys, "--min-severity", "warning", seed_file)
    assert sorted(rules) == ["decay-reentry"] * 2 + ["failed-stage", "narrative-orbit",
                                                     "period-narrative", "type-spacecraft"]
    _, rules = check_json(capsys, "--min-severity", "error", seed_file)
    assert rules == []
    status, out, _ = cli(capsys, "check", "--min-severity", "warning", "--rule",
                         "type-consistency", seed_file)
    assert status == 0 and len(out.splitlines()) == 2  # the finding and the summary
    assert out.splitlines()[1] == ("summary: 0 errors, 1 warning, 0 infos; by rule: "
                                   "type-spacecraft 1 warning")


def test_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                       seed_file: Path) -> None:
    status, out, err = cli(capsys, "check", "--rule", "orbit-keplr", seed_file)
    assert (status, out) == (2, "")
    assert "unknown rule 'orbit-keplr'" in err and "orbit-kepler" in err
    assert "duplicates" in err  # families are rules too


@pytest.mark.parametrize("args", [["--min-severity", "fatal"], ["--format", "xml"]])
def test_bad_options_are_usage_errors(capsys: pytest.CaptureFixture[str], seed_file: Path,
                                      args: list[str]) -> None:
    status, out, err = cli(capsys, "check", *args, seed_file)
    assert (status, out) == (2, "") and "Invalid value" in err


# -- exit statuses --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_an_error_finding_exits_1(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    status, out, err = cli(capsys, "check", "-f", fmt, DECAY)
    assert (status, err) == (1, "")
    assert "date-decay" in out
    if fmt == "text":
        assert f"{DECAY}:7:99: error: date-decay: decay date 1971-05-18 is before the launch " \
            "(1971 May 19)" in out.splitlines()
    if fmt == "json":
        [decay] = [r for r in findings_json(out) if r["rule"] == "date-decay"]
        assert decay["evidence"] == {"decay_date": "1971-05-18", "launch_start": "1971-05-19"}


def test_filtered_out_errors_do_not_count(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "check", "--rule", "orbit-kepler", DECAY)
    assert status == 0 and len(out.splitlines()) == 2  # the finding and the summary


def test_several_files_in_order(capsys: pytest.CaptureFixture[str], seed_file: Path) -> None:
    status, out, _ = cli(capsys, "check", seed_file, DECAY)
    assert status == 1
    *lines, last = out.splitlines()
    # The error first, then each severity's findings in the order of the files.
    assert lines[0].startswith(f"{DECAY}:7:99: error: date-decay: ")
    warnings = [line.split(":")[0] for line in lines if ": warning: " in line]
    infos = [line.split(":")[0] for line in lines if ": info: " in line]
    assert warnings == [str(seed_file)] * 6
    assert infos == [str(seed_file)] * (len(golden()) - 6) + [str(DECAY)]
    assert last.startswith("summary: 1 error, 6 warnings, 22 infos; by rule: date-decay "
                           "1 error; decay-reentry 2 warnings; ")


def test_errors_come_first_and_the_summary_counts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "check", CROSS, DECAY)
    assert status == 1
    *lines, last = out.splitlines()
    severities = [line.split(": ")[1] for line in lines]
    assert severities == ["error"] + ["warning"] * 6 + ["info"] * 4
    assert last == ("summary: 1 error, 6 warnings, 4 infos; by rule: date-decay 1 error; "
                    "date-order 1 warning; decay-reentry 2 warnings; failed-stage 1 warning; "
                    "period-narrative 1 warning; type-spacecraft 1 warning; orbit-kepler "
                    "3 infos; type-program 1 info")
    status, out, _ = cli(capsys, "check", "--rule", "date-decay", CROSS)
    assert (status, out) == (0, "summary: 0 errors, 0 warnings, 0 infos\n")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_missing_file_stops_before_any_output(capsys: pytest.CaptureFixture[str],
                                                seed_file: Path, tmp_path: Path,
                                                fmt: str) -> None:
    missing = tmp_path / "missing.txt"
    status, out, err = cli(capsys, "check", "-f", fmt, seed_file, missing)
    assert (status, out) == (2, "")
    assert err == f"{missing}: error: no such file\n"
    status, out, err = cli(capsys, "check", tmp_path)
    assert (status, out, err) == (2, "", f"{tmp_path}: error: is a directory, not a file\n")
    status, out, err = cli(capsys, "check", "-e", "klingon", seed_file)
    assert (status, out) == (2, "") and err.startswith("kosmochron: error: unknown encoding")


def test_undecodable_input_still_gives_valid_json(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    # The decay entry is complete (the next header seen) before the undecodable line.
    data = DECAY.read_bytes() + ("\n\n1972 May 1 - . Launch Site: Baikonur.\n"
                                 "\n\n1972 June 1 - . Launch Site: Baïkonur.\n").encode("latin-1")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(data)
    status, out, err = cli(capsys, "check", "-f", "json", bad)
    assert status == 2 and "not valid utf-8" in err
    assert {r["rule"] for r in findings_json(out)} == {"orbit-kepler", "date-decay"}
    status, out, err = cli(capsys, "check", "-e", "latin-1", bad)
    assert (status, err) == (1, "")  # read right, the decay error remains


# -- stored mode and GCAT ---------------------------------------------------------------------


def test_stored_mode(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    status, out, err = cli(capsys, "check", "--format", "json")  # $KOSMOCHRON_DB, seeded
    assert (status, err) == (0, "")
    records = findings_json(out)
    assert as_golden(records) == golden()
    assert {r["source"] for r in records} == {SEED_NAME}
    assert all(isinstance(r["entry_id"], int) for r in records)
    assert all((r["item_id"] is None) == (r["item"] is None) for r in records)
    status, out, _ = cli(capsys, "check", "--db", db, "--min-severity", "warning")
    assert status == 0 and len(out.splitlines()) == 7  # 6 warnings and the summary
    for line in out.splitlines()[:-1]:
        assert TEXT_LINE.match(line) and line.startswith(f"{SEED_NAME}:")


def test_stored_mode_with_gcat_and_an_error(capsys: pytest.CaptureFixture[str],
                                            db: Path) -> None:
    assert cli(capsys, "import-gcat", GCAT_SAMPLE, "--db", db)[0] == 0
    status, out, _ = cli(capsys, "check", "-f", "json", "--db", db)
    assert status == 0 and as_golden(findings_json(out)) == golden(with_gcat=True)
    assert cli(capsys, "ingest", DECAY, "--db", db)[0] == 0
    status, out, _ = cli(capsys, "check", "--db", db, "--min-severity", "error")
    assert status == 1
    assert out.splitlines() == [f"{DECAY}:7:99: error: date-decay: decay date 1971-05-18 is "
                                "before the launch (1971 May 19)",
                                "summary: 1 error, 0 warnings, 0 infos; by rule: date-decay "
                                "1 error"]


def test_file_mode_uses_the_databases_gcat(capsys: pytest.CaptureFixture[str], db: Path,
                                           seed_file: Path) -> None:
    status, out, _ = cli(capsys, "check", "-f", "json", "--db", db, seed_file)
    assert status == 0 and "gcat-crosswalk" not in out  # no catalog imported yet
    assert cli(capsys, "import-gcat", GCAT_SAMPLE, "--db", db)[0] == 0
    status, out, _ = cli(capsys, "check", "-f", "json", "--db", db, "--rule", "gcat-crosswalk",
                         "--rule", "gcat-orbit", "--rule", "gcat-contact", seed_file)
    records = findings_json(out)
    assert as_golden(records) == golden(with_gcat=True) - golden()
    assert {r["source"] for r in records} == {str(seed_file)}


def test_an_unreachable_database_is_an_io_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "check", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert (status, out) == (2, "")
    assert err.startswith("kosmochron: error: cannot open the database")


# -- the real command -------------------------------------------------------------------------


def run(*args: str | Path, db: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([KOSMOCHRON, *map(str, args)], capture_output=True, timeout=120,
                          env={**os.environ, "KOSMOCHRON_DB": str(db)}, check=False)


@pytest.mark.parametrize("args", [
    ["check", "--rule", "nope"],
    ["check", "/nonexistent/chronology.txt"],
    ["check", "--db", "postgresql://nobody@127.0.0.1:1/none"],
    ["check", "--format", "yaml"],
])
def test_failures_exit_2_without_traceback_subprocess(args: list[str], tmp_path: Path) -> None:
    result = run(*args, db=tmp_path / "k.sqlite3")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and result.stderr.strip()
    assert result.stdout == b""


def test_statuses_subprocess(tmp_path: Path) -> None:
    seed = run("check", str(seed_path()), db=tmp_path / "k.sqlite3")
    assert (seed.returncode, seed.stderr) == (0, b"")
    *lines, last = seed.stdout.decode().splitlines()
    assert all(TEXT_LINE.match(line) for line in lines) and last.startswith("summary: ")
    decay = run("check", "-f", "json", DECAY, db=tmp_path / "k.sqlite3")
    assert (decay.returncode, decay.stderr) == (1, b"")
    VALIDATOR.validate(json.loads(decay.stdout))


def test_closed_pipe_is_not_an_error_finding_subprocess(tmp_path: Path) -> None:
    """``kosmochron check … | head`` exits 0: status 1 would claim an error finding."""
    process = subprocess.Popen([KOSMOCHRON, "check", *[str(seed_path())] * 400],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "KOSMOCHRON_DB": str(tmp_path / "k.sqlite3")})
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert TEXT_LINE.match(first.decode()) and err == b""
