"""A generated corpus for tests: the bundled seed's entries copied many times over.

Copy ``c`` of each entry has its dates (the header's and every ``Decay Date``) moved
``c`` days later and `` [c]`` after each payload's name, the way the benchmarks'
corpus is made (the tests do not read ``../shared``); everything else is the seed's
text byte for byte, so the corpus keeps the seed's quirks at any size.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from importlib import resources

_HEADER = re.compile(r"^(\d{4}) ([A-Z][a-z]+) (\d{1,2}) - \.", re.MULTILINE)
_DECAY = re.compile(r"Decay Date: (\d{4}-\d{2}-\d{2})")
_NAME = re.compile(r"^· (.+?) - \.", re.MULTILINE)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def _shifted(entry: str, days: int) -> str:
    m = _HEADER.match(entry)
    assert m is not None
    day = dt.date(int(m.group(1)), _MONTHS.index(m.group(2)) + 1, int(m.group(3)))
    moved = day + dt.timedelta(days=days)
    entry = f"{moved.year} {_MONTHS[moved.month - 1]} {moved.day}" + entry[m.end(3):]
    entry = _DECAY.sub(lambda d: "Decay Date: " + (dt.date.fromisoformat(d.group(1))
                                                   + dt.timedelta(days=days)).isoformat(),
                       entry)
    return _NAME.sub(lambda n: f"· {n.group(1)} [{days}] - .", entry)


def corpus_text(launches: int) -> str:
    """About ``launches`` dated entries: the seed's text before its first entry, then
    its entries, copy after copy (the first copy is the seed's own)."""
    seed = (resources.files("kosmochron") / "data" / "soviet-mars-chronology.txt") \
        .read_text(encoding="utf-8")
    starts = [m.start() for m in _HEADER.finditer(seed)]
    head, bounds = seed[:starts[0]], [*starts, len(seed)]
    entries = [seed[a:b] for a, b in itertools.pairwise(bounds)]
    out = [head]
    copy = 0
    while len(out) - 1 < launches:
        out += [entry if copy == 0 else _shifted(entry, copy) for entry in entries]
        copy += 1
    return "".join(out[:launches + 1])
