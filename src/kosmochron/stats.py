"""Statistics of launch records: success rates and their intervals.

Pure arithmetic over counts, shared by the store's statistics, the web charts and
the command line; no SQL here.
"""

from __future__ import annotations

import math


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval: unlike p ± z·σ it stays within [0, 1] and is
    honest for small n and rates near 0 or 1 (Wilson 1927)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, center - half), min(1.0, center + half))
