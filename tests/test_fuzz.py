"""The fuzz harness (issue 16), in the suite with a bounded budget: real pages (the bundled
seed and the Saturn V page from Encyclopedia Astronautica) mutated at random, byte by
byte and with the values that once broke things, then run through the command line and
both databases.

For every mutated file: ``parse`` (JSON and table), ``render`` and ``check --format
json`` end with status 0, 1 or 2 and never an internal error or a traceback; their JSON
is valid (no NaN, no Infinity); ``render`` gives the input back byte for byte unless the
file was refused (status 2: an undecodable byte).  Every few files are also ingested
into SQLite and PostgreSQL, rendered back from each, and queried alike.

``KOSMOCHRON_FUZZ_SECONDS`` sets the budget (default 8 s); ``KOSMOCHRON_FUZZ_SEED`` the
random seed (default 16, so a failure is reproducible; the seed and the file are named
in the message).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SATURN_PATH
from db_support import create_pg_database, drop_pg_database, pg_url
from kosmochron import seed_path
from kosmochron.cli import main
from kosmochron.store import Store, open_store

BUDGET = float(os.environ.get("KOSMOCHRON_FUZZ_SECONDS", "8"))
SEED = int(os.environ.get("KOSMOCHRON_FUZZ_SEED", "16"))
#: Values and characters that once gave tracebacks, 500s or disagreements.
HOSTILE = [
    "9999 October 10 - . ", "0001 January 1 - . ", "1850 May 5 - . 10:00 GMT - . ",
    "2200 May 5 - . ", "USAF Sat Cat: 12345678901234567890123 . ", "USAF Sat Cat: 2147483648 . ",
    "Apogee: 1" + "0" * 110 + " km. ", "Perigee: 99999999999999 km. ", "Inclination: 720 deg. ",
    "Mass: " + "9" * 400 + " kg. ", "Decay Date: 9999-12-31. ", "\x00", "\x0c", "\u2028",
    "\u2029", "\x85", "\x1b[31m", "[link=http://x]y[/link]", "[/x]", "=HYPERLINK(\"x\")",
    "+cmd|' /C calc'!A0", "@SUM(1)", "\ufeff", "\r", "\r\n", "\t", "· ", "• ", " - . ",
    "COSPAR: F991399A. ", "Failed Stage: 99. ", "Period: 0 min. ", "\U0010fffe", "\ud7ff",
    "1971 May 19 - . 16:22 GMT - . Launch Site: Baikonur. LV Family: Proton.\n",
    "· Mars 9 - . Program: Mars. Type: Mars probe. Arrived at Mars on 10000 May 5.\n",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits: hostile values, random bytes, bit flips, lines deleted,
    duplicated or swapped, a truncation."""
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(data) + 1)
        op = rng.randrange(8)
        if op <= 2:
            data = data[:at] + rng.choice(HOSTILE).encode("utf-8", "surrogatepass") + data[at:]
        elif op == 3:
            data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) \
                + data[at:]
        elif op == 4 and data:
            i = rng.randrange(len(data))
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
        else:
            lines = data.split(b"\n")
            row = rng.randrange(len(lines))
            if op == 5:
                del lines[row]
            elif op == 6:
                lines.insert(row, lines[row] * rng.randint(1, 3))
            else:
                other = rng.randrange(len(lines))
                lines[row], lines[other] = lines[other], lines[row]
            data = b"\n".join(lines)
    if rng.random() < 0.05:
        data = data[:rng.randrange(len(data) + 1)]
    return data


def run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    status = main(list(args))
    out, err = capsysbinary.readouterr()
    return status, out, err.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Store]]:
    name = create_pg_database()
    sqlite = tmp_path_factory.mktemp("fuzz") / "k.sqlite3"
    try:
        with open_store(str(sqlite), seed_if_empty=False) as lite, \
                open_store(pg_url(name), seed_if_empty=False) as pg:
            yield [lite, pg]
    finally:
        drop_pg_database(name)


def stored_answers(store: Store, path: Path) -> tuple[object, ...]:
    (result,) = store.ingest([path])
    source = str(path.resolve())
    launches = store.launches(source=source, kind=None)
    return (result.status, result.entries, result.items, result.errors,
            store.render_source(source), [s.entry.date.text for s in launches],
            [(r.key, r.launches) for r in store.stats("year", source=source, kind=None)],
            sorted(h.item_id for h in store.search("mars", limit=1000)),
            len([f for f in store.findings() if f.source == source]))


def test_mutated_real_pages_never_break_anything(capsysbinary: pytest.CaptureFixture[bytes],
                                                 tmp_path: Path, stores: list[Store]) -> None:
    rng = random.Random(SEED)
    pages = [seed_path().read_bytes(), SATURN_PATH.read_bytes()]
    deadline = time.monotonic() + BUDGET
    cases = stored = 0
    while time.monotonic() < deadline or cases < 3:
        data = mutate(rng.choice(pages), rng)
        path = tmp_path / f"case-{cases}.txt"
        path.write_bytes(data)
        where = f"(seed {SEED}, case {cases}: {path})"
        status, out, err = run(capsysbinary, "parse", str(path))
        assert status in (0, 1, 2), where
        for text in (err,):
            assert "internal error" not in text and "Traceback" not in text, (where, err)
        if status == 2:  # refused: an undecodable byte, said where
            assert "error:" in err and "byte 0x" in err, (where, err)
        document = json.loads(out) if out else None
        assert b"NaN" not in out and b"Infinity" not in out, where
        assert status == 2 or document is not None, where
        r_status, rendered, r_err = run(capsysbinary, "render", str(path))
        assert r_status == status and "internal error" not in r_err, (where, r_err)
        if status != 2:
            assert rendered == data, f"render did not give the input back {where}"
        for args in (["check", str(path), "--format", "json"],
                     ["parse", str(path), "--format", "table"]):
            c_status, c_out, c_err = run(capsysbinary, *args)
            assert c_status in (0, 1, 2) and "internal error" not in c_err, (where, args, c_err)
            assert "Traceback" not in c_err, (where, args)
            if args[0] == "check" and c_status != 2:
                assert b"Infinity" not in c_out and b"NaN" not in c_out, where
                json.loads(c_out)
        if status != 2 and cases % 4 == 0:
            lite, pg = (stored_answers(store, path) for store in stores)
            assert lite == pg, f"SQLite and PostgreSQL disagree {where}"
            assert lite[4] == data, f"the stored source differs from the file {where}"
            stored += 1
        cases += 1
    print(f"fuzz: {cases} mutated pages in {BUDGET:g} s ({stored} also stored), seed {SEED}")
    assert cases >= 3
