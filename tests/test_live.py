"""The live-drill core: people in the same world as the simulated team, and replay.

A live drill is its header plus its people's inputs: replaying them reproduces the log
byte for byte, however the live session was stepped (the wall clock, pauses, speeds).
"""

from __future__ import annotations

import random

import pytest

from drills.drive.clock import DrillClock
from drills.drive.inputs import apply_input, inputs_from_log
from drills.drive.session import LiveSession
from drills.play.console import Console
from drills.sim.people import PersonAction, PersonError
from tests.live_helpers import live_drill, records_of


def _bot_session(seed: int, scenario: str, bot_seed: int, locale: str | None = None) -> str:
    """A person who does random things at random moments (including refused things)."""
    live, out = live_drill({"comms_lead": "Ana", "community_manager": "Bo"}, seed=seed,
                           scenario=scenario, locale=locale)
    rng = random.Random(bot_seed)
    t = 0.0
    while not live.over:
        t += rng.uniform(0.005, 9.0)
        live.advance(t)
        for name in ("Ana", "Bo"):
            items = live.inbox(name)
            feed = live.feed(20)
            try:
                roll = rng.random()
                if items and roll < 0.4:
                    item = rng.choice(items)
                    if item.kind == "page":
                        live.ack(name, item.ob.id)
                    elif item.kind == "obligation":
                        text = rng.choice([None, "On it. Next update 19:30."])
                        live.act(name, PersonAction(item.ob.spec.action, item.ob.id,
                                                    text=text))
                elif feed and roll < 0.55:
                    event = rng.choice(feed)
                    live.act(name, PersonAction(rng.choice(["reply", "move_private",
                                                            "delete_comment", "argue"]),
                                                event=event["id"], text="Sorry to hear it"))
                elif roll < 0.6:
                    live.act(name, PersonAction("holding_statement", channels=("x",),
                                                text="We know. More at 20:00"))
                elif roll < 0.62:
                    live.act(name, PersonAction("reply", event="e999999"))  # refused
            except PersonError:
                pass
    live.finish()
    return out.getvalue()


def _replay(text: str, seed: int, scenario: str, locale: str | None = None) -> str:
    records = records_of(text)
    humans = records[0]["humans"]
    live, out = live_drill(humans, seed=seed, scenario=scenario, locale=locale)
    for item in inputs_from_log(records):
        live.advance(item.t)
        apply_input(live.world, item)
    live.advance(live.end)
    live.finish()
    return out.getvalue()


@pytest.mark.parametrize(("seed", "scenario", "bot", "locale"), [
    (1, "overheating-kettle", 1, None), (2, "rumour-wave", 2, None),
    (3, "sv-data-breach", 3, "sv_SE"), (4, "viral-complaint", 4, None),
    (5, "tone-deaf-campaign", 5, None)])
def test_a_live_session_replays_byte_for_byte(seed: int, scenario: str, bot: int,
                                              locale: str | None) -> None:
    text = _bot_session(seed, scenario, bot, locale)
    records = records_of(text)
    people = [r for r in records if r.get("human")]
    assert len(people) > 10, "the session should have done many things"
    assert any(r["type"] == "action" for r in people)
    assert _replay(text, seed, scenario, locale) == text


def test_how_a_live_drill_is_stepped_does_not_change_it() -> None:
    """Wall-clock-driven advances land anywhere; the world moves in the same steps."""
    texts = []
    for chunk in (None, 0.37, 7.3):
        live, out = live_drill({"comms_lead": "Ana"}, seed=2)
        if chunk is None:
            live.advance(live.end)
        else:
            t = 0.0
            while not live.over:
                t += chunk
                live.advance(t)
        live.finish()
        texts.append(out.getvalue())
    assert texts[0] == texts[1] == texts[2]


def _score_of(humans: dict[str, str], play: bool) -> tuple[float, list[dict]]:
    live, out = live_drill(humans, seed=1, hours=8)
    t = 0.0
    while not live.over:
        t += 1.0
        live.advance(t)
        if not play:
            continue
        for item in live.inbox("Ana"):
            if item.kind == "page":
                live.ack("Ana", item.ob.id)
            elif item.kind == "obligation" and item.ob.acknowledged:
                live.act("Ana", PersonAction(item.ob.spec.action, item.ob.id,
                                             text="We are aware. Next update by 21:00."))
    document = live.finish()
    return document["score"], records_of(out.getvalue())


