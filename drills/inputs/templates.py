"""A safe formatter for response templates: ``{name}`` placeholders and nothing else.

``str.format`` would let a template reach attributes (``{brand.__class__}``); this one only
substitutes whole names from a fixed set. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from drills.vocabulary import TEMPLATE_LANGUAGES

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


Where = tuple[str | int, ...]


def template_tables(raw: Any, error: Callable[..., None],
                    check: Callable[[Where, str], bool]) -> dict[str, dict[str, dict[str, str]]]:
    """A ``templates:`` mapping (a rulebook's or a scenario's) as name -> language ("" = the
    file's own) -> platform or "default" -> text; ``check`` judges each text's placeholders
    and ``error`` hears what is wrong, at its place."""
    result: dict[str, dict[str, dict[str, str]]] = {}
    if not isinstance(raw, dict):
        return result
    for name, spec in raw.items():
        where: Where = ("templates", name)
        if isinstance(spec, str):
            own: Any = {"default": spec}
            languages: dict[str, Any] = {}
        elif isinstance(spec, dict):
            own = {k: v for k, v in spec.items() if k not in TEMPLATE_LANGUAGES}
            languages = {k: v for k, v in spec.items() if k in TEMPLATE_LANGUAGES}
        else:
            continue
        tables: dict[str, dict[str, str]] = {}
        good = True
        for lang, table in [("", own), *languages.items()]:
            if isinstance(table, str):
                table = {"default": table}
            if not isinstance(table, dict) or not table:
                continue
            texts = {}
            for platform, text in table.items():
                at: Where = where if isinstance(spec, str) else (
                    (*where, platform) if not lang else
                    (*where, lang) if isinstance(spec[lang], str) else
                    (*where, lang, platform))
                if not isinstance(text, str) or not check(at, text):
                    good = False
                    continue
                texts[platform] = text
            if texts and "default" not in texts:
                error((*where, lang) if lang else where,
                      f"template {name!r}{f' ({lang})' if lang else ''} needs a "
                      "'default' text beside its per-platform ones")
                good = False
            tables[lang] = texts
        if good:
            result[name] = tables
    return result


def pick_template(templates: Mapping[str, Mapping[str, Mapping[str, str]]], name: str,
                  platform: str | None, lang: str, own_language: str) -> str | None:
    """The text of template ``name`` for ``platform`` in ``lang`` (the file's own texts count
    as ``own_language``); None when there is none in that language."""
    languages = templates.get(name)
    if languages is None:
        return None
    table = languages.get(lang)
    if table is None and lang == own_language:
        table = languages.get("")
    if table is None:
        return None
    return table.get(platform or "default") or table.get("default")
