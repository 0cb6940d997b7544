"""The database commands of ``kosmochron``: ingest, launches, show, search, stats,
export, sources, transfer, serve.  Each calls the store in a few lines; the
store's errors become clean messages in :func:`kosmochron.cli.main`.

Every command but ``ingest`` works on a fresh machine: the default database is
created and filled from the bundled chronology on first use.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text

from ..export import dumps, entry_json
from ..store import (
    STAT_DIMENSIONS,
    IngestResult,
    LaunchFilter,
    LaunchList,
    QueryError,
    Store,
    open_store,
)
from ..store.search import MARK_END, MARK_START
from ..tables import LAUNCH_COLUMNS, names
from . import statistics
from .common import (
    Agency,
    Complex,
    Configuration,
    CosparOpt,
    DateFrom,
    DateTo,
    Db,
    ExportFormat,
    ExportKind,
    ExportTable,
    FailedStage,
    Family,
    LaunchCode,
    ListFormat,
    Nation,
    Outcome,
    Program,
    Satcat,
    ShowFormat,
    Site,
    SpacecraftType,
    State,
    StatsFormat,
    TextOpt,
    TransferFormat,
    Vehicle,
    literal,
    out_console,
    progress_bar,
    require_files,
    write_csv,
    write_json,
    write_json_list,
)
from .statistics import StatsView


def _summary(result: IngestResult) -> str:
    if result.status == "unchanged":
        return f"unchanged {result.path} (same SHA-256; nothing to do)"
    return (f"{result.status} {result.path}: {result.entries:,} entries ({result.launches:,} "
            f"launches), {result.items:,} payloads, {result.errors:,} errors "
            f"in {result.seconds:.2f} s")


def ingest(
    files: Annotated[list[Path] | None, typer.Argument(
        help="Chronology files (default: the bundled seed).", show_default=False)] = None,
    db: Db = None,
    encoding: Annotated[str, typer.Option("--encoding", "-e")] = "utf-8",
    wait: Annotated[float, typer.Option(
        "--wait", min=0, help="Seconds to wait for another writer before giving up "
        "(status 2, naming it).")] = 30.0,
) -> None:
    """Store chronology files: one transaction per file; unchanged files are skipped,
    edited ones replace their old version."""
    require_files(files)
    errors = 0
    with open_store(db, seed_if_empty=False) as store:
        targets: list[Path | None] = list(files) if files else [None]
        for target in targets:
            size = target.stat().st_size if target else 0
            with progress_bar(f"ingest {target.name if target else 'seed'}", size) as update:
                (result,) = store.ingest([target], encoding, update, wait=wait,
                                         waiting=_say_waiting)
            for diag in result.diagnostics:
                print(diag, file=sys.stderr)
            errors += result.errors
            print(_summary(result), file=sys.stderr)
    raise typer.Exit(1 if errors else 0)


def _say_waiting(message: str) -> None:
    print(f"kosmochron: {message}", file=sys.stderr, flush=True)


def _filter(**options: Any) -> LaunchFilter:
    return LaunchFilter.from_options(**{k: v for k, v in options.items() if v is not None})


def _launch_table(launches: LaunchList) -> Table:
    table = Table(show_lines=False)
    for column in ("ID", "Date", "Vehicle", "Site", "Outcome", "Payloads"):
        table.add_column(column, overflow="fold")
    for s in launches:
        e = s.entry
        outcome: str = e.outcome or e.kind
        if e.failed_stage:
            outcome += f" (stage {e.failed_stage})"
        table.add_row(str(s.id), literal(e.date.text + (f" {e.time_utc}" if e.time_utc else "")),
                      literal(e.vehicle), literal(e.complex or e.site), literal(outcome),
                      literal(", ".join(i.name for i in e.items)))
    return table


def _launch_json(s: Any) -> dict[str, Any]:
    return {"id": s.id, "source": s.source, **entry_json(s.entry), "item_ids": s.item_ids}


def launches(
    db: Db = None, date_from: DateFrom = None, date_to: DateTo = None, site: Site = None,
    complex: Complex = None, family: Family = None, vehicle: Vehicle = None,
    configuration: Configuration = None, program: Program = None, nation: Nation = None,
    agency: Agency = None, type: SpacecraftType = None, state: State = None,
    code: LaunchCode = None, outcome: Outcome = None,
    failed_stage: FailedStage = None, cospar: CosparOpt = None, satcat: Satcat = None,
    text: TextOpt = None,
    events: Annotated[bool, typer.Option("--events", help="list non-launch events")] = False,
    sort: Annotated[str, typer.Option(help="date, id, name, vehicle, site, outcome or "
                                      "designator; '-' reverses (-date: newest first)")] = "date",
    limit: Annotated[int, typer.Option(help="at most this many (0: all)")] = 100,
    offset: Annotated[int, typer.Option()] = 0,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List launches, filtered and sorted.  CSV is the launches table of ``export``."""
    f = _filter(date_from=date_from, date_to=date_to, site=site, complex=complex, family=family,
                vehicle=vehicle, configuration=configuration, program=program, nation=nation,
                agency=agency, type=type, state=state, launch_code=code, outcome=outcome,
                failed_stage=failed_stage, cospar=cospar, satcat=satcat, text=text,
                kind="event" if events else "launch")
    with open_store(db) as store:
        found = store.launches(f, order=sort, limit=limit or None, offset=offset)
        total = store.count(f) if limit and len(found) == limit else offset + len(found)
        if fmt is ListFormat.csv:
            write_csv(names(LAUNCH_COLUMNS), store.table("launches", f, ids=[s.id for s in found]))
    if fmt is ListFormat.table:
        out_console().print(_launch_table(found))
    elif fmt is ListFormat.json:
        write_json_list(_launch_json(s) for s in found)
    elif fmt is ListFormat.ndjson:
        for s in found:
            sys.stdout.write(dumps(_launch_json(s)) + "\n")
    if total > offset + len(found):
        print(f"kosmochron: showing {len(found):,} of {total:,} (use --limit 0 for all, "
              "--offset to page)", file=sys.stderr)


