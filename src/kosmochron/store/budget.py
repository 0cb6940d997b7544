"""What one request may spend in the database: a time budget, and cancellation.

A server runs each request under a :class:`Budget` (:func:`spending`): its statements
together may run for ``seconds`` (time in Python between them does not count).  Every
statement of a store opened with a budget-aware engine (:func:`install`, which
:func:`~kosmochron.store.db.make_engine` calls) is then bounded:

* **SQLite**: a progress handler, called every few thousand virtual-machine steps,
  stops a statement past its deadline (the rest of its request's budget, or
  ``statement_timeout`` seconds, whichever ends first), and ``interrupt()`` stops it
  at once when the request is cancelled;
* **PostgreSQL**: ``statement_timeout`` is set on every connection, a watchdog
  thread cancels a statement still running when its request's budget is spent, and
  ``cancel_safe()`` stops it at once when the request is cancelled, so the backend
  does not go on after the client has gone;
* a request whose budget is spent, or that was cancelled, runs no further statement.

A statement stopped for any of these raises :class:`QueryCancelled` (a
:class:`StoreError`) from the store method that ran it: status 2 at the command
line, 503 from the server.  :func:`cancel_all` stops every request at once (a
server that is shutting down).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
import weakref
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .errors import StoreError

#: SQLite calls the progress handler every this many virtual-machine instructions
#: (about a tenth of a millisecond of work): often enough to stop on time, rarely
#: enough to cost nothing measurable.
PROGRESS_STEPS = 20_000

REASONS = {"deadline": "needed more than the {seconds:g} s of database time a request may "
                       "spend",
           "disconnect": "was stopped: the client went away",
           "shutdown": "was stopped: the server is shutting down",
           "timeout": "took longer than the {seconds:g} s a statement may take"}


class QueryCancelled(StoreError):
    """A statement stopped by its request's budget or the statement timeout."""

    def __init__(self, reason: str, seconds: float) -> None:
        self.reason = reason
        self.seconds = seconds
        super().__init__(f"the query {REASONS[reason].format(seconds=seconds)}")


class Budget:
    """One request's database time: ``seconds`` of statements in all (time spent in
    Python between them does not count), and whether it was cancelled (why)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        #: Seconds its statements have run so far.
        self.spent = 0.0
        #: Why it was cancelled ("deadline", "disconnect", "shutdown"), or None.
        self.reason: str | None = None
        #: Statements begun, and when the one running began (None: none is running).
        self.statements = 0
        self.began: float | None = None
        self._running: list[tuple[Any, str]] = []
        self._cancels: list[tuple[Any, threading.Thread]] = []
        self._lock = threading.Lock()

    def begin(self) -> float:
        """A statement begins: the time it must end by; QueryCancelled if the budget is
        spent or was cancelled."""
        if self.reason is None and self.spent >= self.seconds:
            self.reason = "deadline"
        if self.reason is not None:
            raise QueryCancelled(self.reason, self.seconds)
        self.statements += 1
        self.began = time.monotonic()
        return self.began + self.seconds - self.spent

    def end(self) -> None:
        """The running statement has ended: its time is spent."""
        if self.began is not None:
            self.spent += time.monotonic() - self.began
            self.began = None

    def renew(self) -> None:
        """The whole budget again, for the next step of a long answer streamed step by
        step (each step bounded; the whole bounded by what was asked for)."""
        self.spent = 0.0

    def cancel(self, reason: str) -> None:
        """Stop the statements running for this request (from any thread)."""
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
            running = list(self._running)
        for connection, dialect in running:
            self._interrupt(connection, dialect)

    def started(self, connection: Any, dialect: str) -> None:
        """``connection`` runs this request's statements until it is checked in."""
        with self._lock:
            self._running.append((connection, dialect))
        if self.reason is not None:  # cancelled meanwhile
            self._interrupt(connection, dialect)

    def finished(self, connection: Any) -> None:
        """``connection`` goes back to the pool: first wait for any cancel sent to it, so
        that a cancel arriving late cannot stop the next statement run on it."""
        with self._lock:
            self._running = [r for r in self._running if r[0] is not connection]
            cancels = [t for c, t in self._cancels if c is connection]
            self._cancels = [(c, t) for c, t in self._cancels if c is not connection]
        for thread in cancels:
            thread.join(10)

    def _interrupt(self, connection: Any, dialect: str) -> None:
        if dialect == "sqlite":
            connection.interrupt()  # thread-safe; the statement fails with "interrupted"
            return
        # cancel_safe() waits for the server's answer: not on the caller's thread (it may
        # be the event loop's), but joined before the connection is used again.
        thread = threading.Thread(target=_pg_cancel, args=(connection,), daemon=True)
        with self._lock:
            self._cancels.append((connection, thread))
        thread.start()


T = TypeVar("T")
CURRENT: ContextVar[Budget | None] = ContextVar("kosmochron_budget", default=None)
#: Budgets of the requests in progress, for :func:`cancel_all`.
_LIVE: weakref.WeakSet[Budget] = weakref.WeakSet()


