"""``drill bench``: the speed and memory figures."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--quick", is_flag=True, help="Smaller workloads (a smoke run, not a measurement).")
def bench(as_json: bool, quick: bool) -> None:
    """Measure speed and memory against the project's targets and print the figures.

    \b
    Example:
        drill bench
        drill bench --json > bench.json
    """
    from drills.bench.figures import run_benchmarks

    figures = run_benchmarks(quick=quick, progress=lambda s: click.echo(s, err=True))
    if as_json:
        click.echo(json.dumps(figures, indent=2, sort_keys=True))
    else:
        from drills.bench.figures import render_table

        click.echo(render_table(figures))
