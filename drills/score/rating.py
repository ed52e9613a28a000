"""HSEEP ratings: the letter a score earns, and what caps it (misconduct, an evaluator)."""

from __future__ import annotations

from typing import Any

RATINGS = ((90.0, "P"), (75.0, "S"), (50.0, "M"), (0.0, "U"))
RATING_WORDS = {
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}


def rating(score: float) -> str:
    return next(letter for bound, letter in RATINGS if score >= bound)


#: Misconduct caps the rating, whatever the points: P means *no* challenges (HSEEP).
#: (violations at least, best rating allowed)
VIOLATION_CAPS = ((3, "M"), (1, "S"))
_ORDER = "PSMU"


def capped_rating(score: float, violations: int) -> str:
    """The rating of ``score``, no better than its violations allow: any violation rules
    out P; three or more cap it at M."""
    letter = rating(score)
    for at_least, cap in VIOLATION_CAPS:
        if violations >= at_least:
            return max(letter, cap, key=_ORDER.index)
    return letter


def evaluated_rating(letter: str, evaluator_ratings: Any) -> str:
    """The team's rating once evaluators have rated its critical tasks: an M or U on any
    task rules out P (HSEEP: P means the tasks were performed without challenges)."""
    if letter == "P" and any(r in ("M", "U") for r in evaluator_ratings):
        return "S"
    return letter


