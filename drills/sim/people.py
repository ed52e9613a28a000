"""People in a drill: what a person playing a role can do, checked, and what waits for them.

Every front end (``drill play``, ``drill run --actions``, ``drill replay``, the browser)
goes through these functions, so a person's input means the same thing everywhere. A
refused input raises :class:`PersonError` with one line that says what is wrong and what
would work; it never reaches the log. An accepted one is logged with ``"human": true``,
which is what ``drill replay`` reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drills.errors import RefusedError
from drills.inputs.validation import suggest
from drills.log.records import Record
from drills.sim.world import OpenExpectation, OpenObligation, World
from drills.team.model import Member
from drills.vocabulary import (
    ACTIONS,
    EVENT_ACTIONS,
    EVENT_PLATFORMS,
    PUBLIC_ACTIONS,
)

#: The longest text a person may publish in one action (a long statement is ~3,000).
MAX_TEXT = 5000
CHANNELS: tuple[str, ...] = (*EVENT_PLATFORMS, "private")


class PersonError(RefusedError):
    """A person's input that cannot be done: one line, what is wrong and what would work."""


@dataclass(frozen=True)
class Acted:
    """What an action did: the obligation it fulfilled, the action record it logged (None
    when acknowledging was the whole obligation), and the objectives it met."""

    obligation: OpenObligation | None
    record: Record | None
    met: tuple[OpenExpectation, ...] = ()


@dataclass(frozen=True)
class PersonAction:
    action: str
    obligation: str | None = None
    event: str | None = None
    channels: tuple[str, ...] | None = None
    text: str | None = None
    #: The role they act in (actions files name it); by default the obligation's.
    role: str | None = None


def person(world: World, name: str) -> Member:
    for member in world.humans.values():
        if member.name == name:
            return member
    names = sorted({m.name for m in world.humans.values()})
    raise PersonError(f"{name!r} plays no role in this drill"
                      + (f"; people: {', '.join(names)}" if names else ""))


def is_theirs(ob: OpenObligation, member: Member) -> bool:
    """Theirs: asked of a role they play, and not taken over by a simulated backup."""
    if ob.acting_role is not None:
        return ob.acting_role in member.roles
    return ob.spec.role in member.roles or ob.paged_role in member.roles


def waiting_page(ob: OpenObligation, member: Member) -> bool:
    """A page to one of their roles that nobody has answered yet."""
    return ob.page is not None and not ob.page.triggered and ob.paged_role in member.roles


def their_obligations(world: World, member: Member) -> list[OpenObligation]:
    return [ob for ob in world.obligations.values() if is_theirs(ob, member)]


def awaiting_approval(world: World, member: Member) -> list[tuple[OpenObligation, str]]:
    return [(ob, role) for ob in world.obligations.values()
            for role, answer in ob.approval_waits.items()
            if role in member.roles and not answer.triggered]


def open_obligation(world: World, member: Member, ob_id: str) -> OpenObligation:
    ob = world.obligations.get(ob_id)
    if ob is not None:
        return ob
    mine = ", ".join(o.id for o in their_obligations(world, member)) or "none"
    if world.obligation_created(ob_id):
        raise PersonError(f"{ob_id} is no longer open (done, cancelled or the drill moved on);"
                          f" your open obligations: {mine}")
    raise PersonError(f"no obligation {ob_id!r}; your open obligations: {mine}")


def acknowledge(world: World, name: str, ob_id: str | None = None) -> OpenObligation:
    """Take a page (the oldest waiting for them when no id is given)."""
    member = person(world, name)
    if ob_id is None:
        pages = [ob for ob in world.obligations.values() if waiting_page(ob, member)]
        if not pages:
            raise PersonError("no page is waiting for you; 'inbox' shows your obligations")
        ob = pages[0]
    else:
        ob = open_obligation(world, member, ob_id)
        if not is_theirs(ob, member):
            raise PersonError(f"{ob.id} is not yours: it is {_owner(ob)}'s")
        if ob.acknowledged:
            raise PersonError(f"{ob.id} is already acknowledged; 'do {ob.id}' does it")
    world.acknowledge(ob, member)
    return ob


