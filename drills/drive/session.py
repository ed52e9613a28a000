"""One loop drives every drill with people in it, whatever the front end.

``drill play`` (terminal UI and ``--plain``), ``drill serve``'s runner (recovery after a
restart included), ``run --actions``, ``run --human`` and ``drill replay`` all move a drill
through here; none calls the world's ``advance`` itself, so the loop has one set of bugs.

:class:`Driver` applies people's inputs at their moments: recorded runs, replays and
recovery. :class:`LiveSession` adds real time: a wall clock handed in (a callable, so the
core reads no clock and tests drive it by hand), pause, speed, the script's breaks and
``wait``.

The world moves in whole steps (a simulated second); the clock does not. The session never
pulls the clock back to the step the world reached: the world follows the clock to its last
whole step, and the fraction is kept for the next tick. A 0.1 s tick at speed 1 (a tenth of
a step) is therefore never lost, and after N wall seconds the world has reached speed × N
simulated seconds, to within one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Literal

from drills.drive.breaks import BreakWatch
from drills.drive.clock import DrillClock
from drills.drive.inputs import PersonInput, apply_input, step_time
from drills.drive.live import LiveDrill
from drills.errors import InputError
from drills.feed.scenario import Break
from drills.log.records import Record
from drills.sim.people import PersonError
from drills.sim.world import LIVE_STEPS_PER_MINUTE

#: One step of a live world, in simulated minutes.
STEP = 1 / LIVE_STEPS_PER_MINUTE
#: Why a ``wait`` stopped.
WaitEnd = Literal["needed", "due", "break", "end", "interrupted", "done"]


class Driver:
    """Moves a drill with people in it and applies their inputs, without a clock."""

    def __init__(self, live: LiveDrill) -> None:
        self.live = live

    @property
    def over(self) -> bool:
        """The drill has reached its end (or was ended)."""
        return self.live.over

    def apply(self, item: PersonInput) -> PersonInput:
        """Apply an input now, at the step the world has reached; the input as the log (and
        a replay) has it. Raises PersonError if it cannot be applied."""
        stamped = replace(item, t=step_time(self.live.now))
        apply_input(self.live.world, stamped)
        return stamped

    def replay(self, inputs: Iterable[tuple[PersonInput, str]],
               until: float | None = None) -> None:
        """Apply each input at its moment, then run on to ``until`` (default: the end).

        An input that cannot be applied is the input's mistake, said as ``WHERE: what is
        wrong`` (``where`` names the file line or the stored input).
        """
        live = self.live
        for item, where in inputs:
            if item.t > live.end:
                raise InputError(f"{where}: at {item.t:g} minutes, after the drill's end "
                                 f"({live.end:g} minutes)")
            live.advance(item.t)
            try:
                apply_input(live.world, item)
            except PersonError as exc:
                raise InputError(f"{where}: at {live.clock()}, {item.member}: {exc}") from None
        live.advance(live.end if until is None else until)


class _Calls:
    """Whether something called for one person: a page to them, a new obligation or
    objective of one of their roles, an approval asked of them."""

    def __init__(self, name: str, roles: tuple[str, ...]) -> None:
        self.name = name
        self.roles = roles
        #: Obligations created for their roles: a page of one of these is theirs to answer.
        self.mine: set[str] = set()
        self.heard = False
        #: A page to them since the session last looked (``--pause-on-page``).
        self.paged = False

    def hear(self, record: Record) -> None:
        kind, status = record["type"], record.get("status")
        if kind == "expectation":
            called = status == "created" and record.get("role") in self.roles
        elif kind != "obligation":
            called = False
        elif status == "created":
            called = record.get("role") in self.roles
            if called:
                self.mine.add(str(record["id"]))
        elif status == "approval_requested":
            called = record.get("member") == self.name
        elif status == "paged":
            called = record.get("member") == self.name and str(record["id"]) in self.mine
            self.paged = self.paged or called
        else:
            called = False
        self.heard = self.heard or called


class LiveSession(Driver):
    """A live drill in real time: the clock, pause, speed, breaks, ``wait``, and the end.

    ``wall`` returns wall seconds (``time.monotonic`` at the edge, a fake in tests).
    """

    def __init__(self, live: LiveDrill, *, speed: float, wall: Callable[[], float],
                 paused: bool = False, pause_on_page: bool = False) -> None:
        super().__init__(live)
        #: Stop the clock when something pages a person (``drill play --pause-on-page``).
        self.pause_on_page = pause_on_page
        self.clock = DrillClock(speed, wall)
        if paused:
            self.clock.pause()
        self.breaks = BreakWatch(live.world.scenario.breaks)
        #: Ctrl-C was pressed: a long ``wait`` stops between two steps.
        self.interrupted = False
        people: dict[str, list[str]] = {}
        for role, name in live.config.humans.items():
            people.setdefault(name, []).append(role)
        self._calls = {name: _Calls(name, tuple(roles)) for name, roles in people.items()}
        self._page_paused = False
        live.display.listeners.append(self._hear)

    def _hear(self, record: Record) -> None:
        for calls in self._calls.values():
            calls.hear(record)

    # -- the clock ------------------------------------------------------------------------------

    @property
    def speed(self) -> float:
        return self.clock.speed

    @property
    def paused(self) -> bool:
        return self.clock.paused

    def set_speed(self, speed: float) -> None:
        self.clock.set_speed(speed)

    def pause(self) -> None:
        self.clock.pause()

    def resume(self) -> None:
        self.clock.resume()

    def interrupt(self) -> None:
        self.interrupted = True

    def take_page_pause(self) -> bool:
        """Whether the clock stopped for a page since the last call (``pause_on_page``)."""
        paused, self._page_paused = self._page_paused, False
        for calls in self._calls.values():
            calls.paged = False
        return paused

    def follow(self) -> None:
        """Set the clock to the moment the world has reached (after a skip or a recovery)."""
        self.clock.skip(self.live.now - self.clock.now())

    # -- moving the world ---------------------------------------------------------------------

    def tick(self) -> Break | None:
        """Move the world to where the clock says, to its last whole step.

        At a break of the script the world stops, the clock is paused there and the break
        is returned (``resume`` goes on). At the drill's end the clock stays at the end.
        """
        target, reached = self.breaks.stop_at(self.live.now, self.clock.now())
        self.live.advance(target)
        if reached is not None:
            self.clock.hold(self.live.now)
            self.clock.pause()
        elif self.pause_on_page and any(c.paged for c in self._calls.values()):
            self.clock.hold(self.live.now)
            self.clock.pause()
            self._page_paused = True
        elif self.live.over:
            self.clock.hold(self.live.now)
        return reached

    def recover(self, inputs: Iterable[tuple[PersonInput, str]], reached: float) -> None:
        """Bring a drill back after a restart: its stored inputs replayed at their moments,
        on to the moment it had reached; the clock goes on from there."""
        self.replay(inputs, until=reached)
        self.follow()

    def skip_target(self, minutes: float) -> float:
        """Where skipping ``minutes`` ahead goes: at most the end, and a break stops it."""
        target = min(self.live.now + minutes, self.live.end)
        upcoming = self.breaks.next_at(self.live.now)
        return upcoming if upcoming is not None and upcoming <= target else target

    def skip_to(self, target: float, *, enough: Callable[[], bool] | None = None,
                chunk: float = 1.0) -> bool:
        """Move the world towards ``target`` at once, ``chunk`` simulated minutes at a time,
        and the clock with it. ``enough()`` true after a chunk stops early (a wall-time
        budget, so whoever drives stays responsive); call again to go on. True when the
        world is as far towards ``target`` as it goes."""
        live = self.live
        try:
            while not live.over and live.now < target - 1e-9:
                before = live.now
                live.advance(min(live.now + chunk, target))
                if live.now <= before:
                    break  # within the last step: the world moves in whole steps
                if enough is not None and enough() and live.now < target - 1e-9:
                    return False
            return True
        finally:
            self.follow()

    def wait(self, minutes: float, *, person: str | None = None, due: bool = False,
             until: float | None = None,
             on_news: Callable[[], Any] | None = None) -> WaitEnd:
        """Let simulated time pass step by step: ``minutes`` at most, never past the next
        break or the drill's end, and say why it stopped.

        With ``person``, it stops after the step in which something called for them (a page,
        a new obligation or objective of their roles, an approval asked of them); with
        ``due`` also when their next obligation falls due; ``until`` (a reminder the front
        end keeps, like a next update promised) stops it as "due" too. ``on_news`` is called
        after each step that wrote something a person is told about, so a front end can show
        it as it comes. ``interrupt()`` (Ctrl-C) stops it between two steps.
        """
        live, display = self.live, self.live.display
        calls = self._calls.get(person) if person is not None else None
        if calls is not None:
            calls.heard = False
        seen = display.news_total
        upcoming = self.breaks.next_at(live.now)
        caught_up = self.clock.now()
        live.advance(caught_up if upcoming is None else min(caught_up, upcoming))
        target = self.skip_target(minutes)
        due_at = self.next_due(person) if due and person is not None else None
        if until is not None and until > live.now + STEP:
            due_at = until if due_at is None else min(due_at, until)
        if due_at is not None and due_at < target:
            target = due_at
        why: WaitEnd = "done"
        while live.now < target - 1e-9:
            if self.interrupted:
                why = "interrupted"
                break
            before = live.now
            live.advance(min(live.now + STEP, target))
            if live.now <= before:
                break  # within the last step: the world moves in whole steps
            if display.news_total != seen:
                seen = display.news_total
                if on_news is not None:
                    on_news()
            if calls is not None and calls.heard:
                why = "needed"
                break
        self.follow()
        if why == "done":
            if live.over:
                why = "end"
            elif due_at is not None and live.now >= due_at - STEP:
                why = "due"
            elif upcoming is not None and live.now >= upcoming - 1e-9:
                why = "break"
        return why

    def next_due(self, person: str) -> float | None:
        """When the person's next obligation falls due (None: nothing of theirs is due).

        One due within the step the world has reached counts as reached: a ``wait`` stops
        at the last whole step before a due time, and the next one must go on past it."""
        now = self.live.now
        ahead = [now + item.left for item in self.live.inbox(person)
                 if item.kind == "obligation" and item.left > STEP]
        return min(ahead, default=None)
