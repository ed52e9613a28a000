"""Every SQLite database of the project, opened one way: checked, WAL, migrated.

A database says what it is (``PRAGMA application_id``) and which schema version it holds
(``PRAGMA user_version``); it is migrated forward on open by numbered migrations, in one
transaction, and one written by a newer crisis-drills is refused. Another process may be
creating the same file or switching it to WAL at that very moment, when SQLite answers
"locked" without waiting: opening waits that out, as long as a writer would wait.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass

from drills.errors import InputError

BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Schema:
    """What a kind of database holds, and how it gets there."""

    #: The schema's name in messages ("store schema 3").
    name: str
    #: What the file is, for messages ("a drill store").
    kind: str
    #: Marks the file as ours; None: not checked or set (an old format that had none).
    app_id: int | None
    #: Each takes a database from the previous version to the next (index 0: empty -> 1).
    migrations: tuple[str, ...]
    synchronous: str = "NORMAL"

    @property
    def version(self) -> int:
        return len(self.migrations)


def open_database(path: str, schema: Schema, *, label: str | None = None,
                  mode: int | None = None, hint: str = "",
                  check_same_thread: bool = True) -> sqlite3.Connection:
    """Open (creating if needed, with file ``mode`` when given) and migrate ``path``.

    The connection is in autocommit mode (``isolation_level=None``): write with ``BEGIN
    IMMEDIATE ... COMMIT``. A bad path is one :class:`InputError` line, starting with
    ``label`` (the path by default)."""
    label = label or path
    if os.path.isdir(path):
        raise InputError(f"{label}: is a directory, not {schema.kind}{hint}")
    if not os.path.exists(path):
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        except OSError as exc:
            raise InputError(f"{label}: cannot create its folder ({exc.strerror})") from None
        if mode is not None:
            _create(path, mode, label)
    elif not os.access(path, os.R_OK | os.W_OK):
        raise InputError(f"{label}: cannot read and write it (permissions)")
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                             check_same_thread=check_same_thread)
    except sqlite3.Error as exc:
        raise InputError(f"{label}: cannot open it as {schema.kind} ({exc})") from None
    try:
        _prepare_patiently(db, schema, label)
    except sqlite3.OperationalError as exc:
        db.close()
        raise InputError(f"{label}: it stayed busy ({exc}); try again") from None
    except sqlite3.DatabaseError as exc:
        db.close()
        raise InputError(f"{label}: not {schema.kind} (SQLite says: {exc})") from None
    except InputError:
        db.close()
        raise
    return db


def _create(path: str, mode: int, label: str) -> None:
    """An empty file with ``mode`` (SQLite gives its WAL and shared-memory files the same)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
    except FileExistsError:
        pass  # another process made it first
    except OSError as exc:
        raise InputError(f"{label}: cannot create it ({exc.strerror})") from None


class transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): a writer takes the lock up front."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _prepare_patiently(db: sqlite3.Connection, schema: Schema, label: str) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            _prepare(db, schema, label)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if db.in_transaction:
                db.execute("ROLLBACK")
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _prepare(db: sqlite3.Connection, schema: Schema, label: str) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if schema.app_id is not None and tables and app_id != schema.app_id:
        raise InputError(f"{label}: a SQLite database, but not {schema.kind}")
    if version > schema.version:
        raise InputError(f"{label}: written by a newer crisis-drills ({schema.name} schema "
                         f"{version}); this one understands up to {schema.version}: "
                         "upgrade crisis-drills")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA synchronous = {schema.synchronous}")
    db.execute("PRAGMA foreign_keys = ON")
    if version == schema.version:
        return
    with transaction(db):
        # Checked again inside the lock: another process may have migrated meanwhile.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, schema.version):
            for statement in _statements(schema.migrations[step]):
                db.execute(statement)
        if schema.app_id is not None:
            db.execute(f"PRAGMA application_id = {schema.app_id}")
        db.execute(f"PRAGMA user_version = {schema.version}")


def _statements(script: str) -> list[str]:
    """A migration's statements (``executescript`` would commit the transaction)."""
    return [s.strip() for s in script.split(";") if s.strip()]
