"""REST API throughput and latency against Datasette, on the same SQLite file.

    .venv/bin/python benchmarks/bench_api.py [--launches 100000] [--quick] [--json]
        [--concurrency 10] [--seconds 20] [--rounds 2] [--soak-clients 50]
        [--soak-seconds 60] [--workers 1,2] [--loadgen auto|wrk|httpx]

In one run, on ``benchmarks/out/store-N.sqlite3`` (``kosmochron ingest`` of the corpus
that ``../shared/tools/make_corpus.py`` builds; reused when present):

* ``kosmochron serve`` (once per ``--workers`` count: 1 is the default server, 2 uses
  both cores of the benchmark machine; and once more with one worker and its response
  cache off, ``KOSMOCHRON_RESPONSE_CACHE_MB=0``, so that every request is computed)
  and Datasette (its own venv,
  ``benchmarks/out/datasette-venv``, never ours; one process, as ``datasette serve``
  runs) are started on free ports of 127.0.0.1, Datasette twice: on the file as it is
  (``datasette serve FILE``, the mode our server uses) and ``--immutable`` (which lets
  Datasette skip change detection and cache counts);
* each answers the same questions, checked before any load: the 50 first Proton
  failures with their count, names, payloads and payload ids (not their fields: since
  issue 15 the database keeps them only in the entries' packed text), and the first
  21 hits (what our page of 20 fetches) of a full-text search for "computer chip"
  with their snippets.  Datasette answers through SQL (``/DB.json?sql=…``, the same
  SQL our store runs) and, for launches, also through its table view
  (``/DB/entries.json?lv_family_id=…&_sort=date_start&_labels=on``, counting the
  matches as ours does; ``_nosuggest=1``, else its facet suggestions take 1.5 s);
* "launches" asks for that first page again and again (answered from the response
  cache, except by the no-cache server), "pages" for each of the 381 pages in turn
  (offsets 0 to 19,000, 55 MB of responses cycled through: no cache of ours holds them,
  so every entry is parsed from its stored text), "search" for the search;
* a load generator on 127.0.0.1 only, bounded in time (Debian's ``wrk`` with a Lua
  script, else an asyncio httpx client), drives every server and endpoint in turn
  with the same number of keep-alive clients (``--concurrency``), after a warm-up,
  then with one client (the latency of a request on an otherwise idle server):
  requests/s, p50/p99 latency and errors, and ours/Datasette throughput ratios;
  ``--rounds`` repeats it (alternating the order) since the machine is shared;
* the soak, for each ``--workers`` count: ``--soak-clients`` clients for
  ``--soak-seconds`` against our launches endpoint, then against a mix of API calls
  and web pages; no errors allowed.

Targets (the issue): >= 1.0x Datasette's throughput, p99 <= 50 ms, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_parse import OUT, corpus  # noqa: E402

KOSMOCHRON = [sys.executable, "-m", "kosmochron"]
DATASETTE_VERSION = "0.65.5"
DATASETTE_VENV = OUT / "datasette-venv"
HOST = "127.0.0.1"  # every request of this benchmark goes to this machine only
MARK_START, MARK_END = "\ue000", "\ue001"

OUR_LAUNCHES = "/api/v1/launches?family=Proton&outcome=failure&limit=50"
#: Every page of that list in turn: more launches than a server's cache of parsed entries.
PAGES = 381  # 19,047 Proton failures in the 100,000-launch corpus
OUR_SEARCH = "/api/v1/search?q=computer+chip"
#: The soak's mix: API calls and web pages (a search page and a launch page).
MIX = [OUR_LAUNCHES, OUR_SEARCH, "/search?q=computer+chip", OUR_LAUNCHES,
       "/api/v1/search?q=mars+probe", "/launches/10"]

_ITEM_COLUMNS = ("i.name, i.line, i.end_line, i.payload, i.mass_kg, i.mass_lb, "
                 "n.name AS nation, a.name AS agency, p.name AS program, i.class, "
                 "t.name AS type, i.spacecraft, i.decay_date, i.satcat, i.cospar, "
                 "i.cospar_kind, i.cospar_normalized, i.cospar_gcat, i.apogee_km, "
                 "i.perigee_km, i.inclination_deg, i.period_min, i.duration_days, i.summary, "
                 "i.narrative")
_ITEM_JSON = ", ".join(f"'{c}', x.{c}" for c in (
    "id", "name", "line", "end_line", "payload", "mass_kg", "mass_lb", "nation", "agency",
    "program", "class", "type", "spacecraft", "decay_date", "satcat", "cospar", "cospar_kind",
    "cospar_normalized", "cospar_gcat", "apogee_km", "perigee_km", "inclination_deg",
    "period_min", "duration_days", "summary", "narrative"))
#: What GET /api/v1/launches?family=Proton&outcome=failure&limit=50 asks the database,
#: as one SQL query for Datasette: the page (names joined, payloads with their
#: names joined, payload ids) and the count of all matches.  Written the efficient way
#: (the page first, then its payloads) so that Datasette is not handicapped.
LAUNCHES_SQL = f"""
WITH page AS (
  SELECT e.id FROM entries e JOIN lv_families f ON f.id = e.lv_family_id
  WHERE e.kind = 'launch' AND f.name = 'Proton' AND e.outcome = 'failure'
  ORDER BY e.date_start IS NULL, e.date_start, e.id LIMIT 50 OFFSET :offset)
