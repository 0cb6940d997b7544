"""Hostile clients against ``kosmochron serve`` (one worker) on the 100,000-launch database.

    .venv/bin/python benchmarks/bench_abuse.py [--db /tmp/kosmochron-abuse/k100.sqlite3]
        [--clients 200] [--seconds 60] [--json]

Builds the database once if it is missing (``make_corpus.py --launches 100000`` and
``kosmochron ingest``, under ``/tmp``, never in the repository), starts the server
with its defaults, warms the normal requests, then runs ``--clients`` clients for
``--seconds`` seconds, all at once:

* **repeated terms** (5% of the clients): searches of one common word repeated 300
  times, a different word and offset each time (so no kept answer serves them);
  now and then 10,000 repeats (a 60 KB URL: 414) or 17 different words (400);
* **render** (3%): ``/api/v1/render`` without a selection (all 100,000 launches
  before; a page now) and with ``limit=1000`` at random offsets;
* **slow clients** (75%): slowloris (a request head trickled a byte at a time),
  silent connections, and readers that ask for 1,000 launches and never read;
* **normal clients** (the rest): browsing, keep-alive, a request every ``--think``
  seconds (0.1: ten a second each, a third of what one worker answers in all, so that
  the figure is about the abuse, not about a server driven flat out) through a
  rotation of ordinary requests (a filtered list, a launch, a search, statistics);
* **the probe**: one more client asking the same ordinary requests, one at a time,
  whose latency is the figure: p99 of a normal request while all of this goes on
  (target: <= 100 ms on one worker).

Before the attack, the same normal clients and the probe run alone for
``--baseline-seconds``: what the machine gives the probe without any abuse.

Reported: the probe's p50/p99/max, how long each kind of abusive request took until
the server ended it (target: every abusive request within 2 s; slow readers are cut
after the 10 s send-stall bound, reported as such), errors among normal requests,
the server's peak RSS, its time to exit on SIGTERM afterwards, and the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DIR = Path("/tmp/kosmochron-abuse")
SHARED_TOOLS = Path(os.environ.get("KOSMOCHRON_SHARED_TOOLS", REPO.parent / "shared" / "tools"))
if not SHARED_TOOLS.exists():
    SHARED_TOOLS = Path("/work/shared/tools")
KOSMOCHRON = [sys.executable, "-m", "kosmochron"]

#: The ordinary requests (normal clients and the probe), each warmed before the run.
NORMAL = [
    "/api/v1/launches?family=Proton&outcome=failure&limit=50",
    "/api/v1/launches/1234",
    "/api/v1/search?q=computer+chip",
    "/api/v1/stats?by=family",
    "/api/v1/launches?from=1971&to=1972&limit=20",
    "/launches/1234.json",
]
WORDS = ["probe", "launch", "orbit", "stage", "mission", "payload", "satellite", "engine",
         "failure", "mars", "venus", "lunar", "rocket", "vehicle", "flight", "upper",
         "spacecraft", "attempt", "photograph", "trajectory", "program", "control", "test"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def database(path: Path, launches: int) -> Path:
    """The benchmark's database, built once (corpus and ingest under /tmp)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    corpus = path.parent / f"corpus-{launches}.txt"
    if not corpus.exists():
        subprocess.run([sys.executable, str(SHARED_TOOLS / "make_corpus.py"), "--launches",
                        str(launches), "-o", str(corpus)], check=True)
    subprocess.run([*KOSMOCHRON, "ingest", "--db", str(path), str(corpus)], check=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- a minimal HTTP/1.1 client (200 of them cost little) ----------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body bytes) of one response (content-length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, len(body)
    size = 0
    if headers.get("transfer-encoding") == "chunked":
        while True:
            length = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(length + 2)
            size += length
            if length == 0:
                return status, size
    while chunk := await reader.read(65536):  # until the server closes
        size += len(chunk)
    return status, size


async def request(port: int, path: str, timeout: float = 60) -> tuple[int, float]:
    """One request on a new connection: (status, seconds); status 0 if it failed."""
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
                     .encode())
        status, _ = await asyncio.wait_for(read_response(reader), timeout)
        writer.close()
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        status = 0
    return status, time.perf_counter() - started


@dataclass
class Tally:
    """Durations (s) and statuses of one kind of request."""

    seconds: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, status: int, seconds: float) -> None:
        self.seconds.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> dict[str, object]:
        return {"n": len(self.seconds), "p50_ms": round(percentile(self.seconds, .5) * 1e3, 1),
                "p99_ms": round(percentile(self.seconds, .99) * 1e3, 1),
                "max_ms": round(max(self.seconds, default=float("nan")) * 1e3, 1),
                "over_2s": sum(s > 2 for s in self.seconds),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())}}


