"""Queries: filtered launch lists, one launch in full, statistics.

Filters are a :class:`LaunchFilter`, turned into SQLAlchemy Core expressions
that mean the same on SQLite and PostgreSQL.  Dates are vague-date aware: an
entry matches ``--from/--to`` when the interval its date denotes overlaps the
requested one, so ``--from 1971-05-15`` finds a ``1971 May`` entry.
Launches come back as model :class:`~kosmochron.model.Entry` objects, re-parsed
from the stored raw text so they are exactly what the parser produced.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from array import array
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles

from ..dates import DateBoundError, parse_date_bound
from ..designators import read_designator
from ..model import Diagnostic, Entry
from ..parser import ParseState, parse_lines, split_lines
from ..stats import jeffreys_interval, wilson_interval
from ..suggest import did_you_mean, nearest
from . import search
from .db import QueryError as QueryError
from .launch_agency import agency_dimension, launch_agencies
from .schema import (
    ENTITY_TABLES,
    agencies,
    configurations,
    diagnostics,
    entries,
    gcat_launches,
    gcat_links,
    gcat_payloads,
    items,
    lv_families,
    nations,
    programs,
    sites,
    sources,
    states,
    vehicles,
    with_sources,
)

#: Undated entries come last either way, on SQLite as on PostgreSQL.
ORDERINGS = {"date": (entries.c.date_start.asc().nulls_last(), entries.c.id),
             "-date": (entries.c.date_start.desc().nulls_last(), entries.c.id.desc()),
             "id": (entries.c.id,), "-id": (entries.c.id.desc(),)}


def _column_orderings() -> dict[str, tuple[Any, ...]]:
    """The table view's sortable columns, each up and down (``-``), date order within:
    a launch's first payload's name, its vehicle, site, outcome and designator (the
    launch part, in GCAT's spelling).  Correlated lookups by primary key or by
    ``ix_items_entry``, so no join changes what a filter counts."""
    first_item = (sa.select(items.c.name).where(items.c.entry_id == entries.c.id)
                  .order_by(items.c.seq).limit(1).scalar_subquery())
    designator = (sa.select(sa.func.min(items.c.cospar_launch))
                  .where(items.c.entry_id == entries.c.id).scalar_subquery())
    keys = {"name": first_item,
            "vehicle": sa.select(vehicles.c.name).where(vehicles.c.id == entries.c.vehicle_id)
            .scalar_subquery(),
            "site": sa.select(sites.c.name).where(sites.c.id == entries.c.site_id)
            .scalar_subquery(),
            "outcome": entries.c.outcome, "designator": designator}
    found: dict[str, tuple[Any, ...]] = {}
    for name, key in keys.items():
        found[name] = (key.asc().nulls_last(), *ORDERINGS["date"])
        found[f"-{name}"] = (key.desc().nulls_last(), *ORDERINGS["date"])
    return found


ORDERINGS.update(_column_orderings())
STAT_DIMENSIONS = ("family", "vehicle", "configuration", "site", "program", "nation", "agency",
                   "decade", "year", "state", "code", "variant")


class year_of(sa.sql.functions.GenericFunction[int]):
    """The year of a date column as an integer: ``EXTRACT(year FROM d)``, and in SQLite
    (dates stored as ISO text) the first four characters: ``STRFTIME`` parsed every date
    of a 100,000-launch scan, three times slower."""

    type = sa.Integer()
    inherit_cache = True


@compiles(year_of)
def _year_of(element: year_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(year FROM {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(year_of, "sqlite")
def _year_of_sqlite(element: year_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 1, 4) AS INTEGER)"


class UnknownValue(QueryError):
    """A filter value that names nothing stored (``--family Protn``), with the known
    values nearest to it.  A known value that matches nothing is not an error: its
    result is empty."""

    def __init__(self, field: str, value: str, suggestions: list[str], what: str,
                 known: int | None = None, expected: str | None = None) -> None:
        hint = did_you_mean(suggestions) or (
            "" if known is None else f"; none of the {known:,} stored is close"
            if known else "; none is stored")
        super().__init__(f"bad {what} {value!r}: expected {expected}{hint}" if expected
                         else f"unknown {what} {value!r}{hint}")
        #: The :class:`LaunchFilter` field (or other parameter) the value was given for.
        self.field = field
        self.value = value
        self.suggestions = suggestions


def choice_error(what: str, value: str, known: Sequence[str]) -> QueryError:
    """``bad ordering 'dat': expected one of date, -date, id or -id; did you mean 'date'?``"""
    return QueryError(f"bad {what} {value!r}: expected one of {', '.join(known)}"
                      f"{did_you_mean(nearest(value, known, 3))}")


#: A name filter: one name (or slug), or several of which an entry matches any.
Names = str | tuple[str, ...] | None


@dataclass(slots=True)
class LaunchFilter:
    """What ``kosmochron launches`` and ``GET /launches`` filter on; None = any."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    site: Names = None
    complex: Names = None
    family: Names = None
    vehicle: Names = None
    configuration: Names = None
    program: Names = None
    nation: Names = None
    agency: Names = None
    #: A payload's spacecraft type (the ``type`` entities).
    type: Names = None
    #: The launching state (GCAT: its agency's state), e.g. ``USSR``.
    state: Names = None
    #: GCAT's launch code, e.g. ``OF40``.
    launch_code: str | None = None
    outcome: Literal["success", "failure"] | None = None
    failed_stage: Names = None
    cospar: str | None = None
    satcat: int | None = None
    text: str | None = None
    kind: Literal["launch", "event"] | None = "launch"
    source: str | None = None

    def key(self) -> tuple[Any, ...]:
        """The filter as a hashable value (for keeping answers per filter)."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def launches_key(self) -> tuple[Any, ...]:
        """:meth:`key` for answers that count launches whatever ``kind`` says (the
        statistics): a page and its figures asking with and without ``kind`` share
        one answer rather than scan the same launches twice."""
        return replace(self, kind="launch").key()

    @classmethod
    def from_options(cls, **options: Any) -> LaunchFilter:
        """Build from keyword options, parsing ``date_from``/``date_to`` text."""
        names = {f.name for f in fields(cls)}
        unknown = set(options) - names
        if unknown:
            raise QueryError(f"unknown filter {sorted(unknown)[0]!r}; known: "
                             f"{', '.join(sorted(names))}")
        for key, end in (("date_from", False), ("date_to", True)):
            if isinstance(options.get(key), str):
                try:
                    options[key] = parse_date_bound(options[key], end=end)
                except DateBoundError as exc:
                    raise QueryError(str(exc)) from None
        outcome = options.get("outcome")
        if outcome not in (None, "success", "failure"):
            raise UnknownValue("outcome", str(outcome), nearest(str(outcome), OUTCOMES),
                               "outcome", expected="success or failure")
        if options.get("text"):  # each term once, at most MAX_TERMS (TooManyTerms)
            options["text"] = search.normalise(options["text"])
        return cls(**options)


def _text(value: str) -> str:
    """User text as a query parameter: PostgreSQL text cannot hold NUL characters."""
    return value.replace("\x00", "")


#: The largest value of an INTEGER column (ids, satellite numbers) on either database.
INT_MAX = 2**31 - 1


def _integer(value: str) -> int | None:
    """A decimal number that an INTEGER column can hold, else None."""
    return int(value) if value.isdecimal() and len(value) <= 10 and int(value) <= INT_MAX \
        else None


def names(value: Names) -> tuple[str, ...]:
    """The names of a name filter (none for None)."""
    return () if value is None else (value,) if isinstance(value, str) else tuple(value)


#: What a filter field names, in messages.
WHAT = {"site": "launch site", "complex": "launch complex", "family": "LV family",
        "vehicle": "launch vehicle", "configuration": "LV configuration", "program": "program",
        "nation": "nation", "agency": "agency", "type": "spacecraft type",
        "failed_stage": "failed stage", "source": "source", "state": "launching state"}
OUTCOMES = ("success", "failure")
_STAGE = re.compile(r"\d|[A-Z]")


def entity_ids(conn: Connection, field: str, table: sa.Table, value: Names) -> list[int]:
    """The ids of the entities ``value`` names (each name in any case, or a slug), read
    first so that the filter's query carries them as values: PostgreSQL's planner then
    knows from its statistics how many rows they match (from a subquery it guessed 1,727
    payloads of a program with 138,090 and read them with 100,000 index lookups).
    :class:`UnknownValue`, with the nearest names, for a name that names none.  (Entity
    tables are small: a few thousand names at most.)"""
    wanted = [_text(v).lower() for v in names(value)]
    found = conn.execute(sa.select(table.c.id, sa.func.lower(table.c.name), table.c.slug)
                         .where(sa.or_(sa.func.lower(table.c.name).in_(wanted),
                                       table.c.slug.in_(wanted)))).all()
    matched = {key for _, name, slug in found for key in (name, slug)}
    for name in filter(None, names(value)):
        if _text(name).lower() not in matched:
            known = conn.execute(sa.select(table.c.name)).scalars().all()
            raise UnknownValue(field, name, nearest(name, known), WHAT[field], len(known))
    return sorted({id_ for id_, _, _ in found})


def _check_values(conn: Connection, f: LaunchFilter) -> None:
    """The stages and the source a filter names exist (any well-formed stage does)."""
    for stage in names(f.failed_stage):
        if stage and not _STAGE.fullmatch(stage):
            stored = [s for s in conn.execute(sa.select(entries.c.failed_stage).distinct())
                      .scalars() if s is not None]
            if stage not in stored:
                raise UnknownValue("failed_stage", stage, nearest(stage, stored),
                                   "failed stage", expected="a stage number such as 3 or a "
                                   "letter such as S")
    if f.source is not None:
        paths = conn.execute(sa.select(sources.c.path)).scalars().all()
        if _text(f.source) not in paths:
            raise UnknownValue("source", f.source, nearest(f.source, paths), "source",
                               len(paths))


def cospar_condition(value: str) -> sa.ColumnElement[bool]:
    """Payloads with a designator in any spelling: as written, normalized or GCAT's, or
    read leniently (``1971 49 a``, ``1962 beta iota 1``, ``f601010a``:
    :func:`kosmochron.designators.read_designator`); a designator without a piece
    (``1971-049``, ``1962 B IOT``) is every payload of its launch.  Index-backed."""
    value = _text(value)
    conditions = [items.c.cospar == value, items.c.cospar_normalized == value,
                  items.c.cospar_gcat == value]
    d = read_designator(value)
    if d is not None:
        conditions.append(items.c.cospar_gcat == d.gcat if d.gcat is not None
                          else items.c.cospar_launch == d.launch)
    return sa.or_(*conditions)


#: Entity table name -> the filter field that names it.
_FIELDS = {table.name: kind for kind, table in ENTITY_TABLES.items()}


def where(conn: Connection, f: LaunchFilter, *,
          by_kind: bool = True) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of a filter over ``entries``; ``by_kind=False``: where the
    entries' kind is all that narrows them, SQLite may not choose an index by it
    (:func:`_kind_clause`)."""
    c = entries.c
    clauses: list[sa.ColumnElement[bool]] = []
    _check_values(conn, f)
    kind = _kind_clause(c.kind, f)
    if kind is not None:
        clauses.append(kind)
    if f.date_from:
        clauses.append(c.date_end >= f.date_from)
    if f.date_to:
        clauses.append(c.date_start <= f.date_to)
    for column, table, value in ((c.site_id, ENTITY_TABLES["site"], f.site),
                                 (c.complex_id, ENTITY_TABLES["complex"], f.complex),
                                 (c.lv_family_id, ENTITY_TABLES["family"], f.family),
                                 (c.vehicle_id, ENTITY_TABLES["vehicle"], f.vehicle),
                                 (c.configuration_id, ENTITY_TABLES["configuration"],
                                  f.configuration),
                                 (c.state_id, ENTITY_TABLES["state"], f.state)):
        if value:
            clauses.append(column.in_(entity_ids(conn, _FIELDS[table.name], table, value)))
    item_clauses: list[sa.ColumnElement[bool]] = []
    for column, table, value in ((items.c.program_id, ENTITY_TABLES["program"], f.program),
                                 (items.c.nation_id, ENTITY_TABLES["nation"], f.nation),
                                 (items.c.type_id, ENTITY_TABLES["type"], f.type)):
        if value:
            item_clauses.append(column.in_(entity_ids(conn, _FIELDS[table.name], table, value)))
    if f.agency:  # the launching agency, else the payloads' (launch_agency.py)
        launched = launch_agencies(entity_ids(conn, "agency", agencies, f.agency),
                                   own=bool(f.source))
        clauses.append(c.id.in_(sa.select(launched.c.entry_id)))
    if f.cospar:
        item_clauses.append(cospar_condition(f.cospar))
    if f.satcat is not None:
        item_clauses.append(items.c.satcat == f.satcat if abs(f.satcat) <= INT_MAX
                            else sa.false())
    if item_clauses:
        clauses.append(c.id.in_(_counted(conn, sa.select(items.c.entry_id)
                                         .where(*item_clauses), bool(f.source))))
    if f.outcome:
        clauses.append(c.outcome == f.outcome)
    if f.failed_stage:
        clauses.append(c.failed_stage.in_([_text(s) for s in names(f.failed_stage)]))
    if f.launch_code:
        clauses.append(c.launch_code == _text(f.launch_code))
    if f.text:
        kept = KEPT_TEXT_IDS.get()
        clauses.append(c.id.in_(_counted(conn, search.matching_entry_ids(conn, f.text),
                                         bool(f.source)))
                       if kept is None else
                       _among(conn, c.id, kept(conn, f.text, bool(f.source))))
    if f.source:
        clauses.append(c.source_id.in_(sa.select(sources.c.id)
                                       .where(sources.c.path == _text(f.source))))
    if not by_kind and len(clauses) == 1 and clauses[0] is kind \
            and f.kind in (None, "launch") and conn.dialect.name == "sqlite":
        # Launches are the bulk of any chronology, yet SQLite's planner took
        # ``kind = 'launch'`` for the most selective term of a facet and read every
        # launch's row to find, say, its vehicle (182 ms on 100,000 launches), where the
        # vehicle's own index, which holds the kind, answers alone (7.5 ms).  Written
        # ``kind || ''``, the kind cannot choose an index.  Only for queries grouped by
        # such an index, and only when nothing else narrows the entries.
        unindexed = _kind_clause(c.kind.op("||")(""), f)
        assert unindexed is not None  # the same filter's kind as ``kind``
        return [unindexed]
    return clauses


def _kind_clause(kind: sa.ColumnElement[Any], f: LaunchFilter) -> sa.ColumnElement[bool] | None:
    """What a filter's kind keeps (``kind``: the column, or an expression of it)."""
    if f.kind == "launch" and f.source:
        # One source's own launches, those another source's entry counts for included.
        return kind.in_(["launch", "merged"])
    if f.kind:
        return kind == f.kind
    if not f.source:  # every entry, each launch once
        return kind != "merged"
    return None


def _any_merged(conn: Connection) -> bool:
    """Whether any entry is merged into another's (an index lookup)."""
    return conn.execute(sa.select(entries.c.id).where(entries.c.merged_into.is_not(None))
                        .limit(1)).first() is not None


#: Aliases made once: each new alias of a table builds a proxy of every column (3 ms
#: for ``entries``, a dozen times a page).
_TOLD_BY = entries.alias("told_by")
_VARIANT_OF = gcat_launches.alias("variant_of")
_SCORED = gcat_launches.alias("scored")


#: Set while a server's store computes an answer (:meth:`Store._remember`): the entry
#: ids a text filter stands for, found once per data version (:func:`text_entry_ids`)
#: rather than by each of a page's dozen statements: matching a common word took
#: PostgreSQL 136 ms each time on 100,000 launches, and the page's first view ran past
#: its 2 s budget.  Called with (connection, text, one source's own entries only).
KEPT_TEXT_IDS: ContextVar[Callable[[Connection, str, bool], Sequence[int]] | None] = \
    ContextVar("kosmochron_kept_text_ids", default=None)


def text_entry_ids(conn: Connection, text: str, own: bool) -> array[int]:
    """The ids of the entries a text filter keeps (those another source's matching entry
    counts for too, unless ``own``), in order."""
    hits = _counted(conn, search.matching_entry_ids(conn, text), own).subquery()
    return array("q", conn.execute(sa.select(hits.c[0]).distinct().order_by(hits.c[0]))
                 .scalars())


def _among(conn: Connection, column: sa.ColumnElement[int],
           ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """``column`` is one of ``ids`` (a list of any length, sent as one value)."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids),
                                              type_=postgresql.ARRAY(sa.Integer)))
    values = sa.func.json_each(sa.bindparam(None, json.dumps(list(ids)))).table_valued("value")
    return column.in_(sa.select(values.c.value))


def _counted(conn: Connection, ids: Any, own: bool) -> Any:
    """Entry ids that ``ids`` (a subquery) stand for: an entry another source's entry
    counts for (``merged``) stands for that one too, so a text or payload filter finds
    a launch through either source's text and payloads (not when the filter keeps one
    source's ``own`` entries).  Where no entry is merged
    into another, ``ids`` as they are: PostgreSQL's planner cannot tell how many ids
    the union holds (it guessed 200 of 100,000 and looked each launch up in turn:
    360 ms a statement for a program of the 100,000-launch corpus, 100 ms without)."""
    if own or not _any_merged(conn):
        return ids
    hit = ids.subquery()
    other = _TOLD_BY
    # UNION ALL (membership needs no duplicates removed: UNION sorted 100,000 ids), and
    # the few merged entries found by their index and then looked up in ``ids`` (the
    # ``+ 0`` keeps SQLite from instead looking every id of ``ids`` up in entries): a
    # filter over every launch of the 100,000-launch corpus took 90-130 ms, now 37 ms.
    return sa.union_all(sa.select(hit.c[0]),
                        sa.select(other.c.merged_into).where(
                            other.c.merged_into.is_not(None),
                            (other.c.id + 0).in_(sa.select(hit.c[0]))))


@dataclass(slots=True)
class StoredEntry:
    """A launch or event from the database: its id and source, and the model entry."""

    id: int
    source: str
    entry: Entry
    item_ids: list[int] = field(default_factory=list)


def reparse(raw: str, source: str, first_line: int) -> Entry:
    """The model entry of stored raw text, with its original line numbers."""
    state = ParseState(source)
    for node in parse_lines(split_lines(raw), source, state, first_line):
        if isinstance(node, Entry):
            return node
    raise QueryError(f"{source}:{first_line}: stored entry text does not parse as an entry")


#: How stored text becomes an entry: :func:`reparse`, or a cache of it.
Parse = Callable[[str, str, int], Entry]


def launch_rows(conn: Connection, f: LaunchFilter, order: str = "date",
                limit: int | None = None, offset: int = 0) -> list[tuple[int, str, int, str]]:
    """(id, source path, first line, raw text) of the matching entries, in order."""
    if order not in ORDERINGS:
        raise choice_error("ordering", order, list(ORDERINGS))
    query = (sa.select(entries.c.id, sources.c.path, entries.c.line, entries.c.raw)
             .join(sources, sources.c.id == entries.c.source_id))
    if limit is None:
        query = query.where(*where(conn, f)).offset(offset)
    else:
        # The page's ids first, then its rows: sorting the ids alone can use a covering
        # index, where sorting the rows reads every match's row (a page of Proton
        # failures out of 100,000 launches: 4x faster).
        page = (sa.select(entries.c.id).where(*where(conn, f)).order_by(*ORDERINGS[order])
                .offset(offset).limit(limit).correlate(None))
        query = query.where(entries.c.id.in_(page))
    return [(id_, path, line, raw) for id_, path, line, raw
            in conn.execute(query.order_by(*ORDERINGS[order]))]


def ordered_ids(conn: Connection, f: LaunchFilter, order: str = "date",
                limit: int | None = None, offset: int = 0) -> array[int]:
    """The ids of every matching entry in ``order`` (or of one page): what
    :func:`launch_rows` pages through, for a caller that keeps it and pages by slicing."""
    if order not in ORDERINGS:
        raise choice_error("ordering", order, list(ORDERINGS))
    return array("q", conn.execute(sa.select(entries.c.id).where(*where(conn, f))
                                   .order_by(*ORDERINGS[order]).limit(limit)
                                   .offset(offset or None)).scalars())


def rows_by_id(conn: Connection, ids: Sequence[int]) -> list[tuple[int, str, int, str]]:
    """:func:`launch_rows`' rows of these entries, in the order of ``ids``."""
    if not ids:
        return []
    found = {row[0]: (row[0], row[1], row[2], row[3]) for row in conn.execute(
        sa.select(entries.c.id, sources.c.path, entries.c.line, entries.c.raw)
        .select_from(with_sources(entries))
        .where(entries.c.id.in_(list(ids))))}
    return [found[i] for i in ids if i in found]


def launches(conn: Connection, f: LaunchFilter, order: str = "date", limit: int | None = None,
             offset: int = 0, parse: Parse = reparse) -> list[StoredEntry]:
    return stored_entries(conn, launch_rows(conn, f, order, limit, offset), parse)


def stored_entries(conn: Connection, rows: list[tuple[int, str, int, str]],
                   parse: Parse = reparse) -> list[StoredEntry]:
    """Rows of :func:`launch_rows` as entries with their item ids."""
    found = [StoredEntry(id_, path, parse(raw, path, line)) for id_, path, line, raw in rows]
    _attach_item_ids(conn, found)
    return found


def item_ids(conn: Connection, entry_ids: list[int]) -> dict[int, list[int]]:
    """Each entry's item ids in source order (entries without items are absent)."""
    found: dict[int, list[int]] = {}
    if entry_ids:
        rows = conn.execute(sa.select(items.c.entry_id, items.c.id)
                            .where(items.c.entry_id.in_(entry_ids))
                            .order_by(items.c.entry_id, items.c.seq))
        for entry_id, item_id in rows:
            found.setdefault(entry_id, []).append(item_id)
    return found


def _attach_item_ids(conn: Connection, found: list[StoredEntry]) -> None:
    by_entry = item_ids(conn, [s.id for s in found])
    for s in found:
        s.item_ids.extend(by_entry.get(s.id, ()))


def count(conn: Connection, f: LaunchFilter) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(entries)
                            .where(*where(conn, f))).scalar_one())