def test_a_person_who_shows_up_scores_higher_than_a_no_show() -> None:
    played, played_log = _score_of({"comms_lead": "Ana"}, play=True)
    absent, absent_log = _score_of({"comms_lead": "Ana"}, play=False)
    assert played > absent
    mine = [r for r in played_log if r["type"] == "action" and r.get("member") == "Ana"]
    assert mine and all(r["human"] is True for r in mine)
    # The no-show's pages went to the backup, who did the work.
    created = {r["id"]: r for r in absent_log
               if r["type"] == "obligation" and r["status"] == "created"}
    theirs = {i for i, r in created.items() if r["role"] == "comms_lead"}
    assert theirs
    escalated = {r["id"] for r in absent_log if r["type"] == "obligation"
                 and r["status"] == "escalated" and r["id"] in theirs}
    assert escalated == {i for i in theirs if any(
        r["type"] == "obligation" and r["status"] == "paged" and r["id"] == i
        for r in absent_log)}
    done_by = {r["member"] for r in absent_log if r["type"] == "obligation"
               and r["status"] == "done" and r["id"] in theirs}
    assert done_by and "Ana" not in done_by


def test_a_persons_forbidden_action_is_a_violation_and_the_crowd_hears_it() -> None:
    live, out = live_drill({"community_manager": "Bo"}, seed=1)
    live.advance(150)
    target = next(e for e in reversed(live.feed(50)) if e["kind"] in ("mention", "reply")
                  and not e.get("violates_policy"))
    before = live.world.crisis._actions[:]
    live.act("Bo", PersonAction("delete_comment", event=target["id"]))
    live.act("Bo", PersonAction("argue", event=target["id"], text="You are wrong."))
    assert [a for _t, a in live.world.crisis._actions[len(before):]] == [
        "delete_comment", "argue"]
    live.finish()
    records = records_of(out.getvalue())
    violations = [r for r in records if r["type"] == "violation" and r["member"] == "Bo"]
    assert {v["action"] for v in violations} == {"delete_comment", "argue"}
    actions = [r for r in records if r["type"] == "action" and r["member"] == "Bo"]
    assert [a["obligation"] for a in actions] == [None, None]
    assert actions[0]["role"] == "community_manager"
    assert actions[0]["channels"] == [target["platform"]]


def test_an_action_fulfils_the_oldest_open_obligation_of_that_action() -> None:
    live, _out = live_drill({"comms_lead": "Ana"}, seed=1)
    t = 0.0
    while len([i for i in live.inbox("Ana") if i.ob.spec.action == "notify"]) < 2:
        t += 1
        live.advance(t)
    first, second = [i.ob for i in live.inbox("Ana") if i.ob.spec.action == "notify"][:2]
    assert live.act("Ana", PersonAction("notify")) is first
    assert first.done == pytest.approx(live.now, abs=1e-3) and second.done is None
    assert live.act("Ana", PersonAction("notify")) is second
    assert live.act("Ana", PersonAction("notify")) is None  # nobody asked for a third
    live.finish()


def test_publishing_before_approval_is_logged_as_published_without() -> None:
    live, out = live_drill({"comms_lead": "Ana"}, seed=1, hours=8)
    t = 0.0
    statement = None
    while statement is None and not live.over:
        t += 0.5
        live.advance(t)
        statement = next((i.ob for i in live.inbox("Ana")
                          if i.ob.spec.action == "holding_statement"), None)
    assert statement is not None and statement.spec.approve == ("legal",)
    live.ack("Ana", statement.id)
    live.act("Ana", PersonAction("holding_statement", statement.id, channels=("x",),
                                 text="We are looking into it. Next update 21:00."))
    live.advance(live.now + 120)  # legal's answer arrives after: not logged as approved
    live.finish()
    records = [r for r in records_of(out.getvalue()) if r.get("id") == statement.id]
    statuses = [r["status"] for r in records if r["type"] == "obligation"]
    assert "approval_missing" in statuses and "approved" not in statuses
    action = next(r for r in records_of(out.getvalue()) if r["type"] == "action"
                  and r.get("obligation") == statement.id)
    assert action["approved"] is False and action["channels"] == ["x"]


