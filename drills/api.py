"""What the CLI does, as library calls with the same names: load inputs, run, score."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drills.drive.batch import run_scored
from drills.drive.combination import Finding
from drills.errors import InputError, LogError, RecordsOutOfOrder
from drills.feed.scenario import Scenario
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import builtin_names, resolve
from drills.log.check import time_sorted
from drills.log.files import atomic_log, read_log_lines
from drills.log.records import Record
from drills.rulebook.load import load_rulebook
from drills.rulebook.model import Rulebook
from drills.score.score import check_log, score_log
from drills.sim.world import DrillConfig
from drills.team.clock import parse_start
from drills.team.load import load_team
from drills.team.model import Team
from drills.validate.runner import TestResult


@dataclass
class DrillResult:
    score: dict[str, Any]
    seed: int
    #: How many records the drill log has (written to ``log`` when one was given).
    records: int


def load_inputs(*, scenario: str, rulebook: str, team: str, start: str,
                locale: str | None = None, map_roles: str | None = None
                ) -> tuple[Scenario, Rulebook, Team, float]:
    """The three input files, loaded and checked, the team's roles mapped, and the start."""
    loaded_scenario = load_scenario(resolve("scenario", scenario)).localized(locale)
    loaded_rulebook = load_rulebook(resolve("rulebook", rulebook))
    loaded_team = load_team(resolve("team", team))
    if map_roles:
        from drills.drive.combination import map_roles as rename
        from drills.drive.combination import parse_role_map

        loaded_team = rename(loaded_team, parse_role_map(map_roles), loaded_rulebook)
    try:
        week_minute = parse_start(start)
    except ValueError as exc:
        raise InputError(f"--start: {exc}") from None
    return loaded_scenario, loaded_rulebook, loaded_team, week_minute


def check_drill(*, scenario: str = "overheating-kettle", rulebook: str = "default",
                team: str = "standard", start: str = "mon 09:00", locale: str | None = None,
                map_roles: str | None = None) -> list[Finding]:
    """What makes these three files a poor drill together (``drill check``)."""
    from drills.drive.combination import check_combination

    loaded = load_inputs(scenario=scenario, rulebook=rulebook, team=team, start=start,
                         locale=locale, map_roles=map_roles)
    return check_combination(*loaded)


def run_drill(*, scenario: str = "overheating-kettle", rulebook: str = "default",
              team: str = "standard", seed: int, start: str = "mon 09:00",
              log: str | None = None, log_feed: str = "full", hours: float | None = None,
              locale: str | None = None, map_roles: str | None = None,
              progress: Callable[[float, float], None] | None = None,
              actions: str | None = None, humans: tuple[str, ...] = ()) -> DrillResult:
    """Run one drill from names or paths; write its log atomically if ``log`` is given.

    Records stream to the log file and to the scorer; none is kept in memory.
    ``map_roles`` renames the team's roles to the rulebook's (``a=b,c=d``). ``actions`` is
    a file of what people did (their roles are played by them); ``humans`` adds roles
    played by people who did nothing (``ROLE`` or ``ROLE=NAME``).
    """
    if actions is not None or humans:
        return _run_recorded(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                             start=start, log=log, log_feed=log_feed, hours=hours,
                             locale=locale, map_roles=map_roles, actions=actions,
                             humans=humans)
    loaded_scenario, loaded_rulebook, loaded_team, week_minute = load_inputs(
        scenario=scenario, rulebook=rulebook, team=team, start=start, locale=locale,
        map_roles=map_roles)
    options: dict[str, Any] = {"seed": seed, "start": week_minute, "log_feed": log_feed,
                               "hours": hours, "progress": progress}
    if log is None:
        document, _summary, count = run_scored(loaded_scenario, loaded_rulebook, loaded_team,
                                               **options)
    else:
        with atomic_log(log) as sink:
            document, _summary, count = run_scored(loaded_scenario, loaded_rulebook,
                                                   loaded_team, sink=sink, **options)
    return DrillResult(document, seed, count)


#: The name a role played by nobody gets (``--human ROLE``).
NO_SHOW = "no-show"


