"""The trend across stored drills: a line of text per team, and a small HTML page."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from drills.i18n.catalogue import t
from drills.report.build import Table
from drills.report.catalogue import Words
from drills.report.figures import trend_figure
from drills.report.templating import render_page

_SPARKS = "▁▂▃▄▅▆▇█"


def trends(drills: list[dict[str, Any]], lang: str = "en") -> list[str]:
    """Per team: the first and last score, the change, and a sparkline of every score."""
    words = Words(lang)
    per_team: dict[str, list[float]] = defaultdict(list)
    for drill in drills:
        if drill["score"] is not None:
            per_team[drill["team"]].append(float(drill["score"]))
    lines = []
    for team, scores in sorted(per_team.items()):
        spark = "".join(_SPARKS[min(7, int(s / 100 * 8))] for s in scores)
        if len(scores) == 1:
            lines.append(t(words.lang, "{team}: {score} (one drill)  {spark}", team=team,
                           score=words.number(scores[0]), spark=spark))
            continue
        change = scores[-1] - scores[0]
        lines.append(t(words.lang, "{team}: {first} -> {last} over {n} drills ({change})  "
                       "{spark}", team=team, first=words.number(scores[0]),
                       last=words.number(scores[-1]), n=len(scores),
                       change=("+" if change >= 0 else "-") + words.number(abs(change)),
                       spark=spark))
    return lines


def drills_language(drills: list[dict[str, Any]]) -> str:
    """The language of the stored drills' scenarios when they share one (a built-in
    scenario's locale; a scenario of the team's own reads English), else English."""
    from drills.inputs.builtins import builtin_names

    known = set(builtin_names("scenario"))
    found = {_scenario_language(str(d["scenario"])) if d["scenario"] in known else "en"
             for d in drills}
    return found.pop() if len(found) == 1 else "en"


@cache
def _scenario_language(name: str) -> str:
    from drills.feed.scenario_load import load_scenario
    from drills.inputs.builtins import resolve

    return str(load_scenario(resolve("scenario", name)).locale).split("_")[0].lower()


def history_html(drills: list[dict[str, Any]], lang: str | None = None) -> str:
    """The history page: the trend figure, a line per team, and a row per drill, in
    ``lang`` (default: the drills' own language, :func:`drills_language`)."""
    words = Words(lang or drills_language(drills))
    lang = words.lang
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for drill in drills:
        if drill["score"] is not None:
            series[drill["team"]].append((f"{drill['date'][:16]} #{drill['id']}",
                                          float(drill["score"])))
    headers = ["id", words("date"), words("scenario"), words("rulebook"), words("team"),
               words("seed"), words("people"), words("score"), words("rating")]
    rows = [[str(v) for v in (
        d["id"], d["date"], d["scenario"], d["rulebook"], d["team"], d["seed"],
        ", ".join(d["people"]), "-" if d["score"] is None else words.number(d["score"]),
        d["rating"] or "-")] for d in drills]
    return render_page("history.html", lang=lang, heading=words("history"),
                       caption=words("history_caption"),
                       png=trend_figure(dict(series), words), trends=trends(drills, lang),
                       drills=Table(headers, rows))
