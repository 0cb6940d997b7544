"""Write-behind: a batch of rows is written while the next one is parsed.

Ingest is two kinds of work: parsing and building rows (Python, holding the
interpreter's lock) and packing text and writing rows (zlib and the database
driver, which let go of it while they work).  :class:`WriteBehind` runs the second
kind in a thread of its own, a batch behind the first, so on a machine with two
cores they overlap.  Only that thread uses the connection until :meth:`close`
(or the end of the ``with`` block) has waited for the last batch; a failed write
is raised in the parsing thread at its next hand-over or at the end.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

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
