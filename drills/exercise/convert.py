"""An exercise script's rows, turned into a scenario (messages to roles, with what is
expected of them), a team skeleton and a rulebook skeleton, so it runs at once.

Real sheets are messy: headers anywhere, section titles between rows, times in five
shapes, several recipients in a cell. Every good row is imported; every bad one is
reported as ``file:sheet:row:column: what is wrong`` — nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from drills.exercise.columns import find_header, normal
from drills.exercise.sheet import Sheet
from drills.exercise.times import SheetTime, parse_time

_EVERYONE = {"tous", "toutes", "all", "everyone", "everybody", "tout le monde",
             "toutes les cellules", "all players"}
_SPLIT = re.compile(r"[\n,;/]+|\s+(?:et|and)\s+")
_POST = ("tweet", "post", "social", "publication", "reseau", "facebook", "linkedin", "x")
_BREAK = ("pause", "break", "countdown", "compte a rebours", "dejeuner", "lunch", "repas")
_CHANNELS = {"mail": ("mail", "courriel", "email", "e mail", "courrier", "lettre"),
             "phone": ("phone", "telephone", "appel", "tel", "call"),
             "press": ("press", "presse", "media", "journal", "journaliste"),
    "social": ("social", "dm", "messenger", "whatsapp", "sms", "chat")}
#: The last step of every backup chain in the rulebook skeleton.
DIRECTOR = "exercise_director"
_BACKGROUND = {
    "negative": ["Anyone else hearing about trouble at {brand}? Not great.",
                 "Still no word from {brand}. What is going on?"],
    "neutral": ["Following the story about {brand} today.", "Does anyone know more about {brand}?"],
    "positive": ["{brand} usually sorts things out, let's see."],
}


@dataclass
class Imported:
    scenario: dict[str, Any]
    team: dict[str, Any]
    rulebook: dict[str, Any]
    rows: int = 0
    skipped: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    preparation: int = 0
    breaks: int = 0
    span: tuple[float, float] = (0.0, 0.0)
    #: The exercise's start as a time of day (``09:30``), for ``drill run --start``.
    start: str = "09:00"
    #: Section rows made phases of the scenario: (where, title, minute).
    phases: list[tuple[str, str, float]] = field(default_factory=list)
    #: Section rows kept as notes in the scenario's description: (where, title).
    notes: list[tuple[str, str]] = field(default_factory=list)


def role_id(name: str) -> str:
    slug = normal(name).replace(" ", "_")
    return slug if slug and slug[0].isalnum() else f"role_{slug}".strip("_")


def _slug(text: Any) -> str:
    return normal(text).replace(" ", "-")


def convert(sheet: Sheet, overrides: dict[str, str], *, start: str | None, lang: str,
            background: bool = True) -> Imported:
    header_index, columns = find_header(sheet.rows, overrides)
    where = f"{sheet.path}:{sheet.name}"
    letters = {c: _letter(c) for c in columns}
    rows: list[tuple[int, dict[str, Any], SheetTime]] = []
    report = Imported({}, {}, {})
    #: (index in ``rows`` of the row that follows it, sheet row, title)
    sections: list[tuple[int, int, str]] = []
    for number, cells in sheet.rows[header_index + 1:]:
        values = {f: cells[c] for c, f in columns.items() if c < len(cells)
                  and cells[c] is not None and str(cells[c]).strip()}
        filled = [c for c in cells if c is not None and str(c).strip()]
        if "time" not in values:
            if _is_section(values, filled):
                sections.append((len(rows), number, " / ".join(
                    " ".join(str(c).split()) for c in filled)[:80]))
            else:
                column = letters[_col(columns, "time")]
                report.bad.append(f"{where}:{number}:{column}: no time")
            continue
        try:
            moment = parse_time(values["time"])
        except ValueError as exc:
            report.bad.append(f"{where}:{number}:{letters[_col(columns, 'time')]}: {exc}")
            continue
        rows.append((number, values, moment))
    base_day, base_minute = _origin(rows, start)
    report.start = f"{int(base_minute // 60):02d}:{int(base_minute % 60):02d}"
    injects: list[dict[str, Any]] = []
    breaks: list[dict[str, Any]] = []
    roles: dict[str, None] = {}
    ids: set[str] = set()
    at_minutes: list[float] = []
    timed = [(number, values, _minutes(m, base_day, base_minute)) for number, values, m in rows]
    phases = _phases(_marks(sections, timed), where, report)
    for i, (number, values, minutes) in enumerate(timed):
        kind = _kind(values)
        if kind == "phase":
            continue
        if kind == "generated":
            report.skipped.append(f"{where}:{number}: a generated moment of the crisis, not "
                                  "an inject")
            continue
        if kind == "break":
            following = next((t for _n, _v, t in timed[i + 1:] if t > minutes), None)
            length = (following - minutes) if following is not None else 60.0
            if values.get("within"):  # its planned length, as drill script writes it
                try:
                    length = _minutes_of(_within(values["within"]))
                except _CellError as exc:
                    report.bad.append(f"{where}:{number}:"
                                      f"{letters.get(_col(columns, 'within'), '?')}: {exc}")
                    continue
            breaks.append({"at": _duration(max(minutes, 0.0)), "for": _duration(length),
                           "title": str(values.get("message") or values.get("type") or "")})
            report.breaks += 1
            continue
        text = values.get("message") or values.get("subject")
        if text is None:
            column = letters.get(_col(columns, "message"), "?")
            report.bad.append(f"{where}:{number}:{column}: no message")
            continue
        recipients = _recipients(values.get("to"))
        roles.update(dict.fromkeys(r for r in recipients if r != "all"))
        ident = (_slug(values["id"]) if values.get("id") is not None else "") or f"row-{number}"
        if not ident[0].isalnum() or ident in ids:
            ident = f"row-{number}"
        ids.add(ident)
        try:
            expects = _expectations(values, recipients, lang)
        except _CellError as exc:
            report.bad.append(f"{where}:{number}:{letters.get(_col(columns, exc.field), '?')}: "
                              f"{exc}")
            continue
        if minutes < 0:
            report.preparation += 1
        at_minutes.append(max(minutes, 0.0))
        inject = _inject(ident, kind, values, recipients, at_minutes[-1])
        if expects:
            roles.update(dict.fromkeys(e["role"] for e in expects if e["role"] != "all"))
            inject["expect"] = expects
        injects.append(inject)
        report.rows += 1
    if not injects:
        raise ValueError("no row could be imported" + (f": {report.bad[0]}" if report.bad
                                                       else ""))
    roles_list = list(roles) or ["exercise_cell"]
    for inject in injects:
        for expect in inject.get("expect", ()):
            if expect["role"] == "all":
                expect["role"] = roles_list[0]
    last = max(at_minutes)
    report.span = (min(at_minutes), last)
    name = _slug(sheet.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "exercise"
    title = _title(sheet, header_index) or name
    report.roles = roles_list
    # The drill lasts past its last inject, its last phase and the end of its last break.
    ends = [last, *(at for at, _name in phases),
            *(_minutes_of(b["at"]) + _minutes_of(b["for"]) for b in breaks)]
    report.scenario = _scenario(name, title, sheet, lang, max(ends), injects, breaks,
                                background, phases, [note for _w, note in report.notes])
    report.team = _team(name, roles_list)
    report.rulebook = _rulebook(name, roles_list, lang)
    return report


def _is_section(values: dict[str, Any], filled: list[Any]) -> bool:
    """A row without a time that says nothing to anyone: a section title between injects
    (``PHASE 1 — DÉTECTION``, OpenAEV's ``Planner / Prepare the exercise``)."""
    if len(filled) <= 1 or "message" not in values:
        return True
    return len(filled) <= 2 and not values.keys() & {"to", "expected", "points", "role"}


def _marks(sections: list[tuple[int, int, str]],
           timed: list[tuple[int, dict[str, Any], float]]
           ) -> list[tuple[int, str, float | None]]:
    """(sheet row, title, minute) of every phase mark in sheet order: a section title takes
    the time of the row after it (None if none follows); a row typed phase has its own."""
    found: list[tuple[int, int, int, str, float | None]] = [
        (index, 0, number, title, timed[index][2] if index < len(timed) else None)
        for index, number, title in sections]
    found += [(i, 1, number, str(values.get("message") or values.get("subject") or "phase"),
               minutes) for i, (number, values, minutes) in enumerate(timed)
              if _kind(values) == "phase"]
    return [(number, title, minute) for _i, _o, number, title, minute in sorted(found)]


def _phases(marks: list[tuple[int, str, float | None]], where: str, report: Imported
            ) -> list[tuple[float, str]]:
    """Each section title becomes a phase of the scenario from the time of the row after
    it (a row typed ``phase``, as drill script writes them, from its own time); one that
    would not be in time order, or has no row after it, is kept as a note."""
    phases: list[tuple[float, str]] = [(0.0, "exercise")]
    made: list[tuple[str, str, float]] = []
    for number, title, minute in marks:
        at = None if minute is None else max(minute, 0.0)
        if at is not None and at == phases[-1][0]:
            if made and made[-1][2] == at:  # two titles for the same rows: the last one
                report.notes.append(made.pop()[:2])
            phases[-1] = (at, title)
        elif at is not None and at > phases[-1][0]:
            phases.append((at, title))
        else:
            report.notes.append((f"{where}:{number}", title))
            continue
        made.append((f"{where}:{number}", title, at))
    report.phases = made
    return phases


class _CellError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


_WITHIN = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(s|sec|secs|m|min|mins|mn|minutes?|h|hr|hrs|"
                     r"heures?|hours?|d|j|jours?|days?)?$", re.IGNORECASE)
_DELIVERABLE = {"fr": "livrable", "sv": "leverans"}
#: The longest delay an expectation may give: a drill lasts 31 days at most.
_LONGEST = 744 * 60.0


def _lines(cell: Any) -> list[Any]:
    """A cell's lines; a number or time cell is one value."""
    if not isinstance(cell, str):
        return [cell]
    return [line.strip() for line in cell.splitlines() if line.strip()]


def _expectations(values: dict[str, Any], recipients: list[str], lang: str
                  ) -> list[dict[str, Any]]:
    """One expectation per line of the expected-reaction cell; the role, within and points
    cells give one value for all of them or one per line (as ``drill script`` writes)."""
    reactions = [str(r) for r in _lines(values["expected"])] if values.get("expected") else []
    details = [str(d) for d in _lines(values["detail"])] if values.get("detail") else []
    if details:  # OpenAEV's expectation name and description: "name: description"
        reactions = [f"{reactions[i]}: {detail}" if i < len(reactions) else detail
                     for i, detail in enumerate(details)] + reactions[len(details):]
    if values.get("deliverable"):
        label = _DELIVERABLE.get(lang, "deliverable")
        reactions.append(f"{label}: {str(values['deliverable']).strip()}")
    if not reactions:
        return []
    if not recipients and not values.get("role"):
        raise _CellError("expected", "an expected reaction, but no recipient to expect it of")
    default_role = next((r for r in recipients if r != "all"), "all")
    roles = [role_id(str(r)) for r in _lines(values["role"])] if values.get("role") else []
    withins = [None if str(w).strip() in ("-", "—") else _within(w)
               for w in _lines(values["within"])] if values.get("within") else []
    points = [_points(p) for p in _lines(values["points"])] \
        if values.get("points") is not None else []
    found = []
    for i, reaction in enumerate(reactions):
        expect: dict[str, Any] = {"reaction": _literal(reaction),
                                  "role": _nth(roles, i) or default_role}
        within = _nth(withins, i)
        if within is not None:
            expect["within"] = within
        point = _nth(points, i)
        if point is not None:
            expect["points"] = point
        found.append(expect)
    return found


def _nth(values: list[Any], i: int) -> Any:
    """The i-th value, or the only one for every line, or none."""
    if len(values) == 1:
        return values[0]
    return values[i] if i < len(values) else None


def _within(cell: Any) -> str:
    if isinstance(cell, dt.time):  # an Excel duration cell
        return _duration(cell.hour * 60 + cell.minute + cell.second / 60)
    clock = re.match(r"^(\d{1,2}):(\d{2})$", str(cell).strip())
    if clock:
        return _duration(int(clock.group(1)) * 60 + int(clock.group(2)))
    match = _WITHIN.match(str(cell).strip())
    if not match or isinstance(cell, bool):
        raise _CellError("within", f"not a delay: {str(cell)!r} (like 30m, 1h or 45 min)")
    amount = float(match.group(1).replace(",", "."))
    unit = (match.group(2) or "m").lower()[0]
    minutes = amount * {"s": 1 / 60, "h": 60.0, "d": 1440.0, "j": 1440.0}.get(unit, 1.0)
    if minutes > _LONGEST:
        raise _CellError("within", f"a delay of {str(cell)!r} is longer than a drill (31 days)")
    return _duration(minutes)


def _minutes_of(duration: str) -> float:
    """Minutes of a duration ``_duration`` wrote (``90m`` or ``45s``)."""
    return float(duration[:-1]) / (60 if duration.endswith("s") else 1)


def _points(cell: Any) -> float | int:
    try:
        value = float(str(cell).replace(",", "."))
    except ValueError:
        raise _CellError("points", f"points must be a number, not {str(cell)!r}") from None
    if not 0 <= value < math.inf:
        raise _CellError("points", f"points must be a finite number, 0 or more, not "
                                   f"{str(cell)!r}")
    return int(value) if value.is_integer() else value


def _title(sheet: Sheet, header_index: int) -> str | None:
    """A title row above the header (a sheet's banner), if there is one."""
    for _number, cells in sheet.rows[:header_index]:
        filled = [str(c).strip() for c in cells if c is not None and str(c).strip()]
        if len(filled) == 1:
            return re.sub(r"^(msel|chronogramme)\s*:\s*", "", filled[0], flags=re.I)
    return None


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)


