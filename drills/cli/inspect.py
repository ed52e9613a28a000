"""Commands that show what is there: built-ins, rulebooks, scenarios and feeds."""

from __future__ import annotations

import sys

import click

from drills.cli.output import emit, fmt_option, output_options
from drills.feed.limits import MAX_DRILL_HOURS
from drills.inputs.builtins import resolve


@click.command("list")
@output_options
def list_cmd(as_json: bool, fmt: str) -> None:
    """List the built-in rulebooks, scenarios and teams.

    \b
    Example:
        drill list
        drill list --json
    """
    from drills.inputs.describe import builtin_catalogue, catalogue_table

    rows = builtin_catalogue()
    emit(rows if as_json else catalogue_table(rows), as_json=as_json, fmt=fmt,
         headers=["kind", "name", "title"])


@click.group()
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
    from drills.inputs.describe import rule_data, rule_rows
    from drills.rulebook.load import load_rulebook

    book = load_rulebook(resolve("rulebook", rulebook))
    emit(rule_data(book) if as_json else rule_rows(book), as_json=as_json, fmt=fmt)


@click.command()
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


@click.group()
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
