"""Store names in a question: each store's full name, or a word of it that no other store shares
and that means nothing else in a question ("North", not "Second")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .offline_lexicon import ALL_STORES, AMBIGUOUS_NAME_WORDS, blank
from .offline_words import VOCABULARY, normalise
from .periods import MONTHS


@dataclass(frozen=True)
class StoreRef:
    id: int
    name: str


def store_aliases(stores: list[StoreRef]) -> list[tuple[str, int]]:
    """Each store's full name and the words of it no other store shares (unless the word means
    something else in a question), longest first."""
    aliases: list[tuple[str, int]] = []
    own = frozenset(word for store in stores for word in store.name.lower().split())
    for store in stores:
        aliases.append((normalise(store.name, own), store.id))
        others = {word for other in stores if other.id != store.id for word in normalise(other.name, own).split()}
        for word in normalise(store.name, own).split():
            ambiguous = word in AMBIGUOUS_NAME_WORDS or word in VOCABULARY or word in MONTHS
            if word not in others and not ambiguous and len(word) > 2:
                aliases.append((word, store.id))
    return sorted(aliases, key=lambda alias: -len(alias[0]))


def find_stores(text: str, stores: list[StoreRef]) -> tuple[list[int] | None, str]:
    if match := ALL_STORES.search(text):
        return None, blank(text, match)
    found: list[int] = []
    for alias, store_id in store_aliases(stores):
        match = re.search(
            rf"\b(?:(?:at|in|for|from|only|just)\s+)?(?:the\s+)?{re.escape(alias)}(?:\s+(?:store|shop))?\b", text
        )
        if match:
            if store_id not in found:
                found.append(store_id)
            text = blank(text, match)
    return (sorted(found) or None), text
