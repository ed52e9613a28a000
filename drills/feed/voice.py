"""How people write: the same complaint is never typed twice the same way.

A scenario's message templates say *what* people post; a voice varies *how*: an opener, a
closer, an emoji, all lower case. No opener or closer contradicts the text it frames (no
sarcastic praise before a complaint, no "again" about a first crisis). Drawn from the
drill's RNG, so it stays deterministic by seed. Without it, 546 posts had 47 distinct
texts and read like a bot farm.
"""

from __future__ import annotations

#: (openers, closers) per language and tone. The empty string keeps a plain text common.
VOICES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "en": {
        "negative": (
            ("", "", "", "Wow. ", "Honestly, ", "Ugh. ", "So ", "Unbelievable. ", "Just saw "
             "this: ", "Seriously, ", "Great. ", "PSA: ", "Update: "),
            ("", "", "", " Unreal.", " Not ok.", " 😡", " 🙄", " Do better.", " Still waiting.",
             " Done with them.", " #fail", " Anyone else?", " This is a joke.", " 😤"),
        ),
        "neutral": (
            ("", "", "", "Quick question: ", "Hm. ", "Genuine question: ", "So ", "Hi, ",
             "Out of interest, ", "Anyone know? "),
            ("", "", "", " Thanks!", " 🤔", " Anyone?", " Asking for a friend.",
             " Any info?", " Cheers."),
        ),
        "positive": (
            ("", "", "", "Tbh ", "For what it's worth, ", "Honestly ", "Fair play: ",
             "To be fair, "),
            ("", "", "", " 👍", " 🙂", " Respect.", " Give them a chance.", " ❤️",
             " Good on them."),
        ),
    },
    "sv": {
        "negative": (
            ("", "", "", "Alltså. ", "Ärligt talat, ", "Usch. ", "Jaha. ", "Otroligt. ",
             "Såg precis detta: ", "Allvarligt talat, ", "Suck. ", "Tips: ", "Hallå? "),
            ("", "", "", " Sjukt.", " Inte ok.", " 😡", " 🙄", " Skärpning.",
             " Väntar fortfarande.", " Aldrig mer.", " #fail", " Någon mer?", " Skämt.",
             " 😤"),
        ),
        "neutral": (
            ("", "", "", "Snabb fråga: ", "Hm. ", "Ärlig fråga: ", "Så ", "Hej, ",
             "Av ren nyfikenhet, ", "Någon som vet? "),
            ("", "", "", " Tack!", " 🤔", " Någon?", " Frågar åt en kompis.",
             " Någon info?", " Tack på förhand."),
        ),
        "positive": (
            ("", "", "", "Ärligt talat ", "För vad det är värt: ", "Faktiskt ", "Rimligt: ",
             "Hörni, "),
            ("", "", "", " 👍", " 🙂", " Respekt.", " Ge dem en chans.", " ❤️",
             " Bra jobbat."),
        ),
    },
}
#: Share of people who type everything in lower case.
LOWER_CASE = 0.12
_TONE = {"negative": "negative", "reply_negative": "negative", "influencer_post": "negative",
         "misinformation": "negative", "neutral": "neutral", "positive": "positive",
         "reply_positive": "positive"}


def voiced(text: str, category: str, lang: str, u1: float, u2: float, u3: float) -> str:
    """``text`` as one person writes it; ``u1``..``u3`` are uniform draws in [0, 1)."""
    tones = VOICES.get(lang, VOICES["en"])
    openers, closers = tones[_TONE.get(category, "neutral")]
    opener = openers[int(u1 * len(openers))]
    # A reply does not announce news ("PSA: ", "Tips: ").
    if category.startswith("reply") and opener.endswith(": "):
        opener = ""
    closer = closers[int(u2 * len(closers))]
    # After "Honestly, " or "So " the sentence goes on in lower case; after "Ugh. " it starts anew.
    if opener and opener.rstrip()[-1:] not in ".!?:" and text[:1].isupper() and \
            not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    # A closer that starts a sentence of its own needs the text to end one first.
    if closer[1:2].isalpha() and closer[1:2].isupper() and text and text[-1] not in ".!?…:":
        text += "."
    result = f"{opener}{text}{closer}"
    return result.lower() if u3 < LOWER_CASE else result


#: Company forms a hashtag leaves out (``#bojkottaNordlund``, not ``#bojkottaNordlundAB``).
_COMPANY_FORMS = frozenset({"ab", "hb", "kb", "inc", "llc", "ltd", "plc", "group", "and", "och",
                            "sons", "gmbh", "sa", "sarl", "sas", "co", "corp", "oy", "as"})


def hashtag_of(company: str) -> str:
    """The words of a company name a hashtag would use: ``Nordlund & Berg AB`` ->
    ``NordlundBerg``.

    >>> hashtag_of("Mårtensson Jakobsson AB"), hashtag_of("Smith, Jones and Lee")
    ('MårtenssonJakobsson', 'SmithJonesLee')
    """
    words = ["".join(c for c in w if c.isalnum()) for w in company.replace("-", " ").split()]
    kept = [w for w in words if w and w.lower() not in _COMPANY_FORMS]
    return "".join(w[:1].upper() + w[1:] for w in kept) or "".join(words)