def _owner(ob: OpenObligation) -> str:
    return ob.acting_role or ob.spec.role


def approve(world: World, name: str, ob_id: str | None = None) -> OpenObligation:
    """Give an approval a simulated (or live) colleague is waiting for."""
    member = person(world, name)
    ob, role = _waiting_for(world, member, ob_id)
    world.approve(ob, role, member)
    return ob


def reject(world: World, name: str, ob_id: str | None, comment: str) -> OpenObligation:
    """Send a draft back to its drafter with a comment: they revise it and ask again."""
    comment = " ".join(comment.split())
    if not comment:
        raise PersonError("say what to change: 'reject OB : COMMENT'")
    if len(comment) > MAX_TEXT:
        raise PersonError(f"the comment has {len(comment):,} characters; at most {MAX_TEXT:,}")
    member = person(world, name)
    ob, role = _waiting_for(world, member, ob_id)
    world.reject(ob, role, member, comment)
    return ob


def draft(world: World, name: str, ob_id: str, text: str | None) -> OpenObligation:
    """A person writes the text of an obligation that needs approval: the approvers are
    asked to read it. Rewriting it after a rejection asks them again."""
    member = person(world, name)
    ob = open_obligation(world, member, ob_id)
    if not is_theirs(ob, member) and ob.spec.role not in member.roles:
        raise PersonError(f"{ob.id} is not yours: it is {_owner(ob)}'s")
    if not ob.spec.approve:
        raise PersonError(f"{ob.id} needs no approval: 'do {ob.id} : TEXT' publishes it")
    written = _text(world, PersonAction(ob.spec.action, text=text), ob,
                    tuple(world.channels(ob.spec)))
    if not written:
        raise PersonError(f"write the draft after ':' (like 'draft {ob.id} : We are aware...')")
    if not ob.acknowledged and ob.page is not None:
        world.acknowledge(ob, member, with_action=True)
    world.draft(ob, member, written)
    return ob


def _waiting_for(world: World, member: Member, ob_id: str | None
                 ) -> tuple[OpenObligation, str]:
    waiting = awaiting_approval(world, member)
    if not waiting:
        raise PersonError("nobody is waiting for your approval")
    if ob_id is None:
        return waiting[0]
    match = [(o, r) for o, r in waiting if o.id == ob_id]
    if not match:
        raise PersonError(f"{ob_id} is not waiting for your approval; waiting: "
                          + ", ".join(o.id for o, _r in waiting))
    return match[0]


def act(world: World, name: str, request: PersonAction) -> Acted:
    """Do an action: it fulfils the obligation named, or the person's oldest open one of that
    action, or is an action nobody asked for. Returns what it did."""
    member = person(world, name)
    action = request.action
    if action not in ACTIONS:
        raise PersonError(f"unknown action {action!r}{suggest(action, ACTIONS)}; actions: "
                          + ", ".join(ACTIONS))
    ob = _obligation_for(world, member, request)
    event_id = request.event
    if event_id is None and ob is not None and action in EVENT_ACTIONS:
        event_id = ob.event  # the post the obligation is about
    event = _event(world, event_id) if event_id else None
    if action in EVENT_ACTIONS and event is None:
        raise PersonError(f"{action} is done on a post: add 'on EVENT' (an id from the feed)")
    role = _role(world, member, request, ob)
    channels = _channels(world, request, ob, event)
    text = _text(world, request, ob, channels)
    if ob is not None and not ob.acknowledged and ob.page is not None:
        # An acknowledge obligation is done by the acknowledging itself: no action follows.
        # Acknowledged by doing it: part of the action, not an input of its own (replay).
        world.acknowledge(ob, member, with_action=ob.spec.action != "acknowledge")
        if ob.done is not None:  # acknowledging was the whole obligation
            return Acted(ob, None)
    approvals_ok = True
    if ob is not None:
        for approver in ob.spec.approve:
            if not ob.approved.get(approver):
                approvals_ok = False
                world.log("obligation", id=ob.id, status="approval_missing", approver=approver,
                          member=member.name, reason=skipped(ob, approver))
    record = world.act(member, action, ob=ob, event=event, approvals_ok=approvals_ok,
                       by_person=(role, list(channels), text))
    # Acting on a message meets what it expected of their roles.
    met = world.meet_objectives(event["id"], member, action) if event is not None else []
    if ob is not None:
        world.complete(ob, member)
    return Acted(ob, record, tuple(met))