def people_config(*, scenario: str, rulebook: str, team: str, seed: int, start: str,
                  humans: dict[str, str], log_feed: str = "full", hours: float | None = None,
                  locale: str | None = None, map_roles: str | None = None,
                  where: dict[str, str] | None = None) -> DrillConfig:
    """The configuration of a drill with people in it; its header records the inputs as
    named here, so ``drill replay`` can run it again."""
    from drills.drive.batch import drill_config

    loaded = load_inputs(scenario=scenario, rulebook=rulebook, team=team, start=start,
                         locale=locale, map_roles=map_roles)
    inputs = {"scenario": scenario, "rulebook": rulebook, "team": team, "locale": locale,
              "hours": hours, "map_roles": map_roles}
    return drill_config(*loaded[:3], seed, loaded[3], log_feed, hours, humans=humans,
                        inputs=inputs, where=where)


def parse_humans(specs: tuple[str, ...], taken: dict[str, str]) -> dict[str, str]:
    """``--human ROLE[=NAME]`` added to the roles an actions file already gives people."""
    humans = dict(taken)
    for spec in specs:
        role, eq, name = (part.strip() for part in spec.partition("="))
        if not role:
            raise InputError(f"--human {spec!r}: name a role, like --human comms_lead")
        if role in humans:
            if eq and name != humans[role]:
                raise InputError(f"--human {spec}: {role} is played by {humans[role]} "
                                 "(in the actions file)")
            continue
        humans[role] = name or NO_SHOW
    return humans


def _run_recorded(*, scenario: str, rulebook: str, team: str, seed: int, start: str,
                  log: str | None, log_feed: str, hours: float | None, locale: str | None,
                  map_roles: str | None, actions: str | None,
                  humans: tuple[str, ...]) -> DrillResult:
    from drills.drive.live import LiveDrill
    from drills.drive.recorded import play_inputs
    from drills.inputs.actions_file import RecordedActions, load_actions

    recorded = load_actions(actions) if actions else RecordedActions({}, ())
    config = people_config(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                           start=start, humans=parse_humans(humans, recorded.humans),
                           log_feed=log_feed, hours=hours, locale=locale,
                           map_roles=map_roles, where=recorded.where)
    todo = [(a.item, a.where) for a in recorded.actions]
    if log is None:
        live = LiveDrill(config)
        document = play_inputs(live, todo)
    else:
        with atomic_log(log) as sink:
            live = LiveDrill(config, sink)
            document = play_inputs(live, todo)
    return DrillResult(document, seed, live.display.count)


def rulebook_for_log(records: list[Record], rulebook: str | None,
                     log: str | None = None) -> Rulebook:
    """The rulebook to score a log with: the one given, or the one the log names.

    A name in the header is a built-in, or a file relative to the log's own folder (so a
    log scores the same from any working directory): ``rulebook: ./acme.yaml``, or ``acme``
    for ``acme.yaml`` beside the log.
    """
    if rulebook is not None:
        return load_rulebook(resolve("rulebook", rulebook))
    name = records[0].get("rulebook") if records else None
    if not isinstance(name, str) or not name:
        raise InputError("the log does not name its rulebook; pass --rulebook")
    folder = os.path.dirname(os.path.abspath(log)) if log else os.getcwd()
    looks_like_path = name.endswith((".yaml", ".yml")) or "/" in name or os.sep in name
    if not looks_like_path and name in builtin_names("rulebook"):
        return load_rulebook(resolve("rulebook", name))
    candidate = os.path.join(folder, name if looks_like_path else f"{name}.yaml")
    if os.path.isfile(candidate):
        return load_rulebook(candidate)
    where = f"not at {candidate}" if looks_like_path else \
        f"neither a built-in nor a file {name}.yaml beside the log"
    raise InputError(f"the log was made with rulebook {name!r}, which is {where}; pass "
                     "--rulebook PATH")


