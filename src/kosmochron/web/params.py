"""The API's query parameters and dependencies, shared by every /api/v1 route.

Each parameter is declared once with its description and pattern, so the OpenAPI
document states exactly what the server accepts; :func:`known_parameters` turns an
unknown query parameter into a 400 rather than a silently widened filter.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, get_args

from fastapi import Depends, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from ..dates import DateBoundError, parse_date_bound
from ..store import (
    ENTITY_TABLES,
    FACETS,
    INT_MAX,
    ORDERINGS,
    STAT_DIMENSIONS,
    LaunchFilter,
    QueryError,
    Store,
    UnknownValue,
)
from ..store.search import TooManyTerms, normalise
from .state import HttpError, get_store

API = "/api/v1"

Ordering = Literal["date", "-date", "id", "-id", "name", "-name", "vehicle", "-vehicle", "site",
                   "-site", "outcome", "-outcome", "designator", "-designator"]
Dimension = Literal["family", "vehicle", "configuration", "site", "program", "nation", "agency",
                    "decade", "year", "state", "code", "variant"]
EntityKind = Literal["site", "complex", "family", "vehicle", "configuration", "program",
                     "agency", "nation", "type", "state"]
# The literals are spelled out for the type checker and the schema; they must stay the store's.
assert set(get_args(Ordering)) == set(ORDERINGS)
assert set(get_args(Dimension)) == set(STAT_DIMENSIONS)
assert set(get_args(EntityKind)) == set(ENTITY_TABLES)


def _date_pattern() -> str:
    """The ``from``/``to`` dates as one regular expression that only valid days match
    (leap years included), so the schema promises no date the server then rejects."""
    year = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
    leap = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)"
    days = {28: "(0?[1-9]|1[0-9]|2[0-8])", 30: "(0?[1-9]|[12][0-9]|30)",
            31: "(0?[1-9]|[12][0-9]|3[01])"}
    numbers = {31: "(0?[13578]|1[02])", 30: "(0?[469]|11)", 28: "0?2"}
    names: dict[int, list[str]] = {31: [], 30: [], 28: []}
    for month in range(1, 13):
        full, short = calendar.month_name[month], calendar.month_abbr[month]
        length = calendar.monthrange(2001, month)[1]
        names[length].append(full if full == short else f"{full}|{short}")
    forms = [year, f"{year}-(0?[1-9]|1[0-2])", f"{leap}-0?2-29", f"{leap} (February|Feb) 29",
             f"{year} ({'|'.join(n for ns in names.values() for n in ns)})"]
    for length, day in days.items():
        forms.append(f"{year}-{numbers[length]}-{day}")
        forms.append(f"{year} ({'|'.join(names[length])}) {day}")
    return "^(" + "|".join(forms) + ")$"


DATE_PATTERN = _date_pattern()
FACETS_PATTERN = "^({0})(,({0}))*$".format("|".join(FACETS))
DATE_HINT = "a date like 1971, 1971-05, 1971-05-19, '1971 May' or '1971 May 19'"
#: What a value that fails a pattern should have looked like (the patterns are unreadable).
PATTERN_HINTS = {"from": DATE_HINT, "to": DATE_HINT,
                 "facets": f"comma-separated facet names from {', '.join(FACETS)}"}


# -- parameters --------------------------------------------------------------------

def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_parameters(request: Request) -> None:
    """Reject query parameters the route does not take (400): ``?familly=Proton``
    must not quietly list every launch.  Runs before the values are validated.
    (The dependencies are ``async``: a plain ``def`` dependency costs a trip through
    the thread pool, several times the work it does.)"""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        names = ", ".join(unknown)
        raise HttpError(400, "unknown_parameter",
                        f"unknown query parameter{'s' if len(unknown) > 1 else ''} {names}; "
                        f"{route.path} takes: {', '.join(sorted(allowed)) or 'none'}",
                        {"parameters": [{"name": n, "in": "query",
                                         "value": request.query_params[n],
                                         "message": "unknown parameter"} for n in unknown],
                         "allowed": sorted(allowed)})


def search_text(value: str | None) -> str | None:
    """Full-text words as a filter value: each term once, at most MAX_TERMS (a 400)."""
    text = text_value(value)
    if text is None:
        return None
    try:
        return normalise(text)
    except TooManyTerms as exc:
        raise HttpError(400, "too_many_terms", str(exc), {"parameters": [
            {"name": "q", "in": "query", "message": str(exc)}]}) from None


def text_value(value: str | None) -> str | None:
    """User text as a filter value.  No stored text holds a NUL (PostgreSQL text cannot),
    so a NUL becomes U+FFFD: the value then matches nothing, as it should, where a NUL
    would fail the query on PostgreSQL and a stripped one could match something else."""
    return None if value is None else value.replace("\x00", "\ufffd")


def _date(name: str, value: str | None, *, end: bool) -> Any:
    if value is None:
        return None
    try:
        return parse_date_bound(value, end=end)
    except DateBoundError as exc:
        raise HttpError(422, "bad_value", f"bad value for query parameter {name}: {exc}",
                        {"parameters": [{"name": name, "in": "query", "value": value,
                                         "message": str(exc)}]}) from None


def _about(description: str) -> Any:
    return Query(description=description)


Text = str | None


async def launch_filter(
    date_from: Annotated[Text, Query(alias="from", pattern=DATE_PATTERN, description=(
        f"Launched on or after: {DATE_HINT}; vague dates match if their span overlaps."))] = None,
    date_to: Annotated[Text, Query(alias="to", pattern=DATE_PATTERN, description=(
        f"Launched on or before: {DATE_HINT}."))] = None,
    site: Annotated[Text, _about("Launch site name or slug (any case).")] = None,
    complex: Annotated[Text, _about("Launch complex name or slug.")] = None,
    family: Annotated[Text, _about("LV family name or slug, e.g. Proton.")] = None,
    vehicle: Annotated[Text, _about("Launch vehicle name or slug.")] = None,
    configuration: Annotated[Text, _about("LV configuration name or slug.")] = None,
    program: Annotated[Text, _about("A payload's program, e.g. Mars.")] = None,
    nation: Annotated[Text, _about("A payload's nation, e.g. USSR.")] = None,
    agency: Annotated[Text, _about("The launching agency (GCAT's, e.g. RVSN), else a "
                                   "payload's (e.g. MOM).")] = None,
    type: Annotated[Text, _about("A payload's spacecraft type, e.g. 'Mars probe'.")] = None,
    outcome: Annotated[Literal["success", "failure"] | None, _about("Launch outcome.")] = None,
    failed_stage: Annotated[Text, _about("The stage that failed, e.g. 3 or S.")] = None,
    cospar: Annotated[Text, _about("A payload's COSPAR designator in any spelling: "
                                   "1962-B-Iota-1, '1962 Beta Iota 1', '1962 B IOT 1'.")] = None,
    satcat: Annotated[int | None, Query(ge=0, le=INT_MAX, description=(
        "A payload's satellite catalog number."))] = None,
    q: Annotated[Text, _about('Full-text words that must all occur; "quoted phrases" stay '
                              "together.")] = None,
    kind: Annotated[Literal["launch", "event"], _about("Launches or other events.")] = "launch",
    source: Annotated[Text, _about("Only entries of this stored source (path as stored).")] = None,
    state: Annotated[Text, _about("The launching state (GCAT: its agency's), e.g. USSR.")]
    = None,
    code: Annotated[Text, _about("GCAT's launch code, e.g. OS, OF or OF40.")] = None,
) -> LaunchFilter:
    """The CLI's ``launches`` filters as query parameters (shared by every list)."""
    return LaunchFilter(
        date_from=_date("from", date_from, end=False), date_to=_date("to", date_to, end=True),
        site=text_value(site), complex=text_value(complex), family=text_value(family),
        vehicle=text_value(vehicle), configuration=text_value(configuration),
        program=text_value(program), nation=text_value(nation), agency=text_value(agency),
        type=text_value(type),
        outcome=outcome, failed_stage=text_value(failed_stage), cospar=text_value(cospar),
        satcat=satcat, text=search_text(q), kind=kind, source=text_value(source),
        state=text_value(state), launch_code=text_value(code))


