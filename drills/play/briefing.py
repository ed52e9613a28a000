"""What a person is told before a drill starts: the crisis, their role, what the rulebook
expects of that role in words, and how time moves.

A trainee who has never read the rulebook should know from the briefing alone what
``notify``, ``route`` or ``brief`` asks of them, and that a page they do not answer goes
to a simulated backup. Every front end shows the same lines (``--plain`` and the terminal UI).
"""

from __future__ import annotations

import re
from functools import partial

from drills.drive.session import LiveSession
from drills.feed.describe import fill_known
from drills.i18n.catalogue import N_, t
from drills.i18n.formats import week_time
from drills.i18n.names import display_name

#: What each action means, in words a trainee reads once before the drill.
ACTION_MEANING: dict[str, str] = {
    "acknowledge": N_("say you have seen the page and own it ('ack')"),
    "notify": N_("tell the next person up the chain (internal, no text needed)"),
    "route": N_("hand a message (a journalist, a letter) to the role that answers it"),
    "approve": N_("read a colleague's draft and let it go out"),
    "brief": N_("brief a colleague or executive on the situation (internal)"),
    "holding_statement": N_("a first public statement: we know, we take it seriously, next "
                         "update by a time"),
    "update": N_("a public update on what is new, on the rhythm you promised"),
    "apology": N_("a public apology: take responsibility, say what you do about it"),
    "statement": N_("a full public statement"),
    "correct_misinformation": N_("correct a false claim in public, with the facts"),
    "reply": N_("answer one post or comment in public ('act reply on e812 : ...')"),
    "move_private": N_("take a complaint to private messages"),
    "compensation_offer": N_("offer compensation (privately, not in the comments)"),
    "delete_comment": N_("delete a comment (forbidden unless it breaks the rules)"),
    "argue": N_("argue with the public (forbidden)"),
    "deny": N_("deny in public"),
}

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")


def situation(text: str, sentences: int = 2) -> str:
    """The first ``sentences`` sentences of a description, on one line."""
    parts = _SENTENCE.split(" ".join(text.split()))
    return " ".join(parts[:sentences])


def briefing(session: LiveSession, name: str, roles: tuple[str, ...],
             lang: str | None = None) -> list[str]:
    """The briefing lines for ``name`` playing ``roles`` in the session's drill."""
    live = session.live
    world = live.world
    scenario, book = world.scenario, world.rulebook
    constants = world.crisis.feed.constants
    brand = constants.get("brand", "")
    lang = lang or world.lang
    w = partial(t, lang)
    names = book.role_names()

    def shown(role: str | None) -> str:
        return str(role) if lang == "en" else display_name(str(role), lang, names)

    lines = [w("BRIEFING: {title}", title=scenario.title) + (f" ({brand})" if brand else ""),
             w("It is {now}; the drill ends {end}.", now=week_time(live.clock(), lang),
               end=week_time(live.clock(live.end), lang))]
    if scenario.description:
        lines.append(w("The situation: {text}", text=situation(
            fill_known(scenario.description, constants))))
    for role in roles:
        spec = book.roles.get(role)
        backup = w("; a page you do not acknowledge within {minutes} min goes to {backup}",
                   minutes=f"{spec.ack_within:g}", backup=shown(spec.backup)) \
            if spec is not None and spec.backup else ""
        lines.append(w("You are {name}, {role}{backup}.", name=name, role=shown(role),
                       backup=backup))
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
            lines.append(w("  The rulebook asks nothing of this role directly: watch, and "
                           "act where you can help."))
        for action, rules in asked.items():
            meaning = t(lang, ACTION_MEANING[action]) if action in ACTION_MEANING else \
                action.replace("_", " ")
            lines.append(w("  {action}: {meaning} (rules {rules})", action=action,
                           meaning=meaning, rules=", ".join(dict.fromkeys(rules))))
        if approvals:
            lines.append(w("  {action}: {meaning} (rules {rules})", action="approve",
                           meaning=t(lang, ACTION_MEANING["approve"]),
                           rules=", ".join(approvals)))
    if session.speed == 0:
        lines.append(w("Time: the clock stands still until you 'wait' (wait 10m, wait 1h); "
                       "a wait stops early for a page and when your work falls due."))
    else:
        lines.append(w("Time: {speed} simulated seconds pass each second (an hour takes "
                       "{minutes} min); 'pause', 'speed X' and 'wait' change it.",
                       speed=f"{session.speed:g}", minutes=f"{60 / session.speed:.3g}"))
    lines.append(w("'help' lists the commands; 'inbox' shows what waits for you; 'show ID' "
                   "prints one post whole."))
    return lines
