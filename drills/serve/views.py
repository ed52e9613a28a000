"""What each page sees of a live drill, as JSON: the facilitator (everything), a role (its
inbox, the feed with what it can act on, its messages), the room wall. Built in the drill's
own thread from the live drill; the pages only display it (as text, never as HTML)."""

from __future__ import annotations

import copy
from typing import Any

from drills.drive.live import LiveDrill
from drills.i18n.catalogue import has_catalogue, t
from drills.i18n.formats import week_time
from drills.i18n.names import display_name
from drills.i18n.reasons import say_reason
from drills.inputs.durations import countdown as _minutes
from drills.log.records import Record
from drills.sim.facilitator import triggerable
from drills.sim.people import person
from drills.sim.world import OpenObligation
from drills.vocabulary import EVENT_ACTIONS, PRIVATE_CHANNELS, PUBLIC_ACTIONS, PUBLIC_STATEMENTS

FEED_SHOWN = 80
ACTIONS_SHOWN = 40
_TRENDING = ("mentions_1h", "negative_share", "velocity", "reach_1h", "press_1h")


def page_lang(live: LiveDrill) -> str:
    """The language the pages of this drill speak: its own if there is a catalogue for it,
    else English (a French drill reads English screens)."""
    code = live.world.lang.split("_")[0].lower()
    return code if has_catalogue(code) else "en"


def _hour(live: LiveDrill, moment: float) -> str:
    """A drill clock's time of day as the page's language writes it (``17.30`` in sv)."""
    return week_time(live.clock(moment), page_lang(live)).split()[1]


def _name(live: LiveDrill, name: str | None) -> str:
    """A role, action, kind or severity as the page shows it (English: the id as words)."""
    if not name:
        return ""
    lang = page_lang(live)
    if lang == "en":
        return str(name).replace("_", " ")
    return display_name(str(name), lang, live.world.rulebook.role_names())


def _left(live: LiveDrill, left: float, ahead: str = "in {time}") -> str:
    """A countdown as words: ``in 12m``, ``late by 3m`` (``om 12m``, ``sen med 3m``)."""
    lang = page_lang(live)
    if left >= 0:
        return t(lang, ahead, time=_minutes(left))
    return t(lang, "late by {time}", time=_minutes(-left))


def _reason(live: LiveDrill, reason: object) -> str:
    """A violation's reason as the log has it (the rulebook's English), in the page's
    language: the rulebook's own translation (``Forbid.reason_in``), else the world's
    reasons' shapes (drills.i18n.reasons)."""
    text = str(reason or "")
    lang = page_lang(live)
    if lang == "en":
        return text
    for forbid in live.world.rulebook.forbid:
        if forbid.reason == text:
            return forbid.reason_in(lang)
    return say_reason(text, lang, live.world.rulebook.role_names())


def event_view(live: LiveDrill, event: Record) -> dict[str, Any]:
    author = event.get("author") or {}
    return {"id": event["id"], "clock": _hour(live, float(event["t"])),
            "kind_name": _name(live, str(event["kind"])),
            "subject": event.get("subject"), "from": event.get("from"),
            "attachments": event.get("attachments") or [], "channel": event.get("channel"),
            "parent": event.get("parent"),
            "kind": event["kind"], "platform": event["platform"],
            "handle": author.get("handle", "") if isinstance(author, dict) else "",
            "text": str(event.get("text", "")), "sentiment": event.get("sentiment", 0.0),
            "reach": event.get("reach", 0), "to": event.get("to"),
            "policy": bool(event.get("violates_policy"))}


def seen_by(event: Record, role: str) -> bool:
    """A message addressed to roles (``to``) is theirs (and the facilitator's) alone."""
    to = event.get("to")
    return not to or role in to or "all" in to


def public(event: Record) -> bool:
    """What the room wall may show unasked: the public feed, no message, nothing private."""
    return not event.get("to") and event.get("platform") not in PRIVATE_CHANNELS


