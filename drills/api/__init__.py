"""What the CLI does, as library calls with the same names: load inputs, run, score.

The library behind every command, with the CLI's names; one module per family.
"""

from __future__ import annotations

from drills.api.drills import (
    NO_SHOW,
    DrillResult,
    check_drill,
    load_inputs,
    parse_humans,
    people_config,
    run_drill,
)
from drills.api.exercise import exercise_script, import_msel
from drills.api.logs import (
    RenderedReport,
    drill_history,
    person_history,
    report_drill,
    report_from_lines,
    report_stored,
    rulebook_for_log,
    score_drill,
    stored_log,
    stored_score,
)
from drills.api.practice import (
    Attempt,
    add_baselines,
    attempt_of,
    baseline_log,
    compare_attempts,
    no_show_baseline,
)
from drills.api.replay import (
    ReplayResult,
    extract_actions,
    recorded_options,
    replay_drill,
    replay_inputs,
)
from drills.api.validation import compare_rulebooks, coverage_rulebook, sweep_team, test_rulebook

__all__ = [
    "NO_SHOW",
    "Attempt",
    "DrillResult",
    "RenderedReport",
    "ReplayResult",
    "add_baselines",
    "attempt_of",
    "baseline_log",
    "check_drill",
    "compare_attempts",
    "compare_rulebooks",
    "coverage_rulebook",
    "drill_history",
    "exercise_script",
    "extract_actions",
    "import_msel",
    "load_inputs",
    "no_show_baseline",
    "parse_humans",
    "people_config",
    "person_history",
    "recorded_options",
    "replay_drill",
    "replay_inputs",
    "report_drill",
    "report_from_lines",
    "report_stored",
    "rulebook_for_log",
    "run_drill",
    "score_drill",
    "stored_log",
    "stored_score",
    "sweep_team",
    "test_rulebook",
]
