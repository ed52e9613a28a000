"""The report's words in each language: one catalogue, no string translated inline.

Keys are ours (never from a log); values are ``str.format`` templates filled with values
that the renderer escapes afterwards.
"""

from __future__ import annotations

from typing import Any

from drills.team.clock import SWEDISH_DAYS

LANGUAGES = ("en", "sv")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "After-action report and improvement plan",
        "subtitle": "{scenario}: exercise of {start}",
        "overview": "Exercise overview",
        "scenario": "Scenario",
        "cluster": "SCCT crisis cluster",
        "rulebook": "Rulebook",
        "rulebook_version": "{name}, version {version}",
        "team": "Team",
        "start": "Start",
        "duration": "Duration",
        "hours": "{hours:g} h",
        "seed": "Seed",
        "people": "People who took part",
        "people_none": "none (a simulated team)",
        "score": "Score",
        "score_value": "{score:.1f} / 100, rating {rating} ({meaning})",
        "not_rated": "not rated: the drill ended before anything was asked of the team",
        "subscores": "timeliness {timeliness:.1f}, adherence {adherence:.1f}, conduct {conduct:.1f}",
        "outcome": "Outcome",
        "outcome_value": "peak {peak} mentions an hour; final severity {severity}; {calm}",
        "calm_after": "calm after {hours:.1f} h",
        "not_calm": "not calm by the end",
        "no_escalation": "no escalation",
        "timeline": "What happened",
        "timeline_caption": ("Mentions an hour and the negative share, severity as bands, "
                             "injects, press and influencer posts, the team's public "
                             "statements and violations as markers."),
        "obligations_chart": "Obligations",
        "obligations_caption": ("Every obligation from arising to done; the tick is its "
                                "deadline. Green met, orange late, red missed, grey open."),
        "capability": "Capability analysis",
        "capability_intro": ("Each rule is a capability the protocol asks for, rated P "
                             "(performed without challenges), S (some challenges), M (major "
                             "challenges) or U (unable to be performed)."),
        "rule": "Rule",
        "rating": "Rating",
        "strengths": "Strengths",
        "improve_areas": "Areas for improvement",
        "none": "none",
        "met_at": "{what} met at {when} ({minutes} min)",
        "late_at": "{what} {minutes} min late at {when} (log line {line})",
        "missed_at": "{what} missed, due {when} (log line {line})",
        "response_times": "Response times",
        "response_caption": "Minutes from an obligation arising to done: median and 90th percentile.",
        "by_action": "By action",
        "by_role": "By role",
        "action": "Action",
        "role": "Role",
        "count": "n",
        "median": "median",
        "p90": "90th percentile",
        "max": "max",
        "nothing_done": "Nothing was done.",
        "conduct": "Conduct",
        "violations": "Violations",
        "no_violations": "No violations.",
        "when": "When",
        "who": "Who",
        "why": "Why it matters",
        "silence": "Silence while in crisis",
        "no_silence": "No long silence while in crisis.",
        "silence_gap": "{start} to {end} ({hours:.1f} h)",
        "channels": "Statements that missed channels",
        "no_channel_gaps": "Every statement reached every channel asked for.",
        "channel_gap": "{what} at {when} missed {channels}",
        "strategy": "Strategy fit (SCCT)",
        "strategy_value": "Cluster {cluster}: expected {expected}; used {used}.",
        "strategy_misfits": "Did not fit: {misfits}.",
        "strategy_mixed": "Denial was mixed with diminish or rebuild statements.",
        "nothing_public": "nothing public",
        "coaching": "Coaching on what people wrote",
        "no_coaching": "Nothing to note.",
        "plan": "Improvement plan",
        "issue": "Issue",
        "corrective": "Corrective action",
        "element": "Capability element",
        "responsible": "Responsible",
        "target_date": "Target date",
        "no_plan": "Nothing to improve: every obligation met, no violations.",
        "footer": "Made by crisis-drills {version} from the drill log ({records} records).",
        "el_planning": "planning",
        "el_organisation": "organisation",
        "el_equipment": "equipment",
        "el_training": "training",
        "el_exercise": "exercise",
        "plan_missed": "{what} was not done (due {when}, rule {rule}){more}",
        "plan_late": "{what} came late ({minutes} min at worst, rule {rule}){more}",
        "plan_more": "; {n} times",
        "plan_missed_fix": "Staff {role} and its backups, or put them on call, at that hour.",
        "plan_late_fix": "Shorten the way to {role}: acknowledge pages faster, or agree a backup that answers.",
        "plan_objective": "Objective {id} ({role}): {expected} — the facilitator judged it {status}{comment}",
        "plan_objective_fix": "Go through the message with {role} and rehearse the expected response.",
        "plan_approval": "{what} went out without {approver}'s approval",
        "plan_approval_fix": "Agree how fast {approver} answers in a crisis, or pre-approve wording.",
        "plan_violation": "{who} did '{action}' ({rule})",
        "plan_violation_fix": "Train the response guidelines: {reason}",
        "plan_channels": "{what} missed {channels}",
        "plan_channels_fix": "Publish every statement on every active channel, in the same words.",
        "plan_misfit": "'{action}' does not fit the crisis cluster's strategy",
        "plan_misfit_fix": "Use the rulebook's strategies for this cluster.",
        "fig_mentions": "mentions an hour",
        "fig_negative": "negative share",
        "fig_hours": "drill time",
        "fig_inject": "inject",
        "fig_press": "press or regulator",
        "fig_influencer": "influencer post",
        "fig_statement": "public statement",
        "fig_violation": "violation",
        "fig_calm": "calm",
        "fig_deadline": "deadline",
        "fig_p50": "median",
        "fig_p90": "90th percentile",
        "fig_minutes": "minutes",
        "fig_score": "score",
        "status_met": "met",
        "status_late": "late",
        "status_missed": "missed",
        "status_open": "open",
        "status_cancelled": "cancelled",
        "objectives": "Exercise objectives",
        "objectives_intro": "What the exercise script expected of the players: {earned:g} of {possible:g} points (met counts fully, partly half).",
        "expected": "Expected",
        "points": "Points",
        "status": "Status",
        "objective_met": "met",
        "objective_partly": "partly",
        "objective_missed": "missed",
        "objective_unvalidated": "not validated",
        "history": "Drill history",
        "history_caption": "Scores of the stored drills over time, one line per team.",
        "date": "Date",
        # The person section: each person's own score and the no-show comparison.
        "person_title": "{name}'s own score ({roles})",
        "person_score": "{score:.1f} / 100, rating {rating} ({meaning}): only what {name} "
                        "did and did not do; the team's outcome is above.",
        "person_not_rated": "Not rated: {meaning}.",
        "person_items": "Pages, obligations and approvals",
        "person_asked": "Asked",
        "person_outcome": "Outcome",
        "person_minutes": "Minutes",
        "person_words": "What {name} wrote",
        "person_violations": "Own violations: {violations}",
        "person_none": "none",
        "baseline_title": "Compared with doing nothing",
        "baseline_intro": "The same drill (seed, start, files, end) with nobody in the role: "
                          "every page goes to the simulated backup.",
        "baseline_before": "{name}'s statement went out at {yours}, {minutes} minutes before "
                           "the {action} {backup} would have made ({theirs}).",
        "baseline_after": "{name}'s statement went out at {yours}, {minutes} minutes after "
                          "the {action} {backup} would have made ({theirs}).",
        "baseline_same": "{name}'s statement went out at {yours}, the same minute as "
                         "{backup}'s would have.",
        "baseline_only": "{name}'s statement went out at {yours}; without them no statement "
                         "would have gone out.",
        "baseline_missing": "{name} made no statement; {backup} would have made a {action} at "
                            "{theirs}.",
        "baseline_neither": "No statement went out, with {name} or without.",
        "baseline_reach": "Negative reach {change} ({yours} against {theirs} without "
                          "{name}).",
        "baseline_lower": "{pct:.0f}% lower",
        "baseline_higher": "{pct:.0f}% higher",
        "baseline_equal": "the same",
    },
    "sv": {
        "title": "Utvärderingsrapport och förbättringsplan",
        "subtitle": "{scenario}: övning {start}",
        "overview": "Översikt över övningen",
        "scenario": "Scenario",
        "cluster": "Kriskategori (SCCT)",
        "rulebook": "Regelbok",
        "rulebook_version": "{name}, version {version}",
        "team": "Team",
        "start": "Start",
        "duration": "Längd",
        "hours": "{hours:g} h",
        "seed": "Slumpfrö",
        "people": "Deltagare",
        "people_none": "inga (ett simulerat team)",
        "score": "Resultat",
        "score_value": "{score:.1f} / 100, betyg {rating} ({meaning})",
        "not_rated": "inget betyg: övningen slutade innan något begärdes av teamet",
        "subscores": "snabbhet {timeliness:.1f}, följsamhet {adherence:.1f}, uppträdande {conduct:.1f}",
        "outcome": "Utfall",
        "outcome_value": "högst {peak} omnämnanden i timmen; slutlig allvarsgrad {severity}; {calm}",
        "calm_after": "lugnt efter {hours:.1f} h",
        "not_calm": "inte lugnt vid slutet",
        "no_escalation": "ingen eskalering",
        "timeline": "Vad som hände",
        "timeline_caption": ("Omnämnanden i timmen och andelen negativa, allvarsgrad som "
                             "band, inspel, press- och influencerinlägg, teamets offentliga "
                             "uttalanden och överträdelser som markeringar."),
        "obligations_chart": "Åligganden",
        "obligations_caption": ("Varje åliggande från uppkomst till utfört; strecket är "
                                "tidsgränsen. Grönt i tid, orange sent, rött missat, grått "
                                "öppet."),
        "capability": "Förmågeanalys",
        "capability_intro": ("Varje regel är en förmåga som protokollet kräver, med betyget "
                             "P (utfört utan problem), S (vissa problem), M (stora problem) "
                             "eller U (kunde inte utföras)."),
        "rule": "Regel",
        "rating": "Betyg",
        "strengths": "Styrkor",
        "improve_areas": "Att förbättra",
        "none": "inga",
        "met_at": "{what} i tid {when} ({minutes} min)",
        "late_at": "{what} {minutes} min sent {when} (loggrad {line})",
        "missed_at": "{what} missat, skulle vara klart {when} (loggrad {line})",
        "response_times": "Svarstider",
        "response_caption": "Minuter från att ett åliggande uppstod till utfört: median och 90:e percentil.",
        "by_action": "Per åtgärd",
        "by_role": "Per roll",
        "action": "Åtgärd",
        "role": "Roll",
        "count": "antal",
        "median": "median",
        "p90": "90:e percentil",
        "max": "max",
        "nothing_done": "Inget utfördes.",
        "conduct": "Uppträdande",
        "violations": "Överträdelser",
        "no_violations": "Inga överträdelser.",
        "when": "När",
        "who": "Vem",
        "why": "Varför det spelar roll",
        "silence": "Tystnad under krisen",
        "no_silence": "Ingen lång tystnad under krisen.",
        "silence_gap": "{start} till {end} ({hours:.1f} h)",
        "channels": "Uttalanden som missade kanaler",
        "no_channel_gaps": "Varje uttalande nådde alla kanaler som krävdes.",
        "channel_gap": "{what} {when} missade {channels}",
        "strategy": "Strategi (SCCT)",
        "strategy_value": "Kategori {cluster}: förväntat {expected}; använt {used}.",
        "strategy_misfits": "Passade inte: {misfits}.",
        "strategy_mixed": "Förnekande blandades med förminskande eller återuppbyggande uttalanden.",
        "nothing_public": "inget offentligt",
        "coaching": "Återkoppling på det deltagarna skrev",
        "no_coaching": "Inget att notera.",
        "plan": "Förbättringsplan",
        "issue": "Brist",
        "corrective": "Åtgärd",
        "element": "Förmågeelement",
        "responsible": "Ansvarig",
        "target_date": "Måldatum",
        "no_plan": "Inget att förbättra: alla åligganden i tid, inga överträdelser.",
        "footer": "Skapad av crisis-drills {version} från övningsloggen ({records} poster).",
        "el_planning": "planering",
        "el_organisation": "organisation",
        "el_equipment": "utrustning",
        "el_training": "utbildning",
        "el_exercise": "övning",
        "plan_missed": "{what} blev inte gjort (senast {when}, regel {rule}){more}",
        "plan_late": "{what} kom sent (som mest {minutes} min, regel {rule}){more}",
        "plan_more": "; {n} gånger",
        "plan_missed_fix": "Bemanna {role} och dess ersättare, eller ha dem i beredskap, vid den tiden.",
        "plan_late_fix": "Korta vägen till {role}: kvittera larm snabbare, eller utse en ersättare som svarar.",
        "plan_objective": "Mål {id} ({role}): {expected} — övningsledaren bedömde det som {status}{comment}",
        "plan_objective_fix": "Gå igenom meddelandet med {role} och öva det svar som förväntades.",
        "plan_approval": "{what} gick ut utan godkännande från {approver}",
        "plan_approval_fix": "Kom överens om hur snabbt {approver} svarar i en kris, eller förgodkänn formuleringar.",
        "plan_violation": "{who} gjorde '{action}' ({rule})",
        "plan_violation_fix": "Öva riktlinjerna för bemötande: {reason}",
        "plan_channels": "{what} missade {channels}",
        "plan_channels_fix": "Publicera varje uttalande i alla aktiva kanaler, med samma ord.",
        "plan_misfit": "'{action}' passar inte kriskategorins strategi",
        "plan_misfit_fix": "Använd regelbokens strategier för denna kategori.",
        "fig_mentions": "omnämnanden i timmen",
        "fig_negative": "andel negativa",
        "fig_hours": "övningstid",
        "fig_inject": "inspel",
        "fig_press": "press eller myndighet",
        "fig_influencer": "influencerinlägg",
        "fig_statement": "offentligt uttalande",
        "fig_violation": "överträdelse",
        "fig_calm": "lugnt",
        "fig_deadline": "tidsgräns",
        "fig_p50": "median",
        "fig_p90": "90:e percentil",
        "fig_minutes": "minuter",
        "fig_score": "resultat",
        "status_met": "i tid",
        "status_late": "sent",
        "status_missed": "missat",
        "status_open": "öppet",
        "status_cancelled": "avbrutet",
        "objectives": "Övningsmål",
        "objectives_intro": "Vad övningsmanuset förväntade sig av deltagarna: {earned:g} av {possible:g} poäng (uppfyllt räknas helt, delvis till hälften).",
        "expected": "Förväntat",
        "points": "Poäng",
        "status": "Status",
        "objective_met": "uppfyllt",
        "objective_partly": "delvis",
        "objective_missed": "missat",
        "objective_unvalidated": "ej bedömt",
        "history": "Övningshistorik",
        "history_caption": "Resultat för sparade övningar över tid, en linje per team.",
        "date": "Datum",
        "person_title": "{name}s eget resultat ({roles})",
        "person_score": "{score:.1f} / 100, betyg {rating} ({meaning}): bara det {name} "
                        "gjorde och inte gjorde; teamets utfall står ovan.",
        "person_not_rated": "Inget betyg: {meaning}.",
        "person_items": "Larm, åtaganden och godkännanden",
        "person_asked": "Begärt",
        "person_outcome": "Utfall",
        "person_minutes": "Minuter",
        "person_words": "Det {name} skrev",
        "person_violations": "Egna överträdelser: {violations}",
        "person_none": "inga",
        "baseline_title": "Jämfört med att inte göra något",
        "baseline_intro": "Samma övning (frö, start, filer, slut) utan någon i rollen: varje "
                          "larm går till den simulerade ersättaren.",
        "baseline_before": "{name}s uttalande gick ut {yours}, {minutes} minuter före det "
                           "{backup} skulle ha gjort ({action}, {theirs}).",
        "baseline_after": "{name}s uttalande gick ut {yours}, {minutes} minuter efter det "
                          "{backup} skulle ha gjort ({action}, {theirs}).",
        "baseline_same": "{name}s uttalande gick ut {yours}, samma minut som {backup}s skulle "
                         "ha gjort.",
        "baseline_only": "{name}s uttalande gick ut {yours}; utan {name} hade inget uttalande "
                         "gått ut.",
        "baseline_missing": "{name} gjorde inget uttalande; {backup} skulle ha gjort ett "
                            "({action}) {theirs}.",
        "baseline_neither": "Inget uttalande gick ut, med {name} eller utan.",
        "baseline_reach": "Negativ räckvidd {change} ({yours} mot {theirs} utan {name}).",
        "baseline_lower": "{pct:.0f} % lägre",
        "baseline_higher": "{pct:.0f} % högre",
        "baseline_equal": "densamma",
    },
}

