"""The ``kosmochron`` command: a thin layer that calls the library and turns its
errors into ``FILE:LINE:COL: error: …`` messages and exit statuses.

Exit status: 0 no errors, 1 errors found in the input (the output is still
complete), 2 usage or I/O failure.  One module per command group:
:mod:`.chronology` (parse, render), :mod:`.database` (ingest, launches, show,
search, stats, export, import-gcat, sources, transfer, serve), :mod:`.check`;
what they share is in :mod:`.common`.
"""

from __future__ import annotations

import contextlib
import os
import sys

import typer
from rich.console import Console

from ..source import SourceError
from ..store import GcatError, QueryError, StoreError
from . import check, chronology, database
from .common import PipeConsole, ReaderGone, StrictError

app = typer.Typer(
    name="kosmochron",
    help="Space-launch chronologies, parsed losslessly into a typed, checkable record. "
    "With no FILE, every command uses the bundled Soviet Mars chronology.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


chronology.register(app)
database.register(app)
check.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the app, mapping library errors to messages and exit statuses."""
    # Rich (Typer's help and errors, our tables) would exit with status 1 on a closed
    # pipe; raised instead, Click sees it as the closed pipe it is (below).
    Console.on_broken_pipe = PipeConsole.on_broken_pipe  # type: ignore[method-assign,assignment]
    try:
        app(args=argv, prog_name="kosmochron")
    except SystemExit as exc:  # Typer's own exit, usage errors included (status 2)
        if _reader_gone_in_click():
            return _reader_gone()
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except StrictError:
        print("kosmochron: stopped at the first error (--strict)", file=sys.stderr)
        return 1
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (StoreError, QueryError, GcatError) as exc:
        message = str(exc)
        print(message if ": error: " in message else f"kosmochron: error: {message}",
              file=sys.stderr)
        return 2
    except (ReaderGone, BrokenPipeError):
        return _reader_gone()
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


def _reader_gone_in_click() -> bool:
    """Whether Click (or Typer) met a closed stdout: it then wraps the streams in its
    ``PacifyFlushWrapper`` and exits with status 1, the status of errors in the input."""
    return type(sys.stdout).__name__.endswith("PacifyFlushWrapper")


def _reader_gone() -> int:
    """The reader went away (``kosmochron … | head``): nothing more to say, status 0,
    and nothing left for the interpreter's last flush to complain about."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if type(stream).__name__.endswith("PacifyFlushWrapper"):
            setattr(sys, name, stream.wrapped)
    with contextlib.suppress(OSError, ValueError):  # no file descriptor in-process
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
