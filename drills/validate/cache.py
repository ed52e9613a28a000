"""A cache of drill results in SQLite, keyed by everything that determines a drill.

The key hashes the rulebook's, scenario's and team's file contents, the seed, the start and
crisis-drills' version: edit only the new rulebook and the old one's drills come from here.
One connection per process, WAL, each result committed on its own: an interrupted run keeps
what finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from functools import cache
from typing import Any

from drills import __version__


def default_path() -> str:
    """``DRILLS_CACHE``, else the user's cache folder (platformdirs: ``XDG_CACHE_HOME`` on
    Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows)."""
    env = os.environ.get("DRILLS_CACHE")
    if env:
        return env
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("crisis-drills", appauthor=False), "drills.sqlite")


def _digest(path: str) -> str:
    """The file's content hash (recomputed when the file changes)."""
    stat = os.stat(path)
    return _digest_of(path, stat.st_mtime_ns, stat.st_size)


@cache
def _digest_of(path: str, _mtime: int, _size: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def drill_key(kind: str, scenario: str, rulebook: str, team: str, seed: int,
              start: float) -> str:
    parts = [kind, _digest(scenario), _digest(rulebook), _digest(team), str(seed),
             repr(start), __version__]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class DrillCache:
    """get/put JSON documents by key; ``path=None`` caches nothing."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        if path is None:
            return
        from drills.store.sqlite import Schema, open_database

        schema = Schema("cache", "a cache file", None, (
            "CREATE TABLE IF NOT EXISTS drills (key TEXT PRIMARY KEY, value TEXT NOT NULL)",))
        self._db = open_database(path, schema, label=f"--cache {path}")

    def get(self, key: str) -> Any:
        if self._db is None:
            return None
        row = self._db.execute("SELECT value FROM drills WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: Any) -> None:
        if self._db is None:
            return
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO drills VALUES (?, ?)",
                             (key, json.dumps(value, sort_keys=True)))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
