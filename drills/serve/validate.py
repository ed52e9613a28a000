"""Request validation at the edge: JSON bodies, the drill spec, and each kind of input.

Every number is checked for its type (``true`` is not a number), for being finite and for its
range, and a refusal names the field in one line. A spec that passes here can run, so a
stored spec is checked again with the same function when a restart resumes it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, TypeGuard

from starlette.requests import ClientDisconnect, Request

from drills.drive.inputs import PersonInput, spec_of
from drills.feed.limits import MAX_DRILL_HOURS
from drills.inputs.durations import parse_span
from drills.serve.errors import api_error
from drills.sim.people import MAX_TEXT, PersonAction

MAX_BODY = 64 * 1024
#: How deep a JSON body may nest (ours nest two levels; 60,000 ``[`` used to be an HTTP 500).
MAX_DEPTH = 32
MAX_SPEED = 3600.0
#: A seed JavaScript can show exactly.
MAX_SEED = 2**53 - 1
MIN_HOURS = 1 / 60
MAX_NAME = 200
SPEC_FIELDS = ("scenario", "rulebook", "team", "seed", "start", "humans", "speed", "hours",
               "locale")
ACTION_FIELDS = {"action", "obligation", "event", "channels", "text", "comment"}
CONTROL_OPS = ("start", "pause", "resume", "end", "speed", "advance", "project")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


class Disconnected(Exception):
    """The client hung up before its body was complete (nobody is left to answer)."""


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object: 415 if not JSON, 400 if broken or nested too deep."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise api_error(415, "send JSON (Content-Type: application/json)")
    try:
        data = await request.body()
    except ClientDisconnect:
        raise Disconnected() from None
    return parse_json_object(data or b"{}")


def parse_json_object(data: bytes) -> dict[str, Any]:
    if json_depth(data) > MAX_DEPTH:
        raise api_error(400, f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise api_error(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise api_error(400, "the body must be a JSON object")
    if not _encodable(body):
        raise api_error(400, "the body has a lone surrogate (like \\ud800): it is not text")
    return body


def _encodable(value: Any) -> bool:
    """Whether every string in a parsed body is text UTF-8 can carry (JSON's ``\\ud800``
    escape makes a lone surrogate, which breaks the log, the database and every answer)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True


def json_depth(data: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not
    count), found without parsing: the parser would recurse that deep."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) or math.isfinite(value) \
        else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and \
        math.isfinite(value)


def _text(spec: dict[str, Any], field: str, default: str | None) -> str | None:
    value = spec.get(field)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise api_error(422, f"{field!r} must be a name of at most {MAX_NAME} characters "
                             f"(got {_shown(value)})")
    return value


def checked_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A drill spec as stored (``humans`` maps each role to a name), every field checked;
    the first problem is a 422 naming the field."""
    unknown = sorted(set(spec) - set(SPEC_FIELDS))
    if unknown:
        raise api_error(422, f"unknown field {unknown[0]!r}; fields: {', '.join(SPEC_FIELDS)}")
    seed, speed, hours = spec.get("seed", 1), spec.get("speed", 30), spec.get("hours")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise api_error(422, f"'seed' must be a whole number from 0 to {MAX_SEED} "
                             f"(got {_shown(seed)})")
    if not _number(speed) or not 0 <= speed <= MAX_SPEED:
        raise api_error(422, f"'speed' must be a number from 0 to {MAX_SPEED:g} "
                             f"(got {_shown(speed)})")
    if hours is not None and (not _number(hours) or not MIN_HOURS <= hours <= MAX_DRILL_HOURS):
        raise api_error(422, f"'hours' must be a number of hours from {MIN_HOURS:.4f} (one "
                             f"minute) to {MAX_DRILL_HOURS:g} (got {_shown(hours)})")
    humans = spec.get("humans")
    if not isinstance(humans, dict) or not humans or not all(
            isinstance(k, str) and k and isinstance(v, str) and len(v) <= MAX_NAME
            for k, v in humans.items()):
        raise api_error(422, "'humans' must be a list of the roles people play, like "
                             "[\"comms_lead\", \"legal\"]")
    return {"scenario": _text(spec, "scenario", "overheating-kettle"),
            "rulebook": _text(spec, "rulebook", "default"),
            "team": _text(spec, "team", "standard"), "seed": seed,
            "start": _text(spec, "start", "mon 09:00"), "humans": dict(humans),
            "speed": float(speed), "hours": None if hours is None else float(hours),
            "locale": _text(spec, "locale", None)}


def drill_spec(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A create request's body -> the spec to store, and the role of each join code."""
    humans = body.get("humans") or []
    if not isinstance(humans, list) or not humans:
        raise api_error(422, "'humans' must be a list of the roles people play, like "
                             "[\"comms_lead\", \"legal\"]")
    people: list[str] = []
    names: dict[str, str] = {}
    for item in humans:
        role, name = (item.get("role"), item.get("name")) if isinstance(item, dict) else \
            (item, None)
        if not isinstance(role, str) or not role:
            raise api_error(422, "each of 'humans' is a role name or {role, name}")
        if name is not None and not isinstance(name, str):
            raise api_error(422, f"the name of {role!r} in 'humans' must be a string")
        people.append(role)
        names.setdefault(role, name or role.replace("_", " "))
    return checked_spec({**body, "humans": names}), people


