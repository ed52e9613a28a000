"""What a simulated responder writes without a template: a text fit for the action, in the
drill's language. A deleted comment has no text of the team's own."""

from __future__ import annotations

PERSONAL_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "holding_statement": "We know about the reports on {issue} and are looking into it "
                             "right now. More from us by {next_update}.",
        "update": "Update on {issue}: we are still working on it. Next update by "
                  "{next_update}.",
        "statement": "Our statement on {issue}: here is what happened and what we are doing.",
        "apology": "We are sorry. We got this wrong, and we are putting it right.",
        "correct_misinformation": "That is not correct. The facts about {issue}: {url}",
        "reply": "We hear you, and we are on it.",
        "move_private": "Hi {name}, we would like to help you personally: we have sent you "
                        "a direct message.",
        "compensation_offer": "We will refund you in full, of course.",
        "deny": "The claims about {brand} are false.",
        "argue": "That is simply not true, and you know it.",
    },
    "sv": {
        "holding_statement": "Vi känner till uppgifterna om {issue} och undersöker saken "
                             "just nu. Vi återkommer senast {next_update}.",
        "update": "Uppdatering om {issue}: vi arbetar fortfarande med saken. Nästa "
                  "uppdatering senast {next_update}.",
        "statement": "Vårt uttalande om {issue}: det här har hänt och det här gör vi.",
        "apology": "Vi ber om ursäkt. Vi gjorde fel, och vi rättar till det.",
        "correct_misinformation": "Det stämmer inte. Fakta om {issue}: {url}",
        "reply": "Vi hör dig, och vi jobbar på det.",
        "move_private": "Hej {name}, vi vill hjälpa dig personligen och har skickat ett "
                        "direktmeddelande.",
        "compensation_offer": "Självklart får du pengarna tillbaka.",
        "deny": "Påståendena om {brand} är falska.",
        "argue": "Det där stämmer inte alls, och det vet du.",
    },
}
#: Actions whose result is no text of the team's own.
NO_TEXT = frozenset({"delete_comment"})


def personal_text(action: str, lang: str) -> str | None:
    """The text a responder writes in their own words for ``action``, or None."""
    if action in NO_TEXT:
        return None
    texts = PERSONAL_TEXTS.get(lang, PERSONAL_TEXTS["en"])
    return texts.get(action, texts["reply"])
