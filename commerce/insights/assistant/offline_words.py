"""Words the offline planner knows: normalising a question (case, punctuation, number words) and
correcting typos against its vocabulary, so "Revnue lst week?" reads as "revenue last week"."""

from __future__ import annotations

import difflib
import re
from functools import cache

from .periods import MONTHS

NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip

ABBREVIATIONS = {
    "lst": "last", "wk": "week", "wks": "weeks", "mth": "month", "mths": "months", "mo": "month", "yr": "year",
    "yrs": "years", "avg": "average", "rev": "revenue", "qty": "quantity", "prev": "previous", "thru": "through",
    "yday": "yesterday", "tdy": "today", "vs.": "vs", "v": "vs", "compared-to": "compared to", "wtd": "wtd",
}  # fmt: skip


def words(text: str) -> set[str]:
    return set(text.split())


VOCABULARY = (
    words(
        """
    how many much what was were is are did do does the a an of in on at for to from by with and or
    our my we me us show tell give get list total number count orders order sales sale revenue
    turnover takings income earned earnings made make money gross net sell sold selling average
    value aov basket spend units items products product pieces quantity refunds refund refunded
    shipping delivery postage charged fees discounts discount coupons coupon promo codes given
    customers customer new returning repeat first time buyers mix top best sellers seller popular
    performing most daily weekly monthly per day days week weeks month months year years quarter
    quarters trend series chart graph over today yesterday this last past previous prior current
    since between until through till compared compare versus against same period before ago growth
    grow change only just store stores shop shops all every both across weekend date so far
    fortnight about also instead rank ranked ranking each what's whats which stock inventory worth hand
    owe owed end gift card cards category categories collection collections coupon used usage redeemed
    liability restock low running out need left variants returns return returned reason reasons
    approved received rejected sent back
    """
    )
    | set(MONTHS)
    | set(NUMBERS)
)


def normalise(question: str, extra: frozenset[str] = frozenset()) -> str:
    """Lower case, plain punctuation, number words as digits and typos corrected."""
    text = question.lower().replace("\u2019", "'").replace("&", " and ").replace("%", " percent ")
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # full stops, but not 1.5
    text = re.sub(r"[?!,;:\"()\[\]{}]", " ", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    tokens = [ABBREVIATIONS.get(word) or correct(word, extra) for word in text.split()]
    return " ".join(str(NUMBERS.get(word, word)) for word in tokens)


def correct(word: str, extra: frozenset[str] = frozenset()) -> str:
    """``word``, or the vocabulary word it is a likely typo of."""
    if not word.isalpha() or word in VOCABULARY or word in extra or len(word) < 3:
        return word
    candidates = _vocabulary_list() + sorted(extra)
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8 if len(word) > 3 else 0.85)
    return match[0] if match else word


@cache
def _vocabulary_list() -> list[str]:
    return sorted(VOCABULARY)


STOPWORDS = words(
    """
    how many much what what's whats was were is are did do does the a an of in on at for to from by
    with and or our my we me us i show tell give get list total number count please have had has
    been be so far it its there this that those these all can you could would let know see about
    also just only your hey hi overall altogether combined figure figures stats numbers amount value
    store stores shop shops like size usage used instead kindly
    """
)