def score_drill(log: str, *, rulebook: str | None = None, judge: tuple[str, ...] = (),
                strict: bool = False, warn: Callable[[str], None] | None = None
                ) -> dict[str, Any]:
    """Re-score a saved drill log (with the facilitator's verdicts on objectives).

    The log streams through the checker and the scorer record by record (a drill of any
    length in constant memory). A hand-written log out of time order is read whole and
    sorted, and ``warn`` hears of it once; ``strict`` refuses it instead.
    """
    from drills.score.objectives import apply_judgements, parse_judgements

    judgements = parse_judgements(judge)  # a bad --judge fails before any work
    try:
        document, _kept, _count = _score_stream(log, rulebook)
    except LogError as exc:
        numbered = _sorted_after(exc, log, strict, warn)
        return _score_lines(numbered, rulebook, log, judge)
    apply_judgements(document, judgements)
    return document


def _sorted_after(exc: LogError, log: str, strict: bool,
                  warn: Callable[[str], None] | None) -> list[tuple[int, Record]]:
    """A log that failed as it streamed, read whole and sorted when it is a hand-written log
    out of time order (a record written before its time may be what failed: a 'done' above
    its 'created'); ``exc`` stands otherwise. A log the tool wrote is never read whole."""
    from drills.log.check import written_by_tool
    from drills.log.files import iter_log_file

    if not isinstance(exc, RecordsOutOfOrder):
        _line, header = next(iter_log_file(log))
        if written_by_tool(header):
            raise exc
    numbered = read_log_lines(log)
    ordered = time_sorted(numbered, log, strict=strict, warn=warn)
    if ordered is numbered and not isinstance(exc, RecordsOutOfOrder):
        raise exc
    return ordered


#: Feed events a report draws (the rest are only counted when a log streams through it).
_DRAWN_EVENTS = ("press_inquiry", "regulator_inquiry", "influencer_post")


def _score_stream(log: str, rulebook: str | None, keep: bool = False
                  ) -> tuple[dict[str, Any], list[tuple[int, Record]], int]:
    """Score the log at ``log`` as it is read; with ``keep``, also the records a report needs
    (all but the ordinary feed events) and how many there were."""
    from drills.log.check import LogChecker
    from drills.log.files import iter_log_file
    from drills.score.score import LogScorer

    records = iter_log_file(log)
    first, header = next(records)
    checker = LogChecker(log)
    checker.check(header, first)  # a header before its rulebook is looked up
    try:
        book = rulebook_for_log([header], rulebook, log)
    except InputError:
        last = header
        for line, record in records:  # a broken log says so before a missing rulebook
            checker.check(record, line)
            last = record
        if last.get("type") != "end":
            raise _incomplete(log) from None
        raise
    scorer = LogScorer(book, log)
    kept: list[tuple[int, Record]] = []
    count, last = 0, header
    for line, record in itertools.chain([(first, header)], records):
        scorer.add(record, line)
        count, last = count + 1, record
        if keep and (record["type"] != "event" or record.get("inject")
                     or record.get("kind") in _DRAWN_EVENTS):
            kept.append((line, record))
    if last.get("type") != "end":
        raise _incomplete(log)
    return scorer.document(), kept, count


def _incomplete(log: str) -> LogError:
    return LogError(f"{log}: the log is incomplete (no 'end' record): the drill did not finish")


def _score_lines(numbered: list[tuple[int, Record]], rulebook: str | None, source: str,
                 judge: tuple[str, ...]) -> dict[str, Any]:
    """A log's records checked and scored, the facilitator's ``--judge`` verdicts applied."""
    from drills.score.objectives import apply_judgements, parse_judgements

    judgements = parse_judgements(judge)  # a bad --judge fails before any work
    records = [record for _line, record in numbered]
    lines = [line for line, _record in numbered]
    check_log(records, source, lines)
    document = score_log(records, rulebook_for_log(records, rulebook, source), source, lines)
    apply_judgements(document, judgements)
    return document


def test_rulebook(rulebook: str, test_files: list[str]) -> list[TestResult]:
    """Run rulebook unit tests (``drill test``) against ``rulebook`` (a name or a path)."""
    from drills.validate.cases import load_rule_tests
    from drills.validate.runner import run_rule_tests

    loaded = load_rulebook(resolve("rulebook", rulebook))
    results: list[TestResult] = []
    for path in test_files:
        results += run_rule_tests(load_rule_tests(path), loaded)
    return results


