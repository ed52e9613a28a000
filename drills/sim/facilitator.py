"""What a facilitator may do to a running drill besides time: trigger a scripted inject now,
or add an ad-hoc one (a press call, a leaked memo) addressed to a role.

Like a person's input, each is logged (a ``control`` record) and replayed from the log.
"""

from __future__ import annotations

from dataclasses import replace

from drills.feed.scenario import PERSONA_KINDS, Inject, Persona
from drills.inputs.validation import suggest
from drills.sim.people import PersonError
from drills.sim.world import World
from drills.vocabulary import EVENT_KINDS, PLATFORMS

#: Where an ad-hoc inject of each kind arrives.
ADHOC_PLATFORM = {"press_inquiry": "news", "regulator_inquiry": "mail",
                  "employee_leak": "internal", "internal_report": "internal"}
MAX_INJECT_TEXT = 2000


def triggerable(world: World) -> list[Inject]:
    """Scripted injects that have not happened yet: scheduled ones and conditional ones."""
    feed = world.crisis.feed
    scheduled = [i for i in feed.pending_injects() if not world.inject_fired(i.id)]
    scheduled = list({i.id: i for i in scheduled}.values())
    ids = {i.id for i in scheduled}
    waiting = [i for i in world.scenario.injects if i.trigger is not None
               and not world.inject_fired(i.id) and i.id not in feed.emitted
               and i.id not in ids]
    return scheduled + waiting


def trigger_inject(world: World, inject_id: str) -> Inject:
    options = triggerable(world)
    inject = next((i for i in options if i.id == inject_id), None)
    if inject is None:
        names = [i.id for i in options]
        done = any(i.id == inject_id for i in world.scenario.injects)
        raise PersonError(f"inject {inject_id!r} " + (
            "has already happened" if done else
            f"is not in the scenario{suggest(inject_id, names)}")
            + (f"; still to come: {', '.join(names)}" if names else ""))
    world.trigger(inject)
    return inject


def adhoc_inject(world: World, to: str, kind: str, text: str) -> str:
    """A message from outside to ``to`` (a role), as an event of ``kind``; returns its id."""
    if to not in world.rulebook.roles:
        raise PersonError(f"no role {to!r}{suggest(to, sorted(world.rulebook.roles))}")
    if kind not in EVENT_KINDS:
        raise PersonError(f"unknown kind {kind!r}{suggest(kind, EVENT_KINDS)}; kinds: "
                          + ", ".join(EVENT_KINDS))
    if not text.strip():
        raise PersonError("an inject needs a text")
    if len(text) > MAX_INJECT_TEXT:
        raise PersonError(f"the text has {len(text):,} characters; at most "
                          f"{MAX_INJECT_TEXT:,}")
    return world.add_inject(to, kind, text, ADHOC_PLATFORM.get(kind, "mail"))


#: What a facilitator may say of an objective.
VERDICTS = ("met", "partly", "missed")


def validate(world: World, expectation: str, status: str, comment: str = "") -> None:
    """The facilitator's verdict on an exercise objective (it corrects the world's)."""
    number = expectation[1:]
    created = world.objectives_created
    if not (expectation.startswith("x") and number.isdigit()
            and 0 < int(number) <= created):
        raise PersonError(f"no objective {expectation!r}; objectives are x1 to "
                          f"x{created}" if created else "no objective yet")
    if status not in VERDICTS:
        raise PersonError(f"status must be one of {', '.join(VERDICTS)}, not {status!r}")
    if len(comment) > MAX_INJECT_TEXT:
        raise PersonError(f"the comment has {len(comment):,} characters; at most "
                          f"{MAX_INJECT_TEXT:,}")
    world.validate_objective(expectation, status, comment)


#: The facilitator's controls of time, logged as they are applied.
CLOCK_OPS = ("start", "pause", "resume", "speed", "advance")


def clock_control(world: World, op: str, value: float | None = None) -> None:
    """Log a control of time (the session applies it; the world only keeps the record)."""
    if op not in CLOCK_OPS:
        raise PersonError(f"op must be one of {', '.join(CLOCK_OPS)}, not {op!r}")
    if op in ("speed", "advance") and value is None:
        raise PersonError(f"{op} needs a value")
    world.clock_control(op, value)


