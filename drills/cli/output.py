"""One output decorator: every listing command gets the same ``--json`` and ``--fmt``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from tabulate import tabulate, tabulate_formats

F = TypeVar("F", bound=Callable[..., Any])


def fmt_option(func: F) -> F:
    """``--fmt``: any tabulate table format."""
    return click.option("--fmt", type=click.Choice(sorted(tabulate_formats)), default="simple",
                        metavar="FORMAT", show_default=True,
                        help="Table format: any tabulate format (github, grid, ...).")(func)


def write_or_print(text: str, output: str | None, what: str) -> None:
    """``-o FILE`` writes atomically and says so on stderr; without it, print."""
    if output is None:
        click.echo(text, nl=False)
        return
    from drills.log.files import atomic_text, check_writable

    check_writable(output, "-o")
    atomic_text(output, text)
    click.echo(f"{what} written to {output}", err=True)


def _valid_lang(_ctx: click.Context, _param: click.Parameter, value: str | None
                ) -> str | None:
    import re

    if value is not None and not re.fullmatch(r"[A-Za-z]{2,3}(?:[_-][A-Za-z]{2})?", value):
        raise click.BadParameter(f"{value!r} is not a language code (en, sv, fr_FR)")
    return value


def lang_option(func: F) -> F:
    """``--lang``: the screens' language instead of the drill's own (a code without a
    catalogue reads English, and the command says so once on stderr)."""
    return click.option("--lang", metavar="CODE", callback=_valid_lang,
                        help="Show it in this language (en, sv) instead of the drill's "
                             "own; a language without a catalogue reads English.")(func)


def say_language(requested: str | None, own: str) -> str:
    """The screens' language (drills.i18n.catalogue.screen_language), saying on stderr when
    it falls back to English."""
    from drills.i18n.catalogue import screen_language

    lang, notice = screen_language(requested, own)
    if notice is not None:
        click.echo(notice, err=True)
    return lang


def judge_option(func: F) -> F:
    """``--judge``: the facilitator's verdict on an exercise objective, in the score."""
    return click.option("--judge", multiple=True, metavar="ID=STATUS[:COMMENT]",
                        help="Judge an exercise objective after the drill: met, partly or "
                             "missed, with an optional comment (a reaction the log did not "
                             "see). Repeatable.")(func)


def output_options(func: F) -> F:
    """``--json`` and ``--fmt`` for every listing command."""
    func = fmt_option(func)
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON instead of a table.")(func)


def emit(rows: Sequence[dict[str, Any]], *, as_json: bool, fmt: str,
         headers: Sequence[str] | None = None) -> None:
    """Print ``rows`` as JSON or as a table with ``headers`` (default: the first row's keys)."""
    if as_json:
        click.echo(json.dumps(list(rows), indent=2, ensure_ascii=False))
        return
    keys = list(headers or (rows[0].keys() if rows else []))
    click.echo(tabulate([[r.get(k, "") for k in keys] for r in rows], headers=keys,
                        tablefmt=fmt))


def _valid_start(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from drills.team.clock import parse_start

    try:
        parse_start(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def drill_inputs(func: F) -> F:
    """``--scenario``, ``--rulebook``, ``--team``, ``--start`` and ``--map-roles``: what every
    command that sets up a drill takes, spelled the same everywhere."""
    options = [
        click.option("--scenario", default="overheating-kettle", show_default=True,
                     help="A built-in scenario's name or a path to a scenario YAML file."),
        click.option("--rulebook", default="default", show_default=True,
                     help="A built-in rulebook's name or a path."),
        click.option("--team", default="standard", show_default=True,
                     help="A built-in team's name or a path."),
        click.option("--start", default="mon 09:00", show_default=True,
                     callback=_valid_start,
                     help="When the crisis breaks, team-local weekday and time: 'fri 17:30' "
                          "(or 'fre 17:30')."),
        click.option("--map-roles", "map_roles", metavar="TEAM=RULEBOOK,...",
                     help="Rename the team's roles to the rulebook's: "
                          "comms_lead=kommunikationschef."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def sweep_options(seeds: int) -> Callable[[F], F]:
    """``--scenarios``, ``--teams``, ``--seeds`` and ``--start``: the drills a validation
    command runs (scenario x team x seed), spelled the same for every such command."""
    def decorate(func: F) -> F:
        options = [
            click.option("--scenarios", default="all", show_default=True,
                         help="'all' or a comma-separated list of scenario names or paths."),
            click.option("--teams", default="standard", show_default=True,
                         help="'all' or a comma-separated list of team names or paths."),
            click.option("--seeds", type=click.IntRange(min=1), default=seeds,
                         show_default=True, help="Seeds per scenario and team (1..N)."),
            click.option("--start", default="mon 09:00", show_default=True,
                         callback=_valid_start, help="When each drill starts: 'fri 17:30'."),
            click.option("--scheduler", metavar="tcp://HOST:PORT",
                         help="Run the drills on a Dask distributed cluster (pip install "
                              "'crisis-drills[cluster]'); results are the same."),
        ]
        for option in reversed(options):
            func = option(func)
        return func
    return decorate
