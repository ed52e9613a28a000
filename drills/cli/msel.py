"""``drill import msel`` and ``drill script``: exercise scripts in and out."""

from __future__ import annotations

import click

from drills.exercise.columns import FIELDS, PRESETS


@click.group("import")
def import_group() -> None:
    """Import what facilitators start from: an exercise script (MSEL, chronogramme).

    \b
    Example:
        drill import msel rempar25.xlsx --preset murail --lang fr -o rempar
    """


@import_group.command("msel")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--sheet", help="The sheet to read (default: the first).")
@click.option("--preset", type=click.Choice(sorted(PRESETS)),
              help="Column names of a known tool (Murail, OpenAEV, HSEEP).")
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD",
              help=f"Name a column's meaning; FIELD one of {', '.join(FIELDS)}. Repeatable.")
@click.option("--start", help="The exercise's start time (default: the first absolute time "
                              "in the sheet), like 09:30.")
@click.option("--lang", type=click.Choice(["en", "fr", "sv"]), default="en",
              show_default=True, help="The language of the sheet's texts.")
@click.option("--no-background", is_flag=True,
              help="No generated posts around the script's own (the feed is the script).")
@click.option("--strict", is_flag=True, help="Fail (exit 2) on any bad row.")
@click.option("-o", "--output", default="exercise", show_default=True,
              type=click.Path(file_okay=False), help="The folder to write to.")
def import_msel(file: str, sheet: str | None, preset: str | None, mapping: tuple[str, ...],
                start: str | None, lang: str, no_background: bool, strict: bool,
                output: str) -> None:
    """Turn a Master Scenario Events List (or a chronogramme) into a drill.

    Reads .xlsx or .csv; finds the header row wherever it is, in French or English; reads
    Excel times, 09h30, 26/06/2024 09h00 and relative times (J+1 H+2, T+2, M-5, +01:30);
    section rows become phases; writes OUTPUT/scenario.yaml, team.yaml and rulebook.yaml,
    checked to load and run. Every bad row is reported as file:sheet:row:column; --strict
    makes it fail. A sheet takes at most 2,500 filled rows.

    \b
    Example:
        drill import msel rempar25.xlsx --preset murail --lang fr -o rempar
        drill run --scenario rempar/scenario.yaml --rulebook rempar/rulebook.yaml \\
            --team rempar/team.yaml
        drill import msel script.csv --map "Heure de jeu=time" --start 09:30 --strict
        drill import msel injects.xlsx --preset openaev --start 09:00 -o hospital
    """
    from drills.api import import_msel as run_import

    imported = run_import(file, output=output, sheet=sheet, preset=preset, mapping=mapping,
                          start=start, lang=lang, strict=strict,
                          background=not no_background)
    first, last = imported.span
    click.echo(f"imported {imported.rows} row(s) into {output}/ (scenario.yaml, team.yaml, "
               "rulebook.yaml)")
    click.echo(f"roles found: {', '.join(imported.roles)}")
    click.echo(f"time span: {first / 60:+.2f} h to {last / 60:+.2f} h from the start"
               + (f"; {imported.preparation} preparation row(s) before the start kept at "
                  "the start, in order" if imported.preparation else "")
               + (f"; {imported.breaks} break(s)" if imported.breaks else ""))
    for where, title, at in imported.phases:
        click.echo(f"phase {title!r} from {at / 60:+.2f} h (row {where})")
    for where, title in imported.notes:
        click.echo(f"note {where}: section {title!r} kept in the scenario's description "
                   "(no rows of its own in time order)")
    for line in imported.skipped:
        click.echo(f"skipped {line}")
    for line in imported.bad:
        click.echo(f"bad row {line}", err=True)
    click.echo(f"run it: drill run --scenario {output}/scenario.yaml --rulebook "
               f"{output}/rulebook.yaml --team {output}/team.yaml --start "
               f"\"mon {imported.start}\"", err=True)


@click.command("script")
@click.argument("scenario")
@click.option("--rulebook", default="default", show_default=True,
              help="The rulebook whose expected actions, roles and deadlines are listed.")
@click.option("--team", default="standard", show_default=True,
              help="The team of the simulated run the key moments come from.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option("--start", default="mon 09:00", show_default=True)
@click.option("--locale", help="The scenario in another of its locales.")
@click.option("--map-roles", metavar="TEAM=RULEBOOK,...",
              help="Rename the team's roles to the rulebook's, as the drill was run.")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "xlsx", "html"]),
              default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write it here (needed for xlsx); default: print it.")
def script_cmd(scenario: str, rulebook: str, team: str, seed: int, start: str,
               locale: str | None, map_roles: str | None, fmt: str,
               output: str | None) -> None:
    """Print the MSEL of a drill, to run it on paper in a room without laptops.

    The scripted injects and the key moments of the seeded crisis (severity rising, press
    and regulator inquiries, influencer posts, misinformation), each with the rulebook's
    expected actions, roles and deadlines, in HSEEP's columns. The xlsx imports again with
    'drill import msel' (the generated moments are skipped).

    \b
    Example:
        drill script overheating-kettle
        drill script sv-data-breach --format xlsx -o msel.xlsx
        drill script rumour-wave --rulebook strict --seed 3 --format html -o msel.html
        drill script rempar/scenario.yaml --rulebook rempar/rulebook.yaml \\
            --team rempar/team.yaml --start "mon 09:30" --format xlsx -o rempar.xlsx
    """
    from drills.api import exercise_script
    from drills.cli.output import write_or_print
    from drills.log.files import atomic_bytes

    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx is a binary file: give -o FILE")
    result = exercise_script(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                             start=start, fmt=fmt, locale=locale, map_roles=map_roles)
    if isinstance(result, bytes):
        assert output is not None
        atomic_bytes(output, result)
        click.echo(f"MSEL written to {output}", err=True)
    else:
        write_or_print(result, output, "MSEL")
