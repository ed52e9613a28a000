"""The report's figures, drawn with matplotlib's non-interactive Agg canvas.

No pyplot (no global state, no display); PNG metadata that would vary (the software
version line) is left out, so the same data give the same bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from drills.report.catalogue import Words
from drills.report.timeline import Timeline

DPI = 110
_SEVERITY_COLOURS = ("#ffffff", "#fdf5c9", "#fde1b8", "#f9c6c0", "#f0a8b4", "#e08aa0")
_STATUS_COLOURS = {"met": "#3a9d5d", "late": "#f0a030", "missed": "#d64545", "open": "#a0a0a0",
                   "cancelled": "#d0d0d0"}
#: At most this many obligations are drawn (the report's tables list them all).
MAX_GANTT_ROWS = 120


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _clock_axis(ax: Any, end: float, clock: Callable[[float], str]) -> None:
    """Hours on the x axis, labelled with the drill's wall clock: at most 13 labels, in
    whole weeks past a 12-week log (a hand-written ``end`` may be anywhere)."""
    hours = end / 60
    weeks = math.ceil(hours / 12 / 168) * 168
    step = next((s for s in (1, 2, 3, 4, 6, 12, 24, 48, 168) if hours / s <= 12), weeks)
    ticks = [h for h in range(0, int(hours) + 1, step)]
    ax.set_xlim(0, hours)
    ax.set_xticks(ticks)
    ax.set_xticklabels([clock(h * 60.0) for h in ticks], fontsize=8)


def timeline_figure(line: Timeline, words: Words, clock: Callable[[float], str]) -> bytes:
    figure = Figure(figsize=(10, 3.8))
    ax = figure.subplots()
    for start, stop, level in line.severity:
        colour = _SEVERITY_COLOURS[min(level, len(_SEVERITY_COLOURS) - 1)]
        ax.axvspan(start / 60, stop / 60, color=colour, alpha=0.8, lw=0, zorder=0)
        name = words.name(line.levels[level]) if level < len(line.levels) else str(level)
        ax.text((start + stop) / 120, 0.985, name, transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=7, color="#444444", clip_on=True)
    peak = max((m for _t, m, _n in line.signals), default=0.0) or 1.0
    if line.signals:
        xs = [t / 60 for t, _m, _n in line.signals]
        ax.plot(xs, [m for _t, m, _n in line.signals], color="#2b5fa8", lw=1.6,
                label=words("fig_mentions"), zorder=3)
        share = ax.twinx()
        share.plot(xs, [n for _t, _m, n in line.signals], color="#c04040", lw=1.0, ls="--",
                   label=words("fig_negative"), zorder=3)
        share.set_ylim(0, 1.05)
        share.set_ylabel(words("fig_negative"), fontsize=8, color="#c04040")
        share.tick_params(labelsize=8)
    ax.set_ylim(0, peak * 1.25)
    if line.signals:
        ax.set_ylabel(words("fig_mentions"), fontsize=8, color="#2b5fa8")
    else:  # a hand-written log: no monitoring, only what was done and when
        ax.set_yticks([])
    ax.tick_params(labelsize=8)
    top, bottom = peak * 1.12, peak * 0.04
    marks: list[tuple[list[float], float, str, str, str]] = [
        (line.injects, top, "v", "#6a3d9a", words("fig_inject")),
        (line.press, top * 0.94, "o", "#1f78b4", words("fig_press")),
        (line.influencer, top * 0.88, "*", "#ff7f00", words("fig_influencer")),
        (line.statements, bottom, "^", "#2e8b57", words("fig_statement")),
        (line.violations, bottom * 3, "X", "#d62728", words("fig_violation")),
    ]
    for times, y, marker, colour, label in marks:
        if times:
            ax.scatter([t / 60 for t in times], [y] * len(times), marker=marker, color=colour,
                       s=36, label=label, zorder=4, edgecolors="white", linewidths=0.5)
    for index, t in enumerate(line.calm):
        ax.axvline(t / 60, color="#2e8b57", ls=":", lw=1.5, zorder=2,
                   label=words("fig_calm") if index == 0 else None)
    _clock_axis(ax, line.end, clock)
    ax.set_xlabel(words("fig_hours"), fontsize=8)
    handles, labels = ax.get_legend_handles_labels()
    if line.signals:
        more = figure.axes[1].get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    if handles:
        ax.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(1.06, 1.0),
                  frameon=False)
    figure.tight_layout()
    return png(figure)


def obligations_figure(obligations: list[dict[str, Any]], end: float, words: Words,
                       clock: Callable[[float], str]) -> bytes:
    rows = sorted(obligations, key=lambda o: (o["role"], o["created"], o["id"]))
    rows = rows[:MAX_GANTT_ROWS]
    height = 1.2 + 0.22 * max(1, len(rows))
    figure = Figure(figsize=(10, height))
    ax = figure.subplots()
    for y, ob in enumerate(rows):
        stop = ob["done"] if ob["done"] is not None else min(end, max(ob["due"], ob["created"]))
        colour = _STATUS_COLOURS.get(ob["status"], "#a0a0a0")
        ax.barh(y, max(stop - ob["created"], 0.5) / 60, left=ob["created"] / 60, height=0.6,
                color=colour, edgecolor="none")
        ax.plot([ob["due"] / 60] * 2, [y - 0.4, y + 0.4], color="#222222", lw=1.2)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{ob['id']} {words.what(ob['action'], ob['role'])}" for ob in rows],
                       fontsize=7)
    ax.invert_yaxis()
    _clock_axis(ax, end, clock)
    handles = [Patch(color=_STATUS_COLOURS[s], label=words.status(s))
               for s in ("met", "late", "missed", "open")]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False)
    ax.grid(axis="x", color="#e6e6e6", lw=0.6)
    ax.set_axisbelow(True)
    figure.tight_layout()
    return png(figure)


def response_figure(rows: list[dict[str, Any]], words: Words) -> bytes:
    names = [words.action(str(r["name"])) for r in rows]
    figure = Figure(figsize=(7, 0.8 + 0.32 * max(1, len(rows))))
    ax = figure.subplots()
    ys = range(len(rows))
    ax.barh(ys, [r["p90"] for r in rows], color="#c8d6ea", label=words("fig_p90"), height=0.6)
    ax.barh(ys, [r["p50"] for r in rows], color="#2b5fa8", label=words("fig_p50"), height=0.6)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(words("fig_minutes"), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    figure.tight_layout()
    return png(figure)


def trend_figure(series: dict[str, list[tuple[str, float]]], words: Words) -> bytes:
    """Scores over stored drills, one line per team (dates as labels, in order)."""
    figure = Figure(figsize=(9, 3.2))
    ax = figure.subplots()
    dates = sorted({d for points in series.values() for d, _s in points})
    where = {d: i for i, d in enumerate(dates)}
    for team, points in sorted(series.items()):
        ax.plot([where[d] for d, _s in points], [s for _d, s in points], marker="o", lw=1.4,
                label=team)
    ax.set_ylim(0, 100)
    ax.set_ylabel(words("fig_score"), fontsize=8)
    step = max(1, len(dates) // 10)
    ax.set_xticks(list(range(0, len(dates), step)))
    ax.set_xticklabels([dates[i] for i in range(0, len(dates), step)], fontsize=7, rotation=30,
                       ha="right")
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#e6e6e6", lw=0.6)
    if series:
        ax.legend(fontsize=7, frameon=False)
    figure.tight_layout()
    return png(figure)
