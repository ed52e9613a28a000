"""The SEISMIC human reaction-time kernel (Zhao et al., KDD 2015).

Density: constant ``c`` for ``0 <= s < s0``, then ``c * (s / s0) ** -(1 + theta)``.
Normalised, a fraction ``theta / (1 + theta)`` of reactions fall in the plateau and the
tail survival is ``(s / s0) ** -theta / (1 + theta)``. With the reference implementation's
``s0 = 5 min`` and ``theta = 0.2314843``: about 19% of reactions within 5 minutes, 54% within
an hour, a median of about 41 minutes, and a very heavy tail.
"""

from __future__ import annotations

import math
import random

SEISMIC_THETA = 0.2314843
SEISMIC_S0_MINUTES = 5.0


def sample_delay(u: float, s0: float = SEISMIC_S0_MINUTES, theta: float = SEISMIC_THETA) -> float:
    """Inverse-CDF draw of one reaction delay in minutes from a uniform ``u`` in [0, 1)."""
    plateau = theta / (1.0 + theta)
    if u < plateau:
        return u / plateau * s0
    return float(s0 * ((1.0 - u) * (1.0 + theta)) ** (-1.0 / theta))


def cdf(s: float, s0: float = SEISMIC_S0_MINUTES, theta: float = SEISMIC_THETA) -> float:
    """Share of reactions that come within ``s`` minutes."""
    if s <= 0:
        return 0.0
    plateau = theta / (1.0 + theta)
    if s < s0:
        return plateau * s / s0
    return float(1.0 - (s / s0) ** (-theta) / (1.0 + theta))


def median(s0: float = SEISMIC_S0_MINUTES, theta: float = SEISMIC_THETA) -> float:
    return sample_delay(0.5, s0, theta)


def poisson(lam: float, rng: random.Random, first: float | None = None) -> int:
    """A Poisson draw: inversion for the small means most posts have, normal beyond 30.

    ``first`` is the inversion's first uniform when the caller already drew it (the hot
    path tests ``first <= exp(-lam)`` itself to skip the call for childless posts).
    """
    if lam <= 0.0:
        return 0
    if lam > 30.0:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    draw = rng.random
    k = 0
    product = draw() if first is None else first
    while product > limit:
        k += 1
        product *= draw()
    return k
