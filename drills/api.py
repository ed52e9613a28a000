"""What the CLI does, as library calls with the same names: load inputs, run, score."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from drills.drive.batch import run_scored
from drills.drive.combination import Finding
from drills.errors import Diagnostic, DrillInterrupted, InputError
from drills.feed.scenario import Scenario
from drills.feed.scenario_load import load_scenario
from drills.inputs.builtins import builtin_names, resolve
from drills.log.files import atomic_log, read_log_lines
from drills.log.records import Record, Sink, TeeSink
from drills.log.sources import Found
from drills.rulebook.load import load_rulebook
from drills.rulebook.model import Rulebook
from drills.score.score import check_log, score_log
from drills.sim.world import DrillConfig
from drills.team.clock import parse_start
from drills.team.load import load_team
from drills.team.model import Team
from drills.validate.suite import Ran

T = TypeVar("T")


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
        document, _summary, count = _keep_partial(log, lambda sink: run_scored(
            loaded_scenario, loaded_rulebook, loaded_team, sink=sink, **options))
    return DrillResult(document, seed, count)


class _HowFar:
    """Remembers how far a drill got: the last record's time and the feed events so far."""

    def __init__(self) -> None:
        self.t = 0.0
        self.events = 0

    def write(self, record: Record) -> None:
        t = record.get("t")
        if isinstance(t, (int, float)):
            self.t = max(self.t, float(t))

    def write_event(self, event: Record) -> None:
        self.events += 1
        self.write(event)


def _keep_partial(log: str, drive: Callable[[Sink], T]) -> T:
    """``drive(sink)`` writing ``log`` atomically; on Ctrl-C the records so far are kept,
    closed by an ``end`` record that says ``interrupted`` (a valid log that scores), and
    ``DrillInterrupted`` is raised."""
    how_far = _HowFar()
    with atomic_log(log) as sink:
        try:
            return drive(TeeSink(sink, how_far))
        except KeyboardInterrupt:
            t = round(how_far.t, 3)
            sink.write({"type": "end", "t": t, "events": how_far.events, "duration": t,
                        "interrupted": True})
    raise DrillInterrupted(f"the drill stopped at minute {t:g}; its partial log is in {log}",
                           log=log, minute=t)


#: The name a role played by nobody gets (``--human ROLE``).
NO_SHOW = "no-show"


