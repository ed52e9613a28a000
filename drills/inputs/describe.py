"""Rows that describe built-ins and rulebooks, for the CLI's tables."""

from __future__ import annotations

from typing import Any

from drills.inputs.builtins import builtin_dir, builtin_names
from drills.inputs.yamldoc import parse_yaml, read_text
from drills.rulebook.model import Rulebook

_TITLE_KEYS = {"rulebook": "description", "scenario": "title", "team": "description"}


def builtin_catalogue() -> list[dict[str, Any]]:
    """One row per built-in rulebook, scenario and team, with its title."""
    rows = []
    for kind in ("rulebook", "scenario", "team"):
        for name in builtin_names(kind):
            path = builtin_dir(kind) / f"{name}.yaml"
            try:
                value = parse_yaml(read_text(str(path)), str(path)).value
                title = str(value.get(_TITLE_KEYS[kind], "")) if isinstance(value, dict) else ""
            except Exception:  # a broken built-in still gets listed; lint says what is wrong
                title = "(cannot be read: run drill lint)"
            rows.append({"kind": kind, "name": name, "title": " ".join(title.split())})
    return rows


def catalogue_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalogue for a terminal: each title cut to its first sentence."""
    return [{**row, "title": _first_sentence(row["title"])} for row in rows]


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    text = text if end < 0 else text[: end + 1]
    return text if len(text) <= 90 else text[:87] + "..."


def _minutes(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 60 and value % 60 == 0:
        return f"{value / 60:g}h"
    return f"{value:g}m"


def rule_data(book: Rulebook) -> list[dict[str, Any]]:
    """A rulebook's rules as data (``drill rules show --json``): durations in minutes."""
    rows = []
    for rule in book.rules:
        rows.append({
            "id": rule.id, "enabled": rule.enabled, "trigger": rule.trigger,
            "description": rule.description, "when": " ".join(rule.when.split()),
            "escalate": book.severity[rule.escalate] if rule.escalate is not None else None,
            "deescalate": book.severity[rule.deescalate] if rule.deescalate is not None
            else None,
            "once": rule.once, "once_within": rule.once_within,
            "require": [{
                "action": ob.action, "role": ob.role, "within": ob.within, "every": ob.every,
                "approve": list(ob.approve),
                "channels": list(ob.channels) if isinstance(ob.channels, tuple)
                else ob.channels,
                "template": ob.template, "weight": ob.weight,
            } for ob in rule.require],
        })
    return rows


def rule_rows(book: Rulebook) -> list[dict[str, Any]]:
    """A rulebook's rules for a terminal table."""
    rows = []
    for rule in book.rules:
        obligations = []
        for ob in rule.require:
            deadline = f"within {_minutes(ob.within)}" if ob.within else ""
            if ob.every:
                deadline = (deadline + ", " if deadline else "") + f"every {_minutes(ob.every)}"
            extra = f" approve:{'+'.join(ob.approve)}" if ob.approve else ""
            obligations.append(f"{ob.action} by {ob.role} {deadline}{extra}")
        throttle = [] if rule.once == "never" else [rule.once]
        if rule.once_within:
            throttle.append(f"once within {_minutes(rule.once_within)}")
        change = ""
        if rule.escalate is not None:
            change = f"-> {book.severity[rule.escalate]}"
        elif rule.deescalate is not None:
            change = f"<- {book.severity[rule.deescalate]}"
        rows.append({
            "id": rule.id + ("" if rule.enabled else " (disabled)"),
            "trigger": rule.trigger,
            "when": " ".join(rule.when.split()),
            "severity": change,
            "requires": "\n".join(obligations),
            "throttle": ", ".join(throttle),
        })
    return rows
