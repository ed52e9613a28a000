"""The ``drill`` command: every command parses options and calls one library function."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from drills import __version__
from drills.builtins import builtin_names, resolve
from drills.cli.output import emit, fmt_option, output_options
from drills.errors import DrillError, EngineError, InputError, LogError
from drills.feed.limits import MAX_DRILL_HOURS


class DrillGroup(click.Group):
    """Turns our errors into one-line messages and exit codes; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (InputError, LogError) as exc:
            click.echo(f"error: {exc}" if "\n" not in str(exc) and not _positioned(exc)
                       else str(exc), err=True)
            ctx.exit(2)
        except EngineError as exc:
            click.echo(f"engine error: {exc}", err=True)
            ctx.exit(3)
        except DrillError as exc:  # pragma: no cover - every subclass is handled above
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


def _positioned(exc: DrillError) -> bool:
    return isinstance(exc, InputError) and bool(exc.diagnostics)


@click.group(cls=DrillGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="drill")
def cli() -> None:
    """Rehearse social-media crises: generate a crisis, run it against an escalation
    rulebook and a team, and score the response.

    \b
    Example:
        drill list
        drill lint rules/
        drill run --scenario overheating-kettle --team standard --seed 7
    """


@cli.command("list")
@output_options
def list_cmd(as_json: bool, fmt: str) -> None:
    """List the built-in rulebooks, scenarios and teams.

    \b
    Example:
        drill list
        drill list --json
    """
    from drills.describe import builtin_catalogue, catalogue_table

    rows = builtin_catalogue()
    emit(rows if as_json else catalogue_table(rows), as_json=as_json, fmt=fmt,
         headers=["kind", "name", "title"])


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
def lint(paths: tuple[str, ...], strict: bool) -> None:
    """Check rulebooks, scenarios and teams; print every problem as path:line:col.

    PATHS are files or directories (their .yaml files are checked); a built-in's name
    also works. Exit 2 when there is any error (or any warning with --strict).

    \b
    Example:
        drill lint rules/default.yaml scenarios/
        drill lint --strict my-rulebook.yaml
    """
    from drills.lint import expand, lint_file

    files = expand(_name_or_path(p) for p in paths)
    diagnostics = [d for f in files for d in lint_file(f)]
    for diag in diagnostics:  # to stdout, as linters do: `drill lint x > findings.txt`
        click.echo(str(diag))
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    click.echo(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)",
               err=True)
    if errors or (strict and warnings):
        sys.exit(2)


def _name_or_path(value: str) -> str:
    """A built-in's name (of any kind) becomes its path; anything else is left as a path."""
    for kind in ("rulebook", "scenario", "team"):
        if value in builtin_names(kind):
            return resolve(kind, value)
    return value


@cli.group()
def rules() -> None:
    """Inspect rulebooks.

    \b
    Example:
        drill rules show default
    """


@rules.command("show")
@click.argument("rulebook")
@output_options
def rules_show(rulebook: str, as_json: bool, fmt: str) -> None:
    """Show a rulebook's rules as a table (RULEBOOK is a built-in name or a path).

    \b
    Example:
        drill rules show default
        drill rules show ./rules/strict.yaml --fmt github
    """
    from drills.describe import rule_data, rule_rows
    from drills.rulebook.load import load_rulebook

    book = load_rulebook(resolve("rulebook", rulebook))
    emit(rule_data(book) if as_json else rule_rows(book), as_json=as_json, fmt=fmt)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--quick", is_flag=True, help="Smaller workloads (a smoke run, not a measurement).")
def bench(as_json: bool, quick: bool) -> None:
    """Measure speed and memory against the project's targets and print the figures.

    \b
    Example:
        drill bench
        drill bench --json > bench.json
    """
    from drills.bench import run_benchmarks

    figures = run_benchmarks(quick=quick, progress=lambda s: click.echo(s, err=True))
    if as_json:
        click.echo(json.dumps(figures, indent=2, sort_keys=True))
    else:
        from drills.bench import render_table

        click.echo(render_table(figures))


def main() -> None:  # pragma: no cover - console entry point
    cli()


@cli.command()
@click.option("--scenario", "scenario", default="overheating-kettle", show_default=True,
              help="A built-in scenario's name or a path to a scenario YAML file.")
@click.option("--seed", type=int, required=True, help="The seed: same seed, same crisis.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True, max=MAX_DRILL_HOURS),
              help="How many hours to generate (default: the scenario's duration).")
@click.option("--locale", help="Generate in another of the scenario's locales (sv_SE, ...).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl",
              show_default=True, help="JSON Lines (one event per line) or a readable table.")
