"""Turn a team YAML file into a typed Team, or every positioned problem with it."""

from __future__ import annotations

import re
from typing import Any

from drills.errors import Diagnostic
from drills.inputs.checked import (
    Checked,
    check_path,
    check_source,
    list_or_empty,
    load_checked,
    number_or,
    wrong_kind,
)
from drills.inputs.durations import parse_duration
from drills.inputs.validation import validate
from drills.inputs.yamldoc import Document, Path
from drills.team.clock import NEVER, Shift, combine, parse_shift
from drills.team.model import Habits, Member, ResponseTime, Team


def load_team(path: str) -> Team:
    """Load and validate a team file; raise InputError listing every error."""
    return load_checked(path, check_team)


def check_team_file(path: str) -> Checked[Team]:
    return check_path(path, check_team)


def check_team_text(text: str, path: str = "<team>") -> Checked[Team]:
    return check_source(text, path, check_team)


def check_team(doc: Document) -> Checked[Team]:
    mistaken: Checked[Team] | None = wrong_kind(doc, "team")
    if mistaken is not None:
        return mistaken
    diags = validate(doc, "team")
    if not isinstance(doc.value, dict):
        return Checked[Team](None, diags)
    found = _explain_split_shifts(doc, diags)
    team = _build(doc, found)
    found = sorted(set(found))
    if any(d.severity == "error" for d in found):
        return Checked[Team](None, found)
    return Checked(team, found)


_BARE_DAYS = re.compile(r"^\s*[a-z]{3}(\s*[-,]\s*[a-z]{3})*\s*$", re.IGNORECASE)


def _explain_split_shifts(doc: Document, diags: list[Diagnostic]) -> list[Diagnostic]:
    """``shift: [mon-fri 09:00-17:00, sat,sun 10:00-18:00]`` unquoted: YAML splits the second
    shift at its comma into 'sat' and 'sun 10:00-18:00'. Say that once, in place of the
    schema's puzzled errors about the pieces."""
    members = doc.value.get("members")
    if not isinstance(members, list):
        return list(diags)
    replaced: set[tuple[int, int]] = set()
    extra: list[Diagnostic] = []
    for i, member in enumerate(members):
        if not isinstance(member, dict):
            continue
        for key in ("shift", "on_call"):
            value = member.get(key)
            if not isinstance(value, list):
                continue
            for j, item in enumerate(value[:-1]):
                if not (isinstance(item, str) and _BARE_DAYS.match(item)):
                    continue
                joined = f"{item},{value[j + 1]}"
                where: Path = ("members", i, key, j)
                extra.append(doc.diagnostic(where, f"YAML split the shift {joined!r} at its "
                             f"comma: quote it (\"{joined}\"), or write a list of shifts one "
                             "per line (see docs/team.md)"))
                for path in (("members", i, key), where, ("members", i, key, j + 1)):
                    d = doc.diagnostic(path, "")
                    replaced.add((d.line, d.col))
    kept = [d for d in diags if (d.line, d.col) not in replaced]
    return kept + extra


def _shifts(doc: Document, where: Path, value: Any, found: list[Diagnostic]) -> Shift | None:
    if value is None:
        return None
    texts = value if isinstance(value, list) else [value]
    shifts = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            return None
        try:
            shifts.append(parse_shift(text))
        except ValueError as exc:
            found.append(doc.diagnostic((*where, i) if isinstance(value, list) else where,
                                        str(exc)))
            return None
    return combine(shifts)


def _response(doc: Document, where: Path, value: Any, found: list[Diagnostic]
              ) -> ResponseTime | None:
    if not isinstance(value, dict):
        return None
    try:
        median = parse_duration(value.get("median", ""))
        p90 = parse_duration(value.get("p90", ""))
    except ValueError:
        return None  # the schema said so
    if median <= 0 or p90 < median:
        found.append(doc.diagnostic(where, "response needs a median above zero and a p90 "
                                    "at least as long as the median"))
        return None
    return ResponseTime(median, p90)


def _build(doc: Document, found: list[Diagnostic]) -> Team | None:
    raw: dict[str, Any] = doc.value
    members: list[Member] = []
    names: set[str] = set()
    for i, item in enumerate(list_or_empty(raw.get("members"))):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        where: Path = ("members", i)
        name = item["name"]
        if name in names:
            found.append(doc.diagnostic((*where, "name"), f"duplicate member name {name!r}"))
        names.add(name)
        split = any(d.message.startswith("YAML split the shift") for d in found)
        shift = None if split else _shifts(doc, (*where, "shift"), item.get("shift", "always"),
                                           found)
        on_call = None if split else _shifts(doc, (*where, "on_call"), item.get("on_call"), found)
        response = _response(doc, (*where, "response"), item.get("response"), found)
        on_call_response = _response(doc, (*where, "on_call_response"),
                                     item.get("on_call_response"), found)
        roles = item.get("roles")
        if shift is None or not isinstance(roles, list):
            continue
        if "response" in item and response is None:
            continue
        members.append(Member(
            name=name, roles=tuple(str(r) for r in roles), shift=shift,
            on_call=on_call or NEVER, response=response or ResponseTime(10.0, 30.0),
            on_call_response=on_call_response,
        ))
    habits_value = raw.get("habits")
    habits_raw: dict[str, Any] = habits_value if isinstance(habits_value, dict) else {}
    habits = Habits(**{k: number_or(v, 0.0) for k, v in habits_raw.items()
                       if k in Habits.__dataclass_fields__ and isinstance(v, (int, float))
                       and not isinstance(v, bool)})
    translations = _names(doc, raw.get("names"), names, found)
    if not members or not isinstance(raw.get("team"), str):
        return None
    return Team(name=raw["team"], members=tuple(members), habits=habits,
                description=str(raw.get("description", "")),
                timezone=str(raw.get("timezone", "")), source=doc.path, names=translations)


def _names(doc: Document, value: Any, members: set[str], found: list[Diagnostic]
           ) -> dict[str, dict[str, str]]:
    """``names: {sv: {Alex Rivera: Elin Lindqvist}}``: every name a member's, and no two
    members sharing a name in one language (the schema checked the shapes)."""
    if not isinstance(value, dict):
        return {}
    translations: dict[str, dict[str, str]] = {}
    for lang, table in value.items():
        if not isinstance(table, dict):
            continue
        seen: dict[str, str] = {}
        for name, local in table.items():
            if not isinstance(local, str):
                continue
            if name not in members:
                found.append(doc.diagnostic(("names", lang, name),
                                            f"no member is called {name!r}"))
            elif local in seen.values() or (local in members and local != name
                                              and local not in table):
                found.append(doc.diagnostic(("names", lang, name),
                                            f"{local!r} would be the name of two members"))
            seen[name] = local
        translations[str(lang)] = seen
    return translations
