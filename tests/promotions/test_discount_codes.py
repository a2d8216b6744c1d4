"""Generating codes in bulk and exporting them as CSV."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from commerce.core.exceptions import CommerceError
from commerce.promotions import discount_codes
from commerce.promotions.discount_codes import ALPHABET, discount_codes_csv, discount_codes_generate
from commerce.promotions.models import DiscountCode
from tests.promotions.conftest import make_discount

pytestmark = pytest.mark.django_db


@pytest.mark.benchmark
def test_a_thousand_single_use_codes_in_a_bounded_number_of_queries(store, django_assert_max_num_queries):
    discount = make_discount(store, name="Influencers")

    with django_assert_max_num_queries(6):  # savepoint, the collision check, one insert, release
        codes = discount_codes_generate(discount=discount, count=1000, prefix="inf-", length=8, usage_limit=1)

    stored = list(DiscountCode.objects.filter(discount=discount))
    assert len(codes) == len(stored) == 1000
    assert len({c.code for c in stored}) == 1000
    assert all(c.code.startswith("INF-") and len(c.code) == 12 for c in stored)
    assert all(set(c.code[4:]) <= set(ALPHABET) for c in stored)
    assert {(c.usage_limit, c.times_used, c.store_id) for c in stored} == {(1, 0, store.pk)}


def test_codes_already_in_the_store_are_drawn_again(store, monkeypatch):
    discount = make_discount(store, codes=("X-AAAAAA",))
    draws = itertools.chain(["A"] * 6, itertools.cycle("BCDEFGHJ"))
    monkeypatch.setattr(discount_codes.secrets, "choice", lambda alphabet: next(draws))

    [code] = discount_codes_generate(discount=discount, count=1, prefix="x-", length=6, usage_limit=1)

    assert code.code != "X-AAAAAA"
    assert DiscountCode.objects.filter(discount=discount).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 10_001}, "count"),
        ({"length": 5}, "length"),
        ({"prefix": "-bad"}, "prefix"),
        ({"prefix": "A" * 35}, "length"),
        ({"usage_limit": 0}, "usage_limit"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(store, kwargs, field):
    discount = make_discount(store)
    request = {"count": 10, "prefix": "", "length": 8, "usage_limit": 1, **kwargs}

    with pytest.raises(CommerceError) as error:
        discount_codes_generate(discount=discount, **request)

    assert error.value.field == field
    assert DiscountCode.objects.count() == 0


def test_csv_lists_the_discounts_codes_with_their_uses(store):
    discount = make_discount(store, codes=("BETA", "ALPHA"), code_limit=1)
    DiscountCode.objects.filter(code="ALPHA").update(times_used=1)
    DiscountCode.objects.create(discount=discount, store=store, code="=CMD", usage_limit=None)
    make_discount(store, name="Other", codes=("NOT-MINE",))
    out = io.StringIO()

    count = discount_codes_csv(discount=discount, out=out)

    assert count == 3
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["code", "usage_limit", "times_used"],
        ["'=CMD", "", "0"],
        ["ALPHA", "1", "1"],
        ["BETA", "1", "0"],
    ]
