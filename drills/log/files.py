"""Drill log files: written atomically, read back with clear errors.

A log is written to a temporary file beside its destination and renamed into place only
when the drill has finished, so a crash mid-run never leaves a half-written log where a good
one was.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from drills.errors import InputError, LogError
from drills.log.records import Record, TextSink


def _umask_mode(name: str) -> None:
    """A temporary file is private (0600); the file it becomes gets the usual mode."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(name, 0o666 & ~mask)


@contextmanager
def _atomic_file(path: str, mode: str, suffix: str) -> Iterator[IO[Any]]:
    """A temporary file beside ``path``, renamed onto it only if the block ends without
    error (flushed and fsynced first); removed otherwise."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"{path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a file")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
        mode, encoding="utf-8" if "b" not in mode else None, dir=folder, prefix=".drill-",
        suffix=suffix, delete=False)
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        _umask_mode(handle.name)
        os.replace(handle.name, path)
    except BaseException:
        handle.close()
        os.unlink(handle.name)
        raise


@contextmanager
def atomic_log(path: str) -> Iterator[TextSink]:
    """A sink writing to ``path``; the file appears only if the block ends without error."""
    with _atomic_file(path, "w", ".jsonl.tmp") as handle:
        yield TextSink(handle)


def atomic_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a crash leaves the old file, never half)."""
    with _atomic_file(path, "w", ".tmp") as handle:
        handle.write(text)


def atomic_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (figures beside a Markdown report)."""
    with _atomic_file(path, "wb", ".tmp") as handle:
        handle.write(data)


def read_log_lines(path: str) -> list[tuple[int, Record]]:
    """Every record of a drill log with its line number in the file.

    Hand-writers' habits are accepted: a UTF-8 byte-order mark (Notepad's "UTF-8 with BOM"),
    blank lines, and whole-line comments starting with ``#``.
    """
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a log file")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return parse_log_lines(handle, path)
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc.reason})") from None


def parse_log_lines(lines: Iterable[str], path: str) -> list[tuple[int, Record]]:
    """The records of a log's lines (a file, or a log kept in the history store)."""
    records: list[tuple[int, Record]] = []
    for line_number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LogError(f"{path}:{line_number}:{exc.colno}: not a JSON record "
                           f"({exc.msg})") from None
        if not isinstance(record, dict) or "type" not in record:
            raise LogError(f"{path}:{line_number}:1: a log record must be a JSON "
                           "object with a 'type'")
        records.append((line_number, record))
    if not records:
        raise LogError(f"{path}: the log is empty")
    return records
