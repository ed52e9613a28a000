"""What a person is told before a drill starts: the crisis, their role, what the rulebook
expects of that role in words, and how time moves.

A trainee who has never read the rulebook should know from the briefing alone what
``notify``, ``route`` or ``brief`` asks of them, and that a page they do not answer goes
to a simulated backup. Every front end shows the same lines (``--plain`` and the terminal UI).
"""

from __future__ import annotations

import re

from drills.drive.session import LiveSession
from drills.feed.describe import fill_known

#: What each action means, in words a trainee reads once before the drill.
ACTION_MEANING: dict[str, str] = {
    "acknowledge": "say you have seen the page and own it ('ack')",
    "notify": "tell the next person up the chain (internal, no text needed)",
    "route": "hand a message (a journalist, a letter) to the role that answers it",
    "approve": "read a colleague's draft and let it go out",
    "brief": "brief a colleague or executive on the situation (internal)",
    "holding_statement": "a first public statement: we know, we take it seriously, next "
                         "update by a time",
    "update": "a public update on what is new, on the rhythm you promised",
    "apology": "a public apology: take responsibility, say what you do about it",
    "statement": "a full public statement",
    "correct_misinformation": "correct a false claim in public, with the facts",
    "reply": "answer one post or comment in public ('act reply on e812 : ...')",
    "move_private": "take a complaint to private messages",
    "compensation_offer": "offer compensation (privately, not in the comments)",
    "delete_comment": "delete a comment (forbidden unless it breaks the rules)",
    "argue": "argue with the public (forbidden)",
    "deny": "deny in public",
}

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")


def situation(text: str, sentences: int = 2) -> str:
    """The first ``sentences`` sentences of a description, on one line."""
    parts = _SENTENCE.split(" ".join(text.split()))
    return " ".join(parts[:sentences])


def briefing(session: LiveSession, name: str, roles: tuple[str, ...]) -> list[str]:
    """The briefing lines for ``name`` playing ``roles`` in the session's drill."""
    live = session.live
    world = live.world
    scenario, book = world.scenario, world.rulebook
    constants = world.crisis.feed.constants
    brand = constants.get("brand", "")
    lines = [f"BRIEFING: {scenario.title}" + (f" ({brand})" if brand else ""),
             f"It is {live.clock()}; the drill ends {live.clock(live.end)}."]
    if scenario.description:
        lines.append("The situation: " + situation(fill_known(scenario.description, constants)))
    for role in roles:
        spec = book.roles.get(role)
        backup = f"; a page you do not acknowledge within {spec.ack_within:g} min goes to " \
                 f"{spec.backup}" if spec is not None and spec.backup else ""
        lines.append(f"You are {name}, {role}{backup}.")
        asked: dict[str, list[str]] = {}
        for rule in book.rules:
            if not rule.enabled:
                continue
            for ob in rule.require:
                if ob.role == role:
                    asked.setdefault(ob.action, []).append(rule.id)
        approvals = sorted({rule.id for rule in book.rules for ob in rule.require
                            if role in ob.approve})
        if not asked and not approvals:
            lines.append("  The rulebook asks nothing of this role directly: watch, and act "
                         "where you can help.")
        for action, rules in asked.items():
            meaning = ACTION_MEANING.get(action, action.replace("_", " "))
            lines.append(f"  {action}: {meaning} (rules {', '.join(dict.fromkeys(rules))})")
        if approvals:
            lines.append(f"  approve: {ACTION_MEANING['approve']} (rules "
                         f"{', '.join(approvals)})")
    if session.speed == 0:
        lines.append("Time: the clock stands still until you 'wait' (wait 10m, wait 1h); "
                     "a wait stops early for a page and when your work falls due.")
    else:
        lines.append(f"Time: {session.speed:g} simulated seconds pass each second "
                     f"(an hour takes {60 / session.speed:.3g} min); 'pause', 'speed X' "
                     "and 'wait' change it.")
    lines.append("'help' lists the commands; 'inbox' shows what waits for you; 'show ID' "
                 "prints one post whole.")
    return lines
