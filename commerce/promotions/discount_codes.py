"""Codes in bulk: generating many unique single-use (or limited) codes for a discount, and
exporting a discount's codes as CSV.

Codes are the prefix plus a random part drawn from an alphabet without look-alikes (no 0/O,
1/I/L), upper-case as ``DiscountCode`` stores them. Collisions with codes already in the store
are found with one query per round and drawn again; the inserts are batched and atomic.
"""

from __future__ import annotations

import csv
import re
import secrets
from typing import TextIO

from django.db import IntegrityError, transaction
from django.db.models.functions import Upper

from commerce.core.exceptions import CommerceError

from .models import Discount, DiscountCode

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_COUNT = 10_000
MIN_LENGTH = 6
CODE_MAX_LENGTH = DiscountCode._meta.get_field("code").max_length
PREFIX_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_-]*")
CSV_HEADER = ("code", "usage_limit", "times_used")
_ROUNDS = 10
_BATCH = 1000


def discount_codes_generate(
    *, discount: Discount, count: int, prefix: str = "", length: int = 8, usage_limit: int | None = 1
) -> list[DiscountCode]:
    """Create ``count`` new unique codes for ``discount`` (in its store), all or none."""
    prefix = prefix.strip().upper()
    _validate(count=count, prefix=prefix, length=length, usage_limit=usage_limit)
    for attempt in range(3):
        try:
            with transaction.atomic():
                codes = _fresh_codes(discount=discount, count=count, prefix=prefix, length=length)
                return DiscountCode.objects.bulk_create(
                    [
                        DiscountCode(discount=discount, store_id=discount.store_id, code=code, usage_limit=usage_limit)
                        for code in codes
                    ],
                    batch_size=_BATCH,
                )
        except IntegrityError:
            # Someone created one of these codes between our check and our insert: draw again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _validate(*, count: int, prefix: str, length: int, usage_limit: int | None) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise CommerceError(f"Generate between 1 and {MAX_COUNT:,} codes at a time.", field="count")
    if length < MIN_LENGTH:
        raise CommerceError(f"The random part needs at least {MIN_LENGTH} characters.", field="length")
    if prefix and not PREFIX_PATTERN.fullmatch(prefix):
        raise CommerceError(
            "A prefix may use letters, digits, dashes and underscores, starting with a letter or digit.",
            field="prefix",
        )
    if len(prefix) + length > CODE_MAX_LENGTH:
        raise CommerceError(
            f"Prefix and random part together must fit in {CODE_MAX_LENGTH} characters.", field="length"
        )
    if len(ALPHABET) ** length < count * 1000:
        raise CommerceError("Use a longer random part for this many codes.", field="length")
    if usage_limit is not None and usage_limit < 1:
        raise CommerceError("Each code must be usable at least once (or leave the limit empty).", field="usage_limit")


def _fresh_codes(*, discount: Discount, count: int, prefix: str, length: int) -> list[str]:
    """``count`` distinct codes not yet in the store: draw, drop those taken, draw the shortfall."""
    chosen: set[str] = set()
    for _ in range(_ROUNDS):
        wanted = count - len(chosen)
        if wanted == 0:
            break
        drawn: set[str] = set()
        while len(drawn) < wanted:
            code = prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
            if code not in chosen:
                drawn.add(code)
        taken = set(
            DiscountCode.objects.annotate(code_upper=Upper("code"))
            .filter(store_id=discount.store_id, code_upper__in=list(drawn))
            .values_list("code_upper", flat=True)
        )
        chosen |= drawn - taken
    if len(chosen) < count:
        raise CommerceError("Could not find enough unused codes; use a longer random part.", field="length")
    return sorted(chosen)


def discount_codes_csv(*, discount: Discount, out: TextIO) -> int:
    """Write the discount's codes to ``out`` as CSV (code, usage_limit, times_used); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    rows = (
        DiscountCode.objects.filter(discount=discount)
        .order_by("code")
        .values_list("code", "usage_limit", "times_used")
        .iterator(chunk_size=2000)
    )
    count = 0
    for code, usage_limit, times_used in rows:
        # Codes are letters, digits, "-" and "_" when generated; guard hand-typed ones against
        # spreadsheet formula injection all the same.
        safe = f"'{code}" if code[:1] in "=+-@\t\r" else code
        writer.writerow((safe, "" if usage_limit is None else usage_limit, times_used))
        count += 1
    return count
