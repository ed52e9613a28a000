"""The posts of a drill a person may act on, by id, from the first to the latest.

A busy crisis has tens of thousands of posts, and a recorded tabletop may answer any of
them (``reply on e1`` at minute 300). The latest posts are kept whole; older ones keep only
the fields acting on a post can read: where it is, what it is, who wrote it (a shared
persona), and the fields the rulebook's forbid conditions name. So memory grows by a small
tuple per post, not by the post.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from drills.rulebook import ast
from drills.rulebook.model import Rulebook

#: Posts kept whole (the ones a person most likely answers).
RECENT = 5000
#: What acting on a post reads of it (ids, channel, template placeholders, objectives).
_ACTING_FIELDS = ("id", "t", "kind", "platform", "inject", "author", "outlet")
#: A field the post did not have (None is a value).
_MISSING = object()


def fields_for(rulebook: Rulebook) -> tuple[str, ...]:
    """The top-level event fields acting on a post can read under ``rulebook``."""
    named = [f.name.split(".")[1] for forbid in rulebook.forbid if forbid.unless is not None
             for f in ast.fields_of(forbid.unless) if f.namespace == "event"]
    return tuple(dict.fromkeys((*_ACTING_FIELDS, *named)))


class Posts:
    """Every post of the drill by id; a scripted inject's id names its latest post."""

    def __init__(self, fields: tuple[str, ...], recent: int = RECENT) -> None:
        self.fields = fields
        self._limit = recent
        self._recent: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._older: dict[str, tuple[Any, ...]] = {}
        #: Inject id -> its posts as (t, id), in order (injects are few).
        self._injects: dict[str, list[tuple[float, str]]] = {}

    def __len__(self) -> int:
        return len(self._recent) + len(self._older)

    def add(self, event: dict[str, Any]) -> None:
        recent = self._recent
        recent[event["id"]] = event
        inject = event.get("inject")
        if inject is not None:
            self._injects.setdefault(inject, []).append((float(event["t"]), event["id"]))
        if len(recent) > self._limit:
            _id, old = recent.popitem(last=False)
            self._older[_id] = tuple(old.get(name, _MISSING) for name in self.fields)

    def get(self, event_id: str) -> dict[str, Any] | None:
        """The post ``event_id`` (whole if recent, its acting fields if older), or None."""
        event = self._recent.get(event_id)
        if event is not None:
            return event
        values = self._older.get(event_id)
        if values is None:
            return None
        return {name: value for name, value in zip(self.fields, values, strict=True)
                if value is not _MISSING}

    def latest_of_inject(self, inject_id: str, now: float) -> dict[str, Any] | None:
        """The latest post of scripted inject ``inject_id`` at or before ``now``."""
        for t, event_id in reversed(self._injects.get(inject_id, ())):
            if t <= now + 1e-9:
                return self.get(event_id)
        return None

