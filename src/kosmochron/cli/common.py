"""What the command groups share: exceptions, options, output formats, consoles.

The commands write results to stdout and messages to stderr; a reader that goes
away (``kosmochron … | head``) ends a command quietly (:class:`ReaderGone`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..export import dumps
from ..model import Diagnostic
from ..source import ChronologyStream, SourceError, open_stream
from ..tables import CsvWriter, record_rows

if TYPE_CHECKING:  # Rich is imported by the commands that print with it, not at start-up
    from rich.console import Console
    from rich.text import Text


class StrictError(Exception):
    """--strict: the first error in the input stops the command."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class ReaderGone(Exception):
    """stdout was closed by its reader (``kosmochron parse | head``): not a failure."""


# -- options ---------------------------------------------------------------------

Files = Annotated[
    list[Path] | None,
    typer.Argument(help="Chronology text files (default: the bundled seed).", show_default=False),
]
Encoding = Annotated[
    str, typer.Option("--encoding", "-e", help="Text encoding of the files, e.g. latin-1.")
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Stop with status 1 at the first error in the input.")
]


Db = Annotated[str | None, typer.Option(
    "--db", help="SQLite file or postgresql+psycopg:// URL (default: $KOSMOCHRON_DB, else "
    "kosmochron.sqlite3 in the user's data directory).", show_default=False)]


# -- the launches filters (``launches``, ``export``) -------------------------------

Opt = str | None
DateFrom = Annotated[Opt, typer.Option("--from", help="1971, 1971-05, 1971-05-19 or "
                                       "'1971 May' (vague dates overlap)", show_default=False)]
DateTo = Annotated[Opt, typer.Option("--to", help="the same forms as --from",
                                     show_default=False)]
Site = Annotated[Opt, typer.Option("--site", help="launch site name or slug")]
Complex = Annotated[Opt, typer.Option("--complex", help="launch complex")]
Family = Annotated[Opt, typer.Option("--family", help="LV family, e.g. Proton")]
Vehicle = Annotated[Opt, typer.Option("--vehicle", help="launch vehicle")]
Configuration = Annotated[Opt, typer.Option("--configuration", help="LV configuration")]
Program = Annotated[Opt, typer.Option("--program", help="a payload's program, e.g. Mars")]
Nation = Annotated[Opt, typer.Option("--nation", help="a payload's nation, e.g. USSR")]
Agency = Annotated[Opt, typer.Option(
    "--agency", help="the launching agency (GCAT's, e.g. RVSN), else a payload's (e.g. MOM)")]
SpacecraftType = Annotated[Opt, typer.Option("--type", help="a payload's spacecraft type, "
                                             "e.g. 'Mars probe'")]
State = Annotated[Opt, typer.Option("--state", help="GCAT's launching state, e.g. USSR")]
LaunchCode = Annotated[Opt, typer.Option("--code", help="GCAT's launch code, e.g. OF40")]
Outcome = Annotated[Opt, typer.Option("--outcome", help="success or failure")]
FailedStage = Annotated[Opt, typer.Option("--failed-stage", help="e.g. 3 or S")]
CosparOpt = Annotated[Opt, typer.Option("--cospar", help="a COSPAR designator, any spelling")]
Satcat = Annotated[int | None, typer.Option("--satcat", help="a satellite number")]
TextOpt = Annotated[Opt, typer.Option("--text", help="full-text search words")]


# -- formats ---------------------------------------------------------------------

class ParseFormat(StrEnum):
    json = "json"
    ndjson = "ndjson"
    table = "table"


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    parquet = "parquet"
    gcat_tsv = "gcat-tsv"


class ExportTable(StrEnum):
    launches = "launches"
    payloads = "payloads"


class ExportKind(StrEnum):
    all = "all"
    launch = "launch"
    event = "event"


class TransferFormat(StrEnum):
    table = "table"
    json = "json"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


class MinSeverity(StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


# -- input and output ------------------------------------------------------------

def require_files(files: list[Path] | None) -> None:
    """SourceError (status 2, ``PATH: error: ...``) unless every file exists and is
    readable: checked before any output starts or any database is opened."""
    for path in files or []:
        if not path.is_file():
            what = "is a directory, not a file" if path.is_dir() else "no such file"
            raise SourceError(f"{path}: error: {what}")
        if not os.access(path, os.R_OK):
            raise SourceError(f"{path}: error: cannot read: permission denied")


def open_streams(files: list[Path] | None, encoding: str) -> list[ChronologyStream]:
    """The streams to read, checked before any output starts: every file exists and
    is readable, and the encoding is known (making a stream opens nothing yet)."""
    require_files(files)
    try:
        return [open_stream(p, encoding) for p in files] if files else [open_stream(None, encoding)]
    except SourceError as exc:  # an unknown encoding: no file to name
        raise SourceError(f"kosmochron: error: {exc}") from None


#: Characters a terminal would act on rather than show: C0 and C1 controls (ESC starts
#: colour and cursor sequences), DEL, line and paragraph separators, bidirectional
#: overrides and isolates.  Tab and newline stay.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def literal(text: object, style: str = "") -> Text:
    """Text from the input for a terminal table or line: taken literally (Rich markup in
    it is shown, never applied) and with control characters made visible.  Every cell
    of every terminal table goes through here."""
    from rich.text import Text

    return Text(visible("" if text is None else str(text)), style=style)


def _raise_broken_pipe(console: Console) -> None:
    raise BrokenPipeError


def rich_raises_broken_pipe() -> None:
    """Rich (Typer's help and errors, our tables) would exit with status 1 on a closed
    pipe; raised instead, the command ends quietly (:class:`ReaderGone`, status 0).
    Called where Rich is first used, so commands that never print with it never
    import it."""
    from rich.console import Console

    Console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign,assignment]


def out_console() -> Console:
    """A console on stdout that lets a closed pipe end the command quietly (status 0)."""
    from rich.console import Console

    rich_raises_broken_pipe()
    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr (bytes, entries/s), silent when it is not a TTY."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TextColumn("{task.fields[rate]} entries/s"),
                  TimeElapsedColumn(), console=err_console(), disable=not sys.stderr.isatty(),
                  transient=True) as progress:
        task = progress.add_task(label, total=total, rate="0")

        def update(done: int, entries: int) -> None:
            elapsed = progress.tasks[task].elapsed or 0.0
            rate = f"{entries / elapsed:,.0f}" if elapsed > 0 else "0"
            progress.update(task, completed=done, rate=rate)

        yield update


def write_json_list(records: Iterable[Any]) -> None:
    """A JSON array with one record per line: readable, and written by json's C
    encoder (``indent`` would switch to the pure-Python one, 10x slower)."""
    sys.stdout.write("[")
    for i, record in enumerate(records):
        sys.stdout.write(",\n " if i else "\n ")
        sys.stdout.write(dumps(record))
    sys.stdout.write("\n]\n")


def write_json(value: Any, indent: int | None = 1) -> None:
    """One JSON document on stdout, never with ``NaN``/``Infinity`` (not JSON)."""
    sys.stdout.write(dumps(value, indent=indent))
    sys.stdout.write("\n")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A table on stdout through the one CSV writer (:class:`kosmochron.tables.CsvWriter`),
    so its columns and cells are spelt as in the API's and the web UI's CSV."""
    writer = CsvWriter(sys.stdout)
    writer.header(columns)
    writer.rows(rows)


def write_records_csv(records: list[dict[str, Any]]) -> None:
    """Records as a CSV table whose columns are their keys (nothing for no records)."""
    if records:
        columns = list(records[0])
        write_csv(columns, record_rows(columns, records))
