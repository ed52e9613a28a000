"""One translation layer: every message the code says through the catalogue has a Swedish
translation, numbers are written the drill's way, and display names come from the
catalogue unless a rulebook gives its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from drills.i18n import names
from drills.i18n.catalogue import available, t, translations
from drills.i18n.formats import count, decimal
from drills.i18n.names import display_name, language_name

PACKAGE = Path(__file__).resolve().parent.parent / "drills"
SWEDISH = PACKAGE / "i18n" / "locale" / "sv" / "LC_MESSAGES" / "drills.po"


def _catalogue() -> dict[tuple[str | None, str], str]:
    with SWEDISH.open("rb") as handle:
        catalog = read_po(handle, locale="sv")
    return {(m.context, str(m.id)): str(m.string) for m in catalog if m.id}


def messages_in_code() -> set[str]:
    """Every literal message the code passes to ``t(lang, MESSAGE, ...)``, to ``w(MESSAGE)``
    (``t`` with its language bound) or marks with ``N_(MESSAGE)`` (what pybabel extracts
    with ``-k t:2 -k w -k N_``)."""
    found: set[str] = set()
    position = {"t": 1, "w": 0, "N_": 0}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) and func.attr == "w" else None
            if isinstance(node, ast.Call) and name in position and \
                    len(node.args) > position[name]:
                message = node.args[position[name]]
                if isinstance(message, ast.Constant) and isinstance(message.value, str):
                    found.add(message.value)
                elif isinstance(message, ast.JoinedStr):
                    raise AssertionError(f"{path}: an f-string cannot be translated")
    return found


def test_every_message_of_the_code_has_a_swedish_translation() -> None:
    from drills.i18n.reasons import _SHAPES

    catalogue = _catalogue()
    in_code = messages_in_code() | {message for _pattern, message in _SHAPES}
    assert len(in_code) >= 7
    missing = sorted(m for m in in_code if not catalogue.get((None, m)))
    assert not missing, missing


def test_every_message_of_the_catalogue_is_translated_and_keeps_its_fields() -> None:
    import string

    for (_context, message), translated in _catalogue().items():
        assert translated, message
        fields = {f for _l, f, _s, _c in string.Formatter().parse(message) if f}
        assert fields == {f for _l, f, _s, _c in string.Formatter().parse(translated) if f}, \
            message


def test_every_display_name_has_a_swedish_name() -> None:
    catalogue = _catalogue()
    for english in {*names._ENGLISH.values()}:
        assert catalogue.get(("name", english)), english
    for english in names._LANGUAGES.values():
        assert catalogue.get(("language", english)), english


def test_names_and_numbers_in_swedish_and_english() -> None:
    assert display_name("comms_lead", "sv") == "kommunikationsansvarig"
    assert display_name("comms_lead", "en") == "comms lead"
    assert display_name("severe", "sv_SE") == "allvarlig kris"
    assert display_name("delete_comment", "sv") == "raderad kommentar"
    own = {"comms_lead": {"sv": "Kommunikationschef"}}
    assert display_name("comms_lead", "sv", own) == "Kommunikationschef"
    assert display_name("night_desk", "sv") == "night desk"  # an id of the rulebook's own
    assert language_name("sv", "sv") == "svenska" and language_name("sv", "en") == "Swedish"
    assert decimal(70.4, "sv") == "70,4" and decimal(70.4, "en") == "70.4"
    assert count(1349, "sv") == "1\xa0349" and count(1349, "en") == "1,349"


def test_a_language_without_a_catalogue_reads_english() -> None:
    assert "sv" in available() and available()[0] == "en"
    assert t("fr", "fill in {names} before publishing", names="{x}") == \
        "fill in {x} before publishing"
    assert translations("de").gettext("x") == "x"


def test_a_rulebook_gives_its_roles_names_and_its_reasons_per_language() -> None:
    from drills.inputs.builtins import resolve
    from drills.rulebook.load import load_rulebook

    book = load_rulebook(resolve("rulebook", "default"))
    assert display_name("comms_lead", "sv", book.role_names()) == "kommunikationsansvarig"
    assert display_name("comms_lead", "en", book.role_names()) == "comms lead"
    argue = next(f for f in book.forbid if f.action == "argue")
    assert argue.reason.startswith("Never argue with the public")  # what the log records
    assert argue.reason_in("sv_SE").startswith("Gräla aldrig med allmänheten")
    assert argue.reason_in("fr") == argue.reason


def test_a_rulebook_with_one_reason_text_keeps_it_everywhere() -> None:
    from tests.conftest import minimal_rulebook

    book = minimal_rulebook("  - {id: r, when: signal.mentions_1h >= 1}\n",
                            "forbid:\n  - {action: argue, reason: Do not argue}\n")
    assert book.forbid[0].reason == "Do not argue" == book.forbid[0].reason_in("sv")


def test_a_swedish_drill_s_advice_is_swedish_and_an_english_one_unchanged() -> None:
    from drills.api import run_drill

    swedish = run_drill(scenario="sv-data-breach", seed=7, start="tis 10:00", hours=10).score
    english = run_drill(seed=1, start="fri 17:30", hours=12).score
    assert swedish["improvements"] and english["improvements"]
    for item in swedish["improvements"]:
        assert item["text"][0].isupper()
        assert not any(w in item["text"] for w in ("Nobody did", " was skipped", " came ",
                                                    "went out without", " by comms_lead"))
    assert any("klockan" in i["text"] or "skulle" in i["text"] for i in swedish["improvements"])
    # Clock times as Swedes write them (the reasons quoted from the log stay as logged).
    assert any(re.search(r"\btis \d\d\.\d\d", i["text"]) for i in swedish["improvements"])
    assert any(w in i["text"] for i in english["improvements"]
               for w in ("Nobody did", "came", "went out without", "did not reach", "Rule "))


def test_the_world_s_reasons_are_said_in_the_drill_s_language() -> None:
    from drills.i18n.reasons import say_reason

    assert say_reason("no legal available at tue 19:02", "sv") == \
        "ingen jurist tillgänglig tis 19.02"
    assert say_reason("Mikael Sjöberg (legal) was paged at tue 16:10 and had not approved by "
                      "tue 17:00; published without", "sv") == \
        "Mikael Sjöberg (jurist) larmades tis 16.10 och hade inte godkänt tis 17.00; " \
        "publicerades utan"
    assert say_reason("Ann did not acknowledge within 15m", "sv") == \
        "Ann kvitterade inte inom 15 min"
    assert say_reason("no legal available at tue 19:02", "en") == \
        "no legal available at tue 19:02"
    assert say_reason("our own words", "sv") == "our own words"


#: English words of the play screens that must not appear in a Swedish session's output
#: (post texts are the crowd's own words, and Swedish ones here).
ENGLISH_UI = ("PAGE ", "NEW o", "due ", "acknowledged", "stopped waiting", "severity",
              "speed ", "Nothing waits", "fulfils", "You play", "BRIEFING", "The situation",
              "What to improve", "Score ", "Obligations", "did ", "went to the backup",
              "which no obligation", "ending the drill", "coach:")


def test_a_swedish_play_session_speaks_swedish(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drills.cli.main import cli

    commands = ("inbox\nwait 3h20m\nack\ndo o2\n"
                "act holding_statement : Vi vet om dataläckan. Nästa uppdatering senast "
                "15.30.\nwait 30m\ninbox\nquit\n")
    result = CliRunner().invoke(cli, [
        "play", "--plain", "--speed", "0", "--scenario", "sv-data-breach", "--seed", "7",
        "--start", "tis 10:00", "--hours", "10", "--role", "comms_lead", "--as", "Ann",
        "--log", str(tmp_path / "sv.jsonl")], input=commands)
    assert result.exit_code == 0, result.output
    screens = "\n".join(line for line in result.output.splitlines()
                        if not line.startswith(">"))  # the commands typed stay English
    for word in ENGLISH_UI:
        assert word not in screens, word
    for word in ("GENOMGÅNG", "LARM o2", "kvitterat o2", "uppfyller o2", "Din poäng",
                 "Att förbättra", "tis 13.15"):
        assert word in screens, word