SELECT e.id, s.path AS source, e.kind, e.line, e.end_line, e.date_text, e.date_precision,
       e.date_start, e.date_end, e.time_utc, site.name AS site, cx.name AS complex,
       fam.name AS lv_family, v.name AS vehicle, cfg.name AS configuration, e.outcome,
       e.failure, e.failed_stage, e.has_errors,
       (SELECT json_group_array(json_object({_ITEM_JSON})) FROM (
          SELECT i.id, {_ITEM_COLUMNS} FROM items i
          LEFT JOIN nations n ON n.id = i.nation_id
          LEFT JOIN agencies a ON a.id = i.agency_id
          LEFT JOIN programs p ON p.id = i.program_id
          LEFT JOIN spacecraft_types t ON t.id = i.type_id
          WHERE i.entry_id = e.id ORDER BY i.seq) x) AS items,
       (SELECT json_group_array(id) FROM (
          SELECT id FROM items WHERE entry_id = e.id ORDER BY seq)) AS item_ids,
       (SELECT count(*) FROM entries c JOIN lv_families cf ON cf.id = c.lv_family_id
        WHERE c.kind = 'launch' AND cf.name = 'Proton' AND c.outcome = 'failure') AS count
FROM page JOIN entries e ON e.id = page.id
JOIN sources s ON s.id = e.source_id
LEFT JOIN lv_families fam ON fam.id = e.lv_family_id
LEFT JOIN sites site ON site.id = e.site_id
LEFT JOIN complexes cx ON cx.id = e.complex_id
LEFT JOIN vehicles v ON v.id = e.vehicle_id
LEFT JOIN configurations cfg ON cfg.id = e.configuration_id
ORDER BY e.date_start IS NULL, e.date_start, e.id"""
#: What GET /api/v1/search?q=computer+chip asks the database (kosmochron.store.search).
SEARCH_SQL = f"""
WITH hits AS (SELECT rowid AS id, bm25(item_fts, 10.0, 4.0, 4.0, 1.0) AS rank
              FROM item_fts WHERE item_fts MATCH :query
              ORDER BY rank, rowid LIMIT 21 OFFSET 0)
SELECT hits.id, items.entry_id, items.name, entries.date_text, hits.rank,
       snippet(item_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16) AS snippet
