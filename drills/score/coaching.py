"""Coaching on what a person wrote: notes for the report, never violations.

A simulated team writes from templates; a person writes real text, and the mistakes people
make under pressure are easy to spot: too long for the platform, a ``{placeholder}`` left
in, the wrong language, a holding statement that promises no next update, defensive words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drills.i18n.catalogue import t
from drills.i18n.names import language_name
from drills.vocabulary import PUBLIC_STATEMENTS

#: Characters a post may have, where a platform sets a limit worth knowing by heart.
PLATFORM_LIMITS: dict[str, int] = {"x": 280, "instagram": 2200, "tiktok": 2200,
                                   "linkedin": 3000}
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:.][0-5]\d\b|\b\d{1,2}\s?(am|pm)\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(within|in|inom|om)\s+(an?|one|two|three|\d+|en|ett|två|tre)\s+"
    r"(minutes?|hours?|minuter|minut|timmar|timme)\b|\b(tomorrow|imorgon|i morgon)\b",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EN_STOPWORDS = ("the and we are is to of for our you your with this that have has will be "
                 "it on in not an as at by")
_SV_STOPWORDS = ("och att det är vi som för med på inte har till en ett om av den vår våra "
                 "ni er kommer vara så")
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_EN_STOPWORDS.split()),
    "sv": frozenset(_SV_STOPWORDS.split()),
}
#: Wording that argues with the public or defends the brand: it fuels a firestorm
#: (Herhausen et al. 2019).
_DEFENSIVE: dict[str, tuple[str, ...]] = {
    "en": ("you're wrong", "you are wrong", "not our fault", "ridiculous", "nonsense",
           "stupid", "liar", "liars", "lies", "lying", "fake news", "absurd", "calm down",
           "read the manual", "user error", "obviously", "false accusations", "we deny",
           "done nothing wrong", "did nothing wrong", "misleading", "exaggerated",
           "spreading rumours", "spreading rumors", "unfounded"),
    "sv": ("ni har fel", "du har fel", "inte vårt fel", "löjligt", "struntprat", "dumt",
           "lögn", "lögner", "ljuger", "lugna ner dig", "läs manualen", "användarfel",
           "uppenbarligen", "falska anklagelser", "överdrivna", "kraftigt överdrivna",
           "inte har gjort något fel", "inte gjort något fel", "obekräftade rykten",
           "sprida rykten", "vilseledande", "ogrundade"),
}
#: Words that show which SCCT response strategy a text takes (Coombs 2007), read from what
#: was written, not from the action's name. A text may take several.
STRATEGY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "deny": {
        "en": ("not true", "untrue", "we deny", "no evidence", "done nothing wrong",
               "did nothing wrong", "not our fault", "false accusations", "misleading",
               "fake news", "lies"),
        "sv": ("stämmer inte", "förnekar", "inte har gjort något fel", "inte gjort något fel",
               "inte vårt fel", "ljuger", "lögner", "falska anklagelser", "vilseledande",
               "obekräftade rykten"),
    },
    "diminish": {
        "en": ("isolated", "a small number", "only a few", "minor", "exaggerated", "rare",
               "limited", "no one was hurt", "nobody was hurt", "beyond our control"),
        "sv": ("enstaka", "ett fåtal", "några få", "överdrivna", "begränsad", "liten del",
               "ingen skadades", "utom vår kontroll"),
    },
    "rebuild": {
        "en": ("sorry", "apologise", "apologize", "apology", "we got this wrong",
               "our mistake", "we were wrong", "compensat", "refund", "we take responsibility"),
        "sv": ("förlåt", "ber om ursäkt", "beklagar", "vi gjorde fel", "vårt misstag",
               "vårt fel", "ersättning", "kompensation", "återbetal", "tar ansvar"),
    },
    "bolster": {
        "en": ("thank you", "thanks to", "proud", "for years", "always put", "our customers "
               "have", "our community"),
        "sv": ("tack", "stolta", "i många år", "alltid satt", "våra kunder har"),
    },
    "instruct": {
        "en": ("change your password", "stop using", "do not use", "don't use", "unplug",
               "what to do", "next update", "we are looking into", "more information",
               "contact us", "here is what"),
        "sv": ("byt lösenord", "sluta använda", "använd inte", "dra ur", "gör så här",
               "nästa uppdatering", "undersöker", "mer information", "kontakta oss",
               "det här vet vi"),
    },
}


def strategies_in(text: str | None) -> list[str]:
    """The SCCT strategies a text takes, from its words (English and Swedish lists)."""
    if not text:
        return []
    lowered = text.lower()
    return [name for name, languages in STRATEGY_WORDS.items()
            if any(_has(lowered, w) for words in languages.values() for w in words)]


def _has(lowered: str, phrase: str) -> bool:
    """Whole words, or a stem (``compensat``, ``återbetal``) at the start of one."""
    tail = r"\w*" if phrase.endswith(("compensat", "återbetal")) else r"(?!\w)"
    return re.search(rf"(?<!\w){re.escape(phrase)}{tail}", lowered) is not None


@dataclass(frozen=True)
class Note:
    """One finding on a text: ``code`` says what kind (stable, for scoring), ``text`` says it
    in the drill's language."""

    code: str
    text: str


