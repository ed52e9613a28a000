"""The feed as users meet it: deterministic, in the scenario's language, streamed by the CLI,
and the signals monitoring computes from it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.feed.crisis import Crisis
from drills.feed.generator import FeedGenerator
from drills.feed.scenario_load import load_scenario
from drills.feed.signals import SignalMonitor
from drills.inputs.builtins import builtin_names, resolve

ROOT = Path(__file__).resolve().parent.parent


def _feed_bytes(seed: int, hashseed: str, scenario: str = "overheating-kettle") -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    result = subprocess.run([sys.executable, "-m", "drills.cli.main", "feed", "--scenario",
                             scenario, "--seed", str(seed), "--hours", "8"],
                            capture_output=True, env=env, check=True, timeout=300)
    return result.stdout


def test_same_seed_same_bytes_across_processes_and_hash_seeds() -> None:
    first = _feed_bytes(7, "1")
    second = _feed_bytes(7, "9876")
    assert first == second
    assert first.count(b"\n") > 100
    assert _feed_bytes(8, "1") != first


def test_swedish_scenario_is_deterministic_across_processes() -> None:
    assert _feed_bytes(3, "0", "sv-data-breach") == _feed_bytes(3, "42", "sv-data-breach")


def test_there_are_eight_builtin_scenarios_across_all_clusters() -> None:
    names = builtin_names("scenario")
    assert len(names) >= 8
    scenarios = [load_scenario(resolve("scenario", n)) for n in names]
    assert {s.cluster for s in scenarios} == {"victim", "accidental", "preventable"}
    assert sum(s.locale == "sv_SE" for s in scenarios) >= 2
    assert all(len(s.description) > 150 for s in scenarios)


SWEDISH_WORDS = {"och", "är", "att", "inte", "har", "på", "för", "det", "som", "med", "du"}
ENGLISH_WORDS = {"the", "and", "is", "to", "my", "this", "of", "you", "not", "what", "it"}


def _words(events: list[dict]) -> set[str]:
    return {w for e in events for w in re.findall(r"[a-zåäöéA-ZÅÄÖ]+", e["text"].lower())}


@pytest.mark.parametrize("name", builtin_names("scenario"))
def test_every_scenario_speaks_its_language(name: str) -> None:
    scenario = load_scenario(resolve("scenario", name))
    events = list(Crisis(scenario, 1))
    assert len(events) > 200
    assert all(e["lang"] == scenario.locale[:2] for e in events)
    assert all("{" not in e["text"] and e["text"] for e in events), "unfilled placeholder"
    words = _words(events)
    mine, other = (SWEDISH_WORDS, ENGLISH_WORDS) if scenario.locale == "sv_SE" else \
        (ENGLISH_WORDS, SWEDISH_WORDS)
    assert len(words & mine) >= 6, sorted(words & mine)
    assert len(words & other) <= 2, sorted(words & other)


def test_swedish_crowds_have_swedish_names_and_the_translation_switches_language() -> None:
    scenario = load_scenario(resolve("scenario", "overheating-kettle"))
    swedish = list(Crisis(scenario.localized("sv_SE"), 1))
    names = " ".join(e["author"]["name"] for e in swedish)
    assert re.search(r"[åäöÅÄÖ]", names)
    assert len(_words(swedish) & SWEDISH_WORDS) >= 6
    assert all(e["lang"] == "sv" for e in swedish)
    assert all(re.fullmatch(r"[a-z0-9_.]+", e["author"]["handle"]) for e in swedish)


def test_event_schema() -> None:
    events = list(Crisis(load_scenario(resolve("scenario", "overheating-kettle")), 2))
    required = {"id", "t", "kind", "platform", "author", "text", "sentiment", "arousal",
                "reach", "parent", "root", "lang"}
    ids = set()
    for e in events:
        assert required <= set(e)
        assert set(e["author"]) == {"handle", "name", "followers", "verified", "role"}
        assert -1 <= e["sentiment"] <= 1 and 0 <= e["arousal"] <= 1
        assert e["parent"] is None or e["parent"] in ids  # parents come first
        ids.add(e["id"])
    assert [e["t"] for e in events] == sorted(e["t"] for e in events)
    kinds = {e["kind"] for e in events}
    assert {"mention", "reply", "reshare", "press_inquiry", "misinformation",
            "influencer_post"} <= kinds
    press = [e for e in events if e["kind"] == "press_inquiry"]
    assert all(e["outlet"] and e["deadline"] > 0 and e["author"]["role"] == "journalist"
               for e in press)


def test_scripted_and_conditional_injects() -> None:
    scenario = load_scenario(resolve("scenario", "overheating-kettle"))
    events = list(Crisis(scenario, 1))
    silent = [e for e in events if e.get("inject")]
    scripted = [e["inject"] for e in silent if e["inject"] != "second-outlet"]
    assert scripted == ["first-video", "consumer-desk", "creator-piles-on", "explode-rumour"]
    assert [e["t"] for e in silent if e["inject"] in scripted] == [10, 180, 300, 360]
    # 2 h after the first press inquiry (scripted or not), to the minute: measured from the
    # event, not from the next monitoring tick.
    first_press = min(e["t"] for e in events if e["kind"] == "press_inquiry")
    second = [e for e in silent if e["inject"] == "second-outlet"]
    assert len(second) == 1
    assert second[0]["t"] == pytest.approx(first_press + 120, abs=1e-3)
    # A holding statement right after the first inquiry prevents the second outlet.
    crisis = Crisis(scenario, 1)
    for event in crisis.events_until(scenario.duration):
        if event["kind"] == "press_inquiry":
            crisis.record_action("holding_statement", event["t"])
            break
    assert not [e for e in crisis.events_until(scenario.duration)
                if e.get("inject") == "second-outlet"]


def _event(t: float, sentiment: float = -0.5, kind: str = "mention", followers: int = 10,
           reach: int = 100) -> dict:
    return {"id": f"e{t}", "t": t, "kind": kind, "sentiment": sentiment, "arousal": 0.5,
            "reach": reach, "author": {"followers": followers}}


def test_signal_windows_have_exact_edges() -> None:
    monitor = SignalMonitor()
    for t, sentiment in [(0.0, -0.5), (10.0, 0.5), (44.0, -0.05), (46.0, -0.04), (60.0, 0.0)]:
        monitor.observe(_event(t, sentiment))
    snap = monitor.snapshot(60.0)
    # 1 h window is (0, 60]: the event at t=0 is out.
    assert snap["mentions_1h"] == 4
    assert snap["negative_1h"] == 1  # -0.05 counts as negative, -0.04 does not
    assert snap["negative_share"] == 0.25
    # 15 min window is (45, 60]; previous is (30, 45].
    assert snap["mentions_15m"] == 2
    assert snap["velocity"] == 2.0
    later = monitor.snapshot(75.0)
    assert later["mentions_15m"] == 0 and later["mentions_1h"] == 3


def test_signal_counts_press_influencers_misinformation_and_skips_internal() -> None:
    monitor = SignalMonitor()
    monitor.observe(_event(1, kind="press_inquiry"))
    monitor.observe(_event(2, followers=150_000, reach=150_000))
    monitor.observe(_event(3, kind="misinformation"))
    internal = _event(4, kind="internal_report")
    internal["platform"] = "internal"
    letter = _event(4.5, kind="regulator_inquiry")
    letter["platform"] = "mail"
    monitor.observe(internal)
    monitor.observe(letter)  # a letter on a private channel: monitoring cannot see it
    snap = monitor.snapshot(5)
    assert snap["mentions_1h"] == 3
    assert snap["press_1h"] == 1 and snap["press_total"] == 1
    assert snap["influencers_1h"] == 1
    assert snap["misinformation_share"] == pytest.approx(1 / 3, abs=1e-3)
    assert snap["negative_reach_1h"] == 150_200
    assert monitor.snapshot(120)["press_total"] == 1  # cumulative


def test_signals_match_a_recount_from_the_feed() -> None:
    scenario = load_scenario(resolve("scenario", "viral-complaint"))
    crisis = Crisis(scenario, 5)
    events = list(crisis.events_until(240))
    snap = crisis.signals(240)
    window = [e for e in events if 180 < e["t"] <= 240 and e["kind"] != "internal_report"]
    assert snap["mentions_1h"] == len(window)
    assert snap["negative_1h"] == sum(e["sentiment"] <= -0.05 for e in window)
    assert snap["reach_1h"] == sum(e["reach"] for e in window)


def test_feed_cli_jsonl_and_table() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["feed", "--seed", "4", "--hours", "3"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    events = [json.loads(line) for line in lines]
    assert events and max(e["t"] for e in events) <= 180
    table = runner.invoke(cli, ["feed", "--seed", "4", "--hours", "3", "--format", "table"])
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split()[:3] == ["time", "kind", "platform"]
    assert len(table.output.splitlines()) == len(lines) + 2


def test_feed_cli_user_errors_exit_2() -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["feed", "--seed", "1", "--scenario", "nope.yaml"])
    assert missing.exit_code == 2 and "nope.yaml:1:1: no such file" in missing.output
    unknown = runner.invoke(cli, ["feed", "--seed", "1", "--scenario", "kettle"])
    assert unknown.exit_code == 2 and "unknown scenario 'kettle'" in unknown.output
    locale = runner.invoke(cli, ["feed", "--seed", "1", "--locale", "de_DE"])
    assert locale.exit_code == 2
    assert "has no de_DE texts; available locales: en_US, sv_SE" in locale.output
    no_seed = runner.invoke(cli, ["feed"])
    assert no_seed.exit_code == 2 and "--seed" in no_seed.output
    hours = runner.invoke(cli, ["feed", "--seed", "1", "--hours", "-2"])
    assert hours.exit_code == 2
    assert all("Traceback" not in r.output for r in (missing, unknown, locale, hours))


def test_scenario_show() -> None:
    result = CliRunner().invoke(cli, ["scenario", "show", "sv-data-breach"])
    assert result.exit_code == 0
    assert "Kunddata läcker" in result.output
    assert "3h after first press_inquiry unless holding_statement, statement" in result.output
    assert "Phases" in result.output and "Platform mix" in result.output


def test_feed_streams_in_constant_memory() -> None:
    """A long feed is produced lazily: the generator holds pending reactions, not events."""
    scenario = load_scenario(resolve("scenario", "overheating-kettle"))
    gen = FeedGenerator(scenario, 1, rate_scale=20)
    seen = 0
    for _ in gen:
        seen += 1
    assert seen > 20_000
    assert len(gen._heap) < seen / 10


@pytest.mark.parametrize("name", builtin_names("scenario"))
def test_the_fast_event_encoder_writes_exactly_what_json_would(name: str) -> None:
    from drills.feed.render import EventEncoder, event_json

    encode = EventEncoder()
    in_log = EventEncoder('{"type":"event",')
    events = list(Crisis(load_scenario(resolve("scenario", name)), 3, duration=600))
    assert any(len(e) > 12 for e in events)  # events with extra keys are covered too
    for event in events:
        assert encode(event) == event_json(event)
        assert in_log(event) == event_json({"type": "event", **event})
    odd = {"kind": "mention", "id": 'x"y', "t": 1.0}  # not the standard shape: generic path
    assert encode(odd) == event_json(odd)
