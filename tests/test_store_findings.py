"""Validation over the stored chronology (``check_stored``): the same findings as the
file, plus database ids; the GCAT crosswalk once a catalog is imported, matching the
reviewed golden file.  Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from db_support import GCAT_FILES, GCAT_SAMPLE, SEED_NAME, SEED_TEXT, write_text
from kosmochron import parse_file
from kosmochron.store import Store
from kosmochron.store.findings import (
    check_one,
    check_stored,
    gcat_lookup,
    remember_stored,
    stored_entries,
)
from kosmochron.store.report import check_run, plan
from kosmochron.store.schema import entries, items, sources
from kosmochron.validate import RULE_IDS, Context, Finding, check_entries, remember

pytest_plugins = ["db_support"]

GOLDEN = json.loads((Path(__file__).parent / "golden" / "seed-findings.json")
                    .read_text(encoding="utf-8"))
FIXTURES = Path(__file__).parent / "fixtures"

Key = tuple[Any, ...]


def stored(store: Store) -> list[Finding]:
    with store.engine.connect() as conn:
        return list(check_stored(conn))


def key(f: Finding) -> Key:
    """Everything a finding says but its database ids."""
    return (f.rule, f.severity, f.source, f.line, f.column, f.entry, f.item, f.message,
            json.dumps(f.evidence, sort_keys=True))


def golden_key(f: Finding) -> Key:
    return (f.rule, f.entry, f.item, f.severity, f.line)


def golden_set(with_gcat: bool) -> set[Key]:
    return {(g["rule"], g["entry"], g["item"], g["severity"], g["line"])
            for g in GOLDEN["findings"] if with_gcat or not g["rule"].startswith("gcat-")}


def diff(actual: set[Key], expected: set[Key]) -> str:
    lines = [f"+ {a}" for a in sorted(actual - expected, key=str)]
    lines += [f"- {e}" for e in sorted(expected - actual, key=str)]
    return "findings differ from tests/golden/seed-findings.json:\n" + "\n".join(lines)


def test_stored_findings_are_the_files_plus_ids(store: Store) -> None:
    from_file = list(check_entries(parse_file().entries, SEED_NAME))
    found = stored(store)
    assert [key(f) for f in found] == [key(f) for f in from_file]  # same, in the same order
    assert all(f.entry_id is None and f.item_id is None for f in from_file)
    with store.engine.connect() as conn:
        entry_lines = dict(conn.execute(sa.select(entries.c.id, entries.c.line)).all())
        item_rows = {r.id: r for r in conn.execute(
            sa.select(items.c.id, items.c.entry_id, items.c.line, items.c.name))}
    for f in found:
        assert f.entry_id in entry_lines
        if f.item is None:
            assert f.item_id is None and entry_lines[f.entry_id] == f.line
            continue
        assert f.item_id is not None
        row = item_rows[f.item_id]
        assert (row.entry_id, row.line, row.name) == (f.entry_id, f.line, f.item)


def test_crosswalk_only_after_import_and_the_golden_file(store: Store) -> None:
    with store.engine.connect() as conn:
        assert gcat_lookup(conn) is None
    before = stored(store)
    assert not [f for f in before if f.rule.startswith("gcat-")]
    assert {golden_key(f) for f in before} == golden_set(with_gcat=False)

    store.import_gcat(GCAT_SAMPLE)
    after = stored(store)
    actual = {golden_key(f) for f in after}
    assert actual == golden_set(with_gcat=True), diff(actual, golden_set(with_gcat=True))
    assert len(after) == len(actual)  # no finding twice
    # The other rules are untouched by the catalog.
    assert [key(f) for f in after if not f.rule.startswith("gcat-")] == [key(f) for f in before]
    crosswalk = {f.item: f for f in after if f.rule == "gcat-crosswalk"}
    mars2 = crosswalk["Mars 2"].evidence
    assert (mars2["jcat"], mars2["gcat_result"], mars2["gcat_program"]) == ("S05234", "U", "3M")
    assert (mars2["our_outcome"], mars2["our_program"]) == ("success", "Mars")
    sputnik22 = crosswalk["Sputnik 22"].evidence
    assert (sputnik22["gcat_piece"], sputnik22["our_piece"]) == ("1962 B IOT 1", "1962 B IOT 1")
    # Issue 12: carried aboard Phobos 2, not a name disagreement with its row.
    pps = crosswalk["1F PPS"]
    assert pps.severity == "info" and pps.message.startswith("carried aboard Phobos 2: no GCAT "
                                                             "row of its own")
    orbit = next(f for f in after if f.rule == "gcat-orbit")
    assert (orbit.item, orbit.evidence["registered_km"]) == ("Cosmos 419", [158.0, 174.0])
    contact = {f.item: f.evidence["days_apart"] for f in after if f.rule == "gcat-contact"}
    assert contact == {"Zond 2": 5, "Phobos 1": 5}


def test_gcat_lookup_over_the_imported_rows(store: Store) -> None:
    store.import_gcat(GCAT_SAMPLE)
    with store.engine.connect() as conn:
        lookup = gcat_lookup(conn)
    assert lookup is not None
    [by_number] = lookup(443, None)
    assert by_number["jcat"] == "S00443"
    # GCAT dates come back as dates on both backends, or no date would be compared.
    assert by_number["launch_date"] == dt.date(1962, 10, 24)
    assert by_number["t_last_start"] == dt.date(1962, 10, 24)
    [by_piece] = lookup(None, "1962 B IOT 1")
    assert by_piece["jcat"] == "S00443"
    # Every row that may be the payload's: the number's, the designator's, the day's.
    both = lookup(5252, "1971-045A")
    assert sorted(r["jcat"] for r in both) == ["S05234", "S05252"]
    may = lookup(None, None, (dt.date(1971, 5, 19), dt.date(1971, 5, 28)))
    assert sorted(r["jcat"] for r in may) == ["S05234", "S05252", "S05667", "S05739"]
    assert lookup(None, None) == [] and lookup(99999, "1999-999Z") == []


def test_a_mistyped_number_is_one_disagreement_with_the_right_row(store: Store,
                                                                  tmp_path: Path) -> None:
    """Issue 12: Mars 2 with Mars 3's number (5252) is linked to its own row, found by
    designator, day and name, and blamed for the number alone, not for three keys."""
    store.import_gcat(GCAT_SAMPLE)
    text = SEED_TEXT.replace("USAF Sat Cat: 5234 .", "USAF Sat Cat: 5252 .")
    copy = write_text(tmp_path / "typo.txt", text)
    store.ingest([copy])
    found = [f for f in stored(store) if f.source == str(copy) and f.rule == "gcat-crosswalk"]
    mars2 = next(f for f in found if f.item == "Mars 2")
    assert mars2.severity == "warning"
    assert mars2.message == "GCAT S05234 disagrees: satellite number 5252 here, 5234 in GCAT"
    assert mars2.evidence["matched_by"] == "designator"
    mars3 = next(f for f in found if f.item == "Mars 3")
    assert mars3.severity == "info"  # its own row is still its own


def test_each_source_is_checked_in_its_own_context(store: Store, tmp_path: Path) -> None:
    # A copy of the seed under another name: its satellite numbers repeat the seed's,
    # but duplicates are looked for within a source, so it has the very same findings.
    copy = write_text(tmp_path / "seed-copy.txt", SEED_TEXT)
    decay = FIXTURES / "validate-decay-before-launch.txt"
    store.ingest([copy, decay])
    found = stored(store)
    by_source: dict[str, list[Finding]] = {}
    for f in found:
        by_source.setdefault(f.source, []).append(f)
    with store.engine.connect() as conn:
        paths = [p for (p,) in conn.execute(sa.select(sources.c.path).order_by(sources.c.id))]
    assert list(by_source) == paths  # sources in order, each contiguous
    seed, copied, bad = (by_source[p] for p in paths)
    assert [key(f)[:2] + key(f)[3:] for f in copied] == [key(f)[:2] + key(f)[3:] for f in seed]
    assert [(f.rule, f.severity) for f in bad] == [("orbit-kepler", "info"),
                                                  ("date-decay", "error")]
    assert {f.entry_id for f in copied}.isdisjoint({f.entry_id for f in seed})


def test_stored_entries_in_small_batches(store: Store) -> None:
    with store.engine.connect() as conn:
        source_id = conn.execute(sa.select(sources.c.id)).scalar_one()
        whole = list(stored_entries(conn, source_id))
        batched = list(stored_entries(conn, source_id, batch=4))
    assert [(e, i) for e, i, _ in batched] == [(e, i) for e, i, _ in whole]
    assert [entry for _, _, entry in batched] == parse_file().entries
    assert len(whole) == 21 and sum(len(i) for _, i, _ in whole) == 29


def test_one_entry_is_checked_as_the_whole_source_checks_it(store: Store) -> None:
    # A launch page asks for one entry's findings: they must equal that entry's share
    # of a whole run, context (order, duplicates, GCAT) included, without the run.
    store.import_gcat(GCAT_SAMPLE)
    with store.engine.connect() as conn:
        everything = list(check_stored(conn))
        ids = [r[0] for r in conn.execute(sa.select(entries.c.id).order_by(entries.c.id))]
        for entry_id in ids:
            assert check_one(conn, entry_id) == [f for f in everything
                                                 if f.entry_id == entry_id], entry_id
        assert check_one(conn, 10**6) == []
    assert store.findings(entry_id=ids[0]) == [f for f in everything if f.entry_id == ids[0]]


#: A lander written before its carrier shares the carrier's number without claiming
#: it; a later payload that repeats the number or a designator is a duplicate of the
#: first payload that claimed it, whichever part of a parallel check it falls in.
CARRIED_FIRST = """Carried Aboard Fixture