class Run:
    def __init__(self, port: int, seconds: float, source: str, think: float) -> None:
        self.port = port
        self.source = source
        self.think = think
        self.deadline = time.monotonic() + seconds
        self.tallies: dict[str, Tally] = {}
        self.rng = random.Random(16)

    def tally(self, kind: str) -> Tally:
        return self.tallies.setdefault(kind, Tally())

    @property
    def going(self) -> bool:
        return time.monotonic() < self.deadline

    async def repeated_terms(self) -> None:
        while self.going:
            word = self.rng.choice(WORDS)
            roll = self.rng.random()
            if roll < 0.1:
                path, kind = "/api/v1/search?q=" + "+".join([word] * 10_000), "terms-10000"
            elif roll < 0.2:
                path = "/api/v1/search?q=" + "+".join(self.rng.sample(WORDS, 17))
                kind = "terms-17-distinct"
            else:
                path = (f"/api/v1/search?q={'+'.join([word] * 300)}"
                        f"&offset={self.rng.randrange(0, 5000)}")
                kind = "terms-300-repeats"
            self.tally(kind).add(*await request(self.port, path))

    async def render(self) -> None:
        while self.going:
            if self.rng.random() < 0.5:
                path, kind = "/api/v1/render", "render-no-selection"
            else:
                path = f"/api/v1/render?limit=1000&offset={self.rng.randrange(0, 99_000)}"
                kind = "render-1000"
            self.tally(kind).add(*await request(self.port, path))

    async def slowloris(self) -> None:
        """A request head trickled a byte every 0.2 s: timed until the server answers
        (408) or closes, whichever comes first."""
        while self.going:
            started = time.perf_counter()
            status = 0
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                answer = asyncio.ensure_future(reader.read(200))
                head = b"GET /api/v1/launches HTTP/1.1\r\nHost: bench\r\nX-Slow: " + b"a" * 200
                for byte in head:
                    if answer.done():
                        break
                    writer.write(bytes([byte]))
                    await asyncio.wait([answer], timeout=0.2)
                data = await asyncio.wait_for(answer, 30)
                status = int(data.split()[1]) if data.startswith(b"HTTP/") else -1
                writer.close()
            except (TimeoutError, OSError, IndexError, ValueError):
                pass
            self.tally("slowloris").add(status, time.perf_counter() - started)

    async def silent(self) -> None:
        while self.going:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                await asyncio.wait_for(reader.read(1), 30)  # b"" once the server closes
                writer.close()
            except (TimeoutError, OSError):
                pass
            self.tally("silent").add(-1, time.perf_counter() - started)

    async def slow_reader(self) -> None:
        """Asks for the whole stored source (112 MB, streamed) and never reads: the
        server's writes stall, and it drops the connection after its send-stall bound."""
        loop = asyncio.get_running_loop()
        while self.going:
            started = time.perf_counter()
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.setblocking(False)
            try:
                await loop.sock_connect(sock, ("127.0.0.1", self.port))
                await loop.sock_sendall(sock, (f"GET /api/v1/render?source={self.source} "
                                               "HTTP/1.1\r\nHost: bench\r\n\r\n").encode())
                while self.going and not _closed(sock):
                    await asyncio.sleep(0.25)
            except OSError:
                pass
            finally:
                sock.close()
            self.tally("slow-reader").add(-1, time.perf_counter() - started)

    async def normal(self, probe: bool = False) -> None:
        reader = writer = None
        n = self.rng.randrange(len(NORMAL))
        while self.going:
            path = NORMAL[n % len(NORMAL)]
            n += 1
            started = time.perf_counter()
            status = 0
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                assert reader is not None
                writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
                status, _ = await asyncio.wait_for(read_response(reader), 30)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                if writer is not None:
                    writer.close()
                reader = writer = None
            self.tally("probe" if probe else "normal").add(status, time.perf_counter() - started)
            await asyncio.sleep(0.05 if probe else self.think)


def _closed(sock: socket.socket) -> bool:
    """Whether the peer has closed (a TCP_INFO state other than ESTABLISHED)."""
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    except OSError:
        return True
    return info[0] != 1  # TCP_ESTABLISHED


SHARES = {"repeated_terms": 0.05, "render": 0.03, "slowloris": 0.45, "silent": 0.15,
          "slow_reader": 0.15}


