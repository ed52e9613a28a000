"""What a person's commands do in a live drill, and what they are told: one interpreter for
every front end (``--plain``, the terminal UI), so both accept the same commands and say
the same things. Output is lines of text; the front end decides how to show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tabulate import tabulate

from drills.drive.live import InboxItem
from drills.drive.session import STEP, LiveSession
from drills.inputs.durations import countdown as _minutes
from drills.log.records import Record
from drills.play.commands import USAGE, Command, CommandError, parse_command
from drills.play.lines import group
from drills.play.promises import promised_at
from drills.score.coaching import coach
from drills.sim.people import (
    PersonAction,
    PersonError,
    draft,
    person,
    reject,
    skipped,
    template_for,
)
from drills.sim.world import OpenExpectation, OpenObligation
from drills.vocabulary import ACTIONS, EVENT_PLATFORMS, PUBLIC_ACTIONS, STATEMENT_ACTIONS

_TEXT_SHOWN = 110


@dataclass
class Reply:
    lines: list[str] = field(default_factory=list)
    quit: bool = False
    #: Text a front end may put on the command line for the person to edit.
    prefill: str | None = None


class Console:
    def __init__(self, session: LiveSession, name: str) -> None:
        self.session = session
        self.live = session.live
        self.name = name
        self.member = person(self.live.world, name)
        self.platform: str | None = None
        self._seen = 0
        #: Obligations created for the person's roles (id -> action), to tell what is theirs.
        self._mine: dict[str, str] = {}
        #: Next updates the person promised in a statement: (minute, the action's id).
        self.promises: list[tuple[float, str]] = []

    def briefing(self) -> list[str]:
        """What the person is told before the drill starts (drills/play/briefing.py)."""
        from drills.play.briefing import briefing

        return briefing(self.session, self.name, self.member.roles)

    @property
    def interrupted(self) -> bool:
        """Ctrl-C was pressed: a long ``wait`` stops, and the front end ends the drill."""
        return self.session.interrupted

    def interrupt(self) -> None:
        self.session.interrupt()

    # -- time -----------------------------------------------------------------------------------

    def tick(self) -> list[str]:
        """Move the world to where the clock says; what the person should hear of it."""
        reached = self.session.tick()
        lines = self.news()
        if self.session.take_page_pause():
            lines.append(f"[{self.live.clock()}] PAUSED: something pages you; the clock "
                         "stops ('resume' goes on)")
        if reached is not None:
            lines.append(f"[{self.live.clock()}] BREAK {reached.title or 'in the script'} "
                         f"({reached.minutes:g} min): the clock stops; 'resume' goes on")
        return lines

    def news(self) -> list[str]:
        display = self.live.display
        fresh = display.news_since(self._seen)
        self._seen = display.news_total
        lines = []
        for record in fresh:
            text = self._describe(record)
            if text:
                lines.append(f"[{self.live.clock(float(record['t']))}] {text}")
        return lines

    def status(self) -> str:
        state = "paused" if self.session.paused else f"speed {self.session.speed:g}x"
        return (f"{self.live.clock()}  severity {self.live.severity}  {state}  "
                f"(ends {self.live.clock(self.live.end)})")

    # -- commands -------------------------------------------------------------------------------

    def execute(self, line: str) -> Reply:
        """Run one command line, or several (a statement's text may go on over lines:
        drills/play/lines.py). A bad command is one line of reply, never an exception."""
        if "\n" in line:
            reply = Reply()
            for command in group(line):
                one = self._execute(command)
                reply.lines += one.lines
                reply.prefill = one.prefill or reply.prefill
                if one.quit:
                    reply.quit = True
                    break
            return reply
        return self._execute(line)

    def _execute(self, line: str) -> Reply:
        try:
            command = parse_command(line)
            if command is None:
                return Reply()
            reply = self._run(command)
        except (CommandError, PersonError) as exc:
            return Reply([f"? {exc}", *self.tick()])
        reply.lines += self.tick()
        return reply

    def _run(self, command: Command) -> Reply:
        handler: Callable[[Command], Reply] = getattr(self, f"_cmd_{command.verb}")
        return handler(command)

    def _cmd_help(self, _command: Command) -> Reply:
        return Reply(["Commands:", *(f"  {usage}" for usage in USAGE.values()),
                      "Ids: o3 is an obligation (see 'inbox'), e812 a post (see 'feed').",
                      "A text after ':' goes on over the next lines (a pasted statement) "
                      "until an empty line or a line that begins with a command."])

    def _cmd_inbox(self, _command: Command) -> Reply:
        return Reply([self.status(), *self.inbox_lines()])

    def inbox_lines(self, compact: bool = False) -> list[str]:
        """The inbox as a table, or (``compact``, for a narrow pane) two lines an item."""
        items = self.live.inbox(self.name)
        rows = [self._inbox_row(i) for i in items] + [
            self._expected_row(x) for x in self.live.expected_of(self.name)]
        if not rows:
            return ["Nothing waits for you."]
        if compact:
            lines = []
            for label, ob_id, action, role, when, notes in rows:
                lines += [f"{label:<8}{ob_id:<6}{action} ({role})",
                          f"{'':<14}{when}" + (f"; {notes}" if notes else "")]
            return lines
        return tabulate(rows, headers=["", "id", "what", "role", "when", "notes"],
                        tablefmt="plain").splitlines()

    def _expected_row(self, x: OpenExpectation) -> list[str]:
        """A message's expected reaction: met by acting on the message."""
        within = x.spec.within
        left = None if within is None else x.created + within - self.live.now
        when = "no time limit" if left is None else f"due in {_minutes(left)}" if left >= 0 \
            else f"late by {_minutes(-left)} (partly met at best)"
        return ["EXPECT", x.id, x.spec.reaction[:60], x.spec.role, when,
                f"act on {x.event} (e.g. 'act brief on {x.event} : ...')"]

    def _inbox_row(self, item: InboxItem) -> list[str]:
        ob = item.ob
        left = item.left
        if item.kind == "page":
            backup = self.live.world.rulebook.roles[item.role].backup
            when = f"ack within {_minutes(left)}" + (f" (then {backup})" if backup else "")
        elif left >= 0:
            when = f"due in {_minutes(left)} ({self.live.clock(ob.due).split()[1]})"
        else:
            when = f"OVERDUE by {_minutes(-left)}"
        notes = []
        if item.kind != "approval":
            for approver in ob.spec.approve:
                notes.append(f"{approver} " + (
                    "approved" if ob.approved.get(approver) else
                    f"rejected: {ob.rejected[approver]}" if approver in ob.rejected else
                    "waiting" if ob.rounds else f"not asked ('draft {ob.id} : TEXT')"))
            if ob.spec.channels is not None:
                notes.append("via " + ",".join(self.live.world.channels(ob.spec)))
            if ob.event:
                notes.append(f"on {ob.event}")
        else:
            notes.append(f"draft: \"{ob.draft}\"" if ob.draft else "no text to read")
        label = {"page": "PAGE", "obligation": "TO DO" if ob.acknowledged else "NEW",
                 "approval": "APPROVE"}[item.kind]
        return [label, ob.id, ob.spec.action, item.role, when, "; ".join(notes)]

    def _cmd_feed(self, command: Command) -> Reply:
        platform = command.arg or self.platform
        if platform is not None and platform not in EVENT_PLATFORMS:
            raise CommandError(f"unknown platform {platform!r}; platforms: "
                               + ", ".join(EVENT_PLATFORMS))
        events = self.live.feed(10 if command.count is None else command.count, platform)
        if not events:
            return Reply(["(no posts yet" + (f" on {platform})" if platform else ")")])
        return Reply([self.event_line(e) for e in events])

    def event_line(self, event: Record) -> str:
        author = event.get("author") or {}
        handle = author.get("handle") if isinstance(author, dict) else None
        kind = "" if event["kind"] in ("mention", "reply", "reshare") else f" [{event['kind']}]"
        text = " ".join(str(event.get("text", "")).split())
        if len(text) > _TEXT_SHOWN:
            text = text[:_TEXT_SHOWN - 1] + "…"
        return (f"{event['id']:>6} {self.live.clock(float(event['t'])).split()[1]} "
                f"{event['platform']:<9} {('@' + handle) if handle else '':<16} "
                f"{float(event['sentiment']):+.1f}{kind} {text}")

    def _cmd_signals(self, _command: Command) -> Reply:
        signals = self.live.signals
        return Reply([self.status(), tabulate(
            [[k, f"{v:.2f}" if isinstance(v, float) and not v.is_integer() else f"{v:g}"]
             for k, v in sorted(signals.items())], tablefmt="plain")])

    def _cmd_ack(self, command: Command) -> Reply:
        ob = self.live.ack(self.name, command.arg)
        if ob.done is not None:
            return Reply([f"acknowledged {ob.id}: done ({self._timing(ob)})"])
        return Reply([f"acknowledged {ob.id}: {ob.spec.action}, due "
                      f"{self.live.clock(ob.due).split()[1]} - 'do {ob.id}' when it is done"])

    def _cmd_approve(self, command: Command) -> Reply:
        ob = self.live.approve(self.name, command.arg)
        return Reply([f"approved {ob.id} ({ob.spec.action})"])

    def _cmd_reject(self, command: Command) -> Reply:
        ob = reject(self.live.world, self.name, command.arg, command.text or "")
        self.live.world.settle()
        return Reply([f"rejected {ob.id} ({ob.spec.action}): the drafter revises it and "
                      "asks again"])

    def _cmd_draft(self, command: Command) -> Reply:
        assert command.arg is not None
        ob = draft(self.live.world, self.name, command.arg, command.text)
        self.live.world.settle()
        return Reply([f"drafted {ob.id} (round {ob.rounds}): asked "
                      + ", ".join(ob.spec.approve) + f" to read it; 'do {ob.id}' publishes "
                      "it once approved"])

    def _cmd_do(self, command: Command) -> Reply:
        assert command.arg is not None
        from drills.sim.people import open_obligation

        ob = open_obligation(self.live.world, self.member, command.arg)
        return self._act(PersonAction(ob.spec.action, ob.id, command.event, command.channels,
                                      command.text))

    def _cmd_act(self, command: Command) -> Reply:
        assert command.arg is not None
        action = command.arg.lower()
        return self._act(PersonAction(action, None, command.event, command.channels,
                                      command.text))

    def _act(self, request: PersonAction) -> Reply:
        acted = self.live.perform(self.name, request)
        ob, record, met = acted.obligation, acted.record, acted.met
        if record is None:  # acknowledging was the whole of it
            assert ob is not None
            return Reply([f"acknowledged {ob.id}: done ({self._timing(ob)})"])
        channels = ", ".join(record.get("channels") or []) or "-"
        unasked = ", made before anyone asked: proactive, it counts" \
            if request.action in STATEMENT_ACTIONS else ", which no obligation asked for"
        lines = [f"{record['id']}: {request.action}"
                 + (f" on {record['event']}" if record.get("event") else "")
                 + (f" via {channels}" if request.action in PUBLIC_ACTIONS else "")
                 + (f", fulfils {ob.id} ({self._timing(ob)})" if ob else
                    "" if met else unasked)]
        promise = promised_at(record.get("text"), self.live.config.start,
                              self.live.now) \
            if request.action in STATEMENT_ACTIONS else None
        if promise is not None:
            self.promises.append((promise, str(record["id"])))
            lines.append(f"  you promised the next update by "
                         f"{self.live.clock(promise).split()[1]}: 'wait' reminds you")
        lines += [f"  meets {x.id}: {x.spec.reaction}" for x in met]
        if ob is not None and not record.get("approved", True):
            lines += [f"  {skipped(ob, a)}" for a in ob.spec.approve if not ob.approved.get(a)]
        lang = self.live.world.lang
        lines += [f"  coach: {note}" for note in coach(
            record.get("text"), request.action, list(record.get("channels") or []), lang)]
        return Reply(lines)

    def _timing(self, ob: OpenObligation) -> str:
        done = ob.done if ob.done is not None else self.live.now
        late = done - ob.due
        return "on time" if late <= 1e-9 else f"{_minutes(late)} late"

    def _cmd_templates(self, _command: Command) -> Reply:
        templates = self.live.world.rulebook.templates
        if not templates:
            return Reply(["The rulebook has no templates: write your own text after ':'."])
        return Reply(["Templates (template NAME shows one filled in):",
                      *(f"  {name}" for name in sorted(templates))])

    def _cmd_template(self, command: Command) -> Reply:
        assert command.arg is not None
        name = command.arg
        world = self.live.world
        mine = [ob for ob in world.obligations.values()
                if (ob.spec.template or ob.spec.action) == name and
                (ob.acting_role or ob.spec.role) in self.member.roles]
        ob = mine[0] if mine else None
        channels = world.channels(ob.spec) if ob else []
        text = template_for(world, name, ob, channels[0] if channels else None) \
            if name in world.rulebook.templates else None
        if text is None:
            names = sorted(world.rulebook.templates)
            from drills.inputs.validation import suggest

            raise CommandError(f"no template {name!r}{suggest(name, names)}; templates: "
                               + (", ".join(names) or "none"))
        if ob is not None:
            prefill = f"do {ob.id} : {text}"
        elif name in ACTIONS:
            prefill = f"act {name} : {text}"
        else:
            prefill = text
        return Reply([prefill], prefill=prefill)

    def _cmd_wait(self, command: Command) -> Reply:
        """Let time pass, step by step, until something asks for the person."""
        assert command.minutes is not None
        lines: list[str] = []
        now = self.live.now
        promise = min((t for t, _ in self.promises if t > now + STEP), default=None)
        ahead = [item for item in self.live.inbox(self.name)
                 if item.kind == "obligation" and item.left > STEP]
        falling = min(ahead, key=lambda item: item.left).ob.id if ahead else None
        why = self.session.wait(command.minutes, person=self.name, due=True, until=promise,
                                on_news=lambda: lines.extend(self.news()))
        if why == "needed":
            lines.append(f"stopped waiting at {self.live.clock()}: something needs you")
        elif why == "due":
            lines.append(f"stopped waiting at {self.live.clock()}: " + self._reminder(falling))
        else:
            lines.append(f"now {self.live.clock()}")
        return Reply(lines)

    def _reminder(self, falling: str | None) -> str:
        """Why a ``wait`` stopped at a due time: a promise, or the obligation of theirs that
        was next to fall due when the wait began (``falling``)."""
        now = self.live.now
        for t, action_id in self.promises:
            if abs(t - now) < 1.0:
                return f"the next update you promised in {action_id} is due now"
        due = [item.ob.id for item in self.live.inbox(self.name)
               if item.kind == "obligation" and abs(item.left) < 1.0]
        if due:
            return f"{', '.join(due)} falls due now"
        return f"{falling} fell due (it is no longer yours: 'inbox')" if falling else \
            "something of yours fell due ('inbox')"

    def _cmd_show(self, command: Command) -> Reply:
        """One post, inquiry or letter whole, with who wrote it and what it asks."""
        assert command.arg is not None
        ident = command.arg
        world = self.live.world
        ob = world.obligations.get(ident)
        event_id = ob.event if ob is not None and ob.event else ident
        if ob is not None and not ob.event:
            raise CommandError(f"{ident} is not about a post ('inbox' shows it)")
        event = world.post(event_id)
        if event is None or float(event["t"]) > self.live.now + 1e-9:
            raise CommandError(f"no post {event_id!r} yet; 'feed' lists their ids")
        author = event.get("author") or {}
        who = []
        if isinstance(author, dict):
            who = [str(author[k]) for k in ("name", "handle") if author.get(k)]
            if author.get("followers"):
                who.append(f"{int(author['followers']):,} followers")
            if author.get("verified"):
                who.append("verified")
        lines = [f"{event['id']} {event['kind'].replace('_', ' ')} on {event['platform']} at "
                 f"{self.live.clock(float(event['t']))}, sentiment "
                 f"{float(event['sentiment']):+.1f}"]
        if who:
            lines.append("  from " + ", ".join(who))
        if event.get("outlet"):
            lines.append(f"  outlet: {event['outlet']}")
        if isinstance(event.get("deadline"), (int, float)):
            lines.append("  answer by " + self.live.clock(float(event["t"]) + event["deadline"]))
        lines += ["  " + part for part in str(event.get("text", "")).splitlines() or [""]]
        return Reply(lines)

    def latest_notable(self) -> str | None:
        """The id of the latest inquiry, letter or notable post so far (the TUI's key)."""
        notable = [r for r in self.live.display.news if r["type"] == "event"]
        return str(notable[-1]["id"]) if notable else None

    def _cmd_speed(self, command: Command) -> Reply:
        assert command.speed is not None
        self.session.set_speed(command.speed)
        return Reply([f"speed {command.speed:g}x" + (" (time moves only with 'wait')"
                                                      if command.speed == 0 else "")])

    def _cmd_pause(self, _command: Command) -> Reply:
        self.session.pause()
        return Reply([f"paused at {self.live.clock()}; 'resume' starts the clock again"])

    def _cmd_resume(self, _command: Command) -> Reply:
        self.session.resume()
        return Reply([f"resumed at {self.live.clock()}, speed {self.session.speed:g}x"])

    def _cmd_filter(self, command: Command) -> Reply:
        assert command.arg is not None
        platform = command.arg.lower()
        if platform == "all":
            self.platform = None
            return Reply(["the feed shows every platform"])
        if platform not in EVENT_PLATFORMS:
            raise CommandError(f"unknown platform {platform!r}; platforms: all, "
                               + ", ".join(EVENT_PLATFORMS))
        self.platform = platform
        return Reply([f"the feed shows {platform} only ('filter all' for every platform)"])

    def _cmd_quit(self, _command: Command) -> Reply:
        return Reply([f"ending the drill at {self.live.clock()}"], quit=True)

    # -- notifications --------------------------------------------------------------------------

    def _describe(self, record: Record) -> str | None:
        kind = record["type"]
        roles = self.member.roles
        if kind == "event":
            return f"{record['kind'].replace('_', ' ').upper()} {self.event_line(record)}"
        if kind == "severity":
            why = record.get("rule") or record.get("reason") or ""
            return f"SEVERITY {record['name']}" + (f" ({why})" if why else "")
        if kind == "violation":
            return f"VIOLATION by {record.get('member')}: {record.get('reason')}"
        if kind == "action":
            if record.get("member") == self.name or record.get("action") not in PUBLIC_ACTIONS:
                return None
            return (f"{record['member']} ({record.get('role')}) did {record['action']}"
                    + (f" via {', '.join(record.get('channels') or [])}"
                       if record.get("channels") else ""))
        if kind == "expectation":
            if record["status"] != "created" or record.get("role") not in roles:
                return None
            return (f"NEW {record['id']}: expected of you as {record['role']}: "
                    f"{record['reaction']} - act on {record['event']}")
        if kind != "obligation":
            return None
        return self._describe_obligation(record, roles)

    def _describe_obligation(self, record: Record, roles: tuple[str, ...]) -> str | None:
        status, ob_id = record["status"], str(record["id"])
        if status == "created":
            if record.get("role") not in roles:
                return None
            self._mine[ob_id] = str(record.get("action"))
            due = self.live.clock(float(record["due"])).split()[1]
            return f"NEW {ob_id}: {record.get('action')} as {record.get('role')}, due {due}"
        if status == "approval_requested" and record.get("member") == self.name:
            text = record.get("draft")
            return (f"APPROVAL {ob_id} needs your approval as {record.get('approver')}"
                    + (f" (round {record.get('round')})" if record.get("round", 1) != 1 else "")
                    + (f": \"{text}\"" if text else "")
                    + f" - 'approve {ob_id}' or 'reject {ob_id} : COMMENT'")
        if status == "approval_rejected" and record.get("member") != self.name and \
                ob_id in self._mine:
            return (f"REJECTED {ob_id} by {record.get('approver')}: {record.get('comment')}"
                    f" - revise it with 'draft {ob_id} : TEXT'")
        if ob_id not in self._mine:
            return None
        action = self._mine[ob_id]
        if status == "paged" and record.get("member") == self.name:
            return f"PAGE {ob_id}: {action} - 'ack {ob_id}'"
        if status == "escalated":
            return f"{ob_id} went to the backup: {record.get('reason')}"
        if status in ("overdue", "missed", "cancelled"):
            return f"{status.upper()} {ob_id}: {action}"
        if status == "approved" and record.get("member") != self.name:
            return f"{record.get('approver')} approved {ob_id}"
        if status == "done" and record.get("member") != self.name:
            return f"{ob_id} done by {record.get('member')}"
        return None


def report_lines(document: dict[str, Any]) -> list[str]:
    from drills.score.report import render_report

    return render_report(document).splitlines()
