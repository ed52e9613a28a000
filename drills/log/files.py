"""Drill log files: written atomically, read back with clear errors.

A log is written to a temporary file beside its destination and renamed into place only
when the drill has finished, so a crash mid-run never leaves a half-written log where a good
one was. If the destination's folder disappears during a drill, the finished file is rescued
to the user's data folder (else the working folder) and a ``Rescued`` warning says where.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from drills.errors import InputError, LogError
from drills.log.records import Record, TextSink


def _umask_mode(name: str) -> None:
    """A temporary file is private (0600); the file it becomes gets the usual mode."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(name, 0o666 & ~mask)


class Rescued(UserWarning):
    """A file could not go where it was asked to (its folder vanished); it was saved here."""

    def __init__(self, path: str, rescued: str, reason: str) -> None:
        super().__init__(f"could not write {path} ({reason}); saved it to {rescued} instead")
        self.path = path
        self.rescued = rescued


def check_writable(path: str, flag: str) -> None:
    """Fail before any work when ``path`` cannot be written: one line naming the flag.

    Tries a file in the folder rather than asking ``os.access``, which says yes to root for
    a folder root cannot write either (a read-only mount)."""
    where = f"{flag} {path}"
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(f"{where}: is a folder, not a file")
    if os.path.exists(path) and not os.path.isfile(path):  # /dev/null, a pipe: written as is
        if not os.access(path, os.W_OK):
            raise InputError(f"{where}: cannot write to it")
        return
    problem = _folder_problem(folder)
    if problem:
        raise InputError(f"{where}: {problem}")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".drill-", suffix=".probe"):
            pass
    except OSError as exc:
        raise InputError(f"{where}: cannot write in {folder} ({exc.strerror or exc})") from None


def _folder_problem(folder: str) -> str | None:
    """Why files cannot go into ``folder`` (it, or a folder above it, is a file or missing)."""
    if os.path.isdir(folder):
        return None
    parent = folder
    while not os.path.exists(parent) and os.path.dirname(parent) != parent:
        parent = os.path.dirname(parent)
    if os.path.exists(parent) and not os.path.isdir(parent):
        return f"{parent} is a file, not a folder"
    return f"the folder {folder} does not exist"


def rescue_folder() -> str:
    """Where a file goes when its own folder vanished: the user's data folder, else here."""
    from platformdirs import user_data_dir

    for folder in (os.path.join(user_data_dir("crisis-drills", appauthor=False), "rescued"),
                   os.getcwd(), tempfile.gettempdir()):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return tempfile.gettempdir()  # pragma: no cover - nowhere writable at all


def _rescue(handle: IO[Any], path: str, reason: str) -> str:
    """Copy the finished temporary file (still open, maybe unlinked) to the rescue folder."""
    folder = rescue_folder()
    stem, ext = os.path.splitext(os.path.basename(path))
    target, n = os.path.join(folder, stem + ext), 1
    while os.path.exists(target):
        target, n = os.path.join(folder, f"{stem}-{n}{ext}"), n + 1
    handle.seek(0)
    binary = "b" in handle.mode
    with _atomic_file(target, "w+b" if binary else "w+", ".tmp", rescue=False) as copy:
        shutil.copyfileobj(handle, copy)
    warnings.warn(Rescued(path, target, reason), stacklevel=4)
    return target


@contextmanager
def _atomic_file(path: str, mode: str, suffix: str, *, rescue: bool = True
                 ) -> Iterator[IO[Any]]:
    """A temporary file beside ``path``, renamed onto it only if the block ends without
    error (flushed and fsynced first); removed otherwise. When the rename fails because the
    folder went away during the block, the content is rescued (see ``Rescued``)."""
    folder = os.path.dirname(os.path.abspath(path))
    problem = _folder_problem(folder)
    if problem:
        raise InputError(f"{path}: {problem}")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a file")
    if os.path.exists(path) and not os.path.isfile(path):
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO): written to as it is. Renaming
        # a file onto it would replace the device itself (as root, /dev/null for everyone).
        try:
            stream = open(path, mode.replace("+", ""),  # noqa: SIM115 - closed below
                          encoding="utf-8" if "b" not in mode else None)
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        with stream:
            yield stream
        return
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
            mode, encoding="utf-8" if "b" not in mode else None, dir=folder,
            prefix=".drill-", suffix=suffix, delete=False)
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {folder} ({exc.strerror or exc})") from None
    try:
        yield handle
    except BaseException:
        handle.close()
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
    try:
        handle.flush()
        os.fsync(handle.fileno())
        _umask_mode(handle.name)
        os.replace(handle.name, path)
    except OSError as exc:
        if not rescue:
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
            raise
        try:
            _rescue(handle, path, exc.strerror or str(exc))
        finally:
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
        return
    handle.close()


@contextmanager
def atomic_log(path: str) -> Iterator[TextSink]:
    """A sink writing to ``path``; the file appears only if the block ends without error."""
    with _atomic_file(path, "w+", ".jsonl.tmp") as handle:
        yield TextSink(handle)


def atomic_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a crash leaves the old file, never half)."""
    with _atomic_file(path, "w+", ".tmp") as handle:
        handle.write(text)


def atomic_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (figures beside a Markdown report)."""
    with _atomic_file(path, "w+b", ".tmp") as handle:
        handle.write(data)


#: No record nests deeper (the deepest the tool writes is 3); a deeper one is refused before
#: anything walks it. JSON's own decoder gives up near 1,000 with a RecursionError.
MAX_RECORD_DEPTH = 32
_LONE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_log_lines(path: str, progress: Callable[[int, int], None] | None = None
                   ) -> list[tuple[int, Record]]:
    """Every record of a drill log with its line number in the file.

    Hand-writers' habits are accepted: a UTF-8 byte-order mark (Notepad's "UTF-8 with BOM"),
    blank lines, and whole-line comments starting with ``#``. ``progress(read, size)``
    hears how far the reading got, in bytes (a bar for a long log).
    """
    return list(iter_log_file(path, progress))


def iter_log_file(path: str, progress: Callable[[int, int], None] | None = None
                  ) -> Iterator[tuple[int, Record]]:
    """The records of a drill log one by one, as read (a long log is never held whole)."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a log file")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines: Iterable[str] = handle if progress is None else \
                _reporting(handle, os.path.getsize(path), progress)
            yield from iter_log_records(lines, path)
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _reporting(lines: Iterable[str], size: int, progress: Callable[[int, int], None],
               every: int = 1 << 20) -> Iterator[str]:
    """``lines``, telling ``progress`` about every ``every`` bytes (characters, near enough)."""
    done = reported = 0
    for line in lines:
        done += len(line)
        if done - reported >= every:
            progress(min(done, size), size)
            reported = done
        yield line
    progress(size, size)


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

