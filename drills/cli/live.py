"""Commands for drills with people in them: ``play``, ``replay``, ``actions``."""

from __future__ import annotations

import sys
import time

import click

from drills.cli.drills import _print_score
from drills.cli.output import drill_inputs, lang_option, say_language
from drills.cli.recording import store_options
from drills.drive.clock import DEFAULT_SPEED, MAX_SPEED


@click.command()
@drill_inputs
@click.option("--role", "roles", multiple=True, metavar="ROLE",
              help="The role you play (repeatable; default comms_lead). Every other role "
                   "is simulated.")
@click.option("--as", "name", default="trainee", show_default=True,
              help="Your name in the log and the report.")
@click.option("--speed", type=click.FloatRange(0, MAX_SPEED), default=DEFAULT_SPEED,
              show_default=True,
              help="Simulated seconds per second: 1 real time, 60 an hour a minute, 0 only "
                   "'wait' moves time.")
@click.option("--seed", type=click.IntRange(min=0),
              help="The seed of the crisis (drawn and printed when omitted, so the drill "
                   "can be played again).")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True, max=24 * 31),
              help="Play only this many hours (default: the scenario's duration).")
@click.option("--locale", help="Play the scenario in another of its locales (sv_SE, ...).")
@click.option("--log", "log", type=click.Path(dir_okay=False),
              help="Write the drill log here (default: play-DATE-TIME.jsonl); written "
                   "atomically when the drill ends, on quit or on Ctrl-C.")
@click.option("--plain", is_flag=True,
              help="Line mode on stdin/stdout (screen readers, scripts) instead of the "
                   "full-screen terminal UI.")
@click.option("--pause-on-page", is_flag=True,
              help="Stop the clock whenever something pages you ('resume' goes on).")
@click.option("--again", "again", type=click.Path(dir_okay=False), metavar="LOG",
              help="Play the crisis of an earlier session again (its scenario, seed, start, "
                   "role, team and rulebook) and compare the two attempts at the end.")
@store_options
@lang_option
def play(scenario: str, rulebook: str, team: str, start: str, map_roles: str | None,
         roles: tuple[str, ...], name: str, speed: float, seed: int | None,
         hours: float | None,
         locale: str | None, log: str | None, plain: bool, pause_on_page: bool,
         again: str | None, db: str | None, no_store: bool, lang: str | None) -> None:
    """Practise alone: play a role in a live drill while the rest of the team is simulated.

    Pages and obligations wait for you; if you do not acknowledge in time, the page goes to
    the simulated backup. Type 'help' for the commands (ack, do, act, approve, wait, ...).
    At the end the drill is scored like any other, with coaching on what you wrote.

    \b
    Example:
        drill play
        drill play --scenario sv-data-breach --locale sv_SE --role comms_lead --as Ana
        drill play --plain --speed 0 --seed 3 --log practice.jsonl < commands.txt
        drill play --again practice.jsonl --pause-on-page
        drill play --scenario sv-data-breach --lang en
    """
    from drills.play.session import play_session

    if not name.strip():
        raise click.BadParameter("give a name", param_hint="--as")
    from drills.cli.drills import drawn_seed
    from drills.cli.recording import recording, saved_as
    from drills.log.files import check_writable

    path = log or time.strftime("play-%Y%m%d-%H%M%S.jsonl")
    check_writable(path, "--log")
    earlier = None
    if again is not None:
        from drills.api import attempt_of

        earlier = attempt_of(again)
        scenario, rulebook, team = earlier.scenario, earlier.rulebook, earlier.team
        seed, start, hours, locale = earlier.seed, earlier.start, earlier.hours, earlier.locale
        roles, map_roles = earlier.roles, None
        if name == "trainee" and earlier.name:
            name = earlier.name
    seed = drawn_seed(seed)
    inputs = {"scenario": scenario, "rulebook": rulebook, "team": team}
    with recording(db, no_store, "play", path, inputs) as recorder:
        with play_session(scenario=scenario, rulebook=rulebook, team=team,
                          roles=roles or ("comms_lead",), name=name.strip(), speed=speed,
                          seed=seed, start=start, log=path, locale=locale, hours=hours,
                          map_roles=map_roles, pause_on_page=pause_on_page,
                          wall=time.monotonic, lang=lang) as session:
            lang = say_language(lang, session.live.world.scenario.locale)
            if plain:
                from drills.play.plain import run_plain

                run_plain(session.console, sys.stdin, click.echo,
                          echo=not sys.stdin.isatty())
            else:
                from drills.play.tui import run_tui

                run_tui(session.console)
            document = session.end()
        from drills.api import baseline_log

        document = baseline_log(document, path)
        _print_score(document, False, "simple", lang)
        if earlier is not None:
            from drills.api import compare_attempts

            click.echo("\n".join(compare_attempts(earlier, document, name.strip(), path)))
        recorder.done(document)
    saved = saved_as(path)
    click.echo(session.console.w("log written to {path}; 'drill replay {path}' runs it again",
                                 path=saved), err=True)
    if session.console.interrupted:
        sys.exit(130)


