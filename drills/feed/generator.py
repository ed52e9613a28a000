"""The feed generator: a seeded, marked, self-exciting (Hawkes) stream of public reactions.

Model (sources and derivations in docs/feed-model.md):

* Background ("immigrant") posts arrive as a Poisson process whose rate follows the
  scenario's phases, times the crowd's mood (``CrowdModifier``s from the team's actions).
* Every public post has offspring (replies and reshares): their number is Poisson with mean
  ``branching x mark(author) x arousal factor``; the mark is ``followers ** beta`` over its
  crowd mean (Rizoiu et al. 2017) and the arousal factor ``(0.5 + arousal)`` over its mean
  (high-arousal posts spread more, Herhausen et al. 2019), so the mean offspring is exactly
  the phase's branching factor; subcritical (< 1) always, near-critical in viral phases.
* Offspring delays follow the SEISMIC kernel (Zhao et al. 2015), stretched per platform by
  its attention half-life (X fastest).
* Reshares are attributed to the original post (``parent`` = the cascade's root), as Twitter
  does (Kwak et al. 2010: 96% of retweets are depth 1); replies keep their real parent.

Pure and seeded (no I/O, no clock, one ``random.Random`` per drill); events come out in time
order. ``add_modifier`` changes the crowd from a moment on (scheduled reactions keep theirs).
"""

from __future__ import annotations

import bisect
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
from drills.feed.texts import PER_EVENT, MessageTexts, arrival
from drills.feed.voice import hashtag_of, voiced
from drills.inputs.templates import render_template
from drills.vocabulary import MESSAGE_PLATFORM

Event = dict[str, Any]

DEFAULT_OUTLETS = {
    "en": ("The Daily Ledger", "Metro Chronicle", "National Wire", "Consumer Watch Weekly",
           "The Morning Courier", "Business Insight Today"),
    "sv": ("Stockholms Kuriren", "Göteborgs Tidning", "Nyhetsbyrån Norden", "Sydsvenska Posten",
           "Konsumentbladet", "Dagens Affärsvärld"),
}
DEFAULT_PRESS_TEXTS = {
    "en": "Hello, this is {journalist} from {outlet}. Could {brand} comment on {issue}?",
    "sv": "Hej, det här är {journalist} från {outlet}. Kan {brand} kommentera {issue}?",
}
#: Injects of institutional or internal kinds come from their own sender on their own channel,
#: never from a crowd persona: (channel, {language: (name, handle)}).
INSTITUTIONAL: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "regulator_inquiry": ("mail", {"en": ("Consumer Safety Authority", "consumer-safety"),
                                   "sv": ("Konsumentverket", "konsumentverket")}),
    "internal_report": ("internal", {"en": ("Quality lab", "quality-lab"),
                                     "sv": ("Kvalitetslabbet", "kvalitetslabbet")}),
}
_MAX_BRANCHING = 0.98
#: Event kinds that are not public posts: they start no cascade.
_PRIVATE = frozenset({"press_inquiry", "regulator_inquiry", "internal_report"})
# Heap entry codes; at equal times a boundary comes first, then injects, then reactions.
_BOUNDARY, _INJECT, _REACTION = 0, 1, 2
_exp = math.exp
_bisect = bisect.bisect_right


#: Arousal of a post is uniform within this distance of the regime's arousal, clamped to 0..1.
AROUSAL_SPREAD = 0.25


def clamped_uniform_mean(mean: float, spread: float) -> float:
    """E[clamp(U, 0, 1)] for U uniform on [mean - spread, mean + spread]."""
    low, high = mean - spread, mean + spread
    width = high - low

    def integral(a: float, b: float, value: float | None) -> float:
        a, b = max(a, low), min(b, high)
        if b <= a:
            return 0.0
        return (b - a) * value if value is not None else (b * b - a * a) / 2

    total = integral(-math.inf, 0.0, 0.0) + integral(0.0, 1.0, None) + integral(1.0, math.inf, 1.0)
    return total / width


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if x < low else high if x > high else x