def projected(live: LiveDrill) -> dict[str, Any] | None:
    """What the facilitator shows on the room wall: a post, or a team's action."""
    item = live.world.projected
    if not item:
        return None
    event = live.world.post(item)
    if event is not None:
        return dict(event_view(live, event), type="post", to=None)
    record = next((r for r in live.display.news
                   if r["type"] == "action" and r.get("id") == item), None)
    return None if record is None else dict(_action_view(live, record), type="action")


def _obligation(live: LiveDrill, ob: OpenObligation) -> dict[str, Any]:
    now = live.now
    left = ob.due - now
    return {"id": ob.id, "action": ob.spec.action, "role": ob.spec.role,
            "acting": ob.acting_role, "due": _hour(live, ob.due),
            "action_name": _name(live, ob.spec.action), "role_name": _name(live, ob.spec.role),
            "left": round(left, 1), "left_text": _left(live, left), "late": left < 0,
            "acknowledged": ob.acknowledged, "paged": ob.paged_role,
            "approvals": {a: "approved" if ob.approved.get(a) else "rejected"
                          if a in ob.rejected else "waiting" if ob.rounds else "not asked"
                          for a in ob.spec.approve},
            "draft": ob.draft, "round": ob.rounds, "rejected": dict(ob.rejected),
            "channels": live.world.channels(ob.spec) if ob.spec.channels else [],
            "event": ob.event}


def _action_view(live: LiveDrill, record: Record) -> dict[str, Any]:
    return {"id": record.get("id"), "clock": _hour(live, float(record["t"])),
            "member": record.get("member"), "role": record.get("role"),
            "role_name": _name(live, record.get("role")),
            "action_name": _name(live, record.get("action")),
            "action": record.get("action"), "obligation": record.get("obligation"),
            "channels": record.get("channels") or [], "text": record.get("text"),
            "human": bool(record.get("human")), "approved": record.get("approved", True)}


def _common(live: LiveDrill, status: str, speed: float) -> dict[str, Any]:
    world = live.world
    lang = page_lang(live)
    return {"status": status, "speed": speed, "clock": week_time(live.clock(), lang),
            "now": round(live.now, 3), "end": live.end,
            "end_clock": week_time(live.clock(live.end), lang), "lang": lang,
            "severity": {"level": world.severity, "name": live.severity,
                         "shown": _name(live, live.severity),
                         "levels": list(world.rulebook.severity)},
            "title": world.scenario.title}


def statements(live: LiveDrill) -> list[dict[str, Any]]:
    return [_action_view(live, r) for r in live.display.news
            if r["type"] == "action" and r.get("action") in PUBLIC_STATEMENTS | {
                "correct_misinformation"}][-20:]


def facilitator_view(live: LiveDrill, status: str, speed: float,
                     score: dict[str, Any] | None) -> dict[str, Any]:
    world = live.world
    view = _common(live, status, speed)
    view.update({
        "signals": {k: round(v, 3) for k, v in live.signals.items()},
        "feed": [event_view(live, e) for e in list(live.display.feed)[-FEED_SHOWN:]],
        "obligations": [_obligation(live, ob) for ob in world.obligations.values()],
        "actions": [_action_view(live, r) for r in live.display.news
                    if r["type"] == "action"][-ACTIONS_SHOWN:],
        "violations": [{"clock": _hour(live, float(r["t"])),
                        "member": r.get("member"), "reason": r.get("reason"),
                        "reason_shown": _reason(live, r.get("reason"))}
                       for r in live.display.news if r["type"] == "violation"][-20:],
        "injects": [{"id": i.id, "kind": i.kind, "kind_name": _name(live, i.kind),
                     "at": _hour(live, i.at) if i.at is not None
                     else t(page_lang(live), "when due"),
                     "text": i.text, "to": list(i.to), "subject": i.subject,
                     "editable": i.trigger is None}
                    for i in triggerable(world)],
        "personas": [{"id": p.id, "name": p.name, "handle": p.handle,
                      "followers": p.followers, "platform": p.platform, "kind": p.kind}
                     for p in world.scenario.personas],
        "roles": sorted(world.rulebook.roles),
        "role_names": {r: _name(live, r) for r in world.rulebook.roles},
        "score": score,
        "projected": projected(live),
        "humans": dict(world.config.humans),
        "objectives": [dict(o, when=live.clock(float(o["when"])).split()[1]
                            if o["when"] is not None else None)
                       for o in live.scorer.objectives.values()],
    })
    return view


