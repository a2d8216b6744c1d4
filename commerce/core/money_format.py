"""The one money format: Babel's locale-aware currency formatting (CLDR data), never a symbol table.

The locale is the active Django language (``LANGUAGE_CODE`` unless a request activated another),
so ``$28.00`` in en-US and ``28,00 €`` in German come from the same call.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import get_language, to_locale

from .money import Money


@lru_cache(maxsize=32)
def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(to_locale(settings.LANGUAGE_CODE))


def format_money(money: Money, *, language: str | None = None) -> str:
    """``money`` as shoppers of the active (or given) language write it: symbol, grouping, decimals."""
    locale = _babel_locale(language or get_language() or settings.LANGUAGE_CODE)
    return format_currency(money.amount, money.currency, locale=locale)


def format_amount(amount: Decimal | Money, currency: str | None = None) -> str:
    """A Decimal in ``currency`` or a ``Money``, formatted; what the ``money`` template filter calls."""
    if isinstance(amount, Money):
        return format_money(amount)
    if currency is None:
        raise ValueError("An amount without a Money needs its currency.")
    return format_money(Money(Decimal(amount), currency))
