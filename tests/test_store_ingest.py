"""Ingest: idempotent re-ingest, replacement of an edited file, diagnostics, and
atomicity - a process killed mid-ingest, or an ingest interrupted by an exception or
Ctrl-C, leaves nothing half-written.  Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from db_support import (
    SEED_BYTES,
    SEED_ITEMS,
    SEED_LAUNCHES,
    SEED_NAME,
    SEED_TEXT,
    TABLES,
    no_orphans,
    orphans,
    row_counts,
    search_index_rows,
    shifted_seed,
    write_text,
)
from kosmochron.model import Diagnostic
from kosmochron.source import SourceError
from kosmochron.store import Store, StoreError, open_store
from kosmochron.store.ingest import BATCH_ENTRIES, Progress
from kosmochron.store.schema import diagnostics, entries, items, sources

pytest_plugins = ["db_support"]

INGEST = importlib.import_module("kosmochron.store.ingest")


@pytest.fixture(params=["here", "aside"])
def parsed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Where a file is parsed: in the ingesting process, or in a forked one that sends
    the rows (what files from :data:`PARSE_ASIDE_MIN_BYTES` get)."""
    aside = request.param == "aside"
    monkeypatch.setattr(INGEST, "PARSE_ASIDE_MIN_BYTES", 0 if aside else 1 << 62)
    return str(request.param)

#: Three entries, with words and names that occur nowhere in the seed.
SMALL = """Small Chronology

1970 March 3 - . 10:00 GMT - . Launch Site: Kapustin Yar. Launch Complex: Kapustin Yar LC107. LV Family: Kosmos. Launch Vehicle: Kosmos 11K63. FAILURE: Xylophone valve froze.. Failed Stage: 2. 

· Alpha Test - . Payload: AT s/n 1. Nation: USSR. Agency: MOM. Program: Tests. COSPAR: F700303A. A xylophone-shaped antenna folded early.

1970 April 4 - . 11:00 GMT - . Launch Site: Kapustin Yar. LV Family: Kosmos. Launch Vehicle: Kosmos 11K63. 

· Beta Test - . Payload: BT s/n 1. Nation: USSR. Agency: MOM. Program: Tests. USAF Sat Cat: 4400 . COSPAR: 1970-025A. Worked as planned.

1970 May 5 - . 12:00 GMT - . Launch Site: Kapustin Yar. LV Family: Kosmos. Launch Vehicle: Kosmos 11K63. 

· Gamma Test - . Payload: GT s/n 1. Nation: USSR. Agency: MOM. Program: Tests. USAF Sat Cat: 4500 . COSPAR: 1970-040A. Worked too.
"""  # noqa: E501, W291 - the format has long lines, and headers end with a space

#: SMALL edited: the first entry moved to Plesetsk with a new text, the last one gone,
#: and a second payload on the second launch.
SMALL_EDITED = SMALL.replace(
    "Kapustin Yar. Launch Complex: Kapustin Yar LC107", "Plesetsk. Launch Complex: Plesetsk LC41"
).replace("Xylophone valve froze", "Marimba valve froze").replace(
    "A xylophone-shaped antenna", "A marimba-shaped antenna"
).replace("Worked as planned.\n", "Worked as planned.\n\n· Beta Rider - . Payload: BR s/n 1. "
          "Nation: USSR. Program: Tests. COSPAR: 1970-025B. Rode along.\n"
).split("\n1970 May 5")[0] + "\n"

#: A chronology with a bad value: the entry is stored, flagged and diagnosed.
BAD_MASS = """Bad Mass

1965 November 16 - . 04:19 GMT - . Launch Site: Baikonur. Launch Vehicle: Molniya 8K78M. 

· Venera 3 - . Payload: 3MV-3 s/n 1. Mass: 9x0 kg. Nation: USSR. COSPAR: 1965-092A. Reached Venus.

1965 November 23 - . 03:14 GMT - . Launch Site: Baikonur. Launch Vehicle: Molniya 8K78M. 

· Cosmos 96 - . Payload: 3MV-4 s/n 6. Mass: 963 kg. Nation: USSR. COSPAR: F651123A. 
"""  # noqa: W291


def source_row(store: Store, path: str) -> dict[str, object] | None:
    return next((s for s in store.sources() if s["path"] == path), None)


def entry_ids(store: Store, path: str) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(entries.c.id).join(sources)
                                 .where(sources.c.path == path).order_by(entries.c.id))
                    .scalars())


class Interrupt(Exception):
    pass


