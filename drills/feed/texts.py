"""A scenario's message templates for one drill: its constants filled once, ready to pick
from in O(1) (the feed generator draws from them for every post)."""

from __future__ import annotations

from collections.abc import Callable

from drills.feed.prepared import per_event, render_fixed
from drills.feed.scenario import Inject, Scenario
from drills.inputs.templates import render_template
from drills.team.clock import parse_shift

#: The values a template may name that are drawn for each event.
PER_EVENT = frozenset({"handle", "name", "city", "outlet", "journalist", "claim"})


class MessageTexts:
    """Message templates, ready to pick from in O(1).

    The drill's constants (brand, product, ...) are filled once. Templates that also name
    per-event values (a handle, a city, a claim) are pre-rendered ``VARIANTS`` times with
    values drawn from the drill's RNG, so no template is rendered per event; rare events
    that carry their own values (press, injects) render on demand with ``render``.
    """

    VARIANTS = 12

    def __init__(self, scenario: Scenario, constants: dict[str, str],
                 person: Callable[[], dict[str, str]]) -> None:
        self.constants = constants

        fixed = tuple(sorted(constants.items()))  # the same in every drill: cached per process
        def prepare(texts: tuple[str, ...]) -> tuple[str, ...]:
            ready: list[str] = []
            for text in texts:
                if per_event(text, PER_EVENT):
                    ready.extend(render_template(text, {**person(), **constants})
                                 for _ in range(self.VARIANTS))
                else:
                    ready.append(render_fixed(text, fixed))
            return tuple(ready)

        self.raw = dict(scenario.messages)
        self.base = {k: prepare(v) for k, v in scenario.messages.items()}
        self.platform = {p: {k: prepare(v) for k, v in table.items()}
                         for p, table in scenario.platform_messages.items()}
        self.phase = {p: {k: prepare(v) for k, v in table.items()}
                      for p, table in scenario.phase_messages.items()}
        self.raw_platform = scenario.platform_messages
        self.raw_phase = scenario.phase_messages
        self._options: dict[tuple[str, str, str], tuple[str, ...]] = {}

    @staticmethod
    def _mix(category: str, platform: str, phase: str, base: dict[str, tuple[str, ...]],
             platforms: dict[str, dict[str, tuple[str, ...]]],
             phases: dict[str, dict[str, tuple[str, ...]]]) -> tuple[str, ...]:
        """A phase's own messages replace the rest (a rumour phase must not praise the
        recall yet); a platform's messages are mixed with the general ones."""
        own = phases.get(phase, {}).get(category)
        if own:
            return own
        return platforms.get(platform, {}).get(category, ()) + base.get(category, ())

    def pick(self, category: str, platform: str, u: float, phase: str = "") -> str | None:
        """A text for ``category`` on ``platform`` in ``phase``; ``u`` in [0, 1)."""
        key = (category, platform, phase)
        options = self._options.get(key)
        if options is None:
            options = self._options[key] = self._mix(category, platform, phase, self.base,
                                                     self.platform, self.phase)
        if not options:
            return None
        return options[int(u * len(options))]

    def render(self, category: str, platform: str, u: float, values: dict[str, str],
               phase: str = "") -> str | None:
        """A text for ``category`` rendered with explicit per-event ``values``."""
        options = self._mix(category, platform, phase, self.raw, self.raw_platform,
                            self.raw_phase)
        if not options:
            return None
        return render_template(options[int(u * len(options))], {**values, **self.constants})


#: When an authority writes: weekdays in office hours (the drill's week, its local time).
OFFICE_HOURS = parse_shift("mon-fri 08:00-17:00")


def arrival(inject: Inject, week_start: float | None) -> float:
    """The minute a scheduled inject arrives: its ``at``, or the next office-hours moment
    from there when it keeps office hours (an IMY letter written for 23:30 on a Friday
    arrives at 08:00 on Monday). Without the drill's start nothing is moved.

    >>> from drills.feed.scenario import Inject
    >>> letter = Inject("imy", "regulator_inquiry", at=360.0)
    >>> arrival(letter, 4 * 1440 + 17 * 60 + 30) / 60   # fri 17:30 + 6 h -> mon 08:00
    62.5
    >>> arrival(letter, 1 * 1440 + 10 * 60)              # tue 10:00 + 6 h: in office hours
    360.0
    """
    at = float(inject.at or 0.0)
    if week_start is None or not inject.in_office_hours:
        return at
    return at + OFFICE_HOURS.next_start(week_start + at)
