"""The trend across stored drills: a line of text per team, and a small HTML page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from drills.report.build import Table
from drills.report.catalogue import Words
from drills.report.figures import trend_figure
from drills.report.templating import render_page

_SPARKS = "▁▂▃▄▅▆▇█"


def trends(drills: list[dict[str, Any]]) -> list[str]:
    """Per team: the first and last score, the change, and a sparkline of every score."""
    per_team: dict[str, list[float]] = defaultdict(list)
    for drill in drills:
        if drill["score"] is not None:
            per_team[drill["team"]].append(float(drill["score"]))
    lines = []
    for team, scores in sorted(per_team.items()):
        spark = "".join(_SPARKS[min(7, int(s / 100 * 8))] for s in scores)
        if len(scores) == 1:
            lines.append(f"{team}: {scores[0]:.1f} (one drill)  {spark}")
            continue
        change = scores[-1] - scores[0]
        lines.append(f"{team}: {scores[0]:.1f} -> {scores[-1]:.1f} over {len(scores)} drills "
                     f"({change:+.1f})  {spark}")
    return lines


def history_html(drills: list[dict[str, Any]], lang: str = "en") -> str:
    """The history page: the trend figure, a line per team, and a row per drill."""
    words = Words(lang)
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for drill in drills:
        if drill["score"] is not None:
            series[drill["team"]].append((f"{drill['date'][:16]} #{drill['id']}",
                                          float(drill["score"])))
    headers = ["id", words("date"), words("scenario"), words("rulebook"), words("team"),
               words("seed"), words("people"), words("score"), words("rating")]
    rows = [[str(v) for v in (
        d["id"], d["date"], d["scenario"], d["rulebook"], d["team"], d["seed"],
        ", ".join(d["people"]), "-" if d["score"] is None else f"{d['score']:.1f}",
        d["rating"] or "-")] for d in drills]
    return render_page("history.html", lang=lang, heading=words("history"),
                       caption=words("history_caption"),
                       png=trend_figure(dict(series), words), trends=trends(drills),
                       drills=Table(headers, rows))
