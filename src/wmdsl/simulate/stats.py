"""Estimates over replications: means with Student-t confidence intervals, and percentiles.

Each replication is one independent run, so a figure measured once per
replication (a mean wait, an 85th percentile) is a sample of n values; its
confidence interval is mean ± t(n − 1) · s / √n. The t quantile comes from
the regularised incomplete beta function (a continued fraction, as in
*Numerical Recipes* §6.4) by bisection: the standard library has the normal
distribution but not Student's.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Estimate", "estimate", "percentile", "t_quantile"]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A figure over replications: its mean and, with two or more, the confidence interval."""

    mean: float
    low: float | None = None
    high: float | None = None
    n: int = 1

    @property
    def half(self) -> float | None:
        """Half the width of the interval."""
        return None if self.high is None else self.high - self.mean

    def scaled(self, factor: float) -> Estimate:
        """The same estimate in other units (``factor`` > 0)."""
        low = None if self.low is None else self.low * factor
        high = None if self.high is None else self.high * factor
        return Estimate(self.mean * factor, low, high, self.n)

    def contains(self, value: float) -> bool:
        """Whether ``value`` is inside the interval (the mean alone without one)."""
        if self.low is None or self.high is None:
            return math.isclose(value, self.mean)
        return self.low <= value <= self.high


def estimate(values: Sequence[float], confidence: float, floor: float | None = 0.0) -> Estimate | None:
    """The mean of ``values`` and its ``confidence`` interval (``None`` for no values).

    The interval is cut at ``floor``, the least the figure can be (a time or
    a share cannot be negative; ``None`` for a figure that can).
    """
    n = len(values)
    if n == 0:
        return None
    mean = math.fsum(values) / n
    if n == 1:
        return Estimate(mean)
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
    low = mean - half if floor is None else max(floor, mean - half)
    return Estimate(mean, low, mean + half, n)


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) of sorted ``ordered``, interpolating linearly between ranks.

    The usual definition (Hyndman and Fan's type 7, numpy's default): rank
    q·(n − 1) counted from 0.
    """
    if not ordered:
        raise ValueError("no values")
    rank = q * (len(ordered) - 1)
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny, epsilon = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < epsilon:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _continued_fraction(a, b, x) / a
    return 1 - front * _continued_fraction(b, a, 1 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1 - tail if t > 0 else tail


@functools.lru_cache(maxsize=256)
def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (p > 0.5), to 1e-10."""
    if p <= 0.5:
        return -t_quantile(1 - p, df) if p < 0.5 else 0.0
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-10:
            break
    return (low + high) / 2
