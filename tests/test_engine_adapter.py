"""The durable-rules adapter, hammered: sharp edges hidden, throttles kept, memory bounded."""

from __future__ import annotations

import gc
import threading
from typing import Any

import psutil
import pytest

from drills.engine.durable_engine import (
    MAX_LIVE_SESSIONS,
    SENTINEL_RULE,
    RulebookEngine,
    engine_for,
)
from drills.errors import EngineError
from tests.conftest import minimal_rulebook

TWO_RULES_ONE_EVENT = """\
  - id: press
    when: event.kind == "press_inquiry"
  - id: big
    when: event.reach >= 1000
  - id: hot
    when: signal.mentions_1h >= 40
    once: per_episode
  - id: window
    when: event.kind == "mention"
    once_within: 30m
  - id: first
    when: event.kind == "reply"
    once: per_drill
"""


@pytest.fixture(scope="module")
def engine() -> RulebookEngine:
    return engine_for(minimal_rulebook(TWO_RULES_ONE_EVENT))


def test_no_background_threads_are_started() -> None:
    before = threading.active_count()
    book = minimal_rulebook("  - id: lonely\n    when: event.kind == 'reply'\n")
    RulebookEngine(book)
    assert threading.active_count() == before


def test_every_matching_rule_fires_on_one_event(engine: RulebookEngine) -> None:
    with engine.session() as s:
        fired = s.on_event({"id": "e1", "kind": "press_inquiry", "reach": 5000}, {}, {}, 1.0)
    assert sorted(f.rule_id for f in fired) == ["big", "press"]
    assert all(f.event_id == "e1" and f.t == 1.0 for f in fired)


def test_an_unmatched_event_is_not_an_error(engine: RulebookEngine) -> None:
    with engine.session() as s:
        assert s.on_event({"id": "e1", "kind": "internal_report", "reach": 1}, {}, {}, 1) == []
        assert s.on_event({"id": "e2"}, None, None, 2) == []


def test_state_rules_fire_on_the_rising_edge_and_once_per_episode(
        engine: RulebookEngine) -> None:
    with engine.session() as s:
        hot, cold = {"mentions_1h": 50}, {"mentions_1h": 5}
        assert [f.rule_id for f in s.on_state(hot, {}, 5).firings] == ["hot"]
        assert s.on_state(hot, {}, 10).firings == []  # still true: no new edge
        assert s.on_state(cold, {}, 15).firings == []
        assert s.on_state(hot, {}, 20).firings == []  # new edge, same episode: throttled
        s.new_episode()
        s.on_state(cold, {}, 25)
        assert [f.rule_id for f in s.on_state(hot, {}, 30).firings] == ["hot"]


def test_once_within_and_once_per_drill(engine: RulebookEngine) -> None:
    with engine.session() as s:
        times = [0, 10, 29.9, 30, 45, 61]
        fired = [t for t in times if s.on_event({"id": f"m{t}", "kind": "mention"}, {}, {}, t)]
        assert fired == [0, 30, 61]
        replies = [t for t in (1, 2, 3) if s.on_event({"id": f"r{t}", "kind": "reply"},
                                                      {}, {}, t)]
        s.new_episode()
        replies += [t for t in (4,) if s.on_event({"id": "r4", "kind": "reply"}, {}, {}, 4)]
        assert replies == [1]


def test_drills_are_independent_sessions(engine: RulebookEngine) -> None:
    with engine.session() as a, engine.session() as b:
        assert a.on_state({"mentions_1h": 50}, {}, 1).firings
        # b has its own edge and throttle state
        assert [f.rule_id for f in b.on_state({"mentions_1h": 50}, {}, 1).firings] == ["hot"]


def test_events_of_kinds_no_rule_names_are_not_posted() -> None:
    book = minimal_rulebook("  - id: press\n    when: event.kind == 'press_inquiry'\n")
    engine = RulebookEngine(book)
    posted: list[Any] = []
    original = engine.fire

    def counting(sid: str, msg_id: int, message: dict[str, Any]) -> list[str]:
        posted.append(message)
        return original(sid, msg_id, message)

    engine.fire = counting  # type: ignore[method-assign]
    with engine.session() as s:
        s.on_event({"id": "1", "kind": "mention"}, {}, {}, 1)
        s.on_event({"id": "2", "kind": "press_inquiry"}, {}, {}, 2)
    assert engine.guard_kinds == frozenset({"press_inquiry"})
    assert [m["event__kind"] for m in posted] == ["press_inquiry"]


def test_messages_carry_only_the_fields_rules_name(engine: RulebookEngine) -> None:
    message = engine.message("event", {"event": {"kind": "reply", "text": "x" * 1000,
                                                 "reach": 3}, "signal": {}, "drill": {}})
    assert message == {"msg": "event", "event__kind": "reply", "event__reach": 3}


def test_an_exception_inside_an_action_is_not_swallowed() -> None:
    class Failing(RulebookEngine):
        def _action_for(self, name: str) -> Any:
            if name == SENTINEL_RULE:  # closing must still work
                return super()._action_for(name)

            def boom(_closure: Any) -> None:
                raise RuntimeError("boom")
            return boom

    engine = Failing(minimal_rulebook("  - id: r\n    when: event.kind == 'reply'\n"))
    with engine.session() as s:
        assert s.on_event({"id": "0", "kind": "mention"}, {}, {}, 0) == []  # no action ran
        with pytest.raises(EngineError, match="boom"):
            s.on_event({"id": "1", "kind": "reply"}, {}, {}, 1)
    assert engine.live_sessions == 0