def speed_of(body: dict[str, Any]) -> float:
    speed = body.get("speed")
    if not _number(speed) or not 0 <= speed <= MAX_SPEED:
        raise api_error(422, f"speed must be a number from 0 to {MAX_SPEED:g}")
    return float(speed)


def inject_input(body: dict[str, Any]) -> PersonInput:
    """``{inject: ID}`` triggers a scripted inject; ``{to, kind, text}`` is an ad-hoc one."""
    if "inject" in body:
        if not isinstance(body["inject"], str):
            raise api_error(422, "'inject' must be the id of a scripted inject")
        return PersonInput(0.0, "facilitator", "trigger", inject=body["inject"])
    to, kind, text = body.get("to"), body.get("kind", "press_inquiry"), body.get("text")
    if not (isinstance(to, str) and isinstance(kind, str) and isinstance(text, str)):
        raise api_error(422, "an ad-hoc inject needs 'to' (a role), 'kind' and 'text'")
    return PersonInput(0.0, "facilitator", "inject", adhoc=(to, kind, text))


#: What turns an inject body into a scheduled message (else: the ad-hoc form of old).
_MESSAGE_KEYS = ("at", "in", "channel", "subject", "from", "attachments")


def _minutes(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    try:
        return parse_span(str(value)) if not isinstance(value, bool) else parse_span("")
    except ValueError as exc:
        raise api_error(422, f"{key!r}: {exc}") from None


def _when(body: dict[str, Any], now: float) -> float | None:
    """``at`` (from the drill's start, like a scenario's) or ``in`` (from now)."""
    at, later = _minutes(body, "at"), _minutes(body, "in")
    if at is not None and later is not None:
        raise api_error(422, "give 'at' (from the start) or 'in' (from now), not both")
    return at if at is not None else None if later is None else now + later


def _strings(body: dict[str, Any], key: str, most: int = MAX_NAME) -> str | None:
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > most):
        raise api_error(422, f"{key!r} must be a string of at most {most:,} characters")
    return value


def edit_input(body: dict[str, Any], now: float) -> PersonInput:
    """``{edit: ID, text?, at?|in?, to?}``: a waiting inject's text, time or recipients."""
    inject = body.get("edit")
    if not isinstance(inject, str):
        raise api_error(422, "'edit' must be the id of a waiting inject")
    to = body.get("to")
    if to is not None and not (isinstance(to, list) and all(isinstance(r, str) for r in to)):
        raise api_error(422, "'to' must be a list of roles")
    return PersonInput(0.0, "facilitator", "edit", spec=spec_of("edit", {
        "inject": inject, "text": _strings(body, "text", MAX_BODY), "at": _when(body, now),
        "to": to}))


def message_input(body: dict[str, Any], now: float) -> PersonInput:
    """``{to, text, at?|in?, from?, subject?, channel?, attachments?}``: a message to roles,
    now or later."""
    to = body.get("to")
    to = [to] if isinstance(to, str) else to
    if not (isinstance(to, list) and to and all(isinstance(r, str) for r in to)):
        raise api_error(422, "'to' must name a role, or a list of roles")
    text = _strings(body, "text", MAX_BODY)
    if text is None:
        raise api_error(422, "a message needs a 'text'")
    attachments = body.get("attachments") or []
    if not (isinstance(attachments, list) and all(isinstance(a, str) for a in attachments)):
        raise api_error(422, "'attachments' must be a list of texts")
    return PersonInput(0.0, "facilitator", "schedule", spec=spec_of("schedule", {
        "to": to, "text": text, "at": _when(body, now), "sender": _strings(body, "from"),
        "subject": _strings(body, "subject"), "channel": _strings(body, "channel"),
        "attachments": attachments}))


