"""What a person's commands do in a live drill, and what they are told: one interpreter for
every front end (``--plain``, the terminal UI), so both accept the same commands and say
the same things. Output is lines of text; the front end decides how to show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tabulate import tabulate

from drills.drive.live import InboxItem
from drills.drive.session import STEP, LiveSession
from drills.i18n.catalogue import screen_language, t
from drills.i18n.formats import week_time
from drills.i18n.names import display_name
from drills.i18n.reasons import say_reason
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
    def __init__(self, session: LiveSession, name: str, lang: str | None = None) -> None:
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
        #: The drill's language (or the one ``--lang`` chose): everything the person reads
        #: is said in it (drills/i18n).
        self.lang = screen_language(lang, self.live.world.lang)[0]
        self.w = partial(t, self.lang)
        self._names = self.live.world.rulebook.role_names()

    def shown(self, name: str) -> str:
        """An id (role, action, kind) as this drill's language shows it (English: the id)."""
        if self.lang == "en":
            return name
        return display_name(name, self.lang, self._names)

    def at(self, moment: float | None = None) -> str:
        """A drill clock time (``fri 17:30``) as the language writes it (``fre 17.30``)."""
        return week_time(self.live.clock(moment), self.lang)

    def hour(self, moment: float) -> str:
        return self.at(moment).split()[1]

    def briefing(self) -> list[str]:
        """What the person is told before the drill starts (drills/play/briefing.py)."""
        from drills.play.briefing import briefing

        return briefing(self.session, self.name, self.member.roles, self.lang)

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
            lines.append(f"[{self.at()}] " + self.w("PAUSED: something pages you; the clock "
                                                    "stops ('resume' goes on)"))
        if reached is not None:
            lines.append(f"[{self.at()}] " + self.w(
                "BREAK {title} ({minutes} min): the clock stops; 'resume' goes on",
                title=reached.title or self.w("in the script"), minutes=f"{reached.minutes:g}"))
        return lines

    def news(self) -> list[str]:
        display = self.live.display
        fresh = display.news_since(self._seen)
        self._seen = display.news_total
        lines = []
        for record in fresh:
            text = self._describe(record)
            if text:
                lines.append(f"[{self.at(float(record['t']))}] {text}")
        return lines

    def status(self) -> str:
        state = self.w("paused") if self.session.paused else \
            self.w("speed {speed}x", speed=f"{self.session.speed:g}")
        return self.w("{now}  severity {severity}  {state}  (ends {end})", now=self.at(),
                      severity=self.shown(self.live.severity), state=state,
                      end=self.at(self.live.end))

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
        return Reply([self.w("Commands:"), *(f"  {usage}" for usage in USAGE.values()),
                      self.w("Ids: o3 is an obligation (see 'inbox'), e812 a post (see "
                             "'feed')."),
                      self.w("A text after ':' goes on over the next lines (a pasted "
                             "statement) until an empty line or a line that begins with a "
                             "command.")])

    def _cmd_inbox(self, _command: Command) -> Reply:
        return Reply([self.status(), *self.inbox_lines()])

    def inbox_lines(self, compact: bool = False) -> list[str]:
        """The inbox as a table, or (``compact``, for a narrow pane) two lines an item."""
        items = self.live.inbox(self.name)
        rows = [self._inbox_row(i) for i in items] + [
            self._expected_row(x) for x in self.live.expected_of(self.name)]
        if not rows:
            return [self.w("Nothing waits for you.")]
        if compact:
            lines = []
            for label, ob_id, action, role, when, notes in rows:
                lines += [f"{label:<8}{ob_id:<6}{action} ({role})",
                          f"{'':<14}{when}" + (f"; {notes}" if notes else "")]
            return lines
        return tabulate(rows, headers=["", "id", self.w("what"), self.w("role"),
                                       self.w("when"), self.w("notes")],
                        tablefmt="plain").splitlines()

    def _expected_row(self, x: OpenExpectation) -> list[str]:
        """A message's expected reaction: met by acting on the message."""
        within = x.spec.within
        left = None if within is None else x.created + within - self.live.now
        if left is None:
            when = self.w("no time limit")
        elif left >= 0:
            when = self.w("due in {left}", left=_minutes(left))
        else:
            when = self.w("late by {late} (partly met at best)", late=_minutes(-left))
        return [self.w("EXPECT"), x.id, x.spec.reaction[:60], self.shown(x.spec.role), when,
                self.w("act on {event} (e.g. 'act brief on {event} : ...')", event=x.event)]

    def _inbox_row(self, item: InboxItem) -> list[str]:
        ob = item.ob
        left = item.left
        if item.kind == "page":
            backup = self.live.world.rulebook.roles[item.role].backup
            when = self.w("ack within {left}", left=_minutes(left)) + (
                self.w(" (then {backup})", backup=self.shown(backup)) if backup else "")
        elif left >= 0:
            when = self.w("due in {left} ({at})", left=_minutes(left), at=self.hour(ob.due))
        else:
            when = self.w("OVERDUE by {late}", late=_minutes(-left))
        notes = []
        if item.kind != "approval":
            for approver in ob.spec.approve:
                if ob.approved.get(approver):
                    state = self.w("approved")
                elif approver in ob.rejected:
                    state = self.w("rejected: {comment}", comment=ob.rejected[approver])
                elif ob.rounds:
                    state = self.w("waiting")
                else:
                    state = self.w("not asked ('draft {id} : TEXT')", id=ob.id)
                notes.append(f"{self.shown(approver)} {state}")
            if ob.spec.channels is not None:
                notes.append(self.w("via {channels}",
                                    channels=",".join(self.live.world.channels(ob.spec))))
            if ob.event:
                notes.append(self.w("on {event}", event=ob.event))
        else:
            notes.append(self.w("draft: \"{text}\"", text=ob.draft) if ob.draft else
                         self.w("no text to read"))
        if item.kind == "page":
            label = self.w("PAGE")
        elif item.kind == "approval":
            label = self.w("APPROVE")
        else:
            label = self.w("TO DO") if ob.acknowledged else self.w("NEW")
        return [label, ob.id, self.shown(ob.spec.action), self.shown(item.role), when,
                "; ".join(notes)]

    def _cmd_feed(self, command: Command) -> Reply:
        platform = command.arg or self.platform
        if platform is not None and platform not in EVENT_PLATFORMS:
            raise CommandError(self.w("unknown platform {platform}; platforms: {platforms}",
                                      platform=repr(platform),
                                      platforms=", ".join(EVENT_PLATFORMS)))
        events = self.live.feed(10 if command.count is None else command.count, platform)
        if not events:
            return Reply([self.w("(no posts yet on {platform})", platform=platform)
                          if platform else self.w("(no posts yet)")])
        return Reply([self.event_line(e) for e in events])

    def event_line(self, event: Record) -> str:
        author = event.get("author") or {}
        handle = author.get("handle") if isinstance(author, dict) else None
        kind = "" if event["kind"] in ("mention", "reply", "reshare") else \
            f" [{self.shown(event['kind'])}]"
        text = " ".join(str(event.get("text", "")).split())
        if len(text) > _TEXT_SHOWN:
            text = text[:_TEXT_SHOWN - 1] + "…"
        return (f"{event['id']:>6} {self.hour(float(event['t']))} "
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
            return Reply([self.w("acknowledged {id}: done ({timing})", id=ob.id,
                                 timing=self._timing(ob))])
        return Reply([self.w("acknowledged {id}: {action}, due {at} - 'do {id}' when it is "
                             "done", id=ob.id, action=self.shown(ob.spec.action),
                             at=self.hour(ob.due))])

    def _cmd_approve(self, command: Command) -> Reply:
        ob = self.live.approve(self.name, command.arg)
        return Reply([self.w("approved {id} ({action})", id=ob.id,
                             action=self.shown(ob.spec.action))])

    def _cmd_reject(self, command: Command) -> Reply:
        ob = reject(self.live.world, self.name, command.arg, command.text or "")
        self.live.world.settle()
        return Reply([self.w("rejected {id} ({action}): the drafter revises it and asks again",
                             id=ob.id, action=self.shown(ob.spec.action))])

    def _cmd_draft(self, command: Command) -> Reply:
        assert command.arg is not None
        ob = draft(self.live.world, self.name, command.arg, command.text)
        self.live.world.settle()
        return Reply([self.w("drafted {id} (round {round}): asked {approvers} to read it; "
                             "'do {id}' publishes it once approved", id=ob.id,
                             round=ob.rounds, approvers=", ".join(
                                 self.shown(a) for a in ob.spec.approve))])

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
            return Reply([self.w("acknowledged {id}: done ({timing})", id=ob.id,
                                 timing=self._timing(ob))])
        channels = ", ".join(record.get("channels") or []) or "-"
        unasked = self.w(", made before anyone asked: proactive, it counts") \
            if request.action in STATEMENT_ACTIONS else self.w(", which no obligation asked for")
        lines = [f"{record['id']}: {self.shown(request.action)}"
                 + (self.w(" on {event}", event=record["event"]) if record.get("event") else "")
                 + (self.w(" via {channels}", channels=channels)
                    if request.action in PUBLIC_ACTIONS else "")
                 + (self.w(", fulfils {id} ({timing})", id=ob.id, timing=self._timing(ob))
                    if ob else "" if met else unasked)]
        promise = promised_at(record.get("text"), self.live.config.start,
                              self.live.now) \
            if request.action in STATEMENT_ACTIONS else None
        if promise is not None:
            self.promises.append((promise, str(record["id"])))
            lines.append(self.w("  you promised the next update by {at}: 'wait' reminds you",
                                at=self.hour(promise)))
        lines += [self.w("  meets {id}: {reaction}", id=x.id, reaction=x.spec.reaction)
                  for x in met]
        if ob is not None and not record.get("approved", True):
            lines += [f"  {skipped(ob, a)}" for a in ob.spec.approve if not ob.approved.get(a)]
        lang = self.live.world.lang  # the drill's: the checks read the text in it
        lines += [self.w("  coach: {note}", note=note) for note in coach(
            record.get("text"), request.action, list(record.get("channels") or []), lang)]
        return Reply(lines)

    def _timing(self, ob: OpenObligation) -> str:
        done = ob.done if ob.done is not None else self.live.now
        late = done - ob.due
        return self.w("on time") if late <= 1e-9 else self.w("{late} late", late=_minutes(late))

    def _cmd_templates(self, _command: Command) -> Reply:
        templates = self.live.world.template_names()
        if not templates:
            return Reply([self.w("The rulebook has no templates: write your own text after "
                                 "':'.")])
        return Reply([self.w("Templates (template NAME shows one filled in):"),
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
            if name in world.template_names() else None
        if text is None:
            names = world.template_names()
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
        promise = min((m for m, _ in self.promises if m > now + STEP), default=None)
        ahead = [item for item in self.live.inbox(self.name)
                 if item.kind == "obligation" and item.left > STEP]
        falling = min(ahead, key=lambda item: item.left).ob.id if ahead else None
        why = self.session.wait(command.minutes, person=self.name, due=True, until=promise,
                                on_news=lambda: lines.extend(self.news()))
        if why == "needed":
            lines.append(self.w("stopped waiting at {at}: something needs you", at=self.at()))
        elif why == "due":
            lines.append(self.w("stopped waiting at {at}: {why}", at=self.at(),
                                why=self._reminder(falling)))
        else:
            lines.append(self.w("now {at}", at=self.at()))
        return Reply(lines)

    def _reminder(self, falling: str | None) -> str:
        """Why a ``wait`` stopped at a due time: a promise, or the obligation of theirs that
        was next to fall due when the wait began (``falling``)."""
        now = self.live.now
        for moment, action_id in self.promises:
            if abs(moment - now) < 1.0:
                return self.w("the next update you promised in {id} is due now", id=action_id)
        due = [item.ob.id for item in self.live.inbox(self.name)
               if item.kind == "obligation" and abs(item.left) < 1.0]
        if due:
            return self.w("{ids} falls due now", ids=", ".join(due))
        return self.w("{id} fell due (it is no longer yours: 'inbox')", id=falling) \
            if falling else self.w("something of yours fell due ('inbox')")

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
        return Reply([self.w("speed {speed}x", speed=f"{command.speed:g}")
                      + (self.w(" (time moves only with 'wait')") if command.speed == 0
                         else "")])

    def _cmd_pause(self, _command: Command) -> Reply:
        self.session.pause()
        return Reply([self.w("paused at {at}; 'resume' starts the clock again",
                             at=self.at())])

    def _cmd_resume(self, _command: Command) -> Reply:
        self.session.resume()
        return Reply([self.w("resumed at {at}, speed {speed}x", at=self.at(),
                             speed=f"{self.session.speed:g}")])

    def _cmd_filter(self, command: Command) -> Reply:
        assert command.arg is not None
        platform = command.arg.lower()
        if platform == "all":
            self.platform = None
            return Reply([self.w("the feed shows every platform")])
        if platform not in EVENT_PLATFORMS:
            raise CommandError(self.w("unknown platform {platform}; platforms: {platforms}",
                                      platform=repr(platform),
                                      platforms="all, " + ", ".join(EVENT_PLATFORMS)))
        self.platform = platform
        return Reply([self.w("the feed shows {platform} only ('filter all' for every "
                             "platform)", platform=platform)])

    def _cmd_quit(self, _command: Command) -> Reply:
        return Reply([self.w("ending the drill at {at}", at=self.at())], quit=True)

    # -- notifications --------------------------------------------------------------------------

    def _describe(self, record: Record) -> str | None:
        kind = record["type"]
        roles = self.member.roles
        if kind == "event":
            label = record["kind"].replace("_", " ") if self.lang == "en" else \
                self.shown(record["kind"])
            return f"{label.upper()} {self.event_line(record)}"
        if kind == "severity":
            why = record.get("rule") or record.get("reason") or ""
            return self.w("SEVERITY {name}", name=self.shown(str(record["name"]))) + (
                f" ({why})" if why else "")
        if kind == "violation":
            return self.w("VIOLATION by {member}: {reason}", member=record.get("member"),
                          reason=self._reason(record))
        if kind == "action":
            if record.get("member") == self.name or record.get("action") not in PUBLIC_ACTIONS:
                return None
            return (self.w("{member} ({role}) did {action}", member=record["member"],
                           role=self.shown(str(record.get("role"))),
                           action=self.shown(str(record["action"])))
                    + (self.w(" via {channels}", channels=", ".join(record.get("channels") or []))
                       if record.get("channels") else ""))
        if kind == "expectation":
            if record["status"] != "created" or record.get("role") not in roles:
                return None
            return self.w("NEW {id}: expected of you as {role}: {reaction} - act on {event}",
                          id=record["id"], role=self.shown(str(record["role"])),
                          reaction=record["reaction"], event=record["event"])
        if kind != "obligation":
            return None
        return self._describe_obligation(record, roles)

    def _describe_obligation(self, record: Record, roles: tuple[str, ...]) -> str | None:
        status, ob_id = record["status"], str(record["id"])
        if status == "created":
            if record.get("role") not in roles:
                return None
            self._mine[ob_id] = str(record.get("action"))
            return self.w("NEW {id}: {action} as {role}, due {at}", id=ob_id,
                          action=self.shown(str(record.get("action"))),
                          role=self.shown(str(record.get("role"))),
                          at=self.hour(float(record["due"])))
        if status == "approval_requested" and record.get("member") == self.name:
            text = record.get("draft")
            return (self.w("APPROVAL {id} needs your approval as {approver}", id=ob_id,
                           approver=self.shown(str(record.get("approver"))))
                    + (self.w(" (round {round})", round=record.get("round"))
                       if record.get("round", 1) != 1 else "")
                    + (f": \"{text}\"" if text else "")
                    + self.w(" - 'approve {id}' or 'reject {id} : COMMENT'", id=ob_id))
        if status == "approval_rejected" and record.get("member") != self.name and \
                ob_id in self._mine:
            return self.w("REJECTED {id} by {approver}: {comment} - revise it with "
                          "'draft {id} : TEXT'", id=ob_id,
                          approver=self.shown(str(record.get("approver"))),
                          comment=record.get("comment"))
        if ob_id not in self._mine:
            return None
        action = self.shown(self._mine[ob_id])
        if status == "paged" and record.get("member") == self.name:
            return self.w("PAGE {id}: {action} - 'ack {id}'", id=ob_id, action=action)
        if status == "escalated":
            return self.w("{id} went to the backup: {reason}", id=ob_id,
                          reason=self._reason(record))
        if status == "overdue":
            return self.w("OVERDUE {id}: {action}", id=ob_id, action=action)
        if status == "missed":
            return self.w("MISSED {id}: {action}", id=ob_id, action=action)
        if status == "cancelled":
            return self.w("CANCELLED {id}: {action}", id=ob_id, action=action)
        if status == "approved" and record.get("member") != self.name:
            return self.w("{approver} approved {id}",
                          approver=self.shown(str(record.get("approver"))), id=ob_id)
        if status == "done" and record.get("member") != self.name:
            return self.w("{id} done by {member}", id=ob_id, member=record.get("member"))
        return None

    def _reason(self, record: Record) -> str:
        """A reason the log gives, said in the drill's language."""
        return say_reason(str(record.get("reason") or ""), self.lang, self._names)


def report_lines(document: dict[str, Any]) -> list[str]:
    from drills.score.report import render_report

    return render_report(document).splitlines()
