"""Reading drill logs back: scoring (streamed; hand-written logs sorted), reports, and
the history store."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drills.errors import InputError, LogError, RecordsOutOfOrder
from drills.inputs.builtins import builtin_names, resolve
from drills.log.check import time_sorted
from drills.log.files import read_log_lines
from drills.log.records import Record
from drills.rulebook.load import load_rulebook
from drills.rulebook.model import Rulebook
from drills.score.score import check_log, score_log


def rulebook_for_log(records: list[Record], rulebook: str | None,
                     log: str | None = None) -> Rulebook:
    """The rulebook to score a log with: the one given, or the one the log names.

    A name in the header is a built-in, or a file relative to the log's own folder (so a
    log scores the same from any working directory): ``rulebook: ./acme.yaml``, or ``acme``
    for ``acme.yaml`` beside the log.
    """
    if rulebook is not None:
        return load_rulebook(resolve("rulebook", rulebook))
    name = records[0].get("rulebook") if records else None
    if not isinstance(name, str) or not name:
        raise InputError("the log does not name its rulebook; pass --rulebook")
    folder = os.path.dirname(os.path.abspath(log)) if log else os.getcwd()
    looks_like_path = name.endswith((".yaml", ".yml")) or "/" in name or os.sep in name
    if not looks_like_path and name in builtin_names("rulebook"):
        return load_rulebook(resolve("rulebook", name))
    candidate = os.path.join(folder, name if looks_like_path else f"{name}.yaml")
    if os.path.isfile(candidate):
        return load_rulebook(candidate)
    where = f"not at {candidate}" if looks_like_path else \
        f"neither a built-in nor a file {name}.yaml beside the log"
    raise InputError(f"the log was made with rulebook {name!r}, which is {where}; pass "
                     "--rulebook PATH")


def score_drill(log: str, *, rulebook: str | None = None, judge: tuple[str, ...] = (),
                strict: bool = False, warn: Callable[[str], None] | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Re-score a saved drill log (with the facilitator's verdicts on objectives).

    The log streams through the checker and the scorer record by record (a drill of any
    length in constant memory). A hand-written log out of time order is read whole and
    sorted, and ``warn`` hears of it once; ``strict`` refuses it instead.
    ``progress(read, size)`` hears how far reading the log got.
    """
    from drills.score.objectives import apply_judgements, parse_judgements

    judgements = parse_judgements(judge)  # a bad --judge fails before any work
    try:
        document, _kept, _count = _score_stream(log, rulebook, progress=progress)
    except LogError as exc:
        numbered = _sorted_after(exc, log, strict, warn)
        return _score_lines(numbered, rulebook, log, judge)
    apply_judgements(document, judgements)
    return _with_baselines(document, log)


def _with_baselines(document: dict[str, Any], log: str) -> dict[str, Any]:
    """Each person compared with the no-show run (``drills.api.practice``)."""
    from drills.api.practice import baseline_log

    return baseline_log(document, log)


def _sorted_after(exc: LogError, log: str, strict: bool,
                  warn: Callable[[str], None] | None) -> list[tuple[int, Record]]:
    """A log that failed as it streamed, read whole and sorted when it is a hand-written log
    out of time order (a record written before its time may be what failed: a 'done' above
    its 'created'); ``exc`` stands otherwise. A log the tool wrote is never read whole."""
    from drills.log.check import written_by_tool
    from drills.log.files import iter_log_file

    if not isinstance(exc, RecordsOutOfOrder):
        _line, header = next(iter_log_file(log))
        if written_by_tool(header):
            raise exc
    numbered = read_log_lines(log)
    ordered = time_sorted(numbered, log, strict=strict, warn=warn)
    if ordered is numbered and not isinstance(exc, RecordsOutOfOrder):
        raise exc
    return ordered


#: Feed events a report draws (the rest are only counted when a log streams through it).
_DRAWN_EVENTS = ("press_inquiry", "regulator_inquiry", "influencer_post")


def _score_stream(log: str, rulebook: str | None, keep: bool = False,
                  progress: Callable[[int, int], None] | None = None
                  ) -> tuple[dict[str, Any], list[tuple[int, Record]], int]:
    """Score the log at ``log`` as it is read; with ``keep``, also the records a report needs
    (all but the ordinary feed events) and how many there were."""
    from drills.log.check import LogChecker
    from drills.log.files import iter_log_file
    from drills.score.score import LogScorer

    records = iter_log_file(log, progress)
    first, header = next(records)
    checker = LogChecker(log)
    checker.check(header, first)  # a header before its rulebook is looked up
    try:
        book = rulebook_for_log([header], rulebook, log)
    except InputError:
        last = header
        for line, record in records:  # a broken log says so before a missing rulebook
            checker.check(record, line)
            last = record
        if last.get("type") != "end":
            raise _incomplete(log) from None
        raise
    scorer = LogScorer(book, log)
    kept: list[tuple[int, Record]] = []
    count, last = 0, header
    for line, record in itertools.chain([(first, header)], records):
        scorer.add(record, line)
        count, last = count + 1, record
        if keep and (record["type"] != "event" or record.get("inject")
                     or record.get("kind") in _DRAWN_EVENTS):
            kept.append((line, record))
    if last.get("type") != "end":
        raise _incomplete(log)
    return scorer.document(), kept, count


