"""Identifiers to launches: what the search box, ``/launches/{any identifier}``, the
API's ``lookup`` and ``kosmochron show`` resolve.

A term is tried against an ordered table of rules, each a short function that
answers from an index; the first rule that finds anything wins:

=================  ======================================================================
rule               finds
=================  ======================================================================
id                 ``#17``, ``id:17`` (and a bare number, where numbers are entry ids)
JCAT               GCAT's catalog numbers, ``S05252``, ``A00123`` (via ``gcat_payloads``)
COSPAR             a designator in any spelling (:func:`kosmochron.designators.read_designator`):
                   the payload; a piece not stored (``1971-049F``) or no piece
                   (``1971-049``, ``1962 B IOT``, ``F601010``) finds the launch
launch tag         GCAT's launch tags, ``1960-F12``, ``1965-A245``, ``1957 ALP``
satellite number   ``5252`` (``satcat:5252``)
name               a payload's name, without case or punctuation (``mars-3``); a GCAT
                   launch's flight or mission name
=================  ======================================================================

A prefix (``cospar:``, ``jcat:``, ``tag:``, ``satcat:``, ``name:``, ``id:``) names the
rule.  Every match is reported on the page of the launch that counts: an entry
another source's entry stands for (``merged_into``, issue 11) is found as that one.
:func:`entities` finds sites, vehicles, programs, agencies … by name, for the
search page's group above its text hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..designators import launch_tag_spellings, read_designator, read_jcat
from ..suggest import fold
from .query import INT_MAX
from .schema import ENTITY_TABLES, entries, gcat_launches, gcat_links, gcat_payloads, items

#: Matches kept per rule: a term that matches more is no identifier.
CAP = 100


@dataclass(frozen=True, slots=True)
class Match:
    """A launch an identifier names: the entry whose page it is, the payload if the
    identifier names one (on that page), and which rule found it."""

    entry_id: int
    item_id: int | None
    matched_by: str


Found = list[tuple[int, int | None]]
Rule = Callable[[Connection, str], Found]


def _clean(term: str) -> str:
    return " ".join(term.replace("\x00", "").split())


def _items(conn: Connection, *conditions: sa.ColumnElement[bool]) -> Found:
    return [(e, i) for e, i in conn.execute(
        sa.select(items.c.entry_id, items.c.id).where(sa.or_(*conditions))
        .order_by(items.c.entry_id, items.c.seq).limit(CAP))]


def _launches(conn: Connection, *conditions: sa.ColumnElement[bool]) -> Found:
    return [(e, None) for (e,) in conn.execute(
        sa.select(gcat_launches.c.entry_id).where(sa.or_(*conditions),
                                                  gcat_launches.c.entry_id.is_not(None))
        .limit(CAP))]


def by_id(conn: Connection, term: str) -> Found:
    m = re.fullmatch(r"#?\s*(\d{1,10})", term)
    if m is None or int(m.group(1)) > INT_MAX:
        return []
    return [(e, None) for (e,) in conn.execute(sa.select(entries.c.id)
                                              .where(entries.c.id == int(m.group(1))))]


def by_jcat(conn: Connection, term: str) -> Found:
    jcat = read_jcat(term)
    if jcat is None:
        return []
    row = conn.execute(sa.select(gcat_payloads.c.piece, gcat_payloads.c.satcat)
                       .where(gcat_payloads.c.jcat == jcat)).first()
    if row is None:
        return []
    linked = sa.select(gcat_links.c.item_id).where(gcat_links.c.jcat == jcat)
    conditions = [items.c.id.in_(linked)]
    if row.piece:
        conditions.append(items.c.cospar_gcat == row.piece)
    if row.satcat is not None and 0 <= row.satcat <= INT_MAX:
        conditions.append(items.c.satcat == row.satcat)
    return _items(conn, *conditions)


def by_designator(conn: Connection, term: str) -> Found:
    """The payload a designator names; its launch when the piece is not stored or when
    the designator names the launch itself."""
    d = read_designator(term)
    if d is None:
        return []
    if d.gcat is not None:
        found = _items(conn, items.c.cospar_gcat == d.gcat, items.c.cospar == term)
        if found:
            return found
    return [(e, None) for e, _ in _items(conn, items.c.cospar_launch == d.launch)] \
        + _launches(conn, gcat_launches.c.tag == d.launch)


def by_launch_tag(conn: Connection, term: str) -> Found:
    spellings = launch_tag_spellings(term)
    return _launches(conn, gcat_launches.c.tag.in_(spellings)) if spellings else []


def by_satcat(conn: Connection, term: str) -> Found:
    m = re.fullmatch(r"(?:satcat|norad)?\s*:?\s*(\d{1,10})", term, re.IGNORECASE)
    if m is None or int(m.group(1)) > INT_MAX:
        return []
    return _items(conn, items.c.satcat == int(m.group(1)))


def by_name(conn: Connection, term: str) -> Found:
    key = fold(term)
    if not key:
        return []
    lowered = term.casefold()
    return _items(conn, items.c.name_key == key) + _launches(
        conn, sa.func.lower(gcat_launches.c.flight) == lowered,
        sa.func.lower(gcat_launches.c.mission) == lowered)


#: The rules in the order they are tried, by the name a match reports.
RULES: tuple[tuple[str, Rule], ...] = (
    ("id", lambda conn, term: by_id(conn, term) if term.startswith("#") else []),
    ("JCAT", by_jcat), ("COSPAR", by_designator), ("launch tag", by_launch_tag),
    ("satellite number", by_satcat), ("name", by_name))
#: ``prefix:`` -> the rule it names.
PREFIXES = {"id": ("id", by_id), "jcat": ("JCAT", by_jcat), "cospar": ("COSPAR", by_designator),
            "tag": ("launch tag", by_launch_tag), "satcat": ("satellite number", by_satcat),
            "name": ("name", by_name)}


def resolve(conn: Connection, term: str, *, numbers: str = "satcat") -> list[Match]:
    """The launches ``term`` names, each once (on the page of the entry that counts),
    by the first rule that finds any.  ``numbers="id"``: a bare number is an entry id
    before it is a satellite number (``kosmochron show 14``)."""
    term = _clean(term)
    m = re.fullmatch(r"([a-z]+):\s*(.+)", term, re.IGNORECASE)
    if m is not None and m.group(1).lower() in PREFIXES:
        rules: tuple[tuple[str, Rule], ...] = (PREFIXES[m.group(1).lower()],)
        term = m.group(2)
    elif numbers == "id":
        rules = (("id", by_id), *RULES)
    else:
        rules = RULES
    for label, rule in rules:
        found = rule(conn, term) if term else []
        if found:  # an entry asked for by its id is that entry; others are the one counted
            return _canonical(conn, found, label, follow=label != "id")
    return []


def _canonical(conn: Connection, found: Found, label: str, follow: bool = True) -> list[Match]:
    """Each launch once, as the entry that counts (unless not ``follow``); a payload
    stays named only on its own entry's page."""
    counted = dict(conn.execute(sa.select(entries.c.id, entries.c.merged_into)
                                .where(entries.c.id.in_({e for e, _ in found}))).all())
    matches: dict[int, Match] = {}
    for entry_id, item_id in found:
        if entry_id not in counted:
            continue
        target = (counted[entry_id] if follow else None) or entry_id
        kept = matches.get(target)
        if kept is None or (kept.item_id is None and target == entry_id and item_id):
            matches[target] = Match(target, item_id if target == entry_id else None, label)
    return list(matches.values())


