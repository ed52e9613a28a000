"""Template work that is the same in every drill of a scenario, done once per process.

A comparison runs thousands of drills of the same few scenarios in each worker: parsing a
template's placeholders, or filling one that names only the drill's constants, gives the
same text every time. Pure functions of their arguments, so caching changes no output.
"""

from __future__ import annotations

import functools

from drills.inputs.templates import placeholders, render_template


@functools.lru_cache(maxsize=4096)
def per_event(text: str, names: frozenset[str]) -> bool:
    """Whether a template names any of ``names`` (values drawn for each event)."""
    return bool({n for _o, n in placeholders(text)} & names)


@functools.lru_cache(maxsize=4096)
def render_fixed(text: str, constants: tuple[tuple[str, str], ...]) -> str:
    """A template filled with only the drill's ``constants`` (name, value pairs)."""
    return render_template(text, dict(constants))
