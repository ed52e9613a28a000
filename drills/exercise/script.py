"""The MSEL of a drill, to run it on paper: the scripted injects and the key moments of the
seeded crisis, with the rulebook's expected actions, roles and deadlines, in HSEEP's
columns. Built from a simulated run of the drill (standard team): what the rulebook asks is
what the run's obligations say."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from typing import Any

from drills.feed.scenario import Scenario
from drills.log.records import Record
from drills.team.clock import format_start

COLUMNS = ("Number", "Scenario time", "Clock time", "Type", "Method", "From", "To",
           "Subject", "Message", "Attachments", "Expected action", "Expected from",
           "Within", "Points", "Objective / rule", "Notes")
#: Generated moments shown per kind (the first ones: a paper drill needs the shape).
_PER_KIND = 3
NOT_AN_INJECT = "generated: not an inject"
_MOMENT_KINDS = ("press_inquiry", "influencer_post", "misinformation", "regulator_inquiry")


@dataclass
class ScriptRow:
    t: float
    cells: dict[str, str]


def _offset(t: float) -> str:
    minutes = round(t)
    return f"+{minutes // 60:02d}:{minutes % 60:02d}"


def script_rows(records: list[Record], scenario: Scenario, start: float) -> list[ScriptRow]:
    injects = {i.id: i for i in scenario.injects}
    created = [r for r in records if r["type"] == "obligation" and r["status"] == "created"]

    def expected_for(event_id: str | None, rule: str | None = None, t: float | None = None
                     ) -> tuple[str, str]:
        obs = [o for o in created if (event_id and o.get("event") == event_id)
               or (rule and o.get("rule") == rule and t is not None and o["t"] == t)]
        actions = "; ".join(f"{o['action'].replace('_', ' ')} by {o['role']} within "
                            f"{round(o['due'] - o['t'])} min" for o in obs)
        rules = ", ".join(dict.fromkeys(str(o["rule"]) for o in obs))
        return actions, rules

    def protocol_for(event_id: str) -> str:
        """The rulebook's asks, kept apart from the inject's own objectives so that an
        imported sheet does not turn protocol into objectives."""
        return "\n".join(f"{o['rule']}: {o['action'].replace('_', ' ')} by {o['role']} "
                         f"within {round(o['due'] - o['t'])} min"
                         for o in created if o.get("event") == event_id)

    rows: list[ScriptRow] = []
    seen: dict[str, int] = {}
    for record in records:
        if record["type"] == "event" and record.get("inject") in injects:
            inject = injects[record["inject"]]
            expect = inject.expect
            rows.append(ScriptRow(record["t"], {
                "Number": inject.id, "Type": _type(inject.kind, record),
                "Method": inject.channel or record["platform"],
                # A message without a sender is shown as from exercise control: not a sender.
                "From": inject.sender or ("" if inject.kind == "message" else _author(record)),
                "To": ", ".join(inject.to), "Subject": inject.subject or "",
                "Message": str(record.get("text", "")),
                "Attachments": ", ".join(inject.attachments),
                # One line per expectation, so that importing the sheet gives them back.
                "Expected action": "\n".join(e.reaction for e in expect),
                "Expected from": "\n".join(e.role for e in expect),
                "Within": "\n".join(_within(e.within) for e in expect)
                if any(e.within is not None for e in expect) else "",
                "Points": "\n".join(f"{e.points:g}" for e in expect),
                "Objective / rule": protocol_for(record["id"]), "Notes": "scripted"}))
        elif record["type"] == "event" and record.get("kind") in _MOMENT_KINDS:
            kind = str(record["kind"])
            seen[kind] = seen.get(kind, 0) + 1
            if seen[kind] > _PER_KIND:
                continue
            actions, rules = expected_for(record["id"])
            rows.append(ScriptRow(record["t"], {
                "Number": f"K-{record['id']}", "Type": f"generated {kind.replace('_', ' ')}",
                "Method": record["platform"], "From": _author(record),
                "To": "", "Subject": "", "Message": str(record.get("text", "")),
                "Expected action": actions, "Objective / rule": rules,
                "Notes": NOT_AN_INJECT}))
        elif record["type"] == "severity" and record.get("rule") and \
                int(record["level"]) > int(record.get("previous") or 0):
            actions, rules = expected_for(None, str(record["rule"]), record["t"])
            rows.append(ScriptRow(record["t"], {
                "Number": f"S-{record['level']}", "Type": "generated severity",
                "Method": "monitoring", "Message": f"Severity rises to {record['name']} "
                f"(rule {record['rule']})", "Expected action": actions,
                "Objective / rule": rules or str(record["rule"]),
                "Notes": NOT_AN_INJECT}))
    for number, phase in enumerate(scenario.phases, start=1):
        # The crisis' phases (an imported sheet's sections), so the import gives them back.
        rows.append(ScriptRow(phase.at, {"Number": f"phase-{number}", "Type": "phase",
                                         "Message": phase.name, "Notes": "scripted"}))
    for number, pause in enumerate(scenario.breaks, start=1):
        # A break of the script: its length in Within, so the import gives it back.
        rows.append(ScriptRow(pause.at, {
            "Number": f"break-{number}", "Type": "break", "Message": pause.title or "Break",
            "Within": _within(pause.minutes), "Notes": "scripted"}))
    rows.sort(key=lambda r: (r.t, r.cells.get("Type") != "phase"))
    for row in rows:
        row.cells["Scenario time"] = _offset(row.t)
        row.cells["Clock time"] = format_start(start + row.t)
    return rows


def _css(column: str) -> str:
    return "-".join(column.lower().replace("/", " ").split())


def _author(record: Record) -> str:
    author = record.get("author") or {}
    name, handle = author.get("name"), author.get("handle")
    if name and handle:
        return f"{name} (@{handle})"
    return str(name or (f"@{handle}" if handle else ""))


def _within(minutes: float | None) -> str:
    """Each line says something, so lines stay paired with their expectations."""
    if minutes is None:
        return "-"
    return f"{minutes:g}m"


def _type(kind: str, record: Record) -> str:
    if kind == "message":
        return "message"
    if kind in ("mention", "reply", "influencer_post") and record["platform"] not in (
            "mail", "internal", "news"):
        return "tweet"
    return kind.replace("_", " ")


#: Always printed; other columns only when some row fills them (a page has no room to waste).
_ALWAYS = ("Number", "Scenario time", "Clock time", "Type", "Message", "Expected action")


def table(rows: list[ScriptRow], columns: tuple[str, ...] = COLUMNS) -> list[list[str]]:
    return [[row.cells.get(c, "") for c in columns] for row in rows]


def shown_columns(rows: list[ScriptRow]) -> tuple[str, ...]:
    """The columns worth printing: the sheet formats keep all of them, for importing."""
    return tuple(c for c in COLUMNS if c in _ALWAYS or any(r.cells.get(c) for r in rows))


def render_csv(rows: list[ScriptRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(table(rows))
    return out.getvalue()


def render_markdown(rows: list[ScriptRow], title: str) -> str:
    def cell(text: str) -> str:
        return html.escape(text, quote=False).replace("|", "\\|").replace("\n", "<br>")

    columns = shown_columns(rows)
    lines = [f"# MSEL: {cell(title)}", "", "| " + " | ".join(columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c) for c in values) + " |"
              for values in table(rows, columns)]
    return "\n".join(lines) + "\n"


def render_html(rows: list[ScriptRow], title: str) -> str:
    e = html.escape
    columns = shown_columns(rows)
    head = "".join(f"<th class=\"{e(_css(c))}\">{e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{e(c).replace(chr(10), '<br>')}</td>"
                                    for c in values) + "</tr>"
                   for values in table(rows, columns))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>MSEL: "
            f"{e(title)}</title><style>body{{font-family:sans-serif;margin:1.5em}}"
            "table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #bbb;"
            "padding:.3em .5em;vertical-align:top;text-align:left}th{background:#eef2f8}"
            "th.message{min-width:26em}th.expected-action,th.objective-rule{min-width:14em}"
            "@media print{tr{break-inside:avoid}}</style></head><body>"
            f"<h1>MSEL: {e(title)}</h1><table><tr>{head}</tr>{body}</table></body></html>\n")


def render_xlsx(rows: list[ScriptRow], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "MSEL"
    ws.append([f"MSEL: {title}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(COLUMNS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for values in table(rows):
        ws.append(values)
    for column, width in zip("ABCDEFGHIJKLMNOP", (10, 9, 11, 14, 10, 18, 22, 20, 60, 18, 40,
                                                   18, 8, 7, 22, 22), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(xlsx: bytes) -> bytes:
    """The same workbook as the same bytes: openpyxl stamps the save time into the
    document properties and every zip entry; a script printed twice should not differ."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"",
                              data)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def script_of(records: list[Record], scenario: Scenario, start: float, fmt: str
              ) -> tuple[str | bytes, Any]:
    rows = script_rows(records, scenario, start)
    title = scenario.title
    if fmt == "csv":
        return render_csv(rows), rows
    if fmt == "html":
        return render_html(rows, title), rows
    if fmt == "xlsx":
        return render_xlsx(rows, title), rows
    return render_markdown(rows, title), rows