@contextlib.contextmanager
def spending(seconds: float) -> Iterator[Budget]:
    """Run the block's statements under a new budget of ``seconds`` (contextvars carry
    it into the threads that run the request's handlers)."""
    budget = Budget(seconds)
    token = CURRENT.set(budget)
    _LIVE.add(budget)
    try:
        yield budget
    finally:
        _LIVE.discard(budget)
        CURRENT.reset(token)


def stepwise(chunks: Iterator[T]) -> Iterator[T]:
    """``chunks`` with the current budget renewed before each: a long answer streamed
    chunk by chunk (a download, a whole stored source) is bounded chunk by chunk, the
    whole by what the client asked for, rather than cut off when the request's budget
    is spent.  Cancellation (a disconnect, a shutdown) still stops it."""
    while True:
        budget = CURRENT.get()
        if budget is not None:
            budget.renew()
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        yield chunk


def cancel_all(reason: str = "shutdown") -> int:
    """Cancel every request in progress; how many there were."""
    budgets = list(_LIVE)
    for budget in budgets:
        budget.cancel(reason)
    return len(budgets)


def _pg_cancel(connection: Any) -> None:
    with contextlib.suppress(Exception):  # the statement may have ended meanwhile
        connection.cancel_safe(timeout=5.0)


class _Watchdog:
    """One thread that cancels PostgreSQL statements still running at their request's
    deadline (SQLite's progress handler needs no help)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, int, weakref.ref[Budget]]] = []
        self._order = itertools.count()  # ties never compare the references
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, budget: Budget, deadline: float) -> None:
        """Cancel ``budget`` at ``deadline`` if the statement it runs now still runs."""
        with self._wake:
            heapq.heappush(self._heap, (deadline, next(self._order), budget.statements,
                                        weakref.ref(budget)))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kosmochron-deadlines",
                                                 daemon=True)
                self._thread.start()
            if self._heap[0][0] == deadline:  # earlier than it sleeps until: wake it
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._wake.wait(None if not self._heap
                                    else self._heap[0][0] - time.monotonic())
                _, _, statement, ref = heapq.heappop(self._heap)
            budget = ref()
            if budget is not None and budget.statements == statement \
                    and budget.began is not None:  # that statement still runs
                budget.cancel("deadline")


_WATCHDOG = _Watchdog()


def install(engine: Engine, statement_timeout: float | None = None) -> None:
    """Bound every statement of ``engine`` by the current budget and, if given, by
    ``statement_timeout`` seconds (see the module)."""
    sqlite = engine.dialect.name == "sqlite"

    @sa.event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        if sqlite:
            deadline: list[float | None] = [None]
            record.info["kosmochron_deadline"] = deadline
            dbapi_connection.set_progress_handler(
                lambda: deadline[0] is not None and time.monotonic() > deadline[0],
                PROGRESS_STEPS)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def before(conn: sa.Connection, cursor: Any, statement: str, parameters: Any,
               context: Any, executemany: bool) -> None:
        budget = CURRENT.get()
        record = conn.connection
        limit = None if statement_timeout is None else time.monotonic() + statement_timeout
        if budget is not None:
            ends = budget.begin()
            limit = ends if limit is None else min(limit, ends)
            if record.info.get("kosmochron_budget") is not budget:
                record.info["kosmochron_budget"] = budget
                budget.started(record.driver_connection, engine.dialect.name)
            if not sqlite:
                _WATCHDOG.watch(budget, ends)
        if sqlite:
            record.info["kosmochron_deadline"][0] = limit

    @sa.event.listens_for(engine, "after_cursor_execute")
    def after(conn: sa.Connection, cursor: Any, statement: str, parameters: Any,
              context: Any, executemany: bool) -> None:
        budget = CURRENT.get()
        if budget is not None:
            budget.end()

    @sa.event.listens_for(engine, "checkin")
    def checkin(dbapi_connection: Any, record: Any) -> None:
        budget = record.info.pop("kosmochron_budget", None)
        if budget is not None:
            budget.finished(dbapi_connection)
        if sqlite:
            record.info["kosmochron_deadline"][0] = None

    @sa.event.listens_for(engine, "handle_error")
    def handle_error(context: Any) -> BaseException | None:
        return cancelled(context.original_exception, statement_timeout)


def cancelled(exc: BaseException, statement_timeout: float | None = None) -> QueryCancelled | None:
    """``exc`` as a QueryCancelled if it is a statement stopped by a budget or a timeout."""
    text = str(exc)
    stopped = "interrupted" in text or "canceling statement due to" in text
    if not stopped:
        return None
    budget = CURRENT.get()
    if budget is not None:
        budget.end()
        if budget.reason is None and budget.spent >= budget.seconds:
            budget.reason = "deadline"
        if budget.reason is not None:
            return QueryCancelled(budget.reason, budget.seconds)
    return QueryCancelled("timeout", statement_timeout or 0.0)
