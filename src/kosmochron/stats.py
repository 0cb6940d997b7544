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
import statistics
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


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        for numerator in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                          -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b): P(X ≤ x) for X ~ Beta(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


_NORMAL = statistics.NormalDist()


def beta_quantile(q: float, a: float, b: float) -> float:
    """The ``q`` quantile of Beta(a, b): Newton's steps on the CDF from a normal guess, each
    kept inside the bracket the steps so far have found (a step that would leave it
    bisects it instead, so none can run away).  Six or so steps where bisection to
    1e-12 took 40, each an incomplete beta: a statistics page's intervals on the GCAT
    world record cost 260 ms to compute by bisection."""
    low, high = 0.0, 1.0
    log_norm = _log_beta(a, b)
    mean, n = a / (a + b), a + b
    spread = math.sqrt(mean * (1 - mean) / (n + 1))  # a normal guess first
    x = min(max(mean + _NORMAL.inv_cdf(q) * spread, 1e-9), 1 - 1e-9)
    for _ in range(200):
        error = beta_cdf(x, a, b) - q
        if error < 0:
            low = x
        else:
            high = x
        log_density = (a - 1) * math.log(x) + (b - 1) * math.log1p(-x) - log_norm
        step = x - error / math.exp(log_density) if -700 < log_density < 700 else high
        if not low < step < high:
            step = (low + high) / 2
        if abs(step - x) < 1e-14 or high - low < 1e-12:
            return step
        x = step
    return x


@functools.lru_cache(maxsize=4096)
def jeffreys_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Jeffreys interval: the equal-tailed ``level`` interval of the posterior
    Beta(successes + ½, failures + ½), lower bound 0 when there is no success and
    upper bound 1 when there is no failure (Brown, Cai & DasGupta 2001)."""
    if n == 0:
        return (0.0, 1.0)
    tail = (1 - level) / 2
    a, b = successes + 0.5, n - successes + 0.5
    low = 0.0 if successes == 0 else beta_quantile(tail, a, b)
    high = 1.0 if successes == n else beta_quantile(1 - tail, a, b)
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
