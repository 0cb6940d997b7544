"""``kosmochron parse`` and ``kosmochron render``: the parser's model out as JSON, NDJSON
or a table, and back as text byte for byte.

When the input stops early (``--strict`` at the first error, an undecodable byte),
the output written so far is closed properly, so stdout is always valid JSON (or
NDJSON) whatever the status.
"""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, Annotated, Any, NoReturn

import typer

from ..export import ndjson_line, write_document
from ..model import Diagnostic, Entry, Source, Text
from ..render import render_node
from ..source import ChronologyStream, SourceDecodeError, SourceError
from .common import (
    Agency,
    CosparOpt,
    DateFrom,
    DateTo,
    Db,
    Encoding,
    Family,
    Files,
    Nation,
    Outcome,
    ParseFormat,
    Program,
    ReaderGone,
    Site,
    Strict,
    StrictError,
    TextOpt,
    Vehicle,
    literal,
    open_streams,
    rich_raises_broken_pipe,
)


def _whole_file_source(stream: ChronologyStream) -> Source:
    """The source of a stream that stopped early: its hash is still the whole file's."""
    return Source(stream.reader.display, stream.reader.file_sha256(), stream.state.title)


class _Run:
    """One command's pass over its files.  Prints each diagnostic to stderr as it is
    found and counts the errors; a stop (``--strict``, an unreadable file) ends the
    node stream quietly and is kept in ``stop``, so the writer can close its output
    before :meth:`finish` raises it again."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.errors = 0
        self.stop: StrictError | SourceError | None = None
        self.shown = 0  # diagnostics of the current stream printed so far

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Typer would turn a closed pipe into status 1, the status of errors in the input.
        if isinstance(exc, BrokenPipeError):
            raise ReaderGone from None

    def nodes(self, stream: ChronologyStream) -> Iterator[Entry | Text]:
        self.shown = 0
        try:
            for node in stream:
                self._report(stream)
                yield node
            self._report(stream)
        except StrictError as exc:
            self.stop = exc
        except SourceError as exc:
            self._report(stream, stop_at_error=False)
            self.stop = exc

    def entries(self, stream: ChronologyStream) -> Iterator[Entry]:
        return (node for node in self.nodes(stream) if isinstance(node, Entry))

    def _report(self, stream: ChronologyStream, stop_at_error: bool = True) -> None:
        for diag in stream.diagnostics[self.shown:]:
            self.shown += 1
            print(diag, file=sys.stderr)
            if diag.severity == "error":
                self.errors += 1
                if self.strict and stop_at_error:
                    raise StrictError(diag)

    def end(self, stream: ChronologyStream) -> tuple[Source, list[Diagnostic]]:
        """The source and the diagnostics reported for a stream read as far as it went."""
        diagnostics = stream.diagnostics[:self.shown]
        if isinstance(self.stop, SourceDecodeError):
            diagnostics.append(self.stop.diagnostic)
        return (stream.source if self.stop is None else _whole_file_source(stream)), diagnostics

    def finish(self) -> NoReturn:
        if self.stop is not None:
            raise self.stop
        raise typer.Exit(1 if self.errors else 0)


def _utf8_stdout() -> IO[str]:
    """JSON is UTF-8 (RFC 8259) whatever encoding the locale gives stdout."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and codecs.lookup(out.encoding).name != "utf-8":
        out.reconfigure(encoding="utf-8")
    return out


def _write_json(streams: list[ChronologyStream], run: _Run, out: IO[str]) -> None:
    """One document for one file, a list of documents for several."""
    several = len(streams) > 1
    if several:
        out.write("[")
    for i, stream in enumerate(streams):
        if i:
            out.write(",\n")
        write_document(out, run.entries(stream), partial(run.end, stream))
        if run.stop:
            break
    out.write("]\n" if several else "\n")


def _write_ndjson(streams: list[ChronologyStream], run: _Run, out: IO[str]) -> None:
    for stream in streams:
        for entry in run.entries(stream):
            out.write(ndjson_line(entry, stream.reader.display))
        if run.stop:
            break


def _write_table(streams: list[ChronologyStream], run: _Run) -> None:
    from rich.console import Console
    from rich.table import Table

    rich_raises_broken_pipe()
    console = Console()
    for stream in streams:
        rows = list(run.entries(stream))
        table = Table(title=literal(stream.state.title or stream.reader.display))
        for column in ("Line", "Date", "Kind", "Vehicle", "Outcome", "Payloads"):
            table.add_column(column)
        for e in rows:
            outcome: str = e.outcome or ""
            if e.failed_stage:
                outcome += f" (stage {e.failed_stage})"
            table.add_row(str(e.line), literal(e.date.text), e.kind, literal(e.vehicle),
                          literal(outcome), literal(", ".join(i.name for i in e.items)))
        console.print(table)
        if run.stop:
            break