def show(
    term: Annotated[str, typer.Argument(help="entry id, COSPAR, satellite number or name")],
    db: Db = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
) -> None:
    """One launch with its payloads, fields, diagnostics and source lines."""
    with open_store(db) as store:
        detail = store.get(term)
    stored, entry = detail.stored, detail.stored.entry
    if fmt is ShowFormat.json:
        record = _launch_json(stored)
        record["diagnostics"] = [str(d) for d in detail.diagnostics]
        record["gcat"] = {str(k): v for k, v in detail.gcat.items()}
        record["raw"] = detail.raw
        write_json(record)
        return
    out = out_console()
    out.print(Text.assemble(
        literal(f"#{stored.id} {entry.date.text}"
                f"{' ' + entry.time_utc + ' GMT' if entry.time_utc else ''}", "bold"),
        literal(f" ({entry.kind}, {entry.outcome or 'no outcome'}) — {stored.source}"
                f":{entry.line}-{entry.end_line}")))
    for f in entry.fields:
        out.print(literal(f"  {f.key}: {f.value}"))
    for item_id, item in zip(stored.item_ids, entry.items, strict=False):
        out.print(Text.assemble("\n", literal(f"· {item.name}", "bold"),
                                f" (payload #{item_id}, line {item.line})"))
        for f in item.fields:
            out.print(literal(f"    {f.key}: {f.value}"))
        if item_id in detail.gcat:
            g = detail.gcat[item_id]
            out.print(literal(f"    GCAT {g['jcat']} ({g['matched_by']}): program "
                              f"{g['program']}, result {g['result']}"))
        if item.narrative:
            out.print(literal(f"    {item.narrative}"))
    for diag in detail.diagnostics:
        out.print(literal(str(diag), "red"))
    out.print(Text("\nsource lines:", style="dim"))
    # Lines end only at \n in the format (str.splitlines also splits at \x0c, U+2028 …).
    for number, line in enumerate(detail.raw.removesuffix("\n").split("\n"), entry.line):
        out.print(Text.assemble((f"{number:>6}", "dim"), " ", literal(line.removesuffix("\r"))),
                  overflow="fold")


