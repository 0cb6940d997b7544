"""Browsing queries for the API and the web UI: facets, payload lists, entity
pages, and the database version that ETags are made from.

Like :mod:`kosmochron.store.query`, these return plain data; no route or page
holds SQL.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..suggest import did_you_mean, nearest
from .launch_agency import launch_agencies
from .query import (
    INT_MAX,
    ORDERINGS,
    LaunchFilter,
    QueryError,
    StatRow,
    StoredEntry,
    _attach_item_ids,
    choice_error,
    cospar_condition,
    reparse,
    where,
    year_of,
)
from .schema import (
    ENTITY_TABLES,
    entries,
    gcat_files,
    gcat_payloads,
    gcat_sites,
    items,
    settings,
    source_texts,
    sources,
)

#: Facet name -> (label column, joins) over ``entries``.
FACETS = ("family", "vehicle", "configuration", "site", "complex", "outcome", "decade", "year",
          "program", "nation", "agency", "failed_stage", "state", "code")
_ENTRY_ENTITY = {"family": "lv_family_id", "vehicle": "vehicle_id",
                 "configuration": "configuration_id", "site": "site_id", "complex": "complex_id",
                 "state": "state_id"}
_ITEM_ENTITY = {"program": "program_id", "nation": "nation_id"}
#: The agency of a launch is its launching agency, else its payloads' (launch_agency.py).
_AGENCY = "agency"
#: Aliases made once (a new alias builds a proxy of every column on each call).
_FACET_ITEMS = items.alias("facet_items")
_PAYLOAD_NAMES = {kind: ENTITY_TABLES[kind].alias(f"{kind}_e") for kind in
                  ("nation", "agency", "program", "type")}


def version(conn: Connection) -> str:
    """A short digest that changes whenever the stored data changes (for ETags)."""
    row = conn.execute(sa.select(
        sa.func.count(sources.c.id), sa.func.max(sources.c.id),
        sa.func.max(sources.c.ingested_at),
        sa.select(sa.func.count()).select_from(gcat_payloads).scalar_subquery(),
        sa.select(sa.func.max(gcat_files.c.imported_at)).scalar_subquery(),
        sa.select(settings.c.value).where(settings.c.key == "prefer").scalar_subquery())).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:16]


def facets(conn: Connection, f: LaunchFilter, names: list[str],
           limit: int = 50) -> dict[str, list[dict[str, Any]]]:
    """For each facet, its values and how many entries matching ``f`` have each."""
    unknown = [n for n in names if n not in FACETS]
    if unknown:
        raise choice_error("facet", unknown[0], FACETS)
    clauses = where(conn, f)
    by_entity = where(conn, f, by_kind=False)  # each entity's index holds the kind
    result: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        query: sa.Select[Any]
        if name in _ENTRY_ENTITY or name in _ITEM_ENTITY or name == _AGENCY:
            # Counted by id first (an index scan), named after: grouping 100,000 rows
            # by their names' text took twice as long.
            table = ENTITY_TABLES[name]
            if name in _ENTRY_ENTITY:
                column = getattr(entries.c, _ENTRY_ENTITY[name])
                counted = (sa.select(column.label("key_id"), sa.func.count().label("n"))
                           .where(column.is_not(None), *by_entity).group_by(column))
            elif name == _AGENCY:
                launched = launch_agencies(own=bool(f.source))
                counted = (sa.select(launched.c.agency_id.label("key_id"),
                                     sa.func.count(sa.distinct(entries.c.id)).label("n"))
                           .select_from(launched.join(entries,
                                                      entries.c.id == launched.c.entry_id))
                           .where(*clauses).group_by(launched.c.agency_id))
            else:  # (an alias: the filter's own subqueries of items stay uncorrelated)
                payloads = _FACET_ITEMS
                column = getattr(payloads.c, _ITEM_ENTITY[name])
                counted = (sa.select(column.label("key_id"),
                                     sa.func.count(sa.distinct(payloads.c.entry_id)).label("n"))
                           .select_from(payloads.join(entries,
                                                      entries.c.id == payloads.c.entry_id))
                           .where(column.is_not(None), *by_entity).group_by(column))
            kept = counted.subquery()
            rows = conn.execute(sa.select(table.c.name, table.c.slug, kept.c.n)
                                .select_from(kept.join(table, table.c.id == kept.c.key_id))
                                .order_by(kept.c.n.desc()).limit(limit)).all()
            result[name] = [{"value": str(value), "slug": slug, "count": count}
                            for value, slug, count in rows]
            continue
        else:
            year = year_of(entries.c.date_start)
            column = {"outcome": entries.c.outcome, "failed_stage": entries.c.failed_stage,
                      "year": year, "decade": (year // 10) * 10,
                      "code": entries.c.launch_code}[name]
            query = (sa.select(column, sa.null(), sa.func.count())
                     .where(column.is_not(None)).group_by(column))
        rows = conn.execute(query.where(*clauses).order_by(sa.func.count().desc())
                            .limit(limit)).all()
        result[name] = [{"value": str(value), "slug": slug, "count": count}
                        for value, slug, count in rows]
    return result


PAYLOAD_COLUMNS = ("id", "entry_id", "seq", "line", "name", "payload", "mass_kg", "mass_lb",
                   "class", "spacecraft", "decay_date", "satcat", "cospar", "cospar_kind",
                   "cospar_normalized", "cospar_gcat", "apogee_km", "perigee_km",
                   "inclination_deg", "period_min", "duration_days", "summary")


def payload_select() -> sa.Select[Any]:
    names = _PAYLOAD_NAMES
    base = items.join(entries, entries.c.id == items.c.entry_id)
    for kind, column in (("nation", items.c.nation_id), ("agency", items.c.agency_id),
                         ("program", items.c.program_id), ("type", items.c.type_id)):
        base = base.outerjoin(names[kind], names[kind].c.id == column)
    return sa.select(*(getattr(items.c, c) for c in PAYLOAD_COLUMNS),
                     names["nation"].c.name.label("nation"),
                     names["agency"].c.name.label("agency"),
                     names["program"].c.name.label("program"),
                     names["type"].c.name.label("type"),
                     entries.c.date_text.label("launch_date"),
                     entries.c.outcome.label("launch_outcome")).select_from(base)


def payload_dict(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    if record.get("decay_date") is not None:
        record["decay_date"] = str(record["decay_date"])
    return record


def payloads(conn: Connection, f: LaunchFilter, limit: int | None = 100,
             offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Payloads of the entries matching ``f`` (and the total), in launch order."""
    clauses = where(conn, f)
    query = payload_select().where(*clauses).order_by(entries.c.date_start, entries.c.id,
                                                      items.c.seq).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    total = conn.execute(sa.select(sa.func.count()).select_from(
        items.join(entries, entries.c.id == items.c.entry_id)).where(*clauses)).scalar_one()
    return [payload_dict(r) for r in conn.execute(query)], int(total)


