"""The trend across stored drills: a line of text per team, and a small HTML page."""

from __future__ import annotations

import base64
from collections import defaultdict
from typing import Any

from drills.report.catalogue import Words
from drills.report.figures import trend_figure
from drills.report.render import CSS, _html

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
    words = Words(lang)
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for drill in drills:
        if drill["score"] is not None:
            series[drill["team"]].append((f"{drill['date'][:16]} #{drill['id']}",
                                          float(drill["score"])))
    image = base64.b64encode(trend_figure(dict(series), words)).decode("ascii")
    headers = ["id", words("date"), words("scenario"), words("rulebook"), words("team"),
               words("seed"), words("people"), words("score"), words("rating")]
    rows = "".join(
        "<tr>" + "".join(f"<td>{_html(v)}</td>" for v in (
            d["id"], d["date"], d["scenario"], d["rulebook"], d["team"], d["seed"],
            ", ".join(d["people"]), "-" if d["score"] is None else f"{d['score']:.1f}",
            d["rating"] or "-")) + "</tr>" for d in drills)
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_html(words('history'))}</title><style>{CSS}</style></head><body>",
        f"<h1>{_html(words('history'))}</h1>",
        f'<figure><img alt="{_html(words("history_caption"))}" '
        f'src="data:image/png;base64,{image}"><figcaption>{_html(words("history_caption"))}'
        "</figcaption></figure>",
        "<ul>" + "".join(f"<li>{_html(t)}</li>" for t in trends(drills)) + "</ul>",
        "<table><tr>" + "".join(f"<th>{_html(h)}</th>" for h in headers) + f"</tr>{rows}"
        "</table>", "</body></html>"]) + "\n"
