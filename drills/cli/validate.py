"""Commands that validate a rulebook change: its unit tests."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click
from click.core import ParameterSource

from drills.cli.output import sweep_options
from drills.cli.progress import bar


def announce(drills: int, workers: int, yes: bool) -> None:
    """Say how big a run is before it starts; past the cap, refuse without ``--yes``."""
    from drills.validate.sweep import check_size, size_text

    check_size(drills, workers, yes)
    click.echo(f"running {size_text(drills, workers)}", err=True)


yes_option = click.option("--yes", is_flag=True,
                          help="Run even when it means more than 20,000 drills.")


def with_progress(run: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any
                  ) -> dict[str, Any]:
    """``run(..., progress=...)`` with a progress bar on a terminal (none when piped)."""
    report, finish = bar("drills")
    try:
        return run(*args, progress=report, **kwargs)
    finally:
        finish()


def _print(document: dict[str, Any], as_text: Callable[[dict[str, Any], str], str],
           as_json: bool, markdown: bool) -> None:
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(document, "github" if markdown else "simple"))


format_option = click.option(
    "--format", "output_format", type=click.Choice(["text", "github", "sarif"]),
    default="text", show_default=True,
    help="github: also GitHub Actions annotations (file, line, column); sarif: a SARIF 2.1.0 "
         "log on stdout instead of the text.")


def _ci_output(findings: list[Any], output_format: str, command: str) -> None:
    from drills.validate.ci import render

    if output_format != "text" and (findings or output_format == "sarif"):
        click.echo(render(findings, output_format, command))


@click.command("test")
@click.argument("paths", nargs=-1, required=True, metavar="[RULEBOOK] TESTS...")
@click.option("-k", "keyword", metavar="TEXT",
              help="Run only the tests whose name contains TEXT (case-insensitive).")
@click.option("--junit", type=click.Path(dir_okay=False),
              help="Also write the results as JUnit XML here (for CI systems); written even "
                   "when a test fails or a file is broken.")
@click.option("--coverage", "show_coverage", is_flag=True,
              help="Also report (on stderr) which rules the tests assert to fire and which "
                   "condition branches their inputs decide.")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None,
              help="Exit 1 when the tests assert fewer than this percent of the enabled "
                   "rules to fire (implies --coverage).")
@format_option
def test_cmd(paths: tuple[str, ...], keyword: str | None, junit: str | None,
             show_coverage: bool, min_coverage: float | None, output_format: str) -> None:
    """Run unit tests for a rulebook's rules: inputs at times, expected firings.

    Each TESTS file is a YAML file of tests (docs/rulebook-tests.md) and names its rulebook
    (``rulebook:``); a RULEBOOK first (a built-in's name or a path) runs the tests against it
    instead: last release's tests against your changed copy. One line per test; a failure
    shows what was expected and what happened, with the test's path:line. Exit 1 when a test
    fails, 2 on a bad file.

    \b
    Example:
        drill test rules/tests/default.yaml
        drill test ./my-rules.yaml tests/*.yaml --junit results.xml
        drill test rules/tests/default.yaml -k press --format github
        drill test rules/tests/default.yaml --coverage --min-coverage 80
    """
    from drills.api import test_rulebook
    from drills.errors import Diagnostic, InputError
    from drills.inputs.builtins import resolve
    from drills.validate.ci import Finding

    first = paths[0]
    rulebook, files = _split_rulebook(paths)
    broken: list[Diagnostic] = []
    try:
        results = test_rulebook(rulebook, files, keyword=keyword, broken=broken)
    except InputError as exc:  # the rulebook itself: nothing ran
        broken += exc.diagnostics or [Diagnostic(rulebook or first, 1, 1, str(exc))]
        results = []
    if junit:
        from drills.log.files import atomic_text
        from drills.validate.junit import junit_xml

        atomic_text(junit, junit_xml(results, rulebook or "rule tests", broken))
    findings = [Finding.of(d, "rule-test-file") for d in broken] + [
        Finding(r.path, r.test.line, 1, f"{r.test.name}: {'; '.join(r.failures)}", "error",
                "rule-test-failed") for r in results if not r.passed]
    if output_format != "sarif":
        for result in results:
            where = f"{result.path}:{result.test.line}"
            click.echo(f"{'PASS' if result.passed else 'FAIL'}  {where}  {result.test.name}")
            for failure in result.failures:
                click.echo(f"      {failure}")
    _ci_output(findings, output_format, "test")
    if broken:
        raise InputError(broken)
    if keyword and not results:
        raise click.UsageError(f"-k {keyword!r}: no test name contains it")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed", err=True)
    below = False
    if show_coverage or min_coverage is not None:
        from drills.rulebook.load import load_rulebook
        from drills.validate.cases import load_rule_tests
        from drills.validate.testcoverage import rule_test_coverage, rule_test_coverage_text

        book = load_rulebook(resolve("rulebook", rulebook) if rulebook else
                             load_rule_tests(files[0]).rulebook)
        covered = rule_test_coverage(results, book)
        click.echo(rule_test_coverage_text(covered), err=True)
        if min_coverage is not None and covered["coverage"] < min_coverage:
            click.echo(f"test coverage {covered['coverage']:g}% is below --min-coverage "
                       f"{min_coverage:g}", err=True)
            below = True
    if failed or below:
        sys.exit(1)


def _split_rulebook(paths: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """``[RULEBOOK] TESTS...``: a built-in's name or a rulebook file first, or test files."""
    from drills.inputs.builtins import builtin_names
    from drills.validate.cases import is_test_file

    first = paths[0]
    names_rulebook = first in builtin_names("rulebook") or \
        (os.path.isfile(first) and not is_test_file(first))
    if names_rulebook and len(paths) == 1:
        raise click.UsageError(f"{first} is a rulebook: name a test file too "
                               "([RULEBOOK] TESTS...)")
    return (first, list(paths[1:])) if names_rulebook else (None, list(paths))


@click.command("mutate")
@click.argument("paths", nargs=-1, required=True, metavar="[RULEBOOK] TESTS...")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--min-score", type=click.FloatRange(0, 100), default=None,
              help="Exit 1 when the tests kill fewer than this percent of the mutants.")
def mutate_cmd(paths: tuple[str, ...], as_json: bool, min_score: float | None) -> None:
    """Mutation testing: change the rulebook one thing at a time and see if the tests notice.

    Each mutant halves or doubles a threshold or a deadline, swaps an obligation's role or
    action, or escalates one level lower, in one enabled rule. A mutant no test fails
    against is a change to the protocol the tests would let through.

    \b
    Example:
        drill mutate rules/tests/default.yaml
        drill mutate ./my-rules.yaml tests/rules.yaml --min-score 60 --json
    """
    from drills.inputs.builtins import resolve
    from drills.rulebook.load import load_rulebook
    from drills.validate.cases import load_rule_tests
    from drills.validate.mutate import mutation_report, mutation_text

    rulebook, files = _split_rulebook(paths)
    cases = [load_rule_tests(path) for path in files]
    book = load_rulebook(resolve("rulebook", rulebook) if rulebook else cases[0].rulebook)
    document = mutation_report(book, cases)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False) if as_json else
               mutation_text(document))
    if min_score is not None and document["score"] < min_score:
        click.echo(f"mutation score {document['score']:g}% is below --min-score "
                   f"{min_score:g}", err=True)
        sys.exit(1)


@click.command("coverage")
@click.argument("rulebook")
@sweep_options(seeds=3)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to run drills in (default: the number of cores; results do not "
                   "depend on it).")
@click.option("--json", "as_json", is_flag=True, help="Print the coverage document as JSON.")
@click.option("--markdown", is_flag=True, help="Print Markdown (for a pull-request comment).")
@click.option("--min-coverage", type=click.FloatRange(0, 100),
              help="Exit 1 when fewer than this percent of the rules fired.")
@yes_option
@format_option
def coverage_cmd(rulebook: str, scenarios: str, teams: str, seeds: int, start: str,
                 scheduler: str | None, workers: int | None, as_json: bool, markdown: bool,
                 min_coverage: float | None, yes: bool, output_format: str) -> None:
    """Report what a rulebook exercised over many drills: rules that never fired,
    severity levels never reached, idle roles, forbid entries never triggered, and which
    and/or branches of each condition were ever decisive.

    \b
    Example:
        drill coverage default
        drill coverage ./my-rules.yaml --teams all --seeds 10 --min-coverage 80
        drill coverage strict --json > coverage.json
        drill coverage ./my-rules.yaml --format sarif > coverage.sarif
    """
    import os

    from drills.api import coverage_rulebook
    from drills.validate.report import coverage_text
    from drills.validate.sweep import check_scheduler, planned

    check_scheduler(scheduler)
    workers = workers or os.cpu_count() or 1
    announce(planned(scenarios, teams, seeds), workers, yes)
    document = with_progress(coverage_rulebook, rulebook, scenarios=scenarios, teams=teams,
                             seeds=seeds, start=start, scheduler=scheduler, workers=workers)
    if output_format != "sarif":
        _print(document, coverage_text, as_json, markdown)
    if output_format != "text":
        from drills.inputs.builtins import resolve
        from drills.validate.coverage import coverage_findings

        _ci_output(coverage_findings(document, resolve("rulebook", rulebook)), output_format,
                   "coverage")
    if min_coverage is not None and document["coverage"] < min_coverage:
        click.echo(f"coverage {document['coverage']}% is below --min-coverage "
                   f"{min_coverage:g}", err=True)
        sys.exit(1)


@click.command("compare")
@click.argument("old")
@click.argument("new")
@sweep_options(seeds=5)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to run drills in (default: the number of cores).")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False),
              help="SQLite cache of drill results (default: the user cache folder, or "
                   "DRILLS_CACHE).")
@click.option("--no-cache", is_flag=True, help="Run every drill afresh; cache nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--markdown", is_flag=True, help="Print Markdown (for a pull-request comment).")
@click.option("--fail-if-worse", "fail_if_worse", is_flag=False, flag_value="independent",
              default=None, metavar="[METRIC,...]",
              help="Exit 1 when NEW's verdict is 'worse' on a primary metric. The list "
                   "declares the primary metrics (default: the rulebook-independent ones).")
@click.option("--margin", "margin", multiple=True, metavar="METRIC=VALUE",
              help="A metric's practical margin: a duration (time_to_first_statement=10m), a "
                   "number in its unit, or a share of OLD's mean (negative_reach=5%). "
                   "Repeatable.")
@click.option("--max-pages-per-role", type=click.FloatRange(min=0), default=None,
              metavar="N", help="Exit 1 when NEW pages any role more than N times a drill "
                                "on average.")
@yes_option
def compare_cmd(old: str, new: str, scenarios: str, teams: str, seeds: int, start: str,
                scheduler: str | None, workers: int | None, cache_path: str | None,
                no_cache: bool, as_json: bool, markdown: bool,
                fail_if_worse: str | None, margin: tuple[str, ...],
                max_pages_per_role: float | None, yes: bool) -> None:
    """Compare two rulebooks over the same drills (scenario x team x seed), pair by pair.

    Leads with measures that do not depend on the rulebook (a rulebook that demands less
    scores higher against itself): time to the first statement, statements, stale share,
    negative reach, peak mentions, time to calm, violations. Each metric gets a verdict:
    worse or better (beyond its practical margin), equivalent (within it) or inconclusive,
    by one-sided t-tests, Holm-corrected across the primary metrics. The verdict comes
    first in every output form.

    \b
    Example:
        drill compare default ./new-rules.yaml --seeds 20
        drill compare default strict --teams all --markdown > comment.md
        drill compare default ./new.yaml --fail-if-worse --max-pages-per-role 20
        drill compare default ./new.yaml --fail-if-worse negative_reach,statements
        drill compare default ./new.yaml --fail-if-worse --margin time_to_first_statement=10m
        drill compare old.yaml new.yaml    # settings from drills.toml or [tool.drills.compare]
    """
    from drills.api import compare_rulebooks
    from drills.validate.cache import default_path
    from drills.validate.compare import Interrupted
    from drills.validate.decision import margins, parse_margin_options, primary_metrics
    from drills.validate.project import project_settings
    from drills.validate.report import compare_text, over_pages, verdict_line
    from drills.validate.sweep import check_scheduler, planned

    check_scheduler(scheduler)
    source, settings = project_settings("compare")
    if source:
        ctx = click.get_current_context()

        def unset(name: str) -> bool:
            return ctx.get_parameter_source(name) is ParameterSource.DEFAULT

        scenarios = settings["scenarios"] if "scenarios" in settings and unset("scenarios") \
            else scenarios
        teams = settings["teams"] if "teams" in settings and unset("teams") else teams
        seeds = settings["seeds"] if "seeds" in settings and unset("seeds") else seeds
        start = settings["start"] if "start" in settings and unset("start") else start
        workers = settings.get("workers", workers) if unset("workers") else workers
        cache_path = settings.get("cache", cache_path) if unset("cache_path") else cache_path
        if "max_pages_per_role" in settings and unset("max_pages_per_role"):
            max_pages_per_role = float(settings["max_pages_per_role"])
        if "fail_if_worse" in settings and unset("fail_if_worse"):
            gate = settings["fail_if_worse"]
            fail_if_worse = ("independent" if gate else None) if isinstance(gate, bool) \
                else gate
        margin = (*(f"{k}={v}" for k, v in settings.get("margins", {}).items()), *margin)
        click.echo(f"settings from {source}", err=True)
    primary = primary_metrics(None if fail_if_worse in (None, "independent")
                              else fail_if_worse)
    overrides = parse_margin_options(margin)
    margins(overrides)  # a bad margin fails before any drill runs
    workers = workers or os.cpu_count() or 1
    announce(planned(scenarios, teams, seeds, per_drill=2), workers, yes)
    report, finish = bar("drills")
    try:
        document = compare_rulebooks(old, new, scenarios=scenarios, teams=teams, seeds=seeds,
                                     start=start, workers=workers,
                                     cache=None if no_cache else cache_path or default_path(),
                                     progress=report, scheduler=scheduler, primary=primary,
                                     margins=overrides)
    except KeyboardInterrupt as stop:
        finish()
        click.echo(stop.message() if isinstance(stop, Interrupted) else
                   "interrupted before any drill finished", err=True)
        sys.exit(130)
    finish()
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(compare_text(document, "github" if markdown else "simple",
                                max_pages_per_role))
    worse = document["verdict"]["worse"] if fail_if_worse is not None else []
    pages = over_pages(document, max_pages_per_role)
    if worse or pages:
        click.echo(verdict_line(document, max_pages_per_role), err=True)
        sys.exit(1)


@click.command("sweep")
@click.option("--team", default="standard", show_default=True,
              help="The team to vary (a built-in's name or a path).")
@click.option("--rulebook", default="default", show_default=True,
              help="A built-in rulebook's name or a path.")
@click.option("--vary", multiple=True, metavar="NAME=V1,V2,...",
              help="A parameter and its values (repeat for more): ack_within, on_call, "
                   "response, a team habit, or per role ROLE.ack_within / ROLE.response.")
@click.option("--scenarios", default="all", show_default=True,
              help="'all' or a comma-separated list of scenario names or paths.")
@click.option("--seeds", type=click.IntRange(min=1), default=50, show_default=True,
              help="Seeds per scenario and combination.")
@click.option("--start", default="mon 09:00", show_default=True,
              help="When each drill starts: 'fri 17:30'.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to run drills in (default: the number of cores).")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Run the drills on a Dask distributed cluster.")
@click.option("--json", "as_json", is_flag=True, help="Print the sweep as JSON.")
@click.option("--markdown", is_flag=True, help="Print Markdown tables.")
@yes_option
def sweep_cmd(team: str, rulebook: str, vary: tuple[str, ...], scenarios: str, seeds: int,
              start: str, workers: int | None, scheduler: str | None, as_json: bool,
              markdown: bool, yes: bool) -> None:
    """A Monte Carlo over staffing: how likely is each outcome, per combination?

    For every combination of the varied parameters, the same seeded drills run; each
    outcome (a statement within the hour, the holding statement on time, approvals,
    nothing missed, calm, no violations) gets a probability with a 95% Wilson interval.

    \b
    Example:
        drill sweep --team standard --vary ack_within=5m,10m,15m,30m --vary on_call=1,2 --seeds 200
        drill sweep --team ./ours.yaml --vary response=0.5,1,2 --scenarios sv-data-breach --json
        drill sweep --vary legal.ack_within=15m,30m,60m --vary legal.response=0.5,1
    """
    import os

    from drills.api import sweep_team
    from drills.inputs.builtins import resolve
    from drills.rulebook.load import load_rulebook
    from drills.validate.report import sweep_text
    from drills.validate.staffing import check_roles, combinations, parse_vary
    from drills.validate.sweep import check_scheduler, planned

    check_scheduler(scheduler)
    varied = parse_vary(vary)
    check_roles(varied, load_rulebook(resolve("rulebook", rulebook)))
    workers = workers or os.cpu_count() or 1
    announce(planned(scenarios, team, seeds, len(combinations(varied))), workers, yes)
    document = with_progress(sweep_team, vary=vary, rulebook=rulebook, team=team,
                             scenarios=scenarios, seeds=seeds, start=start, scheduler=scheduler,
                             workers=workers)
    _print(document, sweep_text, as_json, markdown)
