"""A scenario, a rulebook and a team checked together (``drill check``), and role mapping.

Each file can be valid on its own and still make a poor drill together: a team whose role
names differ from the rulebook's, a scripted press inquiry no rule answers, nobody working
the comments, an approver nobody can reach at the hour the drill starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from drills.engine.compile import required_event_kinds
from drills.errors import InputError
from drills.feed.scenario import Inject, Scenario
from drills.rulebook import ast
from drills.rulebook.evaluate import holds
from drills.rulebook.model import Rulebook
from drills.team.clock import format_start
from drills.team.model import Team

_PAIR = re.compile(r"^\s*([a-z0-9][a-z0-9_-]*)\s*=\s*([a-z0-9][a-z0-9_-]*)\s*$")


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def parse_role_map(text: str) -> dict[str, str]:
    """``comms_lead=kommunikationschef,legal=jurist`` → {team role: rulebook role}."""
    mapping: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        match = _PAIR.match(part)
        if match is None:
            raise InputError(f"--map-roles: {part.strip()!r} is not TEAM_ROLE=RULEBOOK_ROLE "
                             "(like comms_lead=kommunikationschef)")
        mapping[match[1]] = match[2]
    return mapping


def map_roles(team: Team, mapping: dict[str, str], rulebook: Rulebook) -> Team:
    """``team`` with its members' roles renamed to the rulebook's."""
    unknown = sorted(set(mapping.values()) - set(rulebook.roles))
    if unknown:
        raise InputError(f"--map-roles: rulebook {rulebook.name!r} has no role "
                         f"{', '.join(unknown)}; its roles: {', '.join(sorted(rulebook.roles))}")
    unused = sorted(set(mapping) - team.roles)
    if unused:
        raise InputError(f"--map-roles: team {team.name!r} has no role {', '.join(unused)}; "
                         f"its roles: {', '.join(sorted(team.roles))}")
    members = tuple(replace(m, roles=tuple(dict.fromkeys(mapping.get(r, r) for r in m.roles)))
                    for m in team.members)
    return replace(team, members=members)


def missing_roles(team: Team, rulebook: Rulebook) -> list[str]:
    """Roles the team's members hold that the rulebook does not define."""
    return sorted(team.roles - set(rulebook.roles))


def role_mismatch(team: Team, rulebook: Rulebook) -> str | None:
    """One short sentence when the team's roles are not the rulebook's, else None."""
    missing = missing_roles(team, rulebook)
    if not missing:
        return None
    free = sorted(set(rulebook.roles) - team.roles)
    example = ",".join(f"{a}={b}" for a, b in zip(missing, free, strict=False)) or \
        f"{missing[0]}=ROLE"
    return (f"team {team.name!r} has roles rulebook {rulebook.name!r} lacks: "
            f"{', '.join(missing)}; map them with --map-roles {example}")


def _answers(condition: ast.Node, inject: Inject) -> bool:
    """A rule answers an inject if it is written for that kind, or holds on what the inject
    says of itself (a rule about followers in general does not count for a press call)."""
    kinds = required_event_kinds(condition)
    if kinds is not None:
        return inject.kind in kinds
    event = {"kind": inject.kind, "platform": inject.platform, "author": dict(inject.author),
             "sentiment": inject.sentiment, "outlet": inject.outlet, "claim": inject.claim,
             "reach": inject.reach}
    return holds(condition, {"event": {k: v for k, v in event.items() if v is not None}})


def check_combination(scenario: Scenario, rulebook: Rulebook, team: Team,
                      start: float) -> list[Finding]:
    """What makes this scenario, rulebook and team a poor drill together, worst first."""
    findings: list[Finding] = []
    mismatch = role_mismatch(team, rulebook)
    if mismatch:
        findings.append(Finding("error", mismatch))
    event_rules = [r for r in rulebook.enabled_rules if r.trigger == "event"]
    for inject in scenario.injects:
        if inject.kind in {i.kind for i in scenario.injects[:scenario.injects.index(inject)]}:
            continue
        if not any(_answers(rule.condition, inject) for rule in event_rules):
            findings.append(Finding("warning", f"the scenario's {inject.kind} injects match no "
                                    f"rule of {rulebook.name!r}: nobody is asked to act on "
                                    "them"))
    comment_roles = rulebook.comment_roles
    if not comment_roles:
        findings.append(Finding("warning", f"no role of {rulebook.name!r} works the comments "
                                "(works_comments: true)"))
    elif not any(team.holders(role) for role in comment_roles):
        findings.append(Finding("warning", f"nobody in team {team.name!r} holds "
                                f"{' or '.join(comment_roles)}: nobody works the comments"))
    approvers = sorted({a for r in rulebook.enabled_rules for o in r.require for a in o.approve})
    for role in approvers:
        holders = team.holders(role)
        if not holders:
            findings.append(Finding("warning", f"nobody in team {team.name!r} holds {role}, "
                                    "who must approve: statements will go out unapproved"))
        elif not any(m.available(start) for m in holders):
            findings.append(Finding("warning", f"no {role} is on shift or on call at "
                                    f"{format_start(start)}: approvals wait until "
                                    "one comes on"))
    for role in sorted({o.role for r in rulebook.enabled_rules for o in r.require}):
        chain: list[str] = []
        current: str | None = role
        while current is not None and current not in chain:
            chain.append(current)
            spec = rulebook.roles.get(current)
            current = spec.backup if spec else None
        if not any(team.holders(r) for r in chain):
            findings.append(Finding("warning", f"nobody in team {team.name!r} holds {role} or "
                                    "its backups: its obligations will be missed"))
    return findings
