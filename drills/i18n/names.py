"""Display names: roles, actions, severity levels, SCCT strategies and clusters, languages,
in the drill's language. Ids stay as they are in files and commands; a rulebook may give
its own names (``roles: {comms_lead: {name: {sv: kommunikationsansvarig}}}``), which win.
"""

from __future__ import annotations

from collections.abc import Mapping

from drills.i18n.catalogue import translations

#: English display names of the built-in vocabulary (the catalogue translates them).
_ENGLISH: dict[str, str] = {
    # roles
    "community_manager": "community manager", "comms_lead": "comms lead",
    "head_of_communications": "head of communications", "legal": "legal",
    "spokesperson": "spokesperson", "customer_support": "customer support",
    "executive_on_call": "executive on call",
    # severity levels
    "normal": "normal", "watch": "watch", "issue": "issue", "crisis": "crisis",
    "severe": "severe",
    # actions
    "acknowledge": "acknowledge", "notify": "notify", "route": "route", "approve": "approve",
    "brief": "briefing", "holding_statement": "holding statement", "update": "update",
    "statement": "statement", "apology": "apology",
    "correct_misinformation": "correction of misinformation", "reply": "reply",
    "move_private": "move to a private channel", "compensation_offer": "compensation offer",
    "delete_comment": "deleted comment", "argue": "argument", "deny": "denial",
    # event kinds
    "press_inquiry": "press inquiry", "influencer_post": "influencer post",
    "misinformation": "misinformation", "regulator_inquiry": "regulator inquiry",
    "employee_leak": "employee leak", "internal_report": "internal report",
    "message": "message", "mention": "mention", "reshare": "reshare",
    # SCCT strategies and clusters
    "rebuild": "rebuild", "diminish": "diminish", "bolster": "bolster",
    "instruct": "instruct", "victim": "victim", "accidental": "accidental",
    "preventable": "preventable",
}
_LANGUAGES = {"en": "English", "sv": "Swedish", "fr": "French"}


def display_name(name: str, lang: str, own: Mapping[str, Mapping[str, str]] | None = None
                 ) -> str:
    """How ``name`` (a role, an action, a severity, a strategy) reads in ``lang``.

    ``own`` is the rulebook's names (id -> language -> name), which win over the catalogue's.
    An id the vocabulary does not know is shown with spaces for underscores.

    >>> display_name("comms_lead", "sv"), display_name("comms_lead", "en")
    ('kommunikationsansvarig', 'comms lead')
    """
    code = lang.split("_")[0].lower()
    given = (own or {}).get(name, {})
    if code in given:
        return given[code]
    english = _ENGLISH.get(name)
    if english is None:
        return given.get("en") or name.replace("_", " ")
    return translations(code).pgettext("name", english)


def language_name(code: str, lang: str) -> str:
    """The name of the language ``code``, in ``lang`` (``svenska``, ``Swedish``)."""
    english = _LANGUAGES.get(code, code)
    return translations(lang).pgettext("language", english)
