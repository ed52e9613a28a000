"""How the crowd reacts to what the team does: default effects and crowd modifiers.

Defaults follow Herhausen et al. (Journal of Marketing 2019, 472,995 negative posts in 89
brand communities): empathetic replies, apology and moving a complainant to a private
channel damp virality; offering compensation in public fuels it; arguing and deleting
inflame. Silence lets the story grow (Lithium/Millward Brown 2013: 60% of people take
negative action after a slow reply). Magnitudes are our calibration, not the paper's
coefficients; a scenario may override any of them under ``effects:``.
"""

from __future__ import annotations

from dataclasses import dataclass

from drills.feed.scenario import Effect

DEFAULT_EFFECTS: dict[str, Effect] = {
    "holding_statement": Effect(rate=0.85, negative=-0.05, arousal=-0.05),
    "update": Effect(rate=0.92, negative=-0.02),
    "statement": Effect(rate=0.9, negative=-0.03),
    "apology": Effect(rate=0.7, negative=-0.15, arousal=-0.1),
    "reply": Effect(rate=0.97, arousal=-0.03, duration=120),
    "move_private": Effect(rate=0.95, arousal=-0.05, duration=120),
    "correct_misinformation": Effect(rate=0.95, misinformation=0.4),
    "compensation_offer": Effect(rate=1.15, negative=0.03),
    "delete_comment": Effect(rate=1.4, negative=0.1, arousal=0.15),
    "argue": Effect(rate=1.35, negative=0.1, arousal=0.2),
    "deny": Effect(rate=1.1, negative=0.05),
    "silence": Effect(rate=1.25, negative=0.05, duration=360, after=120),
}

RATE_FLOOR, RATE_CEILING = 0.1, 3.0


@dataclass(frozen=True)
class CrowdModifier:
    """A time-stamped change to how the crowd behaves, from ``start`` until ``end``.

    ``rate`` multiplies background volume and virality (branching); ``negative`` and
    ``arousal`` shift the shares; ``misinformation`` multiplies the misinformation share.
    """

    start: float
    end: float
    rate: float = 1.0
    negative: float = 0.0
    arousal: float = 0.0
    misinformation: float = 1.0
    cause: str = ""

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"crowd modifier rate must be positive, got {self.rate}")
        if self.end < self.start:
            raise ValueError(f"crowd modifier ends ({self.end}) before it starts ({self.start})")


def modifier_for(action: str, effect: Effect, t: float) -> CrowdModifier:
    return CrowdModifier(t, t + effect.duration, effect.rate, effect.negative, effect.arousal,
                         effect.misinformation, action)


@dataclass(frozen=True)
class Mood:
    """The combined effect of every modifier active at one moment."""

    rate: float = 1.0
    negative: float = 0.0
    arousal: float = 0.0
    misinformation: float = 1.0


NEUTRAL_MOOD = Mood()


def combine(modifiers: list[CrowdModifier], t: float) -> Mood:
    """Rates multiply (bounded to 0.1..3), shifts add."""
    rate, negative, arousal, misinfo = 1.0, 0.0, 0.0, 1.0
    any_active = False
    for mod in modifiers:
        if mod.start <= t < mod.end:
            any_active = True
            rate *= mod.rate
            negative += mod.negative
            arousal += mod.arousal
            misinfo *= mod.misinformation
    if not any_active:
        return NEUTRAL_MOOD
    return Mood(min(RATE_CEILING, max(RATE_FLOOR, rate)), negative, arousal, misinfo)
