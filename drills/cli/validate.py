"""Commands that validate a rulebook change: its unit tests."""

from __future__ import annotations

import sys

import click


@click.command("test")
@click.argument("rulebook")
@click.argument("test_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--junit", type=click.Path(dir_okay=False),
              help="Also write the results as JUnit XML here (for CI systems).")
def test_cmd(rulebook: str, test_files: tuple[str, ...], junit: str | None) -> None:
    """Run unit tests for a rulebook's rules: inputs at times, expected firings.

    RULEBOOK is a built-in's name or a path; each TEST_FILE is a YAML file of tests
    (docs/rulebook-tests.md). One line per test; a failure shows what was expected and
    what happened, with the test's path:line. Exit 1 when a test fails, 2 on a bad file.

    \b
    Example:
        drill test default rules/tests/default.yaml
        drill test ./my-rules.yaml tests/*.yaml --junit results.xml
    """
    from drills.api import test_rulebook

    results = test_rulebook(rulebook, list(test_files))
    for result in results:
        where = f"{result.path}:{result.test.line}"
        click.echo(f"{'PASS' if result.passed else 'FAIL'}  {where}  {result.test.name}")
        for failure in result.failures:
            click.echo(f"      {failure}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results)} passed, {failed} failed" if not failed else
               f"{len(results) - failed} passed, {failed} failed", err=True)
    if junit:
        from drills.logfile import atomic_text
        from drills.validate.junit import junit_xml

        atomic_text(junit, junit_xml(results, rulebook))
    if failed:
        sys.exit(1)
