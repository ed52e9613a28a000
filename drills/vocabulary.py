"""The words every part of a drill shares: actions, platforms, event kinds, SCCT clusters."""

from __future__ import annotations

#: What a responder can do. Public actions are visible to the crowd and carry text.
ACTIONS: tuple[str, ...] = (
    "acknowledge",
    "notify",
    "route",
    "approve",
    "brief",
    "holding_statement",
    "update",
    "apology",
    "statement",
    "correct_misinformation",
    "reply",
    "move_private",
    "compensation_offer",
    "delete_comment",
    "argue",
    "deny",
)

#: Actions the public sees (they reach channels and the crowd reacts to them).
PUBLIC_ACTIONS: frozenset[str] = frozenset(
    {
        "holding_statement",
        "update",
        "apology",
        "statement",
        "correct_misinformation",
        "reply",
        "move_private",
        "compensation_offer",
        "delete_comment",
        "argue",
        "deny",
    }
)

#: The organisation speaking to everyone: a first one of these opens the rhythm of updates.
PUBLIC_STATEMENTS: frozenset[str] = frozenset(
    {"holding_statement", "statement", "update", "apology"})
#: Public statements and corrections: what ends the public's silence and gets the top tier
#: of advice.
STATEMENT_ACTIONS: frozenset[str] = PUBLIC_STATEMENTS | {"correct_misinformation"}

#: Actions on one post or comment: a person names the event (``act reply on e812``).
EVENT_ACTIONS: frozenset[str] = frozenset({"reply", "move_private", "delete_comment", "argue"})

PLATFORMS: tuple[str, ...] = ("x", "tiktok", "instagram", "facebook", "linkedin", "youtube", "news")
#: Channels that are not public: an internal report arrives internally, a regulator writes a
#: letter. Events there are seen by the team, not by the crowd or by monitoring.
PRIVATE_CHANNELS: tuple[str, ...] = ("internal", "mail")
#: Where an event can appear.
EVENT_PLATFORMS: tuple[str, ...] = PLATFORMS + PRIVATE_CHANNELS

EVENT_KINDS: tuple[str, ...] = (
    "mention",
    "reply",
    "reshare",
    "press_inquiry",
    "influencer_post",
    "misinformation",
    "regulator_inquiry",
    "employee_leak",
    "internal_report",
    "message",
)

#: How a scripted message reaches its roles (an exercise script's "method").
MESSAGE_CHANNELS: tuple[str, ...] = ("mail", "phone", "social", "press")
#: Where a message on each channel appears in the feed.
MESSAGE_PLATFORM: dict[str, str] = {"mail": "mail", "phone": "mail", "social": "x",
                                    "press": "news"}
#: How a facilitator (or the world) judged an exercise objective.
OBJECTIVE_STATUSES: tuple[str, ...] = ("met", "partly", "missed", "unvalidated")

AUTHOR_ROLES: tuple[str, ...] = ("public", "influencer", "journalist", "employee", "regulator")

#: SCCT crisis clusters (Coombs 2007).
CLUSTERS: tuple[str, ...] = ("victim", "accidental", "preventable")

#: SCCT response strategy families; "instruct" (instructing/adjusting information) is the base.
STRATEGIES: tuple[str, ...] = ("instruct", "deny", "diminish", "rebuild", "bolster")

#: Which strategy family each action expresses, for the SCCT fit check.
ACTION_STRATEGY: dict[str, str] = {
    "holding_statement": "instruct",
    "update": "instruct",
    "correct_misinformation": "instruct",
    "statement": "instruct",
    "apology": "rebuild",
    "compensation_offer": "rebuild",
    "deny": "deny",
    "argue": "deny",
}

#: Placeholders a response template may use; the drill fills every one of them.
#: Languages a rulebook template may be given in, besides its own (``language:``).
TEMPLATE_LANGUAGES: tuple[str, ...] = ("en", "sv", "fr")

TEMPLATE_PLACEHOLDERS: frozenset[str] = frozenset(
    {"brand", "product", "issue", "next_update", "channel", "url", "outlet", "name", "time"}
)