def test_the_live_session_limit_is_a_clear_error_and_closing_frees_it() -> None:
    engine = RulebookEngine(minimal_rulebook("  - id: r\n    when: event.kind == 'reply'\n"))
    sessions = [engine.session().__enter__() for _ in range(MAX_LIVE_SESSIONS)]
    with pytest.raises(EngineError, match="1024 drills open"):
        engine.session().__enter__()
    for s in sessions:
        s.close()
    with engine.session() as s:
        assert s.on_event({"id": "1", "kind": "reply"}, {}, {}, 1)


def test_a_closed_session_refuses_work(engine: RulebookEngine) -> None:
    with engine.session() as s:
        pass
    with pytest.raises(EngineError, match="closed"):
        s.on_event({"id": "1", "kind": "reply"}, {}, {}, 1)


def test_forbid_with_unless_is_excused_only_when_the_exception_holds() -> None:
    forbid = ("forbid:\n"
              "  - {action: delete_comment, unless: event.violates_policy, reason: do not}\n"
              "  - {id: no-arguing, action: argue, reason: never}\n")
    book = minimal_rulebook("  - id: r\n    when: event.kind == 'reply'\n", forbid)
    engine = engine_for(book)
    with engine.session() as s:
        ok = s.on_action("delete_comment", {"violates_policy": True}, {}, {}, 1)
        bad = s.on_action("delete_comment", {"violates_policy": False}, {}, {}, 2)
        unknown = s.on_action("delete_comment", None, {}, {}, 3)
        argue = s.on_action("argue", None, {}, {}, 4)
        fine = s.on_action("reply", None, {}, {}, 5)
    assert ok == [] and fine == []
    assert [v.forbid_id for v in bad] == ["delete_comment"]
    assert [v.forbid_id for v in unknown] == ["delete_comment"]
    assert [v.forbid_id for v in argue] == ["no-arguing"]


def test_equal_rulebooks_share_one_engine() -> None:
    text = "  - id: same\n    when: event.kind == 'reply'\n"
    assert engine_for(minimal_rulebook(text)) is engine_for(minimal_rulebook(text))


def test_soak_5000_drills_in_one_process_memory_bounded() -> None:
    """Each drill its own session, unmatched events mixed in; RSS must stay flat."""
    book = minimal_rulebook(TWO_RULES_ONE_EVENT)
    engine = engine_for(book)
    process = psutil.Process()

    def drills(n: int, offset: int) -> int:
        fired = 0
        for d in range(n):
            with engine.session() as s:
                for i in range(6):
                    kind = ("mention", "internal_report", "press_inquiry")[i % 3]
                    fired += len(s.on_event({"id": f"{d}-{i}", "kind": kind, "reach": i * 400},
                                            {"mentions_1h": i * 10}, {}, float(i)))
                    fired += len(s.on_state({"mentions_1h": i * 10}, {}, float(i)).firings)
        return fired

    drills(500, 0)  # warm up allocator and caches
    gc.collect()
    before = process.memory_info().rss
    fired = drills(5000, 500)
    gc.collect()
    growth_mb = (process.memory_info().rss - before) / 2**20
    assert fired == 5000 * 7  # press x2, big x3 (reach>=1000: i=3,4,5), hot x1, window x1
    assert engine.live_sessions == 0
    assert growth_mb < 15, f"RSS grew {growth_mb:.1f} MB over 5,000 drills"


_UNMATCHED_THEN_CLOSE = """
from tests.conftest import minimal_rulebook
from drills.engine.durable_engine import engine_for
engine = engine_for(minimal_rulebook("  - id: hot\\n    when: signal.velocity >= 3\\n"))
for _ in range(50):
    with engine.session() as s:
        s.on_state({"velocity": 0}, {}, 5.0)   # posted, matched nothing
    with engine.session() as s:
        pass                                   # nothing posted at all
print("closed", engine.live_sessions)
"""


def test_closing_a_session_in_which_nothing_matched_does_not_crash(root: Any) -> None:
    """durable's delete_state segfaulted for such a session (every short, quiet drill)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _UNMATCHED_THEN_CLOSE], cwd=root,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert done.stdout.strip() == "closed 0"


def test_a_session_whose_closing_sentinel_does_not_match_keeps_its_state() -> None:
    """If the engine ever failed to match the sentinel, deleting could crash: refuse."""
    engine = RulebookEngine(minimal_rulebook("  - id: r\n    when: event.kind == 'reply'\n"))
    engine._action_for = lambda name: (lambda _c: None)  # type: ignore[method-assign]
    broken = RulebookEngine.__new__(RulebookEngine)
    broken.__dict__.update(engine.__dict__)
    broken._fired = []  # the registered actions append elsewhere: nothing is seen here
    session = broken.session()
    with pytest.raises(EngineError, match="closing sentinel"):
        session.close()
