"""The drill end to end: determinism, re-scoring, hand-computed scores, sanity over seeds,
and every user mistake as a one-line error."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.api import run_drill
from drills.cli.main import cli
from drills.drive.batch import simulate
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import resolve
from drills.rulebook.load import load_rulebook
from drills.score.score import score_log
from drills.team.clock import parse_start
from drills.team.load import check_team_text, load_team
from drills.team.model import Habits, Member, ResponseTime, Team
from tests.conftest import minimal_rulebook

LOGS = Path(__file__).parent / "data" / "logs"
KETTLE = load_scenario(resolve("scenario", "overheating-kettle"))
DEFAULT = load_rulebook(resolve("rulebook", "default"))
STANDARD = load_team(resolve("team", "standard"))


def _drill(team: Team, seed: int, *, rulebook=DEFAULT, start: str = "tue 10:00",
           hours: float = 10, scenario=KETTLE) -> dict:
    records, _summary = simulate(scenario, rulebook, team, seed=seed, start=parse_start(start),
                                 hours=hours, log_feed="none")
    return score_log(records, rulebook)


# -- determinism and re-scoring -----------------------------------------------------------------

def _run_process(tmp_path: Path, name: str, hashseed: str) -> tuple[bytes, bytes]:
    log = tmp_path / f"{name}.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    result = subprocess.run([sys.executable, "-m", "drills.cli.main", "run", "--seed", "11",
                             "--start", "fri 17:30", "--hours", "12", "--log", str(log),
                             "--json"], capture_output=True, env=env, timeout=300, check=True)
    return log.read_bytes(), result.stdout


def test_same_inputs_same_log_and_score_across_processes(tmp_path: Path) -> None:
    log_a, score_a = _run_process(tmp_path, "a", "1")
    log_b, score_b = _run_process(tmp_path, "b", "31337")
    assert log_a == log_b
    assert score_a == score_b
    assert log_a.count(b"\n") > 500
    assert json.loads(score_a)["drill"]["seed"] == 11


def test_drill_score_gives_exactly_the_score_the_run_printed(tmp_path: Path) -> None:
    log = tmp_path / "drill.jsonl"
    runner = CliRunner()
    ran = runner.invoke(cli, ["run", "--seed", "5", "--hours", "12", "--start", "wed 20:00",
                              "--team", "understaffed", "--log", str(log), "--json"])
    assert ran.exit_code == 0, ran.output
    scored = runner.invoke(cli, ["score", str(log), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout) == json.loads(ran.stdout)
    table = runner.invoke(cli, ["score", str(log)])
    assert "What to improve" in table.output


def test_the_log_feed_mode_changes_the_log_not_the_score() -> None:
    full, _ = simulate(KETTLE, DEFAULT, STANDARD, seed=3, start=parse_start("mon 09:00"),
                       hours=8, log_feed="full")
    none, _ = simulate(KETTLE, DEFAULT, STANDARD, seed=3, start=parse_start("mon 09:00"),
                       hours=8, log_feed="none")
    sample, _ = simulate(KETTLE, DEFAULT, STANDARD, seed=3, start=parse_start("mon 09:00"),
                         hours=8, log_feed="sample")
    events = [sum(r["type"] == "event" for r in log) for log in (full, sample, none)]
    assert events[0] > events[1] > events[2] == 0
    # Only log line numbers (and the header's log_feed) may differ between the three.
    def comparable(doc: object) -> object:
        if isinstance(doc, dict):
            return {k: comparable(v) for k, v in doc.items() if k not in ("line", "log_feed")}
        if isinstance(doc, list):
            return [comparable(v) for v in doc]
        return doc

    scores = [comparable(score_log(log, DEFAULT)) for log in (full, sample, none)]
    assert scores[0] == scores[1] == scores[2]
    assert full[-1]["events"] == events[0]


# -- hand-written logs, hand-computed scores ----------------------------------------------------

def test_hand_written_tabletop_log_scores_as_computed_by_hand() -> None:
    result = CliRunner().invoke(cli, ["score", str(LOGS / "tabletop.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    # Timeliness: o1 met (1), o2 late (0.5), o3 met (1) -> 2.5 / 3 = 83.3
    # Adherence items: o1 done 1; o2 done 1; o3 done 1, legal approved 1 -> 4 / 4 = 100
    # Conduct: no violations, only 'instruct' used; the statement missed 1 of its 2 channels
    #   -> 100 - 10 * 0.5 = 95
    # Overall: 0.4 * 83.33 + 0.4 * 100 + 0.2 * 95 = 92.33
    assert doc["subscores"] == {"timeliness": 83.3, "adherence": 100.0, "conduct": 95.0}
    assert doc["score"] == 92.3
    assert doc["rating"] == "P"
    assert doc["channel_gaps"] == [{"id": "o3", "action": "holding_statement", "t": 40.0,
                                    "missing": ["facebook"]}]
    statuses = {o["id"]: (o["status"], o["latency"]) for o in doc["obligations"]}
    assert statuses == {"o1": ("met", 20.0), "o2": ("late", 45.0), "o3": ("met", 30.0)}
    assert doc["obligations"][2]["channels_missing"] == ["facebook"]
    texts = [i["text"] for i in doc["improvements"]]
    # Ranked by consequence: a public statement that missed a channel (tier 1.5 x half its
    # channels = 0.75) before an internal notification 15 minutes late (1 x 0.34).
    assert texts[0].startswith("The holding statement at tue 10:40 did not reach facebook")
    assert texts[1].startswith("Telling comms_lead (rule press-inquiry) came 15 min late")


def test_hand_written_misconduct_log() -> None:
    doc = json.loads(CliRunner().invoke(cli, ["score", str(LOGS / "misconduct.jsonl"),
                                              "--json"]).output)
    # Timeliness: o1 missed -> 0. Adherence: o1 not done -> 0.
    # Conduct: 2 violations (-30), misfits for accidental: apology (rebuild) and deny
    #   (-10 each), deny mixed with rebuild (-20) -> 100 - 30 - 20 - 20 = 30
    # Overall: 0.2 * 30 = 6.0
    assert doc["subscores"] == {"timeliness": 0.0, "adherence": 0.0, "conduct": 30.0}
    assert doc["score"] == 6.0 and doc["rating"] == "U"
    assert doc["strategy"]["misfits"] == ["apology", "deny"]
    assert doc["strategy"]["mixed_deny"] is True
    assert [v["rule"] for v in doc["violations"]] == ["no-deleting-criticism",
                                                      "deny-only-when-victim"]
    texts = [i["text"] for i in doc["improvements"]]
    assert len(texts) == 3
    assert any("Deleting criticism fuels the backlash" in t for t in texts)


def test_silence_gaps_while_in_crisis(tmp_path: Path) -> None:
    log = tmp_path / "silence.jsonl"
    header = (LOGS / "tabletop.jsonl").read_text().splitlines()[0]
    log.write_text("\n".join([
        header,
        '{"type":"severity","t":10,"level":3,"name":"crisis","previous":2}',
        '{"type":"action","t":50,"id":"a1","member":"Bo","action":"holding_statement"}',
        '{"type":"action","t":400,"id":"a2","member":"Bo","action":"update"}',
        '{"type":"severity","t":500,"level":1,"name":"watch","previous":3}',
        '{"type":"end","t":900,"events":0,"negative_reach":0,"peak_mentions_1h":0}',
    ]) + "\n")
    doc = json.loads(CliRunner().invoke(cli, ["score", str(log), "--json"]).output)
    # Longest allowed silence is the default rulebook's update interval, 2 h: 50 -> 400 is
    # 350 minutes without a statement; 400 -> 500 is 100 (fine); after 500 not in crisis.
    assert doc["updates"]["silence_gaps"] == [{"from": 50.0, "to": 400.0, "minutes": 350.0}]


def test_fail_under_exits_1() -> None:
    runner = CliRunner()
    failed = runner.invoke(cli, ["score", str(LOGS / "misconduct.jsonl"), "--fail-under", "50"])
    assert failed.exit_code == 1
    assert "score 6.0 is below --fail-under 50" in failed.output
    passed = runner.invoke(cli, ["score", str(LOGS / "tabletop.jsonl"), "--fail-under", "50"])
    assert passed.exit_code == 0


# -- sanity that must hold over many seeds -------------------------------------------------------

def _scaled(team: Team, factor: float) -> Team:
    def scale(r: ResponseTime | None) -> ResponseTime | None:
        return None if r is None else ResponseTime(r.median * factor, r.p90 * factor)

    members = tuple(replace(m, response=scale(m.response), on_call_response=scale(
        m.on_call_response)) for m in team.members)
    return replace(team, members=members)


SEEDS = range(8)


def test_a_faster_team_has_better_timeliness() -> None:
    fast = _scaled(STANDARD, 0.3)
    slow = _scaled(STANDARD, 2.0)
    fast_t = statistics.fmean(_drill(fast, s)["subscores"]["timeliness"] for s in SEEDS)
    slow_t = statistics.fmean(_drill(slow, s)["subscores"]["timeliness"] for s in SEEDS)
    assert fast_t > slow_t + 10


def test_a_team_without_legal_on_call_misses_approvals() -> None:
    def approvals(team: Team) -> list[str]:
        states = []
        for seed in SEEDS:
            doc = _drill(team, seed, start="fri 19:00")
            states += [s for o in doc["obligations"] for s in o["approvals"].values()]
        return states

    no_skip = replace(STANDARD, habits=replace(STANDARD.habits, skip_approval=0.0))
    office_hours = approvals(no_skip)
    legal_on_call = replace(no_skip, members=tuple(
        replace(m, on_call=m.shift.__class__(((0, 7 * 1440),), "always"))
        if "legal" in m.roles else m for m in no_skip.members))
    always = approvals(legal_on_call)
    assert office_hours and always
    assert office_hours.count("missing") > 0
    assert always.count("missing") < office_hours.count("missing")
    assert always.count("approved") > office_hours.count("approved")


def test_a_team_that_deletes_comments_gets_violations_and_a_larger_crisis() -> None:
    careful = replace(STANDARD, habits=Habits(engage=0.6))
    deleter = replace(STANDARD, habits=Habits(engage=0.6, delete_comment=1.0))
    careful_docs = [_drill(careful, s, hours=16) for s in SEEDS]
    deleter_docs = [_drill(deleter, s, hours=16) for s in SEEDS]
    assert all(not d["violations"] for d in careful_docs)
    assert all(any(v["action"] == "delete_comment" for v in d["violations"])
               for d in deleter_docs)
    assert statistics.fmean(d["subscores"]["conduct"] for d in deleter_docs) < 60
    bigger = statistics.fmean(d["outcome"]["events"] for d in deleter_docs)
    smaller = statistics.fmean(d["outcome"]["events"] for d in careful_docs)
    assert bigger > 1.1 * smaller


def test_a_rulebook_with_no_rules_yields_no_obligations() -> None:
    book = minimal_rulebook("  []")
    assert not book.rules
    records, summary = simulate(KETTLE, book, Team("solo", (Member("Ann", ("a",)),)), seed=1,
                                start=0.0, hours=6, log_feed="none")
    assert summary.obligations == 0
    assert not [r for r in records if r["type"] in ("obligation", "firing")]
    doc = score_log(records, book)
    assert doc["obligations"] == [] and doc["subscores"]["timeliness"] == 100.0


def test_a_team_lacking_a_role_misses_its_obligations_with_the_reason() -> None:
    no_spokes = replace(STANDARD, members=tuple(
        m for m in STANDARD.members
        if not {"spokesperson", "head_of_communications", "executive_on_call"} & set(m.roles)))
    doc = _drill(no_spokes, 2, hours=12)
    routes = [o for o in doc["obligations"] if o["action"] == "route"]
    assert routes and all(o["status"] == "missed" for o in routes)
    assert routes[0]["reason"] == ("no team member holds role spokesperson or its backups "
                                   "(head_of_communications, executive_on_call)")
    assert any("Nobody did routing to spokesperson" in i["text"]
               for i in doc["improvements"])


def test_escalation_goes_to_the_backup_when_nobody_acknowledges() -> None:
    records, _ = simulate(KETTLE, DEFAULT, STANDARD, seed=7, start=parse_start("fri 17:30"),
                          hours=8, log_feed="none")
    escalations = [r for r in records if r["type"] == "obligation" and r["status"] ==
                   "escalated"]
    assert escalations
    acks = {r["id"]: r for r in records if r["type"] == "obligation" and
            r["status"] == "acknowledged"}
    escalated_ids = {r["id"] for r in escalations}
    assert any(acks[i]["role"] != next(r["role"] for r in records if r.get("id") == i and
                                       r.get("status") == "created")
               for i in escalated_ids if i in acks)


def test_records_are_in_time_order_and_obligations_resolve() -> None:
    records, _ = simulate(KETTLE, DEFAULT, STANDARD, seed=4, start=parse_start("mon 09:00"),
                          log_feed="sample")
    times = [r["t"] for r in records]
    assert times == sorted(times)
    created = {r["id"] for r in records if r.get("status") == "created"}
    final = {r["id"] for r in records if r["type"] == "obligation" and
             r.get("status") in ("done", "missed", "open", "cancelled")}
    assert created == final


# -- user mistakes ---------------------------------------------------------------------------------

def test_bad_inputs_are_one_line_errors_with_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    broken = tmp_path / "broken.yaml"
    broken.write_text("team: x\nmembers: [\n")
    newer = tmp_path / "newer.jsonl"
    newer.write_text('{"type":"drill","t":0,"schema":99}\n{"type":"end","t":1}\n')
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text((LOGS / "tabletop.jsonl").read_text().rsplit("\n", 2)[0] + "\n")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"type":"drill","t":0,"schema":1}\nnot json\n')
    cases = [
        (["run", "--seed", "1", "--scenario", "missing.yaml"], "missing.yaml:1:1: no such file"),
        (["run", "--seed", "1", "--team", str(broken)], f"{broken}:3:1: YAML syntax error"),
        (["run", "--seed", "1", "--start", "someday 25:00"], "bad start 'someday 25:00'"),
        (["run", "--seed", "1", "--rulebook", "strikt"], "(did you mean 'strict'?)"),
        (["score", str(newer)], "log schema 99 is newer than this crisis-drills understands"),
        (["score", str(truncated)], "the log is incomplete"),
        (["score", str(garbage)], f"{garbage}:2:1: not a JSON record"),
        (["score", str(tmp_path / "none.jsonl")], "none.jsonl: no such file"),
        (["run", "--seed", "-3"], "-3 is not in the range x>=0"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_a_team_with_a_role_the_rulebook_lacks(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("team: odd\nmembers:\n  - {name: Ann, roles: [wizard]}\n")
    assert check_team_text(team.read_text()).value is not None  # valid on its own
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--team", str(team)])
    assert result.exit_code == 2
    assert "team 'odd' has roles rulebook 'default' lacks: wizard" in result.output


def test_without_seed_one_is_drawn_and_printed() -> None:
    result = CliRunner().invoke(cli, ["run", "--hours", "2"])
    assert result.exit_code == 0
    assert "(repeat this drill with --seed" in result.output


def test_a_crash_mid_run_leaves_the_old_log_untouched(tmp_path: Path, monkeypatch) -> None:
    log = tmp_path / "drill.jsonl"
    run_drill(seed=1, hours=2, log=str(log))
    before = log.read_bytes()

    from drills.sim import monitoring

    original = monitoring.Monitoring._tick
    calls = {"n": 0}

    def exploding(self: monitoring.Monitoring) -> None:
        calls["n"] += 1
        if calls["n"] > 5:
            raise RuntimeError("power cut")
        original(self)

    monkeypatch.setattr(monitoring.Monitoring, "_tick", exploding)
    with pytest.raises(RuntimeError, match="power cut"):
        run_drill(seed=2, hours=2, log=str(log))
    assert log.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drill.jsonl"]


@pytest.mark.parametrize("scenario", __import__("drills.inputs.builtins", fromlist=["x"])
                         .builtin_names("scenario"))
def test_every_builtin_scenario_runs_with_every_team_and_rulebook(scenario: str) -> None:
    from drills.inputs.builtins import builtin_names

    loaded = load_scenario(resolve("scenario", scenario))
    for team_name in builtin_names("team"):
        team = load_team(resolve("team", team_name))
        for rulebook_name in builtin_names("rulebook"):
            book = load_rulebook(resolve("rulebook", rulebook_name))
            records, summary = simulate(loaded, book, team, seed=1,
                                        start=parse_start("thu 16:00"), hours=6,
                                        log_feed="none")
            doc = score_log(records, book)
            assert records[-1]["type"] == "end" and summary.events > 0
            assert 0 <= doc["score"] <= 100 and doc["rating"] in "PSMU"


def test_a_drill_does_not_depend_on_what_ran_before_it_in_the_process() -> None:
    def log_of(seed: int, team: Team) -> list[dict]:
        return simulate(KETTLE, DEFAULT, team, seed=seed, start=parse_start("fri 17:30"),
                        hours=6, log_feed="full")[0]

    first = log_of(21, STANDARD)
    log_of(22, load_team(resolve("team", "understaffed")))  # something else in between
    assert log_of(21, STANDARD) == first


def test_a_start_is_written_the_swedish_way_too() -> None:
    """``fre 17.30`` is how a Swede writes a time; it is the same moment as ``fri 17:30``."""
    assert parse_start("fre 17.30") == parse_start("fri 17:30") == 4 * 1440 + 17 * 60 + 30
    assert parse_start("Tisdag 9.05") == parse_start("tue 09:05")
    for bad in ("fre 17,30", "fre 1730", "fre 24.00"):
        with pytest.raises(ValueError, match="bad start"):
            parse_start(bad)
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--start", "fre 17.30", "--hours",
                                      "1", "--json"])
    assert result.exit_code == 0, result.output