@dataclass(frozen=True, slots=True)
class EntityMatch:
    kind: str
    id: int
    name: str
    slug: str
    #: The name is the text (case and punctuation aside), not merely contains it.
    exact: bool


def entities(conn: Connection, text: str, kinds: list[str] | None = None,
             limit: int = 12) -> list[EntityMatch]:
    """Sites, vehicles, programs, agencies … whose name is or contains ``text`` (any
    case): names equal to it first, then those that begin with it, shorter first.
    (Entity tables hold hundreds to a few thousand names: a scan is cheap.)"""
    text = _clean(text)
    key = fold(text)
    if not key:
        return []
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text.casefold()) + "%"
    found: list[tuple[tuple[int, int, int], EntityMatch]] = []
    for kind in kinds or list(ENTITY_TABLES):
        table = ENTITY_TABLES[kind]
        rows = conn.execute(sa.select(table.c.id, table.c.name, table.c.slug).where(
            sa.or_(sa.func.lower(table.c.name).like(pattern, escape="\\"),
                   table.c.slug == text.casefold())).limit(limit))
        for id_, name, slug in rows:
            folded = fold(name)
            exact = folded == key
            rank = (0 if exact else 1 if folded.startswith(key) else 2, len(name), len(found))
            found.append((rank, EntityMatch(kind, id_, name, slug, exact)))
    return [m for _, m in sorted(found, key=lambda pair: pair[0])[:limit]]