class FeedGenerator:
    """Generates one drill's feed. ``events_until(t)`` yields events up to minute ``t``."""

    def __init__(self, scenario: Scenario, seed: int, *, duration: float | None = None,
                 rate_scale: float = 1.0, week_start: float | None = None) -> None:
        if rate_scale <= 0:
            raise ValueError(f"rate_scale must be positive, got {rate_scale}")
        self.scenario = scenario
        self.duration = scenario.duration if duration is None else duration
        self.rng = rng = random.Random(f"feed:{scenario.id}:{seed}")
        self._voice_rng = random.Random(f"voice:{scenario.id}:{seed}")
        self.rate_scale = rate_scale
        self.lang = LANGUAGE.get(scenario.locale, scenario.locale.split("_")[0])
        cascade = scenario.cascade
        self.crowd = Crowd(scenario.crowd.size, scenario.crowd.median_followers,
                           scenario.crowd.sigma, scenario.crowd.verified, scenario.platforms,
                           scenario.locale, rng, cascade.influence)
        pools = self.crowd.pools
        company = rng.choice(pools.companies)
        brand_values = {"company": company, "company_hashtag": hashtag_of(company),
                        "city": rng.choice(pools.cities),
                        "first_name": rng.choice(pools.first_names),
                        "last_name": rng.choice(pools.last_names)}
        self.brand = {k: render_template(v, brand_values) for k, v in scenario.brand.items()}
        self._city = self.brand.get("city", "")
        constants = {"brand": self.brand.get("name", ""),
                     "product": self.brand.get("product", self.brand.get("name", "")),
                     "issue": self.brand.get("issue", ""), "url": self.brand.get("url", ""),
                     "hashtag": self.brand.get("hashtag", "")}
        self.constants = constants
        self._audiences: dict[str, int] = {}
        blanks = {n: "" for n in PER_EVENT}
        self.outlets = tuple(render_template(o, {**blanks, **constants}) for o in
                             scenario.outlets or DEFAULT_OUTLETS.get(self.lang,
                                                                     DEFAULT_OUTLETS["en"]))
        self.claims = tuple(render_template(c, {**blanks, **constants}) for c in scenario.claims)
        self.texts = MessageTexts(scenario, constants, self._person_values)
        self.s0 = cascade.s0
        self.theta = cascade.theta
        self.replies = cascade.replies
        self.modifiers: list[CrowdModifier] = []
        self._mood: Mood = NEUTRAL_MOOD
        # One heap holds everything scheduled: reactions, injects and regime boundaries
        # (phase starts, modifier edges); boundaries sort first at equal times.
        self._heap: list[tuple[float, int, int, Any]] = []
        #: Ids of the injects already emitted (each is emitted once).
        self.emitted: set[str] = set()
        self.edits: dict[str, Inject] = {}  #: a facilitator's edits of waiting injects
        self._seq = 0
        self._count = 0
        self._now = 0.0
        for phase in scenario.phases:
            if phase.at > 0:
                self._push(phase.at, _BOUNDARY, None)
        for inject in sorted((i for i in scenario.injects if i.at is not None),
                             key=lambda i: (i.at, i.id)):
            self._push(arrival(inject, week_start), _INJECT, inject)
        self._refresh(0.0)

    # -- the crowd's mood ---------------------------------------------------------------------

    def add_modifier(self, modifier: CrowdModifier) -> None:
        """From ``modifier.start`` on, the crowd behaves differently (see CrowdModifier)."""
        if modifier.start < self._now:
            raise ValueError(f"modifier starts at {modifier.start}, before now ({self._now})")
        self.modifiers.append(modifier)
        for edge in (modifier.start, modifier.end):
            if edge > self._now and math.isfinite(edge) and edge < self.duration:
                self._push(edge, _BOUNDARY, None)
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

    def _refresh(self, t: float) -> None:
        """Recompute the regime (phase x mood) at ``t`` and redraw the next background post.

        Redrawing is exact for a Poisson process (it is memoryless). Everything the hot path
        needs is cached here, once per regime change.
        """
        phase = self._phase = self.scenario.phase_at(t)
        mood = self._mood = combine(self.modifiers, t) if self.modifiers else NEUTRAL_MOOD
        branching = phase.branching if phase.branching is not None else \
            self.scenario.cascade.branching
        self._branching = min(_MAX_BRANCHING, branching * mood.rate)
        self._arousal = _clamp(phase.arousal + mood.arousal)
        self._arousal_norm = 1.0 / (0.5 + clamped_uniform_mean(self._arousal, AROUSAL_SPREAD))
        self._negative = _clamp(phase.negative + mood.negative)
        self._positive = _clamp(phase.positive, 0.0, 1.0 - self._negative)
        self._misinformation = phase.misinformation * mood.misinformation if self.claims else 0.0
        self._abusive = phase.abusive
        total = phase.rate + phase.press
        self._press_share = phase.press / total if total else 0.0
        rate = self._bg_rate = total * self.rate_scale * mood.rate
        self._next_bg = t + self.rng.expovariate(rate) if rate > 0 else math.inf

    # -- injects --------------------------------------------------------------------------------

    def pending_injects(self) -> list[Inject]:
        """Scheduled injects not yet emitted, in time order (what "trigger now" offers)."""
        return [p for t, code, _s, p in sorted(self._heap, key=lambda x: (x[0], x[2]))
                if code == _INJECT and p.id not in self.emitted and self.edits.get(p.id, p) is p]

    def schedule_inject(self, inject: Inject, t: float) -> None:
        """Emit ``inject`` at minute ``t`` (conditional injects, decided by the caller)."""
        self._push(max(t, self._now), _INJECT, inject)

    def _push(self, t: float, code: int, payload: Any) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, code, self._seq, payload))

    # -- the stream -----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self._now

    def events_until(self, until: float) -> Iterator[Event]:
        """Every event with ``t <= until`` (and before the end), in time order."""
        until = min(until, self.duration)
        heap = self._heap
        pop = heapq.heappop
        while True:
            t_bg = self._next_bg
            if heap and heap[0][0] <= t_bg:
                t = heap[0][0]
                if t > until:
                    break
                _t, code, _seq, payload = pop(heap)
                self._now = t
                if code == _REACTION:
                    yield self._reaction(t, payload)
                elif code == _BOUNDARY:
                    self._refresh(t)
                elif payload.id not in self.emitted and \
                        self.edits.get(payload.id, payload) is payload:
                    self.emitted.add(payload.id)
                    yield self._inject_event(t, payload)
            else:
                if t_bg > until:
                    break
                self._now = t_bg
                self._next_bg = t_bg + self.rng.expovariate(self._bg_rate)
                yield self._background(t_bg)
        if until > self._now:
            self._now = until

    def __iter__(self) -> Iterator[Event]:
        return self.events_until(self.duration)

    # -- making events --------------------------------------------------------------------------

    def _sentiment(self) -> float:
        random_ = self.rng.random
        u = random_()
        if u < self._negative:
            return -int(200.5 + 800.0 * random_()) / 1000.0
        if u < self._negative + self._positive:
            return int(200.5 + 800.0 * random_()) / 1000.0
        return (int(300.0 * random_() + 0.5) - 150) / 1000.0

    def _pick(self, category: str, platform: str) -> str:
        texts = self.texts
        phase = self._phase.name
        random_ = self.rng.random
        text = texts.pick(category, platform, random_(), phase)
        if text is None:
            fallback = "negative" if category not in ("neutral", "positive") else "neutral"
            text = texts.pick(fallback, platform, random_(), phase) or ""
        return voiced(text, category, self.lang, random_(), random_(), random_())

    def _spawn(self, t: float, event_id: str, root: str, platform: str, sentiment: float,
               text: str, lam: float, first: float) -> None:
        """Schedule the reactions a public post gets: Poisson(lam) of them, SEISMIC delays.

        ``lam`` is ``branching x mark x (0.5 + arousal) / (0.5 + mean arousal)``; ``first`` is
        the Poisson inversion's first uniform, already drawn by the caller (which skips this
        call when it shows no reaction, as it does for most posts).
        """
        n = poisson(lam, self.rng, first)
        if not n:
            return
        scale = self.s0 * DECAY_SCALE.get(platform, 1.0)
        random_ = self.rng.random
        theta = self.theta
        end = self.duration
        info = (event_id, root, platform, sentiment, text)
        heap = self._heap
        for _ in range(n):
            child_t = t + sample_delay(random_(), scale, theta)
            if child_t < end:
                self._seq += 1
                heapq.heappush(heap, (child_t, _REACTION, self._seq, info))

    def _react_to(self, t: float, event: Event, mark: float) -> None:
        """Flag some posts as abusive, and schedule the reactions this post will get.

        Most posts get none: that is decided here with one uniform, without calling _spawn.
        """
        random_ = self.rng.random
        if self._abusive and random_() < self._abusive:
            event["violates_policy"] = True
        lam = self._branching * mark * (0.5 + event["arousal"]) * self._arousal_norm
        first = random_()
        if lam > 30.0 or first > _exp(-lam):
            self._spawn(t, event["id"], event["root"], event["platform"], event["sentiment"],
                        event["text"], lam, first)

    def _spawn_from(self, t: float, event: Event, mark: float) -> None:
        lam = self._branching * mark * (0.5 + event["arousal"]) * self._arousal_norm
        if lam > 0.0:
            self._spawn(t, event["id"], event["root"], event["platform"], event["sentiment"],
                        event["text"], lam, self.rng.random())

    def _background(self, t: float) -> Event:
        rng = self.rng
        random_ = rng.random
        if self._press_share and random_() < self._press_share:
            return self._press(t, None)
        crowd = self.crowd
        author, mark = crowd.draw()
        platform = crowd._platform_names[_bisect(crowd._platform_cum, random_())]
        u = random_()
        if u < self._negative:
            sentiment = -int(200.5 + 800.0 * random_()) / 1000.0
        elif u < self._negative + self._positive:
            sentiment = int(200.5 + 800.0 * random_()) / 1000.0
        else:
            sentiment = (int(300.0 * random_() + 0.5) - 150) / 1000.0
        arousal = self._arousal + (random_() - 0.5) * (2 * AROUSAL_SPREAD)
        # Three decimals, by integer arithmetic: k / 1000.0 prints as the short decimal.
        arousal = 0.0 if arousal < 0 else 1.0 if arousal > 1 else int(arousal * 1000.0 + 0.5) \
            / 1000.0
        followers: int = author["followers"]  # type: ignore[assignment]
        claim = None
        if self._misinformation and random_() < self._misinformation:
            kind = "misinformation"
            claim = self.claims[int(random_() * len(self.claims))]
            text = self.texts.render("misinformation", platform, random_(),
                                     {**self._person_values(), "claim": claim},
                                     self._phase.name) or claim
            voice = self._voice_rng.random  # draws of its own: the feed's timing stays
            text = voiced(text, "misinformation", self.lang, voice(), voice(), voice())
            if sentiment > -0.3:
                sentiment = -0.3
        elif followers >= INFLUENCER_FOLLOWERS:
            kind = "influencer_post"
            text = self._pick("influencer_post" if sentiment < 0 else
                              _category(sentiment), platform)
        else:
            kind = "mention"
            text = self._pick(_category(sentiment), platform)
        self._count += 1
        ident = f"e{self._count}"
        event = {"id": ident, "t": int(t * 1000.0 + 0.5) / 1000.0, "kind": kind,
                 "platform": platform,
                 "author": author, "text": text, "sentiment": sentiment, "arousal": arousal,
                 "reach": followers, "parent": None, "root": ident, "lang": self.lang}
        if claim is not None:
            event["claim"] = claim
        self._react_to(t, event, mark)
        return event

    def _reaction(self, t: float, info: tuple[Any, ...]) -> Event:
        parent_id, root, platform, parent_sentiment, parent_text = info
        random_ = self.rng.random
        author, mark = self.crowd.draw()
        followers: int = author["followers"]  # type: ignore[assignment]
        self._count += 1
        ident = f"e{self._count}"
        if random_() < self.replies:
            if random_() < 0.7:  # homophily: replies mostly share the parent's tone
                size = int(200.5 + 800.0 * random_()) / 1000.0
                sentiment = -size if parent_sentiment < 0 else size
            else:
                sentiment = self._sentiment()
            category = "reply_negative" if sentiment < 0 else "reply_positive"
            text = self._pick(category if category in self.texts.base else
                              _category(sentiment), platform)
            kind, parent = "reply", parent_id
        else:
            sentiment, text = parent_sentiment, parent_text
            kind, parent = "reshare", root
        # A reaction's arousal is the reader's, drawn afresh: were it inherited, aroused posts
        # (which get more reactions) would raise the branching factor generation by generation.
        arousal = self._arousal + (random_() - 0.5) * (2 * AROUSAL_SPREAD)
        # Three decimals, by integer arithmetic: k / 1000.0 prints as the short decimal.
        arousal = 0.0 if arousal < 0 else 1.0 if arousal > 1 else int(arousal * 1000.0 + 0.5) \
            / 1000.0
        event = {"id": ident, "t": int(t * 1000.0 + 0.5) / 1000.0, "kind": kind,
                 "platform": platform,
                 "author": author, "text": text, "sentiment": sentiment, "arousal": arousal,
                 "reach": followers, "parent": parent, "root": root, "lang": self.lang}
        self._react_to(t, event, mark)
        return event

    def _new_event(self, t: float, kind: str, platform: str, author: dict[str, object],
                   text: str, sentiment: float, arousal: float, reach: int) -> Event:
        self._count += 1
        ident = f"e{self._count}"
        return {"id": ident, "t": round(t, 3), "kind": kind, "platform": platform,
                "author": author, "text": text, "sentiment": round(sentiment, 3),
                "arousal": round(arousal, 3), "reach": reach, "parent": None, "root": ident,
                "lang": self.lang}

    def _person_values(self) -> dict[str, str]:
        name, handle, city = self.crowd.person()
        # A crisis with a place of its own (brand.city) keeps it in every post.
        return {"name": name, "handle": handle, "city": self._city or city,
                "outlet": self.outlets[int(self.rng.random() * len(self.outlets))],
                "journalist": name,
                "claim": self.claims[int(self.rng.random() * len(self.claims))]
                if self.claims else ""}

    def _press(self, t: float, inject: Inject | None) -> Event:
        rng = self.rng
        values = self._person_values()
        journalist = inject.journalist if inject and inject.journalist else values["name"]
        outlet = inject.outlet if inject and inject.outlet else values["outlet"]
        outlet = render_template(outlet, {**self._blank_values(), **self.constants})
        values.update(outlet=outlet, journalist=journalist)
        first, _, last = journalist.partition(" ")
        author = {"handle": make_handle(first, last or outlet, rng), "name": journalist,
                  "followers": int(rng.lognormvariate(math.log(8000), 1.0)),
                  "verified": True, "role": "journalist"}
        if inject and inject.text:
            text = render_template(inject.text, {**values, **self.constants})
        else:
            text = self.texts.render("press_inquiry", "news", rng.random(), values) or \
                render_template(DEFAULT_PRESS_TEXTS.get(self.lang, DEFAULT_PRESS_TEXTS["en"]),
                                {**values, **self.constants})
        deadline = inject.deadline if inject and inject.deadline else \
            rng.choice((60, 120, 180, 240))
        reach = self._audiences.get(outlet)
        if reach is None:  # an outlet has one audience per drill
            reach = self._audiences[outlet] = int(rng.lognormvariate(math.log(200000), 1.0))
        event = self._new_event(t, "press_inquiry", "news", author, text, -0.2, 0.3, reach)
        event["outlet"] = outlet
        event["deadline"] = float(deadline)
        return event

    def _blank_values(self) -> dict[str, str]:
        return {n: "" for n in PER_EVENT}

    def _inject_event(self, t: float, inject: Inject) -> Event:
        """A scripted or triggered event; public ones start cascades like any post."""
        event = self._scripted_event(t, inject)
        if inject.reply_to is not None:
            event.update(kind="reply", parent=inject.reply_to)
        if inject.to:
            event.update({"to": list(inject.to), "from": inject.sender,
                          "subject": inject.subject, "channel": inject.channel,
                          "attachments": list(inject.attachments)})
        return event

    def _message(self, t: float, inject: Inject) -> Event:
        """A message of an exercise script, to roles: as written, no crowd drawn."""
        sender = inject.sender or "exercise control"
        handle = "".join(c if c.isalnum() else "-" for c in sender.lower()).strip("-")
        author = {"handle": handle or "sender", "name": sender, "followers": 0,
                  "verified": True, "role": str(inject.author.get("role", "public"))}
        platform = inject.platform or MESSAGE_PLATFORM.get(inject.channel or "mail", "mail")
        text = render_template(inject.text or "", {**self._blank_values(), **self.constants})
        sentiment = inject.sentiment if inject.sentiment is not None else 0.0
        arousal = inject.arousal if inject.arousal is not None else 0.3
        event = self._new_event(t, "message", platform, author, text, sentiment, arousal,
                                int(inject.reach or 0))
        event["inject"] = inject.id
        if platform not in ("mail", "internal", "news"):
            self._spawn_from(t, event, self.crowd.mark(0))
        return event

    def _scripted_event(self, t: float, inject: Inject) -> Event:
        if inject.kind == "message":
            return self._message(t, inject)
        if inject.kind == "press_inquiry":
            event = self._press(t, inject)
            event["inject"] = inject.id
            return event
        spec = inject.author
        institution = INSTITUTIONAL.get(inject.kind)
        if institution is not None:
            senders = institution[1]
            name, handle = senders.get(self.lang, senders["en"])
            crowd_author: dict[str, Any] = {"handle": handle, "name": name, "followers": 0,
                                            "verified": True}
        else:
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
        platform = inject.platform or (institution[0] if institution is not None
                                       else self.crowd.platform())
        sentiment = inject.sentiment if inject.sentiment is not None else -0.7
        arousal = inject.arousal if inject.arousal is not None else 0.8
        values = self._person_values()
        if inject.claim:
            values["claim"] = render_template(inject.claim, {**self._blank_values(),
                                                             **self.constants})
        if inject.outlet:
            values["outlet"] = inject.outlet
        if inject.text:
            text = render_template(inject.text, {**values, **self.constants})
        else:
            text = self.texts.render(inject.kind, platform, self.rng.random(), values,
                                     self._phase.name) or \
                self._pick("negative", platform)
        reach = inject.reach if inject.reach is not None else followers
        event = self._new_event(t, inject.kind, platform, author, text, sentiment, arousal,
                                reach)
        event["inject"] = inject.id
        if inject.kind == "misinformation":
            event["claim"] = values["claim"]
        if inject.deadline and inject.kind == "regulator_inquiry":
            event["deadline"] = float(inject.deadline)
        if inject.kind not in _PRIVATE:
            self._spawn_from(t, event, self.crowd.mark(followers))
        return event


def _category(sentiment: float) -> str:
    if sentiment <= -0.05:
        return "negative"
    return "positive" if sentiment >= 0.2 else "neutral"
