"""Monitoring: the feed as the world sees it. Each event is logged (all, a sample, or none),
makes its platform active, adds to the negative reach, may wait for the community manager,
is kept for people to act on, and is matched by the event rules; every tick the signals are
logged and the state rules look at them.

The part owns what it counts (active platforms, negative reach, peak mentions), the posts,
and the facilitator's messages it addresses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drills.engine.durable_engine import Firing
from drills.sim.posts import Posts, fields_for
from drills.vocabulary import PRIVATE_CHANNELS

if TYPE_CHECKING:
    from drills.sim.world import World

_SAMPLE_EVERY = 10
_ENGAGEABLE = frozenset({"mention", "reply", "influencer_post", "misinformation"})


class Monitoring:
    """The process that moves the feed and ticks the monitor (``run``)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.active_platforms: dict[str, None] = {}
        self.negative_reach = 0
        self.peak_mentions = 0
        #: Every post a person can act on by id (kept only when people take part).
        self.posts: Posts | None = Posts(fields_for(world.rulebook)) if world.humans else None
        #: Ad-hoc injects a facilitator added, and the role each is addressed to.
        self.adhoc_to: dict[str, str] = {}
        self._cluster_injects = {i.id: i.cluster for i in world.scenario.injects if i.cluster}

    def run(self) -> Any:
        """Events up to the next moment anything else happens; a tick every ``tick``."""
        world = self.world
        env, crisis, tick, end = world.env, world.crisis, world.config.tick, world.end
        escalation = world.escalation
        next_tick = tick
        while True:
            horizon = min(env.peek(), next_tick, end)
            fired_at: tuple[dict[str, Any], list[Firing]] | None = None
            for event in crisis.events_until(horizon):
                firings = self._on_event(event)
                if firings:
                    fired_at = (event, firings)
                    break
            if fired_at is not None:
                event, firings = fired_at
                if event["t"] > env.now:
                    yield env.timeout(event["t"] - env.now)
                escalation.apply(firings, event["id"])
                continue
            # Always yield, if only for zero minutes: others scheduled now must run first.
            yield env.timeout(max(0.0, horizon - env.now))
            if env.now >= next_tick - 1e-9:
                self._tick()
                next_tick += tick
            if env.now >= end:
                return

    def _on_event(self, event: dict[str, Any]) -> list[Firing]:
        world = self.world
        summary = world.summary
        summary.events += 1
        mode = world.config.log_feed
        kind = event["kind"]
        if self.adhoc_to and event.get("inject") in self.adhoc_to:
            event["to"] = [self.adhoc_to[event["inject"]]]  # a facilitator's message
        if self._cluster_injects and event.get("inject") in self._cluster_injects:
            self._change_cluster(self._cluster_injects[event["inject"]], event)
        if mode == "full" or (mode == "sample" and (
                summary.events % _SAMPLE_EVERY == 1 or kind not in ("mention", "reply",
                                                                     "reshare"))):
            world.sink.write_event(event)
        platform = event["platform"]
        if self.posts is not None:
            self.posts.add(event)
        if platform not in PRIVATE_CHANNELS:
            if platform not in self.active_platforms and platform != "news":
                self.active_platforms[platform] = None
            if event["sentiment"] <= -0.05:
                self.negative_reach += event["reach"]
                if kind in _ENGAGEABLE:
                    world.responders.candidates.append(event)
        world.objectives.on_event(event)
        return world.escalation.on_event(event, event["t"])

    def _change_cluster(self, cluster: str | None, event: dict[str, Any]) -> None:
        """An inject moved the crisis to another SCCT cluster: expected strategies change."""
        crisis = self.world.crisis
        previous = crisis.cluster
        if cluster is None or cluster == previous:
            return
        crisis.cluster = cluster
        # Logged at the event's time, before the event itself.
        self.world.sink.write({"type": "cluster", "t": event["t"], "cluster": cluster,
                               "previous": previous, "inject": event["inject"],
                               "event": event["id"]})

    def _tick(self) -> None:
        world = self.world
        now = world.env.now
        if world.progress is not None:
            world.progress(now, world.end)
        signals = world.crisis.signals(now)
        if signals["mentions_1h"] > self.peak_mentions:
            self.peak_mentions = int(signals["mentions_1h"])
        world.escalation.signals = signals
        world.log("signal", **signals)
        world.escalation.observe(signals)
