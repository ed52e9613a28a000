"""``drill history`` and ``drill show``: the drills in the history store."""

from __future__ import annotations

import json

import click
from tabulate import tabulate

from drills.cli.output import lang_option, say_language, write_or_print


@click.command()
@click.option("--team", help="Only this team's drills.")
@click.option("--scenario", help="Only drills of this scenario.")
@click.option("--person", help="This person's attempts by scenario and role, with their own "
                                "scores (not the team's).")
@click.option("--json", "as_json", is_flag=True, help="Print the drills as a JSON list.")
@click.option("--html", "as_html", is_flag=True,
              help="Write the trend chart and the list as one HTML page (with -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write it here.")
@click.option("--db", metavar="PATH",
              help="The history store (default: DRILLS_DB, else the user's data folder).")
@lang_option
def history(team: str | None, scenario: str | None, person: str | None, as_json: bool,
            as_html: bool, output: str | None, db: str | None, lang: str | None) -> None:
    """List the recorded drills, oldest first, with each team's trend.

    Every drill run or played is recorded unless --no-store was given; a replay only with
    --store.

    \b
    Example:
        drill history
        drill history --team standard --json
        drill history --person Ana
        drill history --html -o trend.html
        drill history --html --lang en -o trend.html
    """
    from drills.api import drill_history
    from drills.report.history import history_html

    if person and not as_html:
        from drills.api import person_history

        attempts = [a for a in person_history(person, db=db)
                    if (team is None or a["team"] == team)
                    and (scenario is None or a["scenario"] == scenario)]
        text = json.dumps(attempts, indent=2, ensure_ascii=False) if as_json else \
            _attempts_table(person, attempts)
        if output:
            from drills.log.files import atomic_text

            atomic_text(output, text + "\n")
        else:
            click.echo(text)
        return
    drills = drill_history(db=db, team=team, scenario=scenario, person=person)
    if as_html:
        if lang is not None:
            lang = say_language(lang, lang)
        write_or_print(history_html(drills, lang), output, f"history of {len(drills)} drills")
        return
    text = json.dumps(drills, indent=2, ensure_ascii=False) if as_json else _table(drills)
    if output:
        from drills.log.files import atomic_text

        atomic_text(output, text + "\n")
    else:
        click.echo(text)


def _table(drills: list[dict]) -> str:  # type: ignore[type-arg]
    if not drills:
        return "No drills recorded yet: 'drill run' records one."
    rows = [[d["id"], d["date"], d["kind"], d["scenario"], d["rulebook"], d["team"], d["seed"],
             ", ".join(d["people"]) or "-",
             "-" if d["score"] is None else f"{d['score']:.1f}",
             d["rating"] or ("not rated" if d["score"] is None else "-")]
            for d in drills]
    from drills.report.history import trends

    table = tabulate(rows, headers=["id", "date (UTC)", "kind", "scenario", "rulebook", "team",
                                    "seed", "people", "score", "rating"], tablefmt="simple")
    return table + "\n\nTrend\n" + "\n".join(trends(drills))


def _attempts_table(person: str, attempts: list[dict]) -> str:  # type: ignore[type-arg]
    """A person's attempts grouped by scenario and role, with their own scores."""
    if not attempts:
        return f"No attempts by {person} recorded yet: 'drill play --as {person}' records one."
    parts = []
    groups: dict[tuple[str, str], list[dict]] = {}  # type: ignore[type-arg]
    for a in attempts:
        groups.setdefault((a["scenario"], ", ".join(a["roles"])), []).append(a)
    for (scenario, roles), rows in groups.items():
        scores = [r["score"] for r in rows if r["score"] is not None]
        trend = "" if len(scores) < 2 else f"  (from {scores[0]:.1f} to {scores[-1]:.1f})"
        parts.append(f"{scenario} as {roles}: {len(rows)} attempt"
                     f"{'s' if len(rows) != 1 else ''}{trend}")
        parts.append(tabulate(
            [[r["id"], r["date"], r["seed"], r["start"],
              "-" if r["score"] is None else f"{r['score']:.1f}", r["rating"] or "not rated",
              "-" if r["team_score"] is None else f"{r['team_score']:.1f}"] for r in rows],
            headers=["id", "date (UTC)", "seed", "start", "your score", "rating",
                     "team score"], tablefmt="simple"))
        parts.append("")
    return f"{person}'s attempts (their own scores; the team's beside them)\n\n" + \
        "\n".join(parts).rstrip()


@click.command()
@click.argument("drill_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the score document as JSON.")
@click.option("--db", metavar="PATH",
              help="The history store (default: DRILLS_DB, else the user's data folder).")
def show(drill_id: int, as_json: bool, db: str | None) -> None:
    """Print a recorded drill's report (as 'drill run' printed it).

    \b
    Example:
        drill show 12
        drill report 12 -o report.html     # the full after-action report
    """
    from drills.api import stored_score
    from drills.cli.drills import _print_score

    _print_score(stored_score(drill_id, db), as_json, "simple")
