"""A scenario described for a facilitator: tables of phases, injects and platforms."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from drills.feed.scenario import Scenario
from drills.inputs.durations import format_minutes
from drills.inputs.templates import placeholders, render_template


def _when(minutes: float) -> str:
    return format_minutes(minutes)


def _span(minutes: float) -> str:
    return f"{minutes / 60:g}h" if minutes >= 60 and minutes % 60 == 0 else f"{minutes:g}m"


def fill_known(text: str, values: dict[str, str]) -> str:
    """``text`` with the placeholders ``values`` knows filled; any other is left as written."""
    names = {name for _offset, name in placeholders(text)}
    return render_template(text, {**{n: f"{{{n}}}" for n in names}, **values})


def describe_scenario(s: Scenario, fmt: str = "simple",
                      constants: dict[str, str] | None = None) -> str:
    """``constants`` (brand, product, issue, ...) fill the description, as a drill would."""
    parts = [f"{s.title}  ({s.id}, {s.locale})",
             f"SCCT cluster: {s.cluster}" + (f" - {s.crisis_type.replace('_', ' ')}"
                                            if s.crisis_type else ""),
             f"Duration: {_when(s.duration)}   Crowd: {s.crowd.size:,} people, median "
             f"{s.crowd.median_followers:g} followers"]
    if s.description:
        text = fill_known(s.description, constants or {})
        parts += ["", textwrap.fill(" ".join(text.split()), 92)]
    phases = []
    for p in s.phases:
        branching = p.branching if p.branching is not None else s.cascade.branching
        phases.append([_when(p.at), p.name, f"{p.rate * 60:g}/h", f"{p.negative:.0%}",
                       f"{p.arousal:.2f}", f"{branching:g}", f"{p.misinformation:.0%}",
                       f"{p.press * 60:g}/h"])
    parts += ["", "Phases", tabulate(phases, headers=["from", "phase", "rate", "negative",
                                                       "arousal", "branching", "misinfo",
                                                       "press"], tablefmt=fmt)]
    injects = []
    for i in s.injects:
        if i.at is not None:
            when = _when(i.at)
        elif i.trigger and i.trigger.condition is not None:
            when = f"when {i.trigger.when}"
        else:
            assert i.trigger is not None
            unless = f" unless {', '.join(i.trigger.unless)}" if i.trigger.unless else ""
            when = f"{_span(i.trigger.within)} after first {i.trigger.after_kind}{unless}"
        who = i.outlet or str(i.author.get("name") or i.author.get("handle") or "")
        if i.author.get("followers"):
            who += f" ({int(i.author['followers']):,} followers)"  # type: ignore[call-overload]
        injects.append([when, i.id, i.kind, i.platform or "", who.strip()])
    if injects:
        parts += ["", "Injects", tabulate(injects, headers=["when", "id", "kind", "platform",
                                                             "who"], tablefmt=fmt)]
    platforms = [[p, f"{share:.0%}"] for p, share in sorted(s.platforms.items(),
                                                            key=lambda kv: -kv[1])]
    parts += ["", "Platform mix", tabulate(platforms, headers=["platform", "share"],
                                           tablefmt=fmt)]
    return "\n".join(parts)