@dataclass(slots=True)
class LaunchDetail:
    """Everything about one entry: model, ids, diagnostics, GCAT links, source text."""

    stored: StoredEntry
    diagnostics: list[Diagnostic]
    #: item id -> GCAT row (jcat, matched_by, name, program, result) for linked items.
    gcat: dict[int, dict[str, Any]]
    raw: str


def lookup(conn: Connection, term: str) -> list[int]:
    """Entry ids for ``ID``, ``COSPAR``, ``SATCAT`` or a payload ``NAME``.

    A bare number is an entry id if there is one, else a satellite number;
    ``id:``, ``satcat:``, ``cospar:`` and ``name:`` prefixes say which is meant."""
    term = _text(term).strip()
    kind, _, value = term.partition(":") if re.match(r"(id|satcat|cospar|name):", term) \
        else ("", "", term)
    ids: list[int] = []
    number = _integer(value)
    if kind in ("", "id") and number is not None:
        ids = list(conn.execute(sa.select(entries.c.id).where(entries.c.id == number))
                   .scalars())
    if not ids and kind in ("", "satcat") and number is not None:
        ids = _entry_ids(conn, items.c.satcat == number)
    if not ids and kind in ("", "cospar"):
        ids = _entry_ids(conn, sa.or_(items.c.cospar == value, items.c.cospar_normalized == value,
                                      items.c.cospar_gcat == value))
    if not ids and kind in ("", "name"):
        ids = _entry_ids(conn, sa.func.lower(items.c.name) == value.lower())
        if not ids:
            pattern = re.sub(r"([\\%_])", r"\\\1", value.lower()) + "%"
            ids = _entry_ids(conn, sa.func.lower(items.c.name).like(pattern, escape="\\"))
    return ids