#: What an action is, said as a short phrase per language.
ACTION_WORDS: dict[str, dict[str, str]] = {
    "en": {"acknowledge": "acknowledging", "notify": "telling", "route": "routing",
           "approve": "approving", "brief": "briefing", "holding_statement": "holding statement",
           "update": "update", "statement": "statement", "apology": "apology",
           "correct_misinformation": "correcting misinformation", "reply": "reply",
           "move_private": "moving to a private channel",
           "compensation_offer": "compensation offer", "delete_comment": "deleting a comment",
           "argue": "arguing", "deny": "denial"},
    "sv": {"acknowledge": "kvittering", "notify": "underrättelse", "route": "vidarebefordran",
           "approve": "godkännande", "brief": "genomgång", "holding_statement": "första uttalande",
           "update": "uppdatering", "statement": "uttalande", "apology": "ursäkt",
           "correct_misinformation": "rättelse av felaktig information", "reply": "svar",
           "move_private": "flytt till privat kanal", "compensation_offer": "erbjudande om ersättning",
           "delete_comment": "borttagen kommentar", "argue": "argumenterande", "deny": "förnekande"},
}

CLUSTER_WORDS: dict[str, dict[str, str]] = {
    "en": {"victim": "victim", "accidental": "accidental", "preventable": "preventable"},
    "sv": {"victim": "offer", "accidental": "olycka", "preventable": "förebyggbar"},
}

