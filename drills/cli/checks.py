"""Commands that check input files: one at a time (lint) and together (check)."""

from __future__ import annotations

import sys

import click

from drills.cli.output import drill_inputs
from drills.inputs.builtins import builtin_names, resolve


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@click.option("--format", "output_format", type=click.Choice(["text", "github", "sarif"]),
              default="text", show_default=True,
              help="github: GitHub Actions annotations; sarif: a SARIF 2.1.0 log.")
def lint(paths: tuple[str, ...], strict: bool, output_format: str) -> None:
    """Check rulebooks, scenarios and teams; print every problem as path:line:col.

    PATHS are files or directories (their .yaml files are checked); a built-in's name
    also works. Exit 2 when there is any error (or any warning with --strict).

    \b
    Example:
        drill lint rules/default.yaml scenarios/
        drill lint --strict my-rulebook.yaml
        drill lint rules/ --format sarif > lint.sarif
    """
    from drills.inputs.lint import expand, lint_file

    files = expand(_name_or_path(p) for p in paths)
    diagnostics = [d for f in files for d in lint_file(f)]
    if output_format != "text":
        from drills.validate.ci import Finding, render

        rendered = render([Finding.of(d) for d in diagnostics], output_format, "lint")
        if rendered:
            click.echo(rendered)
    for diag in diagnostics if output_format == "text" else ():  # stdout, as linters do
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


@click.command()
@drill_inputs
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
def check(scenario: str, rulebook: str, team: str, start: str, map_roles: str | None,
          strict: bool) -> None:
    """Check a scenario, a rulebook and a team together, before a drill.

    Each file may lint clean and still make a poor drill with the others: the team's roles
    must exist in the rulebook; every inject kind should have a rule that can match it;
    someone must work the comments; each approver should be reachable at the start.
    Exit 2 on an error (or a warning with --strict).

    \b
    Example:
        drill check --scenario sv-data-breach --rulebook strict --team skeleton-weekend
        drill check --team ./ours.yaml --rulebook ./ours-rules.yaml --start "sat 21:00"
        drill check --team standard --rulebook ./sv.yaml --map-roles comms_lead=kommunikationschef
    """
    from drills.api import check_drill

    findings = check_drill(scenario=scenario, rulebook=rulebook, team=team, start=start,
                           map_roles=map_roles)
    for finding in findings:
        click.echo(str(finding))
    errors = sum(f.severity == "error" for f in findings)
    # Its own line, saying what was counted: the three files together (each file alone is
    # `drill lint`'s, whose count is another one).
    click.echo(f"{scenario} x {rulebook} x {team} checked together: {errors} error(s), "
               f"{len(findings) - errors} warning(s)", err=True)
    if errors or (strict and findings):
        sys.exit(2)