def role_view(live: LiveDrill, role: str, status: str, speed: float) -> dict[str, Any]:
    world = live.world
    name = world.config.humans[role]
    member = person(world, name)
    view = _common(live, status, speed)
    inbox = []
    for item in live.inbox(name):
        entry = _obligation(live, item.ob)
        entry["kind"] = item.kind
        entry["as"] = item.role
        entry["as_name"] = _name(live, item.role)
        if item.kind == "page":
            entry["left_text"] = t(page_lang(live), "ack within {time}",
                                   time=_minutes(item.left))
        inbox.append(entry)
    messages = [event_view(live, e) for e in live.display.feed
                if e.get("to") and seen_by(e, role)][-20:]
    templates = {}
    for name_ in world.template_names():
        text = world.template_text(name_, None)
        if text is not None:
            templates[name_] = world.fill(text, None)
    expected = []
    for x in live.expected_of(name):
        left = None if x.spec.within is None else x.created + x.spec.within - world.now
        expected.append({"id": x.id, "event": x.event, "reaction": x.spec.reaction,
                         "role": x.spec.role, "points": x.spec.points,
                         "left_text": t(page_lang(live), "no time limit") if left is None
                         else _left(live, left, "due in {time}")})
    view.update({
        "role": role, "role_name": _name(live, role), "name": name,
        "role_names": {r: _name(live, r) for r in world.rulebook.roles},
        "roles": list(member.roles), "inbox": inbox,
        "messages": messages, "expected": expected,
        "feed": [dict(event_view(live, e), actionable=e["platform"] not in ("internal",))
                 for e in [e for e in live.display.feed if seen_by(e, role)][-FEED_SHOWN:]],
        "event_actions": sorted(EVENT_ACTIONS), "public_actions": sorted(PUBLIC_ACTIONS),
        "action_names": {a: _name(live, a) for a in (*PUBLIC_ACTIONS, *EVENT_ACTIONS,
                                                     "acknowledge", "notify", "route",
                                                     "brief", "approve")},
        "templates": templates, "statements": statements(live),
        "platforms": sorted(world.scenario.platforms),
        "mine": [_action_view(live, r) for r in live.display.news
                 if r["type"] == "action" and r.get("member") == name][-20:],
    })
    return view


def room_view(live: LiveDrill, status: str, speed: float) -> dict[str, Any]:
    view = _common(live, status, speed)
    signals = live.signals
    view.update({"trending": {k: round(signals.get(k, 0.0), 3) for k in _TRENDING},
                 "feed": [event_view(live, e)
                          for e in [e for e in live.display.feed if public(e)][-30:]],
                 "projected": projected(live),
                 "statements": statements(live)})
    return view


def live_score(live: LiveDrill) -> dict[str, Any] | None:
    """The score so far: the scorer's copy, closed at this moment (the drill goes on)."""
    if live.world.finished:
        return None
    scorer = copy.deepcopy(live.scorer, memo={id(live.scorer.rulebook): live.scorer.rulebook})
    scorer.add({"type": "end", "t": round(live.now, 3), "duration": round(live.now, 3)})
    document = scorer.document()
    return {"score": document["score"], "rating": document["rating"],
            "subscores": document["subscores"],
            "violations": len(document["violations"]),
            "improvements": [i["text"] for i in document["improvements"]]}