RATING_MEANINGS: dict[str, dict[str, str]] = {
    "en": {"P": "performed without challenges", "S": "performed with some challenges",
           "M": "performed with major challenges", "U": "unable to be performed"},
    "sv": {"P": "utfört utan problem", "S": "utfört med vissa problem",
           "M": "utfört med stora problem", "U": "kunde inte utföras"},
}




def language_of(header: dict[str, Any]) -> str:
    """The report's language for a drill: its locale (``sv_SE`` -> ``sv``), or for a
    hand-written log without one, the language its start is written in (``tis 09:00``)."""
    locale = header.get("locale")
    if isinstance(locale, str) and locale:
        code = locale.split("_")[0].lower()
        return code if code in LANGUAGES else "en"
    start = header.get("start")
    if isinstance(start, str) and start.strip().lower().startswith(SWEDISH_DAYS):
        return "sv"
    return "en"


class Words:
    """The catalogue in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._messages = MESSAGES[self.lang]

    def __call__(self, key: str, **values: Any) -> str:
        return self._messages[key].format(**values)

    def action(self, action: str) -> str:
        return ACTION_WORDS[self.lang].get(action, action.replace("_", " "))

    def what(self, action: str, role: str) -> str:
        """An obligation said briefly: ``holding statement (comms_lead)``."""
        return f"{self.action(action)} ({role})"

    def cluster(self, cluster: Any) -> str:
        if not cluster:
            return "-"
        return CLUSTER_WORDS[self.lang].get(str(cluster), str(cluster))

    def rating(self, letter: str) -> str:
        return RATING_MEANINGS[self.lang].get(letter, letter)

    def status(self, status: str) -> str:
        return self._messages.get(f"status_{status}", status)