def payload(conn: Connection, payload_id: int) -> dict[str, Any]:
    row = conn.execute(payload_select().where(items.c.id == payload_id)).first()
    if row is None:
        raise QueryError(f"no payload with id {payload_id}")
    record = payload_dict(row)
    record["narrative"] = conn.execute(
        sa.select(items.c.narrative).where(items.c.id == payload_id)).scalar()
    return record


def _entity_row(conn: Connection, kind: str, slug: str) -> sa.Row[Any, Any, Any]:
    if kind not in ENTITY_TABLES:
        raise choice_error("entity kind", kind, list(ENTITY_TABLES))
    table = ENTITY_TABLES[kind]
    # A slug can come straight from a URL; PostgreSQL text cannot hold NUL characters.
    row = conn.execute(sa.select(table.c.id, table.c.name, table.c.slug)
                       .where(table.c.slug == slug.replace("\x00", ""))).first()
    if row is None:
        known = conn.execute(sa.select(table.c.slug)).scalars().all()
        raise QueryError(f"no {kind} with slug {slug!r}{did_you_mean(nearest(slug, known))}")
    return row


def _entity_launches(kind: str, entity_id: int) -> list[sa.ColumnElement[bool]]:
    """The launches of one entity, by its id: exact where a name filter could also match
    another entity's slug, and it covers spacecraft types, which LaunchFilter cannot."""
    clauses = [entries.c.kind == "launch"]
    if kind in _ENTRY_ENTITY:
        clauses.append(getattr(entries.c, _ENTRY_ENTITY[kind]) == entity_id)
    elif kind == _AGENCY:
        launched = launch_agencies(sa.select(sa.literal(entity_id)))
        clauses.append(entries.c.id.in_(sa.select(launched.c.entry_id)))
    else:
        column = getattr(items.c, _ITEM_ENTITY.get(kind, "type_id"))
        clauses.append(entries.c.id.in_(sa.select(items.c.entry_id).where(column == entity_id)))
    return clauses


def entity(conn: Connection, kind: str, slug: str) -> dict[str, Any]:
    """One site, vehicle, family, program … by slug: its name and launch counts."""
    row = _entity_row(conn, kind, slug)
    n, failures = conn.execute(
        sa.select(sa.func.count(), sa.func.count().filter(entries.c.outcome == "failure"))
        .where(*_entity_launches(kind, row.id))).one()
    found: dict[str, Any] = {"kind": kind, "id": row.id, "name": row.name, "slug": row.slug,
                             "launches": int(n), "failures": int(failures)}
    if kind == "site":
        found["gcat_sites"] = gcat_sites_named(conn, row.name)
    return found


