"""Spreadsheets as users bring them, broken or huge: every one is read or refused in one
line (exit 2), never a traceback; a sheet too big to be a drill is refused at import, fast,
with the limit in words. Ends with a seeded fuzz of CSV and xlsx bytes."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drills.cli.main import cli
from drills.exercise import sheet as sheet_module
from drills.exercise.sheet import MAX_ROWS
from tests.msel_fixtures import (
    chart_first,
    corrupt_stream,
    openaev_rows,
    rempar_rows,
    rewrite_part,
    write_csv,
    write_xlsx,
)

SHEET_XML = "xl/worksheets/sheet1.xml"


def _import(path: Path, out: Path, *extra: str) -> Result:
    result = CliRunner().invoke(cli, ["import", "msel", str(path), "-o", str(out), *extra])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result


def _refused(path: Path, out: Path, *extra: str) -> str:
    """The one error line of a refused import; nothing was written."""
    result = _import(path, out, *extra)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert not out.exists()
    return lines[0]


def test_a_csv_cell_past_the_csv_limit_is_one_line(tmp_path: Path) -> None:
    sheet = tmp_path / "long.csv"
    sheet.write_text("time,message,to\n09:00,hello,dsi\n09:05," + "x" * 140_000 + ",dsi\n")
    line = _refused(sheet, tmp_path / "out")
    assert line == f"error: {sheet}:3: a cell over 131,072 characters"


def test_a_csv_with_old_mac_line_ends_is_read(tmp_path: Path) -> None:
    sheet = tmp_path / "mac.csv"
    sheet.write_bytes(b'time;message;to\r09:00;hello;DSI\r09:10;"two\rlines";DSI\r')
    result = _import(sheet, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "imported 2 row(s)" in result.output
    scenario = (tmp_path / "out" / "scenario.yaml").read_text()
    assert "text: hello" in scenario and "at: 10m" in scenario


@pytest.mark.parametrize(("how", "expected"), [
    ("cut", "sheet 'Chronogramme': the workbook's XML is broken (cut short or edited: "
            "unclosed token"),
    ("entity", "the workbook's XML is broken (cut short or edited: undefined entity"),
])
def test_an_xlsx_with_broken_sheet_xml_is_one_line(tmp_path: Path, how: str,
                                                   expected: str) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", rempar_rows())

    def change(data: bytes) -> bytes:
        if how == "cut":
            return data[: len(data) // 2]
        return data.replace(b"<sheetData>", b"<sheetData>&bogus;", 1)

    broken = rewrite_part(good, tmp_path / f"{how}.xlsx", SHEET_XML, change)
    line = _refused(broken, tmp_path / "out")
    assert line.startswith(f"error: {broken}: ") and expected in line, line
    assert line.endswith("open it in a spreadsheet and save it again")


def test_an_xlsx_whose_zip_stream_is_corrupt_is_one_line(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", rempar_rows())
    broken = corrupt_stream(good, tmp_path / "zlib.xlsx", SHEET_XML)
    line = _refused(broken, tmp_path / "out")
    assert "the workbook's zip data is corrupt (Error -3 while decompressing" in line, line


def test_a_chart_sheet_in_front_is_passed_over(tmp_path: Path) -> None:
    book = chart_first(tmp_path / "chart.xlsx", rempar_rows())
    result = _import(book, tmp_path / "out", "--preset", "murail")
    assert result.exit_code == 0, result.output
    assert "imported 7 row(s)" in result.output and ":Data:13:C: not a time" in result.output
    line = _refused(book, tmp_path / "again", "--sheet", "Chart")
    assert line == f"error: {book}: sheet 'Chart' is a chart, not rows; sheets with rows: Data"
    # A chart sheet without relations (Excel writes some) makes openpyxl fail in
    # read_chartsheet: it is given empty ones and passed over all the same.
    bare = rewrite_part(book, tmp_path / "bare.xlsx", "xl/chartsheets/_rels/sheet1.xml.rels",
                        lambda _data: None)
    with zipfile.ZipFile(bare) as archive:
        assert not any("chartsheets/_rels" in n for n in archive.namelist())
    result = _import(bare, tmp_path / "bare", "--preset", "murail")
    assert result.exit_code == 0 and "imported 7 row(s)" in result.output, result.output


# -- sizes -------------------------------------------------------------------------------


def _long_csv(path: Path, rows: int, expectations: int = 1) -> Path:
    lines = ["id,time,to,message,expected action"]
    reactions = "\n".join(f"Reaction {k}" for k in range(expectations))
    lines += [f'M{i},+{i // 60:02d}:{i % 60:02d},Comms lead,Message {i},"{reactions}"'
              for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_sheet_past_the_row_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sheet = _long_csv(tmp_path / "huge.csv", 20_000)
    line = _refused(sheet, tmp_path / "out")
    assert line == (f"error: {sheet}: more than {MAX_ROWS:,} filled rows (row "
                    f"{MAX_ROWS + 1}): a drill takes at most {MAX_ROWS:,} rows of a sheet; "
                    "split the script into several drills")


def test_a_workbook_with_a_huge_sheet_is_refused_from_its_zip_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_module, "MAX_BYTES", 2_000)
    book = write_xlsx(tmp_path / "big.xlsx", rempar_rows() * 4)
    line = _refused(book, tmp_path / "out")
    assert line.startswith(f"error: {book}: {SHEET_XML} holds "), line
    assert "MB of XML: more than a drill takes (at most 2,500 rows of a sheet)" in line


def test_rows_that_make_a_scenario_too_large_to_load_are_refused_at_import(
        tmp_path: Path) -> None:
    """Within the row limit, a scenario can still be too large for the loader: here ten
    rows expect 6,000 reactions each. Before, the import said success and lint refused."""
    reactions = "\n".join("a" for _ in range(6_000))
    sheet = tmp_path / "rich.csv"
    sheet.write_text("time,to,message,expected action\n" + "".join(
        f'09:{i:02d},DSI,Hello,"{reactions}"\n' for i in range(10)))
    line = _refused(sheet, tmp_path / "out")
    assert re.fullmatch(rf"error: {re.escape(str(sheet))}: 10 injects make a scenario of "
                        r"18\d,\d{3} values, more than a drill file holds \(150,000\); split "
                        r"the script into several drills", line), line


def test_a_drill_longer_than_a_month_is_refused_at_import(tmp_path: Path) -> None:
    sheet = tmp_path / "long.csv"
    sheet.write_text("time,message,to\nJ+0,start,dsi\nJ+40,forty days later,dsi\n")
    line = _refused(sheet, tmp_path / "out")
    assert line.startswith(f"error: {sheet}: the scenario made from this sheet would not "
                           "load: "), line
    assert "744" in line or "31 days" in line, line


# -- fuzz --------------------------------------------------------------------------------


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """One seeded mutation: flip, drop, duplicate or insert bytes, or cut the tail."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buf:
            break
        i = rng.randrange(len(buf))
        op = rng.randrange(5)
        if op == 0:
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            del buf[i:i + rng.randint(1, 16)]
        elif op == 2:
            buf[i:i] = buf[i:i + rng.randint(1, 64)]
        elif op == 3:
            buf[i:i] = rng.choice([b"\r", b'"', b";", b"\x00", b"&bad;", b"<x>", b"\xff\xfe",
                                   b"J+999", b"\n\n", b"{", b"]]>", b"\xe9"])
        else:
            del buf[rng.randrange(len(buf) // 2, len(buf) + 1):]
    return bytes(buf)


def _xlsx_mutant(good: bytes, rng: random.Random) -> bytes:
    """Mostly a mutated part re-zipped (so the XML parser sees it), sometimes raw bytes."""
    if rng.random() < 0.25:
        return _mutate(good, rng)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        victim = rng.choice(src.namelist())
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, _mutate(data, rng) if name == victim else data)
    return out.getvalue()


def test_fuzzed_spreadsheets_exit_0_or_2_never_a_traceback(tmp_path: Path) -> None:
    """Mutants of a REMPAR-like chronogramme and of OpenAEV's model, as CSV and xlsx."""
    rng = random.Random(22)
    bases = []
    for name, rows, extra in (("rempar", rempar_rows(), ()),
                              ("openaev", openaev_rows(), ("--preset", "openaev", "--start",
                                                           "09:00"))):
        bases.append(("csv", write_csv(tmp_path / f"{name}.csv", rows).read_bytes(), extra))
        bases.append(("xlsx", write_xlsx(tmp_path / f"{name}.xlsx", rows).read_bytes(), extra))
    codes: dict[int, int] = {}
    for n in range(64):
        kind, good, extra = bases[n % len(bases)]
        data = _mutate(good, rng) if kind == "csv" else _xlsx_mutant(good, rng)
        path = tmp_path / f"m{n}.{kind}"
        path.write_bytes(data)
        result = _import(path, tmp_path / f"o{n}", *extra)
        assert result.exit_code in (0, 2), (n, result.output)
        if result.exit_code == 2:  # one line saying what is wrong with the file
            lines = result.output.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), (n, lines)
        codes[result.exit_code] = codes.get(result.exit_code, 0) + 1
    # The mutants both import and fail: a fuzz whose every mutant fails tests nothing.
    assert codes.get(0, 0) >= 5 and codes.get(2, 0) >= 5, codes
