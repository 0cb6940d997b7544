"""Statistics of launch records: success rates, their intervals, learning curves, streaks.

Pure arithmetic over counts and outcome sequences, shared by the store's statistics,
the web charts and the command line; no SQL here.  An *outcome* is what the store
keeps per launch: ``"success"``, ``"failure"`` or None (unknown, or not a launch),
and a launch may carry GCAT's partial *score* (``OF40``: a failure that still scored
0.40 of a success; a success scores 1, a plain failure 0).

* :func:`wilson_interval` and :func:`jeffreys_interval`: 95% intervals of a
  success rate.  Wilson's is the score interval; Jeffreys' is the Bayesian one
  with the Beta(½, ½) prior, equal-tailed, with the usual boundary fix (lower
  bound 0 when nothing succeeded, upper bound 1 when nothing failed; Brown, Cai
  and DasGupta 2001).  Both are honest for a handful of launches.
* :func:`learning_curve`: success by flight number (flights 1–5, 6–10, …) over
  many vehicles at once: how new rockets fare.
* :func:`longest_streak`: the longest run of successes in a sequence, and where it is.
* :func:`describe_failed_stage`: the chronology's ``Failed Stage`` codes in words.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: The two-sided 95% normal quantile.
Z95 = 1.959964


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval: unlike p ± z·σ it stays within [0, 1] and is
    honest for small n and rates near 0 or 1 (Wilson 1927)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, center - half), min(1.0, center + half))


# -- Jeffreys: quantiles of the Beta distribution ----------------------------------------


@functools.lru_cache(maxsize=4096)
def jeffreys_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Jeffreys interval: the equal-tailed ``level`` interval of the posterior
    Beta(successes + ½, failures + ½), lower bound 0 when there is no success and
    upper bound 1 when there is no failure (Brown, Cai & DasGupta 2001)."""
    if n == 0:
        return (0.0, 1.0)
    # SciPy's inverse of the regularized incomplete beta function, in C: a statistics
    # page's 300 quantiles take a millisecond, where a Python continued fraction took
    # 50 to 260 ms of a first view.  (Imported here: 0.3 s, which commands that never
    # compute an interval need not pay; the server's warm-up pays it.)
    from scipy.special import betaincinv

    tail = (1 - level) / 2
    a, b = successes + 0.5, n - successes + 0.5
    low = 0.0 if successes == 0 else float(betaincinv(a, b, tail))
    high = 1.0 if successes == n else float(betaincinv(a, b, 1 - tail))
    return (low, high)


# -- rates -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rate:
    """Attempts and successes with the rate and both 95% intervals."""

    attempts: int
    successes: int

    @property
    def failures(self) -> int:
        return self.attempts - self.successes

    @property
    def rate(self) -> float | None:
        return self.successes / self.attempts if self.attempts else None

    @property
    def wilson(self) -> tuple[float, float]:
        return wilson_interval(self.successes, self.attempts)

    @property
    def jeffreys(self) -> tuple[float, float]:
        return jeffreys_interval(self.successes, self.attempts)


def launch_score(outcome: str | None, score: float | None = None) -> float | None:
    """A launch's success score: GCAT's fraction when it gives one (``OF40`` → 0.40),
    else 1 for a success and 0 for a failure; None for an unknown outcome."""
    if score is not None:
        return score
    if outcome == "success":
        return 1.0
    if outcome == "failure":
        return 0.0
    return None


# -- learning curves -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LearningStep:
    """Flights ``first``–``last`` (``last`` None: and every later one) of every vehicle
    counted: how many there were, how many succeeded, and how many vehicles reached them."""

    first: int
    last: int | None
    attempts: int
    successes: int
    vehicles: int

    @property
    def label(self) -> str:
        if self.last is None:
            return f"{self.first}+"
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def rate(self) -> Rate:
        return Rate(self.attempts, self.successes)

    def to_json(self) -> dict[str, Any]:
        """The step with its rate and both 95% intervals."""
        rate = self.rate
        (low, high), (j_low, j_high) = rate.wilson, rate.jeffreys
        return {"flights": self.label, "first": self.first, "last": self.last,
                "attempts": self.attempts, "successes": self.successes,
                "failures": rate.failures, "vehicles": self.vehicles,
                "success_rate": rate.rate, "ci95_low": low, "ci95_high": high,
                "jeffreys95_low": j_low, "jeffreys95_high": j_high}


def learning_curve(sequences: Iterable[Sequence[str | None]], size: int = 5,
                   most: int = 50) -> list[LearningStep]:
    """Success by flight number over many vehicles: each sequence is one vehicle's
    (family's, variant's…) outcomes in launch order; its n-th launch counts in the
    step of flights ``size·k+1 … size·(k+1)`` holding n, flights past ``most`` in one
    last open step.  Launches of unknown outcome keep their flight number but are not
    counted.  Steps no vehicle reached are left out."""
    if size < 1 or most < size:
        raise ValueError("size must be at least 1 and most at least size")
    steps = math.ceil(most / size)
    attempts, successes, vehicles = [0] * (steps + 1), [0] * (steps + 1), [0] * (steps + 1)
    for outcomes in sequences:
        reached = set()
        for n, outcome in enumerate(outcomes):
            if outcome not in ("success", "failure"):
                continue
            step = min(n // size, steps)
            reached.add(step)
            attempts[step] += 1
            successes[step] += outcome == "success"
        for step in reached:
            vehicles[step] += 1
    return [LearningStep(i * size + 1, None if i == steps else min((i + 1) * size, most),
                         attempts[i], successes[i], vehicles[i])
            for i in range(steps + 1) if attempts[i]]


# -- streaks ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Streak:
    """A run of consecutive successes: its length and the indexes of its first and
    last launch in the sequence (None when there is no success at all)."""

    length: int
    start: int | None = None
    end: int | None = None


def longest_streak(outcomes: Sequence[str | None]) -> Streak:
    """The longest run of successes; the earliest of equally long ones.  A launch of
    unknown outcome ends a run (nobody can say it was a success)."""
    best, start = Streak(0), None
    for i, outcome in enumerate(outcomes):
        if outcome != "success":
            start = None
            continue
        start = i if start is None else start
        if i - start + 1 > best.length:
            best = Streak(i - start + 1, start, i)
    return best


def current_streak(outcomes: Sequence[str | None]) -> int:
    """How many of the last launches in a row succeeded."""
    n = 0
    for outcome in reversed(outcomes):
        if outcome != "success":
            break
        n += 1
    return n


# -- codes in words --------------------------------------------------------------------------

#: A failure that names no stage (GCAT's ``FF``, ``PE``, ``AD`` …: its cause says what).
NO_STAGE = "none"
#: Encyclopedia Astronautica's ``Failed Stage`` values that are not stage numbers.
FAILED_STAGE_CODES = {"S": "payload shroud (fairing)", "0": "stage 0 (strap-on boosters)",
                      "U": "stage unknown", "-": "stage unknown", NO_STAGE: "no stage named"}


def describe_failed_stage(code: str) -> str:
    """``3`` → ``stage 3``; ``S`` → ``payload shroud (fairing)``; ``0`` is GCAT's
    stage 0, the strap-on boosters; anything else is named as the source writes it."""
    code = code.strip()
    if code.isdecimal() and int(code) != 0:
        return f"stage {int(code)}"
    known = FAILED_STAGE_CODES.get(code) or FAILED_STAGE_CODES.get(code.upper())
    return known or f"failed stage {code!r}"
