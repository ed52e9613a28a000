"""The feed generator: a seeded, marked, self-exciting (Hawkes) stream of public reactions.

Model (sources and derivations in docs/feed-model.md):

* Background ("immigrant") posts arrive as a Poisson process whose rate follows the
  scenario's phases, times the crowd's mood (``CrowdModifier``s from the team's actions).
* Every public post has offspring (replies and reshares): their number is Poisson with mean
  ``branching x mark(author) x arousal factor``; the mark is ``followers ** beta`` over its
  crowd mean (Rizoiu et al. 2017), so the mean offspring is the phase's branching factor.
  Subcritical (< 1) always; near-critical in viral phases.
* Offspring delays follow the SEISMIC kernel (Zhao et al. 2015), stretched per platform by
  its attention half-life (X fastest).
* Reshares are attributed to the original post (``parent`` = the cascade's root), as Twitter
  does (Kwak et al. 2010: 96% of retweets are depth 1); replies keep their real parent.

Pure and seeded: no I/O, no clock, one ``random.Random`` per drill. Events come out in time
order; ``add_modifier`` changes the crowd from a moment on (already scheduled reactions keep
the mood they were drawn with).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterator
from typing import Any

from drills.feed.crowd import INFLUENCER_FOLLOWERS, Crowd, make_handle
from drills.feed.effects import NEUTRAL_MOOD, CrowdModifier, Mood, combine
from drills.feed.kernel import poisson, sample_delay
from drills.feed.platforms import DECAY_SCALE, LANGUAGE
from drills.feed.scenario import Inject, Scenario
from drills.templates import placeholders, render_template

Event = dict[str, Any]

DEFAULT_OUTLETS = {
    "en": ("The Daily Ledger", "Metro Chronicle", "National Wire", "Consumer Watch Weekly",
           "The Morning Courier", "Business Insight Today"),
    "sv": ("Stockholms Kuriren", "Göteborgs Tidning", "Nyhetsbyrån Norden", "Sydsvenska Posten",
           "Konsumentbladet", "Dagens Affärsvärld"),
}
_MAX_BRANCHING = 0.98
#: Event kinds that are not public posts: they start no cascade.
_PRIVATE = frozenset({"press_inquiry", "regulator_inquiry", "internal_report"})
_PER_EVENT = frozenset({"handle", "name", "city", "outlet", "journalist", "claim"})


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if x < low else high if x > high else x


class _Texts:
    """Message templates with the drill's constants filled in once, per category/platform."""

    def __init__(self, scenario: Scenario, constants: dict[str, str]) -> None:
        def prepare(texts: tuple[str, ...]) -> list[tuple[str, bool]]:
            prepared = []
            for text in texts:
                names = {n for _o, n in placeholders(text)}
                filled = render_template(text, {**constants, **{n: "{" + n + "}"
                                                               for n in _PER_EVENT}})
                prepared.append((filled, bool(names & _PER_EVENT)))
            return prepared

        self.base = {k: prepare(v) for k, v in scenario.messages.items()}
        self.platform = {p: {k: prepare(v) for k, v in table.items()}
                         for p, table in scenario.platform_messages.items()}

    def pick(self, category: str, platform: str, rng: random.Random
             ) -> tuple[str, bool] | None:
        table = self.platform.get(platform)
        options = table.get(category) if table else None
        if not options:
            options = self.base.get(category)
        if not options:
            return None
        return options[int(rng.random() * len(options))]


