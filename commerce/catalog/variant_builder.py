"""The variant builder's rules: every combination of the option values a marketer names, each with a
SKU suggested from a pattern, and the store's products already holding any suggested SKU named.

The product editor's builder (``panels.VariantBuilderPanel`` and ``static/catalog/variant_builder.js``)
asks ``/admin/products/variant-builder/`` for these rows and fills the variants formset with them;
saving still goes through ``ProductPageForm``, which refuses a SKU held elsewhere, naming the page.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.utils.text import slugify

from commerce.stores.models import Store

from .conflicts import sku_conflict_message, sku_holders

DEFAULT_PATTERN = "{product}-{option1}-{option2}"
TOKENS = ("{product}", "{option1}", "{option2}", "{n}")
MAX_VALUES = 30
MAX_COMBINATIONS = 100
SKU_LENGTH = 64


class BuilderError(ValueError):
    """A request the builder cannot answer, with the field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class VariantSuggestion:
    option1: str
    option2: str
    sku: str
    conflict: str = ""  # HTML naming the product that already holds the SKU, with a link to it


def split_values(text: str, *, field: str) -> list[str]:
    """ "S, M, L" → ["S", "M", "L"]: trimmed, blanks dropped, repeats (ignoring case) refused."""
    values = [value.strip() for value in re.split(r"[,\n]", text or "") if value.strip()]
    seen: set[str] = set()
    for value in values:
        if value.lower() in seen:
            raise BuilderError(field, f"“{value}” is listed twice.")
        if len(value) > 60:
            raise BuilderError(field, f"“{value[:20]}…” is longer than 60 characters.")
        seen.add(value.lower())
    if len(values) > MAX_VALUES:
        raise BuilderError(field, f"At most {MAX_VALUES} values.")
    return values


def option_combinations(option1: list[str], option2: list[str]) -> list[tuple[str, str]]:
    """Every (option 1, option 2) pair, option 1 varying slowest; one option alone gives its values."""
    if not option1 and not option2:
        return []
    return list(itertools.product(option1 or [""], option2 or [""]))


def code(text: str) -> str:
    """A SKU part: "Merino jumper" → "MERINO-JUMPER", "Stone" → "STONE"."""
    return slugify(text).upper()


def suggest_sku(pattern: str, *, product: str, option1: str, option2: str, n: int) -> str:
    """The pattern with its tokens filled; empty parts and their separators are dropped."""
    sku = (
        (pattern or DEFAULT_PATTERN)
        .replace("{product}", code(product)[:24].strip("-"))
        .replace("{option1}", code(option1))
        .replace("{option2}", code(option2))
        .replace("{n}", str(n))
    )
    sku = re.sub(r"([-_./])\1+", r"\1", sku).strip("-_./ ")
    return sku[:SKU_LENGTH]


def build_variants(
    *,
    store: Store | None,
    product: str,
    option1_text: str,
    option2_text: str,
    pattern: str = DEFAULT_PATTERN,
    exclude_page_id: int | None = None,
) -> list[VariantSuggestion]:
    """The rows to generate: each combination with its suggested SKU and, when another product of
    the store already holds it, a message naming that product."""
    pattern = (pattern or DEFAULT_PATTERN).strip()
    if not any(token in pattern for token in TOKENS):
        raise BuilderError("pattern", "The SKU pattern needs at least one of " + ", ".join(TOKENS) + ".")
    combinations = option_combinations(
        split_values(option1_text, field="option1"), split_values(option2_text, field="option2")
    )
    if not combinations:
        raise BuilderError("option1", "Name at least one value, e.g. S, M, L.")
    if len(combinations) > MAX_COMBINATIONS:
        raise BuilderError("option2", f"{len(combinations)} combinations: at most {MAX_COMBINATIONS}.")
    skus: list[str] = []
    for n, (first, second) in enumerate(combinations, start=1):
        sku = suggest_sku(pattern, product=product, option1=first, option2=second, n=n) or f"SKU-{n}"
        if sku in skus:  # a pattern without the options: keep each SKU distinct
            sku = f"{sku}-{n}"[:SKU_LENGTH]
        skus.append(sku)
    held = sku_holders(store=store, skus=skus, exclude_page_id=exclude_page_id) if store is not None else {}
    return [
        VariantSuggestion(
            option1=first,
            option2=second,
            sku=sku,
            conflict=sku_conflict_message(sku=sku, page=held[sku], store=store) if sku in held and store else "",
        )
        for (first, second), sku in zip(combinations, skus, strict=True)
    ]
