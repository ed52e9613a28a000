"""The history store: recording, querying, concurrency, SIGKILL, migration, bad paths."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from drills.cli.main import cli
from drills.store.schema import MIGRATIONS, SCHEMA_VERSION
from drills.store.store import open_store

DRILL = str(Path(sys.executable).with_name("drill"))


def _run(db: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["run", "--hours", "3", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    assert "recorded as drill" in result.output


def _history(db: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["history", "--db", str(db), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_drills_are_recorded_and_listed_with_their_trend(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _run(db, "--seed", "1")
    _run(db, "--seed", "2", "--team", "understaffed")
    _run(db, "--seed", "3")
    # A pinned seed: without one, play draws a seed, and whether anything was asked of the
    # drill by minute 60 (so whether it is rated at all) would depend on the draw.
    result = CliRunner().invoke(cli, ["play", "--plain", "--speed", "0", "--hours", "2",
                                      "--seed", "1", "--as", "Ana", "--db", str(db), "--log",
                                      str(tmp_path / "p.jsonl")], input="wait 1h\nquit\n")
    assert result.exit_code == 0, result.output
    drills = _history(db)
    assert [d["id"] for d in drills] == [1, 2, 3, 4]
    for key in ("id", "date", "scenario", "rulebook", "team", "seed", "people", "score",
                "rating"):
        assert all(key in d for d in drills)
    assert [d["kind"] for d in drills] == ["run", "run", "run", "play"]
    assert drills[3]["people"] == ["Ana"]
    assert [d["id"] for d in _history(db, "--team", "understaffed")] == [2]
    assert [d["id"] for d in _history(db, "--person", "Ana")] == [4]
    assert _history(db, "--scenario", "rumour-wave") == []
    text = CliRunner().invoke(cli, ["history", "--db", str(db)]).stdout
    # The play quit before anything was asked of it: not rated, so not in the trend.
    assert drills[3]["rating"] is None and "not rated" in text
    assert "standard:" in text and "over 2 drills" in text
    page = tmp_path / "trend.html"
    result = CliRunner().invoke(cli, ["history", "--db", str(db), "--html", "-o", str(page)])
    assert result.exit_code == 0 and "data:image/png;base64," in page.read_text()


def test_a_stored_drill_shows_and_reports_like_its_log(tmp_path: Path) -> None:
    db, log = tmp_path / "h.db", tmp_path / "d.jsonl"
    _run(db, "--seed", "5", "--log", str(log))
    shown = CliRunner().invoke(cli, ["show", "1", "--db", str(db), "--json"])
    scored = CliRunner().invoke(cli, ["score", str(log), "--json"])
    assert json.loads(shown.stdout) == json.loads(scored.stdout)
    from_store = CliRunner().invoke(cli, ["report", "1", "--db", str(db)]).stdout
    from_log = CliRunner().invoke(cli, ["report", str(log)]).stdout
    assert from_store == from_log
    with open_store(str(db)) as store:
        assert store.log_bytes(1) == log.read_bytes()
    missing = CliRunner().invoke(cli, ["show", "9", "--db", str(db)])
    assert missing.exit_code == 2 and "no drill 9" in missing.output


def test_no_store_records_nothing_and_same_inputs_match(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    result = CliRunner().invoke(cli, ["run", "--hours", "2", "--seed", "1", "--db", str(db),
                                      "--no-store"])
    assert result.exit_code == 0 and "recorded" not in result.output
    _run(db, "--seed", "1")
    _run(db, "--seed", "1")
    _run(db, "--seed", "1", "--rulebook", "strict")
    with open_store(str(db)) as store:
        assert store.same_inputs(1) == [2]
        assert store.same_inputs(3) == []


def _count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM drills").fetchone()[0])


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_two_processes_recording_at_once_both_land(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    env = {**os.environ, "DRILLS_DB": str(db)}
    script = " && ".join(f"{DRILL} run --hours 2 --seed {{s}}{i} > /dev/null"
                         for i in range(3))
    processes = [subprocess.Popen(["sh", "-c", script.format(s=s)], env=env)
                 for s in (1, 2)]
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    assert _count(db) == 6
    assert _integrity(db) == "ok"
    assert sorted(d["seed"] for d in _history(db)) == [10, 11, 12, 20, 21, 22]


_KILLED_WRITER = """
import sys, time
from drills.store.store import open_store
store = open_store(sys.argv[1])
store.db.execute("BEGIN IMMEDIATE")
store.db.execute("INSERT INTO drills (recorded, kind, header, score_doc, log, log_records) "
                 "VALUES ('x', 'run', '{}', '{}', zeroblob(50000000), 1)")