async def attack(port: int, clients: int, seconds: float, source: str, think: float,
                 abuse: Sequence[str] = tuple(SHARES)) -> dict[str, Tally]:
    """The clients for ``seconds``; without ``abuse``, only the normal ones and the probe
    (the same number of normal clients: the baseline the probe is compared with)."""
    run = Run(port, seconds, source, think)
    shares = {k: v for k, v in SHARES.items() if k in abuse} if abuse else {}
    tasks = []
    for name, share in shares.items():
        tasks += [asyncio.create_task(getattr(run, name)())
                  for _ in range(max(1, round(clients * share)))]
    others = sum(max(1, round(clients * share)) for share in SHARES.values())
    tasks += [asyncio.create_task(run.normal()) for _ in range(clients - others)]
    tasks.append(asyncio.create_task(run.normal(probe=True)))
    await asyncio.gather(*tasks)
    return run.tallies


def current_rss_mb(pid: int) -> float:
    """The server's anonymous resident memory (its heap: the database file it maps
    counts in VmRSS too, but that is the page cache's, shared and reclaimable)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DIR / "k100.sqlite3")
    ap.add_argument("--launches", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--baseline-seconds", type=float, default=20,
                    help="first, the normal clients and the probe alone for this long")
    ap.add_argument("--think", type=float, default=0.1,
                    help="seconds a normal client waits between its requests (0: flat out)")
    ap.add_argument("--kinds", default=",".join(SHARES),
                    help=f"the abusive clients to run (default all: {','.join(SHARES)})")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    db = database(args.db, args.launches)
    port = free_port()
    log = (args.db.parent / "serve.log").open("w")
    server = subprocess.Popen([*KOSMOCHRON, "serve", "--db", str(db), "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "KOSMOCHRON_BASE_URL": f"http://127.0.0.1:{port}"})
    try:
        deadline = time.monotonic() + 120
        while asyncio.run(request(port, "/api/v1", 5))[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start; see " + log.name)
            time.sleep(0.5)
        for path in NORMAL * 3:  # warm: the normal requests are answered from memory
            asyncio.run(request(port, path, 120))
        source = quote(str(args.db.parent.resolve() / f"corpus-{args.launches}.txt"))
        baseline = asyncio.run(attack(port, args.clients, args.baseline_seconds, source,
                                      args.think, abuse=()))
        load_before = os.getloadavg()
        samples: list[float] = []
        sampling = threading.Event()

        def sample() -> None:  # the server's RSS every 2 s: does it level off?
            while not sampling.wait(2):
                samples.append(current_rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        tallies = asyncio.run(attack(port, args.clients, args.seconds, source, args.think,
                                     args.kinds.split(",")))
        sampling.set()
        load_after = os.getloadavg()
        peak = rss_mb(server.pid)
        after, _ = asyncio.run(request(port, NORMAL[0], 10))
        started = time.perf_counter()
        server.send_signal(signal.SIGTERM)
        status = server.wait(60)
        stopped = time.perf_counter() - started
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    figures = {
        "clients": args.clients, "seconds": args.seconds, "think": args.think,
        "database": str(db),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "baseline": {k: t.summary() for k, t in sorted(baseline.items())},
        "kinds": {k: t.summary() for k, t in sorted(tallies.items())},
        "server_peak_rss_mb": round(peak, 1),
        "server_heap_mb_every_2s": [round(x) for x in samples], "answers_after": after,
        "sigterm_exit_s": round(stopped, 2), "sigterm_status": status,
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"{args.clients} clients for {args.seconds:g} s on {db} (1 worker); load average "
          f"{figures['load_before']} before, {figures['load_after']} after")
    print(f"{'kind':<20}{'n':>7}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'> 2 s':>7}  statuses")
    for kind, s in figures["baseline"].items():
        print(f"{kind + ' (alone)':<20}{s['n']:>7}{s['p50_ms']:>10}{s['p99_ms']:>10}"
              f"{s['max_ms']:>10}{s['over_2s']:>7}  {s['statuses']}")
    for kind, s in figures["kinds"].items():
        print(f"{kind:<20}{s['n']:>7}{s['p50_ms']:>10}{s['p99_ms']:>10}{s['max_ms']:>10}"
              f"{s['over_2s']:>7}  {s['statuses']}")
    print(f"server peak RSS {peak:.0f} MB, its heap every 2 s: "
          f"{figures['server_heap_mb_every_2s']} MB; "
          f"answers afterwards: {after}; SIGTERM: exit {status} in {stopped:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