def parse(
    files: Files = None,
    fmt: Annotated[ParseFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ParseFormat.json
    ),
    encoding: Encoding = "utf-8",
    strict: Strict = False,
) -> None:
    """Print the parsed model as JSON, NDJSON (one entry per line) or a table.

    Diagnostics go to stderr as FILE:LINE:COL: severity: message.
    """
    with _Run(strict) as run:
        streams = open_streams(files, encoding)
        if fmt is ParseFormat.table:
            _write_table(streams, run)
        elif fmt is ParseFormat.ndjson:
            _write_ndjson(streams, run, _utf8_stdout())
        else:
            _write_json(streams, run, _utf8_stdout())
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    run.finish()


def render(
    files: Files = None,
    encoding: Encoding = "utf-8",
    strict: Strict = False,
    stored: Annotated[bool, typer.Option(
        "--stored", help="Render sources from the database instead (FILE: their stored paths; "
        "default the bundled seed).")] = False,
    db: Db = None,
    date_from: DateFrom = None, date_to: DateTo = None, site: Site = None,
    family: Family = None, vehicle: Vehicle = None, program: Program = None,
    nation: Nation = None, agency: Agency = None, outcome: Outcome = None,
    text: TextOpt = None, cospar: CosparOpt = None,
    state: Annotated[str | None, typer.Option("--state", help="launching state, e.g. USSR")]
    = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="a stored source's launches (its path as `sources` lists it)")] = None,
) -> None:
    """Write the parsed model back as text: the bytes equal the input.  With launch filters
    (--program Venera, --family Proton, --from 1970 …) the stored launches they select
    are written as one chronology in the same format, which parse reads back."""
    options = {"date_from": date_from, "date_to": date_to, "site": site, "family": family,
               "vehicle": vehicle, "program": program, "nation": nation, "agency": agency,
               "outcome": outcome, "text": text, "cospar": cospar, "state": state,
               "source": source}
    if any(v is not None for v in options.values()):
        from .database import render_selection

        render_selection({k: v for k, v in options.items() if v is not None}, db)
        return
    if stored or db:
        from .database import render_stored

        for source in [str(f) for f in files] if files else [None]:
            render_stored(source, db)
        return
    out = sys.stdout.buffer
    with _Run(strict) as run:
        for stream in open_streams(files, encoding):
            reader = stream.reader
            for i, node in enumerate(run.nodes(stream)):
                # The byte-order mark, and the byte order of UTF-16 and UTF-32, are known
                # once the first line is read; each node is encoded on its own, in that
                # order (so a byte-order mark is written once, where the input had it).
                if i == 0 and reader.bom:
                    out.write("\ufeff".encode(reader.encoding))
                out.write(render_node(node).encode(reader.encoding))
            if run.stop:
                break
        out.flush()
    run.finish()


def run_plain(args: list[str]) -> int | None:
    """Run ``parse`` or ``render`` without Typer when ``args`` are plain: files and the
    options ``--format/-f``, ``--encoding/-e`` and ``--strict`` with valid values.
    Typer 0.29 coerces every parameter through a pydantic TypeAdapter, and importing
    pydantic alone costs a third of the start-up these commands are allowed; anything
    else (``--help``, ``--stored``, a bad value) returns None and goes through Typer,
    which gives its usual messages.  The commands are the same functions either way."""
    command, rest = args[0], args[1:]
    files: list[Path] = []
    options: dict[str, Any] = {"encoding": "utf-8", "strict": False}
    formats = {f.value: f for f in ParseFormat}
    i = 0
    while i < len(rest):
        arg, value = rest[i], rest[i + 1] if i + 1 < len(rest) else None
        if arg == "--strict":
            options["strict"] = True
        elif arg in ("--format", "-f") and command == "parse" and value in formats:
            options["fmt"], i = formats[value], i + 1
        elif arg in ("--encoding", "-e") and value is not None:
            options["encoding"], i = value, i + 1
        elif arg.startswith("-") or not arg:
            return None
        else:
            files.append(Path(arg))
        i += 1
    try:
        (parse if command == "parse" else render)(files=files or None, **options)
    except typer.Exit as exc:
        return exc.exit_code
    return 0


def register(app: typer.Typer) -> None:
    """Add ``parse`` and ``render`` to the ``kosmochron`` app."""
    app.command()(parse)
    app.command()(render)
