"""A safe formatter for response templates: ``{name}`` placeholders and nothing else.

``str.format`` would let a template reach attributes (``{brand.__class__}``); this one only
substitutes whole names from a fixed set. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def placeholders(template: str) -> list[tuple[int, str]]:
    """``(offset, name)`` of every placeholder; raises ValueError at a malformed brace."""
    found: list[tuple[int, str]] = []
    for match in _TOKEN.finditer(template):
        text = match.group(0)
        if text in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise ValueError(f"unmatched {text!r} at column {match.start() + 1} "
                             "(write {{ or }} for a literal brace)")
        if not _NAME.match(name):
            raise ValueError(f"placeholder {{{name}}} must be a plain name like {{brand}}")
        found.append((match.start(), name))
    return found


def placeholder_problems(template: str, allowed: Iterable[str]) -> list[tuple[int | None, str]]:
    """What is wrong with ``template``'s placeholders, as (offset or None, message): the
    one check every file kind with templates runs."""
    from drills.inputs.validation import suggest

    try:
        found = placeholders(template)
    except ValueError as exc:
        return [(None, f"template: {exc}")]
    names = sorted(allowed)
    return [(offset, f"placeholder {{{name}}} is not provided{suggest(name, names)}; "
                     f"available: {', '.join(names)}")
            for offset, name in found if name not in names]


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill every placeholder; a name missing from ``values`` raises KeyError."""

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "{{":
            return "{"
        if text == "}}":
            return "}"
        name = match.group(1)
        if name is None or not _NAME.match(name):
            raise ValueError(f"malformed template near {text!r}")
        return str(values[name])

    return _TOKEN.sub(replace, template)
