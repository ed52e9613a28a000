"""Exercise-script sheets in the shapes real ones come in, built here (no binary fixture
files): a REMPAR25-like chronogramme (Murail's columns, French), an English HSEEP MSEL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

MURAIL_HEADER = ["id", "horaire", "type", "Emetteur", "Destinataire", "stimuli",
                 "réaction attendue", "commentaire", "livrable"]


def rempar_rows() -> list[list[object]]:
    """Headers not in row 1, an empty first column, section titles, mixed time shapes."""
    return [
        [None, "REMPAR25 — exercice de crise cyber", *[None] * 8],
        [None, None, None, None, None, None, None, None, None, None],
        [None, *MURAIL_HEADER],
        [None, "PRÉPARATION", None, None, None, None, None, None, None, None],
        [None, "MSG-0000", "M-5", "info", "Animation", "Tous",
         "Rappel : l'exercice commence dans 5 minutes.", None, None, None],
        [None, "PHASE 1 — DÉTECTION", None, None, None, None, None, None, None, None],
        [None, "MSG-0001", dt.time(9, 30), "mail", "RSSI",
         "Cellule de crise\nDirection communication",
         "Des postes sont chiffrés au siège. Les {fichiers} sont inaccessibles.",
         "Activer la cellule de crise", "Alerte à traiter", "main courante"],
        [None, "MSG-0002", "09h45", "tweet", "@hacktivist_x", None,
         "On a les données clients de l'entreprise. Premier lot demain. #leak", None, None, None],
        [None, "MSG-0003", "26/06/2025 10h00", "téléphone", "Journaliste Le Matin",
         "Direction communication", "Pouvez-vous confirmer une cyberattaque ?",
         "Renvoyer vers le porte-parole, ne rien confirmer", None, None],
        [None, "MSG-0004", "T+1", "mail", "ANSSI", "Cellule de crise, DSI",
         "Merci de nous transmettre vos premiers éléments.", "Répondre à l'ANSSI sous 1 h",
         None, None],
        [None, "MSG-0005", 0.5, "Pause déjeuner", "Animation", "Tous", "Pause", None, None, None],
        [None, "MSG-0006", "J+0 H+4", "mail", "DG", "Direction communication",
         "Préparez un communiqué.", "Communiqué validé par le DG", None, None],
        [None, "MSG-0007", "demain matin", "mail", "DG", "DSI", "Point de situation ?", None,
         None, None],
        [None, "MSG-0008", "+05:30", "mail", "DG", "Tous", "Fin de l'exercice.", None, None, None],
    ]


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Chronogramme") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        for row in rows:
            writer.writerow([_as_text(c) for c in row])
    return path


def _as_text(cell: object) -> object:
    """A cell as a spreadsheet saves it to CSV: times shown as times."""
    if cell is None:
        return ""
    if isinstance(cell, dt.time):
        return cell.strftime("%H:%M")
    if isinstance(cell, float) and 0 <= cell < 1:
        minutes = round(cell * 1440)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return cell


def rewrite_part(source: Path, target: Path, part: str, change: Any) -> Path:
    """A copy of the workbook ``source`` with the zip entry ``part`` passed through
    ``change`` (bytes -> bytes, or None to leave it out)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = change(data)
                if data is None:
                    continue
            dst.writestr(info.filename, data)
    target.write_bytes(out.getvalue())
    return target


def corrupt_stream(source: Path, target: Path, part: str) -> Path:
    """The workbook with bytes of ``part``'s deflate stream flipped: the zip directory is
    intact, inflating the part fails."""
    import zipfile

    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0x5A
    target.write_bytes(bytes(data))
    return target


def chart_first(path: Path, rows: list[list[object]]) -> Path:
    """A workbook whose first tab is a chart sheet, the rows on the second."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=5))
    book.create_chartsheet("Chart", 0).add_chart(chart)
    book.save(path)
    return path


OPENAEV_HEADER = ["Type", "Title", "Description", "Timeline", "Teams", "Expectation name",
                  "Expectation description", "Expectation score"]


def openaev_rows() -> list[list[object]]:
    """OpenAEV's documented inject import model: a title row, the header on row 2, column
    A empty, section rows between injects, a Timeline mixing T-1, M-5, 09:05 and T+2,
    teams as comma lists, expectations with a name, a description and a score (0-100)."""
    return [
        [None, "OpenAEV inject import model: ransomware at the regional hospital"],
        [None, *OPENAEV_HEADER],
        [None, "Planner / Prepare the exercise"],
        [None, "Send mail", "Briefing pack", "Read the briefing pack before the start.",
         "T-1", "SOC, IT Ops", "Briefing read", "Every player has read the pack", 10],
        [None, "Send mail", "Kick-off", "The exercise starts in five minutes.", "M-5",
         "SOC, IT Ops, Communication", None, None, None],
        [None, "Planner / Detection"],
        [None, "Send mail", "Ransom note", "A ransom note is on every screen of ward 3.",
         "09:05", "SOC, IT Ops", "Isolate the infected hosts",
         "The ward's hosts are off the network within the hour", 80],
        [None, "Send SMS", "Director asks", "The director asks for a first assessment.",
         "T+1", "IT Ops", "Assessment sent\nCrisis cell opened",
         "A written first assessment\nThe crisis cell meets", "40\n20"],
        [None, "Planner / Communication"],
        [None, "Media pressure", "Press call", "A journalist asks whether patients are at "
         "risk.", "T+2", "Communication", "Hold the line",
         "Refer to the spokesperson and confirm nothing", 60],
        [None, "Send mail", "End", "End of the exercise.", "T+3", "SOC, IT Ops, Communication",
         None, None, None],
    ]
