"""Numbers as the drill's language writes them: ``70,4`` and ``1 349`` in Swedish, ``70.4``
and ``1,349`` in English (Babel's CLDR data)."""

from __future__ import annotations

from babel.numbers import format_decimal

#: The locale that writes a language's numbers.
_LOCALES = {"en": "en_US", "sv": "sv_SE", "fr": "fr_FR"}


def _locale(lang: str) -> str:
    code = lang.split("_")[0].lower()
    return _LOCALES.get(code, "en_US")


def decimal(value: float, lang: str, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals: ``70,4`` (sv), ``70.4`` (en)."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(round(value, digits), format=pattern, locale=_locale(lang)))


def count(value: int, lang: str) -> str:
    """A whole number with the language's grouping: ``1 349`` (sv), ``1,349`` (en)."""
    return str(format_decimal(value, format="#,##0", locale=_locale(lang)))


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def week_time(text: str, lang: str) -> str:
    """A drill clock (``fri 17:30``) as the language writes it: ``fre 17.30`` in Swedish.

    >>> week_time("tue 09:05", "sv"), week_time("tue 09:05", "en")
    ('tis 09.05', 'tue 09:05')
    """
    if lang.split("_")[0].lower() != "sv":
        return text
    from drills.team.clock import SWEDISH_DAYS

    day, _, hour = text.partition(" ")
    if day in _DAYS:
        day = SWEDISH_DAYS[_DAYS.index(day)]
    return f"{day} {hour.replace(':', '.')}" if hour else day
