"""The library's statistics: both intervals, the Beta distribution under Jeffreys',
learning curves, success streaks and the failed-stage codes in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kosmochron.stats import (
    Rate,
    Streak,
    current_streak,
    describe_failed_stage,
    jeffreys_interval,
    launch_score,
    learning_curve,
    longest_streak,
    wilson_interval,
)

S, F = "success", "failure"


# -- Jeffreys ------------------------------------------------------------------------------

#: (successes, n) -> the Jeffreys 95% interval, from scipy.stats.beta.ppf(0.025 / 0.975,
#: s + 0.5, n - s + 0.5) (scipy 1.17), with the boundary fix at s = 0 and s = n.
JEFFREYS = {
    (8, 12): (0.387563896557623, 0.8754626785478506),
    (3, 9): (0.10421322166077418, 0.6522082065277341),
    (0, 5): (0.0, 0.37937714229903935),
    (5, 5): (0.6206228577009606, 1.0),
    (1, 1): (0.14674631630957513, 1.0),
    (38095, 57142): (0.662799021382437, 0.6705290949818594),
    (1, 1000): (0.00010791880468097968, 0.004664458808791372),
    (999, 1000): (0.9953355411912086, 0.999892081195319),
}


@pytest.mark.parametrize(("counts", "expected"), JEFFREYS.items())
def test_jeffreys_interval_against_scipy(counts: tuple[int, int],
                                         expected: tuple[float, float]) -> None:
    low, high = jeffreys_interval(*counts)
    assert low == pytest.approx(expected[0], abs=1e-10)
    assert high == pytest.approx(expected[1], abs=1e-10)


def test_jeffreys_of_nothing_is_everything() -> None:
    assert jeffreys_interval(0, 0) == (0.0, 1.0)


@given(st.integers(0, 400), st.integers(0, 400))
def test_jeffreys_holds_the_rate_and_is_symmetric(successes: int, failures: int) -> None:
    n = successes + failures
    low, high = jeffreys_interval(successes, n)
    assert 0.0 <= low <= high <= 1.0
    if n:
        assert low <= successes / n <= high
        # Swapping successes and failures mirrors the interval about one half.
        mirror = jeffreys_interval(failures, n)
        assert mirror[0] == pytest.approx(1 - high, abs=1e-9)
        assert mirror[1] == pytest.approx(1 - low, abs=1e-9)


def test_rate_carries_both_intervals() -> None:
    r = Rate(12, 8)
    assert r.failures == 4 and r.rate == pytest.approx(2 / 3)
    assert r.wilson == wilson_interval(8, 12) and r.jeffreys == jeffreys_interval(8, 12)
    assert Rate(0, 0).rate is None


def test_launch_scores() -> None:
    assert launch_score("success") == 1.0 and launch_score("failure") == 0.0
    assert launch_score("failure", 0.4) == 0.4  # GCAT's OF40
    assert launch_score(None) is None


# -- learning curves --------------------------------------------------------------------------


def test_learning_curve_numbers_each_vehicle_from_its_first_flight() -> None:
    # The seed: R-7 and Proton, in launch order.
    r7 = [F, F, F, S, F, F, F, S, S]
    proton = [F, F, F, S, S, S, S, S, S, S, S, F]
    steps = learning_curve([r7, proton], size=5)
    assert [(s.label, s.attempts, s.successes, s.vehicles) for s in steps] == [
        ("1–5", 10, 3, 2), ("6–10", 9, 7, 2), ("11–15", 2, 1, 1)]
    assert steps[0].rate.rate == pytest.approx(0.3)


def test_learning_curve_puts_late_flights_in_one_open_step() -> None:
    steps = learning_curve([[S] * 23, [F] * 3], size=5, most=10)
    assert [(s.label, s.first, s.last, s.attempts, s.successes) for s in steps] == [
        ("1–5", 1, 5, 8, 5), ("6–10", 6, 10, 5, 5), ("11+", 11, None, 13, 13)]


def test_learning_curve_skips_unknown_outcomes_but_keeps_their_numbers() -> None:
    steps = learning_curve([[None, S, S]], size=1, most=3)
    assert [(s.label, s.attempts) for s in steps] == [("2", 1), ("3", 1)]


def test_learning_curve_refuses_a_bad_step() -> None:
    with pytest.raises(ValueError):
        learning_curve([], size=0)


@given(st.lists(st.lists(st.sampled_from([S, F, None]), max_size=30), max_size=6),
       st.integers(1, 7))
def test_learning_curve_counts_every_known_launch_once(
        sequences: list[list[str | None]], size: int) -> None:
    steps = learning_curve(sequences, size=size, most=size * 3)
    known = sum(o is not None for seq in sequences for o in seq)
    assert sum(s.attempts for s in steps) == known
    assert sum(s.successes for s in steps) == sum(o == S for seq in sequences for o in seq)


# -- streaks ----------------------------------------------------------------------------------


def test_longest_streak_and_where_it_is() -> None:
    assert longest_streak([S, S, F, S, S, S, None, S]) == Streak(3, 3, 5)
    assert longest_streak([F, F]) == Streak(0)
    assert longest_streak([]) == Streak(0)
    assert longest_streak([S, S, F, S, S]) == Streak(2, 0, 1)  # the earliest of equals
    assert current_streak([F, S, S]) == 2 and current_streak([S, F]) == 0


@given(st.lists(st.sampled_from([S, F, None]), max_size=60))
def test_longest_streak_is_the_longest_run(outcomes: list[str | None]) -> None:
    run = longest_streak(outcomes)
    brute = max((j - i for i in range(len(outcomes)) for j in range(i, len(outcomes) + 1)
                 if all(o == S for o in outcomes[i:j])), default=0)
    assert run.length == brute
    if run.length:
        assert run.start is not None and run.end is not None
        assert outcomes[run.start:run.end + 1] == [S] * run.length


# -- codes --------------------------------------------------------------------------------------


def test_failed_stages_in_words() -> None:
    assert describe_failed_stage("3") == "stage 3"
    assert describe_failed_stage("S") == "payload shroud (fairing)"
    assert describe_failed_stage("0") == "stage 0 (strap-on boosters)"
    assert describe_failed_stage("none") == "no stage named"
    assert describe_failed_stage("Q") == "failed stage 'Q'"