def _incomplete(log: str) -> LogError:
    return LogError(f"{log}: the log is incomplete (no 'end' record): the drill did not finish")


def _score_lines(numbered: list[tuple[int, Record]], rulebook: str | None, source: str,
                 judge: tuple[str, ...]) -> dict[str, Any]:
    """A log's records checked and scored, the facilitator's ``--judge`` verdicts applied."""
    from drills.score.objectives import apply_judgements, parse_judgements

    judgements = parse_judgements(judge)  # a bad --judge fails before any work
    records = [record for _line, record in numbered]
    lines = [line for line, _record in numbered]
    check_log(records, source, lines)
    document = score_log(records, rulebook_for_log(records, rulebook, source), source, lines)
    apply_judgements(document, judgements)
    return document


@dataclass
class RenderedReport:
    text: str
    #: Images to write beside a Markdown report (file name -> PNG bytes).
    images: dict[str, bytes]


def report_from_lines(numbered: list[tuple[int, Record]], *, rulebook: str | None = None,
                      fmt: str = "html", source: str = "<log>",
                      image_prefix: str = "report", lang: str | None = None,
                      judge: tuple[str, ...] = (), strict: bool = False,
                      warn: Callable[[str], None] | None = None,
                      evaluation: Any = None) -> RenderedReport:
    """The after-action report of a drill log's records (``drill report``); a hand-written
    log out of time order is sorted (``warn`` hears of it) unless ``strict``. ``evaluation``:
    a served drill's evaluators and hot wash (``drills.report.evaluation.Evaluation``)."""
    numbered = time_sorted(numbered, source, strict=strict, warn=warn)
    document = _score_lines(numbered, rulebook, source, judge)
    if document.get("persons"):
        from drills.api.practice import add_baselines

        add_baselines(document, numbered, source)
    return _render(numbered, document, fmt, image_prefix, lang, len(numbered), evaluation)


def _render(numbered: list[tuple[int, Record]], document: dict[str, Any], fmt: str,
            image_prefix: str, lang: str | None, count: int,
            evaluation: Any = None) -> RenderedReport:
    from drills.report.build import build_report
    from drills.report.render import render_html, render_markdown

    report = build_report(numbered, document, lang, count=count, evaluation=evaluation)
    if fmt == "md":
        text, images = render_markdown(report, image_prefix)
        return RenderedReport(text, images)
    return RenderedReport(render_html(report), {})


def report_drill(log: str, *, rulebook: str | None = None, fmt: str = "html",
                 image_prefix: str = "report", lang: str | None = None,
                 judge: tuple[str, ...] = (), strict: bool = False,
                 warn: Callable[[str], None] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> RenderedReport:
    """The report of the log at ``log``, streamed: only the records a report draws are kept
    (the feed's ordinary posts are counted, not held)."""
    from drills.score.objectives import apply_judgements, parse_judgements

    judgements = parse_judgements(judge)
    try:
        document, kept, count = _score_stream(log, rulebook, keep=True, progress=progress)
    except LogError as exc:
        return report_from_lines(_sorted_after(exc, log, strict, warn), rulebook=rulebook,
                                 fmt=fmt, source=log, image_prefix=image_prefix, lang=lang,
                                 judge=judge)
    apply_judgements(document, judgements)
    return _render(kept, _with_baselines(document, log), fmt, image_prefix, lang, count)


def stored_log(drill_id: int, db: str | None = None) -> tuple[list[tuple[int, Record]], str]:
    """A stored drill's log records, and a name for it in messages (``STORE#ID``)."""
    from drills.log.files import parse_log_lines
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        data = store.log_bytes(drill_id)
        source = f"{store.path}#{drill_id}"
    return parse_log_lines(data.decode("utf-8").splitlines(keepends=True), source), source


def report_stored(drill_id: int, *, db: str | None = None, rulebook: str | None = None,
                  fmt: str = "html", image_prefix: str = "report",
                  lang: str | None = None, judge: tuple[str, ...] = ()) -> RenderedReport:
    """``drill report ID``: the report of a drill in the history store."""
    numbered, source = stored_log(drill_id, db)
    return report_from_lines(numbered, rulebook=rulebook, fmt=fmt, source=source,
                             image_prefix=image_prefix, lang=lang, judge=judge)


def drill_history(*, db: str | None = None, team: str | None = None,
                  scenario: str | None = None, person: str | None = None
                  ) -> list[dict[str, Any]]:
    """The stored drills, oldest first (``drill history``)."""
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        return [d.summary() for d in store.drills(team=team, scenario=scenario,
                                                  person=person)]


def person_history(person: str, *, db: str | None = None) -> list[dict[str, Any]]:
    """A person's attempts with their own scores, by scenario and role, oldest first
    (``drill history --person NAME``); the team's score is beside it, not instead."""
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        return store.attempts(person)


def stored_score(drill_id: int, db: str | None = None) -> dict[str, Any]:
    from drills.store.store import open_store, store_path

    with open_store(store_path(db)) as store:
        return store.score_document(drill_id)
