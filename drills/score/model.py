"""The scorer's records: an obligation as the log tells it, and the conduct penalties."""

from __future__ import annotations

from dataclasses import dataclass, field

VIOLATION_PENALTY = 15.0
MISFIT_PENALTY = 10.0
MIXED_DENY_PENALTY = 20.0
#: Conduct points lost by a statement that reached none of its required channels (scaled by
#: the share it missed).
CHANNEL_PENALTY = 10.0
def clock(start_week_minute: float, t: float) -> str:
    from drills.team.clock import format_start

    return format_start(start_week_minute + t)


@dataclass
class ScoredObligation:
    id: str
    rule: str
    action: str
    role: str
    created: float
    due: float
    instance: int
    line: int
    approve: list[str]
    channels: list[str]
    done: float | None = None
    by: str | None = None
    acting_role: str | None = None
    approvals: dict[str, str] = field(default_factory=dict)
    #: Why an approval was not given, as the log says (slow, absent, skipped).
    approval_reasons: dict[str, str] = field(default_factory=dict)
    #: Drafting rounds a person read (0: no draft was asked of a person), the rejections
    #: ("legal: comment"), and who published without whom ("Ann skipped legal: ...").
    rounds: int = 0
    rejections: list[str] = field(default_factory=list)
    skipped_by: list[str] = field(default_factory=list)
    published: list[str] | None = None
    reasons: list[str] = field(default_factory=list)
    escalations: int = 0
    skipped: bool = False
    done_line: int | None = None
    weight: float = 1.0
    #: Not done, and not yet due when the drill ended: not counted against the team.
    open_at_end: bool = False
    #: The crisis calmed before it was done: no longer asked for, not counted.
    cancelled: bool = False

    @property
    def status(self) -> str:
        if self.done is None:
            return "cancelled" if self.cancelled else "open" if self.open_at_end else "missed"
        return "met" if self.done <= self.due + 1e-9 else "late"


def missing_share(ob: ScoredObligation) -> float:
    """Share of its required channels a done statement did not reach."""
    if not ob.channels or ob.done is None:
        return 0.0
    return len(set(ob.channels) - set(ob.published or [])) / len(ob.channels)
