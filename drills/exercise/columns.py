"""Which column is which, in French or English, without case or accents, wherever the
header row is."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from drills.errors import InputError

FIELDS = ("id", "time", "type", "from", "to", "subject", "message", "expected", "detail",
          "comment", "deliverable", "channel", "points", "within", "role", "attachments",
          "clock")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "n", "no", "num", "numero", "number", "ref", "reference", "event",
           "event number", "inject number", "msel id"),
    "time": ("horaire", "heure", "time", "timing", "date", "date heure", "scenario time",
             "when", "moment", "t", "timeline"),
    "type": ("type", "nature", "inject type", "kind", "categorie", "category"),
    "from": ("emetteur", "expediteur", "from", "sender", "source", "de"),
    "to": ("destinataire", "destinataires", "to", "recipient", "recipients", "player",
           "players", "joueur", "joueurs", "cible", "a", "pour"),
    "subject": ("objet", "subject", "titre", "title", "inject title"),
    "message": ("stimuli", "stimulus", "message", "contenu", "inject", "description",
                "texte", "text", "content", "inject description", "event description"),
    "expected": ("reaction attendue", "reactions attendues", "expected action",
                 "expected player action", "expected response", "attendu",
                 "expected outcome", "expectation", "expectation name"),
    #: What an expectation means, beside its name (OpenAEV's expectation description).
    "detail": ("expectation description", "expected detail", "success criteria",
               "critere de reussite", "criteres de reussite"),
    "comment": ("commentaire", "commentaires", "comment", "comments", "notes", "note",
                "remarks", "observations"),
    "deliverable": ("livrable", "livrables", "deliverable", "deliverables"),
    "channel": ("method", "methode", "canal", "channel", "moyen", "vecteur", "mode",
                "inject mode", "delivery method"),
    "points": ("points", "score", "bareme"),
    "within": ("delai", "deadline", "within", "delai de reaction", "expected within",
               "delai attendu"),
    "role": ("role attendu", "expected from", "responsible", "responsable"),
    "attachments": ("attachments", "attachment", "pieces jointes", "piece jointe", "pj",
                    "annexes", "annexe"),
    #: Only read to place a sheet of relative times on the clock (drill script writes it).
    "clock": ("clock time", "heure reelle", "wall clock", "real time"),
}
PRESETS: dict[str, dict[str, str]] = {
    "murail": {"id": "id", "horaire": "time", "type": "type", "emetteur": "from",
               "destinataire": "to", "stimuli": "message", "reaction attendue": "expected",
               "commentaire": "comment", "livrable": "deliverable"},
    "openaev": {"title": "subject", "description": "message", "type": "type",
                "timing": "time", "date": "time", "timeline": "time", "trigger time": "time",
                "teams": "to", "team": "to", "players": "to", "expectations": "expected",
                "expectation name": "expected", "expectation description": "detail",
                "expectation score": "points"},
    "hseep": {"event": "id", "event number": "id", "scenario time": "time",
              "event type": "type", "method": "channel", "from": "from", "to": "to",
              "message": "message", "expected action": "expected", "notes": "comment",
              "objective": "comment"},
}
_HEADER_SCAN = 40


def normal(text: Any) -> str:
    """Lower case, no accents, punctuation as spaces: 'Réaction attendue' -> 'reaction attendue'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    plain = re.sub(r"\((s|es)\)", r"\1", plain, flags=re.IGNORECASE)  # destinataire(s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def field_of(header: Any, overrides: dict[str, str]) -> str | None:
    name = normal(header)
    if not name:
        return None
    if name in overrides:
        return overrides[name]
    for field, names in SYNONYMS.items():
        if name in names:
            return field
    return None


def find_header(rows: list[tuple[int, list[Any]]], overrides: dict[str, str]
                ) -> tuple[int, dict[int, str]]:
    """The header row (index into ``rows``) and its columns: the first row of the first
    forty where at least three columns are known, among them the time and the message."""
    for index, (_number, cells) in enumerate(rows[:_HEADER_SCAN]):
        columns: dict[int, str] = {}
        for col, cell in enumerate(cells):
            field = field_of(cell, overrides) if cell is not None else None
            if field is not None and field not in columns.values():
                columns[col] = field
        if len(columns) >= 3 and {"time", "message"} <= set(columns.values()):
            return index, columns
    raise InputError("no header row found in the first 40 rows: it needs a time column "
                     "(horaire, time...) and a message column (stimuli, message...); name "
                     "them with --map COLUMN=FIELD")


def parse_map(specs: tuple[str, ...], preset: str | None) -> dict[str, str]:
    overrides = dict(PRESETS[preset]) if preset else {}
    for spec in specs:
        column, eq, field = spec.partition("=")
        if not eq or not column.strip() or field.strip() not in FIELDS:
            raise InputError(f"--map {spec!r}: write COLUMN=FIELD, FIELD one of "
                             + ", ".join(FIELDS))
        overrides[normal(column)] = field.strip()
    return overrides
