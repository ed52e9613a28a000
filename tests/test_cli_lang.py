"""Issue 20, ``--lang``: ``drill play``, ``drill score`` and ``drill report`` show a drill in
another language than its own; a language without a catalogue (and a French drill, REMPAR25
style) reads English and says so once on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from tests.msel_fixtures import rempar_rows, write_xlsx

NOTICE = "no catalogue for the language"


@pytest.fixture(scope="module")
def swedish_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("lang") / "sv.jsonl"
    result = CliRunner().invoke(cli, ["run", "--scenario", "sv-data-breach", "--seed", "2",
                                      "--hours", "6", "--no-store", "--log", str(log)])
    assert result.exit_code == 0, result.output
    return log


def test_score_speaks_the_drill_s_language_or_the_one_asked_for(swedish_log: Path) -> None:
    own = CliRunner().invoke(cli, ["score", str(swedish_log)])
    english = CliRunner().invoke(cli, ["score", str(swedish_log), "--lang", "en"])
    assert own.exit_code == 0 == english.exit_code, own.output + english.output
    assert "Övning:" in own.stdout and "Drill:" not in own.stdout
    assert "Drill:" in english.stdout and "Övning:" not in english.stdout
    assert NOTICE not in own.stderr + english.stderr


def test_a_language_without_a_catalogue_reads_english_and_says_so_once(
        swedish_log: Path) -> None:
    german = CliRunner().invoke(cli, ["score", str(swedish_log), "--lang", "de"])
    assert german.exit_code == 0, german.output
    assert "Drill:" in german.stdout and german.stderr.count(NOTICE) == 1
    assert "'de'" in german.stderr
    wrong = CliRunner().invoke(cli, ["score", str(swedish_log), "--lang", "sv;rm"])
    assert wrong.exit_code == 2 and "--lang" in wrong.output and "Traceback" not in wrong.output


def test_report_in_english_and_in_an_unknown_language(swedish_log: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(swedish_log), "--lang", "fr", "-o",
                                      str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert '<html lang="en">' in html and "After-action report" in html
    assert result.stderr.count(NOTICE) == 1


def test_play_in_english_over_a_swedish_drill(tmp_path: Path) -> None:
    args = ["play", "--plain", "--speed", "60", "--seed", "7", "--scenario", "sv-data-breach",
            "--start", "tue 10:00", "--role", "legal", "--as", "Eva", "--no-store", "--log"]
    english = CliRunner().invoke(cli, [*args, str(tmp_path / "en.jsonl"), "--lang", "en"],
                                 input="quit\n")
    assert english.exit_code == 0, english.output
    assert "BRIEFING: Kunddata läcker från en svensk nätbutik (" in english.stdout
    assert "GENOMGÅNG" not in english.stdout and "Drill:" in english.stdout
    assert NOTICE not in english.stderr


def test_a_french_drill_reads_english_and_says_so(tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "rempar.xlsx", rempar_rows())
    folder = tmp_path / "rempar"
    made = CliRunner().invoke(cli, ["import", "msel", str(sheet), "-o", str(folder),
                                    "--preset", "murail", "--lang", "fr"])
    assert made.exit_code == 0, made.output
    files = ["--scenario", str(folder / "scenario.yaml"), "--rulebook",
             str(folder / "rulebook.yaml"), "--team", str(folder / "team.yaml")]
    log = tmp_path / "play.jsonl"
    played = CliRunner().invoke(cli, [
        "play", "--plain", *files, "--role", "direction_communication", "--as", "Zoé",
        "--speed", "0", "--seed", "1", "--start", "mon 09:30", "--no-store", "--log",
        str(log)], input="quit\n")
    assert played.exit_code == 0, played.output
    assert played.stderr.count(NOTICE) == 1 and "'fr'" in played.stderr
    assert "BRIEFING:" in played.stdout and "Drill:" in played.stdout
    out = tmp_path / "r.html"
    report = CliRunner().invoke(cli, ["report", str(log), "-o", str(out), "--rulebook",
                                      str(folder / "rulebook.yaml")])
    assert report.exit_code == 0, report.output
    html = out.read_text("utf-8")
    assert '<html lang="en">' in html
    assert "There is no catalogue for French (fr): the report is in English." in html
    scored = CliRunner().invoke(cli, ["score", str(log), "--rulebook",
                                      str(folder / "rulebook.yaml")])
    assert scored.exit_code == 0 and "Drill:" in scored.stdout
    assert scored.stderr.count(NOTICE) == 1