def project(world: World, item: str) -> None:
    """Show a post (its id, or a scripted inject's) or a team's action (``a12``) on the room
    wall; an empty id clears the wall's projection."""
    if item:
        event = world.post(item)
        number = item[1:]
        action = item.startswith("a") and number.isdigit() and \
            0 < int(number) <= world.actions.count
        if not action and (event is None or float(event["t"]) > world.now + 1e-9):
            raise PersonError(f"nothing to project as {item!r}: name a post of the feed "
                              "(e812) or an action of the team (a3)")
        if event is not None and not action:
            item = str(event["id"])
    world.project(item)


#: How an ad-hoc message reaches its roles, and where it appears.
MESSAGE_CHANNELS = {"mail": "mail", "phone": "mail", "sms": "mail", "internal": "internal"}
MAX_FIELD = 200
MAX_ATTACHMENTS = 5


def _escaped(text: str) -> str:
    """A facilitator's text is shown as typed: no placeholder is filled in."""
    return text.replace("{", "{{").replace("}", "}}")


def _text(text: object, what: str = "text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise PersonError(f"the {what} is empty")
    if len(text) > MAX_INJECT_TEXT:
        raise PersonError(f"the {what} has {len(text):,} characters; at most "
                          f"{MAX_INJECT_TEXT:,}")
    return text


def _roles(world: World, to: object) -> tuple[str, ...]:
    roles = tuple(to) if isinstance(to, (list, tuple)) else (to,) if to else ()
    if not roles:
        raise PersonError("say who it is for: 'to' names one role or more")
    for role in roles:
        if role != "all" and role not in world.rulebook.roles:
            raise PersonError(f"no role {role!r}{suggest(str(role), sorted(world.rulebook.roles))}")
    return tuple(str(r) for r in roles)


def _when(world: World, at: float | None) -> float:
    """A simulated moment from now on, before the end (None: now)."""
    if at is None:
        return world.now
    at = round(at, 3)  # as the log keeps it: a replay schedules it at the same moment
    if at < world.now - 1e-9:
        raise PersonError(f"{world.clock(at)} has passed; it is {world.clock(world.now)}")
    if at >= world.end:
        raise PersonError(f"{world.clock(at)} is after the drill's end")
    return at


def edit_inject(world: World, inject: str, text: str | None = None, at: float | None = None,
                to: list[str] | None = None) -> None:
    """Change a scheduled inject's text, time or recipients before it fires."""
    waiting = {i.id: i for i in world.crisis.feed.pending_injects()}
    original = waiting.get(inject)
    if original is None:
        done = any(i.id == inject for i in world.scenario.injects) or \
            world.inject_fired(inject)
        raise PersonError(f"inject {inject!r} " + (
            "has already happened" if done else "is not waiting to fire")
            + (f"; waiting: {', '.join(waiting)}" if waiting else ""))
    changed: dict[str, object] = {}
    new = original
    if text is not None:
        changed["text"] = _text(text)
        new = replace(new, text=_escaped(text))
    if to is not None:
        if not original.to:
            raise PersonError(f"{inject} is a post, not a message: it has no recipients")
        roles = _roles(world, to)
        changed["to"] = list(roles)
        new = replace(new, to=roles)
    due = original.at if original.at is not None else world.now
    if at is not None:
        due = _when(world, at)
        changed["at"] = round(due, 3)
        new = replace(new, at=due)
    if not changed:
        raise PersonError("nothing to change: give a text, a time (at) or recipients (to)")
    world.edit_inject(new, max(due, world.now), changed)


def schedule_message(world: World, to: list[str], text: str, at: float | None = None,
                     sender: str = "", subject: str = "", channel: str = "mail",
                     attachments: list[str] | None = None) -> str:
    """An ad-hoc message to roles, now or at a later simulated time: its sender, subject,
    channel (mail, phone, SMS, internal) and attachments (text bodies). Returns its id."""
    roles = _roles(world, to)
    _text(text)
    if channel not in MESSAGE_CHANNELS:
        raise PersonError(f"channel must be one of {', '.join(MESSAGE_CHANNELS)}, not "
                          f"{channel!r}")
    for name, value in (("sender", sender), ("subject", subject)):
        if len(value) > MAX_FIELD:
            raise PersonError(f"the {name} has {len(value):,} characters; at most {MAX_FIELD}")
    bodies = list(attachments or [])
    if len(bodies) > MAX_ATTACHMENTS:
        raise PersonError(f"at most {MAX_ATTACHMENTS} attachments")
    for body in bodies:
        _text(body, "attachment")
    due = _when(world, at)
    fields: dict[str, object] = {"at": round(due, 3), "to": list(roles), "text": text,
                                 "from": sender or "Exercise control", "subject": subject,
                                 "channel": channel, "attachments": bodies}
    inject = Inject(id="", kind="message", at=due, platform=MESSAGE_CHANNELS[channel],
                    text=_escaped(text), to=roles, sender=sender or "Exercise control",
                    subject=subject or None, channel=channel, attachments=tuple(bodies))
    return world.schedule_message(inject, due, fields)


#: A persona's kind -> the author role the world knows (others read as the public).
_AUTHOR_ROLE = {"journalist": "journalist", "influencer": "influencer",
                "regulator": "regulator", "employee": "employee"}


def persona_post(world: World, text: str, persona: str | None = None, *,
                 handle: str | None = None, name: str | None = None,
                 followers: int | None = None, platform: str | None = None,
                 kind: str | None = None, reply_to: str | None = None,
                 sentiment: float = -0.5) -> str:
    """Post (or reply) in the public feed as a persona: one of the scenario's (by id), or
    one typed in (handle, followers, platform). The crowd reacts like to any post."""
    found: Persona | None = None
    if persona is not None:
        found = next((p for p in world.scenario.personas if p.id == persona), None)
        if found is None:
            names = [p.id for p in world.scenario.personas]
            raise PersonError(f"no persona {persona!r}{suggest(persona, names)}"
                              + (f"; personas: {', '.join(names)}" if names else ""))
    handle = (handle or (found.handle if found else "")).lstrip("@")
    if not handle or len(handle) > 40 or not all(c.isalnum() or c in "_." for c in handle):
        raise PersonError("a persona needs a handle: letters, digits, _ or . (at most 40)")
    platform = platform or (found.platform if found else None)
    if platform not in PLATFORMS:
        raise PersonError(f"platform must be one of {', '.join(PLATFORMS)}, not {platform!r}")
    kind = kind or (found.kind if found else "public")
    if kind not in PERSONA_KINDS:
        raise PersonError(f"kind must be one of {', '.join(PERSONA_KINDS)}, not {kind!r}")
    count = followers if followers is not None else (found.followers if found else 0)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10**9:
        raise PersonError("followers must be a whole number from 0 to 1,000,000,000")
    if not -1.0 <= sentiment <= 1.0:
        raise PersonError("sentiment must be between -1 and 1")
    _text(text)
    name = name or (found.name if found else handle)
    if reply_to is not None:
        parent = world.post(reply_to)
        if parent is None or float(parent["t"]) > world.now + 1e-9:
            raise PersonError(f"no post {reply_to!r} to reply to")
        reply_to = str(parent["id"])
    role = _AUTHOR_ROLE.get(kind, "public")
    fields = {"persona": persona, "handle": handle, "name": name, "followers": count,
              "platform": platform, "kind": kind, "text": text,
              "sentiment": round(float(sentiment), 3), "reply_to": reply_to}
    inject = Inject(id="", kind="mention", platform=platform, text=_escaped(text),
                    author={"handle": handle, "name": name, "followers": count,
                            "verified": kind in ("journalist", "regulator"), "role": role},
                    sentiment=round(float(sentiment), 3), arousal=0.7, reach=count,
                    reply_to=reply_to)
    return world.persona_post(inject, fields)