def search(
    query: Annotated[str, typer.Argument(help='words that must all occur; "quoted phrases"')],
    db: Db = None,
    limit: Annotated[int, typer.Option()] = 20,
    offset: Annotated[int, typer.Option()] = 0,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
) -> None:
    """Full-text search over payload names, failures, summaries and narratives."""
    with open_store(db) as store:
        hits = store.search(query, limit, offset)
    if fmt is ShowFormat.json:
        write_json([{"item_id": h.item_id, "entry_id": h.entry_id, "name": h.name,
                     "date": h.date_text, "rank": h.rank, "snippet": h.snippet_text("**", "**"),
                     "snippet_html": h.snippet_html()} for h in hits])
        return
    out = out_console()
    if not hits:
        print(f"kosmochron: no match for {query!r}", file=sys.stderr)
    for h in hits:
        snippet, marked = Text("    "), False
        for part in re.split(f"([{MARK_START}{MARK_END}])", h.snippet):
            if part in (MARK_START, MARK_END):
                marked = part == MARK_START
            else:
                snippet.append_text(literal(part, "bold yellow" if marked else ""))
        out.print(Text.assemble(literal(f"#{h.entry_id} {h.date_text} · {h.name}", "bold"),
                                (f" (rank {h.rank:.2f})", "dim"), "\n", snippet))


def stats(
    by: Annotated[str, typer.Option(help=", ".join(STAT_DIMENSIONS))] = "family",
    view: Annotated[StatsView, typer.Option(
        help="rates (per group), streaks (longest runs of successes), learning (success by "
        "flight number), cadence (launches per year and group), failures (by stage)")]
    = StatsView.rates,
    step: Annotated[int, typer.Option(help="Flights per step of the learning curve.")] = 5,
    db: Db = None,
    family: Annotated[str | None, typer.Option()] = None,
    vehicle: Annotated[str | None, typer.Option()] = None,
    site: Annotated[str | None, typer.Option()] = None,
    program: Annotated[str | None, typer.Option()] = None,
    nation: Annotated[str | None, typer.Option()] = None,
    agency: Annotated[str | None, typer.Option()] = None,
    date_from: Annotated[str | None, typer.Option("--from")] = None,
    date_to: Annotated[str | None, typer.Option("--to")] = None,
    definition: Annotated[str, typer.Option(
        "--outcome-definition", help="launch (FAILURE: in the header) or mission (GCAT's "
        "result per payload, after import-gcat)")] = "launch",
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f")] = StatsFormat.table,
) -> None:
    """Launch statistics per group: attempts, successes, failures, score, success rate
    with Wilson and Jeffreys 95% intervals, longest success streak and failed stages;
    or (--view) streaks, the learning curve, cadence or failures by stage."""
    f = _filter(family=family, vehicle=vehicle, site=site, program=program, nation=nation,
                agency=agency, date_from=date_from, date_to=date_to)
    with open_store(db) as store:
        statistics.show(store, view, by, f, definition, fmt, step)


def sources(db: Db = None) -> None:
    """The stored sources: path, title, counts, hash and when they were ingested."""
    with open_store(db) as store:
        rows = store.sources()
    table = Table()
    for column in ("ID", "Path", "Title", "Entries", "Launches", "Payloads", "Errors",
                   "SHA-256", "Ingested"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), literal(r["path"]), literal(r["title"]),
                      str(r["entry_count"]), str(r["launch_count"]), str(r["item_count"]),
                      str(r["error_count"]), r["sha256"][:12], str(r["ingested_at"])[:19])
    out_console().print(table)


def render_selection(options: dict[str, Any], db: str | None) -> None:
    """The stored launches a filter selects, as one chronology on stdout."""
    f = LaunchFilter.from_options(**options)
    with open_store(db) as store:
        out = sys.stdout
        for text in store.render_selection(f):
            out.write(text)
    out.flush()


