"""kosmochron.crossfields: the readers behind the cross-field checks.  The rules
themselves are tested at their tolerances in test_validate.py."""

from __future__ import annotations

import pytest

from kosmochron.crossfields import elapsed_after, failure_stages, stated_periods, type_planet


@pytest.mark.parametrize(("text", "stages"), [
    ("16 seconds after ignition of Stage 4, Block L's S1.5400A1 engine exploded.",
     {"4": "Stage 4"}),
    ("T+51s payload shroud failed. Second stage continued but third stage failed to ignite.",
     {"S": "payload shroud", "2": "Second stage", "3": "third stage"}),
    ("The 2nd stage and the 3rd-stage engine", {"2": "2nd stage", "3": "3rd-stage"}),
    ("The fairing stuck; stage 2 then stage 2 again.", {"S": "fairing", "2": "stage 2"}),
    ("Block L lost stable attitude.", {}),
    ("Stages 1 and 2 burnt nominally.", {}),  # "Stages 1" is no stage named as failing
    # A stage whose separation dates the failure is not the one that failed (GCAT's
    # note of 1968 April 22, Failure Code S2G).
    ("Control failed after fairing sep.", {}),
    ("Stage 3 failed following the second stage separation.", {"3": "Stage 3"}),
    ("The fairing failed after stage 2 ignition.", {"S": "fairing", "2": "stage 2"}),
    (None, {}),
])
def test_failure_stages(text: str | None, stages: dict[str, str]) -> None:
    assert failure_stages(text) == stages


@pytest.mark.parametrize(("text", "low", "high"), [
    ("re-entered Earth's atmosphere 2 days later on 12 May 1971", 1.0, 3.0),
    ("It decayed about two months after insertion.", 30.44, 91.32),
    ("It decayed about 10 days after launch.", 5.0, 15.0),  # half of N beats one unit
    ("It re-entered a week later.", 0.0, 14.0),
    ("It decayed three years later.", 730.5, 1461.0),
])
def test_elapsed_after(text: str, low: float, high: float) -> None:
    elapsed = elapsed_after(text)
    assert elapsed is not None
    assert elapsed.low == pytest.approx(low) and elapsed.high == pytest.approx(high)


def test_no_elapsed_time() -> None:
    assert elapsed_after("It decayed on 12 May 1971.") is None
    assert elapsed_after("It remained in orbit for a few days.") is None


def test_stated_periods() -> None:
    text = ("Meanwhile, the orbiter was put into a long 11-day period orbit about Mars. It "
            "entered a 1380 x 24,940 km, 18 hour orbit; then a 94.5 minute orbit. The orbital "
            "period of 12.5 days was long.")
    found = [(p.minutes, p.half_unit_min, p.text) for p in stated_periods(text)]
    assert found == [(15_840.0, 720.0, "11-day period orbit"), (1_080.0, 30.0, "18 hour orbit"),
                     (94.5, 0.05, "94.5 minute orbit"),
                     (18_000.0, 72.0, "orbital period of 12.5 days")]
    sentences = [p.sentence for p in stated_periods(text)]
    assert sentences[2] == "then a 94.5 minute orbit."  # a decimal point ends no sentence


@pytest.mark.parametrize(("value", "body"), [
    ("Venus probe", "Venus"), ("Mars lander", "Mars"), ("Lunar orbiter", "Moon"),
    ("Martian probe", "Mars"), ("Communications satellite", None), (None, None)])
def test_type_planet(value: str | None, body: str | None) -> None:
    assert type_planet(value) == body