def people_config(*, scenario: str, rulebook: str, team: str, seed: int, start: str,
                  humans: dict[str, str], log_feed: str = "full", hours: float | None = None,
                  locale: str | None = None, map_roles: str | None = None,
                  where: dict[str, str] | None = None, log: str | None = None) -> DrillConfig:
    """The configuration of a drill with people in it; its header records the inputs as
    named here, so ``drill replay`` can run it again: a file beside ``log`` by its name
    alone, and every file's SHA-256 (``drills.log.sources``)."""
    from drills.drive.batch import drill_config
    from drills.log.sources import portable_inputs

    loaded = load_inputs(scenario=scenario, rulebook=rulebook, team=team, start=start,
                         locale=locale, map_roles=map_roles)
    inputs = portable_inputs({"scenario": scenario, "rulebook": rulebook, "team": team,
                              "locale": locale, "hours": hours, "map_roles": map_roles}, log)
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
                           map_roles=map_roles, where=recorded.where, log=log)
    todo = [(a.item, a.where) for a in recorded.actions]
    # A session the person quit early ends where it ended, as its replay does.
    ended = recorded.drill.get("ended")
    until = float(ended) if isinstance(ended, (int, float)) else None
    if log is None:
        live = LiveDrill(config)
        document = play_inputs(live, todo, until=until)
    else:
        def drive(sink: Sink) -> tuple[LiveDrill, dict[str, Any]]:
            live = LiveDrill(config, sink)
            return live, play_inputs(live, todo, until=until)

        live, document = _keep_partial(log, drive)
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
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Re-score a saved drill log (with the facilitator's verdicts on objectives);
    ``progress(read, size)`` hears how far reading the log got."""
    return _score_lines(read_log_lines(log, progress), rulebook, log, judge)


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


def test_rulebook(rulebook: str | None, test_files: list[str], *, keyword: str | None = None,
                  broken: list[Diagnostic] | None = None) -> list[Ran]:
    """Run rulebook unit tests (``drill test``) against ``rulebook`` (a name or a path; None:
    each file's own ``rulebook:``); ``keyword`` keeps the tests whose name contains it;
    ``broken`` collects bad files' diagnostics instead of raising."""
    from drills.validate.suite import run_tests

    return run_tests(rulebook, test_files, keyword, broken)


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
                      scheduler: str | None = None, primary: tuple[str, ...] | None = None,
                      margins: dict[str, str] | None = None) -> dict[str, Any]:
    """The same drills under two rulebooks, compared pair by pair (``drill compare``).

    ``cache`` is a SQLite file of drill results (None: run everything afresh);
    ``progress(done, total)`` hears of every drill done; ``primary`` metrics (default: the
    rulebook-independent ones) and ``margins`` (``{"time_to_calm": "30m"}``) make verdicts.
    """
    from drills.validate.cache import DrillCache
    from drills.validate.compare import compare_jobs
    from drills.validate.metrics import INDEPENDENT
    from drills.validate.sweep import checked_jobs

    todo, books = checked_jobs([old, new], scenarios, teams, seeds, start)
    new_path = os.path.abspath(resolve("rulebook", new))
    store = DrillCache(cache)
    try:
        document = compare_jobs(todo, new_path, store, workers,
                                _counter(2 * len(todo), progress), scheduler,
                                primary or INDEPENDENT, margins)
    finally:
        store.close()
    document["old"] = {"rulebook": books[0].name, "version": books[0].version, "given": old}
    document["new"] = {"rulebook": books[1].name, "version": books[1].version, "given": new}
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
    #: One line each about the input files (one whose content changed since the drill).
    notes: list[str] = field(default_factory=list)


def replay_drill(log: str, *, out: str | None = None, library: str | None = None,
                 progress: Callable[[float, float], None] | None = None) -> ReplayResult:
    """Run a drill again from its log's header and its people's inputs (``drill replay``).

    The replay is written to ``out`` (atomically) when given, and compared with ``log`` line
    by line: a live drill replays byte for byte. Input files are looked for as named,
    beside the log, then in ``library`` (``drills.log.sources``).
    """
    import tempfile

    from drills.drive.live import LiveDrill
    from drills.drive.replay import replay_plan

    numbered = read_log_lines(log)
    records = [record for _line, record in numbered]
    check_log(records, log, [line for line, _record in numbered])
    plan = replay_plan(numbered, log)
    given = plan.inputs
    found = _found_inputs(given, log, library)
    config = people_config(scenario=found.paths["scenario"],
                           rulebook=found.paths["rulebook"], team=found.paths["team"],
                           seed=plan.seed, start=plan.start, humans=plan.humans,
                           log_feed=plan.log_feed, hours=given["hours"],
                           locale=given["locale"], map_roles=given["map_roles"])
    config.inputs = plan.recorded_inputs  # as the log had them (a path stays as written)
    from drills.drive.recorded import play_inputs

    with tempfile.TemporaryDirectory() as scratch:
        target = out or os.path.join(scratch, "replay.jsonl")
        with atomic_log(target) as sink:
            end = plan.until if plan.until is not None else records[0].get("duration")
            watched: Sink = sink if progress is None or not isinstance(end, (int, float)) \
                else TeeSink(sink, _Clock(progress, float(end)))
            live = LiveDrill(config, watched)
            document = play_inputs(live, plan.inputs_at, until=plan.until)
        difference = _first_difference(log, target)
    return ReplayResult(document, live.display.count, difference, out, found.notes)


def replay_inputs(log: str, library: str | None = None) -> dict[str, str]:
    """The scenario, rulebook and team a log names, found (for the store's hashes)."""
    from drills.drive.replay import replay_plan

    plan = replay_plan(read_log_lines(log), log)
    return _found_inputs(plan.inputs, log, library).paths


def _found_inputs(given: dict[str, Any], log: str, library: str | None) -> Found:
    from drills.log.sources import find_inputs

    hashes = given.get("sha256")
    return find_inputs({k: str(given[k]) for k in ("scenario", "rulebook", "team")}, log,
                       library, hashes if isinstance(hashes, dict) else None)


class _Clock:
    """Tells ``progress(now, end)`` how far in simulated time a drill's records got."""

    def __init__(self, progress: Callable[[float, float], None], end: float) -> None:
        self.progress, self.end, self.shown = progress, end, -1.0

    def write(self, record: Record) -> None:
        t = record.get("t")
        if isinstance(t, (int, float)) and t - self.shown >= self.end / 1000:
            self.shown = float(t)
            self.progress(self.shown, self.end)

    def write_event(self, event: Record) -> None:
        self.write(event)


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
    from drills.drive.replay import replay_plan

    plan = replay_plan(numbered, log)
    try:  # a file named beside the log is written as a path that works from here
        drill: dict[str, Any] = dict(_found_inputs(plan.inputs, log, None).paths)
    except InputError:
        drill = {key: plan.inputs.get(key) for key in ("scenario", "rulebook", "team")}
    drill.update(seed=plan.seed, start=plan.start, hours=plan.inputs.get("hours"),
                 locale=plan.inputs.get("locale"), map_roles=plan.inputs.get("map_roles"),
                 ended=plan.until)
    return actions_yaml({str(k): str(v) for k, v in humans.items()}, inputs_from_log(records),
                        log, drill)


def recorded_options(actions: str) -> dict[str, Any]:
    """The drill options an actions file was recorded with (empty for a hand-written one),
    without ``ended``: ``drill run --actions`` takes the ones not given and warns of the
    ones given differently."""
    from drills.inputs.actions_file import DRILL_OPTIONS, load_actions

    drill = load_actions(actions).drill
    if not drill:
        return {}
    # An optional flag the file leaves out was not given (hours: the scenario's duration).
    return {key: drill.get(key) for key in DRILL_OPTIONS
            if key in drill or key in ("hours", "locale", "map_roles")}


@dataclass
class RenderedReport:
    text: str
    #: Images to write beside a Markdown report (file name -> PNG bytes).
    images: dict[str, bytes]


def report_from_lines(numbered: list[tuple[int, Record]], *, rulebook: str | None = None,
                      fmt: str = "html", source: str = "<log>",
                      image_prefix: str = "report", lang: str | None = None,
                      judge: tuple[str, ...] = ()) -> RenderedReport:
    """The after-action report of a drill log's records (``drill report``)."""
    from drills.report.build import build_report
    from drills.report.render import render_html, render_markdown

    document = _score_lines(numbered, rulebook, source, judge)
    report = build_report(numbered, document, lang)
    if fmt == "md":
        text, images = render_markdown(report, image_prefix)
        return RenderedReport(text, images)
    return RenderedReport(render_html(report), {})


def report_drill(log: str, *, rulebook: str | None = None, fmt: str = "html",
                 image_prefix: str = "report", lang: str | None = None,
                 judge: tuple[str, ...] = (),
                 progress: Callable[[int, int], None] | None = None) -> RenderedReport:
    return report_from_lines(read_log_lines(log, progress), rulebook=rulebook, fmt=fmt,
                             source=log, image_prefix=image_prefix, lang=lang, judge=judge)


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
    from drills.exercise.columns import parse_map
    from drills.exercise.convert import convert
    from drills.exercise.sheet import read_sheet
    from drills.exercise.written import documents
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
    texts = documents(imported, path)  # each one loads, or nothing is written
    os.makedirs(output, exist_ok=True)
    for name, text in texts.items():
        atomic_text(os.path.join(output, f"{name}.yaml"), text)
    return imported


def exercise_script(*, scenario: str, rulebook: str = "default", team: str = "standard",
                    seed: int = 1, start: str = "mon 09:00", fmt: str = "md",
                    locale: str | None = None, map_roles: str | None = None) -> str | bytes:
    """``drill script``: the MSEL of a drill, from a simulated run of it."""
    from drills.drive.batch import simulate
    from drills.exercise.script import script_of

    loaded_scenario, loaded_rulebook, loaded_team, week_minute = load_inputs(
        scenario=scenario, rulebook=rulebook, team=team, start=start, locale=locale,
        map_roles=map_roles)
    records, _summary = simulate(loaded_scenario, loaded_rulebook, loaded_team, seed=seed,
                                 start=week_minute, log_feed="full")
    text, _rows = script_of(records, loaded_scenario, week_minute, fmt)
    return text