def skipped(ob: OpenObligation, approver: str) -> str:
    """Why ``approver`` had not approved ``ob`` when it went out."""
    if ob.rounds == 0:
        return f"published without {approver}'s approval: nobody was asked"
    if approver in ob.rejected:
        return f"published without {approver}'s approval: {approver} rejected the draft"
    return f"published without {approver}'s approval: {approver} had not answered yet"


def _obligation_for(world: World, member: Member, request: PersonAction
                    ) -> OpenObligation | None:
    if request.obligation is not None:
        ob = open_obligation(world, member, request.obligation)
        if ob.spec.action != request.action:
            raise PersonError(f"{ob.id} asks for {ob.spec.action}, not {request.action}; "
                              f"'do {ob.id}' does it")
        if not is_theirs(ob, member) and ob.spec.role not in member.roles:
            raise PersonError(f"{ob.id} is not yours: it is {_owner(ob)}'s")
        return ob
    roles = (request.role,) if request.role else member.roles
    for ob in world.obligations.values():
        if ob.spec.action == request.action and is_theirs(ob, member) and \
                (ob.acting_role or ob.spec.role) in roles:
            return ob
    return None


def _event(world: World, event_id: str) -> dict[str, Any]:
    """Any post of the drill so far, by id; a scripted inject's id (an MSEL number) names
    its latest post."""
    event = world.post(event_id)
    if event is None or event["t"] > world.now + 1e-9:
        hint = "it has not happened yet" if event is not None else \
            "no such post in this drill; 'feed' shows their ids"
        raise PersonError(f"no event {event_id!r} to act on: {hint}")
    return event


def _role(world: World, member: Member, request: PersonAction,
          ob: OpenObligation | None) -> str:
    if request.role is not None:
        if request.role not in member.roles:
            raise PersonError(f"{member.name} does not play {request.role}; they play "
                              + ", ".join(member.roles))
        return request.role
    if ob is not None:
        return ob.acting_role or ob.spec.role
    if request.action in EVENT_ACTIONS:
        for role in member.roles:
            if role in world.rulebook.comment_roles:
                return role
    return member.roles[0]


def _channels(world: World, request: PersonAction, ob: OpenObligation | None,
              event: dict[str, Any] | None) -> tuple[str, ...]:
    if request.channels is not None:
        for channel in request.channels:
            if channel not in CHANNELS:
                raise PersonError(f"unknown channel {channel!r}{suggest(channel, CHANNELS)};"
                                  f" channels: {', '.join(CHANNELS)}")
        return tuple(dict.fromkeys(request.channels))
    if ob is not None and ob.spec.channels is not None:
        return tuple(world.channels(ob.spec))
    if event is not None:
        return (event["platform"],)
    if request.action in PUBLIC_ACTIONS:
        return tuple(sorted(world.active_platforms)) or tuple(sorted(world.scenario.platforms))
    return ()


def _text(world: World, request: PersonAction, ob: OpenObligation | None,
          channels: tuple[str, ...]) -> str | None:
    if request.text is None and ob is not None and ob.draft:
        return ob.draft  # what they drafted (and the approvers read)
    if request.text is not None:
        text = request.text
        if len(text) > MAX_TEXT:
            raise PersonError(f"the text has {len(text):,} characters; at most {MAX_TEXT:,}")
        return text or None
    if request.action not in PUBLIC_ACTIONS:
        return None
    return template_for(world, request.action, ob, channels[0] if channels else None)


def template_for(world: World, action: str, ob: OpenObligation | None,
                 platform: str | None, event: dict[str, Any] | None = None) -> str | None:
    """The rulebook's template for this action, filled in: where a person starts writing."""
    name = (ob.spec.template if ob is not None else None) or action
    text = world.template_text(name, platform)
    return world.fill(text, platform, event) if text is not None else None
