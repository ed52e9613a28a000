"""The HTML of the pages and reports: one base template, autoescaped, user text never marked
safe, and page data for scripts only as JSON (``|tojson``)."""

from __future__ import annotations

import json
import re
from importlib import resources

from drills.report.build import Figure, Report, Section, Table
from drills.report.render import render_html
from drills.serve.pages import render, templates

HOSTILE = '</script><script>alert(1)</script><img src=x onerror="x()">\'&'


def _template_texts(package: str) -> dict[str, str]:
    folder = resources.files(package).joinpath("templates")
    return {item.name: item.read_text("utf-8") for item in folder.iterdir()}


def test_no_template_marks_anything_safe() -> None:
    for package in ("drills.serve", "drills.report"):
        texts = _template_texts(package)
        assert texts
        for name, text in texts.items():
            assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, name
    assert templates().autoescape is True or templates().autoescape("x.html")


def test_every_page_extends_the_one_base() -> None:
    texts = _template_texts("drills.serve")
    pages = [n for n in texts if not n.startswith("_") and n != "base.html"]
    assert sorted(pages) == ["evaluator.html", "facilitator.html", "message.html",
                             "participant.html", "room.html"]
    assert all(texts[n].startswith('{% extends "base.html" %}') for n in pages)
    assert sum("<head>" in t for t in texts.values()) == 1


def test_hostile_text_in_a_page_is_text_and_page_data_is_json() -> None:
    html = render("participant", role=HOSTILE, scripts=["common", "participant"],
                  page={"drill": "abc", "code": HOSTILE, "role": HOSTILE}).body.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    block = re.search(r'<script type="application/json" id="page">(.*?)</script>', html, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == {"drill": "abc", "code": HOSTILE, "role": HOSTILE}
    assert html.count("<script") == 3  # the data block and the two scripts, nothing else
    message = render("message", title=HOSTILE, message=HOSTILE).body.decode()
    assert "&lt;/script&gt;&lt;script&gt;" in message and "<img" not in message


def test_the_report_template_escapes_every_text() -> None:
    table = Table([HOSTILE], [[HOSTILE]])
    section = Section(HOSTILE, [HOSTILE], [Figure("f", b"\x89PNG", HOSTILE)],
                      [(HOSTILE, table)], [HOSTILE])
    html = render_html(Report("en", HOSTILE, HOSTILE, [(HOSTILE, HOSTILE)], [section],
                              HOSTILE))
    body = html.split("<body>", 1)[1]
    assert "<script" not in body and "<img src=x" not in body
    assert body.count("&lt;/script&gt;&lt;script&gt;alert(1)") == 13
    assert 'src="data:image/png;base64,iVBORw=="' in body