def gcat_sites_named(conn: Connection, name: str) -> list[dict[str, Any]]:
    """GCAT's sites (codes, names, coordinates, years of use) that a site name is: a GCAT
    launch is written with its site's short English name (``Baykonur``: NIIP-5, GIK-5)."""
    s = gcat_sites.c
    rows = conn.execute(sa.select(s.code, s.name, s.state_code, s.longitude, s.latitude,
                                  s.error_deg, s.start_text, s.stop_text)
                        .where(sa.or_(s.english_name == name, sa.and_(
                            s.english_name.is_(None), s.short_name == name), s.code == name))
                        .order_by(s.start_text, s.code))
    return [dict(r._mapping) for r in rows]


def entity_stats(conn: Connection, kind: str, slug: str) -> StatRow:
    """One entity's launches, failures, success rate (Wilson interval) and failed stages,
    the row ``stats`` would give it, for every kind of entity."""
    row = _entity_row(conn, kind, slug)
    clauses = _entity_launches(kind, row.id)
    n, failures = conn.execute(
        sa.select(sa.func.count(), sa.func.count().filter(entries.c.outcome == "failure"))
        .where(*clauses)).one()
    stages = conn.execute(sa.select(entries.c.failed_stage, sa.func.count())
                          .where(*clauses, entries.c.failed_stage.is_not(None))
                          .group_by(entries.c.failed_stage)).all()
    return StatRow.from_counts(row.name, int(n), int(failures), dict(sorted(
        ((s, int(c)) for s, c in stages), key=lambda kv: (-kv[1], kv[0]))))