def _entry_ids(conn: Connection, condition: sa.ColumnElement[bool]) -> list[int]:
    """The launches whose payloads meet ``condition``: an entry another source's entry
    counts for is that entry (one launch, found through either source)."""
    counted = sa.func.coalesce(entries.c.merged_into, entries.c.id)
    return list(conn.execute(sa.select(counted).select_from(items.join(entries))
                             .where(condition).distinct().order_by(counted)).scalars())


def detail(conn: Connection, entry_id: int) -> LaunchDetail:
    row = conn.execute(sa.select(entries.c.id, sources.c.path, entries.c.line, entries.c.raw)
                       .join(sources).where(entries.c.id == entry_id)).first()
    if row is None:
        raise QueryError(f"no entry with id {entry_id}")
    stored = StoredEntry(row.id, row.path, reparse(row.raw, row.path, row.line))
    _attach_item_ids(conn, [stored])
    diags = [Diagnostic(d.severity, row.path, d.line, d.column, d.message) for d in conn.execute(
        sa.select(diagnostics).where(diagnostics.c.entry_id == entry_id)
        .order_by(diagnostics.c.line, diagnostics.c.column))]
    links = conn.execute(
        sa.select(gcat_links.c.item_id, gcat_links.c.matched_by, gcat_payloads)
        .join(gcat_payloads).where(gcat_links.c.item_id.in_(stored.item_ids or [-1])))
    gcat = {r.item_id: {"jcat": r.jcat, "matched_by": r.matched_by, "name": r.name,
                        "piece": r.piece, "program": r.program, "result": r.result,
                        "launch_date": r.launch_date_text} for r in links}
    return LaunchDetail(stored, diags, gcat, row.raw)


