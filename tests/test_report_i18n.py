"""Issue 20, the after-action report: its words come from the one catalogue (the ``.po``
file, no dictionary of Swedish in the report's code), and a Swedish drill's report leaks no
English: rule reasons, severity, role and strategy names, numbers and clock times are
Swedish; the history page follows the drill's language or ``--lang``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.report import catalogue

#: English the Swedish report once showed (issue 20), as whole words.
LEAKS = ("Never argue", "Deleting criticism", "next update by", "severe", "bolster",
         "instruct", "rebuild", "comms_lead", "community_manager", "åliggande",
         "Slumpfrö", "gjorde '", "Varje uttalande nådde", "holding statement",
         "spokesperson", "head_of_communications")


@pytest.fixture(scope="module")
def swedish(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("sv-report")
    log = folder / "sv.jsonl"
    ran = CliRunner().invoke(cli, ["run", "--scenario", "sv-data-breach", "--seed", "2",
                                   "--hours", "12", "--no-store", "--log", str(log)])
    assert ran.exit_code == 0, ran.output
    out = folder / "aar" / "report.md"
    out.parent.mkdir()
    made = CliRunner().invoke(cli, ["report", str(log), "--format", "md", "-o", str(out)])
    assert made.exit_code == 0, made.output
    return log, out.read_text("utf-8")


def test_the_report_keeps_no_catalogue_of_its_own() -> None:
    assert isinstance(catalogue.MESSAGES["title"], str)
    assert not hasattr(catalogue, "CLUSTER_WORDS")
    source = Path(catalogue.__file__).read_text("utf-8")
    assert "Utvärderingsrapport" not in source and "Förmågeanalys" not in source


def test_a_swedish_report_leaks_no_english(swedish: tuple[Path, str]) -> None:
    _log, text = swedish
    leaks = [w for w in LEAKS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    assert not leaks, leaks
    assert "## Förmågeanalys" in text and "Startvärde" in text
    assert not re.search(r"\b\d+\.\d\b", text.split("Skapad av crisis-drills")[0]), \
        re.findall(r".{30}\b\d+\.\d\b.{10}", text)[:3]  # 70,4 not 70.4; 17.30 is a clock
    assert re.search(r"mån \d\d\.\d\d", text) and not re.search(r"mån \d\d:\d\d", text)
    assert "| Råd om texten |" in text or "Råd om texten" not in text
    assert "kommunikationsansvarig" in text


def test_the_history_page_in_the_drill_s_language(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    for scenario in ("sv-data-breach", "sv-boycott-call"):
        ran = CliRunner().invoke(cli, ["run", "--scenario", scenario, "--seed", "1",
                                       "--hours", "3", "--db", str(db)])
        assert ran.exit_code == 0, ran.output
    page = tmp_path / "history.html"
    made = CliRunner().invoke(cli, ["history", "--db", str(db), "--html", "-o", str(page)])
    assert made.exit_code == 0, made.output
    html = page.read_text("utf-8")
    assert "<html lang=\"sv\">" in html and "<th>Resultat</th>" in html
    assert re.search(r"<td>\d+,\d</td>", html) and not re.search(r"<td>\d+\.\d</td>", html)
    english = tmp_path / "en.html"
    made = CliRunner().invoke(cli, ["history", "--db", str(db), "--html", "-o", str(english),
                                    "--lang", "en"])
    assert made.exit_code == 0, made.output
    assert '<html lang="en">' in english.read_text("utf-8")
