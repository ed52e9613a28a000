"""A log names its input files portably, and finds them again.

A drill run from a scenario, rulebook or team *file* records, in its header's ``inputs``, the
file's path relative to the log when the file sits beside it (so the folder can be moved or
mailed as a whole) and the SHA-256 of each file's content. Replaying looks for a file the way
a person would: as named, beside the log, in a library folder (``--library DIR``) by name, by
content hash or by the id inside it; when none is found, the error names the file it needs.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any

from drills.errors import InputError
from drills.inputs.builtins import builtin_names

KINDS = ("scenario", "rulebook", "team")
#: How much of a YAML file is read to find its id (``scenario: limit-long``).
_HEAD_BYTES = 4096


def content_hash(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _is_file_input(kind: str, name: str) -> bool:
    looks_like_path = os.sep in name or "/" in name or name.endswith((".yaml", ".yml"))
    return os.path.isfile(name) and (looks_like_path or name not in builtin_names(kind))


def portable_inputs(inputs: dict[str, Any], log: str | None) -> dict[str, Any]:
    """``inputs`` (kind -> name or path as given) with each file beside ``log`` named by its
    file name alone, and a ``sha256`` of every file input; built-ins stay names."""
    portable = dict(inputs)
    hashes: dict[str, str] = {}
    folder = os.path.dirname(os.path.abspath(log)) if log else None
    for kind in KINDS:
        name = inputs.get(kind)
        if not isinstance(name, str) or not _is_file_input(kind, name):
            continue
        hashes[kind] = content_hash(name)
        if folder is not None and os.path.dirname(os.path.abspath(name)) == folder:
            portable[kind] = os.path.basename(name)
    if hashes:
        portable["sha256"] = hashes
    return portable


@dataclass
class Found:
    """The files a log's inputs resolved to, and what a user should know about them."""

    paths: dict[str, str]
    #: One line each: a file found whose content is not the one the drill ran with.
    notes: list[str] = field(default_factory=list)


def find_inputs(names: dict[str, str], log: str, library: str | None = None,
                hashes: dict[str, str] | None = None) -> Found:
    """Where each of a log's inputs is now (a built-in's name, or a file's path)."""
    if library is not None and not os.path.isdir(library):
        raise InputError(f"--library {library}: not a folder")
    found = Found({})
    for kind in KINDS:
        name = names[kind]
        want = (hashes or {}).get(kind)
        path = _find(kind, name, log, library, want)
        if path is None:
            raise InputError(_missing(kind, name, log, library, want))
        if want and path not in builtin_names(kind) and os.path.isfile(path) and \
                content_hash(path) != want:
            found.notes.append(f"{path} is not the {kind} file the drill ran with (its "
                               f"sha256 differs): the replay may differ")
        found.paths[kind] = path
    return found


def _find(kind: str, name: str, log: str, library: str | None,
          want: str | None) -> str | None:
    looks_like_path = os.sep in name or "/" in name or name.endswith((".yaml", ".yml"))
    if not looks_like_path and name in builtin_names(kind) and not want:
        return name
    folders = [os.path.dirname(os.path.abspath(log))]
    if library is not None:
        folders.append(library)
    candidates = [name] if os.path.isabs(name) else []
    for folder in folders:
        if not os.path.isabs(name):
            candidates.append(os.path.join(folder, name))
        base = os.path.basename(name)
        candidates.append(os.path.join(folder, base))
        if not base.endswith((".yaml", ".yml")):
            candidates += [os.path.join(folder, base + ".yaml"),
                           os.path.join(folder, base + ".yml")]
    if not os.path.isabs(name) and looks_like_path:
        candidates.insert(0, name)  # a path from the working folder, as before
    files = [c for c in dict.fromkeys(candidates) if os.path.isfile(c)]
    if want:
        matching = [c for c in files if content_hash(c) == want]
        if matching:
            return matching[0]
        if library is not None:
            by_content = _in_library(library, lambda path: content_hash(path) == want)
            if by_content is not None:
                return by_content
    if files:
        return files[0]
    if not looks_like_path and name in builtin_names(kind):
        return name
    if library is not None and not looks_like_path:
        return _in_library(library, lambda path: _declared_id(path, kind) == name)
    return None


def _in_library(library: str, matches: Any) -> str | None:
    for entry in sorted(os.listdir(library)):
        path = os.path.join(library, entry)
        if entry.endswith((".yaml", ".yml")) and os.path.isfile(path) and matches(path):
            return path
    return None


def _declared_id(path: str, kind: str) -> str | None:
    """The id a YAML file gives itself (``scenario: limit-long``), read from its first lines
    as text: a library folder is searched without loading every file in it."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return None
    found = re.search(rf"^{kind}:\s*['\"]?([^'\"\s#]+)", head, re.MULTILINE)
    return found.group(1) if found else None


def _missing(kind: str, name: str, log: str, library: str | None, want: str | None) -> str:
    folder = os.path.dirname(log) or "."
    where = f"beside the log ({folder})" + (f" or in --library {library}" if library else "")
    content = f" (sha256 {want[:12]}…)" if want else ""
    base = os.path.basename(name)
    needed = repr(base) if base.endswith((".yaml", ".yml")) else \
        f"{base}.yaml (or a file that says '{kind}: {base}')"
    return (f"{log}: the drill ran with {kind} {name!r}, which is not a built-in; it needs "
            f"the file {needed}{content}, not found {where}: put it beside the log or pass "
            "--library DIR")
