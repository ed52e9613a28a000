"""Drill log files: written atomically, read back with clear errors.

A log is written to a temporary file beside its destination and renamed into place only
when the drill has finished, so a crash mid-run never leaves a half-written log where a good
one was.
"""

from __future__ import annotations

import json
import os
import re
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


#: No record nests deeper (the deepest the tool writes is 3); a deeper one is refused before
#: anything walks it. JSON's own decoder gives up near 1,000 with a RecursionError.
MAX_RECORD_DEPTH = 32
_LONE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_log_lines(path: str) -> list[tuple[int, Record]]:
    """Every record of a drill log with its line number in the file.

    Hand-writers' habits are accepted: a UTF-8 byte-order mark (Notepad's "UTF-8 with BOM"),
    blank lines, and whole-line comments starting with ``#``.
    """
    return list(iter_log_file(path))


def iter_log_file(path: str) -> Iterator[tuple[int, Record]]:
    """The records of a drill log one by one, as read (a long log is never held whole)."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a log file")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            yield from iter_log_records(handle, path)
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc.reason})") from None


def parse_log_lines(lines: Iterable[str], path: str) -> list[tuple[int, Record]]:
    """The records of a log's lines (a file, or a log kept in the history store)."""
    return list(iter_log_records(lines, path))


def iter_log_records(lines: Iterable[str], path: str) -> Iterator[tuple[int, Record]]:
    """The records of a log's lines one by one; LogError at the first line that is not one."""
    count = 0
    for line_number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield line_number, _record(line, line_number, path)
        count += 1
    if not count:
        raise LogError(f"{path}: the log is empty")


def _record(line: str, line_number: int, path: str) -> Record:
    where = f"{path}:{line_number}"
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LogError(f"{where}:{exc.colno}: not a JSON record ({exc.msg})") from None
    except RecursionError:
        raise _too_deep(where) from None
    if not isinstance(record, dict) or "type" not in record:
        raise LogError(f"{where}:1: a log record must be a JSON object with a 'type'")
    if line.count("[") + line.count("{") > MAX_RECORD_DEPTH and \
            _depth(record) > MAX_RECORD_DEPTH:
        raise _too_deep(where)
    if "\\u" in line and _LONE_ESCAPE.search(line):
        lone = _lone_surrogate(record)
        if lone is not None:
            escape = f"\\u{ord(lone):04x}"
            col = line.lower().find(escape) + 1 or 1
            raise LogError(f"{where}:{col}: a lone surrogate ({escape}) is not text: write "
                           "the character itself (or a pair of \\u escapes that makes one)")
    record_dict: Record = record
    return record_dict


def _too_deep(where: str) -> LogError:
    return LogError(f"{where}:1: the record is nested more than {MAX_RECORD_DEPTH} levels "
                   "deep: no drill log record is")


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    return list(value) if isinstance(value, list) else []


def _depth(value: Any) -> int:
    """How deep lists and objects nest in ``value`` (walked without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in _children(item))
    return deepest


def _lone_surrogate(value: Any) -> str | None:
    """The first lone UTF-16 surrogate in any string of ``value`` (JSON joins a pair)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                return found.group()
        else:
            stack.extend(_children(item))
    return None

