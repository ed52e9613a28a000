"""A person's inputs to a drill, as the log records them and as replay applies them.

The log is the single source of truth: a live drill is its header plus these inputs, and
applying them at the same simulated moments reproduces it byte for byte.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from drills.log.records import Record
from drills.sim.facilitator import (
    CLOCK_OPS,
    adhoc_inject,
    clock_control,
    edit_inject,
    persona_post,
    project,
    schedule_message,
    trigger_inject,
    validate,
)
from drills.sim.people import (
    PersonAction,
    PersonError,
    acknowledge,
    act,
    approve,
    draft,
    reject,
)
from drills.sim.world import LIVE_STEPS_PER_MINUTE, World

InputKind = Literal["ack", "approve", "reject", "draft", "act", "trigger", "inject",
                    "validate", "clock", "project", "edit", "schedule", "persona"]
#: The facilitator's inputs carried as their fields (JSON), and the fields each keeps.
SPEC_FIELDS: dict[str, tuple[str, ...]] = {
    "edit": ("inject", "text", "at", "to"),
    "schedule": ("to", "text", "at", "sender", "subject", "channel", "attachments"),
    "persona": ("text", "persona", "handle", "name", "followers", "platform", "kind",
                "reply_to", "sentiment"),
}
_NEEDED = {"edit": ("inject",), "schedule": ("to", "text"), "persona": ("text",)}
#: What each field must be (a hand-edited log may say anything).
_NUMBERS = ("at", "sentiment")
_LISTS = ("to", "attachments")


def _field_problem(key: str, value: Any) -> str | None:
    if key in _NUMBERS:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and \
            math.isfinite(value)
        return None if ok else "a number"
    if key in _LISTS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "a list of strings"
    if key == "followers":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "a whole number"
    return None if isinstance(value, str) else "a string"


@dataclass(frozen=True)
class PersonInput:
    t: float
    member: str
    kind: InputKind
    obligation: str | None = None
    action: PersonAction | None = None
    #: A facilitator's inject: the scripted one's id, or (role, kind, text) of an ad-hoc one.
    inject: str | None = None
    adhoc: tuple[str, str, str] | None = None
    #: A rejection's comment, or the text of a draft.
    text: str | None = None
    #: A control of time: its op and value (speed, or minutes of an advance).
    clock: tuple[str, float | None] | None = None
    #: An inject edit, a scheduled message or a persona's post: its fields as JSON.
    spec: str | None = None


def apply_input(world: World, item: PersonInput) -> None:
    """Apply one input at the world's current moment (raises PersonError if it cannot be)."""
    if item.kind == "clock":
        assert item.clock is not None
        clock_control(world, *item.clock)
        return  # time is the session's: the world only keeps the record
    if item.kind in SPEC_FIELDS:
        assert item.spec is not None
        fields = json.loads(item.spec)
        missing = [key for key in _NEEDED[item.kind] if key not in fields]
        if missing:  # a hand-edited log's record
            raise PersonError(f"the {item.kind} needs {', '.join(missing)}")
        for key, value in fields.items():
            problem = _field_problem(key, value)
            if problem is not None:
                raise PersonError(f"the {item.kind}'s {key!r} must be {problem}")
        if item.kind == "edit":
            edit_inject(world, **fields)
        elif item.kind == "schedule":
            schedule_message(world, **fields)
        else:
            persona_post(world, **fields)
        world.settle()
        return
    if item.kind == "project":
        assert item.inject is not None
        project(world, item.inject)
        return
    if item.kind == "trigger":
        assert item.inject is not None
        trigger_inject(world, item.inject)
    elif item.kind == "inject":
        assert item.adhoc is not None
        adhoc_inject(world, *item.adhoc)
    elif item.kind == "validate":
        assert item.adhoc is not None and item.inject is not None
        validate(world, item.inject, item.adhoc[0], item.adhoc[1])
    elif item.kind == "ack":
        acknowledge(world, item.member, item.obligation)
    elif item.kind == "approve":
        approve(world, item.member, item.obligation)
    elif item.kind == "reject":
        reject(world, item.member, item.obligation, item.text or "")
    elif item.kind == "draft":
        assert item.obligation is not None
        draft(world, item.member, item.obligation, item.text)
    else:
        assert item.action is not None
        act(world, item.member, item.action)
    world.settle()


