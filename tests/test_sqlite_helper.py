"""The one helper that opens every SQLite database of the project: numbered migrations, WAL,
its own kind of file only, patience while another process creates it, and the serve
database readable by its owner only."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from drills.errors import InputError
from drills.serve.db import ServeDB
from drills.store.sqlite import Schema, open_database
from drills.validate.cache import DrillCache

V1 = Schema("test", "a test database", 0x54455354, ("CREATE TABLE a (x INTEGER)",))
V2 = Schema("test", "a test database", 0x54455354,
            (*V1.migrations, "ALTER TABLE a ADD COLUMN y TEXT; CREATE INDEX a_x ON a (x)"))


def test_a_database_is_migrated_forward_step_by_step(tmp_path: Path) -> None:
    path = str(tmp_path / "t.db")
    db = open_database(path, V1)
    db.execute("INSERT INTO a (x) VALUES (1)")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    db = open_database(path, V2)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT x, y FROM a").fetchall() == [(1, None)]
    db.close()
    with pytest.raises(InputError, match=r"newer crisis-drills \(test schema 2\)"):
        open_database(path, V1)
    other = Schema("other", "another database", 0x4F544852, ("CREATE TABLE b (x)",))
    with pytest.raises(InputError, match="a SQLite database, but not another database"):
        open_database(path, other, label="--db t.db")


def test_processes_creating_one_database_at_once_all_open_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    script = ("import sys; from drills.serve.db import ServeDB; "
              "db = ServeDB(sys.argv[1]); db.drills(); print('ok')")
    children = [subprocess.Popen([sys.executable, "-c", script, str(path)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for _ in range(4)]
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert [out.strip() for out in outputs] == ["ok"] * 4, outputs
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        from drills.serve.db import SCHEMA

        assert db.execute("PRAGMA user_version").fetchone()[0] == len(SCHEMA.migrations)


def test_the_serve_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "serve.db"
    previous = os.umask(0o022)
    try:
        db = ServeDB(str(path))
    finally:
        os.umask(previous)
    db.drills()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = Path(f"{path}-wal")
    assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) == 0o600
    db.close()


def test_an_old_serve_database_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # as written before migrations: app id, no version
        db.executescript("CREATE TABLE drills (id TEXT PRIMARY KEY, created TEXT NOT NULL, "
                         "spec TEXT NOT NULL, status TEXT NOT NULL, speed REAL NOT NULL, "
                         "reached REAL NOT NULL DEFAULT 0, room TEXT NOT NULL, log BLOB, "
                         "score TEXT); INSERT INTO drills (id, created, spec, status, speed, "
                         "room) VALUES ('abc', 'now', '{}', 'ended', 0, 'R');"
                         "PRAGMA application_id = 1129468758;")
    assert [r.id for r in ServeDB(str(path)).drills()] == ["abc"]


def test_a_bad_cache_path_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^--cache .*: is a directory, not a cache file$"):
        DrillCache(str(tmp_path))
    (tmp_path / "junk").write_text("not a database\n" * 200)
    with pytest.raises(InputError, match="not a cache file"):
        DrillCache(str(tmp_path / "junk"))
    cache = DrillCache(str(tmp_path / "c" / "cache.sqlite"))
    cache.put("k", {"v": 1})
    assert cache.get("k") == {"v": 1}
    cache.close()
