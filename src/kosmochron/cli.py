"""The ``kosmochron`` command: a thin layer that calls the library and turns its
errors into ``FILE:LINE:COL: error: …`` messages and exit statuses.

Exit status: 0 no errors, 1 errors found in the input (the output is still
complete), 2 usage or I/O failure.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .export import diagnostic_json, entry_json, source_json
from .model import Diagnostic, Entry
from .source import ChronologyStream, SourceError, open_stream

app = typer.Typer(
    name="kosmochron",
    help="Space-launch chronologies, parsed losslessly into a typed, checkable record. "
    "With no FILE, every command uses the bundled Soviet Mars chronology.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class StrictError(Exception):
    """--strict: the first error in the input stops the command."""


class ParseFormat(StrEnum):
    json = "json"
    ndjson = "ndjson"
    table = "table"


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


def _streams(files: list[Path] | None, encoding: str) -> Iterator[ChronologyStream]:
    """Streams over the files, checked up front so no output starts for a missing file."""
    for path in files or []:
        if not path.is_file():
            what = "is a directory, not a file" if path.is_dir() else "no such file"
            raise SourceError(f"{path}: error: {what}")
    if not files:
        yield open_stream(None, encoding)
    for path in files or []:
        yield open_stream(path, encoding)


class _Reporter:
    """Prints diagnostics to stderr as they are found and remembers if any was an error."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.errors = 0

    def report(self, stream: ChronologyStream, seen: int) -> int:
        for diag in stream.diagnostics[seen:]:
            self._print(diag)
        return len(stream.diagnostics)

    def _print(self, diag: Diagnostic) -> None:
        print(diag, file=sys.stderr)
        if diag.severity == "error":
            self.errors += 1
            if self.strict:
                raise StrictError(str(diag))


def _entries(stream: ChronologyStream, reporter: _Reporter) -> Iterator[Entry]:
    seen = 0
    for node in stream:
        seen = reporter.report(stream, seen)
        if isinstance(node, Entry):
            yield node
    reporter.report(stream, seen)


def _write_json_document(stream: ChronologyStream, reporter: _Reporter, out: IO[str]) -> None:
    """Stream one document; ``source`` comes last because its hash needs the whole file."""
    out.write('{"entries": [')
    for i, entry in enumerate(_entries(stream, reporter)):
        out.write(",\n  " if i else "\n  ")
        out.write(json.dumps(entry_json(entry), ensure_ascii=False))
    out.write("\n],\n")
    diagnostics = [diagnostic_json(d) for d in stream.diagnostics]
    out.write(f' "diagnostics": {json.dumps(diagnostics, ensure_ascii=False)},\n')
    out.write(f' "source": {json.dumps(source_json(stream.source), ensure_ascii=False)}}}')


def _table(streams: Iterator[ChronologyStream], reporter: _Reporter) -> None:
    console = Console()
    for stream in streams:
        rows = list(_entries(stream, reporter))
        table = Table(title=stream.source.title or stream.source.path)
        for column in ("Line", "Date", "Kind", "Vehicle", "Outcome", "Payloads"):
            table.add_column(column)
        for e in rows:
            outcome: str = e.outcome or ""
            if e.failed_stage:
                outcome += f" (stage {e.failed_stage})"
            table.add_row(str(e.line), e.date.text, e.kind, e.vehicle or "", outcome,
                          ", ".join(i.name for i in e.items))
        console.print(table)


@app.command()
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
    reporter = _Reporter(strict)
    out = sys.stdout
    streams = _streams(files, encoding)
    if fmt is ParseFormat.table:
        _table(streams, reporter)
    elif fmt is ParseFormat.ndjson:
        for stream in streams:
            for entry in _entries(stream, reporter):
                record: dict[str, Any] = {"source": stream.reader.display, **entry_json(entry)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        several = bool(files) and len(files or []) > 1
        if several:
            out.write("[")
        for i, stream in enumerate(streams):
            if i:
                out.write(",\n")
            _write_json_document(stream, reporter, out)
        out.write("]\n" if several else "\n")
    raise typer.Exit(1 if reporter.errors else 0)


@app.command()
def render(files: Files = None, encoding: Encoding = "utf-8", strict: Strict = False) -> None:
    """Write the parsed model back as text: the bytes equal the input."""
    reporter = _Reporter(strict)
    out = sys.stdout.buffer
    from .render import render_node

    for stream in _streams(files, encoding):
        seen = 0
        first = True
        for node in stream:
            seen = reporter.report(stream, seen)
            if first and stream.reader.bom:
                out.write("\ufeff".encode(stream.reader.encoding))
            first = False
            out.write(render_node(node).encode(stream.reader.encoding))
        reporter.report(stream, seen)
    out.flush()
    raise typer.Exit(1 if reporter.errors else 0)


def main(argv: list[str] | None = None) -> int:
    """Run the app, mapping library errors to messages and exit statuses."""
    try:
        app(args=argv, prog_name="kosmochron")
    except SystemExit as exc:  # Typer's own exit, usage errors included (status 2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except StrictError:
        print("kosmochron: stopped at the first error (--strict)", file=sys.stderr)
        return 1
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("kosmochron: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise is: never a traceback
        if os.environ.get("KOSMOCHRON_DEBUG"):
            raise
        print(f"kosmochron: internal error: {type(exc).__name__}: {exc} "
              "(set KOSMOCHRON_DEBUG=1 for the traceback, and please report it)",
              file=sys.stderr)
        return 2
    return 0


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