def step_time(t: float, steps: int = LIVE_STEPS_PER_MINUTE) -> float:
    """The live step a logged time (3 decimals) was taken at."""
    return round(t * steps) / steps


def inputs_from_log(records: list[Record]) -> list[PersonInput]:
    """Every input a person gave, in log order (records marked ``"human": true``)."""
    found: list[PersonInput] = []
    for record in records:
        if record["type"] == "control":
            found.append(_control(record))
            continue
        if record.get("human") is not True:
            continue
        t, member = step_time(float(record["t"])), str(record.get("member"))
        if record["type"] == "obligation" and record.get("status") == "acknowledged":
            if record.get("with_action"):
                continue  # done by the action that follows: replayed with it
            found.append(PersonInput(t, member, "ack", str(record["id"])))
        elif record["type"] == "obligation" and record.get("status") == "approved":
            found.append(PersonInput(t, member, "approve", str(record["id"])))
        elif record["type"] == "obligation" and record.get("status") == "approval_rejected":
            found.append(PersonInput(t, member, "reject", str(record["id"]),
                                     text=str(record.get("comment") or "")))
        elif record["type"] == "obligation" and record.get("status") == "drafted":
            found.append(PersonInput(t, member, "draft", str(record["id"]),
                                     text=_text_or_none(record.get("text"))))
        elif record["type"] == "action":
            found.append(PersonInput(t, member, "act", action=action_of(record)))
    return found


def _control(record: Record) -> PersonInput:
    t = step_time(float(record["t"]))
    op = record.get("op")
    if op in CLOCK_OPS:
        value = record.get("speed", record.get("minutes"))
        return PersonInput(t, "facilitator", "clock", clock=(
            str(op), float(value) if isinstance(value, (int, float)) else None))
    if op in SPEC_FIELDS:
        fields = {("sender" if key == "from" else key): value for key, value in record.items()
                  if key != "inject" or op == "edit"}
        kind: InputKind = "edit" if op == "edit" else "schedule" if op == "schedule" \
            else "persona"
        return PersonInput(t, "facilitator", kind, spec=spec_of(kind, fields))
    if op == "project":
        return PersonInput(t, "facilitator", "project", inject=str(record.get("item") or ""))
    if record.get("op") == "trigger":
        return PersonInput(t, "facilitator", "trigger", inject=str(record.get("inject")))
    if record.get("op") == "validate":
        return PersonInput(t, "facilitator", "validate", inject=str(record.get("inject")),
                           adhoc=(str(record.get("status")), str(record.get("comment") or ""),
                                  ""))
    return PersonInput(t, "facilitator", "inject", adhoc=(
        str(record.get("to")), str(record.get("kind")), str(record.get("text"))))


def spec_of(kind: str, fields: dict[str, Any]) -> str:
    """The JSON an edit, a scheduled message or a persona's post is carried as (its known
    fields only, None left out, keys sorted: the same input gives the same text)."""
    keep = SPEC_FIELDS[kind]
    return json.dumps({k: v for k, v in sorted(fields.items()) if k in keep and v is not None},
                      ensure_ascii=False)


def action_of(record: Record) -> PersonAction:
    channels = record.get("channels")
    return PersonAction(
        action=str(record["action"]), obligation=_text_or_none(record.get("obligation")),
        event=_text_or_none(record.get("event")),
        channels=tuple(str(c) for c in channels) if isinstance(channels, list) else None,
        text=_text_or_none(record.get("text")), role=_text_or_none(record.get("role")))


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
