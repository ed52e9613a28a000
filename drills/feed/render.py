"""Rendering feed events as text: JSON Lines and a streamed fixed-width table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from drills.durations import format_minutes

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def event_json(event: dict[str, Any]) -> str:
    """One compact JSON line; key order is the event's, so output is byte-stable."""
    return _ENCODER.encode(event)


def jsonl_lines(events: Iterable[dict[str, Any]]) -> Iterator[str]:
    for event in events:
        yield _ENCODER.encode(event) + "\n"


TABLE_COLUMNS = (("time", 6), ("kind", 17), ("platform", 9), ("author", 20),
                 ("followers", 9), ("tone", 5), ("text", 60))


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table_lines(events: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A table that streams: fixed column widths, a header, one line per event."""
    yield "  ".join(name.ljust(width) for name, width in TABLE_COLUMNS).rstrip() + "\n"
    yield "  ".join("-" * width for _name, width in TABLE_COLUMNS) + "\n"
    for e in events:
        author = e["author"]
        cells = (format_minutes(e["t"]), e["kind"], e["platform"], "@" + author["handle"],
                 f"{author['followers']:,}", f"{e['sentiment']:+.1f}",
                 " ".join(str(e["text"]).split()))
        yield "  ".join(_cell(str(c), w).ljust(w) if i < len(cells) - 1 else _cell(str(c), w)
                        for i, (c, (_n, w)) in enumerate(zip(cells, TABLE_COLUMNS,
                                                             strict=True))) + "\n"
