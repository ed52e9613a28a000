"""``drill report``: the after-action report, its sections and figures, its language, its
safety with hostile logs, and what it looks like in a browser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from tests.browser import screenshot

LOGS = Path(__file__).parent / "data" / "logs"
SECTIONS_EN = ["Exercise overview", "What happened", "Capability analysis", "Response times",
               "Conduct", "Improvement plan"]
SECTIONS_SV = ["Vad som hände", "Förmågeanalys", "Svarstider", "Uppträdande",
               "Förbättringsplan"]


@pytest.fixture(scope="module")
def drill_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log = tmp_path_factory.mktemp("report") / "drill.jsonl"
    result = CliRunner().invoke(cli, ["run", "--seed", "1", "--start", "fri 17:30",
                                      "--log", str(log)])
    assert result.exit_code == 0, result.output
    return log


def _report(args: list[str]) -> str:
    result = CliRunner().invoke(cli, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_html_report_has_every_section_and_figure(drill_log: Path) -> None:
    html = _report([str(drill_log)])
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == SECTIONS_EN[1:]
    assert "After-action report and improvement plan" in html
    for row in ("Scenario", "SCCT crisis cluster", "Rulebook", "Team", "Start", "Duration",
                "Seed", "People who took part", "Score"):
        assert f"<th>{row}</th>" in html
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 3  # timeline, obligations, response times
    assert all(len(i) > 10_000 for i in images)
    assert "http://" not in html and "https://" not in html  # opens offline
    assert "<th>Capability element</th>" in html and "<th>Target date</th>" in html
    assert re.search(r"<td>(organisation|training|planning|equipment)</td>", html)


def test_rendering_is_deterministic_across_processes(drill_log: Path, tmp_path: Path) -> None:
    first = _report([str(drill_log)])
    out = tmp_path / "again.html"
    subprocess.run([str(Path(sys.executable).with_name("drill")), "report", str(drill_log),
                    "-o", str(out)], check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == first


def test_a_swedish_drill_gets_a_swedish_report(tmp_path: Path) -> None:
    log = tmp_path / "sv.jsonl"
    result = CliRunner().invoke(cli, ["run", "--scenario", "sv-data-breach", "--seed", "2",
                                      "--hours", "12", "--log", str(log)])
    assert result.exit_code == 0, result.output
    html = _report([str(log)])
    assert re.findall(r"<h2>(.*?)</h2>", html) == SECTIONS_SV
    assert '<html lang="sv">' in html and "Utvärderingsrapport och förbättringsplan" in html
    assert not any(f"<h2>{s}</h2>" in html for s in SECTIONS_EN)
    english = _report([str(log), "--lang", "en"])
    assert re.findall(r"<h2>(.*?)</h2>", english) == SECTIONS_EN[1:]


@pytest.mark.parametrize("name", ["tabletop.jsonl", "misconduct.jsonl", "sv-vattenrykte.jsonl"])
def test_hand_written_logs_render_in_both_formats(name: str, tmp_path: Path) -> None:
    html = _report([str(LOGS / name)])
    assert "<h2>" in html
    out = tmp_path / "aar" / "report.md"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["report", str(LOGS / name), "--format", "md", "-o",
                                      str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert pictures and all((out.parent / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                            for p in pictures)
    expected = "## Förmågeanalys" if name.startswith("sv-") else "## Capability analysis"
    assert expected in text


def test_hostile_text_in_a_log_is_shown_not_run(tmp_path: Path) -> None:
    html = _report([str(LOGS / "hostile.jsonl")])
    body = html.split("<body>", 1)[1]
    for raw in ("<script", "<svg", "<b on", "<i>", "<a href", "<img src"):
        assert raw not in body.replace('<img alt="', "")
    assert "&lt;svg onload=alert(&#39;person&#39;)&gt;" in body
    out = tmp_path / "h.md"
    result = CliRunner().invoke(cli, ["report", str(LOGS / "hostile.jsonl"), "--format", "md",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<svg" not in text and "<script" not in text and "&lt;svg" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "md"], "give -o FILE"),
    (["nope.jsonl"], "nope.jsonl: no such file"),
])
def test_bad_report_arguments_get_one_line(drill_log: Path, args: list[str],
                                           message: str) -> None:
    if args[0] == "--format":
        args = [str(drill_log), *args]
    result = CliRunner().invoke(cli, ["report", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_the_report_in_headless_chromium(drill_log: Path, tmp_path: Path) -> None:
    from PIL import Image

    page = tmp_path / "report.html"
    assert CliRunner().invoke(cli, ["report", str(drill_log), "-o", str(page)]).exit_code == 0
    shot = tmp_path / "report.png"
    screenshot(page, shot, tmp_path / "profile")
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    # Not a blank page: the timeline's band of colour and text are there.
    colours = image.crop((0, 0, 1200, 1200)).getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 200