#: Accept header media types of the row formats, in the order they are looked for.
ACCEPTED = (("text/csv", "csv"), ("application/x-ndjson", "ndjson"),
            ("application/ndjson", "ndjson"), ("application/jsonl", "ndjson"))
RowFormat = Literal["json", "csv", "ndjson"]


async def row_format(request: Request, format: Annotated[RowFormat | None, Query(description=(
        "json (the default: this page), or csv or ndjson: every match (every page unless "
        "limit or offset is given), streamed; csv has the columns of kosmochron export's "
        "tables.  Accept: text/csv or application/x-ndjson asks the same."))] = None) -> str:
    """The format a collection answers in: ``format=``, else the Accept header."""
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    return next((fmt for media, fmt in ACCEPTED if media in accept), "json")


StoreDep = Annotated[Store, Depends(get_store)]
FormatDep = Annotated[str, Depends(row_format)]
FilterDep = Annotated[LaunchFilter, Depends(launch_filter)]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (at most 1000).")]
Offset = Annotated[int, Query(ge=0, le=INT_MAX, description="Results to skip.")]
OrderingParam = Annotated[Ordering, Query(description=(
    "Sort by date, id, first payload's name, vehicle, site, outcome or designator (dated "
    "within); '-' reverses."))]
Id = Annotated[int, Path(ge=1, le=INT_MAX)]


@contextmanager
def store_errors(status: int) -> Iterator[None]:
    """A store QueryError as an API error: 404 where the input named something that is
    not there, 422 where the input was a value the store cannot use."""
    try:
        yield
    except UnknownValue as exc:
        raise unknown_value(exc) from None
    except QueryError as exc:
        raise HttpError(status, "not_found" if status == 404 else "bad_value", str(exc)) \
            from None


#: The filters whose values are one of a few words: an unknown one is a 400 with the
#: nearest (did you mean), like an unknown name, rather than a malformed value's 422.
FILTER_CHOICES = ("outcome", "kind")
#: LaunchFilter field -> the query parameter that sets it, where the two differ.
FILTER_PARAMS = {"date_from": "from", "date_to": "to", "text": "q"}


def unknown_value(exc: UnknownValue) -> HttpError:
    """400 for a filter value that names nothing stored, with the nearest known values
    (``details.parameters[0].suggestions``)."""
    name = FILTER_PARAMS.get(exc.field, exc.field)
    return HttpError(400, "unknown_value", f"query parameter {name}: {exc}", {"parameters": [
        {"name": name, "in": "query", "value": exc.value, "message": str(exc),
         "suggestions": exc.suggestions}]})