def persona_input(body: dict[str, Any]) -> PersonInput:
    """``{persona?: ID, handle?, name?, followers?, platform?, kind?, text, reply_to?,
    sentiment?}``: a post in the public feed as a persona (the scenario's, or typed in)."""
    followers, sentiment = body.get("followers"), body.get("sentiment", -0.5)
    if followers is not None and (isinstance(followers, bool) or not isinstance(followers, int)):
        raise api_error(422, "'followers' must be a whole number")
    if isinstance(sentiment, bool) or not isinstance(sentiment, (int, float)) or \
            not math.isfinite(sentiment):
        raise api_error(422, "'sentiment' must be a number from -1 to 1")
    text = _strings(body, "text", MAX_BODY)
    if text is None:
        raise api_error(422, "a post needs a 'text'")
    return PersonInput(0.0, "facilitator", "persona", spec=spec_of("persona", {
        "text": text, "persona": _strings(body, "persona"), "handle": _strings(body, "handle"),
        "name": _strings(body, "name"), "followers": followers,
        "platform": _strings(body, "platform"), "kind": _strings(body, "kind"),
        "reply_to": _strings(body, "reply_to"), "sentiment": float(sentiment)}))


def is_message(body: dict[str, Any]) -> bool:
    return any(key in body for key in _MESSAGE_KEYS) or isinstance(body.get("to"), list)


def project_input(body: dict[str, Any]) -> PersonInput:
    """``{op: project, item: ID}``: a post's or an action's id on the room wall ("" clears)."""
    item = body.get("item")
    if not isinstance(item, str) or len(item) > MAX_NAME:
        raise api_error(422, "'item' must be the id of a post (e812) or an action (a3), "
                             "or \"\" to clear the wall")
    return PersonInput(0.0, "facilitator", "project", inject=item)


def verdict_input(body: dict[str, Any]) -> PersonInput:
    objective, status, comment = body.get("objective"), body.get("status"), \
        body.get("comment", "")
    if not (isinstance(objective, str) and isinstance(status, str)
            and isinstance(comment, str)):
        raise api_error(422, "send {objective: \"x1\", status: met|partly|missed, comment?}")
    return PersonInput(0.0, "facilitator", "validate", inject=objective,
                       adhoc=(status, comment, ""))


def person_input(body: dict[str, Any], role: str, name: str) -> PersonInput:
    """A participant's action body -> the input of ``name`` playing ``role`` (the role is
    always the join code's, never the body's)."""
    unknown = sorted(set(body) - ACTION_FIELDS)
    if unknown:
        raise api_error(422, f"unknown field {unknown[0]!r} (the role is the join code's)")
    action, text, channels = body.get("action"), body.get("text"), body.get("channels")
    obligation, event = body.get("obligation"), body.get("event")
    if not isinstance(action, str):
        raise api_error(422, "'action' is needed, like \"acknowledge\" or \"holding_statement\"")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT):
        raise api_error(422, f"'text' must be a string of at most {MAX_TEXT:,} characters")
    if channels is not None and not (isinstance(channels, list) and
                                     all(isinstance(c, str) for c in channels)):
        raise api_error(422, "'channels' must be a list of platform names")
    if obligation is not None and not isinstance(obligation, str):
        raise api_error(422, "'obligation' must be an id like \"o3\"")
    if action == "acknowledge":
        return PersonInput(0.0, name, "ack", obligation)
    if action == "approve":
        return PersonInput(0.0, name, "approve", obligation)
    comment = body.get("comment")
    if action == "reject":
        if not isinstance(comment, str) or not comment.strip() or len(comment) > MAX_TEXT:
            raise api_error(422, "a rejection says what to change: 'comment' (a string of at "
                                 f"most {MAX_TEXT:,} characters)")
        return PersonInput(0.0, name, "reject", obligation, text=comment)
    if comment is not None:
        raise api_error(422, "only a rejection takes a 'comment'")
    if action == "draft":
        if obligation is None:
            raise api_error(422, "a draft names its obligation: 'obligation': \"o9\"")
        return PersonInput(0.0, name, "draft", obligation, text=text)
    return PersonInput(0.0, name, "act", action=PersonAction(
        action, obligation, event if isinstance(event, str) else None,
        tuple(channels) if channels is not None else None, text, role))


def coach_body(body: dict[str, Any]) -> tuple[str, str, list[str]]:
    text, channels = body.get("text"), body.get("channels") or []
    if not isinstance(text, str) or len(text) > MAX_TEXT or not isinstance(channels, list):
        raise api_error(422, "send {action, channels, text}")
    return text, str(body.get("action", "")), [str(c) for c in channels]
