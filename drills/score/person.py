"""A score for each person in a drill: made only of what that person did and did not do.

A drill with people in it has two subjects, never mixed. The team's outcome (the crowd,
reach, calm, the whole protocol) belongs to everyone, simulated colleagues included. A
person's score reads only the records about them: the pages to them, the obligations of the
roles they played, the approvals asked of them, their own actions and words, their own
violations. A simulated colleague who deletes a comment never lowers it.

How the score is made (docs/score.md says it in words):

- **duty**, 0-100: the mean of the person's items, each worth 1 (done in time), 0.5 (done
  late) or 0 (not done, taken over by a backup, or published without the approvals it
  needed): every page to them (acknowledged within the role's ``ack_within``), every
  obligation of their roles (met by the due time), every approval asked of them - each
  round of a draft is one decision, approve or reject with a comment, worth 1 by the
  obligation's due time, 0.5 after, 0 unanswered - and every public statement they made
  before anyone asked (proactive work: worth 1). A drafter's obligation notes its rounds
  (rejections cost time, which the due time already counts; they cost nothing else), and
  a statement published with no approval asked says whom they skipped.
- **care**, a factor from 1 down to 0.2: each of their own violations takes 0.2, each
  statement published without its approvals 0.15, each finding on their words that the
  public would see 0.1 (wrong language, an unfilled ``{placeholder}``, too long for the
  platform, defensive or blaming wording, naming a private person, a strategy the crisis
  cluster does not call for).
- **score** = duty x care. The rating follows the team's bounds (P 90, S 75, M 50), no P
  with a violation of their own. A person who did nothing at all - no acknowledgement, no
  approval, no action - is rated **U, did not take part**, score 0. A drill ended at minute
  0 rates no one.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from drills.i18n.catalogue import t
from drills.i18n.names import display_name
from drills.log.records import Record
from drills.rulebook.model import Rulebook
from drills.score.coaching import PUBLIC_FINDINGS, Note, coach_notes, strategies_in
from drills.vocabulary import PUBLIC_STATEMENTS

#: What each kind of mistake takes off the care factor.
VIOLATION_COST = 0.2
UNAPPROVED_COST = 0.15
FINDING_COST = 0.1
CARE_FLOOR = 0.2
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,}")


@dataclass
class PersonItem:
    """One thing the person was asked for, and how it went."""

    kind: str  # page, obligation, approval, proactive
    id: str
    what: str
    t: float
    outcome: str  # in time, late, not answered, taken over, missed, open, ...
    value: float | None  # 1, 0.5, 0, or None (not counted: open at the end, cancelled)
    minutes: float | None = None
    note: str = ""


@dataclass
class PersonScore:
    name: str
    roles: list[str]
    score: float | None
    rating: str | None
    rating_meaning: str
    took_part: bool
    duty: float | None
    care: float
    items: list[PersonItem] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


@dataclass
class _Ob:
    id: str
    role: str
    action: str
    created: float
    due: float
    approve: list[str]
    paged: dict[str, float] = field(default_factory=dict)  # person -> when
    acked: dict[str, float] = field(default_factory=dict)
    escalated_from: dict[str, float] = field(default_factory=dict)  # role -> when
    done: float | None = None
    done_by: str | None = None
    status: str = "open"
    #: Every ask of an approver role, in order: (role, member, t, round).
    asks: list[tuple[str, str | None, float, int]] = field(default_factory=list)
    #: Every decision: (role, member, t, "approved" or "rejected", comment).
    decisions: list[tuple[str, str | None, float, str, str]] = field(default_factory=list)
    rounds: int = 0
    #: Approver role -> why it went out without them (a person published).
    skipped: dict[str, str] = field(default_factory=dict)


class PersonScorer:
    """Reads a drill log record by record (as the team's scorer does) and scores each person
    who played a role in it."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.humans: dict[str, str] = {}
        self.lang = "en"
        self.cluster = ""
        self.obligations: dict[str, _Ob] = {}
        self.actions: list[Record] = []
        self.violations: list[Record] = []
        self.inputs: dict[str, int] = {}
        self.end: float | None = None

    def add(self, record: Record) -> None:
        kind = record.get("type")
        if kind == "drill":
            humans = record.get("humans")
            self.humans = {str(k): str(v) for k, v in humans.items()} \
                if isinstance(humans, dict) else {}
            locale = record.get("locale")
            self.lang = locale.split("_")[0] if isinstance(locale, str) and locale else "en"
            self.cluster = str(record.get("cluster") or "")
        elif kind == "cluster":
            self.cluster = str(record.get("cluster") or self.cluster)
        elif kind == "obligation":
            self._obligation(record)
        elif kind == "action" and record.get("human") is True:
            self.actions.append(record)
            self._took_part(record)
        elif kind == "violation":
            self.violations.append(record)
        elif kind == "end":
            duration = record.get("duration", record.get("t"))
            self.end = float(duration) if isinstance(duration, (int, float)) else None

    def _took_part(self, record: Record) -> None:
        member = str(record.get("member"))
        self.inputs[member] = self.inputs.get(member, 0) + 1

    def _obligation(self, record: Record) -> None:
        ident, status, t = str(record.get("id")), record.get("status"), float(record["t"])
        if status == "created":
            approve = record.get("approve")
            self.obligations[ident] = _Ob(
                ident, str(record.get("role")), str(record.get("action")), t,
                float(record.get("due", t)),
                [str(a) for a in approve] if isinstance(approve, list) else [])
            return
        ob = self.obligations.get(ident)
        if ob is None:
            return
        member = record.get("member")
        if status == "paged" and isinstance(member, str):
            ob.paged.setdefault(member, t)
        elif status == "acknowledged" and isinstance(member, str):
            ob.acked.setdefault(member, t)
            if record.get("human") is True and not record.get("with_action"):
                self._took_part(record)
        elif status == "escalated":
            ob.escalated_from.setdefault(str(record.get("role")), t)
        elif status == "approval_requested":
            round_ = record.get("round")
            ob.asks.append((str(record.get("approver")),
                            member if isinstance(member, str) else None, t,
                            round_ if isinstance(round_, int) else 1))
        elif status in ("approved", "approval_rejected"):
            ob.decisions.append((str(record.get("approver")),
                                 member if isinstance(member, str) else None, t,
                                 "approved" if status == "approved" else "rejected",
                                 str(record.get("comment") or "")))
            if record.get("human") is True:
                self._took_part(record)
        elif status == "drafted":
            round_ = record.get("round")
            ob.rounds = max(ob.rounds, round_ if isinstance(round_, int) else 1)
            if record.get("human") is True:
                self._took_part(record)
        elif status == "approval_missing" and isinstance(member, str):
            ob.skipped.setdefault(str(record.get("approver")),
                                  f"{member}: {record.get('reason')}")
        elif status == "done":
            ob.done, ob.done_by, ob.status = t, member if isinstance(member, str) else None, \
                "done"
        elif status in ("missed", "open", "cancelled", "unstaffed"):
            ob.status = str(status)

    # -- the document ----------------------------------------------------------------------

    def scores(self) -> list[PersonScore]:
        people: dict[str, list[str]] = {}
        for role, name in sorted(self.humans.items()):
            people.setdefault(name, []).append(role)
        return [self._person(name, roles) for name, roles in people.items()]

    def _person(self, name: str, roles: list[str]) -> PersonScore:
        items = self._pages(name, roles) + self._duties(name, roles) + \
            self._approvals(name, roles)
        actions, findings, unapproved = self._words(name)
        items += [PersonItem("proactive", str(a.get("id")), str(a.get("action")),
                             float(a["t"]), "before anyone asked", 1.0)
                  for a in self.actions if a.get("member") == name
                  and not a.get("obligation") and a.get("action") in PUBLIC_STATEMENTS]
        violations = [{"t": v["t"], "rule": v.get("rule"), "action": v.get("action"),
                       "reason": v.get("reason")}
                      for v in self.violations if v.get("member") == name]
        counted = [i.value for i in items if i.value is not None]
        duty = 100.0 * sum(counted) / len(counted) if counted else None
        care = max(CARE_FLOOR, 1.0 - VIOLATION_COST * len(violations)
                   - UNAPPROVED_COST * unapproved - FINDING_COST * len(findings))
        took_part = self.inputs.get(name, 0) > 0
        if self.end is not None and self.end <= 0:
            score, rating, meaning = None, None, "not rated: the drill ended at its start"
        elif not took_part:
            score, rating, meaning = 0.0, "U", "did not take part"
        else:
            score = round((100.0 if duty is None else duty) * care, 1)
            rating = _rating(score, bool(violations))
            meaning = _MEANINGS[rating]
        return PersonScore(name, roles, score, rating, meaning, took_part,
                           None if duty is None else round(duty, 1), round(care, 2), items,
                           actions, violations, findings)

    def _pages(self, name: str, roles: list[str]) -> list[PersonItem]:
        items = []
        for ob in self.obligations.values():
            paged = ob.paged.get(name)
            if paged is None:
                continue
            role = next((r for r in roles if r == ob.role), roles[0])
            limit = self.rulebook.roles[role].ack_within if role in self.rulebook.roles \
                else 15.0
            acked = ob.acked.get(name)
            if acked is not None:
                wait = acked - paged
                items.append(PersonItem("page", ob.id, ob.action, paged,
                                        "in time" if wait <= limit + 1e-9 else "late",
                                        1.0 if wait <= limit + 1e-9 else 0.5, round(wait, 1)))
            elif any(r in ob.escalated_from for r in roles):
                items.append(PersonItem("page", ob.id, ob.action, paged, "not answered", 0.0,
                                        note=f"went to the backup after {limit:g} min"))
            elif ob.done is not None or ob.status in ("missed", "unstaffed"):
                items.append(PersonItem("page", ob.id, ob.action, paged, "not answered", 0.0))
            else:
                items.append(PersonItem("page", ob.id, ob.action, paged, "open at the end",
                                        None))
        return items

    def _duties(self, name: str, roles: list[str]) -> list[PersonItem]:
        items = []
        for ob in self.obligations.values():
            if ob.role not in roles or (ob.action == "acknowledge" and name in ob.paged):
                continue  # an acknowledgement asked by paging is the page itself
            unapproved = any(a.get("obligation") == ob.id and a.get("member") == name
                             and a.get("approved") is False for a in self.actions)
            if ob.status == "done" and ob.done is not None:
                late = ob.done > ob.due + 1e-9
                if ob.done_by != name:
                    items.append(PersonItem("obligation", ob.id, ob.action, ob.created,
                                            f"taken over by {ob.done_by}", 0.0))
                elif unapproved:
                    skipped = [ob.skipped[a].split(": ", 1)[-1] for a in ob.approve
                               if a in ob.skipped]
                    items.append(PersonItem("obligation", ob.id, ob.action, ob.created,
                                            "published without approval", 0.0,
                                            note="; ".join(skipped) or
                                            "needed " + ", ".join(ob.approve)))
                else:
                    items.append(PersonItem("obligation", ob.id, ob.action, ob.created,
                                            "late" if late else "in time",
                                            0.5 if late else 1.0,
                                            round(ob.done - ob.created, 1),
                                            note=_rounds_note(ob)))
            elif ob.status == "missed":
                items.append(PersonItem("obligation", ob.id, ob.action, ob.created, "missed",
                                        0.0))
            elif ob.status == "open" and ob.due < (self.end or 0.0):
                items.append(PersonItem("obligation", ob.id, ob.action, ob.created,
                                        "overdue at the end", 0.0))
        return items

    def _approvals(self, name: str, roles: list[str]) -> list[PersonItem]:
        """Each round asked of them is one decision: how fast, and which."""
        items = []
        for ob in self.obligations.values():
            for i, (role, member, asked, round_) in enumerate(ob.asks):
                if role not in roles or member != name:
                    continue
                later = [t for r, _m, t, _n in ob.asks[i + 1:] if r == role]
                until = later[0] if later else float("inf")
                decision = next((d for d in ob.decisions if d[0] == role and d[1] == name
                                 and asked - 1e-9 <= d[2] < until), None)
                what = ob.action + (f" (round {round_})" if round_ > 1 else "")
                if decision is not None:
                    late = decision[2] > ob.due + 1e-9
                    verdict = "approved" if decision[3] == "approved" else "rejected"
                    items.append(PersonItem(
                        "approval", ob.id, what, asked,
                        f"{verdict}, " + ("late" if late else "in time"),
                        0.5 if late else 1.0, round(decision[2] - asked, 1),
                        note=f"\"{decision[4]}\"" if decision[4] else ""))
                elif ob.status == "open" and ob.done is None and not later:
                    items.append(PersonItem("approval", ob.id, what, asked,
                                            "open at the end", None))
                else:
                    items.append(PersonItem("approval", ob.id, what, asked,
                                            "not given", 0.0))
        return items

    def _words(self, name: str) -> tuple[list[dict[str, Any]], list[str], int]:
        actions: list[dict[str, Any]] = []
        findings: list[str] = []
        unapproved = 0
        expected = set(self.rulebook.strategies.get(self.cluster, ())) | {"instruct"}
        for a in self.actions:
            if a.get("member") != name:
                continue
            text = a.get("text") if isinstance(a.get("text"), str) else None
            action = str(a.get("action"))
            channels = [str(c) for c in a.get("channels") or () if isinstance(c, str)]
            noted = coach_notes(text, action, channels, self.lang)
            used = strategies_in(text) if action in PUBLIC_STATEMENTS else []
            public = action in PUBLIC_STATEMENTS or action in (
                "reply", "correct_misinformation")
            if public and text and _MENTION.search(text) and action in PUBLIC_STATEMENTS:
                noted.append(Note("private_person", t(
                    self.lang, "names a private person in a public statement: speak to "
                               "everyone, and answer the person privately")))
            off = [s for s in used if self.rulebook.strategies and s not in expected]
            if off:
                noted.append(Note("strategy", t(
                    self.lang, "the words take the {used} strategy; a {cluster} crisis calls "
                               "for {expected}",
                    used=", ".join(display_name(s, self.lang) for s in off),
                    cluster=display_name(self.cluster, self.lang) if self.cluster else "",
                    expected=", ".join(display_name(s, self.lang) for s in sorted(expected)))))
            if a.get("approved") is False and a.get("obligation"):
                unapproved += 1
            if public:
                findings += [f"{a.get('id')}: {n.text}" for n in noted
                             if n.code in PUBLIC_FINDINGS]
            notes = [n.text for n in noted]
            actions.append({"id": a.get("id"), "t": a["t"], "action": action,
                            "obligation": a.get("obligation"), "channels": channels,
                            "text": text, "approved": a.get("approved"),
                            "strategies": used, "notes": notes})
        return actions, findings, unapproved


def _rounds_note(ob: _Ob) -> str:
    """``3 rounds (legal rejected 2)``: how often the draft went back before it went out."""
    rounds = max([ob.rounds, *(n for _r, _m, _t, n in ob.asks)]) if ob.asks else ob.rounds
    if rounds <= 1:
        return ""
    rejected: dict[str, int] = {}
    for role, _m, _t, verdict, _c in ob.decisions:
        if verdict == "rejected":
            rejected[role] = rejected.get(role, 0) + 1
    return f"{rounds} rounds" + (" (" + ", ".join(
        f"{r} rejected {n}" for r, n in sorted(rejected.items())) + ")" if rejected else "")


_MEANINGS = {"P": "performed without challenges", "S": "performed with some challenges",
             "M": "performed with major challenges", "U": "unable to be performed"}


def _rating(score: float, violated: bool) -> str:
    letter = "P" if score >= 90 else "S" if score >= 75 else "M" if score >= 50 else "U"
    return "S" if violated and letter == "P" else letter


def person_documents(scorer: PersonScorer) -> list[dict[str, Any]]:
    """The per-person sections of the score document, as JSON-ready dicts."""
    return [asdict(p) for p in scorer.scores()]
