"""Read a spreadsheet's rows, whatever it is: .xlsx (openpyxl) or .csv (any delimiter).

A sheet is read as a stream and reading stops at ``MAX_ROWS`` filled rows: a drill cannot
take more injects than that, and a 400,000-row sheet read whole took minutes and gigabytes
only to make a scenario nothing could load. A broken file (cut short, a bad XML entity, a
corrupt zip stream, a field past the CSV limit) is one line saying so, never a traceback.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from drills.errors import InputError

#: Filled rows read from a sheet at most: the injects a drill takes (convert.MAX_INJECTS)
#: plus room for a banner, a header, section titles and rows that are not injects.
MAX_ROWS = 2_500
#: The largest CSV, and the largest sheet XML inside a workbook, read: far above MAX_ROWS
#: rows of real text, far below what hurts (openpyxl scans a whole sheet that does not
#: state its size before giving the first row: 26 s for 400,000 rows).
MAX_BYTES = 32 * 1024 * 1024
#: What openpyxl raises on a broken workbook: XML that does not parse (ParseError is a
#: SyntaxError), a zip stream that does not inflate, parts missing or malformed.
_BROKEN_XLSX = (SyntaxError, zlib.error, zipfile.BadZipFile, EOFError, KeyError, ValueError,
                TypeError, IndexError, AttributeError, OSError, OverflowError, UnicodeError)


@dataclass
class Sheet:
    path: str
    name: str
    #: (row number in the sheet, cells); empty rows left out.
    rows: list[tuple[int, list[Any]]]


def read_sheet(path: str, sheet: str | None = None) -> Sheet:
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv(path)
    if suffix == ".ods":
        raise InputError(f"{path}: .ods is not read; save the sheet as .xlsx or .csv")
    raise InputError(f"{path}: not a spreadsheet this reads (.xlsx or .csv)")


def _filled(path: str, numbered: Iterable[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    """The rows with something in them, refusing a sheet past ``MAX_ROWS`` as soon as it
    shows (nothing after that row is read)."""
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in numbered:
        if any(c is not None and str(c).strip() for c in cells):
            if len(rows) == MAX_ROWS:
                raise InputError(f"{path}: more than {MAX_ROWS:,} filled rows (row {number}): "
                                 f"a drill takes at most {MAX_ROWS:,} rows of a sheet; split "
                                 "the script into several drills")
            rows.append((number, cells))
    return rows


def _xlsx(path: str, wanted: str | None) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_parts(path)
    try:
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except AttributeError:
            if not _has_chartsheet(path):
                raise
            # openpyxl fails on a chart sheet without relations (Excel writes some): give
            # it empty ones, and the chart sheet is passed over like any other.
            book = load_workbook(_with_chart_relations(path), read_only=True,
                                 data_only=True)
    except InvalidFileException as exc:
        raise InputError(f"{path}: not an .xlsx workbook ({exc})") from None
    except _BROKEN_XLSX as exc:
        raise InputError(f"{path}: {_broken(path, exc)}") from None
    try:
        tables = [ws.title for ws in book.worksheets]
        if wanted is not None and wanted not in book.sheetnames:
            raise InputError(f"{path}: no sheet {wanted!r}; sheets: "
                             + ", ".join(book.sheetnames))
        if wanted is not None and wanted not in tables:
            raise InputError(f"{path}: sheet {wanted!r} is a chart, not rows; sheets with "
                             "rows: " + (", ".join(tables) or "none"))
        if not tables:
            raise InputError(f"{path}: the workbook has no sheet of rows (only charts)")
        # The first sheet of rows: a chart sheet in front of it is passed over.
        ws = book[wanted or tables[0]]
        try:
            rows = _filled(path, enumerate((list(r) for r in ws.iter_rows(values_only=True)),
                                           start=1))
        except _BROKEN_XLSX as exc:
            raise InputError(f"{path}: sheet {ws.title!r}: {_broken(path, exc)}") from None
        return Sheet(path, ws.title, rows)
    finally:
        book.close()


def _check_parts(path: str) -> None:
    """Refuse a workbook whose sheets are too big to be a drill, from the zip's directory
    alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # openpyxl says what is wrong with it
    for info in parts:
        if (info.filename.startswith("xl/worksheets/") or info.filename ==
                "xl/sharedStrings.xml") and info.file_size > MAX_BYTES:
            raise InputError(f"{path}: {info.filename} holds {info.file_size / 2**20:,.0f} MB "
                             f"of XML: more than a drill takes (at most {MAX_ROWS:,} rows of a "
                             "sheet); split the script into several drills")