def raise_on_progress(exc: BaseException) -> tuple[list[tuple[int, int]], Progress]:
    calls: list[tuple[int, int]] = []

    def progress(bytes_read: int, count: int) -> None:
        calls.append((bytes_read, count))
        raise exc

    return calls, progress


# -- idempotence and replacement -------------------------------------------------


def test_reingesting_the_unchanged_seed_changes_nothing(store: Store) -> None:
    before, sources_before = row_counts(store), store.sources()
    index_before = search_index_rows(store)
    [result] = store.ingest([None])
    assert (result.status, result.path) == ("unchanged", SEED_NAME)
    assert result.source_id == sources_before[0]["id"]
    assert row_counts(store) == before
    assert store.sources() == sources_before  # not even ingested_at moves
    assert search_index_rows(store) == index_before == SEED_ITEMS


def test_reingesting_an_unchanged_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_text(tmp_path / "small.txt", SMALL)
    [added] = store.ingest([path])
    assert (added.status, added.path) == ("added", str(path.resolve()))
    assert (added.entries, added.launches, added.items, added.errors) == (3, 3, 3, 0)
    assert added.diagnostics == [] and added.seconds > 0
    before, ids = row_counts(store), entry_ids(store, added.path)
    [again] = store.ingest([path])
    assert (again.status, again.source_id) == ("unchanged", added.source_id)
    assert row_counts(store) == before
    assert entry_ids(store, added.path) == ids
    # Another path to the same file is the same source.
    [relative] = store.ingest([Path(os.path.relpath(path))])
    assert relative.status == "unchanged" and relative.source_id == added.source_id


def test_an_edited_file_replaces_its_old_version(store: Store, tmp_path: Path,
                                                 parsed: str) -> None:
    path = write_text(tmp_path / "small.txt", SMALL)
    [added] = store.ingest([path])
    old_ids = entry_ids(store, added.path)
    before = row_counts(store)
    assert [h.name for h in store.search("xylophone")] == ["Alpha Test"]
    assert "Kapustin Yar" in [e["name"] for e in store.entities("site")]

    write_text(path, SMALL_EDITED)
    [replaced] = store.ingest([path])
    assert (replaced.status, replaced.path) == ("replaced", added.path)
    assert (replaced.entries, replaced.launches, replaced.items) == (2, 2, 3)
    after = row_counts(store)
    assert after["sources"] == before["sources"] == 2
    assert after["entries"] == before["entries"] - 1
    assert after["items"] == before["items"]
    # The old rows are gone, not kept beside the new ones.
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sources)
                            .where(sources.c.path == added.path)).scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(entries)
                            .where(entries.c.date_text == "1970 May 5")).scalar_one() == 0
        assert conn.execute(sa.select(items.c.name).join(entries)
                            .where(entries.c.source_id == replaced.source_id)
                            .order_by(items.c.id)).scalars().all() \
            == ["Alpha Test", "Beta Test", "Beta Rider"]
    assert len(entry_ids(store, added.path)) == 2 < len(old_ids)
    assert [s.entry.date.text for s in store.launches(source=added.path)] \
        == ["1970 March 3", "1970 April 4"]
    assert store.count(date_from="1970-05", date_to="1970-05") == 0
    assert store.lookup("satcat:4500") == []
    assert store.get("Beta Rider").stored.entry.date.text == "1970 April 4"
    # The index finds the new text and not the old.
    assert store.search("xylophone") == []
    assert store.count(text="xylophone") == 0
    assert [h.name for h in store.search("marimba")] == ["Alpha Test"]
    assert store.count(text="marimba valve") == 1
    assert search_index_rows(store) == SEED_ITEMS + 3
    # Names only the old version used are gone too.
    sites = [e["name"] for e in store.entities("site")]
    assert "Plesetsk" in sites and "Kapustin Yar" in sites  # still used by two launches
    assert [e["name"] for e in store.entities("complex") if "LC107" in e["name"]] == []
    assert store.render_source(path) == SMALL_EDITED.encode()
    # The seed is untouched.
    assert store.count(source=SEED_NAME) == SEED_LAUNCHES
    assert store.render_source() == SEED_BYTES
    assert no_orphans(store)


def test_removing_a_source_removes_its_rows_and_names(store: Store, tmp_path: Path) -> None:
    seed_counts = row_counts(store)
    path = write_text(tmp_path / "small.txt", SMALL)
    store.ingest([path])
    assert store.remove_source(path) is True
    assert store.remove_source(path) is False
    assert row_counts(store) == seed_counts
    assert store.search("xylophone") == []
    assert search_index_rows(store) == SEED_ITEMS
    assert [e["name"] for e in store.entities("site")] == ["Baikonur"]
    assert [e["name"] for e in store.entities("family")] == ["Proton", "R-7"]
    assert no_orphans(store)
    assert store.ingest([path])[0].status == "added"  # and it can come back


