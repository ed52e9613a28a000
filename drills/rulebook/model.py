"""The typed rulebook: what the loader validates YAML into and the core trusts."""

from __future__ import annotations

from dataclasses import dataclass, field

from drills.inputs.templates import pick_template
from drills.rulebook import ast


@dataclass(frozen=True)
class Role:
    name: str
    backup: str | None = None
    #: Minutes a page may go unacknowledged before the backup is paged.
    ack_within: float = 15.0
    #: Whether this role works the comments: replies, moves people to private, and (as a
    #: team's habits have it) deletes or argues. Declared in the rulebook, never implied by
    #: a role's name.
    works_comments: bool = False
    #: Display names per language (``{"sv": "Kommunikationsansvarig"}``); the id stays.
    names: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Obligation:
    """What a fired rule demands: ``action`` by ``role`` within ``within`` minutes."""

    action: str
    role: str
    within: float | None = None
    every: float | None = None
    approve: tuple[str, ...] = ()
    #: "active", "private", "all", or platform names; None when the action is internal.
    channels: str | tuple[str, ...] | None = None
    template: str | None = None
    #: How much this obligation counts against the others (scores and the ranking of advice).
    weight: float = 1.0

    @property
    def first_due(self) -> float:
        """Minutes after the firing by which the first instance is due."""
        if self.within is not None:
            return self.within
        assert self.every is not None
        return self.every


@dataclass(frozen=True)
class Rule:
    id: str
    when: str
    condition: ast.Node
    description: str = ""
    escalate: int | None = None
    deescalate: int | None = None
    require: tuple[Obligation, ...] = ()
    once: str = "never"
    once_within: float | None = None
    enabled: bool = True

    @property
    def trigger(self) -> str:
        """``event`` when the condition names an event field, else ``state`` (edge-triggered)."""
        if any(f.namespace == "event" for f in ast.fields_of(self.condition)):
            return "event"
        return "state"


@dataclass(frozen=True)
class Forbid:
    id: str
    action: str
    #: The reason in English (or the rulebook's only language): what the log records.
    reason: str
    unless: ast.Node | None = None
    unless_text: str = ""
    #: The reason per language, when the rulebook gives more than one.
    reasons: dict[str, str] = field(default_factory=dict, compare=False)

    def reason_in(self, lang: str) -> str:
        """The reason as a drill in ``lang`` shows it (else the one the log records)."""
        return self.reasons.get(lang.split("_")[0].lower(), self.reason)


@dataclass(frozen=True)
class Calm:
    """When the crisis counts as over: ``when`` held for ``for_minutes`` → back to ``to``."""

    when: str
    condition: ast.Node
    for_minutes: float
    to: int = 0


@dataclass(frozen=True)
class Weights:
    timeliness: float = 0.4
    adherence: float = 0.4
    conduct: float = 0.2


@dataclass(frozen=True)
class Rulebook:
    name: str
    version: int
    severity: tuple[str, ...]
    roles: dict[str, Role]
    rules: tuple[Rule, ...]
    description: str = ""
    forbid: tuple[Forbid, ...] = ()
    strategies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: template name -> language ("" for the rulebook's own) -> platform or "default" -> text
    templates: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    weights: Weights = Weights()
    #: Share of an obligation's credit kept when it is done late.
    late_credit: float = 0.5
    calm: Calm | None = None
    source: str = ""
    #: The language of the templates' top-level texts.
    language: str = "en"

    def role_names(self) -> dict[str, dict[str, str]]:
        """The roles' own display names (role -> language -> name), for screens."""
        return {name: role.names for name, role in self.roles.items() if role.names}

    @property
    def enabled_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    @property
    def comment_roles(self) -> tuple[str, ...]:
        """The roles that work the comments, in rulebook order."""
        return tuple(name for name, role in self.roles.items() if role.works_comments)

    def template_text(self, name: str, platform: str | None = None,
                      lang: str | None = None) -> str | None:
        """The template for ``platform`` in ``lang``; None when the rulebook has no text in
        that language (a Swedish drill never publishes the English text)."""
        return pick_template(self.templates, name, platform, lang or self.language,
                             self.language)
