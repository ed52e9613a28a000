"""``drill report``: the after-action report of a drill, as HTML or Markdown."""

from __future__ import annotations

import os

import click

from drills.cli.output import judge_option, lang_option, say_language


@click.command()
@click.argument("log")
@click.option("--rulebook", help="Score with this rulebook (default: the one the log names).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html",
              show_default=True, help="One self-contained HTML file, or Markdown with its "
                                      "images beside it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report here (needed for md: its images go beside it); "
                   "default: print the HTML.")
@click.option("--db", metavar="PATH",
              help="The history store, for a drill given by its id.")
@click.option("--strict", is_flag=True,
              help="Refuse (exit 2) a hand-written log out of time order instead of sorting "
                   "it.")
@judge_option
@lang_option
def report(log: str, rulebook: str | None, fmt: str, output: str | None,
           lang: str | None, db: str | None, strict: bool, judge: tuple[str, ...]) -> None:
    """Write the after-action report (HSEEP AAR/IP) of a drill: figures, capability
    analysis, response times, conduct and an improvement plan.

    LOG is a drill log (simulated, recorded with --actions, played) or the id of a drill in
    the history store. A Swedish drill gets a Swedish report.

    \b
    Example:
        drill report drill.jsonl -o report.html
        drill report tabletop.jsonl --format md -o aar/report.md
        drill report 12 -o report.html
        drill report play.jsonl --judge x3=met --judge "x5=partly:draft, not signed off"
        drill report sv-drill.jsonl --lang en -o report.html
    """
    from drills.api import RenderedReport, report_drill
    from drills.log.files import atomic_bytes, atomic_text

    if fmt == "md" and not output:
        raise click.UsageError("--format md writes images beside the report: give -o FILE")
    if output:
        from drills.log.files import check_writable

        check_writable(output, "-o")
    if lang is not None:
        lang = say_language(lang, lang)
    prefix = os.path.splitext(os.path.basename(output))[0] if output else "report"
    rendered: RenderedReport
    if not os.path.exists(log) and log.isdigit():
        from drills.api import report_stored

        rendered = report_stored(int(log), db=db, rulebook=rulebook, fmt=fmt,
                                 image_prefix=prefix, lang=lang, judge=judge)
    else:
        from drills.cli.progress import bar

        progress, finish = bar("B")
        try:
            rendered = report_drill(log, rulebook=rulebook, fmt=fmt, image_prefix=prefix,
                                    lang=lang, judge=judge, progress=progress, strict=strict,
                                    warn=lambda message: click.echo(message, err=True))
        finally:
            finish()
    if not output:
        click.echo(rendered.text, nl=False)
        return
    folder = os.path.dirname(os.path.abspath(output))
    for name, data in rendered.images.items():
        atomic_bytes(os.path.join(folder, name), data)
    atomic_text(output, rendered.text)
    extra = f" and {len(rendered.images)} images beside it" if rendered.images else ""
    click.echo(f"report written to {output}{extra}", err=True)
