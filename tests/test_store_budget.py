"""Every statement is bounded (issue 16), on SQLite and PostgreSQL: a request's budget of
database time, the statement timeout, cancellation from another thread (a client that
went away, a server shutting down), and search terms normalised and capped."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from db_support import SEED_NAME
from kosmochron.store import QueryError, Settings, Store, TooManyTerms, open_store
from kosmochron.store.budget import QueryCancelled, cancel_all, spending
from kosmochron.store.search import MAX_TERMS, normalise

pytest_plugins = ["db_support"]


def slow_sql(store: Store) -> str:
    """A statement that runs for tens of seconds unless it is stopped."""
    if store.dialect == "postgresql":
        return "SELECT pg_sleep(60)"
    return ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
            "SELECT count(*) FROM (SELECT x FROM c LIMIT 2000000000)")


def run_slow(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.execute(sa.text(slow_sql(store))).all()


def test_a_request_budget_stops_a_slow_statement(seeded: Store) -> None:
    started = time.monotonic()
    with spending(0.5), pytest.raises(QueryCancelled) as info:
        run_slow(seeded)
    assert 0.4 < time.monotonic() - started < 3
    assert info.value.reason == "deadline"
    assert "more than the 0.5 s of database time a request may spend" in str(info.value)
    assert seeded.count() == 21  # the pooled connection is fine afterwards


def test_a_spent_budget_runs_no_further_statement(seeded: Store) -> None:
    with spending(0.3) as budget:
        with pytest.raises(QueryCancelled) as info:
            run_slow(seeded)
        assert info.value.reason == "deadline"
        started = time.monotonic()
        with pytest.raises(QueryCancelled):
            seeded.count()  # refused before it reaches the database
        assert time.monotonic() - started < 0.1 and budget.reason == "deadline"


def test_time_in_python_between_statements_is_not_database_time(seeded: Store) -> None:
    with spending(0.5) as budget:
        for _ in range(3):
            seeded.count()
            time.sleep(0.3)  # e.g. computing a porkchop between two queries
        assert seeded.count() == 21 and budget.spent < 0.5


def test_the_statement_timeout_bounds_every_statement(db_url: str) -> None:
    open_store(db_url).close()  # create and seed it
    with Store.from_settings(Settings(Settings.from_env(db_url).url,
                                      statement_timeout=0.5)) as store:
        started = time.monotonic()
        with pytest.raises(QueryCancelled) as info:
            run_slow(store)
        assert time.monotonic() - started < 3 and info.value.reason == "timeout"
        assert store.count() == 21


@pytest.fixture
def cancelled_from_elsewhere(seeded: Store) -> Iterator[tuple[list[BaseException], float]]:
    """A slow statement in a thread under a 60 s budget, cancelled after 0.3 s by
    :func:`cancel_all` (what a server does when it shuts down); (errors, seconds)."""
    errors: list[BaseException] = []
    took: list[float] = []

    def work() -> None:
        started = time.monotonic()
        try:
            with spending(60):
                run_slow(seeded)
        except BaseException as exc:
            errors.append(exc)
        took.append(time.monotonic() - started)

    worker = threading.Thread(target=work)
    worker.start()
    time.sleep(0.3)
    assert cancel_all("shutdown") >= 1
    worker.join(10)
    assert not worker.is_alive()
    yield errors, took[0]


def test_a_cancelled_request_stops_its_statement_at_once(
        cancelled_from_elsewhere: tuple[list[BaseException], float], seeded: Store) -> None:
    errors, took = cancelled_from_elsewhere
    assert len(errors) == 1 and isinstance(errors[0], QueryCancelled)
    assert errors[0].reason == "shutdown" and took < 3
    if seeded.dialect == "postgresql":  # and the backend stopped too, not just the client
        with seeded.engine.connect() as conn:
            running = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' "
                "AND state = 'active' AND datname = current_database()")).scalar_one()
        assert running == 0
    assert seeded.count() == 21


def test_repeated_search_terms_count_once(seeded: Store) -> None:
    once = [h.item_id for h in seeded.search("computer chip")]
    assert once
    started = time.monotonic()
    assert [h.item_id for h in seeded.search("computer " * 300 + "CHIP chip")] == once
    assert time.monotonic() - started < 2
    assert normalise("mars Mars MARS  probe \"upper  stage\" \"Upper stage\"") == \
        'mars probe "upper  stage"'
    assert seeded.count(text="computer " * 300 + "chip") == seeded.count(text="computer chip")


def test_too_many_search_terms_are_a_clear_error(seeded: Store) -> None:
    words = " ".join(f"word{i}" for i in range(MAX_TERMS + 1))
    with pytest.raises(TooManyTerms, match=f"too many search terms: {MAX_TERMS + 1} different"):
        seeded.search(words)
    with pytest.raises(QueryError, match="at most 16 words"):
        seeded.launches(text=words)
    phrase = '"' + " ".join(f"w{i}" for i in range(60)) + '"'
    with pytest.raises(TooManyTerms, match="60 words"):
        seeded.search(phrase)
    assert seeded.search(" ".join(f"word{i}" for i in range(MAX_TERMS))) == []


def test_streamed_source_is_the_stored_source(seeded: Store) -> None:
    encoding, chunks = seeded.stream_source(SEED_NAME, nodes=7)
    parts = list(chunks)
    assert encoding == "utf-8" and len(parts) > 3
    assert b"".join(parts) == seeded.stored_source(SEED_NAME)[0]
    with pytest.raises(QueryError, match="no stored source"):
        seeded.stream_source("nope.txt")