class FeedGenerator:
    """Generates one drill's feed. ``events_until(t)`` yields events up to minute ``t``."""

    def __init__(self, scenario: Scenario, seed: int, *, duration: float | None = None,
                 rate_scale: float = 1.0) -> None:
        if rate_scale <= 0:
            raise ValueError(f"rate_scale must be positive, got {rate_scale}")
        self.scenario = scenario
        self.duration = scenario.duration if duration is None else duration
        self.rng = rng = random.Random(f"feed:{scenario.id}:{seed}")
        self.rate_scale = rate_scale
        self.lang = LANGUAGE.get(scenario.locale, scenario.locale.split("_")[0])
        cascade = scenario.cascade
        self.crowd = Crowd(scenario.crowd.size, scenario.crowd.median_followers,
                           scenario.crowd.sigma, scenario.crowd.verified, scenario.platforms,
                           scenario.locale, rng, cascade.influence)
        pools = self.crowd.pools
        brand_values = {"company": rng.choice(pools.companies), "city": rng.choice(pools.cities),
                        "first_name": rng.choice(pools.first_names),
                        "last_name": rng.choice(pools.last_names)}
        self.brand = {k: render_template(v, brand_values) for k, v in scenario.brand.items()}
        constants = {"brand": self.brand.get("name", ""),
                     "product": self.brand.get("product", self.brand.get("name", "")),
                     "issue": self.brand.get("issue", ""), "url": self.brand.get("url", ""),
                     "hashtag": self.brand.get("hashtag", "")}
        self.constants = constants
        self.texts = _Texts(scenario, constants)
        self.outlets = scenario.outlets or DEFAULT_OUTLETS.get(self.lang, DEFAULT_OUTLETS["en"])
        self.claims = scenario.claims
        self.s0 = cascade.s0
        self.theta = cascade.theta
        self.replies = cascade.replies
        self.modifiers: list[CrowdModifier] = []
        self._mood: Mood = NEUTRAL_MOOD
        self._boundaries = sorted({p.at for p in scenario.phases if p.at > 0})
        self._heap: list[tuple[float, int, tuple[Any, ...]]] = []
        self._seq = 0
        self._count = 0
        self._now = 0.0
        self._phase = scenario.phases[0]
        self._next_bg = self._draw_background(0.0)
        self._scripted = sorted((i for i in scenario.injects if i.at is not None),
                                key=lambda i: (i.at, i.id))
        self._script_index = 0
        self._pending_injects: list[tuple[float, int, Inject]] = []

    # -- the crowd's mood ---------------------------------------------------------------------

    def add_modifier(self, modifier: CrowdModifier) -> None:
        """From ``modifier.start`` on, the crowd behaves differently (see CrowdModifier)."""
        if modifier.start < self._now:
            raise ValueError(f"modifier starts at {modifier.start}, before now ({self._now})")
        self.modifiers.append(modifier)
        for edge in (modifier.start, modifier.end):
            if edge > self._now and edge not in self._boundaries and math.isfinite(edge):
                self._boundaries.append(edge)
        self._boundaries.sort()
        if modifier.start <= self._now:
            self._refresh(self._now)

    def end_modifiers(self, cause: str, t: float) -> None:
        """End every active modifier caused by ``cause`` at ``t`` (silence ends, say)."""
        changed = False
        for i, mod in enumerate(self.modifiers):
            if mod.cause == cause and mod.end > t:
                self.modifiers[i] = CrowdModifier(mod.start, max(t, mod.start), mod.rate,
                                                  mod.negative, mod.arousal, mod.misinformation,
                                                  mod.cause)
                changed = True
        if changed:
            self._refresh(max(t, self._now))

    def mood(self) -> Mood:
        return self._mood

    def _refresh(self, t: float) -> None:
        """Recompute the phase and mood at ``t`` and redraw the next background arrival.

        Redrawing is exact for a Poisson process (it is memoryless).
        """
        self._phase = self.scenario.phase_at(t)
        self._mood = combine(self.modifiers, t) if self.modifiers else NEUTRAL_MOOD
        self._next_bg = self._draw_background(t)

    def _background_rate(self) -> float:
        phase = self._phase
        return (phase.rate + phase.press) * self.rate_scale * self._mood.rate

    def _draw_background(self, t: float) -> float:
        rate = self._background_rate()
        return t + self.rng.expovariate(rate) if rate > 0 else math.inf

    # -- injects --------------------------------------------------------------------------------

    def schedule_inject(self, inject: Inject, t: float) -> None:
        """Emit ``inject`` at minute ``t`` (conditional injects, decided by the caller)."""
        self._seq += 1
        heapq.heappush(self._pending_injects, (max(t, self._now), self._seq, inject))

    # -- the stream -----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self._now

    @property
    def count(self) -> int:
        return self._count

    def events_until(self, until: float) -> Iterator[Event]:
        """Every event with ``t <= until`` (and before the end), in time order."""
        until = min(until, self.duration)
        heap = self._heap
        while True:
            t_bg = self._next_bg
            t_child = heap[0][0] if heap else math.inf
            t_script = (self._scripted[self._script_index].at or 0.0) \
                if self._script_index < len(self._scripted) else math.inf
            t_inject = self._pending_injects[0][0] if self._pending_injects else math.inf
            t_edge = self._boundaries[0] if self._boundaries else math.inf
            t = min(t_bg, t_child, t_script, t_inject)
            if t_edge <= t and t_edge <= until:
                self._boundaries.pop(0)
                self._now = t_edge
                self._refresh(t_edge)
                continue
            if t > until or t >= self.duration:
                self._now = max(self._now, until)
                return
            self._now = t
            if t == t_child:
                _t, _seq, parent = heapq.heappop(heap)
                yield self._reaction(t, parent)
            elif t == t_script:
                inject = self._scripted[self._script_index]
                self._script_index += 1
                yield self._inject_event(t, inject)
            elif t == t_inject:
                _t, _seq, pending = heapq.heappop(self._pending_injects)
                yield self._inject_event(t, pending)
            else:
                self._next_bg = self._draw_background(t)
                yield self._background(t)

    def __iter__(self) -> Iterator[Event]:
        return self.events_until(self.duration)

    # -- making events --------------------------------------------------------------------------

    def _new_id(self) -> str:
        self._count += 1
        return f"e{self._count}"

    def _sentiment(self, negative: float, positive: float) -> float:
        u = self.rng.random()
        if u < negative:
            return round(-0.2 - 0.8 * self.rng.random(), 3)
        if u < negative + positive:
            return round(0.2 + 0.8 * self.rng.random(), 3)
        return round(0.3 * self.rng.random() - 0.15, 3)

    def _text(self, category: str, platform: str, extra: dict[str, str] | None = None) -> str:
        picked = self.texts.pick(category, platform, self.rng)
        if picked is None and category not in ("negative", "neutral"):
            picked = self.texts.pick("negative", platform, self.rng)
        if picked is None:
            return ""
        text, per_event = picked
        if not per_event:
            return text
        name, handle, city = self.crowd.person()
        values = {"name": name, "handle": handle, "city": city,
                  "outlet": self.outlets[int(self.rng.random() * len(self.outlets))],
                  "journalist": name,
                  "claim": self.claims[0] if self.claims else ""}
        if extra:
            values.update(extra)
        return render_template(text, values)

    def _category(self, sentiment: float) -> str:
        if sentiment <= -0.05:
            return "negative"
        return "positive" if sentiment >= 0.2 and "positive" in self.texts.base else "neutral"

    def _spawn(self, t: float, event: Event, mark: float) -> None:
        """Schedule the reactions ``event`` will get."""
        phase = self._phase
        mood = self._mood
        branching = phase.branching if phase.branching is not None else \
            self.scenario.cascade.branching
        branching = min(_MAX_BRANCHING, branching * mood.rate)
        mean_arousal = _clamp(phase.arousal + mood.arousal)
        factor = (0.5 + event["arousal"]) / (0.5 + mean_arousal)
        n = poisson(branching * mark * factor, self.rng)
        if not n:
            return
        scale = self.s0 * DECAY_SCALE.get(event["platform"], 1.0)
        rng_random = self.rng.random
        info = (event["id"], event["root"], event["platform"], event["sentiment"],
                event["arousal"], event["text"])
        for _ in range(n):
            child_t = t + sample_delay(rng_random(), scale, self.theta)
            if child_t < self.duration:
                self._seq += 1
                heapq.heappush(self._heap, (child_t, self._seq, info))

    def _base_event(self, t: float, kind: str, platform: str, author: dict[str, object],
                    text: str, sentiment: float, arousal: float, parent: str | None,
                    root: str | None, reach: int) -> Event:
        ident = self._new_id()
        return {"id": ident, "t": round(t, 3), "kind": kind, "platform": platform,
                "author": author, "text": text, "sentiment": sentiment,
                "arousal": round(arousal, 3), "reach": reach, "parent": parent,
                "root": root or ident, "lang": self.lang}

    def _background(self, t: float) -> Event:
        phase = self._phase
        mood = self._mood
        rng = self.rng
        total = phase.rate + phase.press
        if phase.press and rng.random() * total < phase.press:
            return self._press(t, None)
        author, mark = self.crowd.draw()
        platform = self.crowd.platform()
        negative = _clamp(phase.negative + mood.negative)
        sentiment = self._sentiment(negative, _clamp(phase.positive, 0, 1 - negative))
        arousal = _clamp(phase.arousal + mood.arousal + (rng.random() - 0.5) * 0.5
                         + (0.1 if sentiment < 0 else 0.0))
        kind = "mention"
        claim = None
        if phase.misinformation and self.claims and \
                rng.random() < phase.misinformation * mood.misinformation:
            kind = "misinformation"
            claim = self.claims[int(rng.random() * len(self.claims))]
            text = self._text("misinformation", platform, {"claim": claim})
            sentiment = min(sentiment, -0.3)
        elif int(author["followers"]) >= INFLUENCER_FOLLOWERS:  # type: ignore[call-overload]
            kind = "influencer_post"
            text = self._text("influencer_post" if sentiment < 0 else self._category(sentiment),
                              platform)
        else:
            text = self._text(self._category(sentiment), platform)
        event = self._base_event(t, kind, platform, author, text, sentiment, arousal, None,
                                 None, int(author["followers"]))  # type: ignore[call-overload]
        if claim is not None:
            event["claim"] = claim
        if phase.abusive and rng.random() < phase.abusive:
            event["violates_policy"] = True
        self._spawn(t, event, mark)
        return event

    def _reaction(self, t: float, info: tuple[Any, ...]) -> Event:
        parent_id, root, platform, parent_sentiment, parent_arousal, parent_text = info
        rng = self.rng
        author, mark = self.crowd.draw()
        mood = self._mood
        if rng.random() < self.replies:
            phase = self._phase
            if rng.random() < 0.7:  # homophily: replies mostly share the parent's tone
                sentiment = round(math.copysign(0.2 + 0.8 * rng.random(),
                                                parent_sentiment or -1.0), 3)
            else:
                negative = _clamp(phase.negative + mood.negative)
                sentiment = self._sentiment(negative, _clamp(phase.positive, 0, 1 - negative))
            category = "reply_negative" if sentiment < 0 else "reply_positive"
            if category not in self.texts.base:
                category = self._category(sentiment)
            text = self._text(category, platform)
            arousal = _clamp(parent_arousal + (rng.random() - 0.5) * 0.3)
            event = self._base_event(t, "reply", platform, author, text, sentiment, arousal,
                                     parent_id, root, int(author["followers"]))  # type: ignore[call-overload]
        else:
            arousal = _clamp(parent_arousal + (rng.random() - 0.5) * 0.2)
            event = self._base_event(t, "reshare", platform, author, parent_text,
                                     parent_sentiment, arousal, root, root,
                                     int(author["followers"]))  # type: ignore[call-overload]
        if self._phase.abusive and rng.random() < self._phase.abusive:
            event["violates_policy"] = True
        self._spawn(t, event, mark)
        return event

    def _press(self, t: float, inject: Inject | None) -> Event:
        rng = self.rng
        name, _handle, _city = self.crowd.person()
        journalist = (inject.journalist if inject and inject.journalist else name)
        outlet = (inject.outlet if inject and inject.outlet else
                  self.outlets[int(rng.random() * len(self.outlets))])
        outlet = render_template(outlet, self.constants) if "{" in outlet else outlet
        first, _, last = journalist.partition(" ")
        author = {"handle": make_handle(first, last or outlet, rng), "name": journalist,
                  "followers": int(rng.lognormvariate(math.log(8000), 1.0)),
                  "verified": True, "role": "journalist"}
        extra = {"outlet": outlet, "journalist": journalist}
        text = (render_template(inject.text, {**self.constants, **self._person_values(),
                                              **extra})
                if inject and inject.text else self._text("press_inquiry", "news", extra))
        deadline = inject.deadline if inject and inject.deadline else rng.choice((60, 120, 180,
                                                                                   240))
        event = self._base_event(t, "press_inquiry", "news", author, text, -0.2,
                                 0.3, None, None, int(rng.lognormvariate(math.log(200000), 1.0)))
        event["outlet"] = outlet
        event["deadline"] = float(deadline)
        return event

    def _person_values(self) -> dict[str, str]:
        name, handle, city = self.crowd.person()
        return {"name": name, "handle": handle, "city": city,
                "outlet": self.outlets[0], "journalist": name,
                "claim": self.claims[0] if self.claims else ""}

    def _inject_event(self, t: float, inject: Inject) -> Event:
        """A scripted or triggered event; public ones start cascades like any post."""
        if inject.kind == "press_inquiry":
            event = self._press(t, inject)
            event["inject"] = inject.id
            return event
        spec = inject.author
        crowd_author, _mark = self.crowd.draw()
        followers = int(spec.get("followers", crowd_author["followers"]))  # type: ignore[call-overload]
        role = str(spec.get("role") or (
            "regulator" if inject.kind == "regulator_inquiry" else
            "employee" if inject.kind in ("employee_leak", "internal_report") else
            "influencer" if followers >= INFLUENCER_FOLLOWERS else "public"))
        author = {"handle": str(spec.get("handle", crowd_author["handle"])),
                  "name": str(spec.get("name", crowd_author["name"])),
                  "followers": followers,
                  "verified": bool(spec.get("verified", crowd_author["verified"])),
                  "role": role}
        platform = inject.platform or ("news" if inject.kind == "regulator_inquiry"
                                       else self.crowd.platform())
        sentiment = inject.sentiment if inject.sentiment is not None else -0.7
        arousal = inject.arousal if inject.arousal is not None else 0.8
        extra = {"claim": inject.claim or (self.claims[0] if self.claims else "")}
        if inject.text:
            values = {**self.constants, **self._person_values(), **extra}
            if inject.outlet:
                values["outlet"] = inject.outlet
            text = render_template(inject.text, values)
        else:
            text = self._text(inject.kind, platform, extra)
        reach = inject.reach if inject.reach is not None else followers
        event = self._base_event(t, inject.kind, platform, author, text, round(sentiment, 3),
                                 arousal, None, None, reach)
        event["inject"] = inject.id
        if inject.kind == "misinformation":
            event["claim"] = extra["claim"]
        if inject.kind == "regulator_inquiry" and inject.deadline:
            event["deadline"] = float(inject.deadline)
        if inject.kind not in _PRIVATE:
            self._spawn(t, event, self.crowd.mark(followers))
        return event
