"""The person section of the after-action report: each person's own score, what they were
asked and wrote, and the comparison with the no-show run (``baseline`` in the score
document, computed by ``drills.api.practice``). One section per person who took part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.report.catalogue import Words


def person_sections(document: dict[str, Any], words: Words,
                    clock: Callable[[float], str]) -> list[Any]:
    """A section per person of the score document (none for a simulated team)."""
    from drills.report.build import Section, Table

    sections = []
    for person in document.get("persons") or ():
        name = str(person["name"])
        section = Section(words("person_title", name=name, roles=", ".join(person["roles"])))
        score = person.get("score")
        if score is None:
            section.paragraphs.append(words("person_not_rated",
                                            meaning=person.get("rating_meaning") or ""))
        else:
            section.paragraphs.append(words("person_score", score=score,
                                            rating=person["rating"], name=name,
                                            meaning=words.rating(str(person["rating"]))))
        baseline = person.get("baseline")
        if baseline:
            section.paragraphs += [f"{words('baseline_title')}: {words('baseline_intro')}",
                                   *baseline_paragraphs(baseline, name, words, clock)]
        items = person.get("items") or []
        if items:
            section.tables.append((words("person_items"), Table(
                [words("person_kind"), "id", words("action"), words("person_asked"),
                 words("person_outcome"), words("person_minutes")],
                [[words.term(str(i["kind"])), str(i["id"]), words.action(str(i["what"])),
                  clock(i["t"]), words.term(str(i["outcome"])),
                  "-" if i["minutes"] is None else words.minutes(i["minutes"])]
                 for i in items])))
        wrote = [a for a in person.get("actions") or () if a.get("text")]
        if wrote:
            section.tables.append((words("person_words", name=name), Table(
                [words("when"), words("action"), words("person_text"),
                 words("coaching_notes")],
                [[clock(a["t"]), words.action(str(a["action"])), str(a["text"]),
                  "; ".join(a.get("notes") or ())] for a in wrote])))
        violations = person.get("violations") or []
        section.bullets.append(words("person_violations", violations="; ".join(
            f"{words.action(str(v['action']))} ({words.reason(v['reason'])})"
            for v in violations)
            or words("person_none")))
        sections.append(section)
    return sections


def baseline_paragraphs(baseline: dict[str, Any], name: str, words: Words,
                        clock: Callable[[float], str]) -> list[str]:
    """The no-show comparison in the report's language: the statement, then reach."""
    yours, theirs = baseline.get("your_statement_t"), baseline.get("statement_t")
    earlier = baseline.get("statement_minutes_earlier")
    backup = str(baseline.get("statement_by") or "-")
    action = words.action(str(baseline.get("statement_action") or "statement"))
    values = {"name": name, "backup": backup, "action": action,
              "yours": "-" if yours is None else clock(yours),
              "theirs": "-" if theirs is None else clock(theirs)}
    if yours is not None and earlier is not None:
        key = "baseline_same" if abs(earlier) < 0.5 else \
            "baseline_before" if earlier > 0 else "baseline_after"
        out = [words(key, minutes=f"{abs(earlier):.0f}", **values)]
    elif yours is not None:
        out = [words("baseline_only", **values)]
    elif theirs is not None:
        out = [words("baseline_missing", **values)]
    else:
        out = [words("baseline_neither", **values)]
    change = baseline.get("negative_reach_change_pct")
    if change is not None:
        said = words("baseline_equal") if abs(change) < 0.5 else \
            words("baseline_lower" if change < 0 else "baseline_higher", pct=abs(change))
        out.append(words("baseline_reach", change=said, name=name,
                         yours=f"{baseline.get('your_negative_reach') or 0:,}",
                         theirs=f"{baseline.get('negative_reach') or 0:,}"))
    return out
