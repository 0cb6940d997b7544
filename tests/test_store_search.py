"""Full-text search: ranked hits with highlighted snippets, phrases, and user text that
must never break the query (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

import pytest

from db_support import SEED_NAME
from kosmochron.store import SearchHit, Store
from kosmochron.store.search import (
    MARK_END,
    MARK_START,
    fts5_query,
    highlight_html,
    highlight_text,
    pg_query,
    query_terms,
)

pytest_plugins = ["db_support"]

CHIP_PROBES = {"Mars 4", "Mars 5", "Mars 6", "Mars 7"}


def names(hits: list[SearchHit]) -> list[str]:
    return [h.name for h in hits]


def marked(snippet: str) -> list[str]:
    """The highlighted words of a snippet, lower-cased."""
    words = []
    rest = snippet
    while MARK_START in rest:
        _, _, rest = rest.partition(MARK_START)
        word, _, rest = rest.partition(MARK_END)
        words.append(word.lower())
    return words


def test_computer_chip_finds_the_four_1973_probes(seeded: Store) -> None:
    hits = seeded.search("computer chip")
    assert set(names(hits)) == CHIP_PROBES and len(hits) == 4
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks, reverse=True) and all(r > 0 for r in ranks)
    by_entry = {s.id: s for s in seeded.launches(date_from="1973", date_to="1973")}
    for hit in hits:
        assert hit.entry_id in by_entry
        stored = by_entry[hit.entry_id]
        assert hit.date_text == stored.entry.date.text
        assert stored.item_ids == [hit.item_id]
        words = marked(hit.snippet)
        assert words and set(words) <= {"computer", "chip", "chips"}, hit.snippet
        assert "computer" in words
        assert MARK_START not in hit.snippet_text() and "«computer»" in hit.snippet_text()
        assert "<mark>computer</mark>" in hit.snippet_html()


def test_hits_rank_by_relevance(seeded: Store) -> None:
    # Mars 4 says 'chips' twice; the name field weighs most.
    assert seeded.search("computer chip")[0].name == "Mars 4"
    zond = seeded.search("Zond")
    assert names(zond)[:2] in (["Zond 2", "Zond 3"], ["Zond 3", "Zond 2"])
    assert [h.name for h in seeded.search("Phobos")][:2] in (["Phobos 1", "Phobos 2"],
                                                             ["Phobos 2", "Phobos 1"])


def test_phrases_keep_their_words_together(seeded: Store) -> None:
    assert set(names(seeded.search('"computer chip"'))) == CHIP_PROBES
    assert names(seeded.search('"Cuban missile crisis"')) == ["Sputnik 22"]
    assert names(seeded.search("Cuban crisis")) == ["Sputnik 22"]
    assert seeded.search('"Cuban crisis"') == []
    assert seeded.search('"chip computer"') == []
    assert set(names(seeded.search("chip computer"))) == CHIP_PROBES
    assert names(seeded.search('"heavily cratered" lunar')) == ["Zond 3"]


def test_words_are_stemmed(seeded: Store) -> None:
    assert set(names(seeded.search("computer chips"))) == CHIP_PROBES
    assert "Mars 4" in names(seeded.search("degraded"))  # degradation


def test_failure_texts_and_summaries_are_searched(seeded: Store) -> None:
    # 'turbopump' occurs only in the FAILURE header field of 1962 October 24.
    [hit] = seeded.search("turbopump")
    assert hit.name == "Sputnik 22" and hit.date_text == "1962 October 24"
    assert marked(hit.snippet) == ["turbopump"]
    # 'Cosmos-51' occurs only in the Summary field of Cosmos 21.
    assert names(seeded.search("Cosmos-51")) == ["Cosmos 21"]
    assert names(seeded.search("Spectrum")) == ["Mars 3"]


def test_nonsense_finds_nothing(seeded: Store) -> None:
    assert seeded.search("zzyzx qwertyuiop") == []
    assert seeded.search("computer zzyzx") == []  # every word must occur
    assert seeded.search("") == [] and seeded.search("   ") == []
    assert seeded.count(text="zzyzx") == 0


def test_operators_are_plain_words_on_both_databases(seeded: Store) -> None:
    chips = set(names(seeded.search("Mars chip")))
    assert chips == CHIP_PROBES
    assert set(names(seeded.search("Mars -chip"))) == chips
    assert set(names(seeded.search("Mars OR chip"))) == chips
    assert set(names(seeded.search("chip AND computer"))) == CHIP_PROBES
    assert set(names(seeded.search("chip NOT computer"))) == CHIP_PROBES
    assert seeded.count(text="Mars or chip") == 4


HOSTILE = ['"', '""', '"""', "'", "AND", "OR", "NOT", "AND OR NOT", "*", "chip*", "NEAR(",
           "NEAR(computer chip, 2)", "(", ")", "()", ":", "name:Mars", "{name}: Mars", "^",
           "-", "--", "+", "!", "&", "|", "<->", "!!", "&&", "@@", "\\", "%", "_", "\x00",
           "chip\x00computer", '"computer\x00 chip"', "'; DROP TABLE items; --",
           '"a" "', "😀", "火星", "x" * 5000, "computer " * 300, "\t\n", "\u202e", "NULL",
           "1962-B-Iota-1", "1971-045A", "100%", "a:b:c", "-computer", '"-"']


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(seeded: Store, text: str) -> None:
    hits = seeded.search(text)
    assert all(isinstance(h, SearchHit) for h in hits)
    assert seeded.count(text=text) == len(seeded.launches(text=text))
    assert seeded.count(kind=None, text=text) >= len({h.entry_id for h in hits}) or not hits


