"""Exercise objectives in a score, and a facilitator's verdicts on them after the drill
(``--judge x3=partly:called back late``): a person in ``drill play`` or a tabletop may have
reacted off the log (a phone call in the room), and the facilitator says so in the score."""

from __future__ import annotations

from typing import Any

from drills.errors import InputError

STATUSES = ("met", "partly", "missed")
_CREDIT = {"met": 1.0, "partly": 0.5}


def objective_points(objectives: list[dict[str, Any]]) -> dict[str, float]:
    """Met counts fully, partly half."""
    possible = sum(float(o["points"] or 0) for o in objectives)
    earned = sum(float(o["points"] or 0) * _CREDIT.get(o["status"], 0.0) for o in objectives)
    return {"earned": round(earned, 1), "possible": round(possible, 1)}


def parse_judgements(specs: tuple[str, ...]) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for spec in specs:
        ident, eq, rest = spec.partition("=")
        status, colon, comment = rest.partition(":")
        status = status.strip().lower()
        if not eq or not ident.strip() or status not in STATUSES:
            raise InputError(f"--judge {spec!r}: write ID=STATUS[:COMMENT], STATUS one of "
                             + ", ".join(STATUSES) + " (like x3=partly:called back late)")
        found[ident.strip()] = (status, comment.strip() if colon and comment.strip() else None)
    return found


def apply_judgements(document: dict[str, Any],
                     judgements: dict[str, tuple[str, str | None]]) -> None:
    """The facilitator's verdict wins over the log's, as a validation in a served drill."""
    if not judgements:
        return
    objectives = {o["id"]: o for o in document.get("objectives") or ()}
    for ident, (status, comment) in judgements.items():
        if ident not in objectives:
            known = ", ".join(objectives) or "none in this drill"
            raise InputError(f"--judge {ident}: no objective {ident!r}; objectives: {known}")
        objectives[ident].update(status=status, by="facilitator", comment=comment)
    document["objectives_points"] = objective_points(list(objectives.values()))
