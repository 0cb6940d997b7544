"""Write-behind: a batch of rows is written while the next one is parsed.

Two ways: a thread that writes a batch behind the parsing thread
(:class:`WriteBehind`), or, for a big file, the parsing in a process of its own that
sends the rows to the writing one (:class:`ProducedAside`).

Ingest is two kinds of work: parsing and building rows (Python, holding the
interpreter's lock) and packing text and writing rows (zlib and the database
driver, which let go of it while they work).  :class:`WriteBehind` runs the second
kind in a thread of its own, a batch behind the first, so on a machine with two
cores they overlap.  Only that thread uses the connection until :meth:`close`
(or the end of the ``with`` block) has waited for the last batch; a failed write
is raised in the parsing thread at its next hand-over or at the end.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from .db import StoreError

Job = Callable[[], None]


class WriteBehind:
    """Runs jobs in order in one thread, at most ``depth`` waiting (the parser stops to
    wait when the writer falls behind, so memory stays bounded)."""

    def __init__(self, depth: int = 2) -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kosmochron-write-behind",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is None:  # after a failure the rest is skipped, not run
                try:
                    job()
                except BaseException as exc:  # handed to the parsing thread
                    self._error = exc

    def submit(self, job: Job) -> None:
        """Queue ``job``; raise the error of an earlier job, if one failed."""
        if self._error is not None:
            raise self._error
        self._jobs.put(job)

    def close(self) -> None:
        """Wait for every job; raise the error of one that failed."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
            return
        # The parsing failed: let the writer finish with the connection before the
        # transaction is rolled back; the parsing error is the one to report.
        self._error = self._error or exc
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()


class ProducedAside:
    """Runs ``produce(send)`` in a forked process: iterate for what it sends, in order;
    afterwards :attr:`result` is what it returned.  An exception in the child is raised
    in the parent when reached; a child that dies is a :class:`ChildGone`.

    The child is a fork, so it starts at once with everything the parent had built
    (the parser imported, the ids known so far) and never uses the parent's database
    connection: it ends with ``os._exit``, running no finalizer that could close it.
    Only where ``fork`` exists (:func:`can_fork`); elsewhere callers work in-process.
    """

    def __init__(self, what: str, produce: Callable[[Callable[[Any], None]], Any]) -> None:
        self._what = what  # what the child works on, for the message if it dies
        context = multiprocessing.get_context("fork")
        self._receive, send_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_produce_child, args=(produce, send_end),
                                         name="kosmochron-parse-aside", daemon=True)
        self._process.start()
        send_end.close()  # the child's end: EOF here once the child has gone
        self.result: Any = None

    def __iter__(self) -> Iterator[Any]:
        while True:
            try:
                kind, value = self._receive.recv()
            except EOFError:
                self._process.join()
                raise ChildGone(self._what, self._process.exitcode) from None
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                self.result = value
                return

    def close(self) -> None:
        """Stop the child if it still runs (the parent failed or was interrupted)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()

    def __enter__(self) -> ProducedAside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ChildGone(StoreError):
    def __init__(self, what: str, exitcode: int | None) -> None:
        super().__init__(f"{what}: error: the process working on it ended unexpectedly "
                         f"(exit code {exitcode}); nothing was stored; try again")


_MAX_FD = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1 << 16


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _produce_child(produce: Callable[[Callable[[Any], None]], Any],
                   send_end: multiprocessing.connection.Connection) -> None:
    # Every descriptor the fork inherited goes but stdio and this end of the pipe: the
    # pipe's other end kept here would keep the child writing into a pipe nobody reads
    # once the parent has died, and a database socket would keep the server's session
    # (its transaction and locks) alive after the parent died.
    keep = send_end.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, _MAX_FD)

    def send(value: Any) -> None:
        send_end.send(("item", value))

    try:
        try:
            result = produce(send)
        except (KeyboardInterrupt, BrokenPipeError):
            return  # Ctrl-C reaches both processes, and the parent reports it; or the
            # parent has gone (killed, or stopped this child): nobody is listening
        except BaseException as exc:  # handed to the parent, to be raised there
            try:
                send_end.send(("error", exc))
            except (TypeError, AttributeError, ValueError):  # not picklable: its text
                send_end.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
            return
        send_end.send(("end", result))
    except OSError:
        return  # the parent went away while this child was telling it the end
