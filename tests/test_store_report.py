"""The background validation report (``kosmochron.store.report``): the stored entries
checked in parts, in parallel, give exactly the findings of one check from the start,
and the report says how far it has got.  Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus_support import corpus_text
from db_support import GCAT_SAMPLE, SEED_TEXT, write_text
from kosmochron.store import Store
from kosmochron.store.findings import check_stored
from kosmochron.store.report import check_run, plan
from kosmochron.validate import Finding

pytest_plugins = ["db_support"]

FIXTURES = Path(__file__).parent / "fixtures"


def _key(f: Finding) -> tuple[object, ...]:
    return (f.rule, f.severity, f.source, f.line, f.column, f.entry, f.item, f.message,
            json.dumps(f.evidence, sort_keys=True), f.entry_id, f.item_id)


@pytest.fixture
def several(store: Store, tmp_path: Path) -> Store:
    """The seed, a generated corpus (its copies repeat designators and satellite
    numbers, so the duplicate rules carry context across the parts), the Saturn V
    page, the seed again under another name, and the GCAT sample."""
    store.ingest([write_text(tmp_path / "corpus.txt", corpus_text(300)),
                  FIXTURES / "astronautix-saturn-v-page.txt",
                  write_text(tmp_path / "again.txt", SEED_TEXT)])
    store.import_gcat(GCAT_SAMPLE)
    return store


@pytest.mark.parametrize("workers", [1, 2, 3, 7, 40, 553])
def test_parts_put_end_to_end_are_one_check_from_the_start(several: Store,
                                                            workers: int) -> None:
    with several.engine.connect() as conn:
        whole = [_key(f) for f in check_stored(conn)]
        runs, total = plan(conn, workers)
        parts = [_key(f) for run in runs for f in check_run(conn, run)]
    assert len(runs) == workers and total == 21 + 300 + 211 + 21 == 553
    assert any(f[0] == "duplicate-designator" for f in whole)
    assert parts == whole


def test_the_plan_covers_every_entry_once_in_order(several: Store) -> None:
    with several.engine.connect() as conn:
        runs, total = plan(conn, 4)
    places = [(p.source_id, seq) for run in runs for p in run
              for seq in range(p.first, p.last + 1)]
    assert len(places) == len(set(places)) == total
    assert places == sorted(places)
    assert all(len({p.source_id for p in run}) == len(run) for run in runs)


def test_the_report_counts_its_progress(store: Store) -> None:
    assert store.findings_ready(wait=120)
    with store.engine.connect() as conn:
        assert store.findings() == list(check_stored(conn))
    done, total = store.findings_progress()
    assert done == total == 21


def test_a_worker_that_fails_ends_the_check_with_its_error(store: Store,
                                                           tmp_path: Path) -> None:
    """A checking process that raises (here: a stored text that no longer parses) ends
    the report with its error, for every caller, instead of leaving the server waiting
    on workers that still hold findings to hand over."""
    import sqlalchemy as sa

    from kosmochron.store.errors import QueryError
    from kosmochron.store.schema import entries

    store.ingest([write_text(tmp_path / "big.txt", SEED_TEXT * 10)])
    with store.engine.begin() as conn:
        last = conn.execute(sa.select(sa.func.max(entries.c.id))).scalar_one()
        conn.execute(entries.update().where(entries.c.id == last).values(raw="no entry\n"))
    for _ in range(2):  # the failed check stays failed for its data version
        with pytest.raises(QueryError, match="does not parse as an entry"):
            store.findings()
