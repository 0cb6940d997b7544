"""Identifiers to launches (kosmochron.store.lookup), on SQLite and PostgreSQL: the seed
alone, and the seed with GCAT's sample files (each seed launch then counts as GCAT's,
so every identifier leads to the GCAT entry that stands for both)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from db_support import GCAT_FILES, SEED_NAME
from kosmochron.store import QueryError, Store
from kosmochron.store.schema import entries, items, sources

pytest_plugins = ["db_support"]

MIGRATION = "kosmochron.migrations.versions.0006_item_identifier_keys"


def entry_with(store: Store, payload: str, source: str = SEED_NAME) -> int:
    """The entry of ``source`` with a payload called ``payload``."""
    with store.engine.connect() as conn:
        return int(conn.execute(
            sa.select(items.c.entry_id).join(entries, entries.c.id == items.c.entry_id)
            .join(sources, sources.c.id == entries.c.source_id)
            .where(items.c.name == payload, sources.c.path == source).limit(1)).scalar_one())


def item_with(store: Store, payload: str, entry_id: int) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(items.c.id).where(
            items.c.name == payload, items.c.entry_id == entry_id)).scalar_one())


@pytest.fixture(scope="module")
def world(seeded: Store) -> Iterator[Store]:
    """The seed and GCAT's sample launches, payloads, sites, vehicles and organisations."""
    seeded.import_gcat_files(GCAT_FILES)
    yield seeded


# -- the seed alone ----------------------------------------------------------------


@pytest.mark.parametrize(("term", "payload", "on_payload", "rule"), [
    ("1971-049A", "Mars 3", True, "COSPAR"), ("1971-49a", "Mars 3", True, "COSPAR"),
    ("1971-049", "Mars 3", False, "COSPAR"), ("1971-049F", "Mars 3", False, "COSPAR"),
    ("1962-B-Iota-1", "Sputnik 22", True, "COSPAR"), ("1962 B IOT 1", "Sputnik 22", True, "COSPAR"),
    ("1962 Beta Iota 1", "Sputnik 22", True, "COSPAR"),
    ("1962 b iot", "Sputnik 22", False, "COSPAR"),
    ("F601010A", "Mars probe 1M s/n 1 failure", True, "COSPAR"),
    ("f601010", "Mars probe 1M s/n 1 failure", False, "COSPAR"),
    ("1988-058xx", "1F DPS", True, "COSPAR"),
    ("5252", "Mars 3", True, "satellite number"), ("satcat:443", "Sputnik 22", True,
                                                    "satellite number"),
    ("Mars 3", "Mars 3", True, "name"), ("MARS-3", "Mars 3", True, "name"),
    ("mars-96 (mars 8)", "Mars-96 (Mars 8)", True, "name"),
])
def test_each_identifier_finds_its_launch(seeded: Store, term: str, payload: str,
                                          on_payload: bool, rule: str) -> None:
    (match,) = seeded.resolve(term)
    entry_id = entry_with(seeded, payload)
    assert (match.entry_id, match.matched_by) == (entry_id, rule)
    assert match.item_id == (item_with(seeded, payload, entry_id) if on_payload else None)


def test_ids_and_numbers(seeded: Store) -> None:
    mars3 = entry_with(seeded, "Mars 3")
    assert [m.entry_id for m in seeded.resolve(f"#{mars3}")] == [mars3]
    assert [m.entry_id for m in seeded.resolve(f"id:{mars3}")] == [mars3]
    # A bare number is a satellite number in a search, an entry id for `show`.
    assert seeded.resolve("3") == []
    assert [m.entry_id for m in seeded.resolve("3", numbers="id")] == [3]
    assert [m.entry_id for m in seeded.resolve("5252", numbers="id")] == [mars3]


def test_a_name_several_launches_share_lists_each(seeded: Store) -> None:
    found = seeded.resolve("1F DPS")
    assert len(found) == 2 and {m.matched_by for m in found} == {"name"}


@pytest.mark.parametrize("term", ["Mars", "zzz", "1999-999A", "F991231A", "99999", "", "  ",
                                  "\x00", "name:", "%", "S99999", "1960-F99"])
