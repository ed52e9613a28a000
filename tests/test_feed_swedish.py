"""The Swedish crowd reads like Swedes: correct genitives, punctuation between joined
phrases, hashtags from the brand, no self-contradicting frames, varied texts, and
institutions that write as themselves (issue 20). Seeds 1-5 of both Swedish scenarios."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.feed.generator import FeedGenerator
from drills.feed.scenario_load import load_scenario
from drills.feed.voice import VOICES, hashtag_of, voiced
from drills.inputs.builtins import resolve
from drills.inputs.templates import render_template

SCENARIOS = ("sv-data-breach", "sv-boycott-call")
#: Closers that start a sentence of their own (``Bra jobbat.``, ``Väntar fortfarande.``).
SENTENCE_CLOSERS = tuple(c for tones in VOICES["sv"].values() for c in tones[1]
                         if c[1:2].isalpha() and c[1:2].isupper())


def _feed(name: str, seed: int) -> tuple[FeedGenerator, list[dict[str, object]]]:
    generator = FeedGenerator(load_scenario(resolve("scenario", name)), seed)
    return generator, list(generator)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_swedish_feed_reads_like_swedes_wrote_it(name: str, seed: int) -> None:
    generator, events = _feed(name, seed)
    texts = [str(e["text"]) for e in events if e["kind"] != "reshare"]
    assert len(texts) > 300
    distinct = len(set(texts)) / len(texts)
    assert distinct >= 0.8, f"{distinct:.0%} distinct texts"
    brand = generator.brand["name"]
    for text in texts:
        # The genitive of a name ending in a capital (AB, HB) takes a colon.
        assert not re.search(r"\b[A-ZÅÄÖ]{2,}s\b", text), text
        assert " ," not in text and "Hej ," not in text, text
        assert "Igen?!" not in text and not text.startswith("Toppen."), text
        for closer in SENTENCE_CLOSERS:
            if text.endswith(closer) and len(text) > len(closer):
                assert text[-len(closer) - 1] in ".!?…:", text
    # Some people type everything in lower case, hashtags included.
    hashtags = {tag.lower() for t in texts for tag in re.findall(r"#bojkotta\w+", t)}
    if name == "sv-boycott-call":
        assert hashtags == {f"#bojkotta{hashtag_of(brand)}".lower()}, (hashtags, brand)
        assert any(f"{brand}:s" in t for t in texts if brand.endswith(("AB", "HB", "KB")))\
            or not brand.endswith(("AB", "HB", "KB"))


def test_imy_writes_as_imy() -> None:
    _generator, events = _feed("sv-data-breach", 1)
    letters = [e for e in events if e.get("inject") == "imy"]
    assert len(letters) == 1
    author = letters[0]["author"]
    assert isinstance(author, dict)
    assert author["handle"] == "imy" and "Integritetsskyddsmyndigheten" in author["name"]


def test_a_genitive_and_an_empty_name_are_written_correctly() -> None:
    assert render_template("{brand}s vd", {"brand": "Nord AB"}) == "Nord AB:s vd"
    assert render_template("{brand}s vd", {"brand": "Nordlund"}) == "Nordlunds vd"
    assert render_template("{n}s", {"n": "SVT"}) == "SVT:s"
    assert render_template("{brand}son", {"brand": "AB"}) == "ABson"  # not a genitive
    assert render_template("Hej {name}, vi vill", {"name": ""}) == "Hej, vi vill"
    assert render_template("Hej {name}, vi vill", {"name": "@ann"}) == "Hej @ann, vi vill"
    assert hashtag_of("Lundqvist & Börjesson HB") == "LundqvistBörjesson"


def test_a_closer_that_starts_a_sentence_gets_a_full_stop_before_it() -> None:
    # u2 picks the closer: find " Bra jobbat." among the positive closers.
    closers = VOICES["sv"]["positive"][1]
    u2 = (closers.index(" Bra jobbat.") + 0.5) / len(closers)
    assert voiced("Äntligen ett företag som står för något", "positive", "sv", 0.0, u2,
                  0.99) == "Äntligen ett företag som står för något. Bra jobbat."
    assert voiced("Vad hände?", "positive", "sv", 0.0, u2, 0.99) == "Vad hände? Bra jobbat."


def test_a_reply_does_not_announce_news() -> None:
    openers = VOICES["sv"]["negative"][0]
    u1 = (openers.index("Tips: ") + 0.5) / len(openers)
    assert voiced("Samma här", "reply_negative", "sv", u1, 0.0, 0.99) == "Samma här"
    assert voiced("Samma här", "negative", "sv", u1, 0.0, 0.99) == "Tips: Samma här"


def test_a_swedish_drill_has_swedish_colleagues(tmp_path: Path) -> None:
    log = tmp_path / "sv.jsonl"
    result = CliRunner().invoke(cli, ["run", "--scenario", "sv-data-breach", "--seed", "7",
                                      "--start", "tis 10.00", "--hours", "6", "--log", str(log)])
    assert result.exit_code == 0, result.output
    header = json.loads(log.read_text("utf-8").splitlines()[0])
    names = {m["name"] for m in header["members"]}
    assert "Elin Lindqvist" in names and "Alex Rivera" not in names
    acted = {json.loads(line).get("member") for line in log.read_text("utf-8").splitlines()
             if '"type":"action"' in line}
    assert acted and acted <= names
    english = tmp_path / "en.jsonl"
    assert CliRunner().invoke(cli, ["run", "--seed", "7", "--hours", "1", "--log",
                                    str(english)]).exit_code == 0
    header = json.loads(english.read_text("utf-8").splitlines()[0])
    assert "Alex Rivera" in {m["name"] for m in header["members"]}


def test_a_team_names_only_its_own_members(tmp_path: Path) -> None:
    team = tmp_path / "t.yaml"
    team.write_text("team: t\nnames:\n  sv: {Ann: Anna, Bo: Anna, Nobody: Ingen}\n"
                    "members:\n  - {name: Ann, roles: [comms_lead]}\n"
                    "  - {name: Bo, roles: [legal]}\n", "utf-8")
    result = CliRunner().invoke(cli, ["lint", str(team)])
    assert result.exit_code == 2
    assert f"{team}:3:" in result.output
    assert "'Anna' would be the name of two members" in result.output
    assert "no member is called 'Nobody'" in result.output


def test_an_authority_writes_in_office_hours() -> None:
    """IMY's letter, due six hours in, comes at 16:00 on a Tuesday started at 10:00, but a
    drill started on Friday at 17:30 gets it on Monday at 08:00, not at 23:30 on Friday."""
    from drills.feed.crisis import Crisis
    from drills.team.clock import parse_start

    scenario = load_scenario(resolve("scenario", "sv-data-breach"))

    def letter_at(start: str) -> float | None:
        crisis = Crisis(scenario, 1, duration=72 * 60, week_start=parse_start(start))
        return next((float(e["t"]) for e in crisis.feed if e.get("inject") == "imy"), None)

    assert letter_at("tis 10:00") == 360.0
    assert letter_at("fre 17:30") == (2 * 1440 + 14 * 60 + 30)  # mon 08:00
    # A scenario may say otherwise: office_hours: false keeps the letter at 23:30.
    from dataclasses import replace

    scenario = replace(scenario, injects=tuple(
        replace(i, office_hours=False) if i.id == "imy" else i for i in scenario.injects))
    assert letter_at("fre 17:30") == 360.0


def test_a_scenario_s_own_templates_fit_its_stance(tmp_path: Path) -> None:
    """The boycott is over a decision the company stands by: its holding statement explains
    the decision (the scenario's template), it does not say it is looking into it (the
    rulebook's); templates the scenario does not give still come from the rulebook."""
    from drills.api import people_config
    from drills.sim.world import World

    config = people_config(scenario="sv-boycott-call", rulebook="default", team="standard",
                           seed=2, start="mån 09:00", humans={"comms_lead": "Ann"}, hours=1)
    world = World(config, _NullSink())
    holding = world.template_text("holding_statement", "facebook")
    assert holding is not None and "står fast vid beslutet" in holding
    assert "undersöker" not in holding
    assert world.template_text("reply", None) == \
        config.rulebook.template_text("reply", None, "sv")
    assert "holding_statement" in world.template_names() and "reply" in world.template_names()


def test_a_scenario_template_with_an_unknown_placeholder_is_positioned(tmp_path: Path) -> None:
    text = (Path(resolve("scenario", "sv-boycott-call")).read_text("utf-8")
            .replace("Fakta: {url}", "Fakta: {urll}"))
    bad = tmp_path / "boycott.yaml"
    bad.write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["lint", str(bad)])
    assert result.exit_code == 2
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "{urll}" in row)
    assert f"{bad}:{line}:" in result.output and "did you mean 'url'" in result.output


class _NullSink:
    def write(self, record: dict[str, object]) -> None:
        pass

    def write_event(self, event: dict[str, object]) -> None:
        pass
