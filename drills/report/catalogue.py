"""The report's words: English messages, said in the report's language through the one
catalogue of the project (drills/i18n: ``drills/i18n/locale/LANG/LC_MESSAGES/drills.po``).

Keys are ours (never from a log); a message is the English text (``N_`` marks it for the
catalogue), filled with values that the renderer escapes afterwards. Numbers in the values are
written as the language writes them (``70,4`` and ``1 349`` in Swedish).
"""

from __future__ import annotations

import string
from typing import Any

from drills.i18n.catalogue import N_, has_catalogue, translations
from drills.i18n.formats import count, decimal
from drills.i18n.names import display_name
from drills.team.clock import SWEDISH_DAYS

MESSAGES: dict[str, str] = {
    "title": N_("After-action report and improvement plan"),
    "subtitle": N_("{scenario}: exercise of {start}"),
    "overview": N_("Exercise overview"),
    "scenario": N_("Scenario"),
    "cluster": N_("SCCT crisis cluster"),
    "rulebook": N_("Rulebook"),
    "rulebook_version": N_("{name}, version {version}"),
    "team": N_("Team"),
    "start": N_("Start"),
    "duration": N_("Duration"),
    "hours": N_("{hours:g} h"),
    "seed": N_("Seed"),
    "people": N_("People who took part"),
    "people_none": N_("none (a simulated team)"),
    "score": N_("Score"),
    "score_value": N_("{score:.1f} / 100, rating {rating} ({meaning})"),
    "not_rated": N_("not rated: the drill ended before anything was asked of the team"),
    "subscores": N_("timeliness {timeliness:.1f}, adherence {adherence:.1f}, conduct "
                    "{conduct:.1f}"),
    "outcome": N_("Outcome"),
    "outcome_value": N_("peak {peak} mentions an hour; final severity {severity}; {calm}"),
    "calm_after": N_("calm after {hours:.1f} h"),
    "not_calm": N_("not calm by the end"),
    "no_escalation": N_("no escalation"),
    "timeline": N_("What happened"),
    "timeline_caption": N_("Mentions an hour and the negative share, severity as bands, "
                           "injects, press and influencer posts, the team's public statements "
                           "and violations as markers."),
    "obligations_chart": N_("Obligations"),
    "obligations_caption": N_("Every obligation from arising to done; the tick is its deadline. "
                              "Green met, orange late, red missed, grey open."),
    "capability": N_("Capability analysis"),
    "capability_intro": N_("Each rule is a capability the protocol asks for, rated P (performed "
                           "without challenges), S (some challenges), M (major challenges) or U "
                           "(unable to be performed)."),
    "rule": N_("Rule"),
    "rating": N_("Rating"),
    "strengths": N_("Strengths"),
    "improve_areas": N_("Areas for improvement"),
    "none": N_("none"),
    "met_at": N_("{what} met at {when} ({minutes} min)"),
    "late_at": N_("{what} {minutes} min late at {when} (log line {line})"),
    "missed_at": N_("{what} missed, due {when} (log line {line})"),
    "response_times": N_("Response times"),
    "response_caption": N_("Minutes from an obligation arising to done: median and 90th "
                           "percentile."),
    "by_action": N_("By action"),
    "by_role": N_("By role"),
    "action": N_("Action"),
    "role": N_("Role"),
    "count": N_("n"),
    "median": N_("median"),
    "p90": N_("90th percentile"),
    "max": N_("max"),
    "nothing_done": N_("Nothing was done."),
    "conduct": N_("Conduct"),
    "violations": N_("Violations"),
    "no_violations": N_("No violations."),
    "when": N_("When"),
    "who": N_("Who"),
    "why": N_("Why it matters"),
    "silence": N_("Silence while in crisis"),
    "no_silence": N_("No long silence while in crisis."),
    "silence_gap": N_("{start} to {end} ({hours:.1f} h)"),
    "channels": N_("Statements that missed channels"),
    "no_channel_gaps": N_("Every statement reached every channel asked for."),
    "channel_gap": N_("{what} at {when} missed {channels}"),
    "strategy": N_("Strategy fit (SCCT)"),
    "strategy_value": N_("Cluster {cluster}: expected {expected}; used {used}."),
    "strategy_misfits": N_("Did not fit: {misfits}."),
    "strategy_mixed": N_("Denial was mixed with diminish or rebuild statements."),
    "nothing_public": N_("nothing public"),
    "coaching": N_("Coaching on what people wrote"),
    "coaching_notes": N_("Coaching notes"),
    "person_kind": N_("Kind"),
    "person_text": N_("Text"),
    "no_coaching": N_("Nothing to note."),
    "plan": N_("Improvement plan"),
    "issue": N_("Issue"),
    "corrective": N_("Corrective action"),
    "element": N_("Capability element"),
    "responsible": N_("Responsible"),
    "target_date": N_("Target date"),
    "no_plan": N_("Nothing to improve: every obligation met, no violations."),
    "footer": N_("Made by crisis-drills {version} from the drill log ({records} records)."),
    "el_planning": N_("planning"),
    "el_organisation": N_("organisation"),
    "el_equipment": N_("equipment"),
    "el_training": N_("training"),
    "el_exercise": N_("exercise"),
    "plan_missed": N_("{what} was not done (due {when}, rule {rule}){more}"),
    "plan_late": N_("{what} came late ({minutes} min at worst, rule {rule}){more}"),
    "plan_more": N_("; {n} times"),
    "plan_missed_fix": N_("Staff {role} and its backups, or put them on call, at that hour."),
    "plan_late_fix": N_("Shorten the way to {role}: acknowledge pages faster, or agree a backup "
                        "that answers."),
    "plan_objective": N_("Objective {id} ({role}): {expected} — the facilitator judged it "
                         "{status}{comment}"),
    "plan_objective_fix": N_("Go through the message with {role} and rehearse the expected "
                             "response."),
    "plan_approval": N_("{what} went out without {approver}'s approval"),
    "plan_approval_fix": N_("Agree how fast {approver} answers in a crisis, or pre-approve "
                            "wording."),
    "plan_violation": N_("{who} did '{action}' ({rule})"),
    "plan_violation_fix": N_("Train the response guidelines: {reason}"),
    "plan_channels": N_("{what} missed {channels}"),
    "plan_channels_fix": N_("Publish every statement on every active channel, in the same words."),
    "plan_misfit": N_("'{action}' does not fit the crisis cluster's strategy"),
    "plan_misfit_fix": N_("Use the rulebook's strategies for this cluster."),
    "fig_mentions": N_("mentions an hour"),
    "fig_negative": N_("negative share"),
    "fig_hours": N_("drill time"),
    "fig_inject": N_("inject"),
    "fig_press": N_("press or regulator"),
    "fig_influencer": N_("influencer post"),
    "fig_statement": N_("public statement"),
    "fig_violation": N_("violation"),
    "fig_calm": N_("calm"),
    "fig_deadline": N_("deadline"),
    "fig_p50": N_("median"),
    "fig_p90": N_("90th percentile"),
    "fig_minutes": N_("minutes"),
    "fig_score": N_("score"),
    "status_met": N_("met"),
    "status_late": N_("late"),
    "status_missed": N_("missed"),
    "status_open": N_("open"),
    "status_cancelled": N_("cancelled"),
    "objectives": N_("Exercise objectives"),
    "objectives_intro": N_("What the exercise script expected of the players: {earned:g} of "
                           "{possible:g} points (met counts fully, partly half)."),
    "expected": N_("Expected"),
    "points": N_("Points"),
    "status": N_("Status"),
    "objective_met": N_("met"),
    "objective_partly": N_("partly"),
    "objective_missed": N_("missed"),
    "objective_unvalidated": N_("not validated"),
    "history": N_("Drill history"),
    "history_caption": N_("Scores of the stored drills over time, one line per team."),
    "date": N_("Date"),
    "person_title": N_("{name}'s own score ({roles})"),
    "person_score": N_("{score:.1f} / 100, rating {rating} ({meaning}): only what {name} did "
                       "and did not do; the team's outcome is above."),
    "person_not_rated": N_("Not rated: {meaning}."),
    "person_items": N_("Pages, obligations and approvals"),
    "person_asked": N_("Asked"),
    "person_outcome": N_("Outcome"),
    "person_minutes": N_("Minutes"),
    "person_words": N_("What {name} wrote"),
    "person_violations": N_("Own violations: {violations}"),
    "person_none": N_("none"),
    "baseline_title": N_("Compared with doing nothing"),
    "baseline_intro": N_("The same drill (seed, start, files, end) with nobody in the role: "
                         "every page goes to the simulated backup."),
    "baseline_before": N_("{name}'s statement went out at {yours}, {minutes} minutes before the "
                          "{action} {backup} would have made ({theirs})."),
    "baseline_after": N_("{name}'s statement went out at {yours}, {minutes} minutes after the "
                         "{action} {backup} would have made ({theirs})."),
    "baseline_same": N_("{name}'s statement went out at {yours}, the same minute as {backup}'s "
                        "would have."),
    "baseline_only": N_("{name}'s statement went out at {yours}; without them no statement "
                        "would have gone out."),
    "baseline_missing": N_("{name} made no statement; {backup} would have made a {action} at "
                           "{theirs}."),
    "baseline_neither": N_("No statement went out, with {name} or without."),
    "baseline_reach": N_("Negative reach {change} ({yours} against {theirs} without {name})."),
    "baseline_lower": N_("{pct:.0f}% lower"),
    "baseline_higher": N_("{pct:.0f}% higher"),
    "baseline_equal": N_("the same"),
}