def render_stored(source: str | None, db: str | None) -> None:
    """Write a stored source back, byte for byte (the bundled seed by default)."""
    with open_store(db) as store:
        data = store.render_source(source)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.json,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="a file (json, ndjson; or one table as .csv, .parquet or .tsv) or "
        "a directory for both tables (csv, parquet, gcat-tsv); default: stdout",
        show_default=False)] = None,
    table: Annotated[ExportTable, typer.Option(
        "--table", help="the table a table format writes to stdout or to a file")]
    = ExportTable.launches,
    db: Db = None, date_from: DateFrom = None, date_to: DateTo = None, site: Site = None,
    complex: Complex = None, family: Family = None, vehicle: Vehicle = None,
    configuration: Configuration = None, program: Program = None, nation: Nation = None,
    agency: Agency = None, type: SpacecraftType = None, state: State = None,
    code: LaunchCode = None, outcome: Outcome = None,
    failed_stage: FailedStage = None, cospar: CosparOpt = None, satcat: Satcat = None,
    text: TextOpt = None,
    kind: Annotated[ExportKind, typer.Option(
        "--kind", help="launches, other events or all entries")] = ExportKind.all,
) -> None:
    """Export the stored chronology, or the entries matching the filters of
    ``launches``: json (the parser's contract), ndjson, csv and parquet (launches and
    payloads tables), gcat-tsv (GCAT's column names).  Writes to stdout (a table
    format: the --table, launches by default) unless --out is given."""
    kinds: dict[ExportKind, Literal["launch", "event"] | None] = {
        ExportKind.all: None, ExportKind.launch: "launch", ExportKind.event: "event"}
    f = _filter(date_from=date_from, date_to=date_to, site=site, complex=complex, family=family,
                vehicle=vehicle, configuration=configuration, program=program, nation=nation,
                agency=agency, type=type, state=state, launch_code=code, outcome=outcome,
                failed_stage=failed_stage, cospar=cospar, satcat=satcat, text=text)
    f.kind = kinds[kind] if not (fmt is ExportFormat.gcat_tsv and kind is ExportKind.all) \
        else "launch"  # GCAT's launch list holds launches only
    if out is None and fmt is ExportFormat.parquet and sys.stdout.isatty():
        raise QueryError("Parquet is binary: give --out FILE.parquet or --out DIRECTORY, "
                         "or redirect stdout to a file")
    with open_store(db) as store:
        written = store.export(fmt.value, sys.stdout if out is None else out, f, table.value)
    for path in written or []:
        print(f"wrote {path.resolve()}", file=sys.stderr)


def _transfer_ids(store: Store, term: str) -> list[int]:
    """Payload ids for a COSPAR designator (the payload itself), else the payloads of
    the launch ``store.get`` finds, narrowed to those called ``term`` if any are."""
    ids = store.payload_ids(cospar=term)
    if ids:
        return ids
    stored = store.get(term).stored
    named = [i for i, item in zip(stored.item_ids, stored.entry.items, strict=False)
             if item.name.casefold() == term.strip().casefold()]
    return named or stored.item_ids


def _figure(x: float | None, digits: int, unit: str) -> str:
    return "–" if x is None else f"{x:.{digits}f}{unit}"


def _over_bounds(report: dict[str, Any], key: str, digits: int, unit: str) -> str:
    """`` (a to b over the arrival interval)`` for an arrival known to a month or season."""
    bounds = report.get("bounds")
    if not bounds:
        return ""
    first, last = (_figure(b[key], digits, unit) for b in bounds)
    return f" ({first} to {last} over the arrival interval)"


