"""Coaching on what people write: each check fires when it should, and only then."""

from __future__ import annotations

import pytest

from drills.score.coaching import coach

GOOD = "We're aware of reports about overheating SteamPro kettles. Next update by 19:30."


def test_a_good_holding_statement_gets_no_notes() -> None:
    assert coach(GOOD, "holding_statement", ["x", "facebook"], "en") == []


@pytest.mark.parametrize(("text", "action", "channels", "lang", "note"), [
    ("x" * 281, "reply", ["x"], "en", "281 characters: too long for x (at most 280)"),
    ("Hello {name}, we are on it. Next update 19:30.", "update", ["facebook"], "en",
     "fill in {name} before publishing"),
    ("Vi vet om problemet och vi återkommer med mer information kl 19:30.",
     "holding_statement", ["x"], "en", "written in Swedish, but the drill is in English"),
    ("We are aware of the problem and we will be back with more at 19:30.",
     "holding_statement", ["x"], "sv", "skrivet på engelska, men övningen är på svenska"),
    ("We are aware of reports and looking into it.", "holding_statement", ["x"], "en",
     "say when the next update comes"),
    ("That is not our fault, read the manual.", "reply", ["x"], "en",
     "defensive or argumentative wording (not our fault, read the manual)"),
    ("Det är inte vårt fel. Nästa uppdatering kl 20:00.", "update", ["x"], "sv",
     "defensiva eller argumenterande ord (inte vårt fel)"),
])
def test_each_check_fires(text: str, action: str, channels: list[str], lang: str,
                          note: str) -> None:
    notes = coach(text, action, channels, lang)
    assert any(n.startswith(note) for n in notes), notes


@pytest.mark.parametrize(("text", "action"), [
    ("x" * 281, "reply"),  # facebook has no 280 limit
    ("Next update in 2 hours. We are on it.", "update"),
    ("Nästa uppdatering om en timme.", "holding_statement"),
    ("Thanks for telling us, we are on it", "reply"),  # replies promise no next update
])
def test_and_stays_quiet_otherwise(text: str, action: str) -> None:
    lang = "sv" if "Nästa" in text else "en"
    assert coach(text, action, ["facebook"], lang) == []
