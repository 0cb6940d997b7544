"""``kosmochron check``: run the validation rules over files or the stored
chronology and print the findings as text, JSON or an HTML report.

Exit status 0 when no finding is an error, 1 otherwise (2: usage or I/O).
"""

from __future__ import annotations

import html
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from ..source import ChronologyStream, SourceError
from ..validate import RULE_IDS, SEVERITIES, Finding, GcatLookup, check_entries, rule_doc, select
from .common import CheckFormat, MinSeverity, ReaderGone, open_streams

#: What ``--rule`` accepts: a finding's rule id or the family (rule function) it
#: belongs to, e.g. ``cospar`` for every ``cospar-*`` id.
_RULE_NAMES = ", ".join(sorted(set(RULE_IDS) | set(RULE_IDS.values())))


def _file_findings(streams: list[ChronologyStream],
                   gcat: GcatLookup | None) -> Iterator[Finding]:
    for stream in streams:
        yield from check_entries(stream.entries(), stream.reader.display, gcat)


def _stored_findings(db: str | None) -> Iterator[Finding]:
    from ..store import open_store

    with open_store(db) as store:
        yield from store.check_all()


def _gcat_from(db: str | None) -> GcatLookup | None:
    from ..store import open_store

    with open_store(db) as store:
        return store.gcat_lookup()


def html_report(findings: list[Finding], title: str = "Kosmochron validation report") -> str:
    """A self-contained HTML page: counts by rule and severity, then every finding."""
    counts = Counter((f.rule, f.severity) for f in findings)
    rows = "".join(
        f"<tr><td><code>{html.escape(rule)}</code></td><td>{severity}</td><td>{n}</td>"
        f"<td>{html.escape(rule_doc(rule))}</td></tr>"
        for (rule, severity), n in sorted(counts.items()))
    items = "".join(
        f"<li class='{f.severity}'><code>{html.escape(f.source)}:{f.line}:{f.column}</code> "
        f"<strong>{f.severity}</strong> <code>{html.escape(f.rule)}</code> "
        f"{html.escape(f.entry)}{' · ' + html.escape(f.item) if f.item else ''}: "
        f"{html.escape(f.message)}</li>" for f in findings)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            f"max-width:60rem;margin:auto;padding:1rem}}td,th{{padding:.2rem .5rem;"
            f"text-align:left;vertical-align:top}}.error{{color:#a00}}.warning{{color:#850}}"
            f"</style></head><body><h1>{html.escape(title)}</h1><h2>Findings by rule</h2>"
            f"<table><tr><th>Rule</th><th>Severity</th><th>Count</th><th>What it checks</th>"
            f"</tr>{rows}</table><h2>Findings</h2><ul>{items}</ul></body></html>\n")


def _write(findings: Iterable[Finding], fmt: CheckFormat) -> int:
    errors = 0
    if fmt is CheckFormat.text:
        try:
            for f in findings:
                errors += f.severity == "error"
                print(f)
        except BrokenPipeError:
            # ``kosmochron check | head``: the reader left, which is not an error finding
            # (Click would exit 1, the status for one); ``main`` maps this to status 0.
            raise ReaderGone from None
        return errors
    # A file that stops early (an undecodable byte) still gets a complete document
    # of the findings so far, so stdout is valid JSON whatever the status.
    collected: list[Finding] = []
    stop: SourceError | None = None
    try:
        collected.extend(findings)
    except SourceError as exc:
        stop = exc
    errors = sum(f.severity == "error" for f in collected)
    if fmt is CheckFormat.json:
        json.dump([f.to_json() for f in collected], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(html_report(collected))
    if stop is not None:
        raise stop
    return errors


def check(
    files: Annotated[list[Path] | None, typer.Argument(
        help="Chronology files, parsed on the fly (default: the stored chronology).",
        show_default=False)] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="The database (for the stored chronology, and GCAT for files).",
        show_default=False)] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.text,
    rule: Annotated[list[str] | None, typer.Option(
        "--rule", help=f"Only these rules (ids or families): {_RULE_NAMES}.")] = None,
    min_severity: Annotated[MinSeverity, typer.Option("--min-severity")] = MinSeverity.info,
    encoding: Annotated[str, typer.Option("--encoding", "-e")] = "utf-8",
) -> None:
    """Check orbits (Kepler), unit pairs, dates, designators and the GCAT crosswalk;
    print FILE:LINE:COL: severity: rule: message.  Status 1 if any error."""
    unknown = [r for r in rule or [] if r not in RULE_IDS and r not in RULE_IDS.values()]
    if unknown:
        raise typer.BadParameter(f"unknown rule {unknown[0]!r}; rules: {_RULE_NAMES}",
                                 param_hint="--rule")
    if files:
        streams = open_streams(files, encoding)
        findings = _file_findings(streams, _gcat_from(db) if db else None)
    else:
        findings = _stored_findings(db)
    assert min_severity.value in SEVERITIES
    errors = _write(select(findings, rule, min_severity.value), fmt)
    raise typer.Exit(1 if errors else 0)


def register(app: typer.Typer) -> None:
    app.command()(check)
