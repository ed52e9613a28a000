"""The store's schema, version by version. A database is migrated forward on open; one
written by a newer version than this code understands is refused."""

from __future__ import annotations

#: Each entry takes a database from the previous version to the next (index 0: empty -> 1).
MIGRATIONS: tuple[str, ...] = (
    # 1: one row per drill: what it was, how it scored, its log (zlib), its inputs' hashes.
    """
    CREATE TABLE drills (
        id INTEGER PRIMARY KEY,
        recorded TEXT NOT NULL,
        kind TEXT NOT NULL,
        scenario TEXT, rulebook TEXT, rulebook_version TEXT, team TEXT,
        seed INTEGER, start TEXT, locale TEXT,
        people TEXT NOT NULL DEFAULT '[]',
        score REAL, rating TEXT,
        header TEXT NOT NULL,
        score_doc TEXT NOT NULL,
        log BLOB NOT NULL,
        log_records INTEGER NOT NULL,
        hash_scenario TEXT, hash_rulebook TEXT, hash_team TEXT
    );
    """,
    # 2: people get a table of their own (drill history --person), and teams an index.
    """
    CREATE TABLE people (
        drill_id INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        PRIMARY KEY (drill_id, name)
    );
    INSERT INTO people (drill_id, name)
        SELECT drills.id, json_each.value FROM drills, json_each(drills.people);
    CREATE INDEX drills_by_team ON drills (team, recorded);
    """,
    # 3: each person's own score beside the team's (drill history --person NAME): filled
    # from the score documents already stored, which carry it under "persons".
    """
    CREATE TABLE person_scores (
        drill_id INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        roles TEXT NOT NULL DEFAULT '[]',
        score REAL, rating TEXT,
        PRIMARY KEY (drill_id, name)
    );
    INSERT OR IGNORE INTO person_scores (drill_id, name, roles, score, rating)
        SELECT drills.id, json_extract(p.value, '$.name'),
               coalesce(json_extract(p.value, '$.roles'), '[]'),
               json_extract(p.value, '$.score'), json_extract(p.value, '$.rating')
        FROM drills, json_each(drills.score_doc, '$.persons') AS p
        WHERE json_valid(drills.score_doc) AND json_extract(p.value, '$.name') IS NOT NULL;
    CREATE INDEX person_scores_by_name ON person_scores (name);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