def _col(columns: dict[int, str], field_name: str) -> int:
    return next((c for c, f in columns.items() if f == field_name), -1)


def _origin(rows: list[tuple[int, dict[str, Any], SheetTime]], start: str | None
            ) -> tuple[dt.date | None, float]:
    days = [m.day for _n, _v, m in rows if m.day is not None]
    base_day = min(days) if days else None
    if start is not None:
        try:
            minute = parse_time(start).minute
        except ValueError as exc:
            raise ValueError(f"--start {start!r}: {exc}") from None
        if minute is None:
            raise ValueError(f"--start {start!r}: give a time of day, like 09:30")
        return base_day, minute
    absolute = [m.minute for _n, _v, m in rows if m.relative is None and m.minute is not None]
    if absolute:
        return base_day, absolute[0]
    for _n, values, moment in rows:  # relative times only: a clock column places them
        if values.get("clock") is None or moment.relative is None:
            continue
        try:
            clock = parse_time(re.sub(r"^[^\W\d]{2,9}\.?\s+", "", str(values["clock"]).strip()))
        except ValueError:
            continue
        if clock.minute is not None:
            return base_day, (clock.minute - moment.relative) % 1440
    return base_day, 0.0


def _minutes(moment: SheetTime, base_day: dt.date | None, base_minute: float) -> float:
    if moment.relative is not None:
        return moment.relative
    day = (moment.day - base_day).days if moment.day and base_day else 0
    return day * 1440 + (moment.minute or 0.0) - base_minute


