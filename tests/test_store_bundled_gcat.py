"""The bundled GCAT files (kosmochron/data/gcat) as the default data, on SQLite and
PostgreSQL: after the import the counts equal a direct count of the files (7,141
launches; per state, family and launch code), every seed launch is matched to its
GCAT launch, and the reconciliation lists the seed's disagreements."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from importlib import resources

import pytest

from db_support import SEED_LAUNCHES
from kosmochron.store import Store, open_store

pytest_plugins = ["db_support"]

DATA = resources.files("kosmochron") / "data" / "gcat"


def rows(name: str) -> list[list[str]]:
    text = gzip.decompress((DATA / name).read_bytes()).decode("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and line[0] != "#"]


def launches() -> list[dict[str, str]]:
    text = gzip.decompress((DATA / "orbital-launches.csv.gz").read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def counts(store: Store, by: str) -> Counter[str]:
    """Launches per value of a statistic (every value, unlike a facet's first 50)."""
    return Counter({row.key: row.launches for row in store.stats(by)})


@pytest.fixture
def world(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("KOSMOCHRON_BUNDLED_GCAT", "1")
    return open_store(store.settings.url)


def test_the_bundled_world_counts_as_its_files(world: Store) -> None:
    listed = launches()
    assert len(listed) == world.count() == 7141
    assert counts(world, "code") == Counter(r["LaunchCode"] for r in listed)
    orgs = {r[0]: r for r in rows("orgs.tsv.gz")}
    # (A name's final period, "Cayman Is.", cannot end a chronology field: it goes.)
    states = Counter(orgs[orgs[r["Agency"].split("/")[0].rstrip("?")][2]][14].rstrip(".")
                     for r in listed)
    assert counts(world, "state") == states
    families: dict[tuple[str, str], str] = {}
    for r in rows("lv.tsv.gz"):
        families.setdefault((r[0], r[3]), r[1].strip())
    by_family = Counter(families.get((r["LV_Type"], r["Variant"]))
                        or families[(r["LV_Type"], "-")] for r in listed)
    assert counts(world, "family") == by_family
    report = world.reconcile()
    assert report["matched"] == SEED_LAUNCHES
    assert report["sources"][0]["only_here"] == []
    world.close()
