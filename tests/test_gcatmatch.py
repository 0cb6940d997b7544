"""kosmochron.gcatmatch: GCAT rows scored on every key.  The crosswalk rule built on
it is tested in test_validate.py, the store's linking in test_store_crosswalk.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kosmochron import parse_text
from kosmochron.gcatmatch import Ours, best_match, compare, describe, name_key

D = dt.date
MARS2 = Ours(5234, "1971-045A", D(1971, 5, 19), D(1971, 5, 19), ("Mars 2", "M-71 s/n 171"))


def row(jcat: str, satcat: int | None, piece: str | None, name: str | None,
        day: D | None) -> dict[str, Any]:
    return {"jcat": jcat, "satcat": satcat, "piece": piece, "name": name, "launch_date": day,
            "launch_date_text": "-" if day is None else f"{day:%Y %b} {day.day:2d}"}


def test_keys_agree_disagree_or_cannot_be_compared() -> None:
    match = compare(row("S05234", 5234, "1971-045A", "[Mars-2]", D(1971, 5, 19)), MARS2)
    assert dict(match.keys) == {"number": True, "designator": True, "date": True,
                                "name": True}
    assert match.matched_by == "satcat+piece" and match.candidate
    blank = compare(row("S05234", None, None, "-", None), MARS2)
    assert dict(blank.keys) == {"number": None, "designator": None, "date": None, "name": None}
    assert not blank.candidate


def test_the_best_row_agrees_on_most_keys() -> None:
    own = row("S05234", 5234, "1971-045A", "Mars 2", D(1971, 5, 19))
    other = row("S05252", 5252, "1971-049A", "Mars 3", D(1971, 5, 28))
    typo = Ours(5252, "1971-045A", D(1971, 5, 19), D(1971, 5, 19), ("Mars 2",))
    match = best_match([other, own], typo)
    assert match is not None and match.row["jcat"] == "S05234"
    assert match.disagreeing == ("number",) and match.matched_by == "designator"
    assert describe(match, typo, "1971 May 19", "Mars 2") == [
        "satellite number 5252 here, 5234 in GCAT"]
    # Order does not matter; nothing that agrees on no identifying key is a candidate.
    assert best_match([own, other], typo) == match
    assert best_match([row("S1", 1, "1957 ALP 1", "X", D(1971, 5, 19))], typo) is None


def test_ours_from_a_parsed_item() -> None:
    doc = parse_text("1962 November 1 - . 16:14 GMT - . Launch Site: Baikonur.\n\n"
                     "· Mars 1 - . Payload: Sputnik 23. USAF Sat Cat: 450 . "
                     "COSPAR: 1962-B-Nu-3.\n\n· Lander - . COSPAR: 1962-xx.\n")
    entry = doc.entries[0]
    mars1, lander = (Ours.from_item(entry, i) for i in entry.items)
    assert mars1 == Ours(450, "1962 B NU 3", D(1962, 11, 1), D(1962, 11, 1),
                         ("Mars 1", "Sputnik 23"))
    assert mars1.launched == (D(1962, 11, 1), D(1962, 11, 1))
    assert (lander.satcat, lander.piece) == (None, None)  # a placeholder is no designator
    assert name_key("[Mars-2]") == "mars2"
