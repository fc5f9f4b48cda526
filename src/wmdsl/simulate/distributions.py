"""Random times: service times from ``effort``, times between arrivals from ``arrivals``.

A spec gives means only (``effort 2h`` is the mean touch time, ``arrivals
6 per week`` the mean rate), so the shape around the mean is an assumption,
and a scenario may declare another (:mod:`wmdsl.simulate.scenario`):

``exponential``
    the default for both, as the analysis assumes (Poisson arrivals,
    exponential touch times): its coefficient of variation (standard
    deviation over mean) is 1;
``fixed``
    always the mean (CV 0): a regular drumbeat of arrivals, or work that
    always takes the same time;
``lognormal``
    right-skewed with the CV given (default 1): most items quick, a few
    taking many times the mean, as knowledge work usually is;
``gamma``
    with the CV given (default 1): CV 1 is the exponential, below 1 more
    regular, above 1 burstier.

A CV given without a shape means ``lognormal``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEFAULT", "SHAPES", "Shape", "sampler"]

SHAPES = ("exponential", "fixed", "lognormal", "gamma")


@dataclass(frozen=True, slots=True)
class Shape:
    """The shape of a random time around its mean: a family and a coefficient of variation."""

    family: str = "exponential"
    cv: float = 1.0

    @property
    def described(self) -> str:
        """``exponential (CV 1)``, ``lognormal (CV 0.5)``, ``fixed``."""
        if self.family == "fixed":
            return "fixed"
        return f"{self.family} (CV {self.cv:g})"


DEFAULT = Shape()


class Sampler:
    """Draws times of one shape and mean from one stream of random numbers."""

    __slots__ = ("draw",)

    draw: Callable[[], float]

    def __init__(self, shape: Shape, mean: float, rng: random.Random) -> None:
        family, cv = shape.family, shape.cv
        if mean <= 0 or family == "fixed" or cv <= 0:
            self.draw = _constant(max(mean, 0.0))
        elif family == "exponential" or (family == "gamma" and cv == 1.0):
            rate = 1.0 / mean
            self.draw = lambda: rng.expovariate(rate)
        elif family == "lognormal":
            sigma2 = math.log1p(cv * cv)
            mu, sigma = math.log(mean) - sigma2 / 2, math.sqrt(sigma2)
            self.draw = lambda: rng.lognormvariate(mu, sigma)
        else:  # gamma: shape k = 1/cv², scale θ = mean·cv², so the mean is kθ
            k, theta = 1.0 / (cv * cv), mean * cv * cv
            self.draw = lambda: rng.gammavariate(k, theta)


def _constant(value: float) -> Callable[[], float]:
    return lambda: value


def sampler(shape: Shape, mean: float, rng: random.Random) -> Sampler:
    """A sampler of times of ``shape`` with mean ``mean`` drawing from ``rng``."""
    return Sampler(shape, mean, rng)