1971 May 19 - . 16:22 GMT - . Launch Site: Baikonur. LV Family: Proton.

· Lander - . Payload: Lander. USAF Sat Cat: 5234 . COSPAR: 1971-045xx.

· Orbiter - . Payload: Orbiter. USAF Sat Cat: 5234 . COSPAR: 1971-045A.

· Stray - . Payload: Stray. USAF Sat Cat: 6000 . COSPAR: 1971-045zz.

1971 May 28 - . 15:26 GMT - . Launch Site: Baikonur. LV Family: Proton.

· Copy - . Payload: Copy. USAF Sat Cat: 5234 . COSPAR: 1971-045A.

· Bad designator - . Payload: Bad. USAF Sat Cat: 6000 . COSPAR: not-a-designator.

1971 June 2 - . Launch Site: Baikonur. LV Family: Proton.

· Again - . Payload: Again. USAF Sat Cat: 6000 . COSPAR: 1971-1971-045B.
"""


def test_what_a_part_is_told_of_earlier_entries_is_what_checking_them_leaves(
        store: Store, tmp_path: Path) -> None:
    # A worker that starts part-way through a source reads what came before from the
    # stored columns (remember_stored); it must leave the context that checking those
    # entries one by one leaves (validate.remember), at every place, carried payloads,
    # bad designators and a one-entry lookup (check_one) included.
    store.ingest([write_text(tmp_path / "carried.txt", CARRIED_FIRST)])
    with store.engine.connect() as conn:
        for source_id, path in conn.execute(sa.select(sources.c.id, sources.c.path)).all():
            seqs = conn.execute(sa.select(entries.c.seq).where(entries.c.source_id == source_id)
                                .order_by(entries.c.seq)).scalars().all()
            parsed = [entry for _, _, entry in stored_entries(conn, source_id)]
            walked = Context(path)
            for seq, entry in zip(seqs, parsed, strict=True):
                read = Context(path)
                remember_stored(conn, read, source_id, seq)
                assert (read.designators, read.satcats, read.previous) == \
                    (walked.designators, walked.satcats, walked.previous), (path, seq)
                remember(walked, entry)
        whole = list(check_stored(conn))
        assert [f.rule for f in whole if f.rule.startswith("duplicate")] != []
        for f in whole:
            assert f in check_one(conn, f.entry_id or 0)


def test_the_report_is_checked_once_per_data_version_in_the_background(
        store: Store, tmp_path: Path) -> None:
    assert store.findings_ready(wait=60)
    first = store.findings()
    with store.engine.connect() as conn:
        assert first == list(check_stored(conn))
    assert store.findings_ready(wait=0), "kept: no new check"
    assert store.findings() is not first and store.findings() == first  # callers get copies
    store.ingest([write_text(tmp_path / "again.txt", SEED_TEXT)])  # a new data version
    assert store.findings_ready(wait=60)
    again = store.findings()
    assert len(again) == 2 * len(first), "the copy is checked in its own context"


def test_the_reports_counts_and_pages_are_its_findings(store: Store) -> None:
    """A report page shows how many findings each rule has (counted once, as the report
    is finished) and one page of them: the same as counting and slicing every finding
    the same filters keep."""
    store.import_gcat_files(GCAT_FILES)
    assert store.findings_ready(wait=60)
    every = store.findings()
    assert len({f.severity for f in every}) >= 2 and len({f.rule for f in every}) >= 3
    families = sorted({RULE_IDS[f.rule] for f in every if f.rule in RULE_IDS})
    for rules in (None, [every[0].rule], [every[-1].rule, "no-such-rule"], families[:1]):
        for severity in ("info", "warning", "error"):
            found = store.findings(rules, severity)
            counted: dict[str, dict[str, int]] = {}
            for f in found:
                counted.setdefault(f.rule, {}).setdefault(f.severity, 0)
                counted[f.rule][f.severity] += 1
            assert store.finding_counts(rules, severity) == counted
            for offset, limit in ((0, 3), (2, 5), (max(0, len(found) - 1), 10),
                                  (len(found) + 5, 1)):
                assert store.findings(rules, severity, offset=offset, limit=limit) == \
                    found[offset:offset + limit]


def test_a_big_report_is_prepared_while_requests_are_told_to_come_back(
        store: Store, tmp_path: Path) -> None:
    """A page must not hold its request for the check of a big chronology: it gets a
    503 with Retry-After (an HTML page that refreshes itself, or the API's error
    shape) until the background check is done."""
    from fastapi.testclient import TestClient

    from kosmochron.store import Settings
    from kosmochron.web import create_app
    from kosmochron.web import state as appstate

    store.ingest([write_text(tmp_path / "big.txt", SEED_TEXT * 60)])  # 1,260 more entries
    appstate.REPORT_WAIT, wait = 0.0, appstate.REPORT_WAIT
    try:
        with TestClient(create_app(Settings.from_env(store.settings.url))) as client:
            retry = str(appstate.REPORT_RETRY)
            page = client.get("/findings")
            assert page.status_code == 503 and page.headers["retry-after"] == retry
            assert "<h1>Being prepared</h1>" in page.text
            assert f"reloads itself in {retry}" in page.text
            assert f'<meta http-equiv="refresh" content="{retry}">' in page.text
            # How far the check has got, not a bare 503 page (issue 15).
            assert re.search(r'<progress value="\d+" max="1281">', page.text)
            assert re.search(r"[\d,]+ of 1,281 entries checked \(\d+%\)", page.text)
            api = client.get("/api/v1/findings")
            assert api.status_code == 503 and api.headers["retry-after"] == retry
            error = api.json()["error"]
            assert error["code"] == "preparing" and error["details"]["total"] == 1281
            assert 0 <= error["details"]["done"] <= 1281
            assert client.get("/api/v1/findings", params={"launch_id": 1}).status_code == 200
            appstate.REPORT_WAIT = 120.0
            done = client.get("/api/v1/findings")
            assert done.status_code == 200 and done.json()["count"] > 0
            assert client.get("/findings").status_code == 200
    finally:
        appstate.REPORT_WAIT = wait


def _children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def test_a_killed_server_leaves_no_checker_behind(store: Store, tmp_path: Path) -> None:
    """The report's checking process ends when the process that started it is killed
    (SIGKILL: no clean-up runs), rather than run on or wait for ever to hand over."""
    import signal
    import subprocess
    import sys
    import time

    if store.dialect == "sqlite":
        store.ingest([write_text(tmp_path / "big.txt", SEED_TEXT * 60)])  # a long check
    script = ("import sys, time; from kosmochron.store import open_store\n"
              "store = open_store(sys.argv[1])\n"
              "store.findings_ready(0)\n"
              "print('checking', flush=True); time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, "-c", script, store.settings.url],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline() == "checking\n"
        deadline = time.monotonic() + 60
        while not (checkers := _children(server.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert checkers, "the check runs in a process of its own"
        server.send_signal(signal.SIGKILL)
        server.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(pid) for pid in checkers):
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in checkers)
    finally:
        if server.poll() is None:
            server.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


SATCAT_HEADER = ("#JCAT\tSatcat\tLaunch_Tag\tPiece\tType\tName\tPLName\tLDate\tParent\tSDate\t"
                 "Primary\tDDate\tStatus\tDest\tOwner\tState\tManufacturer\tBus\tMotor\tMass\t"
                 "MassFlag\tDryMass\tDryFlag\tTotMass\tTotFlag\tLength\tLFlag\tDiameter\tDFlag\t"
                 "Span\tSpanFlag\tShape\tODate\tPerigee\tPF\tApogee\tAF\tInc\tIF\tOpOrbit\tOQUAL\t"
                 "AltNames")


def test_an_object_only_in_satcat_is_compared_with_that_catalogs_orbit(
        store: Store, tmp_path: Path) -> None:
    """Issue 12: psatcat's UN-registered orbit, or satcat's if given.  A hand-made satcat
    row (GCAT's satcat layout) for an object psatcat does not list."""
    cells = ["S99001", "99001", "1999-001", "1999-001A", "P", "Test object", "-",
             "1999 Jan  1", "-", "-", "Earth", "1999 Feb  1", "R", "-", "-", "US", "-", "-",
             "-", "100", "-", "-", "-", "-", "-", "1", "-", "1", "-", "1", "-", "Cyl",
             "1999 Jan  1", "180", "-", "230", "-", "51.6", "-", "LLEO/I", "C", "-"]
    assert len(cells) == len(SATCAT_HEADER.split("\t"))
    satcat = write_text(tmp_path / "satcat.tsv", SATCAT_HEADER + "\n" + "\t".join(cells) + "\n")
    store.import_gcat(satcat)
    chronology = write_text(tmp_path / "test.txt", (
        "Test\n\n1999 January 1 - . 12:00 GMT - . Launch Site: Cape Canaveral.\n\n"
        "· Test object - . Payload: T. USAF Sat Cat: 99001 . COSPAR: 1999-001A. "
        "Apogee: 300 km. Perigee: 180 km. Inclination: 51.6000 deg. Period: 89.50 min.\n"))
    store.ingest([chronology])
    [orbit] = [f for f in stored(store) if f.rule == "gcat-orbit"]
    assert orbit.message.startswith("GCAT S99001's catalogued orbit differs: apogee 300 km "
                                    "here, 230 km in GCAT")
    assert orbit.evidence["registered_km"] == [180.0, 230.0]


def test_gcats_own_launch_list_is_not_crosswalked_to_itself(store: Store) -> None:
    """Issue 17: GCAT's launch list (the source ``gcat``) is written from GCAT's rows, so
    no gcat-* rule compares its payloads with those rows (the launch list's day against
    psatcat's for an object deployed later, an orbit against itself); the chronology's
    payloads still are, and one entry's check, the parts the server checks in parallel
    and the whole run agree."""
    store.import_gcat_files(GCAT_FILES)
    with store.engine.connect() as conn:
        everything = list(check_stored(conn))
        runs, _ = plan(conn, 2)
        parted = [f for run in runs for f in check_run(conn, run)]
        gcat_ids = [e for (e,) in conn.execute(
            sa.select(entries.c.id).join(sources, sources.c.id == entries.c.source_id)
            .where(sources.c.path == "gcat").order_by(entries.c.id))]
        one_by_one = [f for e in gcat_ids for f in check_one(conn, e)]
    own = [f for f in everything if f.source == "gcat"]
    assert own and not [f for f in own if f.rule.startswith("gcat-")]
    assert one_by_one == own
    assert [key(f) for f in parted] == [key(f) for f in everything]
    seed = {f.item: f for f in everything
            if f.source == SEED_NAME and f.rule == "gcat-crosswalk"}
    assert seed["Mars 2"].evidence["jcat"] == "S05234"
    # What GCAT's objects still get are checks of their own record: orbit-kepler says
    # which body an orbit is about (GCAT states no period, so there is nothing to
    # compare and it says so), and none of them is a crosswalk in disguise.
    assert {f.rule for f in own} <= {"orbit-kepler", "date-decay", "failed-stage"}
    assert all("no period stated" in f.message for f in own if f.rule == "orbit-kepler")


#: Opens argv[1], starts the background report, waits until it is checking in worker
#: processes, then closes the store and exits as a server shutting down does.
CLOSED_MID_CHECK = """
import os, sys, time
from kosmochron.store import open_store

def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None

def children():
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and (s := stat(p)) and
            s[1] == str(os.getpid()) and s[0] != "Z" and
            b"resource_tracker" not in open(f"/proc/{p}/cmdline", "rb").read()]

def alive(pids):
    return [p for p in pids if (s := stat(p)) and s[0] != "Z"]

store = open_store(sys.argv[1], seed_if_empty=False)
store.findings_ready(0)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    kids = children()
    if len(kids) >= 2 and store.findings_progress()[0] > 0:
        break
    time.sleep(0.1)
print(*kids, flush=True)
store.close()
print("closed", store.findings_progress()[0] < store.findings_progress()[1], flush=True)
deadline = time.monotonic() + 1  # while this process lives: a server still serving
while alive(kids) and time.monotonic() < deadline:
    time.sleep(0.05)
print("workers gone", not alive(kids), flush=True)
"""


def test_closing_a_store_mid_check_ends_its_workers(tmp_path: Path) -> None:
    """A server shutting down stops the report's check: its worker processes end at
    once and nothing is left registered (multiprocessing warned of 6 leaked semaphores
    when a server was stopped mid-check)."""
    import subprocess
    import sys

    from corpus_support import corpus_text
    from kosmochron.store import open_store
    from kosmochron.store.report import PARALLEL_FROM

    path = write_text(tmp_path / "big.txt", corpus_text(2 * PARALLEL_FROM))  # a check of 4 s
    url = str(tmp_path / "k.sqlite3")
    with open_store(url, seed_if_empty=False) as store:
        store.ingest([path])
    done = subprocess.run([sys.executable, "-c", CLOSED_MID_CHECK, url], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    workers, closed, gone = done.stdout.splitlines()
    assert len(workers.split()) >= 2  # the check ran in its worker processes
    assert closed == "closed True"  # it was stopped, not finished
    assert gone == "workers gone True"  # ended by the close, not by their parent's exit
    assert "leaked" not in done.stderr and "Traceback" not in done.stderr, done.stderr