#: Findings the public would see (they lower a person's care, docs/score.md); the rest are
#: advice.
PUBLIC_FINDINGS = frozenset({"too_long", "placeholder", "language", "defensive",
                             "private_person", "strategy"})


def coach(text: str | None, action: str, channels: list[str], lang: str) -> list[str]:
    """Notes on a person's text for ``action`` on ``channels``, in a drill in ``lang``, said
    in that language."""
    return [note.text for note in coach_notes(text, action, channels, lang)]


def coach_notes(text: str | None, action: str, channels: list[str], lang: str
                ) -> list[Note]:
    """``coach`` with each note's kind."""
    if not text:
        return []
    notes: list[Note] = []
    for channel in channels:
        limit = PLATFORM_LIMITS.get(channel)
        if limit is not None and len(text) > limit:
            notes.append(Note("too_long", t(
                lang, "{count} characters: too long for {channel} (at most {limit})",
                count=len(text), channel=channel, limit=limit)))
    left = sorted(set(_PLACEHOLDER.findall(text)))
    if left:
        notes.append(Note("placeholder", t(lang, "fill in {names} before publishing",
                                           names=", ".join(left))))
    other = _language_mismatch(text, lang)
    if other is not None:
        notes.append(Note("language", t(lang, "written in {written}, but the drill is in "
                                              "{drill}", written=language_name(other, lang),
                                        drill=language_name(lang, lang))))
    if action in ("holding_statement", "update") and not (
            _CLOCK.search(text) or _RELATIVE.search(text)):
        notes.append(Note("next_update", t(
            lang, "say when the next update comes (\"next update by 19:30\")")))
    lowered = text.lower()
    words = [w for w in _DEFENSIVE.get(lang, ()) + tuple(
        w for code, ws in _DEFENSIVE.items() if code != lang for w in ws)
        if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", lowered)]
    if words and (action in PUBLIC_STATEMENTS or action in ("reply", "correct_misinformation",
                                                            "move_private")):
        notes.append(Note("defensive", t(
            lang, "defensive or argumentative wording ({words}): acknowledge and inform "
                  "instead", words=", ".join(words[:3]))))
    return notes


def _language_mismatch(text: str, lang: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 4 or lang not in _STOPWORDS:
        return None
    hits = {code: sum(w in stop for w in words) for code, stop in _STOPWORDS.items()}
    best = max(hits, key=lambda code: hits[code])
    if best != lang and hits[best] >= 2 and hits[best] > 2 * hits[lang]:
        return best
    return None
