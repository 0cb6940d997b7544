"""``kosmochron check``: run the validation rules over files or the stored
chronology and print the findings as text, JSON or an HTML report.

Exit status 0 when no finding is an error, 1 otherwise (2: usage or I/O).
"""

from __future__ import annotations

import html
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from ..source import ChronologyStream, SourceError
from ..validate import RULE_IDS, SEVERITIES, Finding, GcatLookup, check_entries, rule_doc, select
from .common import CheckFormat, MinSeverity, ReaderGone, open_streams, write_json

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


def errors_first(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then infos, each in the order they were found."""
    return sorted(findings, key=lambda f: -SEVERITIES.index(f.severity))


def summary(counts: Counter[tuple[str, str]]) -> str:
    """The closing line: how many findings of each severity, then per rule (rules with
    errors first): ``summary: 1 error, 6 warnings, 42 infos; by rule: date-decay 1
    error; decay-reentry 2 warnings; …``."""
    def many(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    total = {s: sum(n for (sev, _), n in counts.items() if sev == s) for s in SEVERITIES}
    line = "summary: " + ", ".join(many(total[s], s) for s in reversed(SEVERITIES))
    rules = sorted({rule for _, rule in counts},
                   key=lambda r: (-max(SEVERITIES.index(s) for s, x in counts if x == r), r))
    if rules:
        line += "; by rule: " + "; ".join(
            f"{rule} " + ", ".join(many(counts[(s, rule)], s) for s in reversed(SEVERITIES)
                                   if counts[(s, rule)]) for rule in rules)
    return line


def html_report(findings: list[Finding], title: str = "Kosmochron validation report") -> str:
    """A self-contained HTML page: one row per rule with its counts by severity and what
    it checks (plain text), then every finding, errors first."""
    counts = Counter((f.rule, f.severity) for f in findings)
    order = sorted({r for r, _ in counts},
                   key=lambda r: (-max(SEVERITIES.index(s) for x, s in counts if x == r), r))
    rows = "".join(
        f"<tr><td><code>{html.escape(rule)}</code></td>"
        + "".join(f"<td>{counts[(rule, s)]}</td>" for s in reversed(SEVERITIES))
        + f"<td>{html.escape(rule_doc(rule))}</td></tr>" for rule in order)
    items = "".join(
        f"<li class='{f.severity}'><code>{html.escape(f.source)}:{f.line}:{f.column}</code> "
        f"<strong>{f.severity}</strong> <code>{html.escape(f.rule)}</code> "
        f"{html.escape(f.entry)}{' · ' + html.escape(f.item) if f.item else ''}: "
        f"{html.escape(f.message)}</li>" for f in errors_first(findings))
    tally = summary(Counter((f.severity, f.rule) for f in findings)).split(";")[0]
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            f"max-width:60rem;margin:auto;padding:1rem}}td,th{{padding:.2rem .5rem;"
            f"text-align:left;vertical-align:top}}.error{{color:#a00}}.warning{{color:#850}}"
            f"</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p class='summary'>{html.escape(tally.removeprefix('summary: '))}.</p>"
            f"<h2>Findings by rule</h2><table><tr><th>Rule</th><th>Errors</th>"
            f"<th>Warnings</th><th>Infos</th><th>What it checks</th></tr>{rows}</table>"
            f"<h2>Findings</h2><ul>{items}</ul></body></html>\n")


def _write_text(findings: Iterable[Finding]) -> int:
    """Errors as they are found, then the warnings and the infos (kept as their text
    lines, not as findings), then the summary line; the number of errors."""
    later: dict[str, list[str]] = {"warning": [], "info": []}
    counts: Counter[tuple[str, str]] = Counter()
    stop: SourceError | None = None
    try:
        try:
            for f in findings:
                counts[(f.severity, f.rule)] += 1
                if f.severity == "error":
                    print(f)
                else:
                    later[f.severity].append(str(f))
        except SourceError as exc:  # what was found so far is still reported
            stop = exc
        for severity in ("warning", "info"):
            for line in later[severity]:
                print(line)
        print(summary(counts))
    except BrokenPipeError:
        # ``kosmochron check | head``: the reader left, which is not an error finding
        # (Click would exit 1, the status for one); ``main`` maps this to status 0.
        raise ReaderGone from None
    if stop is not None:
        raise stop
    return sum(n for (severity, _), n in counts.items() if severity == "error")


def _write(findings: Iterable[Finding], fmt: CheckFormat) -> int:
    if fmt is CheckFormat.text:
        return _write_text(findings)
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
        write_json([f.to_json() for f in collected])  # never NaN or Infinity
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
    """Check orbits (Kepler), unit pairs, dates, designators, the fields against the
    narrative and the GCAT crosswalk; print FILE:LINE:COL: severity: rule: message,
    errors first, then a summary line of the counts by severity and rule.  Status 1
    if any error."""
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
