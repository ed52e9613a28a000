"""The evaluators' ratings and notes and the hot wash, as sections of the after-action report.

A served drill has people who watched (evaluators rating HSEEP critical tasks P/S/M/U, with
notes at moments of the drill) and the participants' hot wash. They are not drill records:
they come from the server's database and are handed to :func:`build_report` as an
:class:`Evaluation`. An evaluator's M or U on any task rules out P for the team
(:func:`drills.score.score.evaluated_rating`), and each M/U becomes a row of the
improvement plan, owned by the task's capability (its role), due in 30 days.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drills.i18n.catalogue import N_, translations

#: An improvement plan row is due this many days after the report is made.
DUE_DAYS = 30


@dataclass(frozen=True)
class Task:
    """A critical task: objective -> capability -> task (HSEEP's Exercise Evaluation Guide)."""

    id: str
    objective: str
    capability: str
    task: str


@dataclass(frozen=True)
class EvaluationRow:
    t: float
    evaluator: str
    task: str
    rating: str
    note: str


@dataclass(frozen=True)
class HotWashRow:
    role: str
    well: str
    improve: str
    change: str


@dataclass
class Evaluation:
    tasks: list[Task] = field(default_factory=list)
    ratings: list[EvaluationRow] = field(default_factory=list)
    hotwash: list[HotWashRow] = field(default_factory=list)
    #: The day the plan's due dates count from (the server's today when None).
    today: datetime.date | None = None

    def final(self) -> dict[str, str]:
        """Each task's last rating (a later rating replaces an earlier one)."""
        out: dict[str, str] = {}
        for row in self.ratings:
            if row.rating:
                out[row.task] = row.rating
        return out


#: The evaluation's words (English; the catalogue says them in the report's language).
WORDS: dict[str, str] = {
    "evaluation": N_("Evaluators' ratings and notes"),
    "evaluation_intro": N_("Each critical task as the evaluators rated it (P performed "
                           "without challenges, S with some, M with major, U unable to "
                           "be performed); an M or U rules out P for the team."),
    "no_ratings": N_("No evaluator rated this drill."),
    "objective": N_("Objective"),
    "capability": N_("Capability"),
    "task": N_("Critical task"),
    "rating": N_("Rating"),
    "notes": N_("Notes"),
    "when": N_("When"),
    "who": N_("Evaluator"),
    "hotwash": N_("Hot wash"),
    "no_hotwash": N_("Nobody answered the hot wash."),
    "role": N_("Role"),
    "well": N_("What went well"),
    "improve": N_("What to improve"),
    "change": N_("One thing to change in the protocol"),
    "plan_task": N_("Evaluator rated {rating}: {task} ({objective})"),
    "plan_task_fix": N_("Practise this task with {capability}; {note}"),
    "plan_hotwash": N_("Hot wash ({role}): {change}"),
    "plan_hotwash_fix": N_("Decide on the protocol change and write it into the rulebook."),
    "not_rated": N_("not rated"),
}


def words_of(lang: str) -> dict[str, str]:
    """The evaluation's words in ``lang`` (English where there is no catalogue)."""
    catalogue = translations(lang)
    return {key: catalogue.gettext(message) for key, message in WORDS.items()}


def evaluation_tables(evaluation: Evaluation, lang: str,
                      clock: Any) -> tuple[str, str, list[tuple[str, list[str],
                                                                  list[list[str]]]]]:
    """The evaluation section: title, introduction, and tables (title, headers, rows): the
    tasks with their final rating and notes, then every note at its moment."""
    w = words_of(lang)
    final = evaluation.final()
    notes: dict[str, list[str]] = {}
    for row in evaluation.ratings:
        if row.note:
            notes.setdefault(row.task, []).append(f"{clock(row.t)}: {row.note}")
    known = {t.id for t in evaluation.tasks}
    tasks = list(evaluation.tasks)
    for r in evaluation.ratings:
        if r.task not in known:  # a task of a rulebook the report no longer has
            known.add(r.task)
            tasks.append(Task(r.task, "-", "-", r.task))
    rated = [t for t in tasks if t.id in final or t.id in notes]
    tables: list[tuple[str, list[str], list[list[str]]]] = []
    if not evaluation.ratings:
        return w["evaluation"], w["no_ratings"], tables
    tables.append(("", [w["objective"], w["capability"], w["task"], w["rating"], w["notes"]],
                   [[t.objective, t.capability, t.task, final.get(t.id, w["not_rated"]),
                     " / ".join(notes.get(t.id, []))] for t in rated]))
    by_id = {t.id: t for t in tasks}
    tables.append((w["notes"], [w["when"], w["who"], w["task"], w["rating"], w["notes"]],
                   [[clock(r.t), r.evaluator, by_id[r.task].task, r.rating or "-", r.note]
                    for r in evaluation.ratings]))
    return w["evaluation"], w["evaluation_intro"], tables


def hotwash_table(evaluation: Evaluation, lang: str) -> tuple[str, list[str], list[list[str]]]:
    w = words_of(lang)
    return w["hotwash"], [w["role"], w["well"], w["improve"], w["change"]], [
        [h.role, h.well or "-", h.improve or "-", h.change or "-"] for h in evaluation.hotwash]


def plan_rows(evaluation: Evaluation, lang: str,
              element: Callable[[str], str] = str) -> list[list[str]]:
    """Improvement plan rows (issue, corrective action, element, owner, due date) for each
    task an evaluator last rated M or U, and each protocol change the hot wash asked for;
    ``element`` names a capability element (``training``, ``planning``) in the language."""
    w = words_of(lang)
    due = ((evaluation.today or datetime.date.today())
           + datetime.timedelta(days=DUE_DAYS)).isoformat()
    final = evaluation.final()
    last_note = {r.task: r.note for r in evaluation.ratings if r.note}
    rows = []
    for task in evaluation.tasks:
        if final.get(task.id) in ("M", "U"):
            rows.append([w["plan_task"].format(rating=final[task.id], task=task.task,
                                               objective=task.objective),
                         w["plan_task_fix"].format(capability=task.capability,
                                                   note=last_note.get(task.id, "")).rstrip("; "),
                         element("training"), task.capability, due])
    for answer in evaluation.hotwash:
        if answer.change:
            rows.append([w["plan_hotwash"].format(role=answer.role, change=answer.change),
                         w["plan_hotwash_fix"], element("planning"), answer.role.replace("_", " "),
                         due])
    return rows