@dataclass(frozen=True, slots=True)
class StatRow:
    key: str
    launches: int
    failures: int
    success_rate: float | None
    #: Wilson score 95% interval of the success rate.
    ci_low: float | None
    ci_high: float | None
    failed_stages: dict[str, int]
    #: Jeffreys 95% interval of the success rate.
    jeffreys_low: float | None = None
    jeffreys_high: float | None = None
    #: The sum of the launches' success scores: GCAT's partial scores where it gives
    #: them (``OF40`` scores 0.40), else 1 per success and 0 per failure.
    score: float | None = None
    #: The longest run of successes and its first and last launch (when asked for).
    longest_streak: int | None = None
    streak_from: dt.date | None = None
    streak_to: dt.date | None = None

    @property
    def successes(self) -> int:
        return self.launches - self.failures

    def to_json(self) -> dict[str, Any]:
        """The row as the CLI's JSON and CSV and the API give it."""
        return {"key": self.key, "launches": self.launches, "successes": self.successes,
                "failures": self.failures, "score": self.score,
                "success_rate": self.success_rate, "ci95_low": self.ci_low,
                "ci95_high": self.ci_high, "jeffreys95_low": self.jeffreys_low,
                "jeffreys95_high": self.jeffreys_high, "longest_streak": self.longest_streak,
                "streak_from": None if self.streak_from is None else self.streak_from.isoformat(),
                "streak_to": None if self.streak_to is None else self.streak_to.isoformat(),
                "failed_stages": self.failed_stages}

    @classmethod
    def from_counts(cls, key: str, launches: int, failures: int,
                    failed_stages: dict[str, int] | None = None,
                    score: float | None = None) -> StatRow:
        """A row with its rate and both intervals computed from the counts."""
        successes = launches - failures
        low, high = wilson_interval(successes, launches)
        j_low, j_high = jeffreys_interval(successes, launches)
        return cls(key, launches, failures, successes / launches if launches else None,
                   low, high, failed_stages or {}, j_low, j_high,
                   float(successes) if score is None else round(score, 6))


