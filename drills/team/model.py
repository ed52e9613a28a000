"""The typed team the simulation runs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from drills.team.clock import ALWAYS, NEVER, Shift

Z90 = 1.2815515655446004  # the 90th percentile of the standard normal


@dataclass(frozen=True)
class ResponseTime:
    """Minutes to respond, lognormal with the given median and 90th percentile."""

    median: float
    p90: float

    def __post_init__(self) -> None:
        if self.median <= 0 or self.p90 < self.median:
            raise ValueError(f"response needs 0 < median <= p90, got {self.median}, {self.p90}")

    @property
    def mu(self) -> float:
        return math.log(self.median)

    @property
    def sigma(self) -> float:
        return math.log(self.p90 / self.median) / Z90


@dataclass(frozen=True)
class Member:
    name: str
    roles: tuple[str, ...]
    shift: Shift = ALWAYS
    on_call: Shift = NEVER
    response: ResponseTime = ResponseTime(10.0, 30.0)
    on_call_response: ResponseTime | None = None

    def available(self, week_minute: float) -> bool:
        return self.shift.covers(week_minute) or self.on_call.covers(week_minute)

    def response_at(self, week_minute: float) -> ResponseTime:
        """Slower when paged off shift, on call."""
        if self.shift.covers(week_minute) or self.on_call_response is None:
            return self.response
        return self.on_call_response


@dataclass(frozen=True)
class Habits:
    """Probabilities of what a team does besides the protocol (per opportunity)."""

    skip_approval: float = 0.0
    delete_comment: float = 0.0
    argue: float = 0.0
    go_silent: float = 0.0
    template: float = 0.8
    wrong_strategy: float = 0.0
    miss_channel: float = 0.0
    #: Share of high-reach negative posts the community manager answers each check.
    engage: float = 0.3


@dataclass(frozen=True)
class Team:
    name: str
    members: tuple[Member, ...]
    habits: Habits = Habits()
    description: str = ""
    timezone: str = ""
    source: str = ""
    roles: frozenset[str] = field(default=frozenset())
    #: The members' names in a drill of another language: language -> {name: that name}.
    names: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("a team needs at least one member")
        object.__setattr__(self, "roles", frozenset(r for m in self.members for r in m.roles))

    def localized(self, lang: str) -> Team:
        """The team as a drill in ``lang`` meets it: a Swedish drill's colleagues have
        Swedish names when the team file gives them (``names: {sv: {...}}``)."""
        renamed = self.names.get(lang)
        if not renamed:
            return self
        members = tuple(replace(m, name=renamed.get(m.name, m.name)) for m in self.members)
        return replace(self, members=members, names={})

    def holders(self, role: str) -> tuple[Member, ...]:
        return tuple(m for m in self.members if role in m.roles)
