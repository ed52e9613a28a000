"""Commands that run and score drills."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from drills.cli.output import (
    drill_inputs,
    fmt_option,
    judge_option,
    lang_option,
    say_language,
    write_or_print,
)
from drills.cli.recording import store_options
from drills.feed.limits import MAX_DRILL_HOURS


@click.command()
@drill_inputs
@click.option("--seed", type=click.IntRange(min=0),
              help="The seed (drawn and printed when omitted, so the run can be repeated).")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True, max=MAX_DRILL_HOURS),
              help="Run only this many hours (default: the scenario's duration; at most 31 "
                   "days).")
@click.option("--locale", help="Run the scenario in another of its locales (sv_SE, ...).")
@click.option("--log", "log", type=click.Path(dir_okay=False),
              help="Write the drill log (JSON Lines) here; written atomically at the end.")
@click.option("--log-feed", type=click.Choice(["full", "sample", "none"]), default="full",
              show_default=True, help="Feed events in the log: all, a sample, or none.")
@click.option("--json", "as_json", is_flag=True, help="Print the score document as JSON.")
@fmt_option
@click.option("--fail-under", type=click.FloatRange(0, 100),
              help="Exit 1 when the score is below this.")
@click.option("--actions", type=click.Path(dir_okay=False),
              help="What the people in a tabletop drill did (docs/actions.md): their roles "
                   "are played by them, every other role is simulated.")
@click.option("--human", "humans", multiple=True, metavar="ROLE[=NAME]",
              help="A role played by a person who did nothing (a no-show); repeatable.")
@store_options
def run(scenario: str, rulebook: str, team: str, start: str, map_roles: str | None,
        seed: int | None, hours: float | None, locale: str | None, log: str | None,
        log_feed: str, as_json: bool, fmt: str, fail_under: float | None,
        actions: str | None, humans: tuple[str, ...], db: str | None,
        no_store: bool) -> None:
    """Run a drill: a crisis against a rulebook and a team, scored.

    Prints the after-action report: score and HSEEP-style rating, obligations, violations,
    response times and the three most important improvements.

    \b
    Example:
        drill run
        drill run --scenario sv-data-breach --team skeleton-weekend --start "sat 21:00" --seed 3
        drill run --rulebook strict --team understaffed --seed 7 --log drill.jsonl --json
        drill run --seed 7 --fail-under 70
        drill run --seed 1 --start "fri 17:30" --actions tabletop.yaml --log tabletop.jsonl
        drill run --seed 1 --start "fri 17:30" --human comms_lead
    """
    from drills.api import run_drill
    from drills.errors import DrillInterrupted
    from drills.log.files import check_writable

    if log is not None:
        check_writable(log, "--log")
    if actions is not None:
        given = {"scenario": scenario, "rulebook": rulebook, "team": team, "seed": seed,
                 "start": start, "hours": hours, "locale": locale, "map_roles": map_roles}
        options = _recorded_options(actions, given)
        scenario, rulebook, team = options["scenario"], options["rulebook"], options["team"]
        seed, start, hours = options["seed"], options["start"], options["hours"]
        locale, map_roles = options["locale"], options["map_roles"]
    seed = drawn_seed(seed)
    from drills.cli.progress import drill_progress, stop_on_interrupt
    from drills.cli.recording import recording, saved_as

    inputs = {"scenario": scenario, "rulebook": rulebook, "team": team}
    with recording(db, no_store, "run", log, inputs) as recorder:
        report, finish = drill_progress()
        try:
            # A simulated drill stops between two monitoring ticks, never inside the rules
            # engine (which would take the Ctrl-C for an engine error).
            with stop_on_interrupt(report, enabled=actions is None and not humans) as tick:
                result = run_drill(scenario=scenario, rulebook=rulebook, team=team,
                                   seed=seed, start=start, log=recorder.log,
                                   log_feed=log_feed, hours=hours, locale=locale,
                                   map_roles=map_roles, progress=tick, actions=actions,
                                   humans=humans)
        except DrillInterrupted as exc:
            where = f"; its partial log is in {saved_as(log)}" if log else ""
            raise DrillInterrupted(f"the drill stopped at minute {exc.minute:g}{where}",
                                   log=log, minute=exc.minute) from None
        finally:
            finish()
        recorder.done(result.score)
    _print_score(result.score, as_json, fmt)
    if log:
        click.echo(f"log written to {saved_as(log)} ({result.records:,} records)", err=True)
    _check_threshold(result.score, fail_under)


def _recorded_options(actions: str, given: dict[str, Any]) -> dict[str, Any]:
    """The run's options with an actions file: each flag given on the command line, else
    what the file was recorded with; one warning line when a given flag differs from it."""
    from drills.api import recorded_options
    from drills.inputs.actions_file import DRILL_OPTIONS

    recorded = recorded_options(actions)
    ctx = click.get_current_context()
    options, differ = dict(given), []
    for key, value in recorded.items():
        source = ctx.get_parameter_source(key)
        if source in (None, click.core.ParameterSource.DEFAULT):
            options[key] = value
        elif not _same_option(key, value, given[key]):
            differ.append(f"{DRILL_OPTIONS[key]} {'(not given)' if value is None else value}")
    if differ:
        click.echo(f"warning: {actions} was recorded with {', '.join(differ)}; this run "
                   "differs, so it is another drill with another score", err=True)
    return options


def _same_option(key: str, recorded: Any, given: Any) -> bool:
    if key == "start" and isinstance(recorded, str) and isinstance(given, str):
        from drills.team.clock import parse_start

        try:  # 'fre 17:30' is 'fri 17:30'
            return parse_start(recorded) == parse_start(given)
        except ValueError:
            pass
    return bool(recorded == given)


def drawn_seed(seed: int | None) -> int:
    """The seed given, or one drawn and printed so the drill can be repeated."""
    if seed is not None:
        return seed
    import secrets

    seed = secrets.randbelow(1_000_000)
    click.echo(f"seed {seed} (repeat this drill with --seed {seed})", err=True)
    return seed


@click.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--rulebook", help="Score with this rulebook (default: the one the log names).")
@click.option("--json", "as_json", is_flag=True, help="Print the score document as JSON.")
@fmt_option
@click.option("--fail-under", type=click.FloatRange(0, 100),
              help="Exit 1 when the score is below this.")
@click.option("--strict", is_flag=True,
              help="Treat warnings about the log (records out of time order, unknown roles or "
                   "rules, a missing start or cluster, violations the rulebook does not "
                   "produce) as errors: exit 2.")
@judge_option
@lang_option
def score(log: str, rulebook: str | None, as_json: bool, fmt: str,
          fail_under: float | None, strict: bool, judge: tuple[str, ...],
          lang: str | None) -> None:
    """Score a saved drill log: exactly the score the run printed.

    Also scores hand-written logs of tabletop sessions (see docs/log.md). The log is
    judged, not believed: forbidden conduct is derived from its actions and the rulebook.

    \b
    Example:
        drill score drill.jsonl
        drill score tabletop.jsonl --rulebook ./rules/acme.yaml --json
        drill score tabletop.jsonl --strict
        drill score play.jsonl --judge x3=met --judge "x5=partly:draft, not signed off"
        drill score sv-drill.jsonl --lang en
    """
    from drills.api import score_drill
    from drills.cli.progress import bar

    report, finish = bar("B")
    try:
        document = score_drill(log, rulebook=rulebook, judge=judge, strict=strict,
                               warn=lambda message: click.echo(message, err=True),
                               progress=report)
    finally:
        finish()
    for warning in document.get("warnings") or ():
        click.echo(f"warning: {warning}", err=True)
    if strict and document.get("warnings"):
        click.echo(f"error: {len(document['warnings'])} warning(s) with --strict", err=True)
        sys.exit(2)
    if not as_json:
        from drills.score.report import language_of_document

        lang = say_language(lang, language_of_document(document))
    _print_score(document, as_json, fmt, lang)
    _check_threshold(document, fail_under)


def _print_score(document: dict[str, Any], as_json: bool, fmt: str,
                 lang: str | None = None) -> None:
    """The score as JSON, or as text in ``lang`` (``--lang``) or the drill's own language."""
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        from drills.score.report import render_report

        click.echo(render_report(document, fmt, lang))


