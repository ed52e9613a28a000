"""The typed scenario: a crisis archetype the feed generator turns into events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from drills.rulebook import ast

#: Placeholders a message template may use; the generator fills every one.
MESSAGE_PLACEHOLDERS = frozenset({"brand", "product", "issue", "url", "hashtag", "handle",
                                  "name", "city", "outlet", "journalist", "claim"})
#: Placeholders a brand field may use: drawn from Faker's locale data once per drill.
BRAND_PLACEHOLDERS = frozenset({"company", "company_hashtag", "city", "last_name", "first_name"})

#: SCCT crisis types and their cluster (Coombs 2007).
CRISIS_TYPES: dict[str, str] = {
    "natural_disaster": "victim",
    "rumor": "victim",
    "workplace_violence": "victim",
    "product_tampering": "victim",
    "challenge": "accidental",
    "technical_error_accident": "accidental",
    "technical_error_product_harm": "accidental",
    "human_error_accident": "preventable",
    "human_error_product_harm": "preventable",
    "organizational_misdeed": "preventable",
    "management_misconduct": "preventable",
}


@dataclass(frozen=True)
class Phase:
    at: float  # minutes
    name: str
    rate: float  # background posts per minute
    negative: float = 0.5
    positive: float = 0.1
    arousal: float = 0.5
    branching: float | None = None  # None: the cascade's
    misinformation: float = 0.0
    abusive: float = 0.01
    press: float = 0.0  # background press inquiries per minute


@dataclass(frozen=True)
class Cascade:
    branching: float = 0.5
    s0: float = 5.0
    theta: float = 0.2314843
    influence: float = 0.5  # beta: offspring grow with followers ** beta
    replies: float = 0.35  # share of reactions that are replies (the rest reshares)


@dataclass(frozen=True)
class Crowd:
    size: int = 5000
    median_followers: float = 300.0
    sigma: float = 2.0
    verified: float = 0.01


@dataclass(frozen=True)
class InjectTrigger:
    """Fire ``within`` minutes after the first event of ``kind`` unless one of ``unless``
    actions happened since it; or (``condition``) at the first check where it holds."""

    after_kind: str | None = None
    within: float = 0.0
    unless: tuple[str, ...] = ()
    when: str = ""
    condition: ast.Node | None = None


@dataclass(frozen=True)
class CriticalTask:
    """A task an evaluator rates P/S/M/U (HSEEP's Exercise Evaluation Guide: objective ->
    capability -> critical task); ``role``: whose task it is, when the scenario says."""

    id: str
    objective: str
    capability: str
    task: str
    role: str = ""


@dataclass(frozen=True)
class Break:
    """A pause of an exercise script (lunch): live drills stop the clock there."""

    at: float
    minutes: float
    title: str = ""


#: Words of an expected reaction that name the action meeting it (the first found wins;
#: the more specific come first: "holding statement" before "statement").
_ACTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("holding_statement", ("holding statement", "holding line")),
    ("correct_misinformation", ("correct", "debunk", "misinformation")),
    ("compensation_offer", ("compensat", "refund")),
    ("move_private", ("private", "direct message", "dm ")),
    ("delete_comment", ("delete", "remove the comment")),
    ("apology", ("apolog",)),
    ("update", ("update",)),
    ("statement", ("statement", "press release")),
    ("brief", ("brief",)),
    ("notify", ("notify", "inform", "alert")),
    ("reply", ("reply", "respond publicly")),
    ("deny", ("deny", "denial")),
)


def expected_action(reaction: str) -> str | None:
    """The action an expected reaction names in its words (``Publish a holding statement``
    -> holding_statement), or None: then any action on the message flags it for the
    facilitator to judge."""
    words = reaction.lower() + " "
    return next((action for action, keys in _ACTION_WORDS if any(k in words for k in keys)),
                None)


@dataclass(frozen=True)
class Expectation:
    """What a message expects of a role (an exercise objective, as in OpenAEV)."""

    reaction: str
    role: str
    within: float | None = None
    points: float = 1.0
    #: The action that meets it (None: any action on the message, judged by the facilitator).
    action: str | None = None


@dataclass(frozen=True)
class Inject:
    id: str
    kind: str
    at: float | None = None
    trigger: InjectTrigger | None = None
    platform: str | None = None
    author: dict[str, object] = field(default_factory=dict)
    text: str | None = None
    sentiment: float | None = None
    arousal: float | None = None
    outlet: str | None = None
    journalist: str | None = None
    deadline: float | None = None
    claim: str | None = None
    reach: int | None = None
    #: The SCCT cluster the crisis moves to when this inject fires, if it changes.
    cluster: str | None = None
    #: A message to roles (an exercise script's row): recipients, sender, subject, how it
    #: arrives, what is attached, and what is expected of whom.
    to: tuple[str, ...] = ()
    sender: str | None = None
    subject: str | None = None
    channel: str | None = None
    attachments: tuple[str, ...] = ()
    expect: tuple[Expectation, ...] = ()
    #: A persona's reply: the post it answers (it joins that thread).
    reply_to: str | None = None
    #: Arrives only in office hours (None: as its kind does: an authority's letter does).
    office_hours: bool | None = None

    @property
    def in_office_hours(self) -> bool:
        return self.office_hours if self.office_hours is not None else \
            self.kind in OFFICE_HOURS_KINDS


#: Kinds of inject that arrive in office hours unless the scenario says otherwise.
OFFICE_HOURS_KINDS = frozenset({"regulator_inquiry"})


#: What a persona may be: each reads the feed differently.
PERSONA_KINDS = ("journalist", "influencer", "regulator", "customer", "employee", "activist",
                 "politician", "public")


@dataclass(frozen=True)
class Persona:
    """Someone the facilitator (or a role-player) posts as in the public feed: a journalist,
    an influencer, a regulator, an angry customer. The crowd reacts to them like to anyone."""

    id: str
    name: str
    handle: str
    followers: int
    platform: str
    kind: str = "public"


@dataclass(frozen=True)
class Effect:
    """How the crowd reacts to one kind of team action (a crowd modifier's recipe)."""

    rate: float = 1.0
    negative: float = 0.0
    arousal: float = 0.0
    misinformation: float = 1.0
    duration: float = 360.0
    after: float = 120.0  # only for "silence": how long without a statement


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    cluster: str
    locale: str
    duration: float
    brand: dict[str, str]
    platforms: dict[str, float]
    phases: tuple[Phase, ...]
    messages: dict[str, tuple[str, ...]]
    description: str = ""
    crisis_type: str = ""
    crowd: Crowd = Crowd()
    cascade: Cascade = Cascade()
    injects: tuple[Inject, ...] = ()
    platform_messages: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    #: Messages of one phase, by phase name: they replace the general (and platform)
    #: messages of the categories they give while the phase lasts.
    phase_messages: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    outlets: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    breaks: tuple[Break, ...] = ()
    personas: tuple[Persona, ...] = ()
    #: The exercise's critical tasks (``evaluation:``); none: a served drill takes the
    #: rulebook's obligations.
    evaluation: tuple[CriticalTask, ...] = ()
    effects: dict[str, Effect] = field(default_factory=dict)
    #: Response templates of this crisis (a stance of its own), over the rulebook's: name ->
    #: language ("" = the scenario's own) -> platform or "default" -> text.
    templates: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    translations: dict[str, dict[str, object]] = field(default_factory=dict)
    source: str = ""

    def phase_at(self, t: float) -> Phase:
        current = self.phases[0]
        for phase in self.phases:
            if phase.at <= t:
                current = phase
            else:
                break
        return current

    @property
    def locales(self) -> tuple[str, ...]:
        return (self.locale, *sorted(self.translations))

    def localized(self, locale: str | None) -> Scenario:
        """This scenario in ``locale`` (its own, or one of its translations)."""
        if locale is None or locale == self.locale:
            return self
        tr = self.translations.get(locale)
        if tr is None:
            from drills.errors import InputError

            raise InputError(f"scenario {self.id!r} has no {locale} texts; available locales: "
                             f"{', '.join(self.locales)}")
        # An inject's own words (text, outlet, journalist, claim) come from the translation;
        # what it does not give is left out, and the drill draws its own in the new language.
        inject_texts = tr.get("injects")
        given = inject_texts if isinstance(inject_texts, dict) else {}
        own_words = {"text": None, "outlet": None, "journalist": None, "claim": None}
        injects = tuple(replace(i, **{**own_words, **given.get(i.id, {})})
                        for i in self.injects)
        # Texts in the original language never leak into a translation: platform texts and
        # claims the translation does not give are dropped, not kept.
        changes: dict[str, object] = {"locale": locale, "injects": injects,
                                      "platform_messages": {}, "phase_messages": {},
                                      "claims": (), "description": "", "outlets": ()}
        for key in ("title", "description", "brand", "messages", "platform_messages",
                    "phase_messages", "outlets", "claims"):
            if key in tr:
                changes[key] = tr[key]
        return replace(self, **changes)  # type: ignore[arg-type]
