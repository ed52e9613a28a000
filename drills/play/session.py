"""A practice session: the live drill with its log, clock and console, set up and ended the
same way for every front end. The log is written atomically when the session ends, at the
drill's end, on ``quit`` or on Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from drills.api import people_config
from drills.drive.live import LiveDrill
from drills.drive.session import LiveSession
from drills.log.files import atomic_log
from drills.play.console import Console


@dataclass
class PlaySession:
    console: Console
    live: LiveDrill
    document: dict[str, Any] | None = None

    def end(self) -> dict[str, Any]:
        """End the drill now (idempotent) and return its score."""
        if self.document is None:
            self.document = self.live.finish()
        return self.document


@contextmanager
def play_session(*, scenario: str, rulebook: str, team: str, roles: tuple[str, ...],
                 name: str, speed: float, seed: int, start: str, log: str,
                 locale: str | None = None, hours: float | None = None,
                 map_roles: str | None = None, pause_on_page: bool = False,
                 wall: Callable[[], float], lang: str | None = None) -> Iterator[PlaySession]:
    config = people_config(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                           start=start, humans=dict.fromkeys(roles, name), hours=hours,
                           locale=locale, map_roles=map_roles, log=log)
    with atomic_log(log) as sink:
        live = LiveDrill(config, sink)
        live.begin()
        try:
            session = PlaySession(Console(LiveSession(live, speed=speed, wall=wall,
                                                          pause_on_page=pause_on_page), name,
                                                  lang),
                                  live)
            yield session
            session.end()
        finally:
            live.close()
