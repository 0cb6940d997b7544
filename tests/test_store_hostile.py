"""Both databases accept exactly the same inputs and answer alike (issue 16).

The hostile fixture holds what once failed: a date in 9999 and in year 1, Mars probes
dated outside DE421, a 23-digit satellite number and one of 2^31 (PostgreSQL's
integers end there), an apogee of 10^110 km, NUL characters in names, values,
narratives and the header, Rich markup, spreadsheet formulas, form feeds and line
separators.  It is ingested into SQLite and PostgreSQL, and everything the store
answers about it is compared: ingest counts, diagnostics, entries, payloads,
search, statistics, findings, transfer reasons and the source rendered back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db_support import FIXTURES, create_pg_database, drop_pg_database, pg_url
from kosmochron.export import entry_json
from kosmochron.store import Store, open_store

HOSTILE = FIXTURES / "hostile-values.txt"
pytest_plugins = ["db_support"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    name = create_pg_database()
    sqlite = tmp_path_factory.mktemp("hostile") / "kosmochron.sqlite3"
    try:
        with open_store(str(sqlite), seed_if_empty=False) as lite, \
                open_store(pg_url(name), seed_if_empty=False) as pg:
            yield {"sqlite": lite, "postgresql": pg}
    finally:
        drop_pg_database(name)


def answers(store: Store) -> dict[str, Any]:
    """Everything the store says about the hostile source, ids included."""
    (result,) = store.ingest([HOSTILE])
    source = str(HOSTILE.resolve())
    launches = store.launches(source=source, kind=None)
    details = [store.detail(s.id) for s in launches]
    payload_ids = [i for s in launches for i in s.item_ids]
    return {
        "ingest": (result.status, result.entries, result.launches, result.items,
                   result.errors, [str(d) for d in result.diagnostics]),
        "sources": [(s["path"], s["title"], s["entry_count"], s["error_count"])
                    for s in store.sources()],
        "entries": [(s.id, entry_json(s.entry), s.item_ids) for s in launches],
        "details": [([str(d) for d in d.diagnostics], d.raw) for d in details],
        "payloads": [store.payload(i) for i in payload_ids],
        # The same hits (rankings and snippets are each engine's own).
        "search": {q: sorted((h.item_id, h.name) for h in store.search(q))
                   for q in ("probe", "Markup", "nul", "name", "\x00", "line")},
        "stats": {by: [(r.key, r.launches, r.failures) for r in store.stats(by, kind=None)]
                  for by in ("family", "decade", "year", "site", "nation")},
        "entities": {k: [(e["name"], e["slug"]) for e in store.entities(k)]
                     for k in ("site", "family", "nation", "agency")},
        "findings": [f.to_json() for f in store.check_all()],
        "transfers": [store.no_transfer_reason(i) for i in payload_ids],
        "rendered": store.render_source(source),
        "lookups": [store.lookup(term) for term in ("Nul\x00name", "Nul\ufffdname", "2147483648",
                                                     "12345678901234567890123", "9999-001A")],
    }


def test_the_hostile_fixture_is_stored_alike_on_both_databases(
        stores: dict[str, Store]) -> None:
    lite, pg = answers(stores["sqlite"]), answers(stores["postgresql"])
    for key in lite:
        assert lite[key] == pg[key], key
    # and what they agree on is right:
    status, entries, _, items, errors, diagnostics = lite["ingest"]
    assert (status, entries, items) == ("added", 8, 10) and errors > 0
    assert lite["rendered"] == HOSTILE.read_bytes()  # NUL characters and all
    assert any("NUL character" in d for d in diagnostics)
    names = [p["name"] for p in lite["payloads"]]
    assert "Nul\ufffdname" in names  # values cleaned; the raw text keeps the NUL
    undated = [e for _, e, _ in lite["entries"] if e["date"]["start"] is None]
    assert [e["date"]["text"] for e in undated] == ["9999 October 10", "0001 January 1"]
    reasons = [r for r in lite["transfers"] if r and "DE421" in r]
    assert len(reasons) == 2 and all("outside DE421's 1899–2053" in r for r in reasons)


def test_stored_raw_text_with_nul_and_the_escape_character_round_trips(
        stores: dict[str, Store], tmp_path: Path) -> None:
    """The reversible escape of raw text cannot be confused by input that holds the
    escape character itself (U+10FFFE) next to NUL characters."""
    text = ("Escapes\n\n1971 May 19 - . Launch Site: A\U0010fffe0\x00\U0010fffe\U0010fffe.\n\n"
            "· P\x00\U0010fffe - . Payload: \U0010fffe0.\n")
    path = tmp_path / "escapes.txt"
    path.write_bytes(text.encode("utf-8"))
    for store in stores.values():
        store.ingest([path])
        assert store.render_source(str(path.resolve())) == text.encode("utf-8")
        (entry,) = store.launches(source=str(path.resolve()), kind=None)
        assert entry.entry.items[0].name == "P\x00\U0010fffe"  # reparsed from the raw text