def test_hostile_text_that_still_means_something(seeded: Store) -> None:
    assert names(seeded.search("NEAR(")) == names(seeded.search("near"))
    assert set(names(seeded.search("chip\x00computer"))) <= CHIP_PROBES
    assert set(names(seeded.search('"computer\x00 chip"'))) == CHIP_PROBES
    assert set(names(seeded.search("chip*"))) == CHIP_PROBES
    assert seeded.search("'; DROP TABLE items; --") == []
    assert seeded.count() == 21  # and nothing was dropped


def test_paging_through_hits(seeded: Store) -> None:
    everything = seeded.search("Mars", limit=100)
    assert len(everything) == 18  # the payloads whose texts say 'Mars'
    assert len({h.item_id for h in everything}) == 18
    pages = [seeded.search("Mars", limit=5, offset=k) for k in range(0, 20, 5)]
    assert [len(page) for page in pages] == [5, 5, 5, 3]
    assert [h.item_id for page in pages for h in page] == [h.item_id for h in everything]
    assert seeded.search("Mars", limit=5, offset=18) == []
    assert seeded.search("Mars") == everything  # the default limit is 20
    assert len(seeded.search("Mars", limit=10)) == 10


def test_text_filter_agrees_with_search(seeded: Store) -> None:
    for text in ("computer chip", '"Cuban missile crisis"', "Proton", "Phobos", "Zond"):
        entry_ids = {h.entry_id for h in seeded.search(text, limit=1000)}
        assert {s.id for s in seeded.launches(text=text, kind=None)} == entry_ids, text
        assert seeded.count(text=text, source=SEED_NAME) == len(entry_ids)


def test_query_translation() -> None:
    assert query_terms('computer "chip failure" AND -x or') == ["computer", "chip failure", "-x"]
    assert query_terms("a\x00b") == ["ab"]
    assert fts5_query('say "hi" NEAR( 5"') == '"say" "hi" "NEAR(" "5"""'
    assert pg_query('say "hi" -no or "x"y"') == '"say" "hi" "-no" "x" "y "'
    assert fts5_query("AND OR NOT") == pg_query("and or not") == ""


def test_highlighting() -> None:
    snippet = f"a <b> & {MARK_START}chip{MARK_END} c"
    assert highlight_html(snippet) == "a &lt;b&gt; &amp; <mark>chip</mark> c"
    assert highlight_text(snippet) == "a <b> & «chip» c"
    assert highlight_text(snippet, "[", "]") == "a <b> & [chip] c"
