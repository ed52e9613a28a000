"""The crowd: personas made from Faker's locale data, drawn with the drill's RNG.

Faker is slow (about 200 µs for a name and a user name here), so it runs once per process
and locale, with a fixed seed, to fill pools of first names, last names, cities and company
names. Each drill composes its personas from those pools with its own seeded RNG, lazily,
the first time a crowd member posts. Same seed, same crowd, in any process.
"""

from __future__ import annotations

import bisect
import math
import random
import unicodedata
from dataclasses import dataclass
from functools import cache

from faker import Faker

INFLUENCER_FOLLOWERS = 100_000
_POOL_SEED = 20261124


@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[str, ...]
    companies: tuple[str, ...]


@cache
def pools(locale: str) -> Pools:
    """Name pools for ``locale``, made once per process with a fixed seed."""
    fake = Faker(locale)
    fake.seed_instance(_POOL_SEED)

    def unique(make: object, n: int) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for _ in range(n * 3):
            seen[make()] = None  # type: ignore[operator]
            if len(seen) >= n:
                break
        return tuple(seen)

    return Pools(
        first_names=unique(fake.first_name, 250),
        last_names=unique(fake.last_name, 250),
        cities=unique(fake.city, 80),
        companies=unique(fake.company, 60),
    )


@cache
@cache  # names come from a fixed pool: folding each once saves ~2% of a drill
def ascii_handle(text: str) -> str:
    """``Åsa Öberg`` -> ``asaoberg``: handles are plain ASCII on every platform."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch == "_")


def make_handle(first: str, last: str, rng: random.Random) -> str:
    style = rng.randrange(5)
    a, b = ascii_handle(first), ascii_handle(last)
    if style == 0:
        return f"{a}{b}"
    if style == 1:
        return f"{a}_{b}{rng.randrange(10, 99)}"
    if style == 2:
        return f"{a[:1]}{b}"
    if style == 3:
        return f"{b}{rng.randrange(1950, 2010)}"
    return f"{a}.{b[:3]}"


class Crowd:
    """The drill's crowd of ``size`` personas; ``author(i)`` makes persona ``i`` on first use.

    Followers are lognormal (median, sigma); a persona's influence mark is
    ``followers ** beta`` divided by its crowd mean, so the average mark is 1 and the
    scenario's branching factor is the mean number of reactions per post.
    """

    def __init__(self, size: int, median: float, sigma: float, verified: float,
                 platforms: dict[str, float], locale: str, rng: random.Random,
                 beta: float) -> None:
        if size <= 0:
            raise ValueError(f"crowd size must be positive, got {size}")
        self.size = size
        self.rng = rng
        self.pools = pools(locale)
        self.mu = math.log(median)
        self.sigma = sigma
        self.verified = verified
        self.beta = beta
        # E[followers ** beta] for a lognormal: median ** beta * exp(beta^2 sigma^2 / 2)
        self.mean_mark = median ** beta * math.exp(beta * beta * sigma * sigma / 2)
        self._members: list[dict[str, object] | None] = [None] * size
        self._marks: list[float] = [0.0] * size
        names = list(platforms)
        cumulative, total = [], 0.0
        for name in names:
            total += platforms[name]
            cumulative.append(total)
        self._platform_names = names
        self._platform_cum = [c / total for c in cumulative]
        self._platform_cum[-1] = 2.0  # bisect never runs past the last platform

    def platform(self) -> str:
        return self._platform_names[bisect.bisect_right(self._platform_cum, self.rng.random())]

    def mark(self, followers: float) -> float:
        return float(followers ** self.beta / self.mean_mark)

    def draw(self) -> tuple[dict[str, object], float]:
        """A random crowd member (uniform: people post repeatedly) and its influence mark."""
        index = int(self.rng.random() * self.size)
        member = self._members[index]
        if member is None:
            return self.member(index)
        return member, self._marks[index]

    def member(self, index: int) -> tuple[dict[str, object], float]:
        """Crowd member ``index`` (made now if this is its first post) and its mark."""
        member = self._members[index]
        if member is None:
            member = self._make()
            self._members[index] = member
            self._marks[index] = self.mark(float(member["followers"]))  # type: ignore[arg-type]
        return member, self._marks[index]

    def _make(self) -> dict[str, object]:
        rng = self.rng
        first = rng.choice(self.pools.first_names)
        last = rng.choice(self.pools.last_names)
        followers = int(rng.lognormvariate(self.mu, self.sigma))
        influencer = followers >= INFLUENCER_FOLLOWERS
        verified = rng.random() < (0.5 if influencer else self.verified)
        return {
            "handle": make_handle(first, last, rng),
            "name": f"{first} {last}",
            "followers": followers,
            "verified": verified,
            "role": "influencer" if influencer else "public",
        }

    def person(self) -> tuple[str, str, str]:
        """A (name, handle, city) for a placeholder in a message."""
        first = self.rng.choice(self.pools.first_names)
        last = self.rng.choice(self.pools.last_names)
        return f"{first} {last}", make_handle(first, last, self.rng), \
            self.rng.choice(self.pools.cities)