def test_each_file_is_its_own_transaction(store: Store, tmp_path: Path) -> None:
    small = write_text(tmp_path / "small.txt", SMALL)
    with pytest.raises(SourceError, match="no such file"):
        store.ingest([small, tmp_path / "missing.txt"])
    assert source_row(store, str(small.resolve())) is not None
    assert store.count() == SEED_LAUNCHES + 3


def test_progress_reports_bytes_and_entries(store: Store, tmp_path: Path,
                                            parsed: str) -> None:
    path = write_text(tmp_path / "big.txt", shifted_seed(100))
    calls: list[tuple[int, int]] = []
    [result] = store.ingest([path], progress=lambda b, n: calls.append((b, n)))
    assert result.entries == result.launches == 2100 and result.items == 2900
    assert [n for _, n in calls] == [BATCH_ENTRIES, 2100]
    assert 0 < calls[0][0] < calls[1][0] == path.stat().st_size
    row = source_row(store, result.path)
    assert row is not None and row["size_bytes"] == path.stat().st_size
    assert store.count(source=result.path) == 2100
    assert store.count() == SEED_LAUNCHES + 2100
    assert search_index_rows(store) == SEED_ITEMS + 2900
    assert store.render_source(path) == path.read_bytes()


# -- diagnostics -----------------------------------------------------------------


def test_diagnostics_are_stored_with_their_spans(store: Store, tmp_path: Path,
                                                 parsed: str) -> None:
    path = write_text(tmp_path / "bad.txt", BAD_MASS)
    [result] = store.ingest([path])
    message = ("bad Mass value '9x0 kg': expected a quantity like '4,650 kg (10,250 lb)'; "
               "the raw text is kept")
    assert result.errors == 1
    assert result.diagnostics == [Diagnostic("error", result.path, 5, 44, message)]
    row = source_row(store, result.path)
    assert row is not None and row["error_count"] == 1 and row["entry_count"] == 2
    venera = store.get("Venera 3")
    assert venera.diagnostics == [Diagnostic("error", result.path, 5, 44, message)]
    assert venera.stored.entry.has_errors
    assert store.get("Cosmos 96").diagnostics == []
    # The entry is still stored, with the raw value and no mass.
    assert [s.entry.date.text for s in store.launches(source=result.path)] \
        == ["1965 November 16", "1965 November 23"]
    assert venera.stored.entry.items[0].value("Mass") == "9x0 kg"
    with store.engine.connect() as conn:
        flags = conn.execute(sa.select(entries.c.date_text, entries.c.has_errors)
                             .where(entries.c.source_id == result.source_id)
                             .order_by(entries.c.seq)).all()
        masses = conn.execute(sa.select(items.c.name, items.c.mass_kg).join(entries)
                              .where(entries.c.source_id == result.source_id)
                              .order_by(items.c.id)).all()
        stored = conn.execute(sa.select(diagnostics.c.entry_id, diagnostics.c.severity,
                                        diagnostics.c.line, diagnostics.c.column,
                                        diagnostics.c.message)
                              .where(diagnostics.c.source_id == result.source_id)).all()
    assert [tuple(f) for f in flags] == [("1965 November 16", True), ("1965 November 23", False)]
    assert [tuple(m) for m in masses] == [("Venera 3", None), ("Cosmos 96", 963.0)]
    assert [tuple(d) for d in stored] == [(venera.stored.id, "error", 5, 44, message)]
    assert store.render_source(path) == BAD_MASS.encode()


def test_replacing_a_file_replaces_its_diagnostics(store: Store, tmp_path: Path) -> None:
    path = write_text(tmp_path / "bad.txt", BAD_MASS)
    store.ingest([path])
    assert row_counts(store)["diagnostics"] == 1
    write_text(path, BAD_MASS.replace("9x0 kg", "960 kg"))
    [result] = store.ingest([path])
    assert result.status == "replaced" and result.errors == 0
    assert row_counts(store)["diagnostics"] == 0
    assert store.get("Venera 3").diagnostics == []


# -- atomicity -------------------------------------------------------------------


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), Interrupt("disk on fire")],
                         ids=["KeyboardInterrupt", "exception"])
