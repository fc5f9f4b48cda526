"""Random times: service times from ``effort``, times between arrivals from ``arrivals``.

``effort 2h`` is the mean touch time and ``arrivals 6 per week`` the mean
rate; the shape around the mean is the spec's ``variability`` where it
declares one, else exponential, and a scenario may set another
(:mod:`wmdsl.simulate.scenario`), which wins (:func:`shaped`). The shapes:

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

A CV set without a shape keeps a declared ``lognormal`` or ``gamma`` and
means ``lognormal`` otherwise.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from wmdsl.model import Distribution, Variability

__all__ = ["DEFAULT", "SHAPES", "Override", "Shape", "sampler", "shaped"]

SHAPES = tuple(member.value for member in Distribution)
SPREAD = ("lognormal", "gamma")  # the shapes whose CV is a free parameter
DECLARED, SET, DEFAULTED = "declared", "set", "default"  # where a shape comes from


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


def normal(family: str, cv: float) -> Shape:
    """``family`` with ``cv``, except that a fixed time has CV 0 and an exponential one CV 1."""
    return Shape(family, {"fixed": 0.0, "exponential": 1.0}.get(family, cv))


@dataclass(frozen=True, slots=True)
class Override:
    """What a scenario sets of a shape: its family, its CV, or both (``None``: as the spec has it)."""

    family: str | None = None
    cv: float | None = None


def shaped(declared: Variability | None, override: Override | None) -> tuple[Shape, str]:
    """The shape to draw from and where it comes from: :data:`SET`, :data:`DECLARED` or :data:`DEFAULTED`.

    A scenario's setting wins over the spec's ``variability``, which wins over
    the default. A scenario that sets only a family keeps the declared CV when
    both have one (lognormal and gamma); one that sets only a CV keeps the
    declared family when it has a CV to change, and means lognormal otherwise.
    """
    base = normal(declared.distribution.value, declared.cv) if declared is not None else DEFAULT
    if override is None or (override.family is None and override.cv is None):
        return base, DECLARED if declared is not None else DEFAULTED
    family = override.family
    if family is None:
        family = base.family if base.family in SPREAD else "lognormal"
    cv = override.cv
    if cv is None:
        cv = base.cv if base.family in SPREAD else 1.0
    return normal(family, cv), SET


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