def _kind(values: dict[str, Any]) -> str:
    kind = normal(values.get("type", ""))
    if kind.startswith("generated"):
        return "generated"  # a moment of a seeded crisis in an exported MSEL: not an inject
    if kind in ("phase", "section"):
        return "phase"
    if any(word == kind or kind.startswith(word + " ") for word in _BREAK) or \
            any(word in kind for word in ("pause", "dejeuner", "lunch", "countdown")):
        return "break"
    if any(word == kind or word in kind.split() for word in _POST):
        return "post"
    channel = normal(values.get("channel", ""))
    if not kind and any(word in channel.split() for word in _POST if word != "social"):
        return "post"  # no type column: the method says it is a post
    return "message"


def _channel(values: dict[str, Any]) -> str:
    text = normal(f"{values.get('channel', '')} {values.get('type', '')}")
    for channel, words in _CHANNELS.items():
        if any(word in text.split() or word == text for word in words):
            return channel
    return "mail"


def _recipients(cell: Any) -> list[str]:
    if cell is None:
        return []
    found: list[str] = []
    for part in _SPLIT.split(str(cell)):
        if not part.strip():
            continue
        found.append("all" if normal(part) in _EVERYONE else role_id(part))
    return list(dict.fromkeys(found))


def _literal(text: Any) -> str:
    """A cell's text as a scenario text: braces are not placeholders here."""
    return str(text).strip().replace("{", "{{").replace("}", "}}")


