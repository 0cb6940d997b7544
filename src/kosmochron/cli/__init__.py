"""The ``kosmochron`` command: a thin layer that calls the library and turns its
errors into ``FILE:LINE:COL: error: …`` messages and exit statuses.

Exit status: 0 no errors, 1 errors found in the input (the output is still
complete), 2 usage or I/O failure.  One module per command group:
:mod:`.chronology` (parse, render), :mod:`.database` (ingest, launches, show,
search, stats, export, sources, transfer, serve), :mod:`.gcat` (import-gcat,
reconcile), :mod:`.check`;
what they share is in :mod:`.common`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from importlib import import_module
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    import typer

#: The modules that define the commands, in the order ``--help`` lists them, and the
#: commands of each that start without the others.  A command is registered only with
#: its own module when it is named (so ``parse`` never imports the store and with it
#: SQLAlchemy); anything else (``--help``, a typo, a command of a new module) gets them all.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "chronology": ("parse", "render"),
    "database": ("ingest", "launches", "show", "search", "stats", "export", "sources",
                 "transfer", "serve"),
    "gcat": ("import-gcat", "reconcile"),
    "check": ("check",),
}


def _command(argv: list[str]) -> str | None:
    """The command named in ``argv`` (its first word that is not an option)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def make_app(command: str | None = None) -> typer.Typer:
    """The ``kosmochron`` app with the commands ``command`` needs (None: every one)."""
    import typer

    from .common import rich_raises_broken_pipe

    rich_raises_broken_pipe()  # Typer prints help and errors with Rich
    app = typer.Typer(
        name="kosmochron",
        help="Space-launch chronologies, parsed losslessly into a typed, checkable record. "
        "With no FILE, every command uses the bundled Soviet Mars chronology.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(version: bool = typer.Option(
            False, "--version", help="Print the version and exit.")) -> None:
        # ``--version`` alone is answered by :func:`main` before Typer is imported.
        if version:
            print(f"kosmochron {__version__}")
            raise typer.Exit(0)

    wanted = [name for name, commands in COMMAND_MODULES.items() if command in commands]
    for name in wanted or COMMAND_MODULES:
        import_module(f"{__name__}.{name}").register(app)
    return app


def _store_error(exc: Exception) -> bool:
    """Whether ``exc`` is the store's (a store never imported raised none)."""
    store = sys.modules.get("kosmochron.store")
    return store is not None and isinstance(exc, (store.StoreError, store.QueryError,
                                                  store.GcatError))


def _locked(exc: Exception) -> bool:
    """Whether ``exc`` is a database's "locked" (another writer held it too long)."""
    locks = sys.modules.get("kosmochron.store.locks")
    return locks is not None and bool(locks.is_locked(exc))


def _store_message(exc: Exception) -> str:
    """A store error as one line; a filter value that names nothing names its option."""
    message = str(exc)
    field = getattr(exc, "field", None)  # UnknownValue: did you mean …
    if isinstance(field, str):
        option = {"date_from": "from", "date_to": "to"}.get(field, field).replace("_", "-")
        return f"kosmochron: error: --{option}: {message}"
    return message if ": error: " in message else f"kosmochron: error: {message}"


def main(argv: list[str] | None = None) -> int:
    """Run the app, mapping library errors to messages and exit statuses."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        print(f"kosmochron {__version__}")
        return 0
    from ..source import SourceError
    from .common import ReaderGone, StrictError

    try:
        command = _command(args)
        if args and args[0] in ("parse", "render"):
            from .chronology import run_plain

            status = run_plain(args)
            if status is not None:
                return status
        make_app(command)(args=args, prog_name="kosmochron")
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
    except (ReaderGone, BrokenPipeError):
        return _reader_gone()
    except KeyboardInterrupt:
        print("kosmochron: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise is: never a traceback
        if _store_error(exc):
            print(_store_message(exc), file=sys.stderr)
            return 2
        if _locked(exc):  # a writer that held SQLite's lock past the busy timeout
            print("kosmochron: error: the database is locked by another writer; try again "
                  "when it has finished", file=sys.stderr)
            return 2
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
