"""A safe formatter for response templates: ``{name}`` placeholders and nothing else.

``str.format`` would let a template reach attributes (``{brand.__class__}``); this one only
substitutes whole names from a fixed set. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
#: Punctuation that follows a word with no space before it.
_CLOSING = frozenset(",.;:!?)")


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
    """Fill every placeholder; a name missing from ``values`` raises KeyError.

    Two habits of written language are kept: an empty value leaves no space before the
    punctuation after it (``Hej {name}, ...`` with no name reads ``Hej, ...``), and a
    genitive ``s`` after a value ending in a capital or a digit takes a colon, as Swedish
    writes it (``{brand}s vd`` with ``Nord AB`` reads ``Nord AB:s vd``).

    >>> render_template("Hej {name}, {brand}s vd", {"name": "", "brand": "Nord AB"})
    'Hej, Nord AB:s vd'
    """
    parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(template):
        parts.append(template[position:match.start()])
        position = match.end()
        text = match.group(0)
        if text in ("{{", "}}"):
            parts.append(text[0])
            continue
        name = match.group(1)
        if name is None or not _NAME.match(name):
            raise ValueError(f"malformed template near {text!r}")
        value = str(values[name])
        following = template[position:position + 2]
        if not value and following[:1] in _CLOSING and parts and parts[-1].endswith(" "):
            parts[-1] = parts[-1][:-1]
        elif (value[-1:].isupper() or value[-1:].isdigit()) and following[:1] == "s" \
                and not following[1:2].isalnum():
            value += ":"
        parts.append(value)
    parts.append(template[position:])
    return "".join(parts)
