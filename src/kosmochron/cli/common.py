"""What the command groups share: exceptions, options, output formats, consoles.

The commands write results to stdout and messages to stderr; a reader that goes
away (``kosmochron … | head``) ends a command quietly (:class:`ReaderGone`).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from ..model import Diagnostic
from ..source import ChronologyStream, SourceError, open_stream


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

def open_streams(files: list[Path] | None, encoding: str) -> list[ChronologyStream]:
    """The streams to read, checked before any output starts: every file exists and
    is readable, and the encoding is known (making a stream opens nothing yet)."""
    for path in files or []:
        if not path.is_file():
            what = "is a directory, not a file" if path.is_dir() else "no such file"
            raise SourceError(f"{path}: error: {what}")
        if not os.access(path, os.R_OK):
            raise SourceError(f"{path}: error: cannot read: permission denied")
    try:
        return [open_stream(p, encoding) for p in files] if files else [open_stream(None, encoding)]
    except SourceError as exc:  # an unknown encoding: no file to name
        raise SourceError(f"kosmochron: error: {exc}") from None


class PipeConsole(Console):
    def on_broken_pipe(self) -> None:  # Rich would exit with status 1
        raise BrokenPipeError


def out_console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr (bytes, entries/s), silent when it is not a TTY."""
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
        sys.stdout.write(json.dumps(record, ensure_ascii=False))
    sys.stdout.write("\n]\n")


def write_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v
                         for k, v in row.items()})