def _broken(path: str, exc: BaseException) -> str:
    """What is wrong with a workbook openpyxl could not read, in one line."""
    detail = " ".join(str(exc).split())[:120] or type(exc).__name__
    if isinstance(exc, SyntaxError):
        return f"the workbook's XML is broken (cut short or edited: {detail}); open it in " \
               "a spreadsheet and save it again"
    if isinstance(exc, zipfile.BadZipFile) and "not a zip file" in detail:
        return f"not an .xlsx workbook ({detail})"
    if isinstance(exc, (zlib.error, zipfile.BadZipFile, EOFError)):
        return f"the workbook's zip data is corrupt ({detail}); open it in a spreadsheet " \
               "and save it again"
    return f"not an .xlsx workbook this reads ({type(exc).__name__}: {detail})"


def _has_chartsheet(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("xl/chartsheets/") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


_NO_RELATIONS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                 b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')


def _with_chart_relations(path: str) -> io.BytesIO:
    """The workbook, in memory, with an empty relations part for every chart sheet
    that has none."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        names = set(source.namelist())
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
            folder, _slash, name = info.filename.rpartition("/")
            rels = f"{folder}/_rels/{name}.rels"
            if folder == "xl/chartsheets" and name.endswith(".xml") and rels not in names:
                target.writestr(rels, _NO_RELATIONS)
    out.seek(0)
    return out


def _csv(path: str) -> Sheet:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252: what Excel writes
    as "CSV" depends on the machine that saved it. Read as a stream, up to MAX_ROWS rows."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise InputError(f"{path}: over {MAX_BYTES // 2**20} MB: a drill takes at "
                             f"most {MAX_ROWS:,} rows of a sheet; split the script")
        with open(path, "rb") as handle:
            head = handle.read(2)
        encodings: tuple[str, ...] = ("utf-16",) if head in (b"\xff\xfe", b"\xfe\xff") \
            else ("utf-8-sig", "cp1252")
        for encoding in encodings:
            try:
                rows = _csv_read(path, encoding)
            except UnicodeError:
                continue
            return Sheet(path, os.path.splitext(os.path.basename(path))[0], rows)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    raise InputError(f"{path}: not a text CSV (UTF-8, UTF-16 or Windows-1252); "
                     "save the sheet as .xlsx or as CSV UTF-8")


def _csv_read(path: str, encoding: str) -> list[tuple[int, list[Any]]]:
    # newline="": rows may end in \r\n, \n or a lone \r (an old Mac's CSV).
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(4096)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        handle.seek(0)
        return _filled(path, _csv_rows(path, csv.reader(handle, dialect)))


def _csv_rows(path: str, reader: Any) -> Iterator[tuple[int, list[Any]]]:
    """Numbered rows, blank cells as None; a row the csv module refuses is one line."""
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            limit = csv.field_size_limit()
            what = f"a cell over {limit:,} characters" if "field larger" in str(exc) \
                else f"not a CSV this reads ({exc})"
            raise InputError(f"{path}:{reader.line_num}: {what}") from None
        number += 1
        if any("\x00" in c for c in cells):
            raise InputError(f"{path}: not a text CSV (it holds NUL bytes); save the sheet "
                             "as .xlsx or as CSV UTF-8")
        yield number, [c if c.strip() else None for c in cells]
