"""The drill log: versioned JSON Lines records, written through a sink.

The simulation (pure) hands records to a sink; the shell decides where they go (a file
written atomically, a list in memory, nowhere). See docs/log.md for every record type.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

LOG_SCHEMA = 1
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)

Record = dict[str, Any]


class Sink(Protocol):
    def write(self, record: Record) -> None: ...

    def write_event(self, event: Record) -> None:
        """A feed event, written as a record ``{"type": "event", ...event}``."""
        ...


class ListSink:
    """Keeps every record (tests, scoring in memory)."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def write(self, record: Record) -> None:
        self.records.append(record)

    def write_event(self, event: Record) -> None:
        record: Record = {"type": "event"}
        record.update(event)
        self.records.append(record)


class NullSink:
    """Drops every record (benchmarks of the simulation alone)."""

    def write(self, record: Record) -> None:
        pass

    def write_event(self, event: Record) -> None:
        pass


class TextSink:
    """Encodes records as JSON Lines to anything with ``write(str)``."""

    def __init__(self, stream: Any) -> None:
        from drills.feed.render import EventEncoder

        self._write = stream.write
        self._event = EventEncoder('{"type":"event",')

    def write(self, record: Record) -> None:
        self._write(_ENCODER.encode(record) + "\n")

    def write_event(self, event: Record) -> None:
        self._write(self._event(event) + "\n")


class TeeSink:
    def __init__(self, *sinks: Sink) -> None:
        self.sinks = sinks

    def write(self, record: Record) -> None:
        for sink in self.sinks:
            sink.write(record)

    def write_event(self, event: Record) -> None:
        for sink in self.sinks:
            sink.write_event(event)

