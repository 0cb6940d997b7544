"""import-gcat into the store (kosmochron.store.gcat_import), on SQLite and PostgreSQL:
every GCAT launch becomes a launch of every view, counted as a direct count of the file
counts, idempotently and atomically, bad rows kept."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from db_support import (
    GCAT_FILES,
    GCAT_FIXTURES,
    GCAT_SAMPLE_LAUNCHES,
    SEED_LAUNCHES,
    row_counts,
    write_text,
)
from kosmochron.gcat import GcatError
from kosmochron.store import Store
from kosmochron.store.schema import gcat_files, gcat_launches, gcat_rejects, launch_links

pytest_plugins = ["db_support"]

CSV = GCAT_FIXTURES / "orbital-launches-sample.csv"


def direct_counts(column: str) -> Counter[str]:
    with CSV.open(encoding="utf-8", newline="") as f:
        return Counter(row[column] for row in csv.DictReader(f))


def facet(store: Store, name: str) -> dict[str, int]:
    return {row["value"]: row["count"]
            for row in store.facets([name])[name]}


def test_import_makes_every_gcat_launch_a_launch(store: Store) -> None:
    results = store.import_gcat_files(GCAT_FILES)
    assert [(r.kind, r.status, r.rows, r.bad_rows) for r in results] == [
        ("launch", "added", 52, 0), ("psatcat", "added", 109, 0), ("sites", "added", 12, 0),
        ("orgs", "added", 28, 0), ("lv", "added", 46, 0)]
    # Every seed launch is one of the sample's, so it is counted once, as GCAT's.
    assert store.count() == GCAT_SAMPLE_LAUNCHES
    assert facet(store, "code") == dict(direct_counts("LaunchCode"))
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(launch_links)
                            ).scalar_one() == SEED_LAUNCHES
        assert conn.execute(sa.select(sa.func.count()).select_from(gcat_launches)
                            .where(gcat_launches.c.entry_id.is_not(None))).scalar_one() == 52


def tsv(name: str) -> list[list[str]]:
    """A GCAT TSV's data rows, read plainly (independent of kosmochron.gcat)."""
    lines = (GCAT_FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def test_counts_per_state_and_family_equal_the_files(store: Store) -> None:
    store.import_gcat_files(GCAT_FILES)
    orgs = {row[0]: row for row in tsv("orgs-sample.tsv")}
    families: dict[tuple[str, str], str] = {}
    for row in tsv("lv-sample.tsv"):
        families.setdefault((row[0], row[3]), row[1].strip())
    with CSV.open(encoding="utf-8", newline="") as f:
        launches = list(csv.DictReader(f))
    by_state = Counter(orgs[orgs[r["Agency"].split("/")[0].rstrip("?")][2]][14]
                       for r in launches)
    by_family = Counter(families.get((r["LV_Type"], r["Variant"]))
                        or families[(r["LV_Type"], "-")] for r in launches)
    assert facet(store, "state") == dict(by_state)
    assert facet(store, "family") == dict(by_family)
    assert sum(by_state.values()) == GCAT_SAMPLE_LAUNCHES
    rows = {r.key: (r.launches, r.failures) for r in store.stats("code")}
    assert rows["OF40"] == (direct_counts("LaunchCode")["OF40"],) * 2
    assert rows["OS75"] == (direct_counts("LaunchCode")["OS75"], 0)


def test_an_unchanged_import_is_skipped(store: Store) -> None:
    store.import_gcat_files(GCAT_FILES)
    before, version = row_counts(store), store.version()
    again = store.import_gcat_files(GCAT_FILES)
    assert {r.status for r in again} == {"unchanged"}
    assert [r.rows for r in again] == [52, 109, 12, 28, 46]
    assert row_counts(store) == before and store.version() == version


def test_a_refused_import_changes_nothing(store: Store, tmp_path: Path) -> None:
    store.import_gcat_files(GCAT_FILES)
    before = row_counts(store)
    junk = write_text(tmp_path / "junk.tsv", "not\tgcat\n")
    with pytest.raises(GcatError, match="not a GCAT file"):
        store.import_gcat_files([GCAT_FILES[0], junk])
    with pytest.raises(GcatError, match="two launch files given"):
        store.import_gcat_files([GCAT_FILES[0], GCAT_FIXTURES / "launch-v2.tsv"])
    assert row_counts(store) == before


def test_a_newer_launch_list_replaces_the_old(store: Store, tmp_path: Path) -> None:
    store.import_gcat_files(GCAT_FILES)
    lines = CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    smaller = write_text(tmp_path / "launches.csv",
                         "".join(ln for ln in lines if not ln.startswith("1971-04")))
    (result,) = store.import_gcat_files([smaller])
    assert (result.kind, result.status, result.rows) == ("launch", "replaced", 47)
    # 1971-042, -044, -045, -048 and -049 are gone: the seed's entries of three of them
    # (Cosmos 419, Mars 2, Mars 3) count again.
    assert store.count() == 47 + 3
    assert len(store.launches(text="Spectrum")) == 1


def test_bad_rows_are_kept_with_their_diagnostics(store: Store) -> None:
    (result,) = store.import_gcat_files([GCAT_FIXTURES / "bad-launches.csv"])
    assert (result.rows, result.bad_rows, result.errors) == (3, 4, 6)
    with store.engine.connect() as conn:
        kept = conn.execute(sa.select(gcat_rejects.c.line, gcat_rejects.c.column,
                                      gcat_rejects.c.raw.is_not(None))
                            .order_by(gcat_rejects.c.line)).all()
        assert [tuple(r) for r in kept] == [(3, 31, True), (4, 21, True), (5, 112, False),
                                            (6, 84, False), (7, 1, True), (8, 1, True)]
        stored = conn.execute(sa.select(gcat_files.c.rows, gcat_files.c.bad_rows)).one()
        assert tuple(stored) == (3, 4)
    assert store.count() == SEED_LAUNCHES + 3


@pytest.mark.parametrize("name", ["launch-v2.tsv", "launch-v1.tsv", "launch-v2-no-orbpay.tsv"])
def test_gcats_own_launch_tsv_generations(store: Store, name: str) -> None:
    (result,) = store.import_gcat_files([GCAT_FIXTURES / name])
    assert result.status == "added" and result.bad_rows == 0
    sputnik = store.launches(cospar="1957 ALP", source="gcat") or \
        store.launches(date_from="1957-10-04", date_to="1957-10-04")
    (entry,) = [s.entry for s in sputnik]
    assert entry.time_utc == "19:28:34" and entry.value("Launch Tag") == "1957 ALP"
    assert entry.value("GCAT Date") == "1957 Oct 4 1928:34"


def test_removing_gcat_counts_the_seed_again(store: Store) -> None:
    store.import_gcat_files(GCAT_FILES)
    assert store.remove_source("gcat")
    assert store.count() == SEED_LAUNCHES
    assert len(store.launches(source="soviet-mars-chronology.txt")) == SEED_LAUNCHES
