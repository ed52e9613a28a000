"""An ended served drill goes into the history store, like `drill run`'s (best effort: a store
that fails is said in the server's log, never in the drill)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any

from drills.errors import DrillError
from drills.serve.errors import ApiError
from drills.serve.library import Library, input_paths

log = logging.getLogger("drills.serve")


def record_drill(history: str, drill_id: str, spec: dict[str, Any], library: Library,
                 data: bytes, score: dict[str, Any]) -> None:
    """Record one ended drill (its log ``data`` and score) in the store at ``history``."""
    from drills.inputs.builtins import resolve
    from drills.log.files import parse_log_lines
    from drills.store.store import file_hash, open_store

    try:
        numbered = parse_log_lines(data.decode("utf-8").splitlines(keepends=True), drill_id)
        header = numbered[0][1]
        paths = input_paths(spec, library)
        hashes = {kind: file_hash(resolve(kind, paths[kind]))
                  for kind in ("scenario", "rulebook", "team")}
        with open_store(history) as store:
            store.record(recorded=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                         kind="serve", header=header, score=score, log=data,
                         records=len(numbered), hashes=hashes)
    except (DrillError, ApiError, sqlite3.Error, OSError) as exc:
        log.warning("drill %s not recorded in %s: %s", drill_id, history,
                    exc.detail if isinstance(exc, ApiError) else exc)
