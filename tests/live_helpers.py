"""Helpers for drills with people in them: a configured live drill and a log in bytes."""

from __future__ import annotations

import io
from typing import Any

from drills.api import people_config
from drills.drive.live import LiveDrill
from drills.log.records import TextSink


def live_drill(humans: dict[str, str], *, seed: int = 1, scenario: str = "overheating-kettle",
               team: str = "standard", start: str = "fri 17:30", hours: float | None = 6,
               rulebook: str = "default", locale: str | None = None
               ) -> tuple[LiveDrill, io.StringIO]:
    config = people_config(scenario=scenario, rulebook=rulebook, team=team, seed=seed,
                           start=start, humans=humans, hours=hours, locale=locale)
    out = io.StringIO()
    live = LiveDrill(config, TextSink(out))
    live.begin()
    return live, out


def records_of(text: str) -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in text.splitlines()]