def _duration(minutes: float) -> str:
    seconds = round(minutes * 60)
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


def _inject(ident: str, kind: str, values: dict[str, Any], recipients: list[str],
            minutes: float) -> dict[str, Any]:
    inject: dict[str, Any] = {"id": ident, "at": _duration(minutes)}
    sender = str(values["from"]).strip() if values.get("from") else None
    text = _literal(values.get("message") or values.get("subject"))
    if kind == "post":
        inject.update(kind="mention", platform="x", text=text)
        if sender:
            inject["author"] = _author(sender)
        return inject
    inject.update(kind="message", channel=_channel(values),
                  to=recipients if recipients not in ([], ["all"]) else "all",
                  text=text)
    if sender:
        inject["from"] = sender
    if values.get("subject") and values.get("message"):
        inject["subject"] = _literal(values["subject"])
    if values.get("attachments"):
        inject["attachments"] = [a.strip() for a in re.split(r"[\n,;]+",
                                                              str(values["attachments"]))
                                 if a.strip()]
    return inject


_HANDLE = re.compile(r"^(?:(.*?)\s*\()?@([A-Za-z0-9_.-]+)\)?$")


def _author(sender: str) -> dict[str, str]:
    """'Name (@handle)', '@handle' or a plain name."""
    match = _HANDLE.match(sender)
    if match:
        handle = match.group(2)
        return {"handle": handle, "name": (match.group(1) or "").strip() or handle}
    return {"handle": _slug(sender).replace("-", "_") or "poster", "name": sender}


