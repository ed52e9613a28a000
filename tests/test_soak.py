"""Hundreds of drills of every shape in one process: no crash, no leaked engine session.

Short quiet drills used to kill the process in durable-rules' ``delete_state`` (a session in
which no rule ever matched); this soak covers lengths from 6 minutes to a whole day.
"""

from __future__ import annotations

import math
import random

from drills.engine.durable_engine import engine_for
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import builtin_names, resolve
from drills.log.records import NullSink
from drills.rulebook.load import load_rulebook
from drills.sim.world import DrillConfig, World
from drills.team.load import load_team

DRILLS = 600


def test_soak_600_drills_random_scenarios_seeds_and_lengths() -> None:
    scenarios = {n: load_scenario(resolve("scenario", n)) for n in builtin_names("scenario")}
    rulebooks = {n: load_rulebook(resolve("rulebook", n)) for n in builtin_names("rulebook")}
    teams = {n: load_team(resolve("team", n)) for n in builtin_names("team")}
    rng = random.Random(20261124)
    # Other tests may hold live drills open in this process: count only what these leave.
    open_before = {n: engine_for(r).live_sessions for n, r in rulebooks.items()}
    quiet = fired = 0
    for _ in range(DRILLS):
        # Log-uniform length: as many 6-30 minute drills as day-long ones.
        minutes = math.exp(rng.uniform(math.log(6), math.log(24 * 60)))
        rulebook = rulebooks[rng.choice(sorted(rulebooks))]
        config = DrillConfig(scenarios[rng.choice(sorted(scenarios))], rulebook,
                             teams[rng.choice(sorted(teams))], rng.randrange(1_000_000),
                             rng.randrange(7 * 1440), "none", duration=minutes)
        world = World(config, NullSink())
        summary = world.run()
        assert summary.events >= 0 and world.env.now <= minutes + 1e-6
        fired += bool(summary.obligations)
        quiet += not summary.obligations and summary.severity == 0
    # Both kinds of drill were covered: quiet ones (nothing matched) and busy ones.
    assert quiet >= 50 and fired >= 200, (quiet, fired)
    for name, rulebook in rulebooks.items():
        assert engine_for(rulebook).live_sessions == open_before[name]