def entity_launches(conn: Connection, kind: str, slug: str, order: str = "date",
                    limit: int | None = None, offset: int = 0) -> tuple[list[StoredEntry], int]:
    """One page of an entity's launches and how many it has in all."""
    if order not in ORDERINGS:
        raise choice_error("ordering", order, list(ORDERINGS))
    row = _entity_row(conn, kind, slug)
    clauses = _entity_launches(kind, row.id)
    query = (sa.select(entries.c.id, sources.c.path, entries.c.line, entries.c.raw)
             .join(sources, sources.c.id == entries.c.source_id)
             .where(*clauses).order_by(*ORDERINGS[order]).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    found = [StoredEntry(id_, path, reparse(raw, path, line))
             for id_, path, line, raw in conn.execute(query)]
    _attach_item_ids(conn, found)
    total = conn.execute(sa.select(sa.func.count()).select_from(entries).where(*clauses))
    return found, int(total.scalar_one())


def payload_ids(conn: Connection, *, cospar: str | None = None,
                satcat: int | None = None) -> list[int]:
    """Ids of the payloads with this designator (as written, normalized or in GCAT's
    spelling) or this satellite number: the payloads themselves, not their launch's."""
    condition: sa.ColumnElement[bool]
    if cospar is not None:
        condition = cospar_condition(cospar)  # any spelling (issue 13)
    elif satcat is not None and 0 <= satcat <= INT_MAX:
        condition = items.c.satcat == satcat
    else:
        return []
    return list(conn.execute(sa.select(items.c.id).where(condition).order_by(items.c.id))
                .scalars())


def stored_source(conn: Connection, identity: str) -> tuple[bytes, str]:
    """The bytes of the source stored under exactly ``identity`` (its ``sources.path``) and
    their encoding, rebuilt from its entries and text nodes.  No file-system lookup: a
    server passes user input here."""
    src = source_row(conn, identity)
    parts = [raw for _, raw in source_parts(conn, src.id)]
    text = ("\ufeff" if src.bom else "") + "".join(parts)
    return text.encode(src.encoding), str(src.encoding)


def source_row(conn: Connection, identity: str) -> sa.Row[Any]:
    """The ``sources`` row stored under exactly ``identity``; QueryError if none is."""
    src = conn.execute(sa.select(sources).where(sources.c.path == identity.replace("\x00", "")))\
        .first()
    if src is None:
        known = ", ".join(r.path for r in conn.execute(sa.select(sources.c.path)
                                                         .order_by(sources.c.id)))
        raise QueryError(f"no stored source {identity!r}; stored: {known or 'none'}")
    return src


def source_parts(conn: Connection, source_id: int, after: int = -1,
                 limit: int | None = None) -> list[tuple[int, str]]:
    """(seq, raw text) of a source's entries and text nodes in order, from after ``after``:
    the whole source, or a page of it (``limit`` nodes) for streaming.  Two queries, not
    a UNION: the entries' text is stored packed, the rest as text."""
    def nodes(table: sa.Table) -> list[tuple[int, str]]:
        query = (sa.select(table.c.seq, table.c.raw)
                 .where(table.c.source_id == source_id, table.c.seq > after)
                 .order_by(table.c.seq))
        return [(seq, raw) for seq, raw in conn.execute(
            query if limit is None else query.limit(limit))]

    found = sorted([*nodes(entries), *nodes(source_texts)], key=lambda node: node[0])
    return found if limit is None else found[:limit]


def entity_counts(conn: Connection, kind: str) -> list[dict[str, Any]]:
    """Every entity of a kind with its numbers of launches, payloads and failed launches
    (launches that count; a payload's own entities, such as its program, count the
    launches and payloads they are named for).  One grouped pass over the launches per
    number, not a count per entity: a kind can have thousands (GCAT's agencies)."""
    if kind not in ENTITY_TABLES:
        raise choice_error("entity kind", kind, list(ENTITY_TABLES))
    table = ENTITY_TABLES[kind]
    launch = entries.c.kind == "launch"
    failed = sa.case((entries.c.outcome == "failure", entries.c.id))
    with_items = items.join(entries, entries.c.id == items.c.entry_id)
    if kind in _ENTRY_ENTITY:
        key: Any = getattr(entries.c, _ENTRY_ENTITY[kind])
        counts = sa.select(key, sa.func.count(), sa.func.count(failed)).where(launch)
        payloads = sa.select(key, sa.func.count()).select_from(with_items).where(launch)
    elif kind == _AGENCY:  # launches by launching agency, and the payloads they carried
        agency_of = launch_agencies()
        key = agency_of.c.agency_id
        by_launch = agency_of.join(entries, entries.c.id == agency_of.c.entry_id)
        counts = (sa.select(key, sa.func.count(sa.distinct(entries.c.id)),
                            sa.func.count(sa.distinct(failed)))
                  .select_from(by_launch).where(launch))
        payloads = (sa.select(key, sa.func.count())
                    .select_from(by_launch.join(items, items.c.entry_id == entries.c.id))
                    .where(launch))
    else:
        key = getattr(items.c, _ITEM_ENTITY.get(kind, "type_id"))
        counts = (sa.select(key, sa.func.count(sa.distinct(items.c.entry_id)),
                            sa.func.count(sa.distinct(failed)))
                  .select_from(with_items).where(launch))
        payloads = sa.select(key, sa.func.count()).select_from(with_items).where(launch)
    launched = {k: (int(n), int(f)) for k, n, f in conn.execute(
        counts.where(key.is_not(None)).group_by(key))}
    carried: dict[Any, Any] = dict(conn.execute(payloads.where(key.is_not(None))
                                                .group_by(key)).all())
    rows = conn.execute(sa.select(table.c.id, table.c.name, table.c.slug).order_by(table.c.name))
    return [{"id": id_, "name": name, "slug": slug, "launches": launched.get(id_, (0, 0))[0],
             "payloads": int(carried.get(id_, 0)), "failures": launched.get(id_, (0, 0))[1]}
            for id_, name, slug in rows]


def timeline(conn: Connection, f: LaunchFilter, limit: int | None = 5000) -> list[dict[str, Any]]:
    """One light row per matching dated entry (id, date, family, outcome, first payload
    name), in date order: what a timeline chart plots, without re-parsing whole entries."""
    family = ENTITY_TABLES["family"]
    first_item = (sa.select(items.c.name).where(items.c.entry_id == entries.c.id)
                  .order_by(items.c.seq).limit(1).scalar_subquery())
    query = (sa.select(entries.c.id, entries.c.date_text, entries.c.date_start,
                       entries.c.kind, entries.c.outcome, family.c.name.label("family"),
                       first_item.label("name"))
             .select_from(entries.outerjoin(family, family.c.id == entries.c.lv_family_id))
             .where(*where(conn, f), entries.c.date_start.is_not(None))
             .order_by(entries.c.date_start, entries.c.id))
    if limit is not None:
        query = query.limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]


def timeline_bins(conn: Connection, f: LaunchFilter) -> list[dict[str, Any]]:
    """How many matching dated entries each vehicle family has per year and outcome
    (``outcome`` None for entries that are not launches): the timeline of a selection
    too big to draw launch by launch."""
    family = ENTITY_TABLES["family"]
    year = year_of(entries.c.date_start).label("year")
    query = (sa.select(year, family.c.name.label("family"), entries.c.outcome,
                       sa.func.count().label("count"))
             .select_from(entries.outerjoin(family, family.c.id == entries.c.lv_family_id))
             .where(*where(conn, f), entries.c.date_start.is_not(None))
             .group_by(year, family.c.name, entries.c.outcome)
             .order_by(year, family.c.name, entries.c.outcome))
    return [dict(r._mapping) for r in conn.execute(query)]
