"""``drill history`` and ``drill show``: the drills in the history store."""

from __future__ import annotations

import json

import click
from tabulate import tabulate

from drills.cli.output import write_or_print


@click.command()
@click.option("--team", help="Only this team's drills.")
@click.option("--scenario", help="Only drills of this scenario.")
@click.option("--person", help="Only drills this person took part in.")
@click.option("--json", "as_json", is_flag=True, help="Print the drills as a JSON list.")
@click.option("--html", "as_html", is_flag=True,
              help="Write the trend chart and the list as one HTML page (with -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write it here.")
@click.option("--db", metavar="PATH",
              help="The history store (default: DRILLS_DB, else the user's data folder).")
def history(team: str | None, scenario: str | None, person: str | None, as_json: bool,
            as_html: bool, output: str | None, db: str | None) -> None:
    """List the recorded drills, oldest first, with each team's trend.

    Every drill run or played is recorded unless --no-store was given; a replay only with
    --store.

    \b
    Example:
        drill history
        drill history --team standard --json
        drill history --person Ana
        drill history --html -o trend.html
    """
    from drills.api import drill_history
    from drills.report.history import history_html

    drills = drill_history(db=db, team=team, scenario=scenario, person=person)
    if as_html:
        write_or_print(history_html(drills), output, f"history of {len(drills)} drills")
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
