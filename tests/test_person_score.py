"""The person is the subject (issue 18): a trainee's own score is made of what they did and
did not do, never of what their simulated colleagues happened to do.

Four sessions of the same Swedish crisis (sv-data-breach, seed 7, tis 10:00, 10 h, the
standard team, the trainee as comms_lead) are played by policies that stand for a good,
a medium and a poor trainee, and one who only waits.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import pytest

from drills.drive.live import LiveDrill
from drills.score.person import PersonScorer, person_documents
from drills.sim.people import PersonAction, PersonError, draft
from tests.live_helpers import live_drill, records_of

NAME = "Ann"
GOOD_TEXT = ("Vi känner till dataläckan och tar den på största allvar. Byt lösenord och "
             "klicka inte på länkar i mejl. Nästa uppdatering senast {next}.")
POOR_TEXT = ("The reports about {brand} are exaggerated and we have done nothing wrong. "
             "People are spreading rumours.")


@dataclass
class Policy:
    """How fast a trainee answers (minutes), and how carefully."""

    ack_after: float
    work_after: float
    careful: bool
    answers: float = 1.0  # the share of pages they answer at all
    #: Minutes before a careless trainee publishes a statement (without waiting for legal).
    rush: float | None = None


POLICIES = {"good": Policy(1.0, 3.0, True), "medium": Policy(9.0, 25.0, True),
            "poor": Policy(14.0, 40.0, False, answers=0.4, rush=2.0)}


def _play(policy: Policy | None, *, team: str = "standard") -> dict[str, Any]:
    live, out = live_drill({"comms_lead": NAME}, scenario="sv-data-breach", seed=7,
                           start="tis 10:00", hours=10, team=team)
    seen: dict[str, float] = {}
    skipped: set[str] = set()
    t = 0.0
    while t < live.end:
        t = min(t + 1.0, live.end)
        live.advance(t)
        if policy is None:
            continue
        for item in live.inbox(NAME):
            ob = item.ob
            first = seen.setdefault(f"{item.kind}:{ob.id}", live.now)
            waited = live.now - first
            if ob.id in skipped:
                continue
            if item.kind == "page" and waited >= policy.ack_after:
                if ob.spec.action != "holding_statement" and \
                        (sum(ord(c) for c in ob.id) % 10) / 10 >= policy.answers:
                    skipped.add(ob.id)  # a page this trainee never answers
                    continue
                _try(live.ack, NAME, ob.id)
            elif item.kind == "obligation" and ob.acknowledged and (
                    waited >= policy.work_after or (
                        policy.rush is not None and waited >= policy.rush
                        and ob.spec.action == "holding_statement")):
                _work(live, ob, policy)
    document = live.finish()
    live.close()
    assert records_of(out.getvalue())
    return document


def _work(live: LiveDrill, ob: Any, policy: Policy) -> None:
    action = ob.spec.action
    if action in ("holding_statement", "update", "statement", "apology"):
        waiting = [a for a in ob.spec.approve if not ob.approved.get(a)]
        if policy.careful and waiting:
            if not ob.rounds:  # a careful trainee sends legal the draft, then waits
                clock = live.clock(live.now + 120).split()[1]
                _try(draft, live.world, NAME, ob.id, GOOD_TEXT.format(next=clock))
                live.world.settle()
            return
        clock = live.clock(live.now + 120).split()[1]
        text = GOOD_TEXT.format(next=clock) if policy.careful else POOR_TEXT
        _try(live.act, NAME, PersonAction(action, ob.id, text=text))
    else:
        _try(live.act, NAME, PersonAction(action, ob.id))


def _try(operation: Any, *args: Any) -> None:
    with contextlib.suppress(PersonError):  # taken over or done meanwhile: see the inbox
        operation(*args)


@pytest.fixture(scope="module")
def sessions() -> dict[str, dict[str, Any]]:
    played = {name: _play(policy) for name, policy in POLICIES.items()}
    played["nothing"] = _play(None)
    return played


def _person(document: dict[str, Any]) -> dict[str, Any]:
    persons = document["persons"]
    assert [p["name"] for p in persons] == [NAME]
    return dict(persons[0])


def test_the_person_scores_are_ordered_good_medium_poor_nothing(
        sessions: dict[str, dict[str, Any]]) -> None:
    scores = {name: _person(doc)["score"] for name, doc in sessions.items()}
    assert scores["good"] > scores["medium"] > scores["poor"] > scores["nothing"], scores
    nothing = _person(sessions["nothing"])
    assert nothing["rating"] == "U" and nothing["rating_meaning"] == "did not take part"
    assert not nothing["took_part"]
    assert _person(sessions["good"])["rating"] in ("P", "S")


def test_the_poor_session_is_told_what_it_wrote(sessions: dict[str, dict[str, Any]]) -> None:
    poor = _person(sessions["poor"])
    findings = " ".join(poor["findings"])
    # Said in the drill's language (Swedish), like every note a Swedish trainee reads.
    assert "skrivet på engelska, men övningen är på svenska" in findings
    assert "fyll i {brand}" in findings
    assert "defensiva eller argumenterande ord" in findings
    assert "orden tar strategin förnekande" in findings
    statements = [a for a in poor["actions"] if a["action"] == "holding_statement"]
    assert statements and "deny" in statements[0]["strategies"]
    unapproved = [i for i in poor["items"] if i["outcome"] == "published without approval"]
    assert unapproved, poor["items"]
    assert poor["care"] < 1.0
    good = _person(sessions["good"])
    assert not good["findings"], good["findings"]
    assert all(i["outcome"] != "published without approval" for i in good["items"])


def test_a_colleague_misconduct_never_lowers_the_person(
        sessions: dict[str, dict[str, Any]]) -> None:
    """The same trainee against a team whose colleagues often misbehave (understaffed: bad
    habits) and one whose colleagues never do (well-drilled): their own violations are
    none in both, and their rating stays P or S."""
    for team in ("understaffed", "well-drilled"):
        person = _person(_play(POLICIES["good"], team=team))
        assert person["violations"] == []
        assert person["rating"] in ("P", "S"), (team, person["score"], person["items"])


def test_a_drill_ended_at_minute_0_rates_no_one() -> None:
    scorer = PersonScorer(_rulebook())
    scorer.add({"type": "drill", "t": 0, "humans": {"comms_lead": NAME}, "locale": "sv_SE"})
    scorer.add({"type": "end", "t": 0, "duration": 0})
    [person] = person_documents(scorer)
    assert person["score"] is None and person["rating"] is None
    assert person["rating_meaning"].startswith("not rated")


def test_a_simulated_violation_is_not_the_person_s() -> None:
    scorer = PersonScorer(_rulebook())
    scorer.add({"type": "drill", "t": 0, "humans": {"comms_lead": NAME}, "locale": "en_US"})
    scorer.add({"type": "action", "t": 5, "id": "a1", "member": NAME, "role": "comms_lead",
                "action": "holding_statement", "obligation": None, "human": True,
                "text": "We know about the reports and are looking into it. Next update by "
                        "19:30.", "channels": ["x"], "approved": True})
    scorer.add({"type": "violation", "t": 6, "rule": "no-arguing", "action": "argue",
                "member": "Alex Rivera", "reason": "Never argue"})
    scorer.add({"type": "end", "t": 60, "duration": 60})
    [person] = person_documents(scorer)
    assert person["violations"] == []
    assert person["score"] == 100.0 and person["rating"] == "P"
    assert person["items"][0]["kind"] == "proactive"


def _rulebook() -> Any:
    from drills.inputs.builtins import resolve
    from drills.rulebook.load import load_rulebook

    return load_rulebook(resolve("rulebook", "default"))