def coverage_rulebook(rulebook: str, *, scenarios: str = "all", teams: str = "standard",
                      seeds: int = 3, start: str = "mon 09:00", workers: int = 1,
                      scheduler: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """What ``rulebook`` exercised over scenario x team x seed drills (``drill coverage``)."""
    from drills.validate.coverage import coverage_job, coverage_report
    from drills.validate.sweep import checked_jobs, run_all

    todo, (book,) = checked_jobs([rulebook], scenarios, teams, seeds, start)
    tick = _counter(len(todo), progress)
    return coverage_report(run_all(coverage_job, todo, workers, scheduler, tick), book)


def _counter(total: int, progress: Callable[[int, int], None] | None
             ) -> Callable[[int], None] | None:
    """``progress(done, total)`` from a stream of ``tick(n)`` calls."""
    if progress is None:
        return None
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        progress(done[0], total)
    return tick


def compare_rulebooks(old: str, new: str, *, scenarios: str = "all", teams: str = "standard",
                      seeds: int = 5, start: str = "mon 09:00", workers: int = 1,
                      cache: str | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      scheduler: str | None = None) -> dict[str, Any]:
    """The same drills under two rulebooks, compared pair by pair (``drill compare``).

    ``cache`` is a SQLite file of drill results (None: run everything afresh);
    ``progress(done, total)`` hears of every drill done.
    """
    from drills.validate.cache import DrillCache
    from drills.validate.compare import compare_jobs
    from drills.validate.sweep import checked_jobs

    todo, books = checked_jobs([old, new], scenarios, teams, seeds, start)
    new_path = os.path.abspath(resolve("rulebook", new))
    store = DrillCache(cache)
    try:
        document = compare_jobs(todo, new_path, store, workers,
                                _counter(2 * len(todo), progress), scheduler)
    finally:
        store.close()
    document["old"] = {"rulebook": books[0].name, "version": books[0].version}
    document["new"] = {"rulebook": books[1].name, "version": books[1].version}
    return document


def sweep_team(*, vary: tuple[str, ...], rulebook: str = "default", team: str = "standard",
               scenarios: str = "all", seeds: int = 50, start: str = "mon 09:00",
               workers: int = 1, scheduler: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """A Monte Carlo over staffing parameters (``drill sweep``)."""
    from dataclasses import replace as with_overrides

    from drills.validate.staffing import combinations, parse_vary, sweep_job, sweep_report
    from drills.validate.sweep import checked_jobs, run_all

    varied = parse_vary(vary)
    base, _books = checked_jobs([rulebook], scenarios, team, seeds, start)
    if "," in team or team == "all":
        raise InputError("--team: a sweep varies one team; name one")
    rows = []
    combos = combinations(varied)
    tick = _counter(len(combos) * len(base), progress)
    for combo in combos:
        todo = [with_overrides(job, overrides=combo) for job in base]
        rows.append((combo, run_all(sweep_job, todo, workers, scheduler, tick)))
    document = sweep_report(rows)
    document.update(rulebook=rulebook, team=team, seeds=seeds, scenarios=scenarios)
    return document


@dataclass
class ReplayResult:
    score: dict[str, Any]
    records: int
    #: None when the replay is byte for byte the log; else the first line that differs.
    difference: int | None
    out: str | None


def replay_drill(log: str, *, out: str | None = None) -> ReplayResult:
    """Run a drill again from its log's header and its people's inputs (``drill replay``).

    The replay is written to ``out`` (atomically) when given, and compared with ``log`` line
    by line: a live drill replays byte for byte.
    """
    import tempfile

    from drills.drive.live import LiveDrill
    from drills.drive.replay import replay_plan

    numbered = read_log_lines(log)
    records = [record for _line, record in numbered]
    check_log(records, log, [line for line, _record in numbered])
    plan = replay_plan(numbered, log)
    given = plan.inputs
    config = people_config(scenario=_input_path(given["scenario"], log),
                           rulebook=_input_path(given["rulebook"], log),
                           team=_input_path(given["team"], log), seed=plan.seed,
                           start=plan.start, humans=plan.humans, log_feed=plan.log_feed,
                           hours=given["hours"], locale=given["locale"],
                           map_roles=given["map_roles"])
    config.inputs = plan.recorded_inputs  # as the log had them (a path stays as written)
    from drills.drive.recorded import play_inputs

    with tempfile.TemporaryDirectory() as scratch:
        target = out or os.path.join(scratch, "replay.jsonl")
        with atomic_log(target) as sink:
            live = LiveDrill(config, sink)
            document = play_inputs(live, plan.inputs_at, until=plan.until)
        difference = _first_difference(log, target)
    return ReplayResult(document, live.display.count, difference, out)


def replay_inputs(log: str) -> dict[str, str]:
    """The scenario, rulebook and team a log names (for the store's hashes)."""
    from drills.drive.replay import replay_plan

    numbered = read_log_lines(log)
    check_log([record for _line, record in numbered], log, [line for line, _r in numbered])
    plan = replay_plan(numbered, log)
    return {key: _input_path(plan.inputs[key], log) for key in ("scenario", "rulebook", "team")}


def _input_path(name: str, log: str) -> str:
    """A scenario, rulebook or team the log names: a built-in, a path from here, or a path
    from the log's folder."""
    if os.path.exists(name) or ("/" not in name and not name.endswith((".yaml", ".yml"))):
        return name
    beside = os.path.join(os.path.dirname(os.path.abspath(log)), name)
    return beside if os.path.exists(beside) else name


def _first_difference(a: str, b: str) -> int | None:
    with open(a, "rb") as left, open(b, "rb") as right:
        number = 0
        while True:
            number += 1
            x, y = left.readline(), right.readline()
            if x != y:
                return number
            if not x:
                return None


def extract_actions(log: str) -> str:
    """The people's inputs of a live drill, as an actions file (``drill actions``)."""
    from drills.drive.inputs import inputs_from_log
    from drills.inputs.actions_file import actions_yaml

    numbered = read_log_lines(log)
    records = [record for _line, record in numbered]
    check_log(records, log, [line for line, _record in numbered])
    humans = records[0].get("humans")
    if not isinstance(humans, dict) or not humans:
        raise InputError(f"{log}: no one played a role in this drill (the header names no "
                         "'humans'): it has no actions to extract")
    return actions_yaml({str(k): str(v) for k, v in humans.items()}, inputs_from_log(records),
                        log)


@dataclass
class RenderedReport:
    text: str
    #: Images to write beside a Markdown report (file name -> PNG bytes).
    images: dict[str, bytes]


def report_from_lines(numbered: list[tuple[int, Record]], *, rulebook: str | None = None,
                      fmt: str = "html", source: str = "<log>",
                      image_prefix: str = "report", lang: str | None = None,
                      judge: tuple[str, ...] = (), strict: bool = False,
                      warn: Callable[[str], None] | None = None) -> RenderedReport:
    """The after-action report of a drill log's records (``drill report``); a hand-written
    log out of time order is sorted (``warn`` hears of it) unless ``strict``."""
    numbered = time_sorted(numbered, source, strict=strict, warn=warn)
    document = _score_lines(numbered, rulebook, source, judge)
    return _render(numbered, document, fmt, image_prefix, lang, len(numbered))


def _render(numbered: list[tuple[int, Record]], document: dict[str, Any], fmt: str,
            image_prefix: str, lang: str | None, count: int) -> RenderedReport:
    from drills.report.build import build_report
    from drills.report.render import render_html, render_markdown

    report = build_report(numbered, document, lang, count=count)
    if fmt == "md":
        text, images = render_markdown(report, image_prefix)
        return RenderedReport(text, images)
    return RenderedReport(render_html(report), {})


def report_drill(log: str, *, rulebook: str | None = None, fmt: str = "html",
                 image_prefix: str = "report", lang: str | None = None,
                 judge: tuple[str, ...] = (), strict: bool = False,
                 warn: Callable[[str], None] | None = None) -> RenderedReport:
    """The report of the log at ``log``, streamed: only the records a report draws are kept
    (the feed's ordinary posts are counted, not held)."""
    from drills.score.objectives import apply_judgements, parse_judgements

    judgements = parse_judgements(judge)
    try:
        document, kept, count = _score_stream(log, rulebook, keep=True)
    except LogError as exc:
        return report_from_lines(_sorted_after(exc, log, strict, warn), rulebook=rulebook,
                                 fmt=fmt, source=log, image_prefix=image_prefix, lang=lang,
                                 judge=judge)
    apply_judgements(document, judgements)
    return _render(kept, document, fmt, image_prefix, lang, count)


def stored_log(drill_id: int, db: str | None = None) -> tuple[list[tuple[int, Record]], str]:
    """A stored drill's log records, and a name for it in messages (``STORE#ID``)."""
    from drills.log.files import parse_log_lines
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        data = store.log_bytes(drill_id)
        source = f"{store.path}#{drill_id}"
    return parse_log_lines(data.decode("utf-8").splitlines(keepends=True), source), source


def report_stored(drill_id: int, *, db: str | None = None, rulebook: str | None = None,
                  fmt: str = "html", image_prefix: str = "report",
                  lang: str | None = None, judge: tuple[str, ...] = ()) -> RenderedReport:
    """``drill report ID``: the report of a drill in the history store."""
    numbered, source = stored_log(drill_id, db)
    return report_from_lines(numbered, rulebook=rulebook, fmt=fmt, source=source,
                             image_prefix=image_prefix, lang=lang, judge=judge)


def drill_history(*, db: str | None = None, team: str | None = None,
                  scenario: str | None = None, person: str | None = None
                  ) -> list[dict[str, Any]]:
    """The stored drills, oldest first (``drill history``)."""
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        return [d.summary() for d in store.drills(team=team, scenario=scenario,
                                                  person=person)]


def stored_score(drill_id: int, db: str | None = None) -> dict[str, Any]:
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        return store.score_document(drill_id)


def import_msel(path: str, *, output: str, sheet: str | None = None, preset: str | None = None,
                mapping: tuple[str, ...] = (), start: str | None = None, lang: str = "en",
                strict: bool = False, background: bool = True) -> Any:
    """``drill import msel``: a spreadsheet to DIR/scenario.yaml, team.yaml, rulebook.yaml."""
    import yaml

    from drills.exercise.columns import parse_map
    from drills.exercise.convert import convert
    from drills.exercise.sheet import read_sheet
    from drills.log.files import atomic_text

    overrides = parse_map(mapping, preset)
    loaded = read_sheet(path, sheet)
    try:
        imported = convert(loaded, overrides, start=start, lang=lang, background=background)
    except (InputError, ValueError) as exc:
        raise InputError(f"{path}: {exc}") from None
    if strict and imported.bad:
        raise InputError("\n".join([*imported.bad, f"{len(imported.bad)} bad row(s) with "
                                    "--strict: nothing written"]))
    if os.path.exists(output) and not os.path.isdir(output):
        raise InputError(f"-o {output}: is a file, not a folder")
    os.makedirs(output, exist_ok=True)
    for name, document in (("scenario", imported.scenario), ("team", imported.team),
                           ("rulebook", imported.rulebook)):
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
        atomic_text(os.path.join(output, f"{name}.yaml"),
                    f"# Imported from {path} by drill import msel; edit freely.\n" + text)
    return imported


def exercise_script(*, scenario: str, rulebook: str = "default", team: str = "standard",
                    seed: int = 1, start: str = "mon 09:00", fmt: str = "md",
                    locale: str | None = None) -> str | bytes:
    """``drill script``: the MSEL of a drill, from a simulated run of it."""
    from drills.drive.batch import simulate
    from drills.exercise.script import script_of

    loaded_scenario, loaded_rulebook, loaded_team, week_minute = load_inputs(
        scenario=scenario, rulebook=rulebook, team=team, start=start, locale=locale)
    records, _summary = simulate(loaded_scenario, loaded_rulebook, loaded_team, seed=seed,
                                 start=week_minute, log_feed="full")
    text, _rows = script_of(records, loaded_scenario, week_minute, fmt)
    return text