@click.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--log", "out", type=click.Path(dir_okay=False),
              help="Write the replayed log here (atomically).")
@click.option("--json", "as_json", is_flag=True, help="Print the score document as JSON.")
@click.option("--store", "store", is_flag=True,
              help="Record the replayed drill in the history store (not done by default: a "
                   "replay is not another drill).")
@click.option("--db", "db", metavar="PATH",
              help="The history store for --store (default: DRILLS_DB, else the user's data "
                   "folder).")
@click.option("--no-store", "_no_store", is_flag=True, hidden=True,
              help="Not recorded (the default; kept for scripts that said so).")
@click.option("--library", type=click.Path(file_okay=False),
              help="A folder with the scenario, rulebook or team files the drill ran with "
                   "(found by name, content or id) when they are not beside the log.")
def replay(log: str, out: str | None, as_json: bool, store: bool, db: str | None,
           _no_store: bool, library: str | None) -> None:
    """Run a drill again from its log: the header's inputs and the people's actions.

    A drill played live, recorded with --actions or simulated replays byte for byte; the
    command says so, or names the first line that differs (exit 1), which happens when a
    scenario, rulebook or team file changed since.

    \b
    Example:
        drill replay practice.jsonl
        drill replay practice.jsonl --log again.jsonl --json
        drill replay practice.jsonl --store
        drill replay mailed/drill.jsonl --library ./our-scenarios
    """
    from drills.api import replay_drill, replay_inputs
    from drills.cli.recording import recording
    from drills.log.files import check_writable

    if out is not None:
        check_writable(out, "--log")
    with recording(db, not store, "replay", out, replay_inputs(log, library)) as recorder:
        from drills.cli.progress import drill_progress

        progress, finish = drill_progress()
        try:
            result = replay_drill(log, out=recorder.log, library=library, progress=progress)
        finally:
            finish()
        for note in result.notes:
            click.echo(f"warning: {note}", err=True)
        _print_score(result.score, as_json, "simple")
        recorder.done(result.score)
    if result.difference is None:
        click.echo(f"replayed {log}: identical, {result.records:,} records", err=True)
        return
    click.echo(f"replayed {log}: differs from line {result.difference} on (did a scenario, "
               "rulebook or team file change since the drill?)", err=True)
    sys.exit(1)


@click.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the actions file here (default: print it).")
def actions(log: str, output: str | None) -> None:
    """Extract a live drill's human actions as an actions file (docs/actions.md).

    ``drill run --actions FILE`` with the drill's scenario, rulebook, team, seed and start
    runs it again; edit the file to try what the room could have done instead.

    \b
    Example:
        drill actions practice.jsonl -o practice-actions.yaml
        drill run --seed 1 --start "fri 17:30" --actions practice-actions.yaml
    """
    from drills.api import extract_actions
    from drills.cli.output import write_or_print
    from drills.log.files import check_writable

    if output is not None:
        check_writable(output, "-o")
    write_or_print(extract_actions(log), output, "actions")
