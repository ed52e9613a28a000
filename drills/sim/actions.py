"""Actions: what a responder or a person does, logged with its id, channels and words,
checked against the rulebook's forbidden conduct, and felt by the crowd.

The part owns the action ids and the episode's first public statement (recurring updates
wait for it); the words come from the rulebook's templates or a responder's own.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from drills.inputs.templates import render_template
from drills.log.records import Record
from drills.sim.obligations import OpenObligation
from drills.sim.texts import personal_text
from drills.team.model import Member
from drills.vocabulary import ACTION_STRATEGY, PUBLIC_ACTIONS, PUBLIC_STATEMENTS

if TYPE_CHECKING:
    from drills.sim.world import World


def _address(author: Any) -> str:
    """How a reply addresses a person: by handle (a group account has no first name)."""
    handle = author.get("handle") if isinstance(author, dict) else None
    return f"@{handle}" if handle else ""


class Actions:
    """Logs actions. ``rng`` is the team's random stream (habits: templates, channels)."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        #: Actions logged so far (ids are a1 .. a<count>).
        self.count = 0
        #: Triggered by the episode's first public statement (updates wait for it).
        self.first_statement = world.env.event()
        #: The promise a statement makes ("next update by ..."): the rulebook's rhythm.
        self.update_every = min((o.every for r in world.rulebook.enabled_rules
                                 for o in r.require if o.every), default=120.0)

    def new_episode(self) -> None:
        """The crisis calmed: the next episode's updates wait for a new first statement."""
        self.first_statement = self.world.env.event()

    def act(self, member: Member, action: str, *, ob: OpenObligation | None = None,
            event: dict[str, Any] | None = None, approvals_ok: bool = True,
            note: str | None = None,
            by_person: tuple[str, list[str], str | None] | None = None,
            drafted: tuple[list[str], str | None] | None = None) -> Record:
        """Log an action, check it against forbidden conduct, let the crowd react; returns
        the action record.

        ``by_person`` is (role, channels, text) when a person did it: their words and
        channels, no habit drawn. ``drafted`` is (channels, text) a simulated drafter wrote
        before asking a person to approve it (:meth:`draft`): what was approved goes out.
        """
        world = self.world
        now = world.env.now
        self.count += 1
        action_id = f"a{self.count}"
        world.summary.actions += 1
        role = (ob.acting_role or ob.spec.role) if ob else member.roles[0]
        channels: list[str] = []
        public = action in PUBLIC_ACTIONS
        text: str | None = None
        if by_person is not None:
            role, channels, text = by_person
        elif drafted is not None:
            channels, text = drafted
        elif ob is not None:
            channels = world.book.channels(ob.spec)
            if channels and len(channels) > 1 and \
                    self.rng.random() < world.team.habits.miss_channel:
                channels = channels[:1]
        elif event is not None:
            channels = [event["platform"]]
        elif action in PUBLIC_ACTIONS:
            channels = sorted(world.active_platforms)[:1]
        if by_person is None and drafted is None and public:
            text = self._text(action, ob.spec.template if ob else None,
                              channels[0] if channels else None, event)
        extra = {"human": True} if by_person is not None else {}
        record: Record = {"type": "action", "t": round(now, 3), "id": action_id,
                          "member": member.name, "role": role, "action": action,
                          "obligation": ob.id if ob else None,
                          "event": event["id"] if event else None, "channels": channels,
                          "text": text, "approved": approvals_ok,
                          "strategy": ACTION_STRATEGY.get(action), "note": note, **extra}
        world.sink.write(record)
        rulebook = world.rulebook
        for violation in world.escalation.violations(action, event):
            forbid = next(f for f in rulebook.forbid if f.id == violation.forbid_id)
            world.summary.violations += 1
            world.log("violation", rule=forbid.id, action=action, member=member.name,
                      reason=forbid.reason, event=event["id"] if event else None,
                      action_id=action_id)
        if public:
            world.crisis.record_action(action, now)
            if action in PUBLIC_STATEMENTS and not self.first_statement.triggered:
                self.first_statement.succeed()
        return record

    def draft(self, ob: OpenObligation) -> tuple[list[str], str | None]:
        """What a simulated drafter will publish for ``ob`` (channels, text), written now so
        an approver reads it: the same draws :meth:`act` makes, in the same order."""
        world = self.world
        channels = world.book.channels(ob.spec)
        if channels and len(channels) > 1 and self.rng.random() < world.team.habits.miss_channel:
            channels = channels[:1]
        text = None
        if ob.spec.action in PUBLIC_ACTIONS:
            text = self._text(ob.spec.action, ob.spec.template,
                              channels[0] if channels else None)
        return channels, text

    def _text(self, action: str, template: str | None, platform: str | None,
              event: dict[str, Any] | None = None) -> str | None:
        """The rulebook's template in the drill's language, or the responder's own words
        fit for the action (also when the rulebook has no text in this language)."""
        world = self.world
        text: str | None = None
        if self.rng.random() < world.team.habits.template:
            text = world.template_text(template or action, platform)
        if text is None:
            text = personal_text(action, world.lang)
            if text is None:
                return None
        return self.fill(text, platform, event)

    def fill(self, text: str, platform: str | None, event: dict[str, Any] | None = None) -> str:
        """A template's placeholders filled from the drill (brand, times, who it answers)."""
        world = self.world
        now = world.env.now
        brand = world.crisis.feed.brand
        values = {"brand": brand.get("name", ""), "product": brand.get("product", ""),
                  "issue": brand.get("issue", ""), "url": brand.get("url", ""),
                  "next_update": world.clock(now + self.update_every).split()[1],
                  "channel": platform or "", "outlet": (event or {}).get("outlet", ""),
                  "name": _address((event or {}).get("author")),
                  "time": world.clock(now).split()[1]}
        return render_template(text, values)
