"""The report's narrative timeline: what happened, in order, each line labelled (pure).

A director reads the drill as a story, not a chart: the injects with their text, each public
statement with its words and channels, who approved what and how long it waited, the
facilitator's controls (trigger, ad-hoc inject, verdicts; pause, speed and advance when the
log has them), the violations and the changes of severity. Ordinary feed posts and the
simulated team's routine (acknowledge, notify, route) stay out: they are in the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.i18n.catalogue import N_, translations
from drills.i18n.names import display_name
from drills.log.records import Record
from drills.vocabulary import STATEMENT_ACTIONS

#: Rows shown before "and N more" (a simulated day can have hundreds of lines).
MAX_ROWS = 300
#: Characters of a text shown in one cell.
TEXT_CHARS = 600

#: The timeline's words (English; the catalogue says them in the report's language).
LABELS: dict[str, str] = {
    "inject": N_("Inject"), "statement": N_("Statement"), "action": N_("Action"),
    "approval": N_("Approval"), "violation": N_("Violation"), "control": N_("Facilitator"),
    "severity": N_("Severity"), "objective": N_("Objective"), "when": N_("When"),
    "what": N_("What"), "who": N_("Who"), "detail": N_("Detail"),
    "title": N_("Narrative timeline"),
    "more": N_("... and {n} more lines (the whole story is in the drill log)"),
    "waited": N_("approved {what} after {minutes} min"), "to": N_("to {to}"),
    "severity_to": N_("severity to {name}"), "via": N_("via {channels}"),
    "judged": N_("{id}: {status}"),
}


def _short(text: Any) -> str:
    value = str(text or "")
    return value if len(value) <= TEXT_CHARS else value[:TEXT_CHARS - 1] + "…"


def narrative(records: list[Record], lang: str, clock: Callable[[float], str],
              action_words: Callable[[str], str] | None = None,
              reason: Callable[[Any], str] | None = None,
              ) -> tuple[str, list[str], list[list[str]]]:
    """(title, headers, rows) of the narrative timeline of ``records`` (time-ordered);
    ``action_words`` names an action in the report's language, ``reason`` says a rule's
    reason in it."""
    catalogue = translations(lang)
    w = {key: catalogue.gettext(message) for key, message in LABELS.items()}
    say = action_words or (lambda name: name.replace("_", " "))
    said = reason or (lambda text: str(text or ""))
    english = lang.split("_")[0].lower() == "en"

    def name(id_: str) -> str:
        """A role, kind or severity: English shows it as words, another language by name."""
        return id_.replace("_", " ") if english else display_name(id_, lang)
    header = records[0] if records else {}
    levels = [str(x) for x in header.get("severity_levels") or []]
    created: dict[str, tuple[float, str]] = {}
    rows: list[list[str]] = []
    for record in records:
        kind, t = record.get("type"), float(record.get("t") or 0.0)
        row: list[str] | None = None
        if kind == "event" and record.get("inject"):
            author = record.get("author") if isinstance(record.get("author"), dict) else {}
            who = str(record.get("from") or (author or {}).get("name") or record.get("platform")
                      or "")
            subject = f"{record['subject']}: " if record.get("subject") else ""
            to = record.get("to")
            detail = subject + _short(record.get("text"))
            if to:
                detail += f" ({w['to'].format(to=', '.join(str(x) for x in to))})"
            kind_words = name(str(record.get("kind") or ""))
            row = [w["inject"], f"{kind_words} · {who}".strip(" ·"), detail]
        elif kind == "obligation":
            if record.get("status") == "created":
                created[str(record.get("id"))] = (t, str(record.get("action") or ""))
            elif record.get("status") == "approved":
                since, what = created.get(str(record.get("id")), (t, ""))
                approver = name(str(record.get("approver") or ""))
                who = f"{record.get('member') or ''} ({approver})"
                row = [w["approval"], who, w["waited"].format(
                    what=f"{say(what) if what else ''} {record.get('id')}".strip(),
                    minutes=f"{t - since:.0f}")]
        elif kind == "action":
            action = str(record.get("action") or "")
            if action in STATEMENT_ACTIONS or record.get("human") is True:
                channels = record.get("channels") or []
                detail = _short(record.get("text"))
                if channels:
                    detail = (detail + " " if detail else "") + \
                        f"({w['via'].format(channels=', '.join(str(c) for c in channels))})"
                label = w["statement"] if action in STATEMENT_ACTIONS else w["action"]
                role = name(str(record.get("role") or ""))
                row = [f"{label}: {say(action)}", f"{record.get('member') or ''} ({role})",
                       detail]
        elif kind == "violation":
            row = [w["violation"], str(record.get("member") or ""),
                   f"{say(str(record.get('action') or ''))}: "
                   f"{said(record.get('reason'))}"]
        elif kind == "control":
            op = str(record.get("op") or "")
            detail = " · ".join(f"{k} {record[k]}" for k in ("inject", "to", "kind", "status",
                                                               "speed", "by", "comment")
                                if record.get(k) not in (None, ""))
            text = record.get("text")
            row = [f"{w['control']}: {op.replace('_', ' ')}", "facilitator",
                   detail + (f": {_short(text)}" if text else "")]
        elif kind == "severity":
            level = int(record.get("level") or 0)
            level_name = levels[level] if 0 <= level < len(levels) else str(level)
            shown = level_name if english else display_name(level_name, lang)
            row = [w["severity"], "", w["severity_to"].format(name=shown)
                   + (f" ({record['reason']})" if record.get("reason") else "")]
        if row is not None:
            rows.append([clock(t), *row])
    if len(rows) > MAX_ROWS:
        rows = [*rows[:MAX_ROWS], ["", "", "", w["more"].format(n=len(rows) - MAX_ROWS)]]
    return w["title"], [w["when"], w["what"], w["who"], w["detail"]], rows
