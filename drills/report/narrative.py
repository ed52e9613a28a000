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

from drills.log.records import Record
from drills.vocabulary import STATEMENT_ACTIONS

#: Rows shown before "and N more" (a simulated day can have hundreds of lines).
MAX_ROWS = 300
#: Characters of a text shown in one cell.
TEXT_CHARS = 600

LABELS: dict[str, dict[str, str]] = {
    "en": {"inject": "Inject", "statement": "Statement", "action": "Action",
           "approval": "Approval", "violation": "Violation", "control": "Facilitator",
           "severity": "Severity", "objective": "Objective", "when": "When", "what": "What",
           "who": "Who", "detail": "Detail", "title": "Narrative timeline",
           "more": "... and {n} more lines (the whole story is in the drill log)",
           "waited": "approved {what} after {minutes} min", "to": "to {to}",
           "severity_to": "severity to {name}", "via": "via {channels}",
           "judged": "{id}: {status}"},
    "sv": {"inject": "Inspel", "statement": "Uttalande", "action": "Åtgärd",
           "approval": "Godkännande", "violation": "Överträdelse", "control": "Övningsledare",
           "severity": "Allvarsgrad", "objective": "Mål", "when": "När", "what": "Vad",
           "who": "Vem", "detail": "Detaljer", "title": "Händelseförlopp",
           "more": "... och {n} rader till (hela förloppet finns i övningsloggen)",
           "waited": "godkände {what} efter {minutes} min", "to": "till {to}",
           "severity_to": "allvarsgrad till {name}", "via": "via {channels}",
           "judged": "{id}: {status}"},
}


def _short(text: Any) -> str:
    value = str(text or "")
    return value if len(value) <= TEXT_CHARS else value[:TEXT_CHARS - 1] + "…"


def narrative(records: list[Record], lang: str, clock: Callable[[float], str],
              action_words: Callable[[str], str] | None = None,
              ) -> tuple[str, list[str], list[list[str]]]:
    """(title, headers, rows) of the narrative timeline of ``records`` (time-ordered);
    ``action_words`` names an action in the report's language."""
    w = LABELS.get(lang, LABELS["en"])
    say = action_words or (lambda name: name.replace("_", " "))
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
            kind_words = str(record.get("kind") or "").replace("_", " ")
            row = [w["inject"], f"{kind_words} · {who}".strip(" ·"), detail]
        elif kind == "obligation":
            if record.get("status") == "created":
                created[str(record.get("id"))] = (t, str(record.get("action") or ""))
            elif record.get("status") == "approved":
                since, what = created.get(str(record.get("id")), (t, ""))
                approver = str(record.get("approver") or "").replace("_", " ")
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
                role = str(record.get("role") or "").replace("_", " ")
                row = [f"{label}: {say(action)}", f"{record.get('member') or ''} ({role})",
                       detail]
        elif kind == "violation":
            row = [w["violation"], str(record.get("member") or ""),
                   f"{say(str(record.get('action') or ''))}: "
                   f"{record.get('reason') or ''}"]
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
            name = levels[level] if 0 <= level < len(levels) else str(level)
            row = [w["severity"], "", w["severity_to"].format(name=name)
                   + (f" ({record['reason']})" if record.get("reason") else "")]
        if row is not None:
            rows.append([clock(t), *row])
    if len(rows) > MAX_ROWS:
        rows = [*rows[:MAX_ROWS], ["", "", "", w["more"].format(n=len(rows) - MAX_ROWS)]]
    return w["title"], [w["when"], w["what"], w["who"], w["detail"]], rows