def _dimension(by: str) -> tuple[sa.ColumnElement[Any], list[tuple[sa.FromClause, Any]]]:
    """The grouping key for ``by`` and the (outer) joins it needs: a launch without
    the value still counts, under the key None."""
    entity = {"family": (lv_families, entries.c.lv_family_id),
              "vehicle": (vehicles, entries.c.vehicle_id),
              "configuration": (configurations, entries.c.configuration_id),
              "site": (sites, entries.c.site_id), "state": (states, entries.c.state_id)}
    if by == "code":
        return entries.c.launch_code, []
    if by == "variant":  # GCAT's LV variant, from its typed launch row
        variant = _VARIANT_OF
        return variant.c.variant, [(variant, variant.c.entry_id == entries.c.id)]
    if by in entity:
        table, column = entity[by]
        return table.c.name, [(table, table.c.id == column)]
    if by == "agency":  # the launching agency, else the payloads' (launch_agency.py)
        return agency_dimension()
    if by in ("program", "nation"):
        table, column = {"program": (programs, items.c.program_id),
                         "nation": (nations, items.c.nation_id)}[by]
        pairs = (sa.select(items.c.entry_id, column.label("key_id"))
                 .where(column.is_not(None)).distinct().subquery())
        return table.c.name, [(pairs, pairs.c.entry_id == entries.c.id),
                              (table, table.c.id == pairs.c.key_id)]
    year = year_of(entries.c.date_start)
    if by == "year":
        return year, []
    if by == "decade":
        return (year // 10) * 10, []
    raise choice_error("statistic", by, STAT_DIMENSIONS)


def grouping(by: str) -> tuple[sa.ColumnElement[Any], sa.FromClause]:
    """The grouping key for ``by`` and ``entries`` outer-joined to what it needs (a launch
    without the value still counts, under the key None)."""
    key, joins = _dimension(by)
    base: sa.FromClause = entries
    for table, condition in joins:
        base = base.outerjoin(table, condition)
    return key, base


OUTCOME_DEFINITIONS = ("launch", "mission")


def stats(conn: Connection, by: str, f: LaunchFilter | None = None,
          definition: str = "launch") -> list[StatRow]:
    """Failures and success rate with its Wilson interval per key, and failed stages.

    ``definition="launch"`` counts launches and their outcome (a ``FAILURE:`` in the
    header); ``"mission"`` counts the payloads GCAT links and GCAT's mission
    result for each (its ``Result`` code ``F`` is a failure), so a launch that
    worked but whose probe died en route counts as a failure there."""
    if definition not in OUTCOME_DEFINITIONS:
        raise QueryError(f"bad outcome definition {definition!r}: expected launch or mission")
    f = replace(f or LaunchFilter(), kind="launch")
    key, base = grouping(by)
    filters = where(conn, f)
    if definition == "mission":
        return _mission_stats(key, base, filters, conn)
    scored = _SCORED
    # One scan, by group and failed stage (a scan of a big selection is most of the
    # cost), summed per group here.
    groups: dict[Any, list[Any]] = {}  # key -> [n, failures, score, {stage: n}]
    for k, stage, n, failures, score in conn.execute(
            sa.select(key.label("key"), entries.c.failed_stage, sa.func.count(),
                      sa.func.count().filter(entries.c.outcome == "failure"),
                      sa.func.sum(launch_score(scored)))
            .select_from(base.outerjoin(scored, scored.c.entry_id == entries.c.id))
            .where(*filters).group_by(key, entries.c.failed_stage)):
        group = groups.setdefault(k, [0, 0, None, {}])
        group[0] += n
        group[1] += failures
        if score is not None:
            group[2] = (group[2] or 0.0) + float(score)
        if stage is not None:
            group[3][stage] = n
    rows = []
    for k in sorted(groups, key=lambda k: (k is None, k)):
        n, failures, score, stages = groups[k]
        by_stage = dict(sorted(stages.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append(StatRow.from_counts("(none)" if k is None else str(k), n, failures,
                                        by_stage, score))
    return rows


def launch_score(gcat: sa.FromClause) -> sa.ColumnElement[Any]:
    """A launch's success score in SQL: GCAT's partial score where its launch row gives
    one (``OF40`` → 0.40), else 1 for a success and 0 for a failure (as
    :func:`kosmochron.stats.launch_score`; an unknown outcome scores nothing)."""
    return sa.func.coalesce(gcat.c.score, sa.case((entries.c.outcome == "success", 1.0),
                                                  (entries.c.outcome == "failure", 0.0)))


def _mission_stats(key: sa.ColumnElement[Any], base: sa.FromClause,
                   filters: list[sa.ColumnElement[bool]], conn: Connection) -> list[StatRow]:
    linked = (base.join(items, items.c.entry_id == entries.c.id)
              .join(gcat_links, gcat_links.c.item_id == items.c.id)
              .join(gcat_payloads, gcat_payloads.c.jcat == gcat_links.c.jcat))
    failed = gcat_payloads.c.result.like("F%")
    grouped = conn.execute(
        sa.select(key.label("key"), sa.func.count().label("n"),
                  sa.func.count().filter(failed).label("failures"))
        .select_from(linked).where(*filters).group_by(key)
        .order_by(key.asc().nulls_last())).all()
    return [StatRow.from_counts("(none)" if k is None else str(k), n, failures)
            for k, n, failures in grouped]


def failed_stage_breakdown(conn: Connection, f: LaunchFilter | None = None) -> dict[str, int]:
    """How many failed launches failed at each stage, most frequent first."""
    f = replace(f or LaunchFilter(), kind="launch")
    rows = conn.execute(sa.select(entries.c.failed_stage, sa.func.count())
                        .where(*where(conn, f), entries.c.failed_stage.is_not(None))
                        .group_by(entries.c.failed_stage)).all()
    return dict(sorted(((s, n) for s, n in rows), key=lambda kv: (-kv[1], kv[0])))
