"""The ``kosmochron`` command end to end: outputs, diagnostics, exit statuses.

Most tests call :func:`kosmochron.cli.main` in-process (fast, and stdout/stderr
are captured by pytest); the ``*_subprocess`` tests run the installed
``kosmochron`` script and ``python -m kosmochron`` in a child process, to prove
the real entry points give byte-exact output, the right exit status and never
a traceback.

Exit status: 0 no errors, 1 errors in the input (output still complete, or
stopped by ``--strict``), 2 usage or I/O failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kosmochron.cli import main
from kosmochron.source import SEED_NAME

GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "seed.json").read_text(encoding="utf-8"))

#: The installed console script, next to the interpreter running the tests.
KOSMOCHRON = shutil.which("kosmochron", path=str(Path(sys.executable).parent)) or "kosmochron"

#: A diagnostic line on stderr.
DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): ",
                        re.MULTILINE)


def run(*args: str | Path, env: dict[str, str] | None = None,
        module: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run the real command in a child process; stdout and stderr as bytes."""
    command = [sys.executable, "-m", "kosmochron"] if module else [KOSMOCHRON]
    return subprocess.run([*command, *map(str, args)], capture_output=True, timeout=120,
                          env={**os.environ, **(env or {})}, check=False)


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


# -- Files derived from the seed, each with one deliberate property. ----------------------


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture
def seed_copy(tmp_path: Path, seed_bytes: bytes) -> Path:
    return _write(tmp_path / "seed-copy.txt", seed_bytes)


@pytest.fixture
def bad_mass(tmp_path: Path, seed_bytes: bytes) -> Path:
    """The seed with ``Mass: 9x0 kg`` in the first item (line 7)."""
    return _write(tmp_path / "bad-mass.txt", seed_bytes.replace(b"Mass: 640 kg", b"Mass: 9x0 kg"))


@pytest.fixture
def crlf_bom(tmp_path: Path, seed_bytes: bytes) -> Path:
    """The seed with Windows line ends and a UTF-8 byte-order mark."""
    return _write(tmp_path / "crlf-bom.txt", b"\xef\xbb\xbf" + seed_bytes.replace(b"\n", b"\r\n"))


@pytest.fixture
def latin1(seed_text: str, tmp_path: Path) -> Path:
    """The seed in Latin-1 (bullets are the byte 0xB7) with ``Baïkonur`` (0xEF) in line 5,
    its first byte that is not valid UTF-8."""
    text = seed_text.replace("Baikonur LC1.", "Baïkonur LC1.", 1)
    return _write(tmp_path / "latin1.txt", text.encode("latin-1"))


def _position(path: Path, needle: bytes) -> tuple[int, int]:
    """1-based (line, column) of ``needle`` in ``path``; columns count characters
    (the bullet ``·`` is two bytes but one column)."""
    for number, line in enumerate(path.read_bytes().split(b"\n"), 1):
        if needle in line:
            return number, len(line[:line.index(needle)].decode("utf-8", "replace")) + 1
    raise AssertionError(f"{needle!r} not in {path}")


# -- parse --------------------------------------------------------------------------------


def test_parse_default_seed_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "parse")
    assert (status, err) == (0, "")
    assert json.loads(out) == GOLDEN


def test_parse_ndjson(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "parse", "--format", "ndjson")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 21
    records = [json.loads(line) for line in lines]
    assert all(r.pop("source") == SEED_NAME for r in records)
    assert records == GOLDEN["entries"]


