"""Message catalogues: ``drills/i18n/locale/LANG/LC_MESSAGES/drills.po``, read with Babel and
served through the standard library's gettext (no build step: the ``.po`` file is the
catalogue, compiled in memory once per process).

Add a language by copying ``sv``'s file (``pybabel init``, see docs/i18n.md), translating
every ``msgstr``; ``tests/test_i18n.py`` fails while a message lacks one.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "drills"
SOURCE_LANGUAGE = "en"


def available() -> tuple[str, ...]:
    """The languages with a catalogue, English (the source) first."""
    root = resources.files("drills.i18n").joinpath("locale")
    found = sorted(p.name for p in root.iterdir()
                   if p.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file())
    return (SOURCE_LANGUAGE, *found)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (``sv``, or ``sv_SE``); English and unknown languages show
    the source text."""
    code = lang.split("_")[0].lower()
    if code == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = resources.files("drills.i18n").joinpath("locale", code, "LC_MESSAGES",
                                                   f"{DOMAIN}.po")
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def has_catalogue(lang: str) -> bool:
    return lang.split("_")[0].lower() in available()


def t(lang: str, message: str, **values: object) -> str:
    """``message`` in ``lang``, its ``{name}`` fields filled from ``values``.

    The catalogue's own strings are formatted (never a user's text: a user's words go in
    as values only).

    >>> t("sv", "{count} characters: too long for {channel} (at most {limit})",
    ...   count=300, channel="x", limit=280)
    '300 tecken: för långt för x (högst 280)'
    """
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is said later (``t(lang, word)``)."""
    return message


def tn(lang: str, singular: str, plural: str, n: int, **values: object) -> str:
    """A message with a plural form, chosen by ``n`` as ``lang`` chooses it."""
    text = translations(lang).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def screen_language(requested: str | None, own: str) -> tuple[str, str | None]:
    """The language of a drill's screens: ``requested`` (``--lang``) or the drill's ``own``,
    when a catalogue exists for it; else English, with the one line that says so (for the
    front end to print once on stderr).

    >>> screen_language(None, "sv_SE"), screen_language("fr", "sv")[0]
    (('sv', None), 'en')
    """
    wanted = (requested or own or SOURCE_LANGUAGE).split("_")[0].lower()
    if has_catalogue(wanted):
        return wanted, None
    return SOURCE_LANGUAGE, (f"no catalogue for the language {wanted!r}: the screens are in "
                             f"English (catalogues: {', '.join(available())})")