print("inside", flush=True)
time.sleep(60)
"""


def test_sigkill_mid_write_leaves_the_store_intact(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _run(db, "--seed", "1")
    script = tmp_path / "writer.py"
    script.write_text(_KILLED_WRITER)
    child = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "inside"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert _integrity(db) == "ok"
    assert _count(db) == 1  # its own unfinished drill is gone, nothing else
    _run(db, "--seed", "2")  # and the store takes the next drill at once
    assert _count(db) == 2
    # A real `drill run` killed at random moments: never a broken store or a half drill.
    env = {**os.environ, "DRILLS_DB": str(db)}
    for delay in (0.3, 0.9, 1.5, 2.2):
        process = subprocess.Popen([DRILL, "run", "--seed", "9"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert _integrity(db) == "ok"
    with open_store(str(db)) as store:
        for drill in store.drills():
            assert zlib.decompress(store.db.execute(
                "SELECT log FROM drills WHERE id = ?", (drill.id,)).fetchone()[0])


def test_an_old_store_is_migrated_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as connection:
        connection.executescript(MIGRATIONS[0])
        connection.execute("PRAGMA application_id = 1129464915")
        connection.execute("PRAGMA user_version = 1")
        connection.execute(
            "INSERT INTO drills (recorded, kind, scenario, team, people, score, rating, header,"
            " score_doc, log, log_records) VALUES ('2026-01-01 10:00:00', 'play', 'k', 't',"
            " '[\"Ana\", \"Bo\"]', 71.5, 'S', '{}', '{}', ?, 1)", (zlib.compress(b"{}"),))
    assert SCHEMA_VERSION > 1
    assert [d["id"] for d in _history(db, "--person", "Bo")] == [1]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("SELECT name FROM people ORDER BY name").fetchall() == [
            ("Ana",), ("Bo",)]


@pytest.mark.parametrize(("prepare", "message"), [
    (lambda p: p.mkdir(), "is a directory, not a drill store"),
    (lambda p: p.write_text("hello, not a database\n" * 100), "not a drill store"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(),
     "a SQLite database, but not a drill store"),
    (lambda p: sqlite3.connect(p).execute("PRAGMA user_version = 99"),
     "written by a newer crisis-drills (store schema 99)"),
])
def test_a_bad_store_path_gets_one_line(tmp_path: Path, prepare, message: str) -> None:
    db = tmp_path / "bad.db"
    prepare(db)
    for args in (["history", "--db", str(db)], ["run", "--hours", "1", "--db", str(db)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output


def test_a_store_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["run", "--hours", "1", "--db", str(blocker / "h.db")])
    assert result.exit_code == 2 and "cannot create its folder" in result.output


def test_history_of_a_person_lists_their_own_scores_by_scenario_and_role(
        tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    base = ["play", "--plain", "--speed", "0", "--seed", "1", "--start", "fri 17:30",
            "--as", "Ana", "--db", str(db)]
    good = "wait 2h16m\nack\ndo o2\nwait 5m\nack\ndo o4\nquit\n"
    for script, name in ((good, "a.jsonl"), ("wait 2h16m\nwait 1h\nquit\n", "b.jsonl")):
        result = CliRunner().invoke(cli, [*base, "--log", str(tmp_path / name)],
                                    input=script)
        assert result.exit_code == 0, result.output
    attempts = _history(db, "--person", "Ana")
    assert [a["roles"] for a in attempts] == [["comms_lead"], ["comms_lead"]]
    assert attempts[0]["score"] > attempts[1]["score"]  # her own, not the team's
    assert attempts[1]["rating"] == "U" or attempts[1]["score"] < 50
    assert "team_score" in attempts[0]
    text = CliRunner().invoke(cli, ["history", "--db", str(db), "--person", "Ana"]).output
    assert "overheating-kettle as comms_lead: 2 attempts  (from 100.0 to 0.0)" in text
    assert "your score" in text and "team score" in text
    assert "No attempts by Bo" in CliRunner().invoke(
        cli, ["history", "--db", str(db), "--person", "Bo"]).output


def test_migration_3_fills_person_scores_from_stored_documents(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id = 1129464915")
    for script in MIGRATIONS[:2]:
        connection.executescript(script)
    document = {"score": 80.0, "persons": [{"name": "Ana", "roles": ["legal"], "score": 61.5,
                                            "rating": "M"}]}
    connection.execute(
        "INSERT INTO drills (recorded, kind, scenario, team, people, header, score_doc, log,"
        " log_records) VALUES ('2026-01-01', 'play', 's', 't', '[\"Ana\"]', '{}', ?, ?, 0)",
        (json.dumps(document), zlib.compress(b"")))
    connection.execute("INSERT INTO people (drill_id, name) VALUES (1, 'Ana')")
    connection.execute("PRAGMA user_version = 2")
    connection.commit()
    connection.close()
    with open_store(path) as store:
        [attempt] = store.attempts("Ana")
    assert (attempt["roles"], attempt["score"], attempt["rating"], attempt["team_score"]) == \
        (["legal"], 61.5, "M", None)