def test_parse_table(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    status, out, err = cli(capsys, "parse", "--format", "table")
    assert (status, err) == (0, "")
    assert "Soviet Mars Chronology" in out
    row = next(line for line in out.splitlines() if "1971 May 19" in line)
    for cell in ("79", "launch", "Proton-K/D", "success", "Mars 2"):
        assert cell in row
    failed = next(line for line in out.splitlines() if "1969 March 27" in line)
    assert "failure (stage S)" in failed


def test_parse_several_files_gives_a_list(capsys: pytest.CaptureFixture[str], seed_copy: Path,
                                          crlf_bom: Path) -> None:
    status, out, err = cli(capsys, "parse", seed_copy, crlf_bom)
    assert (status, err) == (0, "")
    documents = json.loads(out)
    assert [d["source"]["path"] for d in documents] == [str(seed_copy), str(crlf_bom)]
    assert [d["source"]["sha256"] for d in documents] == [
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (seed_copy, crlf_bom)]
    for document in documents:
        assert document["entries"] == GOLDEN["entries"]  # CRLF and BOM change no value
        assert document["diagnostics"] == []


def test_parse_one_file_gives_one_document(capsys: pytest.CaptureFixture[str],
                                           seed_copy: Path) -> None:
    status, out, _ = cli(capsys, "parse", seed_copy)
    document = json.loads(out)
    assert status == 0
    assert isinstance(document, dict)
    assert document["source"] == {**GOLDEN["source"], "path": str(seed_copy)}


def test_parse_several_files_ndjson_names_each_source(capsys: pytest.CaptureFixture[str],
                                                      seed_copy: Path, crlf_bom: Path) -> None:
    status, out, _ = cli(capsys, "parse", "-f", "ndjson", seed_copy, crlf_bom)
    assert status == 0
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert sources == [str(seed_copy)] * 21 + [str(crlf_bom)] * 21


def test_parse_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.txt", b"")
    status, out, err = cli(capsys, "parse", empty)
    assert (status, err) == (0, "")
    assert json.loads(out) == {"entries": [], "diagnostics": [], "source": {
        "path": str(empty), "sha256": hashlib.sha256(b"").hexdigest(), "title": None}}


def test_parse_error_in_input_exits_1_with_complete_output(
        capsys: pytest.CaptureFixture[str], bad_mass: Path) -> None:
    status, out, err = cli(capsys, "parse", bad_mass)
    line, column = _position(bad_mass, b"9x0 kg")
    assert status == 1
    diagnostics = list(DIAGNOSTIC.finditer(err))
    assert len(diagnostics) == 1
    found = diagnostics[0]
    assert (found["file"], found["line"], found["col"], found["severity"]) == (
        str(bad_mass), str(line), str(column), "error")
    assert "9x0 kg" in err
    document = json.loads(out)
    assert len(document["entries"]) == 21  # the output is still complete
    assert document["diagnostics"] == [{
        "severity": "error", "source": str(bad_mass), "line": line, "column": column,
        "message": err.strip().split(": error: ", 1)[1]}]
    first = document["entries"][0]
    assert first["has_errors"] is True
    assert (first["items"][0]["mass_kg"], first["items"][0]["fields"][1]["value"]) == (
        None, "9x0 kg (1,410 lb)")
    assert document["entries"][1:] == GOLDEN["entries"][1:]


def test_parse_strict_stops_at_the_first_error(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path, seed_bytes: bytes) -> None:
    # An error in Mars 2 (entries[12]) and another in Mars 3 (entries[13]).
    data = seed_bytes.replace(b"USAF Sat Cat: 5234 .", b"USAF Sat Cat: 52x4 .")
    data = data.replace(b"Mass: 4,643 kg", b"Mass: 4,6x3 kg")
    path = _write(tmp_path / "two-errors.txt", data)
    status, out, err = cli(capsys, "parse", "--strict", path)
    assert status == 1
    assert len(DIAGNOSTIC.findall(err)) == 1  # only the first error
    assert "52x4" in err
    assert "--strict" in err.splitlines()[-1]
    document = json.loads(out)  # closed properly: still valid JSON
    assert document["entries"] == GOLDEN["entries"][:12]  # what came before Mars 2
    assert [d["line"] for d in document["diagnostics"]] == [_position(path, b"52x4")[0]]
    assert document["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    # Without --strict the same file gives everything, both errors, status 1.
    status, out, err = cli(capsys, "parse", path)
    assert status == 1
    assert len(DIAGNOSTIC.findall(err)) == 2
    assert len(json.loads(out)["entries"]) == 21


@pytest.mark.parametrize("fmt", ["json", "ndjson", "table"])
def test_parse_strict_without_errors_is_status_0(capsys: pytest.CaptureFixture[str],
                                                 fmt: str) -> None:
    status, _, err = cli(capsys, "parse", "--strict", "--format", fmt)
    assert (status, err) == (0, "")


def test_parse_strict_ndjson_stops_after_the_last_good_entry(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, seed_bytes: bytes) -> None:
    path = _write(tmp_path / "bad.txt",
                  seed_bytes.replace(b"USAF Sat Cat: 5234 .", b"USAF Sat Cat: 52x4 ."))
    status, out, _ = cli(capsys, "parse", "--strict", "-f", "ndjson", path)
    assert status == 1
    assert [json.loads(line)["line"] for line in out.splitlines()] == [
        e["line"] for e in GOLDEN["entries"][:12]]


def test_parse_strict_across_several_files_closes_the_list(
        capsys: pytest.CaptureFixture[str], seed_copy: Path, bad_mass: Path) -> None:
    status, out, _ = cli(capsys, "parse", "--strict", seed_copy, bad_mass, seed_copy)
    assert status == 1
    documents = json.loads(out)
    assert [len(d["entries"]) for d in documents] == [21, 0]  # the third file is not read
    assert documents[1]["diagnostics"][0]["line"] == 7


def test_parse_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    seed_copy: Path) -> None:
    missing = tmp_path / "no-such.txt"
    status, out, err = cli(capsys, "parse", seed_copy, missing)
    assert status == 2
    assert out == ""  # checked before any output starts
    assert err == f"{missing}: error: no such file\n"


def test_parse_directory_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = cli(capsys, "parse", tmp_path)
    assert (status, out) == (2, "")
    assert err == f"{tmp_path}: error: is a directory, not a file\n"


def test_parse_latin1_bytes_exit_2_then_encoding_latin1_works(
        capsys: pytest.CaptureFixture[str], latin1: Path) -> None:
    offset = latin1.read_bytes().index(b"\xef")
    line, column = _position(latin1, b"\xef")
    status, out, err = cli(capsys, "parse", latin1)
    assert status == 2
    assert err.startswith(f"{latin1}:{line}:{column}: error: ")
    assert f"byte offset {offset}" in err
    assert "--encoding latin-1" in err
    assert "Traceback" not in err
    partial = json.loads(out)  # what was read is closed into a valid document
    assert partial["diagnostics"][-1]["line"] == line
    assert partial["source"]["sha256"] == hashlib.sha256(latin1.read_bytes()).hexdigest()

    status, out, err = cli(capsys, "parse", "--encoding", "latin-1", latin1)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["entries"][0]["complex"] == "Baïkonur LC1"
    assert document["entries"][1:] == GOLDEN["entries"][1:]


def test_parse_undecodable_second_file_closes_the_list(
        capsys: pytest.CaptureFixture[str], seed_copy: Path, latin1: Path) -> None:
    status, out, err = cli(capsys, "parse", seed_copy, latin1, seed_copy)
    assert status == 2
    documents = json.loads(out)
    assert [d["source"]["path"] for d in documents] == [str(seed_copy), str(latin1)]
    assert documents[0]["entries"] == GOLDEN["entries"]
    assert documents[1]["diagnostics"][-1]["message"].startswith("byte 0xef at byte offset")
    assert DIAGNOSTIC.search(err)


def test_unknown_encoding_exits_2(capsys: pytest.CaptureFixture[str], seed_copy: Path) -> None:
    for args in (["parse", "--encoding", "klingon", seed_copy, seed_copy],
                 ["render", "-e", "klingon"]):
        status, out, err = cli(capsys, *args)
        assert (status, out) == (2, "")
        assert err.startswith("kosmochron: error: unknown encoding 'klingon'")


@pytest.mark.parametrize("args", [
    ["parse", "--bogus"],
    ["parse", "--format", "xml"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    status, _, err = cli(capsys, *args)
    assert status == 2
    assert "Traceback" not in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "parse", "--help")
    assert status == 0
    assert "--strict" in out


# -- render -------------------------------------------------------------------------------


def test_render_error_in_input_still_round_trips(capsysbinary: pytest.CaptureFixture[bytes],
                                                 bad_mass: Path) -> None:
    status = main(["render", str(bad_mass)])
    out, err = capsysbinary.readouterr()
    assert status == 1
    assert out == bad_mass.read_bytes()
    assert DIAGNOSTIC.search(err.decode())


def test_render_latin1_round_trip_in_process(capsysbinary: pytest.CaptureFixture[bytes],
                                             latin1: Path) -> None:
    status = main(["render", "--encoding", "latin-1", str(latin1)])
    out, err = capsysbinary.readouterr()
    assert (status, err) == (0, b"")
    assert out == latin1.read_bytes()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_parse_and_render(capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path,
                                seed_text: str, encoding: str) -> None:
    path = _write(tmp_path / f"{encoding}.txt", seed_text.encode(encoding))
    status = main(["parse", "--encoding", encoding, str(path)])
    out, err = capsysbinary.readouterr()
    assert (status, err) == (0, b"")
    assert json.loads(out.decode("utf-8"))["entries"] == GOLDEN["entries"]
    status = main(["render", "--encoding", encoding, str(path)])
    out, err = capsysbinary.readouterr()
    assert (status, err) == (0, b"")
    assert out == path.read_bytes()  # "utf-16": one byte-order mark, at the start only


# -- The real entry points, in child processes. -------------------------------------------


def test_parse_default_subprocess() -> None:
    result = run("parse")
    assert (result.returncode, result.stderr) == (0, b"")
    assert json.loads(result.stdout.decode("utf-8")) == GOLDEN


def test_render_seed_byte_exact_subprocess(seed_bytes: bytes) -> None:
    for module in (False, True):
        result = run("render", module=module)
        assert (result.returncode, result.stderr) == (0, b"")
        assert result.stdout == seed_bytes


def test_render_crlf_bom_byte_exact_subprocess(crlf_bom: Path) -> None:
    result = run("render", crlf_bom)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == crlf_bom.read_bytes()


def test_render_several_files_concatenates_them_subprocess(crlf_bom: Path,
                                                           seed_copy: Path) -> None:
    result = run("render", crlf_bom, seed_copy)
    assert result.returncode == 0
    assert result.stdout == crlf_bom.read_bytes() + seed_copy.read_bytes()


def test_latin1_subprocess(latin1: Path) -> None:
    offset = latin1.read_bytes().index(b"\xef")
    result = run("parse", latin1, module=True)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert f"byte offset {offset}" in stderr
    assert "--encoding" in stderr
    assert "Traceback" not in stderr

    result = run("render", "--encoding", "latin-1", latin1)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == latin1.read_bytes()


def test_bad_mass_subprocess(bad_mass: Path) -> None:
    result = run("parse", "--format", "ndjson", bad_mass)
    line, column = _position(bad_mass, b"9x0 kg")
    assert result.returncode == 1
    assert re.match(rf"^{re.escape(str(bad_mass))}:{line}:{column}: error: ",
                    result.stderr.decode())
    assert len(result.stdout.splitlines()) == 21


def test_json_is_utf8_whatever_the_locale_subprocess(latin1: Path) -> None:
    result = run("parse", "--encoding", "latin-1", latin1, env={"PYTHONIOENCODING": "ascii"})
    assert (result.returncode, result.stderr) == (0, b"")
    document = json.loads(result.stdout.decode("utf-8"))
    assert document["entries"][0]["complex"] == "Baïkonur LC1"


@pytest.mark.parametrize("fmt", ["json", "ndjson", "table"])
def test_closed_pipe_is_not_a_failure_subprocess(fmt: str, seed_copy: Path) -> None:
    """``kosmochron parse | head``: the reader leaves early; no traceback, status 0."""
    process = subprocess.Popen([KOSMOCHRON, "parse", "-f", fmt, *[str(seed_copy)] * 50],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "COLUMNS": "120"})
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == b""


@pytest.mark.parametrize("args", [
    ["parse", "--bogus"],
    ["parse", "--format", "xml"],
    ["parse", "--encoding", "klingon"],
    ["parse", "/nonexistent/chronology.txt"],
    ["parse", "/"],
    ["render", "/nonexistent/chronology.txt"],
    ["frobnicate"],
    [],
])
def test_failures_exit_2_without_traceback_subprocess(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr.strip() or (not args and b"Usage:" in result.stdout)  # bare: the help
    if args and args[0] in ("parse", "render") and not args[1].startswith("--"):
        assert re.match(rb"^\S+: error: ", result.stderr)  # FILE: error: message


# -- start-up: --version, and parse without Typer's coercion or the store ---------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from kosmochron import __version__

    assert cli(capsys, "--version") == (0, f"kosmochron {__version__}\n", "")
    status, out, _ = cli(capsys, "--help")
    assert status == 0 and "--version" in out


@pytest.mark.parametrize("args", [
    ["parse"], ["parse", "-f", "ndjson"], ["parse", "--format", "table"],
    ["parse", "--strict", "-e", "latin-1", "{bad_mass}"],
    ["parse", "{bad_mass}", "--format", "ndjson", "{seed_copy}"],
    ["render", "{crlf_bom}"], ["render", "--strict", "{bad_mass}"],
])
def test_plain_arguments_run_as_typer_runs_them(
        capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch,
        args: list[str], bad_mass: Path, seed_copy: Path, crlf_bom: Path) -> None:
    """``parse``/``render`` with plain arguments skip Typer; the same arguments through
    Typer give the same bytes and the same status."""
    from kosmochron.cli import chronology

    argv = [a.format(bad_mass=bad_mass, seed_copy=seed_copy, crlf_bom=crlf_bom) for a in args]
    plain, returned = chronology.run_plain, []

    def spy(args: list[str]) -> int | None:
        returned.append(status := plain(args))  # (not reached when --strict stops it)
        return status

    monkeypatch.setattr(chronology, "run_plain", spy)
    fast = main(argv), *capsysbinary.readouterr()
    assert None not in returned  # the plain path ran, Typer did not
    monkeypatch.setattr(chronology, "run_plain", lambda a: None)
    assert (main(argv), *capsysbinary.readouterr()) == fast


@pytest.mark.parametrize("args", [["parse", "--format", "yaml"], ["parse", "--help"],
                                  ["parse", "-e"], ["render", "--stored"], ["parse", "--"],
                                  ["parse", "-x"]])
def test_other_arguments_go_through_typer(args: list[str]) -> None:
    from kosmochron.cli.chronology import run_plain

    assert run_plain(args) is None


def test_parse_loads_neither_the_store_nor_pydantic_subprocess(tmp_path: Path) -> None:
    script = ("import sys\nfrom kosmochron.cli import main\nstatus = main(['parse'])\n"
              "heavy = [m for m in ('sqlalchemy', 'pydantic', 'rich', 'kosmochron.store') "
              "if m in sys.modules]\nprint(status, heavy, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120,
                          check=False)
    assert done.stderr.decode().strip() == "0 []"
    assert json.loads(done.stdout)["source"]["path"] == SEED_NAME