def _transfer_table(report: dict[str, Any]) -> Table:
    t, w = report["transfer"], report["window"]
    table = Table(title=literal(f"{report['name']} (payload #{report['payload_id']}) to "
                                f"{report['target']}"), show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("Launch", report["launch"])
    arrival, interval = report["arrival"], report["arrival_interval"]
    when = "none dated in the narrative" if arrival is None else arrival["date"]["start"]
    if interval is not None:
        when = f"{interval['start']} to {interval['end']} ({interval['precision']})"
    table.add_row("Arrival", when if arrival is None else
                  literal(f"{when} ({arrival['kind']}: “{arrival['span']['text']}”)"))
    if t is not None:
        table.add_row("C3", f"{_figure(t['c3_km2_s2'], 2, ' km²/s²')} (v∞ "
                            f"{_figure(t['vinf_departure_km_s'], 2, ' km/s')})"
                      + _over_bounds(report, "c3_km2_s2", 2, " km²/s²")
                      + (" [bold red]SUSPECT[/bold red]" if report["suspect"] else ""))
        table.add_row("DLA", _figure(t["dla_deg"], 1, "°")
                      + _over_bounds(report, "dla_deg", 1, "°"))
        table.add_row("Arrival v∞", _figure(t["vinf_arrival_km_s"], 2, " km/s")
                      + _over_bounds(report, "vinf_arrival_km_s", 2, " km/s"))
        table.add_row("Time of flight", f"{t['tof_days']:.1f} days"
                      + _over_bounds(report, "tof_days", 1, " days"))
    elif report["note"]:
        table.add_row("Transfer", literal(f"none: {report['note']}"))
    if report["window_note"]:
        table.add_row("Window", literal(f"none: {report['window_note']}"))
    best = w["best"]
    if best is not None:
        days = w["days_from_optimum"]
        table.add_row("Window best", f"C3 {_figure(best['c3_km2_s2'], 2, ' km²/s²')} departing "
                                     f"{best['depart'][:10]}, arriving {best['arrive'][:10]}")
        table.add_row("From optimum", f"{days:+.0f} days" + (" (at the window's edge)"
                                                            if w["at_edge"] else ""))
    table.add_row("In the window", literal(", ".join(
        f"{m['name']} {m['launch'][:10] if m['launch'] else ''}"
        f"{' (failed)' if m['outcome'] == 'failure' else ''}" for m in w["launches"])))
    return table


def transfer(
    term: Annotated[str, typer.Argument(help="payload name, COSPAR designator, satellite "
                                             "number or launch id")],
    db: Db = None,
    fmt: Annotated[TransferFormat, typer.Option("--format", "-f")] = TransferFormat.table,
) -> None:
    """A payload's transfer to Mars or Venus: C3, DLA, arrival v∞ and time of flight
    from its launch to the arrival its narrative dates, and its launch window
    (the window's best C3 and how many days the launch came from it).  JSON is a
    list with one report per payload that has one."""
    with open_store(db) as store:
        reports, reasons = [], []
        for payload_id in _transfer_ids(store, term):
            report = store.payload_transfer(payload_id)
            if report is None:
                name = store.payload(payload_id)["name"]
                reasons.append(f"{name} (payload #{payload_id}): "
                               f"{store.no_transfer_reason(payload_id)}")
            else:
                reports.append(report)
    if not reports:
        print(f"kosmochron: no transfer for {term!r}: " + "; ".join(reasons), file=sys.stderr)
        raise typer.Exit(1)
    if fmt is TransferFormat.json:
        write_json(reports)
        return
    out = out_console()
    for report in reports:
        out.print(_transfer_table(report))


def serve(
    db: Db = None,
    host: Annotated[str, typer.Option(
        help="Interface to listen on (0.0.0.0: all).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help=(
        "Worker processes, each with its own connections: up to one per core."))] = 1,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="The public address absolute URLs in responses start with, e.g. "
        "https://example.org/kosmochron (default: $KOSMOCHRON_BASE_URL, else http://HOST:PORT;"
        " never the request's Host header).", show_default=False)] = None,
    request_seconds: Annotated[float | None, typer.Option(
        "--request-seconds", min=0.1, help="Database time one request may spend (default 2; "
        "$KOSMOCHRON_REQUEST_SECONDS).", show_default=False)] = None,
    header_seconds: Annotated[float, typer.Option(
        "--header-seconds", min=0.1, help="Time a client has to send a request's "
        "headers.")] = 2.0,
) -> None:
    """Serve the JSON API (/api/v1, docs at /api/docs) and the web UI (uvicorn); by
    default on the bundled Soviet Mars chronology."""
    from ..store import Settings
    from ..web.server import ServerOptions
    from ..web.server import serve as run_server

    settings = Settings.from_env(db)
    # Open (migrate, seed) once before serving, so a bad --db is a one-line error here
    # rather than a traceback from the app's startup; the app then opens its own store.
    open_store(db).close()
    print(f"kosmochron: serving {settings.url} on http://{host}:{port}/ "
          f"(API docs: http://{host}:{port}/api/docs)", file=sys.stderr)
    options = ServerOptions(base_url, request_seconds, header_seconds)
    raise typer.Exit(run_server(settings, host, port, workers, options))


def register(app: typer.Typer) -> None:
    """Add the database commands to the ``kosmochron`` app."""
    app.command()(ingest)
    app.command()(launches)
    app.command()(show)
    app.command()(search)
    app.command()(stats)
    app.command("export")(export)
    app.command()(sources)
    app.command()(transfer)
    app.command()(serve)