def _check_threshold(document: dict[str, Any], fail_under: float | None) -> None:
    if fail_under is not None and document["score"] is None:
        click.echo(f"the drill is not rated; --fail-under {fail_under:g} needs a rated drill",
                   err=True)
        sys.exit(1)
    if fail_under is not None and document["score"] < fail_under:
        click.echo(f"score {document['score']} is below --fail-under {fail_under:g}", err=True)
        sys.exit(1)


@click.group("log")
def log_group() -> None:
    """Work with drill logs.

    \b
    Example:
        drill log template --scenario sv-data-breach --seed 3 > tabletop.jsonl
    """


@log_group.command("template")
@drill_inputs
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="The crisis to write the skeleton for.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True, max=MAX_DRILL_HOURS),
              help="Only this many hours (a 2-hour tabletop: --hours 2).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write here instead of standard output.")
def log_template_cmd(scenario: str, rulebook: str, team: str, start: str,
                     map_roles: str | None, seed: int, hours: float | None,
                     output: str | None) -> None:
    """Write a log skeleton for a tabletop: the obligations a drill would create.

    The facilitator fills in when the room did each thing (and who), then scores it
    with `drill score`.

    \b
    Example:
        drill log template --scenario sv-data-breach --start "tis 09:00" --hours 2 -o t.jsonl
        drill score t.jsonl
    """
    from drills.api import load_inputs
    from drills.exercise.skeleton import log_template

    loaded_scenario, loaded_rulebook, loaded_team, week_minute = load_inputs(
        scenario=scenario, rulebook=rulebook, team=team, start=start, map_roles=map_roles)
    text = log_template(loaded_scenario, loaded_rulebook, loaded_team, seed=seed,
                        start=week_minute, hours=hours)
    write_or_print(text, output, "skeleton")
