"""Which agency a launch is counted under: the agency that launched it, where the record
says so, else the agencies that own its payloads.

GCAT's launches carry their launching agency in the header (``Agency: RVSN``, the
Strategic Rocket Forces; ``NASA``; ``SPX``), stored as ``entries.agency_id``;
Encyclopedia Astronautica gives each payload its agency (``Agency: MOM``, the ministry
that built it) and no launching agency.  For launch statistics a historian counts
launches by the agency that launched them, so the agency dimension is the launching
agency where the launch's record has one (its own entry's, else that of an entry merged
into it: with ``prefer = astronautix`` the counted chronology entry has the launching
agency of GCAT's), else its payloads' agencies (its own and those of the entries merged
into it; a launch with payloads of two agencies counts for each).  Statistics, the
``agency`` filter, its facet and the agency entity pages all read these definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from .schema import entries, items


def launching_agency(entry: Any, *, own: bool = False) -> sa.ColumnElement[Any]:
    """The launching agency's id of ``entry`` (an alias of ``entries``), or NULL: its
    header's, else (unless ``own``: one source shown as itself) the first of the
    entries merged into it."""
    if own:
        return entry.c.agency_id  # type: ignore[no-any-return]
    merged = entries.alias("agency_merged")
    first = (sa.select(sa.func.min(merged.c.agency_id))
             .where(merged.c.merged_into == entry.c.id).scalar_subquery())
    return sa.func.coalesce(entry.c.agency_id, first)


def payload_agencies(*, own: bool = False) -> sa.Subquery:
    """``(entry_id, agency_id)``, distinct: the agencies of the payloads of each launch
    that has no launching agency (its own payloads and, unless ``own``, those of the
    entries merged into it)."""
    owner, counted = entries.alias("agency_owner"), entries.alias("agency_counted")
    launch = owner.c.id if own else sa.func.coalesce(owner.c.merged_into, owner.c.id)
    unnamed: list[sa.ColumnElement[bool]] = [counted.c.agency_id.is_(None)]
    if not own:
        merged = entries.alias("agency_merged")
        unnamed.append(~sa.exists().where(merged.c.merged_into == counted.c.id,
                                          merged.c.agency_id.is_not(None)))
    # The launch's own id column, not the expression: SQLite then indexes the subquery
    # it joins (an expression column made every launch scan all the pairs).
    return (sa.select(counted.c.id.label("entry_id"), items.c.agency_id.label("agency_id"))
            .select_from(items.join(owner, owner.c.id == items.c.entry_id)
                         .join(counted, counted.c.id == launch))
            .where(items.c.agency_id.is_not(None), *unnamed).distinct()
            .subquery("payload_agencies"))


def launch_agencies(agency_ids: sa.Select[Any] | Sequence[int] | None = None, *,
                    own: bool = False) -> sa.Subquery:
    """``(entry_id, agency_id)``: each entry's launching agency, else its payloads'
    agencies, as :func:`agency_dimension` groups them (written as three arms that each
    read an index: its own header's, those of the entries merged into it when it names
    none, its payloads' when neither does).  ``agency_ids`` restricts the agencies (a
    filter's, an entity page's)."""
    def only(column: Any) -> list[sa.ColumnElement[bool]]:
        return [column.is_not(None)] + ([] if agency_ids is None else [column.in_(agency_ids)])

    told = entries.alias("agency_told")
    arms = [sa.select(told.c.id.label("entry_id"), told.c.agency_id.label("agency_id"))
            .where(*only(told.c.agency_id))]
    counted = entries.alias("agency_counted")
    merged = entries.alias("agency_merged")
    if not own:  # the launching agency of an entry merged into one that names none
        arms.append(sa.select(merged.c.merged_into, merged.c.agency_id)
                    .join(counted, counted.c.id == merged.c.merged_into)
                    .where(*only(merged.c.agency_id), counted.c.agency_id.is_(None)))
    owner = entries.alias("agency_owner")
    launch = owner.c.id if own else sa.func.coalesce(owner.c.merged_into, owner.c.id)
    unnamed: list[sa.ColumnElement[bool]] = [counted.c.agency_id.is_(None)]
    if not own:
        unnamed.append(~sa.exists().where(merged.c.merged_into == counted.c.id,
                                          merged.c.agency_id.is_not(None)))
    arms.append(sa.select(launch, items.c.agency_id)
                .select_from(items.join(owner, owner.c.id == items.c.entry_id)
                             .join(counted, counted.c.id == launch))
                .where(*only(items.c.agency_id), *unnamed))
    return sa.union(*arms).subquery("launch_agencies")


def agency_dimension() -> tuple[sa.ColumnElement[Any], list[tuple[sa.FromClause, Any]]]:
    """The statistics' grouping by agency: the key (the agency's name) and the outer
    joins over ``entries`` it needs; a launch with neither is under NULL."""
    from .schema import agencies

    paid = payload_agencies()  # (a plain equality join: SQLite indexes the subquery)
    return agencies.c.name, [
        (paid, paid.c.entry_id == entries.c.id),
        (agencies, agencies.c.id == sa.func.coalesce(launching_agency(entries),
                                                     paid.c.agency_id))]