def test_what_names_nothing_finds_nothing(seeded: Store, term: str) -> None:
    assert seeded.resolve(term) == []


def test_entities_by_name(seeded: Store) -> None:
    found = seeded.find_entities("baikonur")
    assert (found[0].kind, found[0].name, found[0].exact) == ("site", "Baikonur", True)
    assert {m.kind for m in found[1:]} == {"complex"}
    assert [(m.kind, m.name) for m in seeded.find_entities("Mars")][:2] == [
        ("program", "Mars"), ("type", "Mars probe")]
    assert [m.name for m in seeded.find_entities("proton-k")][:1] == ["Proton-K/D"]
    assert seeded.find_entities("Baikonur", kinds=["site"])[0].name == "Baikonur"
    assert seeded.find_entities("%") == [] and seeded.find_entities("") == []


def test_show_takes_any_identifier(seeded: Store) -> None:
    """``kosmochron show``: any identifier, else the start of one payload's name."""
    assert seeded.get("1962 B IOT 1").stored.entry.items[0].name == "Sputnik 22"
    assert seeded.get("f601010a").stored.entry.items[0].name.startswith("Mars probe 1M")
    assert seeded.get("Mars-96").stored.entry.items[0].name == "Mars-96 (Mars 8)"
    with pytest.raises(QueryError, match="2 launches match 'Phobos'"):
        seeded.get("Phobos")


def test_the_migration_fills_the_keys_of_stored_payloads(store: Store) -> None:
    """0006 adds ``cospar_launch`` and ``name_key`` and fills them for rows ingested
    before it; ingest fills them since."""
    with store.engine.begin() as conn:
        conn.execute(sa.update(items).values(cospar_launch=None, name_key=None))
        module = __import__(MIGRATION, fromlist=["_fill"])
        with Operations.context(MigrationContext.configure(conn)):
            module._fill()
    with store.engine.connect() as conn:
        rows = dict(conn.execute(sa.select(items.c.cospar, items.c.cospar_launch)
                                 .where(items.c.cospar.is_not(None))).all())
        keys = dict(conn.execute(sa.select(items.c.name, items.c.name_key)).all())
    assert rows["1962-B-Iota-1"] == "1962 B IOT" and rows["F601010A"] == "F601010"
    assert rows["1971-049A"] == "1971-049" and rows["1988-058xx"] == "1988-058"
    assert keys["Mars-96 (Mars 8)"] == "mars96mars8"


# -- with GCAT: one launch, two sources -----------------------------------------------


@pytest.mark.parametrize(("term", "tag", "rule"), [
    ("1971-049A", "1971-049", "COSPAR"), ("1971-049", "1971-049", "COSPAR"),
    ("S05252", "1971-049", "JCAT"), ("jcat:s5252", "1971-049", "JCAT"),
    ("5252", "1971-049", "satellite number"), ("Mars 3", "1971-049", "name"),
    ("1962-B-Iota-1", "1962 B IOT", "COSPAR"), ("1962 B IOT", "1962 B IOT", "COSPAR"),
    ("F601010A", "1960-F12", "COSPAR"), ("1960-F12", "1960-F12", "launch tag"),
    ("1960 f12", "1960-F12", "launch tag"), ("tag:1960-F12", "1960-F12", "launch tag"),
    ("1957 ALP 2", "1957 ALP", "COSPAR"), ("First Sputnik", "1957 ALP", "name"),
])
def test_identifiers_lead_to_the_launch_that_counts(world: Store, term: str, tag: str,
                                                    rule: str) -> None:
    (match,) = world.resolve(term)
    assert match.matched_by == rule
    detail = world.detail(match.entry_id)
    assert detail.stored.source == "gcat" and detail.stored.entry.value("Launch Tag") == tag


def test_an_entry_asked_for_by_id_is_that_entry(world: Store) -> None:
    seed_mars3 = entry_with(world, "Mars 3")
    assert [m.entry_id for m in world.resolve(f"#{seed_mars3}")] == [seed_mars3]
    (by_cospar,) = world.resolve("1971-049A")
    assert by_cospar.entry_id != seed_mars3  # the GCAT entry counts for both
