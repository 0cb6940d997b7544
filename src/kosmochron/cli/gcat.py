"""The GCAT commands of ``kosmochron``: ``import-gcat`` and ``reconcile``.

GCAT is J. McDowell's General Catalog of Artificial Space Objects (planet4589.org,
CC-BY 4.0).  ``import-gcat`` loads its files (the bundled ones with no FILE);
``reconcile`` reports every launch two sources tell, field by field.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..gcat import GCAT_CITATION, GCAT_LICENCE
from ..store import open_store
from ..tables import RECONCILE_COLUMNS, reconcile_rows
from .common import Db, err_console, require_files, visible, write_csv, write_json

ATTRIBUTION = f"{GCAT_CITATION}, {GCAT_LICENCE}"


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """One progress bar on stderr whose label follows the step (silent off a TTY)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err_console(), disable=not sys.stderr.isatty(),
                  transient=True) as progress:
        task = progress.add_task("import-gcat", total=None)

        def update(label: str, done: int, total: int) -> None:
            progress.update(task, description=label, completed=done, total=total or None)

        yield update


def import_gcat(
    files: Annotated[list[Path] | None, typer.Argument(
        help="GCAT files, each recognised by its header: the launch list (launch.tsv or "
        "its CSV export), psatcat.tsv, satcat.tsv, sites.tsv, orgs.tsv, lv.tsv "
        "(default: the bundled files).", show_default=False)] = None,
    db: Db = None,
    prefer: Annotated[str | None, typer.Option(
        "--prefer", help="which source counts for a launch two sources tell: gcat (the "
        "default; figures use GCAT's codes) or astronautix")] = None,
) -> None:
    """Load GCAT (J. McDowell, planet4589.org, CC-BY 4.0) in one transaction: its launches
    become launches of every view, linked to the stored chronologies' launches."""
    require_files(files)
    from ..store.gcat_import import bundled_files

    targets: list[Any] = list(files) if files else bundled_files()
    with open_store(db) as store:
        if prefer is not None:
            store.set_prefer(prefer)
        with _progress() as update:
            results = store.import_gcat_files(targets, update)
        counted = store.count()
    errors = 0
    for result in results:
        for diag in result.diagnostics:
            print(diag, file=sys.stderr)
        errors += result.errors
        what = "unchanged (same SHA-256)" if result.status == "unchanged" else (
            f"{result.status}: {result.rows:,} rows, {result.bad_rows:,} kept as raw text, "
            f"{result.errors:,} errors in {result.seconds:.2f} s")
        print(f"{result.kind} {result.path}: {what}", file=sys.stderr)
    print(f"{counted:,} launches in all ({ATTRIBUTION})", file=sys.stderr)
    raise typer.Exit(1 if errors else 0)


class ReconcileFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"


def reconcile(
    db: Db = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="only this stored chronology (its path as `sources` lists it)")] = None,
    fmt: Annotated[ReconcileFormat, typer.Option("--format", "-f")] = ReconcileFormat.text,
) -> None:
    """Every launch that GCAT and a chronology both tell, field by field, with both
    values and citations; and the launches one has and the other lacks."""
    with open_store(db) as store:
        report = store.reconcile(source)
    if fmt is ReconcileFormat.json:
        write_json(report)
    elif fmt is ReconcileFormat.csv:
        write_csv(CSV_COLUMNS, csv_rows(report))
    elif fmt is ReconcileFormat.html:
        sys.stdout.write(html_report(report))
    else:
        sys.stdout.write(visible("".join(text_report(report))))  # no terminal codes


#: The report's table (one row per field compared), as the web UI's download has it.
CSV_COLUMNS = RECONCILE_COLUMNS
csv_rows = reconcile_rows


def _value(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def text_report(report: dict[str, Any]) -> Iterator[str]:
    yield (f"{report['matched']} launches told by two sources, {report['with_disagreements']} "
           f"with disagreements; counted from {report['prefer']} (prefer); GCAT: "
           f"{report['attribution']}\n")
    for launch in report["launches"]:
        yield (f"\n{launch['date']} = GCAT {launch['tag']} ({launch['matched_by']}: "
               f"{launch['how']})\n  {launch['citation']}  |  {launch['gcat_citation']}\n")
        for f in launch["fields"]:
            if f["verdict"] != "disagree":
                continue
            where = f" [{f['payload']}]" if f["payload"] else ""
            note = f"  ({f['note']})" if f["note"] else ""
            yield (f"  DISAGREE {f['field']}{where}: {_value(f['astronautix'])} "
                   f"(chronology) ≠ {_value(f['gcat'])} (GCAT){note}\n")
    for part in report["sources"]:
        yield (f"\n{part['source']} ({part['from']} – {part['to']}): "
               f"{len(part['only_here'])} launches GCAT lacks, "
               f"{part['only_gcat_count']:,} GCAT launches it lacks\n")
        for launch in part["only_here"]:
            yield f"  only in the chronology: {launch['date']}  {launch['citation']}\n"
        listed = part["only_gcat"][:20]
        for launch in listed:
            yield f"  only in GCAT: {launch['date']}  {launch['tag']}\n"
        if part["only_gcat_count"] > len(listed):
            yield (f"  … and {part['only_gcat_count'] - len(listed):,} more "
                   "(--format json or csv lists them)\n")


def html_report(report: dict[str, Any]) -> str:
    """A self-contained page: one table per launch, disagreements marked."""
    e = html.escape
    parts = ["<!doctype html><meta charset=utf-8><title>Reconciliation</title>",
             "<style>body{font:14px sans-serif;margin:2em}td,th{padding:2px 8px;"
             "border-bottom:1px solid #ddd;text-align:left}.disagree{background:#fdd}"
             ".agree{color:#264}</style>",
             f"<h1>Reconciliation</h1><p>{report['matched']} launches told by two sources, "
             f"{report['with_disagreements']} with disagreements. Counted from "
             f"{e(report['prefer'])}. GCAT: {e(report['attribution'])}.</p>"]
    for launch in report["launches"]:
        parts.append(f"<h2>{e(launch['date'])} — GCAT {e(launch['tag'])}</h2>"
                     f"<p>{e(launch['matched_by'])}: {e(launch['how'])}<br>"
                     f"{e(launch['citation'])} · {e(launch['gcat_citation'])}</p><table>"
                     "<tr><th>field</th><th>payload</th><th>chronology</th><th>GCAT</th>"
                     "<th>verdict</th><th>note</th></tr>")
        for f in launch["fields"]:
            parts.append(f"<tr class='{e(f['verdict'])}'><td>{e(f['field'])}</td>"
                         f"<td>{e(_value(f['payload']))}</td>"
                         f"<td>{e(_value(f['astronautix']))}</td><td>{e(_value(f['gcat']))}</td>"
                         f"<td>{e(f['verdict'])}</td><td>{e(f['note'])}</td></tr>")
        parts.append("</table>")
    for part in report["sources"]:
        parts.append(f"<h2>{e(part['source'])}</h2><p>{len(part['only_here'])} launches GCAT "
                     f"lacks; {part['only_gcat_count']:,} GCAT launches of its period "
                     "it lacks.</p>")
    parts.append(f"<footer>GCAT data: {e(ATTRIBUTION)}</footer>\n")
    return "".join(parts)


def register(app: typer.Typer) -> None:
    app.command("import-gcat")(import_gcat)
    app.command()(reconcile)
