"""The product page's variant picker: one group per option (Size, Colour), like every major shop.

Each value links to ``?variant=<id>`` of the variant with that value and the other option as
chosen (else the first variant that has the value), so choosing works without JavaScript and the
URL always names the choice; values whose combination is missing or sold out are marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .selectors import VariantChoice


@dataclass(frozen=True)
class OptionValue:
    value: str
    variant_id: int
    selected: bool
    unavailable: bool


@dataclass(frozen=True)
class OptionPicker:
    name: str
    index: int  # 1 or 2: which of the variant's option values this group chooses
    values: tuple[OptionValue, ...]


def _options(variant: VariantChoice) -> tuple[str, str]:
    return variant.option1, variant.option2


def option_pickers(
    *, names: Sequence[str], variants: Sequence[VariantChoice], selected: VariantChoice | None
) -> tuple[OptionPicker, ...]:
    """One picker per named option that has values; empty when the variants carry no options."""
    if selected is None or len(variants) < 2:
        return ()
    pickers = []
    for index, name in enumerate(names, start=1):
        if not name:
            continue
        position = index - 1
        values = list(dict.fromkeys(_options(v)[position] for v in variants if _options(v)[position]))
        if not values:
            continue
        others = [i for i in range(len(names)) if i != position]
        entries = []
        for value in values:
            having = [v for v in variants if _options(v)[position] == value]
            exact = next(
                (v for v in having if all(_options(v)[i] == _options(selected)[i] for i in others)),
                None,
            )
            target = exact or next((v for v in having if v.is_available), having[0])
            entries.append(
                OptionValue(
                    value=value,
                    variant_id=target.id,
                    selected=_options(selected)[position] == value,
                    unavailable=exact is None or not exact.is_available,
                )
            )
        pickers.append(OptionPicker(name=name, index=index, values=tuple(entries)))
    return tuple(pickers)


def variant_data(variants: Sequence[VariantChoice]) -> list[dict[str, object]]:
    """What the page's script needs to switch variants in place (json_script), prices already formatted.
    ``available`` is the units left of a low variant, 0 when sold out, null when well stocked (the
    page neither shows nor limits those: the cart adds what is left and says so)."""
    return [
        {
            "id": v.id,
            "options": [v.option1, v.option2],
            "label": v.label,
            "price": str(v.price),
            "compareAt": str(v.compare_at_price) if v.on_sale else "",
            "stock": v.stock_status,
            "available": v.available_quantity if v.is_available else 0,
        }
        for v in variants
    ]