def test_an_interrupted_ingest_is_rolled_back(store: Store, tmp_path: Path,
                                              exc: BaseException, parsed: str) -> None:
    before, index_before = row_counts(store), search_index_rows(store)
    path = write_text(tmp_path / "big.txt", shifted_seed(100))
    calls, progress = raise_on_progress(exc)
    with pytest.raises(type(exc)):
        store.ingest([path], progress=progress)
    assert calls == [(calls[0][0], BATCH_ENTRIES)]  # stopped after the first batch was written
    assert source_row(store, str(path.resolve())) is None
    assert row_counts(store) == before
    assert search_index_rows(store) == index_before
    assert no_orphans(store)
    # The store is still usable, and the lock is free.
    [small] = store.ingest([write_text(tmp_path / "small.txt", SMALL)])
    assert small.status == "added"
    assert store.count() == SEED_LAUNCHES + 3


def test_an_interrupted_replacement_keeps_the_old_version(store: Store, tmp_path: Path) -> None:
    path = write_text(tmp_path / "small.txt", SMALL)
    [added] = store.ingest([path])
    before = row_counts(store)
    write_text(path, SMALL_EDITED)
    calls, progress = raise_on_progress(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        store.ingest([path], progress=progress)
    assert len(calls) == 1  # the new version was fully written, not yet committed
    assert row_counts(store) == before
    assert source_row(store, added.path) is not None
    assert [h.name for h in store.search("xylophone")] == ["Alpha Test"]
    assert store.search("marimba") == []
    assert store.render_source(path) == SMALL.encode()
    assert "Kapustin Yar LC107" in [e["name"] for e in store.entities("complex")]
    assert store.ingest([path])[0].status == "replaced"


#: Ingests argv[2] into argv[1]; once the first batch of rows is written it reports how
#: many entries its transaction sees and waits to be killed.
KILLED_INGEST = """
import sys, time
import sqlalchemy as sa
from kosmochron.store import open_store
from kosmochron.store.ingest import ingest
from kosmochron.store.schema import entries

store = open_store(sys.argv[1])
with store.engine.begin() as conn:
    def progress(bytes_read, count):
        seen = conn.execute(sa.select(sa.func.count()).select_from(entries)).scalar_one()
        print("writing", count, seen, flush=True)
        time.sleep(120)
    ingest(conn, sys.argv[2], progress=progress)
print("committed", flush=True)
"""


def test_a_process_killed_mid_ingest_leaves_nothing_half_written(
        store: Store, tmp_path: Path) -> None:
    url = store.settings.url
    before = row_counts(store)
    store.close()
    path = write_text(tmp_path / "big.txt", shifted_seed(2000))  # 42,000 entries, 46 MB
    child = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, url, str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, child.kill)
    watchdog.start()
    try:
        assert child.stdout is not None
        report = child.stdout.readline().split()
        assert report[:2] == ["writing", str(BATCH_ENTRIES)], child.stderr.read() if \
            child.stderr else report
        # The uncommitted transaction holds the first batch on top of the seed.
        assert int(report[2]) == SEED_LAUNCHES + BATCH_ENTRIES
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()

    with open_store(url) as after:
        assert source_row(after, str(path.resolve())) is None
        assert [s["path"] for s in after.sources()] == [SEED_NAME]
        assert row_counts(after) == before
        assert orphans(after) == dict.fromkeys(orphans(after), 0)
        assert search_index_rows(after) == SEED_ITEMS
        assert after.count() == SEED_LAUNCHES
        assert after.render_source() == SEED_BYTES
        assert [h.name for h in after.search("Spectrum")] == ["Mars 3"]
        # Nothing is left locked: the next ingest goes through.
        [small] = after.ingest([write_text(tmp_path / "small.txt", SMALL)])
        assert small.status == "added" and after.count() == SEED_LAUNCHES + 3
        assert no_orphans(after)


def test_the_seed_copy_and_the_seed_are_separate_sources(store: Store, tmp_path: Path) -> None:
    path = write_text(tmp_path / "copy.txt", SEED_TEXT)
    [result] = store.ingest([path])
    assert result.status == "added" and result.launches == SEED_LAUNCHES
    assert store.count() == 2 * SEED_LAUNCHES
    assert store.count(source=SEED_NAME) == store.count(source=result.path) == SEED_LAUNCHES
    assert len(store.lookup("Sputnik 22")) == 2
    assert sum(r.launches for r in store.stats("family")) == 2 * SEED_LAUNCHES
    # Shared names are stored once.
    assert [e["name"] for e in store.entities("family")] == ["Proton", "R-7"]
    with open_store(store.settings.url) as reopened:
        assert reopened.count() == 2 * SEED_LAUNCHES


