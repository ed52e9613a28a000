"""Lay a report out as one self-contained HTML file, or as Markdown with its images beside
it. Every text is escaped here: a log is user input, and a post that says
``<img onerror=...>`` must show as text."""

from __future__ import annotations

import base64
import html
import re

from drills.report.build import Report, Section, Table

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 62em;
       color: #1d1d1d; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { font-size: 1.25em; margin-top: 1.6em;
  border-bottom: 2px solid #2b5fa8; padding-bottom: 0.2em; } h3 { font-size: 1.05em; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #c9c9c9; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; }
th { background: #eef2f8; } table.overview th { width: 14em; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #555; }
.rating { font-weight: bold; } footer { margin-top: 2em; font-size: 0.8em; color: #777; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; } }
"""


def render_html(report: Report) -> str:
    e = _html
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(report.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)}: {e(report.subtitle)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{e(report.title)}</h1>", f'<p class="subtitle">{e(report.subtitle)}</p>',
        '<table class="overview">',
        *(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in report.overview),
        "</table>",
    ]
    for section in report.sections:
        parts.append(_html_section(section))
    parts += [f"<footer>{e(report.footer)}</footer>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _html(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_section(section: Section) -> str:
    e = _html
    parts = [f"<section><h2>{e(section.title)}</h2>"]
    parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
    for figure in section.figures:
        data = base64.b64encode(figure.png).decode("ascii")
        parts.append(f'<figure><img alt="{e(figure.caption or figure.name)}" '
                     f'src="data:image/png;base64,{data}">'
                     + (f"<figcaption>{e(figure.caption)}</figcaption>" if figure.caption
                        else "") + "</figure>")
    for title, table in section.tables:
        if title:
            parts.append(f"<h3>{e(title)}</h3>")
        parts.append(_html_table(table))
    if section.bullets:
        parts.append("<ul>" + "".join(f"<li>{e(b)}</li>" for b in section.bullets) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _html_table(table: Table) -> str:
    e = _html
    head = "".join(f"<th>{e(h)}</th>" for h in table.headers)
    rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                   for row in table.rows)
    return f"<table>{f'<tr>{head}</tr>' if head else ''}{rows}</table>"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: object) -> str:
    """Markdown-safe text: HTML is shown, not run; emphasis and links are not made."""
    escaped = html.escape(str(text), quote=False).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def render_markdown(report: Report, image_prefix: str) -> tuple[str, dict[str, bytes]]:
    """The Markdown text and its images (file name -> PNG), named ``PREFIX-NAME.png``."""
    m = _md
    images: dict[str, bytes] = {}
    lines = [f"# {m(report.title)}", "", f"*{m(report.subtitle)}*", "", "| | |", "|---|---|"]
    lines += [f"| **{m(k)}** | {m(v)} |" for k, v in report.overview]
    for section in report.sections:
        lines += ["", f"## {m(section.title)}", ""]
        for paragraph in section.paragraphs:
            lines += [m(paragraph), ""]
        for figure in section.figures:
            name = f"{image_prefix}-{figure.name}.png"
            images[name] = figure.png
            lines += [f"![{m(figure.caption or figure.name)}]({name})", ""]
            if figure.caption:
                lines += [f"*{m(figure.caption)}*", ""]
        for title, table in section.tables:
            if title:
                lines += [f"### {m(title)}", ""]
            lines += [*_md_table(table), ""]
        lines += [f"- {m(b)}" for b in section.bullets]
    lines += ["", "---", "", m(report.footer)]
    return "\n".join(lines).rstrip() + "\n", images


def _md_table(table: Table) -> list[str]:
    headers = table.headers or [""] * max((len(r) for r in table.rows), default=1)
    out = ["| " + " | ".join(_md(h) for h in headers) + " |",
           "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in table.rows]
    return out
