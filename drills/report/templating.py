"""The HTML of reports: Jinja2 templates (``drills/report/templates``), autoescaped. A log is
user input, and a post that says ``<img onerror=...>`` must show as text: no template marks
anything ``|safe``."""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("drills.report", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
    env.filters["base64"] = _base64
    return env


def render_page(name: str, **context: Any) -> str:
    """The page ``name`` (``report.html``, ``history.html``) filled with ``context``."""
    return environment().get_template(name).render(**context)
