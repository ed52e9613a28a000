"""``drill sweep``: a Monte Carlo over staffing and response parameters.

    drill sweep --team standard --vary ack_within=5m,10m,15m,30m --vary on_call=1,2 --seeds 200

answers questions like "with one person on call, how likely is the holding statement out
within 60 minutes?": for every combination of the varied parameters, the same seeded drills
are run and each outcome gets a probability with a 95% Wilson interval.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from drills.errors import InputError
from drills.inputs.durations import parse_duration
from drills.rulebook.model import Rulebook
from drills.team.clock import ALWAYS, NEVER
from drills.team.model import Habits, ResponseTime, Team
from drills.validate.sweep import Job

#: What can vary, and what each does.
PARAMETERS = {
    "ack_within": "every role's ack_within in the rulebook (a duration, like 10m)",
    "on_call": "how many members are on call around the clock (the team's on-call members "
               "first, then the others in file order)",
    "response": "a factor on every member's response times (0.5 = twice as fast)",
    **{name: f"the team habit {name} (a probability)" for name in Habits.__dataclass_fields__},
    "ROLE.ack_within": "one role's ack_within in the rulebook (legal.ack_within=15m,30m)",
    "ROLE.response": "a factor on the response times of the members who hold one role",
}
#: What can vary per role, as ``ROLE.NAME``.
PER_ROLE = ("ack_within", "response")
#: Outcomes reported as probabilities: name -> what it means.
OUTCOMES = {
    "holding_statement_within_1h": "the first holding statement out within 60 minutes of "
                                   "being asked for (drills that asked for one)",
    "holding_statement_on_time": "the first holding statement met its deadline (drills that "
                                 "asked for one)",
    "approved": "every statement that needed approval had it",
    "no_missed": "no obligation missed",
    "calmed": "the crisis calmed before the drill ended",
    "no_violations": "no forbidden conduct",
}


def parse_vary(options: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """``--vary name=v1,v2`` options, checked."""
    result = []
    for option in options:
        name, sep, values = option.partition("=")
        name = name.strip()
        choices = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not choices:
            raise InputError(f"--vary {option!r}: write NAME=VALUE,VALUE (like "
                             "ack_within=5m,15m)")
        role, dot, kind = name.rpartition(".")
        if dot and (not role or kind not in PER_ROLE):
            raise InputError(f"--vary: unknown parameter {name!r}; per role: "
                             f"{', '.join(f'ROLE.{k}' for k in PER_ROLE)}")
        if not dot and (name not in PARAMETERS or "." in name):
            raise InputError(f"--vary: unknown parameter {name!r}; parameters: "
                             f"{', '.join(PARAMETERS)}")
        for value in choices:
            _check_value(kind if dot else name, value, name)
        result.append((name, choices))
    if not result:
        raise InputError("--vary: give at least one parameter to vary")
    return result


def _check_value(name: str, value: str, given: str | None = None) -> None:
    try:
        if name == "ack_within":
            ok = parse_duration(value) > 0
        elif name == "on_call":
            ok = int(value) >= 0
        else:
            number = float(value)
            ok = number > 0 if name == "response" else 0 <= number <= 1
    except ValueError:
        ok = False
    if not ok:
        raise InputError(f"--vary {given or name}: bad value {value!r} ({PARAMETERS[name]})")


def check_roles(varied: list[tuple[str, list[str]]], rulebook: Rulebook) -> None:
    """Per-role parameters must name a role of the rulebook."""
    from drills.inputs.validation import suggest

    for name, _values in varied:
        role, dot, _kind = name.rpartition(".")
        if dot and role not in rulebook.roles:
            raise InputError(f"--vary {name}: rulebook {rulebook.name!r} has no role "
                             f"{role!r}{suggest(role, rulebook.roles)}; roles: "
                             f"{', '.join(rulebook.roles)}")


def combinations(varied: list[tuple[str, list[str]]]) -> list[tuple[tuple[str, str], ...]]:
    names = [name for name, _values in varied]
    return [tuple(zip(names, values, strict=True))
            for values in itertools.product(*(v for _n, v in varied))]


def apply(rulebook: Rulebook, team: Team, overrides: tuple[tuple[str, str], ...]
          ) -> tuple[Rulebook, Team]:
    """The rulebook and team with one combination of parameters applied."""
    check_roles([(name, [value]) for name, value in overrides], rulebook)
    for name, value in overrides:
        role, dot, kind = name.rpartition(".")
        if dot and kind == "ack_within":
            minutes = parse_duration(value)
            rulebook = replace(rulebook, roles={
                k: replace(r, ack_within=minutes) if k == role else r
                for k, r in rulebook.roles.items()})
        elif dot and kind == "response":
            factor = float(value)
            team = replace(team, members=tuple(
                replace(m, response=_scaled(m.response, factor) or m.response,
                        on_call_response=_scaled(m.on_call_response, factor))
                if role in m.roles else m for m in team.members))
        elif name == "ack_within":
            minutes = parse_duration(value)
            rulebook = replace(rulebook, roles={k: replace(r, ack_within=minutes)
                                                for k, r in rulebook.roles.items()})
        elif name == "on_call":
            wanted = int(value)
            order = [m for m in team.members if m.on_call is not NEVER] + \
                [m for m in team.members if m.on_call is NEVER]
            chosen = {m.name for m in order[:wanted]}
            team = replace(team, members=tuple(
                replace(m, on_call=ALWAYS if m.name in chosen else NEVER)
                for m in team.members))
        elif name == "response":
            factor = float(value)
            team = replace(team, members=tuple(
                replace(m, response=_scaled(m.response, factor) or m.response,
                        on_call_response=_scaled(m.on_call_response, factor))
                for m in team.members))
        else:
            team = replace(team, habits=replace(team.habits, **{name: float(value)}))
    return rulebook, team


def _scaled(r: ResponseTime | None, factor: float) -> ResponseTime | None:
    return None if r is None else ResponseTime(r.median * factor, r.p90 * factor)


def sweep_job(job: Job) -> dict[str, bool | None]:
    """One drill of a sweep: which outcomes it achieved (runs in a worker process)."""
    from drills.drive.batch import simulate
    from drills.score.score import score_log
    from drills.validate.sweep import loaded

    scenario, rulebook, team = loaded(job.scenario, job.rulebook, job.team)
    rulebook, team = apply(rulebook, team, job.overrides)
    records, _summary = simulate(scenario, rulebook, team, seed=job.seed, start=job.start,
                                 log_feed="none")
    return outcomes(score_log(records, rulebook, trusted=True))


def outcomes(score: dict[str, Any]) -> dict[str, bool | None]:
    """Which outcomes a drill achieved; None where one does not apply (nothing asked)."""
    holding = [o for o in score["obligations"] if o["action"] == "holding_statement"
               and o["status"] != "cancelled"]
    first = holding[0] if holding else None
    needing = [o for o in score["obligations"] if o["approvals"]]
    return {
        "holding_statement_within_1h": None if first is None else
        first["done"] is not None and first["done"] - first["created"] <= 60 + 1e-9,
        "holding_statement_on_time": None if first is None else first["status"] == "met",
        "approved": all(state == "approved" for o in needing
                        for state in o["approvals"].values()),
        "no_missed": all(o["status"] != "missed" for o in score["obligations"]),
        "calmed": all(e["calm_after"] is not None
                      for e in score["outcome"]["time_to_calm"]),
        "no_violations": not score["violations"],
    }


def wilson(successes: int, n: int) -> list[float]:
    """The 95% Wilson score interval of a proportion (SciPy)."""
    from scipy.stats import binomtest

    interval = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return [round(float(interval.low), 4), round(float(interval.high), 4)]


def sweep_report(rows: list[tuple[tuple[tuple[str, str], ...],
                                  list[dict[str, bool | None]]]]) -> dict[str, Any]:
    """The sweep document: per combination, each outcome's probability and interval, over
    the drills where the outcome applied (``n``)."""
    combos = []
    for overrides, results in rows:
        combo: dict[str, Any] = {"parameters": dict(overrides), "drills": len(results),
                                 "outcomes": {}}
        for outcome in OUTCOMES:
            applied = [r[outcome] for r in results if r[outcome] is not None]
            n, k = len(applied), sum(1 for v in applied if v)
            combo["outcomes"][outcome] = {"p": round(k / n, 4) if n else None,
                                          "ci": wilson(k, n) if n else None, "k": k, "n": n}
        combos.append(combo)
    return {"combinations": combos, "outcomes": OUTCOMES, "notes": _no_effect(rows),
            "differences": _differences(rows)}


def _differences(rows: list[tuple[tuple[tuple[str, str], ...],
                                  list[dict[str, bool | None]]]]) -> list[dict[str, Any]]:
    """Each combination against the first, drill by drill: every combination ran the same
    seeds, so the difference of two probabilities is a mean of paired differences, with a
    95% t-interval, over the drills where the outcome applied in both (``n``)."""
    from drills.validate.decision import Summary, interval

    if len(rows) < 2:
        return []
    _first, base = rows[0]
    result = []
    for overrides, results in rows[1:]:
        outcomes: dict[str, Any] = {}
        for outcome in OUTCOMES:
            summary = Summary()
            for a, b in zip(base, results, strict=True):
                if a[outcome] is not None and b[outcome] is not None:
                    summary.add(float(bool(b[outcome])) - float(bool(a[outcome])))
            low, high = interval(summary) if summary.n else (0.0, 0.0)
            outcomes[outcome] = {"delta": round(summary.mean, 4) if summary.n else None,
                                 "ci": [round(low, 4), round(high, 4)] if summary.n else None,
                                 "n": summary.n}
        result.append({"parameters": dict(overrides), "outcomes": outcomes})
    return result


def _no_effect(rows: list[tuple[tuple[tuple[str, str], ...],
                                list[dict[str, bool | None]]]]) -> list[str]:
    """A note for each parameter whose values changed no outcome of any drill."""
    if not rows or len(rows) < 2:
        return []
    notes = []
    for index, (name, _value) in enumerate(rows[0][0]):
        groups: dict[tuple[tuple[str, str], ...], list[list[dict[str, bool | None]]]] = {}
        for overrides, results in rows:
            others = overrides[:index] + overrides[index + 1:]
            groups.setdefault(others, []).append(results)
        if all(len(g) > 1 for g in groups.values()) and \
                all(all(r == g[0] for r in g) for g in groups.values()):
            values = ", ".join(dict.fromkeys(o[index][1] for o, _r in rows))
            notes.append(f"{name}: {values} gave the same outcome in every drill; this "
                         "parameter changed nothing here")
    return notes
