"""Read a spreadsheet's rows, whatever it is: .xlsx (openpyxl) or .csv (any delimiter)."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from drills.errors import InputError


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


def _xlsx(path: str, wanted: str | None) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not an .xlsx workbook ({exc})") from None
    try:
        if wanted is not None and wanted not in book.sheetnames:
            raise InputError(f"{path}: no sheet {wanted!r}; sheets: "
                             + ", ".join(book.sheetnames))
        ws = book[wanted] if wanted else book[book.sheetnames[0]]
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = list(values)
            if any(c is not None and str(c).strip() for c in cells):
                rows.append((number, cells))
        return Sheet(path, ws.title, rows)
    finally:
        book.close()


def _decode(path: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252: what Excel writes
    as "CSV" depends on the machine that saved it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: not a text CSV (UTF-8, UTF-16 or Windows-1252); "
                     "save the sheet as .xlsx or as CSV UTF-8")


def _csv(path: str) -> Sheet:
    try:
        with open(path, "rb") as handle:
            text = _decode(path, handle.read())
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if "\x00" in text:
        raise InputError(f"{path}: not a text CSV (it holds NUL bytes); save the sheet as "
                         ".xlsx or as CSV UTF-8")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if any(c.strip() for c in cells):
            rows.append((number, [c if c.strip() else None for c in cells]))
    return Sheet(path, os.path.splitext(os.path.basename(path))[0], rows)