# -- parsed in a process of its own --------------------------------------------------


def stored_rows(store: Store, source_id: int) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but ``sources`` (whose rows say when), in id order,
    with the source's own id as "this" and no serial ids (PostgreSQL's sequences give
    each ingest new ones; the ids ingest assigns itself are kept)."""
    def row(table: sa.Table, values: sa.Row[Any]) -> tuple[object, ...]:
        return tuple("this" if column.name == "source_id" and value == source_id else value
                     for column, value in zip(table.columns, values, strict=True)
                     if not (table.name == "diagnostics" and column.name == "id"))

    with store.engine.connect() as conn:
        return {name: [row(table, values) for values in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).all()]
                for name, table in TABLES.items() if name != "sources"}


def test_a_file_parsed_aside_is_stored_as_one_parsed_here(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows, ids, diagnostics (with their entries), the search index and the source's
    counts are the same whichever process parsed the file."""
    text = ("Mixed\n\nText between the title and the entries.\n\n" + shifted_seed(3)
            + BAD_MASS.split("\n", 2)[2] + "\nloose words at the end\x00 with a NUL\n")
    path = write_text(tmp_path / "mixed.txt", text)
    found = {}
    for where, threshold in (("here", 1 << 62), ("aside", 0)):
        monkeypatch.setattr(INGEST, "PARSE_ASIDE_MIN_BYTES", threshold)
        [result] = store.ingest([path])
        assert result.status == "added"
        found[where] = (stored_rows(store, result.source_id), search_index_rows(store),
                        result.errors, result.entries, result.items, result.diagnostics,
                        {**(source_row(store, result.path) or {}), "ingested_at": None,
                         "id": None},
                        store.render_source(path))
        assert store.remove_source(path)
    assert found["aside"] == found["here"]
    rows, _, errors, *_ = found["here"]
    assert errors >= 1 and any(row[1] is not None for row in rows["diagnostics"])


def test_a_bad_byte_found_aside_is_the_same_error(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = row_counts(store)
    path = tmp_path / "bad-byte.txt"
    path.write_bytes(shifted_seed(200).encode() + b"1999 May 1 - . Launch Site: Ba\xffkonur.\n")
    errors = []
    for threshold in (1 << 62, 0):
        monkeypatch.setattr(INGEST, "PARSE_ASIDE_MIN_BYTES", threshold)
        with pytest.raises(SourceError) as caught:
            store.ingest([path])
        errors.append(str(caught.value))
        assert row_counts(store) == before
    assert errors[0] == errors[1] and "byte 0xff" in errors[0]


def test_a_parsing_process_that_dies_stores_nothing(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = row_counts(store)
    path = write_text(tmp_path / "big.txt", shifted_seed(200))
    monkeypatch.setattr(INGEST, "PARSE_ASIDE_MIN_BYTES", 0)

    def die(*args: object) -> None:  # runs in the forked child only
        os._exit(3)

    monkeypatch.setattr(INGEST._Batch, "add_entry", die)
    with pytest.raises(StoreError, match=r"big\.txt: error: the process working on it ended "
                       r"unexpectedly \(exit code 3\); nothing was stored"):
        store.ingest([path])
    assert row_counts(store) == before and no_orphans(store)


def test_search_documents_of_a_file_parsed_aside_are_the_sqls(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file parsed aside is searchable as one parsed here.  On PostgreSQL its items'
    search documents are computed by a connection of their own while the rows are
    copied (``SearchDocuments``): each must be exactly the document the SQL computes
    from the stored row, the launch's failure text included."""
    from kosmochron.store.search import PG_DOCUMENT

    monkeypatch.setattr(INGEST, "PARSE_ASIDE_MIN_BYTES", 0)
    path = write_text(tmp_path / "aside.txt", shifted_seed(2 * BATCH_ENTRIES // 21 + 2))
    [result] = store.ingest([path])
    assert result.items > BATCH_ENTRIES  # more than one batch
    assert {h.name for h in store.search("Spectrum")} >= {"Mars 3"}
    assert store.search("exploded")  # a failure's words, found through its payloads
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            documents, differ = conn.exec_driver_sql(
                "SELECT count(*), count(*) FILTER (WHERE item_search.document "
                f"IS DISTINCT FROM ({PG_DOCUMENT})) FROM item_search "
                "JOIN items ON items.id = item_search.item_id "
                "JOIN entries ON entries.id = items.entry_id").one()
        assert (documents, differ) == (SEED_ITEMS + result.items, 0)