#: Keys whose English word means something else elsewhere (``met``: an obligation in time,
#: an objective fulfilled): the catalogue says them in a context of their own.
_CONTEXT = {"objective_met": "objective", "objective_partly": "objective",
            "objective_missed": "objective", "objective_unvalidated": "objective"}

#: What an action is, said as a short phrase.
ACTION_WORDS: dict[str, str] = {
    "acknowledge": N_("acknowledging"),
    "notify": N_("telling"),
    "route": N_("routing"),
    "approve": N_("approving"),
    "brief": N_("briefing"),
    "holding_statement": N_("holding statement"),
    "update": N_("update"),
    "statement": N_("statement"),
    "apology": N_("apology"),
    "correct_misinformation": N_("correcting misinformation"),
    "reply": N_("reply"),
    "move_private": N_("moving to a private channel"),
    "compensation_offer": N_("compensation offer"),
    "delete_comment": N_("deleting a comment"),
    "argue": N_("arguing"),
    "deny": N_("denial"),
}

RATING_MEANINGS: dict[str, str] = {
    "P": N_("performed without challenges"),
    "S": N_("performed with some challenges"),
    "M": N_("performed with major challenges"),
    "U": N_("unable to be performed"),
}


def language_of(header: dict[str, Any]) -> str:
    """The report's language for a drill: its locale (``sv_SE`` -> ``sv``) when there is a
    catalogue for it, else English; for a hand-written log without one, the language its
    start is written in (``tis 09:00``)."""
    locale = header.get("locale")
    if isinstance(locale, str) and locale:
        code = locale.split("_")[0].lower()
        return code if has_catalogue(code) else "en"
    start = header.get("start")
    if isinstance(start, str) and start.strip().lower().startswith(SWEDISH_DAYS):
        return "sv"
    return "en"


