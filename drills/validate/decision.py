"""One decision rule for ``drill compare``: a verdict per metric, stated in the output.

Each metric's paired differences (new - old, turned so that positive is worse) get three
one-sided t-tests against its practical margin ``m`` (SciPy):

- **worse**: the mean difference is above ``+m`` (credibly worse by more than the margin);
- **better**: the mean difference is below ``-m``;
- **equivalent**: both below ``+m`` and above ``-m`` (two one-sided tests, TOST);
- otherwise **inconclusive**: more drills would tell.

The p-values of each claim are Holm-adjusted across the *primary* metrics (the ones a gate
checks), and a claim holds when its adjusted p is below ``ALPHA``. Secondary metrics get the
same tests without adjustment, and never gate. A difference smaller than its margin is never
"worse", however many drills show it: that is what the margin is for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from drills.errors import InputError
from drills.inputs.durations import parse_duration
from drills.validate.metrics import INDEPENDENT, METRICS

#: The level of every claim, after Holm's adjustment across the primary metrics.
ALPHA = 0.05
VERDICTS = ("worse", "better", "equivalent", "inconclusive")

#: Units, for tables and for reading ``--margin`` values.
UNITS: dict[str, str] = {
    "time_to_first_statement": "min", "time_to_calm": "min", "statements": "per drill",
    "stale_share": "share", "negative_reach": "people", "peak_mentions": "per hour",
    "violations": "per drill", "alert_load": "per drill", "score": "points",
    "timeliness": "points", "adherence": "points", "conduct": "points",
    "missed": "per drill", "late": "per drill",
}

#: Default practical margins: absolute in the metric's unit, or ``"5%"`` of OLD's mean.
#: Why each (docs/validate.md says the same):
MARGINS: dict[str, str] = {
    # The golden-hour practice counts first facts in quarter-hours.
    "time_to_first_statement": "15m",
    # One statement more or fewer in every other drill.
    "statements": "0.5",
    # Five percentage points of the hours the public is hot.
    "stale_share": "0.05",
    # Reach is heavy-tailed: one influencer repost moves it by a few percent.
    "negative_reach": "5%",
    "peak_mentions": "5%",
    # Half an hour on a crisis that stays hot for most of a day (mean ~19 h).
    "time_to_calm": "30m",
    # One more forbidden act in every fourth drill.
    "violations": "0.25",
    # Secondary: relative to each rulebook, or cost.
    "alert_load": "10%",
    "score": "2", "timeliness": "2", "adherence": "2", "conduct": "5",
    "missed": "0.25", "late": "0.5",
}
_MINUTES = {"time_to_first_statement", "time_to_calm"}


@dataclass(frozen=True)
class Margin:
    """A practical margin: ``value`` in the metric's unit, or a share of OLD's mean."""

    value: float
    relative: bool = False

    def of(self, old_mean: float) -> float:
        return self.value * abs(old_mean) if self.relative else self.value

    def text(self) -> str:
        return f"{self.value * 100:g}%" if self.relative else f"{self.value:g}"


def parse_margin(name: str, text: str) -> Margin:
    """``10m`` (a time metric), ``5%`` (of OLD's mean) or a number in the metric's unit."""
    text = text.strip()
    try:
        if text.endswith("%"):
            value, relative = float(text[:-1]) / 100, True
        elif name in _MINUTES:
            value, relative = parse_duration(text), False
        else:
            value, relative = float(text), False
    except ValueError:
        unit = "a duration like 10m" if name in _MINUTES else f"a number ({UNITS[name]})"
        raise InputError(f"--margin {name}={text}: write {unit}, or a percentage of OLD's "
                         "mean like 5%") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"--margin {name}={text}: a margin is 0 or more")
    return Margin(value, relative)


def margins(overrides: dict[str, str] | None = None) -> dict[str, Margin]:
    """The default margins with ``--margin NAME=VALUE`` overrides, checked."""
    chosen = dict(MARGINS)
    for name, text in (overrides or {}).items():
        if name not in METRICS:
            raise InputError(f"--margin: unknown metric {name!r}; metrics: "
                             f"{', '.join(METRICS)}")
        chosen[name] = text
    return {name: parse_margin(name, text) for name, text in chosen.items()}


def parse_margin_options(options: tuple[str, ...]) -> dict[str, str]:
    """``--margin NAME=VALUE`` options as a dict (checked by :func:`margins`)."""
    result = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(f"--margin {option!r}: write METRIC=VALUE, like "
                             "time_to_first_statement=10m")
        result[name.strip()] = value.strip()
    return result


def primary_metrics(names: str | None) -> tuple[str, ...]:
    """The declared primary set: ``None`` means the rulebook-independent metrics."""
    if names is None:
        return INDEPENDENT
    chosen = tuple(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    if not chosen:
        raise InputError("--fail-if-worse: name at least one metric, or give the flag alone "
                         f"for the rulebook-independent ones ({', '.join(INDEPENDENT)})")
    unknown = [n for n in chosen if n not in METRICS]
    if unknown:
        raise InputError(f"--fail-if-worse: unknown metric {', '.join(unknown)}; "
                         f"metrics: {', '.join(METRICS)}")
    return chosen


@dataclass
class Summary:
    """Count, mean and spread of paired differences, added one at a time (Welford): what the
    t-tests need, in constant memory however many drills run."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    low: float = math.inf
    high: float = -math.inf

    def add(self, value: float) -> None:
        self.n += 1
        step = value - self.mean
        self.mean += step / self.n
        self.m2 += step * (value - self.mean)
        self.low, self.high = min(self.low, value), max(self.high, value)

    @classmethod
    def of(cls, values: list[float]) -> Summary:
        summary = cls()
        for value in values:
            summary.add(value)
        return summary

    @property
    def spread(self) -> bool:
        return self.n >= 2 and self.high > self.low

    @property
    def sem(self) -> float:
        """The standard error of the mean."""
        return math.sqrt(self.m2 / (self.n - 1) / self.n)


def _one_sided(summary: Summary, sign: float, margin: float) -> dict[str, float]:
    """Raw p-values of the three claims, differences turned by ``sign`` so positive is
    worse: one-sided one-sample t-tests against +margin and -margin."""
    from scipy import stats

    mean = sign * summary.mean
    if not summary.spread or summary.sem == 0:  # no spread: the mean is the whole truth
        return {"worse": 0.0 if mean > margin else 1.0,
                "better": 0.0 if mean < -margin else 1.0,
                "equivalent": 0.0 if -margin < mean < margin else 1.0}
    t = stats.t(summary.n - 1)
    above = float(t.sf((mean - margin) / summary.sem))    # H1: mean > +margin
    below = float(t.cdf((mean + margin) / summary.sem))   # H1: mean < -margin
    under = float(t.cdf((mean - margin) / summary.sem))   # H1: mean < +margin
    over = float(t.sf((mean + margin) / summary.sem))     # H1: mean > -margin
    return {"worse": above, "better": below, "equivalent": max(under, over)}


def holm(pvalues: dict[str, float]) -> dict[str, float]:
    """Holm's step-down adjustment: controls the chance of any false claim in the family."""
    order = sorted(pvalues, key=lambda k: (pvalues[k], k))
    adjusted: dict[str, float] = {}
    running = 0.0
    for rank, name in enumerate(order):
        running = max(running, min(1.0, (len(order) - rank) * pvalues[name]))
        adjusted[name] = running
    return adjusted


def interval(summary: Summary) -> list[float]:
    """The 95% t-interval of the mean paired difference (the value itself without spread)."""
    from scipy import stats

    if not summary.spread:
        return [summary.mean, summary.mean]
    half = float(stats.t.ppf(0.975, summary.n - 1)) * summary.sem
    return [summary.mean - half, summary.mean + half]


def decide(deltas: dict[str, Summary], old_means: dict[str, float],
           primary: tuple[str, ...], chosen: dict[str, Margin]) -> dict[str, dict[str, Any]]:
    """Per metric: its margin, adjusted p-values of each claim, and the verdict."""
    raw: dict[str, dict[str, float]] = {}
    limit: dict[str, float] = {}
    for name, summary in deltas.items():
        limit[name] = chosen[name].of(old_means[name])
        raw[name] = _one_sided(summary, 1.0 if METRICS[name][1] else -1.0, limit[name])
    adjusted = {name: dict(p) for name, p in raw.items()}
    for claim in ("worse", "better", "equivalent"):
        family = holm({n: raw[n][claim] for n in primary if n in raw})
        for name, value in family.items():
            adjusted[name][claim] = value
    result = {}
    for name, ps in adjusted.items():
        verdict = next((c for c in ("worse", "better", "equivalent") if ps[c] < ALPHA),
                       "inconclusive")
        result[name] = {"margin": round(limit[name], 4), "margin_given": chosen[name].text(),
                        "p": {k: round(v, 6) for k, v in ps.items()}, "verdict": verdict,
                        "primary": name in primary}
    return result


def rule_text(primary: tuple[str, ...]) -> str:
    """The decision rule in one sentence, for every output form."""
    return (f"Verdicts: worse or better when the mean paired difference lies beyond the "
            f"metric's margin, equivalent when it lies within it (two one-sided t-tests), "
            f"each at {ALPHA:g} after Holm's correction across the {len(primary)} primary "
            f"metrics ({', '.join(primary)}); otherwise inconclusive.")