def test_a_person_playing_legal_is_asked_and_their_approval_counts() -> None:
    live, out = live_drill({"legal": "Lee"}, seed=1, hours=10)
    approved = None
    t = 0.0
    while approved is None and not live.over:
        t += 0.5
        live.advance(t)
        waiting = [i for i in live.inbox("Lee") if i.kind == "approval"]
        if waiting:
            approved = live.approve("Lee").id
    assert approved is not None
    with pytest.raises(PersonError, match="nobody is waiting"):
        live.approve("Lee")
    live.advance(live.end)
    live.finish()
    records = records_of(out.getvalue())
    mine = [r for r in records if r.get("id") == approved and r["type"] == "obligation"]
    assert any(r["status"] == "approval_requested" and r["member"] == "Lee" for r in mine)
    assert any(r["status"] == "approved" and r.get("human") for r in mine)
    action = next(r for r in records if r["type"] == "action"
                  and r.get("obligation") == approved)
    assert action["approved"] is True


@pytest.mark.parametrize(("call", "message"), [
    (lambda live: live.ack("Zed"), "'Zed' plays no role"),
    (lambda live: live.ack("Ana", "o999"), "no obligation 'o999'"),
    (lambda live: live.act("Ana", PersonAction("argu")), "unknown action 'argu'.*argue"),
    (lambda live: live.act("Ana", PersonAction("reply")), "add 'on EVENT'"),
    (lambda live: live.act("Ana", PersonAction("reply", event="e99999")), "no event 'e99999'"),
    (lambda live: live.act("Ana", PersonAction("update", channels=("twiter",))),
     "unknown channel 'twiter'"),
    (lambda live: live.act("Ana", PersonAction("update", text="x" * 6000)), "at most 5,000"),
    (lambda live: live.approve("Ana"), "nobody is waiting for your approval"),
])
def test_a_refused_input_says_what_is_wrong_and_logs_nothing(call, message: str) -> None:
    live, out = live_drill({"comms_lead": "Ana"}, seed=1)
    live.advance(30)
    before = out.getvalue()
    with pytest.raises(PersonError, match=message):
        call(live)
    assert out.getvalue() == before
    live.finish()


class FakeWall:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_the_clock_runs_at_its_speed_and_stops_when_paused() -> None:
    wall = FakeWall()
    clock = DrillClock(60, wall)
    wall.t += 30
    assert clock.now() == pytest.approx(30.0)  # 30 s at 60x: 30 simulated minutes
    clock.pause()
    wall.t += 600
    assert clock.now() == pytest.approx(30.0)
    clock.resume()
    wall.t += 60
    assert clock.now() == pytest.approx(90.0)
    clock.set_speed(1)
    wall.t += 120
    assert clock.now() == pytest.approx(92.0)
    clock.skip(10)
    assert clock.now() == pytest.approx(102.0)
    clock.set_speed(0)
    wall.t += 1000
    assert clock.now() == pytest.approx(102.0)
    with pytest.raises(ValueError, match="speed"):
        clock.set_speed(-1)


def test_a_pause_shifts_and_loses_nothing_that_was_due() -> None:
    """Two sessions at 60x, one paused for ten wall minutes across deadlines: the same log."""
    logs = []
    for pause in (False, True):
        wall = FakeWall()
        live, out = live_drill({"comms_lead": "Ana"}, seed=1, hours=5)
        console = Console(LiveSession(live, speed=60, wall=wall), "Ana")
        for step in range(600):
            wall.t += 0.5
            console.tick()
            if pause and step == 250:
                console.execute("pause")
                for _ in range(1200):
                    wall.t += 0.5
                    console.tick()
                console.execute("resume")
            if step == 300:
                console.execute("ack")
        live.finish()
        logs.append(out.getvalue())
    assert logs[0] == logs[1]
    records = records_of(logs[1])
    assert any(r["type"] == "obligation" and r["status"] == "overdue" for r in records)