def _scenario(name: str, title: str, sheet: Sheet, lang: str, last: float,
              injects: list[dict[str, Any]], breaks: list[dict[str, Any]],
              background: bool, phases: list[tuple[float, str]], notes: list[str]
              ) -> dict[str, Any]:
    hours = max(1, math.ceil((last + 60) / 60))
    description = f"Imported from {sheet.path} (sheet {sheet.name}) by drill import msel."
    if notes:
        description += " Sections of the sheet: " + "; ".join(notes) + "."
    scenario: dict[str, Any] = {
        "scenario": name, "title": str(title),
        "description": description,
        "cluster": "accidental",
        "locale": {"fr": "fr_FR", "sv": "sv_SE"}.get(lang, "en_GB"),
        "duration": f"{hours}h",
        "brand": {"name": "the organisation"},
        "platforms": {"x": 0.5, "facebook": 0.3, "linkedin": 0.2},
        "phases": [{"at": _duration(at), "name": phase,
                    "rate": "6/h" if background else "0/h", "negative": 0.4, "arousal": 0.4}
                   for at, phase in phases],
        "injects": injects,
        "messages": _BACKGROUND,
    }
    if breaks:
        scenario["breaks"] = breaks
    return scenario


def _team(name: str, roles: list[str]) -> dict[str, Any]:
    return {"team": f"{name}-team",
            "description": "One simulated player per role of the exercise script: edit it.",
            "members": [{"name": f"{role.replace('_', ' ').capitalize()} (simulated)",
                         "roles": [role]} for role in [*roles, DIRECTOR]]}


def _rulebook(name: str, roles: list[str], lang: str) -> dict[str, Any]:
    """Roles backed up by each other, the first one working the comments; three rules that
    watch the feed and give every role work. A skeleton to write the real protocol into."""
    first = roles[0]
    spec: dict[str, Any] = {}
    for i, role in enumerate(roles):
        entry: dict[str, Any] = {"ack_within": "15m", "backup": first if i else DIRECTOR}
        if i == 0:
            entry["works_comments"] = True
        spec[role] = entry
    spec[DIRECTOR] = {"description": "the exercise director: the last step of every chain"}
    return {"rulebook": f"{name}-rules", "version": 1, "language": lang,
            "description": "A skeleton: the exercise script's roles and three rules that "
                           "watch the feed. Write the protocol you practise into it.",
            "roles": spec,
            "severity": ["normal", "watch", "issue", "crisis"],
            "calm": {"when": "signal.negative_1h < 5", "for": "1h", "to": "normal"},
            "rules": [
                {"id": "negative-chatter", "description": "Negative talk builds up.",
                 "when": "signal.negative_1h >= 10", "escalate": "watch",
                 "once": "per_episode",
                 "require": [{"action": "acknowledge", "role": first, "within": "30m"}]},
                {"id": "negative-spike", "description": "A spike: tell every cell.",
                 "when": "signal.negative_1h >= 30", "escalate": "issue",
                 "once": "per_episode",
                 "require": [{"action": "notify", "role": role, "within": "30m"}
                             for role in roles]},
                {"id": "crisis-declared", "description": "A crisis: say something public.",
                 "when": "signal.negative_1h >= 60", "escalate": "crisis",
                 "once": "per_episode",
                 "require": [{"action": "holding_statement", "role": first, "within": "1h",
                              "channels": "active"}]},
            ]}
