"""The reasons a drill log gives, said in the drill's language.

The world writes its reasons in English (``no legal available at tue 19:02``): the log is a
record, and its words stay as written so a log reads the same everywhere. A screen or a
report in another language shows them translated: each shape the world writes is matched
here and said through the catalogue, its names and clock times in that language. A reason
of an unknown shape (a hand-written log's own words) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from drills.i18n.catalogue import t
from drills.i18n.formats import week_time
from drills.i18n.names import display_name

_CLOCK = r"(?P<{}>(?:mon|tue|wed|thu|fri|sat|sun) \d\d:\d\d)"
_NAME = r"(?P<{}>.+?)"
_ROLE = r"(?P<{}>[a-z0-9_]+)"

#: (pattern of the English reason, the message the catalogue translates). Patterns name
#: their parts; ``clock``/``until``/``at`` are drill clock times, ``role``/``approver`` roles.
_SHAPES: tuple[tuple[str, str], ...] = (
    (rf"no {_ROLE.format('role')} available at {_CLOCK.format('at')}",
     "no {role} available at {at}"),
    (rf"{_NAME.format('member')} did not acknowledge within (?P<minutes>[\d.]+)m",
     "{member} did not acknowledge within {minutes} min"),
    (rf"{_NAME.format('member')} \({_ROLE.format('approver')}\) was paged at "
     rf"{_CLOCK.format('at')} and had not approved by {_CLOCK.format('until')}",
     "{member} ({approver}) was paged at {at} and had not approved by {until}"),
    (rf"{_NAME.format('member')} \({_ROLE.format('approver')}\) had not approved by "
     rf"{_CLOCK.format('until')}",
     "{member} ({approver}) had not approved by {until}"),
    (rf"no {_ROLE.format('role')} is on shift or on call until {_CLOCK.format('until')}",
     "no {role} is on shift or on call until {until}"),
    (rf"no {_ROLE.format('role')} is on shift or on call", "no {role} is on shift or on call"),
    (r"no one available until " + _CLOCK.format("until"), "no one available until {until}"),
    (rf"no {_ROLE.format('role')} on duty", "no {role} on duty"),
    (rf"{_NAME.format('member')} published before {_ROLE.format('approver')} approved",
     "{member} published before {approver} approved"),
    (r"went silent \(team habit\)", "went silent (team habit)"),
    (r"published without waiting for approval \(team habit\)",
     "published without waiting for approval (team habit)"),
    (r"an update waits for the first public statement",
     "an update waits for the first public statement"),
    (r"the crisis calmed before it was due", "the crisis calmed before it was due"),
)
_COMPILED = tuple((re.compile(pattern + r"$"), message) for pattern, message in _SHAPES)
_SUFFIX = "; published without"


def say_reason(reason: str, lang: str,
               names: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """``reason`` (as the log wrote it) in ``lang``.

    >>> say_reason("no legal available at tue 19:02", "sv")
    'ingen jurist tillgänglig tis 19.02'
    """
    if lang.split("_")[0].lower() == "en" or not reason:
        return reason
    text, suffix = (reason[: -len(_SUFFIX)], True) if reason.endswith(_SUFFIX) else \
        (reason, False)
    said = _match(text, lang, names)
    if said is None:
        return reason
    return t(lang, "{reason}; published without", reason=said) if suffix else said


def _match(text: str, lang: str, names: Mapping[str, Mapping[str, str]] | None) -> str | None:
    converters: dict[str, Callable[[str], str]] = {
        "role": lambda v: display_name(v, lang, names),
        "approver": lambda v: display_name(v, lang, names),
        "at": lambda v: week_time(v, lang), "until": lambda v: week_time(v, lang),
    }
    for pattern, message in _COMPILED:
        found = pattern.match(text)
        if found is not None:
            values = {k: converters.get(k, str)(v) for k, v in found.groupdict().items()}
            return t(lang, message, **values)
    return None
