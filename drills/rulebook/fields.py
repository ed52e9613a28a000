"""The fields a condition may name: the documented event, signal and drill schema.

Naming a field outside this table is a lint error, not a rule that silently never fires.
``docs/log.md`` (events) and ``docs/feed-model.md`` (signals) describe the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from drills.vocabulary import AUTHOR_ROLES, CLUSTERS, EVENT_KINDS, EVENT_PLATFORMS


@dataclass(frozen=True)
class FieldSpec:
    """One field: its type (``number``, ``string``, ``bool``, ``duration``, ``severity``)."""

    type: str
    doc: str
    choices: tuple[str, ...] = ()


EVENT_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec("string", "unique id of the event in its drill"),
    "t": FieldSpec("duration", "simulated minutes since the drill started"),
    "kind": FieldSpec("string", "what the event is", EVENT_KINDS),
    "platform": FieldSpec("string", "where it appeared", EVENT_PLATFORMS),
    "author.handle": FieldSpec("string", "the author's handle"),
    "author.name": FieldSpec("string", "the author's display name"),
    "author.followers": FieldSpec("number", "the author's follower count"),
    "author.verified": FieldSpec("bool", "whether the account is verified"),
    "author.role": FieldSpec("string", "who the author is", AUTHOR_ROLES),
    "text": FieldSpec("string", "what the post says"),
    "sentiment": FieldSpec("number", "tone from -1 (hostile) to 1 (warm)"),
    "arousal": FieldSpec("number", "emotional intensity from 0 (calm) to 1 (outraged)"),
    "reach": FieldSpec("number", "estimated people reached"),
    "parent": FieldSpec("string", "id of the post this replies to or reshares"),
    "lang": FieldSpec("string", "language code, like en or sv"),
    "outlet": FieldSpec("string", "news outlet (press inquiries)"),
    "deadline": FieldSpec("duration", "time the journalist or regulator gives for an answer"),
    "violates_policy": FieldSpec("bool", "the post breaks the posting policy (spam, abuse)"),
    "claim": FieldSpec("string", "the false claim a misinformation post spreads"),
}

SIGNAL_FIELDS: dict[str, FieldSpec] = {
    "mentions_15m": FieldSpec("number", "feed events in the last 15 minutes"),
    "mentions_1h": FieldSpec("number", "feed events in the last hour"),
    "negative_15m": FieldSpec("number", "negative events (sentiment < -0.05) in the last 15 min"),
    "negative_1h": FieldSpec("number", "negative events in the last hour"),
    "negative_share": FieldSpec("number", "negative share of the last hour's events (0..1)"),
    "reach_1h": FieldSpec("number", "summed reach of the last hour's events"),
    "negative_reach_1h": FieldSpec("number", "summed reach of the last hour's negative events"),
    "velocity": FieldSpec("number", "mentions_15m divided by the previous 15 minutes' count"),
    "influencers_1h": FieldSpec("number", "posts by accounts with >= 100k followers, last hour"),
    "press_1h": FieldSpec("number", "press inquiries in the last hour"),
    "press_total": FieldSpec("number", "press inquiries since the drill started"),
    "misinformation_share": FieldSpec("number", "misinformation share of the last hour's events"),
    "arousal_1h": FieldSpec("number", "mean arousal of the last hour's events"),
}

DRILL_FIELDS: dict[str, FieldSpec] = {
    "severity": FieldSpec("severity", "current severity level (compare with a level name)"),
    "elapsed": FieldSpec("duration", "simulated time since the drill started"),
    "cluster": FieldSpec("string", "the scenario's SCCT cluster", CLUSTERS),
    "episode": FieldSpec("number", "how many episodes (rises above the lowest level) so far"),
    "since_statement": FieldSpec("duration", "time since the last public statement"),
    "statements": FieldSpec("number", "public statements published so far"),
}

NAMESPACES: dict[str, dict[str, FieldSpec]] = {
    "event": EVENT_FIELDS,
    "signal": SIGNAL_FIELDS,
    "drill": DRILL_FIELDS,
}


def lookup(name: str) -> FieldSpec | None:
    """The spec of a dotted field name like ``event.author.followers``, or None."""
    namespace, _, rest = name.partition(".")
    table = NAMESPACES.get(namespace)
    return table.get(rest) if table is not None else None

