"""A live drill: the world with people in it, moved by whoever drives it, and what a front
end shows of it (clock, severity, signals, a person's inbox, the feed, what just happened).

Pure like the world: the caller says when simulated time moves (``advance``) and hands in
each person's input; nothing here reads a clock or a terminal. Front ends do not call
``advance``: the session (``drive/session.py``) does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drills.drive.batch import ScoringSink
from drills.log.records import Record, Sink, TeeSink
from drills.score.score import LogScorer
from drills.sim.people import (
    Acted,
    PersonAction,
    acknowledge,
    act,
    approve,
    awaiting_approval,
    is_theirs,
    person,
    waiting_page,
)
from drills.sim.world import DrillConfig, OpenExpectation, OpenObligation, World

#: Feed events and notable records a front end can show.
FEED_KEEP = 500
NEWS_KEEP = 200
#: Feed events worth telling a person about as they arrive.
NOTABLE_KINDS = frozenset({"press_inquiry", "influencer_post", "misinformation",
                           "regulator_inquiry", "employee_leak", "internal_report"})
#: Records a person is told about as they happen.
_NEWS_STATUSES = {"created", "paged", "escalated", "overdue", "approval_requested", "approved",
                  "approval_rejected",
                  "approval_missing", "cancelled", "done", "missed", "open"}


class DisplaySink:
    """Keeps what a front end shows: the latest feed events and the notable records."""

    def __init__(self) -> None:
        self.feed: deque[Record] = deque(maxlen=FEED_KEEP)
        self.news: deque[Record] = deque(maxlen=NEWS_KEEP)
        #: Every record written so far (a counter front ends poll for "anything new?").
        self.count = 0
        #: How many notable records there have been (``news`` keeps the latest).
        self.news_total = 0
        #: Told of every notable record as it is written (the session's "does this call
        #: for someone?"), however few ``news`` keeps.
        self.listeners: list[Callable[[Record], None]] = []

    def write(self, record: Record) -> None:
        self.count += 1
        kind = record["type"]
        if kind in ("severity", "action", "violation", "firing", "cluster", "episode") or (
                kind == "obligation" and record.get("status") in _NEWS_STATUSES) or (
                kind == "expectation" and record.get("status") == "created"):
            self._news(record)

    def write_event(self, event: Record) -> None:
        self.count += 1
        self.feed.append(event)
        if event["kind"] in NOTABLE_KINDS or event.get("inject"):
            self._news({"type": "event", **event})

    def _news(self, record: Record) -> None:
        self.news.append(record)
        self.news_total += 1
        for listener in self.listeners:
            listener(record)

    def news_since(self, seen: int) -> list[Record]:
        """Notable records after the first ``seen`` (as many as are still kept)."""
        fresh = self.news_total - seen
        return list(self.news)[-fresh:] if fresh > 0 else []


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for a person: a page, an obligation, or an approval."""

    kind: str  # "page", "obligation" or "approval"
    ob: OpenObligation
    role: str
    #: Minutes until it is due (negative: overdue) or, for a page, until it escalates.
    left: float


class LiveDrill:
    def __init__(self, config: DrillConfig, sink: Sink | None = None) -> None:
        self.display = DisplaySink()
        self.scorer = LogScorer(config.rulebook, trusted=True)
        sinks: list[Sink] = [ScoringSink(self.scorer), self.display]
        if sink is not None:
            sinks.append(sink)
        self.world = World(config, TeeSink(*sinks))
        self.config = config

    # -- time -----------------------------------------------------------------------------------

    def begin(self) -> None:
        self.world.begin()

    def advance(self, until: float) -> None:
        if not self.world.finished:
            self.world.advance(until)

    @property
    def now(self) -> float:
        return self.world.now

    @property
    def end(self) -> float:
        return self.world.end

    @property
    def over(self) -> bool:
        return self.world.finished or self.world.now >= self.world.end

    def finish(self) -> dict[str, Any]:
        """End the drill now and return its score document."""
        self.world.finish()
        return self.scorer.document()

    def close(self) -> None:
        self.world.close()

    # -- what there is to see ---------------------------------------------------------------

    def clock(self, t: float | None = None) -> str:
        return self.world.clock(self.world.now if t is None else t)

    @property
    def severity(self) -> str:
        return self.world.rulebook.severity[self.world.severity]

    @property
    def signals(self) -> dict[str, float]:
        return dict(self.world.signals)

    def inbox(self, name: str) -> list[InboxItem]:
        member = person(self.world, name)
        now = self.world.now
        items: list[InboxItem] = []
        for ob in self.world.obligations.values():
            if waiting_page(ob, member) and ob.paged_role is not None:
                ack = self.world.rulebook.roles[ob.paged_role].ack_within
                items.append(InboxItem("page", ob, ob.paged_role, ack - (now - ob.paged_at)))
            elif is_theirs(ob, member):
                items.append(InboxItem("obligation", ob, ob.acting_role or ob.spec.role,
                                       ob.due - now))
        items.extend(InboxItem("approval", ob, role, ob.due - now)
                     for ob, role in awaiting_approval(self.world, member))
        return items

    def expected_of(self, name: str) -> list[OpenExpectation]:
        """The exercise objectives waiting for a person: messages to their roles that
        expect a reaction, met by acting on the message."""
        roles = person(self.world, name).roles
        return [x for x in self.world.expectations.values() if x.spec.role in roles]

    def feed(self, n: int = 10, platform: str | None = None) -> list[Record]:
        events = [e for e in self.display.feed if platform is None or e["platform"] == platform]
        return events[-n:] if n else []

    # -- a person's input ---------------------------------------------------------------------

    def ack(self, name: str, ob_id: str | None = None) -> OpenObligation:
        ob = acknowledge(self.world, name, ob_id)
        self.world.settle()
        return ob

    def approve(self, name: str, ob_id: str | None = None) -> OpenObligation:
        ob = approve(self.world, name, ob_id)
        self.world.settle()
        return ob

    def act(self, name: str, request: PersonAction) -> OpenObligation | None:
        return self.perform(name, request).obligation

    def perform(self, name: str, request: PersonAction) -> Acted:
        """Do an action and say what it did: the record it logged, the objectives met."""
        acted = act(self.world, name, request)
        self.world.settle()
        return acted