FROM hits CROSS JOIN item_fts ON item_fts.rowid = hits.id
JOIN items ON items.id = hits.id JOIN entries ON entries.id = items.entry_id
WHERE item_fts MATCH :query ORDER BY hits.rank, hits.id"""

WRK_LUA = """
-- Requests cycle through the paths given after "--"; done() prints one JSON line.
local paths, n = {}, 0
function init(args)
  for _, p in ipairs(args) do paths[#paths + 1] = p end
  n = math.random(#paths) - 1
end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


# -- the database and Datasette --------------------------------------------------------

def database(launches: int) -> Path:
    """The store of the corpus, ingested once and then reused."""
    path = OUT / f"store-{launches}.sqlite3"
    if path.exists():  # brought to the current schema first, not while Datasette reads it
        subprocess.run([*KOSMOCHRON, "sources", "--db", str(path)], check=True,
                       stdout=subprocess.DEVNULL)
        return path
    source = corpus(launches)
    tmp = OUT / f"store-{launches}.partial.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    subprocess.run([*KOSMOCHRON, "ingest", "--db", str(tmp), str(source)], check=True)
    for suffix in ("-wal", "-shm", ""):  # the main file last: its presence means done
        if Path(f"{tmp}{suffix}").exists():
            Path(f"{tmp}{suffix}").rename(f"{path}{suffix}")
    return path


def datasette() -> tuple[Path, str]:
    """Datasette in its own venv (installed on first use) and its version line."""
    exe = DATASETTE_VENV / "bin" / "datasette"
    if not exe.exists():
        python = shutil.which("python3") or sys.executable
        subprocess.run([python, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet",
                        f"datasette=={DATASETTE_VERSION}"], check=True)
    version = subprocess.run([str(exe), "--version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    return exe, version


def family_id(db: Path, name: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT id FROM lv_families WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise SystemExit(f"{db} has no LV family {name!r}")
    return int(row[0])


# -- servers ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    argv: list[str]
    port: int
    ready_path: str
    env: dict[str, str] | None = None  # added to this process's environment
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        log = open(OUT / f"bench_api-{self.name}.log", "wb")  # noqa: SIM115 (kept open)
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     env={**os.environ, **(self.env or {})})
        log.close()  # the child has its own copy

    def wait_ready(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with status {self.proc.returncode}; "
                                 f"see {OUT / f'bench_api-{self.name}.log'}")
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=30) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.name} did not answer within {timeout:.0f} s")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def running(servers: Sequence[Server]) -> Iterator[None]:
    with ExitStack() as stack:
        for server in servers:
            server.start()
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        yield


def warm(url: str, workers: int) -> None:
    """Ask until every worker is likely to have answered fast: a launch page's first view
    in each worker process checks every stored entry (15 s on 100,000 launches), which
    is not what the soak measures.  Each request is a new connection, which any worker
    may accept; at most 20 per worker."""
    fast = 0
    for _ in range(20 * workers):
        start = time.monotonic()
        urllib.request.urlopen(url, timeout=300).close()
        fast = fast + 1 if time.monotonic() - start < 2.0 else 0
        if fast >= 4 * workers:
            return


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


# -- the same answers --------------------------------------------------------------------

def check_launches(ours: Any, sql_rows: Any, table: Any) -> dict[str, Any]:
    """Both servers list the same launches (in the same order for the SQL), count the
    same matches and give the same payloads; the table view's order of launches on
    the same day is its own (it sorts by date only)."""
    ids = [r["id"] for r in ours["results"]]
    problems = []
    if [r["id"] for r in sql_rows] != ids:
        problems.append("SQL ids differ")
    if any(r["count"] != ours["count"] for r in sql_rows):
        problems.append("SQL count differs")
    if [r["item_ids"] for r in sql_rows] != [r["item_ids"] for r in ours["results"]]:
        problems.append("SQL payload ids differ")
    if [[i["name"] for i in r["items"]] for r in sql_rows] != \
            [[i["name"] for i in r["items"]] for r in ours["results"]]:
        problems.append("SQL payloads differ")
    if table["filtered_table_rows_count"] != ours["count"]:
        problems.append("table count differs")
    table_ids = [r["id"] for r in table["rows"]]
    if problems:
        raise SystemExit("Datasette and Kosmochron answer differently: " + "; ".join(problems))
    return {"launches": len(ids), "count": ours["count"],
            "table_same_ids": sorted(table_ids) == sorted(ids),
            "table_same_order": table_ids == ids}


def check_search(ours: Any, sql_rows: Any) -> dict[str, Any]:
    hits = [(h["item_id"], h["snippet"]) for h in ours["results"]]
    theirs = [(r["id"], r["snippet"].replace(MARK_START, "«").replace(MARK_END, "»"))
              for r in sql_rows]
    if theirs[:len(hits)] != hits or len(theirs) != len(hits) + (ours["next"] is not None):
        raise SystemExit("Datasette and Kosmochron find different hits or snippets")
    return {"hits": len(hits)}


# -- load --------------------------------------------------------------------------------

@dataclass
class Load:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    detail: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def figures(self) -> dict[str, Any]:
        return {"rps": round(self.rps, 1), "p50_ms": round(self.p50_ms, 1),
                "p99_ms": round(self.p99_ms, 1), "max_ms": round(self.max_ms, 1),
                "requests": self.requests, "errors": self.errors, **self.detail}


def wrk(base: str, paths: list[str], clients: int, seconds: float) -> Load:
    script = OUT / "bench_api.lua"
    script.write_text(WRK_LUA)
    threads = max(1, min(2, clients))
    argv = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
            "--timeout", "10s", "-s", str(script), base, "--", *paths]
    out = subprocess.run(argv, check=True, capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    match = re.search(r"^WRKJSON (\{.*\})$", out, re.M)
    if match is None:
        raise SystemExit(f"no figures from wrk:\n{out}")
    w = json.loads(match.group(1))
    errors = {k: w[k] for k in ("connect", "read", "write", "status", "timeout") if w[k]}
    return Load(w["requests"], w["duration_us"] / 1e6, sum(errors.values()),
                w["p50_us"] / 1e3, w["p99_us"] / 1e3, w["max_us"] / 1e3, errors)


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


async def _httpx_load(base: str, paths: list[str], clients: int, seconds: float,
                      max_requests: int) -> Load:
    import httpx

    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    deadline = start + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10.0) as client:
        async def worker(k: int) -> None:
            nonlocal errors
            n = k
            while time.perf_counter() < deadline and len(latencies) + errors < max_requests:
                path = paths[n % len(paths)]
                n += 1
                sent = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(worker(k) for k in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return Load(len(latencies) + errors, elapsed, errors, percentile(latencies, 50) * 1e3,
                percentile(latencies, 99) * 1e3, (latencies[-1] if latencies else 0.0) * 1e3)


def load(loadgen: str, base: str, paths: list[str], clients: int, seconds: float) -> Load:
    """``clients`` keep-alive clients, each sending its next request as soon as the last
    is answered, for ``seconds`` (and at most a million requests): then it stops."""
    if loadgen == "wrk":
        return wrk(base, paths, clients, seconds)
    return asyncio.run(_httpx_load(base, paths, clients, seconds, 1_000_000))


# -- the run -----------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--concurrency", type=int, default=10, help="clients in the comparison")
    ap.add_argument("--seconds", type=float, default=20.0, help="per server and endpoint")
    ap.add_argument("--serial-seconds", type=float, default=8.0,
                    help="one client, per server and endpoint")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=2, help="repeat the comparison")
    ap.add_argument("--soak-clients", type=int, default=50)
    ap.add_argument("--soak-seconds", type=float, default=60.0)
    ap.add_argument("--workers", default="1,2",
                    help="kosmochron serve --workers counts to measure, comma-separated")
    ap.add_argument("--loadgen", choices=["auto", "wrk", "httpx"], default="auto")
    ap.add_argument("--quick", action="store_true", help="short phases, one round")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if args.quick:
        args.seconds, args.serial_seconds, args.warmup = 3.0, 2.0, 1.0
        args.rounds, args.soak_seconds = 1, 5.0
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "httpx"
    worker_counts = [int(w) for w in args.workers.split(",")]

    def say(text: str) -> None:  # progress: on stderr when stdout is the JSON
        print(text, file=sys.stderr if args.json else sys.stdout, flush=True)

    db = database(args.launches)
    ds_exe, ds_version = datasette()
    fid = family_id(db, "Proton")
    name = db.stem  # Datasette's name for the database
    ours: dict[str, Server] = {}
    for workers in worker_counts:
        port = free_port()
        label = "kosmochron" if workers == 1 else f"kosmochron -w{workers}"
        ours[label] = Server(label.replace(" ", ""), [
            *KOSMOCHRON, "serve", "--db", str(db), "--host", HOST, "--port", str(port),
            "--workers", str(workers)], port, "/api/v1")
    # The same single worker with its response cache off: every request is computed.
    port = free_port()
    ours["kosmochron no-cache"] = Server("kosmochron-no-cache", [
        *KOSMOCHRON, "serve", "--db", str(db), "--host", HOST, "--port", str(port)],
        port, "/api/v1", env={"KOSMOCHRON_RESPONSE_CACHE_MB": "0"})
    ds_settings = ["--host", HOST, "--setting", "default_page_size", "50",
                   "--setting", "sql_time_limit_ms", "10000"]
    port = free_port()
    ds_mut = Server("datasette", [str(ds_exe), "serve", str(db), *ds_settings,
                                  "--port", str(port)], port, "/-/versions.json")
    port = free_port()
    ds_imm = Server("datasette-immutable", [str(ds_exe), "serve", "-i", str(db), *ds_settings,
                                            "--port", str(port)], port, "/-/versions.json")

    def sql_launches_at(offset: int) -> str:
        return f"/{name}.json?" + urlencode(
            {"sql": LAUNCHES_SQL, "offset": offset, "_shape": "array",
             "_json": ["items", "item_ids"]}, doseq=True, quote_via=quote)

    sql_launches = sql_launches_at(0)
    pages = [k * 50 for k in range(PAGES)]
    sql_search = f"/{name}.json?" + urlencode(
        {"sql": SEARCH_SQL, "query": '"computer" "chip"', "_shape": "array"}, quote_via=quote)
    table_launches = (f"/{name}/entries.json?lv_family_id={fid}&outcome=failure&kind=launch"
                      "&_sort=date_start&_size=50&_labels=on&_nosuggest=1")
    #: endpoint -> [(label, server, paths)]; "pages" asks for every page in turn.
    targets: dict[str, list[tuple[str, Server, list[str]]]] = {
        "launches": [*((label, server, [OUR_LAUNCHES]) for label, server in ours.items()),
                     ("datasette-sql", ds_mut, [sql_launches]),
                     ("datasette-sql -i", ds_imm, [sql_launches]),
                     ("datasette-table", ds_mut, [table_launches]),
                     ("datasette-table -i", ds_imm, [table_launches])],
        "pages": [*((label, server, [f"{OUR_LAUNCHES}&offset={k}" for k in pages])
                    for label, server in ours.items()),
                  ("datasette-sql", ds_mut, [sql_launches_at(k) for k in pages]),
                  ("datasette-sql -i", ds_imm, [sql_launches_at(k) for k in pages])],
        "search": [*((label, server, [OUR_SEARCH]) for label, server in ours.items()),
                   ("datasette-sql", ds_mut, [sql_search]),
                   ("datasette-sql -i", ds_imm, [sql_search])],
    }
    figures: dict[str, Any] = {"meta": {
        "launches": args.launches, "db_mb": round(db.stat().st_size / 1e6, 1),
        "datasette": ds_version, "sqlite": sqlite3.sqlite_version, "loadgen": loadgen,
        "cpus": os.cpu_count(), "concurrency": args.concurrency, "seconds": args.seconds,
        "serial_seconds": args.serial_seconds, "workers": worker_counts,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()]}}
    say(f"{db} ({figures['meta']['db_mb']} MB), {ds_version}, load by {loadgen}")

    key = f"c{args.concurrency}"
    with running([*ours.values(), ds_mut, ds_imm]):
        first = next(iter(ours.values()))
        table = get_json(ds_imm.base + table_launches)
        for k in (0, pages[len(pages) // 2], pages[-1]):
            check_launches(get_json(f"{first.base}{OUR_LAUNCHES}&offset={k}"),
                           get_json(ds_mut.base + sql_launches_at(k)), table)
        figures["checks"] = {
            "launches": check_launches(get_json(first.base + OUR_LAUNCHES),
                                       get_json(ds_mut.base + sql_launches), table),
            "search": check_search(get_json(first.base + OUR_SEARCH),
                                   get_json(ds_imm.base + sql_search))}
        say(f"same answers: {figures['checks']}")
        rounds: list[dict[str, Any]] = []
        for n in range(args.rounds):
            result: dict[str, Any] = {"loadavg": [round(x, 2) for x in os.getloadavg()]}
            for endpoint, entries in targets.items():
                order = entries if n % 2 == 0 else entries[::-1]
                by_label: dict[str, Any] = {}
                for label, server, paths in order:
                    load(loadgen, server.base, paths, args.concurrency, args.warmup)
                    busy = load(loadgen, server.base, paths, args.concurrency, args.seconds)
                    one = load(loadgen, server.base, paths, 1, args.serial_seconds)
                    by_label[label] = {key: busy.figures(), "c1": one.figures()}
                    say(f"round {n + 1} {endpoint:>8} {label:<19} "
                        f"c={args.concurrency}: {busy.rps:6.1f} req/s p50 {busy.p50_ms:6.1f} "
                        f"p99 {busy.p99_ms:6.1f} ms err {busy.errors} | c=1: {one.rps:6.1f} "
                        f"req/s p50 {one.p50_ms:5.1f} p99 {one.p99_ms:6.1f} ms err {one.errors}")
                ratios = {mine: {label: round(by_label[mine][key]["rps"] / v[key]["rps"], 2)
                                 if v[key]["rps"] else None
                                 for label, v in by_label.items() if label not in ours}
                          for mine in ours}
                result[endpoint] = {"servers": {label: by_label[label]
                                                for label, _, _ in entries},
                                    "ratio_ours_to": ratios}
                for mine, against in ratios.items():
                    say(f"round {n + 1} {endpoint:>8} throughput {mine}/Datasette: " + ", ".join(
                        f"{k} {v}x" for k, v in against.items()))
            rounds.append(result)
        figures["rounds"] = rounds

        soaks: dict[str, dict[str, Any]] = {mine: {} for mine in ours}
        for mine, server in ours.items():
            for label, paths in (("launches", [OUR_LAUNCHES]), ("mix", MIX)):
                for path in paths:
                    warm(server.base + path, workers=int(mine.partition("-w")[2] or 1))
                soak = load(loadgen, server.base, paths, args.soak_clients, args.soak_seconds)
                with urllib.request.urlopen(server.base + OUR_LAUNCHES, timeout=60) as r:
                    answering = r.status == 200 and server.alive()
                soaks[mine][label] = {
                    "clients": args.soak_clients, "seconds": args.soak_seconds,
                    **soak.figures(), "still_answering": answering}
                say(f"soak {mine:<15} {label:>8}: {args.soak_clients} clients "
                    f"{args.soak_seconds:.0f} s: {soak.rps:6.1f} req/s p50 {soak.p50_ms:7.1f} "
                    f"p99 {soak.p99_ms:7.1f} ms, errors {soak.errors} {soak.detail or ''}")
        figures["soak"] = {"mix_paths": MIX, **soaks}
    figures["meta"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]

    def ratios_ok(mine: str) -> bool:
        return all(min(v for k, v in r[e]["ratio_ours_to"][mine].items() if "table" not in k)
                   >= 1.0 for r in rounds for e in targets)

    def p99_ok(mine: str, at: str) -> bool:
        return all(r[e]["servers"][mine][at]["p99_ms"] <= 50 for r in rounds for e in targets)

    met = {mine: {"throughput_ge_1x_datasette_sql": ratios_ok(mine),
                  f"p99_le_50ms_{key}": p99_ok(mine, key), "p99_le_50ms_c1": p99_ok(mine, "c1"),
                  "soak_no_errors": all(s["errors"] == 0 and s["still_answering"]
                                        for s in soaks[mine].values())}
           for mine in ours}
    figures["targets_met"] = met
    if args.json:
        print(json.dumps(figures))
    else:
        for mine, checks in met.items():
            print(f"targets, {mine}: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
