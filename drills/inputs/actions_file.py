"""Recorded actions (``drill run --actions FILE``): what the people in a tabletop drill did,
typed in by the facilitator. Loaded like every user file: schema, then meaning, every
problem at ``path:line:col``. ``drill actions LOG`` writes the same format back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from drills.drive.inputs import InputKind, PersonInput
from drills.errors import Diagnostic
from drills.feed.limits import MAX_DRILL_HOURS
from drills.inputs.checked import Checked, check_path, list_or_empty, load_checked, wrong_kind
from drills.inputs.durations import parse_duration
from drills.inputs.validation import validate
from drills.inputs.yamldoc import Document
from drills.sim.people import PersonAction
from drills.sim.world import LIVE_STEPS_PER_MINUTE


@dataclass(frozen=True)
class RecordedAction:
    item: PersonInput
    #: Where it stands in the file, for errors found when it is applied.
    where: str


@dataclass(frozen=True)
class RecordedActions:
    #: role -> person, from the file's ``humans`` and every action's member and role.
    humans: dict[str, str]
    actions: tuple[RecordedAction, ...]
    source: str = ""
    #: Where each role was first given (``path:line:col``), for errors about it.
    where: dict[str, str] = field(default_factory=dict)
    #: The options of the drill the actions were recorded in (``drill:``; see DRILL_OPTIONS).
    drill: dict[str, Any] = field(default_factory=dict)


#: What an actions file's ``drill:`` may say, with the ``drill run`` flag of each.
DRILL_OPTIONS = {"scenario": "--scenario", "rulebook": "--rulebook", "team": "--team",
                 "seed": "--seed", "start": "--start", "hours": "--hours",
                 "locale": "--locale", "map_roles": "--map-roles"}


def load_actions(path: str) -> RecordedActions:
    """Load and check an actions file; raise InputError listing every error."""
    return load_checked(path, check_actions)


def check_actions_file(path: str) -> Checked[RecordedActions]:
    return check_path(path, check_actions)


def check_actions(doc: Document) -> Checked[RecordedActions]:
    mistaken: Checked[RecordedActions] | None = wrong_kind(doc, "actions")
    if mistaken is not None:
        return mistaken
    found = validate(doc, "actions")
    if not isinstance(doc.value, dict) or any(d.severity == "error" for d in found):
        return Checked[RecordedActions](None, found)
    humans: dict[str, str] = {}
    where: dict[str, str] = {}
    raw_humans = doc.value.get("humans")
    if isinstance(raw_humans, dict):
        humans.update({str(k): str(v) for k, v in raw_humans.items()})
        where.update({role: _where(doc, ("humans", role), key=True) for role in humans})
    raws = list_or_empty(doc.value.get("actions"))
    for i, raw in enumerate(raws):
        role, member = raw.get("role"), str(raw["member"])
        if role is None:
            continue
        where.setdefault(role, _where(doc, ("actions", i, "role")))
        holder = humans.setdefault(role, member)
        if holder != member:
            found.append(doc.diagnostic(("actions", i, "member"), f"{role} is played by "
                                        f"{holder}; one person per role in a drill"))
    items: list[tuple[float, int, RecordedAction]] = []
    for i, raw in enumerate(raws):
        item = _item(doc, i, raw, humans, found)
        if item is not None:
            items.append((item.item.t, i, item))
    if any(d.severity == "error" for d in found):
        return Checked[RecordedActions](None, sorted(found))
    ordered = tuple(item for _t, _i, item in sorted(items, key=lambda x: (x[0], x[1])))
    drill = doc.value.get("drill")
    options = dict(drill) if isinstance(drill, dict) else {}
    return Checked(RecordedActions(humans, ordered, doc.path, where, options), found)


def _where(doc: Document, path: tuple[str | int, ...], key: bool = False) -> str:
    pos = doc.key_at(path) if key else doc.at(path)
    return f"{doc.path}:{pos.line}:{pos.col}"


def _item(doc: Document, i: int, raw: dict[str, Any], humans: dict[str, str],
          found: list[Diagnostic]) -> RecordedAction | None:
    where = ("actions", i)
    at = raw["at"]
    try:
        minutes = float(at) if isinstance(at, (int, float)) else parse_duration(at)
    except ValueError as exc:
        found.append(doc.diagnostic((*where, "at"), str(exc)))
        return None
    if not 0 <= minutes <= MAX_DRILL_HOURS * 60:  # NaN fails this too
        shown = repr(at) if len(repr(at)) < 30 else f"{repr(at)[:24]}...'"
        found.append(doc.diagnostic((*where, "at"), f"{shown} is not a time in a drill: from 0 "
                                    f"to {MAX_DRILL_HOURS:g}h ({MAX_DRILL_HOURS * 60:g} "
                                    "minutes)"))
        return None
    member, role = str(raw["member"]), raw.get("role")
    if role is None and member not in humans.values():
        found.append(doc.diagnostic(where, f"say which role {member} plays (role: ...), here "
                                    "or in 'humans:'"))
        return None
    kind: InputKind = _KINDS.get(raw["action"], "act")
    if kind in ("reject", "draft") and "obligation" not in raw:
        found.append(doc.diagnostic(where, f"say which draft: {raw['action']} needs "
                                    "'obligation: o9'"))
        return None
    if kind == "reject" and not str(raw.get("comment") or "").strip():
        found.append(doc.diagnostic(where, "a rejection says what to change: add "
                                    "'comment: ...'"))
        return None
    if "comment" in raw and kind != "reject":
        found.append(doc.diagnostic((*where, "comment"), "only 'action: reject' takes a "
                                    "comment (a draft's words go in 'text')"))
        return None
    step = round(minutes * LIVE_STEPS_PER_MINUTE) / LIVE_STEPS_PER_MINUTE
    channels = raw.get("channels")
    action = None if kind != "act" else PersonAction(
        raw["action"], raw.get("obligation"), raw.get("event"),
        tuple(channels) if isinstance(channels, list) else None, raw.get("text"),
        role if isinstance(role, str) else None)
    text = raw.get("comment") if kind == "reject" else raw.get("text") if kind == "draft" \
        else None
    item = PersonInput(step, member, kind, raw.get("obligation"), action, text=text)
    return RecordedAction(item, _where(doc, where))


#: The actions an actions file names that are inputs of their own (not done actions).
_KINDS: dict[str, InputKind] = {"acknowledge": "ack", "approve": "approve",
                                "reject": "reject", "draft": "draft"}


def actions_yaml(humans: dict[str, str], items: list[PersonInput], source: str,
                 drill: dict[str, Any] | None = None) -> str:
    """An actions file for ``drill run --actions`` (what ``drill actions LOG`` prints);
    ``drill`` holds the options the drill ran with, so a run reproduces it."""
    lines = [f"# The people's actions in {source}, for: drill run --actions FILE",
             "# (the run takes the drill's options below unless given other ones)"]
    options = {k: v for k, v in (drill or {}).items() if v is not None}
    if options:
        lines.append("drill:")
        lines += [f"  {key}: {_q(value) if isinstance(value, str) else _number(value)}"
                  for key, value in options.items()]
    lines.append("humans:" if humans else "humans: {}")
    lines += [f"  {role}: {_q(name)}" for role, name in sorted(humans.items())]
    lines.append("actions:" if items else "actions: []")
    for item in items:
        if item.kind in ("clock", "project", "edit", "schedule", "persona"):
            continue  # the facilitator's controls: the log keeps them, a run needs none
        fields = [f"at: {_at(item.t)}", f"member: {_q(item.member)}"]
        action = item.action
        if action is not None:
            if action.role:
                fields.append(f"role: {action.role}")
            fields.append(f"action: {action.action}")
            if action.obligation:
                fields.append(f"obligation: {action.obligation}")
            if action.event:
                fields.append(f"event: {action.event}")
            if action.channels is not None:
                fields.append(f"channels: [{', '.join(action.channels)}]")
            if action.text is not None:
                fields.append(f"text: {_q(action.text)}")
        else:
            fields.append("action: " + ("acknowledge" if item.kind == "ack" else item.kind))
            if item.obligation:
                fields.append(f"obligation: {item.obligation}")
            if item.kind == "reject":
                fields.append(f"comment: {_q(item.text or '')}")
            elif item.kind == "draft" and item.text is not None:
                fields.append(f"text: {_q(item.text)}")
        lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def _at(minutes: float) -> str:
    seconds = round(minutes * 60)
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)