class _Numbers(string.Formatter):
    """``str.format`` whose numbers follow the language: ``{score:.1f}`` gives ``70,4`` in
    Swedish and ``70.4`` in English (English: exactly ``str.format``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if self.lang == "en" or isinstance(value, bool) or not isinstance(value, (int, float)):
            return super().format_field(value, format_spec)
        if format_spec.endswith("f"):
            digits = int(format_spec.lstrip(".,").rstrip("f") or 6)
            return decimal(float(value), self.lang, digits)
        if format_spec == "g":
            whole = float(value).is_integer()
            return count(int(value), self.lang) if whole else decimal(float(value), self.lang)
        if format_spec == ",":
            return count(int(value), self.lang)
        return super().format_field(value, format_spec)


class Words:
    """The report's messages in one language (English where there is no catalogue)."""

    def __init__(self, lang: str) -> None:
        code = lang.split("_")[0].lower()
        self.lang = code if has_catalogue(code) else "en"
        self._catalogue = translations(self.lang)
        self._numbers = _Numbers(self.lang)
        #: Rule reasons as the log records them -> as this language says them (the report
        #: fills it from the rulebook: ``Forbid.reason_in``).
        self.reasons: dict[str, str] = {}

    def __call__(self, key: str, **values: Any) -> str:
        english = MESSAGES[key]
        context = _CONTEXT.get(key)
        text = self._catalogue.pgettext(context, english) if context else \
            self._catalogue.gettext(english)
        return self._numbers.format(text, **values)

    def number(self, value: float, digits: int = 1) -> str:
        """A number as the language writes it (``70.4`` / ``70,4``)."""
        return f"{value:.{digits}f}" if self.lang == "en" else decimal(value, self.lang, digits)

    def reason(self, reason: Any) -> str:
        """A rule's reason (as the log records it) in the report's language."""
        text = str(reason or "")
        return self.reasons.get(text, text)

    def term(self, word: str) -> str:
        """A status word of the score document (``met``, ``page``, ``taken over by Sam``)."""
        if self.lang == "en":
            return word
        if word.startswith("taken over by "):
            return self._catalogue.gettext("taken over by {member}").format(
                member=word[len("taken over by "):])
        return self._catalogue.gettext(word)

    def minutes(self, value: float) -> str:
        """Minutes as a person reads them: ``23``, or ``0.4`` under one (``0,4``)."""
        return self.number(value, 1 if abs(value) < 1 else 0)

    def short(self, value: float) -> str:
        """A number as ``:g`` writes it (``2.5``, ``12``), in the language's way."""
        return str(self._numbers.format_field(value, "g"))

    def count(self, value: int) -> str:
        """A whole number with the language's grouping (``1,349`` / ``1 349``)."""
        return f"{value:,}" if self.lang == "en" else count(value, self.lang)

    def action(self, action: str) -> str:
        english = ACTION_WORDS.get(action)
        if english is not None:
            return self._catalogue.gettext(english)
        return action.replace("_", " ") if self.lang == "en" else \
            display_name(action, self.lang)

    def name(self, name: str) -> str:
        """A severity or a strategy as the language shows it (English: the id)."""
        return name if self.lang == "en" or not name else display_name(name, self.lang)

    def role(self, role: str) -> str:
        """A role: its id in English (as the report always showed it), its name otherwise."""
        return role if self.lang == "en" else display_name(role, self.lang)

    def what(self, action: str, role: str) -> str:
        """An obligation said briefly: ``holding statement (comms_lead)``."""
        return f"{self.action(action)} ({self.role(role)})"

    def cluster(self, cluster: Any) -> str:
        if not cluster:
            return "-"
        return str(cluster) if self.lang == "en" else display_name(str(cluster), self.lang)

    def rating(self, letter: str) -> str:
        english = RATING_MEANINGS.get(letter)
        return letter if english is None else self._catalogue.gettext(english)

    def status(self, status: str) -> str:
        return self(f"status_{status}") if f"status_{status}" in MESSAGES else status
