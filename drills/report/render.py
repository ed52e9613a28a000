"""Lay a report out as one self-contained HTML file (a Jinja2 template, autoescaped), or as
Markdown with its images beside it. Every text is escaped: a log is user input, and a post
that says ``<img onerror=...>`` must show as text."""

from __future__ import annotations

import html
import re

from drills.report.build import Report, Table
from drills.report.templating import render_page


def render_html(report: Report) -> str:
    """One self-contained page: styles inline, figures as data URLs (it opens offline)."""
    return render_page("report.html", report=report)


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