def feed(scenario: str, seed: int, hours: float | None, locale: str | None, fmt: str) -> None:
    """Print the uncontested feed of a scenario: what the public does if nobody responds.

    Streamed: constant memory for any duration.

    \b
    Example:
        drill feed --scenario overheating-kettle --seed 7 --hours 6 --format table
        drill feed --scenario sv-data-breach --seed 1 > feed.jsonl
    """
    from drills.feed.api import uncontested_feed
    from drills.feed.render import jsonl_lines, table_lines

    events = uncontested_feed(resolve("scenario", scenario), seed=seed, hours=hours,
                              locale=locale)
    lines = jsonl_lines(events) if fmt == "jsonl" else table_lines(events)
    out = sys.stdout
    try:
        for line in lines:
            out.write(line)
        out.flush()
    except BrokenPipeError:  # `drill feed ... | head` is fine
        sys.stderr.close()


@cli.group()
def scenario() -> None:
    """Inspect scenarios.

    \b
    Example:
        drill scenario show overheating-kettle
    """


@scenario.command("show")
@click.argument("name")
@click.option("--locale", help="Show the scenario in another of its locales.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Draw the brand's name as a drill with this seed does.")
@fmt_option
def scenario_show(name: str, locale: str | None, seed: int, fmt: str) -> None:
    """Show a scenario: what it is about, its phases, injects and platform mix.

    \b
    Example:
        drill scenario show overheating-kettle
        drill scenario show ./my-scenario.yaml --fmt github
    """
    from drills.feed.describe import describe_scenario
    from drills.feed.generator import FeedGenerator
    from drills.feed.scenario_load import load_scenario

    loaded = load_scenario(resolve("scenario", name)).localized(locale)
    constants = FeedGenerator(loaded, seed, duration=1.0).constants
    click.echo(describe_scenario(loaded, fmt, constants))


def _start_option(value: str) -> str:
    from drills.team.clock import parse_start

    try:
        parse_start(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@cli.command()
@click.option("--scenario", default="overheating-kettle", show_default=True,
              help="A built-in scenario's name or a path to a scenario YAML file.")
@click.option("--rulebook", default="default", show_default=True,
              help="A built-in rulebook's name or a path.")
@click.option("--team", default="standard", show_default=True,
              help="A built-in team's name or a path.")
@click.option("--seed", type=click.IntRange(min=0),
              help="The seed (drawn and printed when omitted, so the run can be repeated).")
@click.option("--start", default="mon 09:00", show_default=True,
              callback=lambda _c, _p, v: _start_option(v),
              help="When the crisis breaks, team-local weekday and time: 'fri 17:30'.")
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
def run(scenario: str, rulebook: str, team: str, seed: int | None, start: str,
        hours: float | None, locale: str | None, log: str | None, log_feed: str,
        as_json: bool, fmt: str, fail_under: float | None) -> None:
    """Run a drill: a crisis against a rulebook and a team, scored.

    Prints the after-action report: score and HSEEP-style rating, obligations, violations,
    response times and the three most important improvements.

    \b
    Example:
        drill run
        drill run --scenario sv-data-breach --team skeleton-weekend --start "sat 21:00" --seed 3
        drill run --rulebook strict --team understaffed --seed 7 --log drill.jsonl --json
        drill run --seed 7 --fail-under 70
    """
    from drills.api import run_drill

    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
        click.echo(f"seed {seed} (repeat this drill with --seed {seed})", err=True)
    from drills.cli.progress import drill_progress

    report, finish = drill_progress()
    try:
        result = run_drill(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                           start=start, log=log, log_feed=log_feed, hours=hours,
                           locale=locale, progress=report)
    finally:
        finish()
    _print_score(result.score, as_json, fmt)
    if log:
        click.echo(f"log written to {log} ({result.records:,} records)", err=True)
    _check_threshold(result.score, fail_under)


@cli.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--rulebook", help="Score with this rulebook (default: the one the log names).")
@click.option("--json", "as_json", is_flag=True, help="Print the score document as JSON.")
@fmt_option
@click.option("--fail-under", type=click.FloatRange(0, 100),
              help="Exit 1 when the score is below this.")
def score(log: str, rulebook: str | None, as_json: bool, fmt: str,
          fail_under: float | None) -> None:
    """Score a saved drill log: exactly the score the run printed.

    Also scores hand-written logs of tabletop sessions (see docs/log.md).

    \b
    Example:
        drill score drill.jsonl
        drill score tabletop.jsonl --rulebook ./rules/acme.yaml --json
    """
    from drills.api import score_drill

    document = score_drill(log, rulebook=rulebook)
    for warning in document.get("warnings") or ():
        click.echo(f"warning: {warning}", err=True)
    _print_score(document, as_json, fmt)
    _check_threshold(document, fail_under)


def _print_score(document: dict[str, Any], as_json: bool, fmt: str) -> None:
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        from drills.score.report import render_report

        click.echo(render_report(document, fmt))


def _check_threshold(document: dict[str, Any], fail_under: float | None) -> None:
    if fail_under is not None and document["score"] < fail_under:
        click.echo(f"score {document['score']} is below --fail-under {fail_under:g}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover - python -m drills.cli.main
    cli()
