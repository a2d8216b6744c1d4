"""The fuzz tests' caller rotation: every caller gets an operation's first case, later cases go to
one caller each in turn, and a replayed case goes to the callers it went to before."""

from dataclasses import dataclass

import pytest

from tests.api.fuzz_callers import CallerRotation

pytestmark = [pytest.mark.api]


@dataclass(frozen=True)
class Case:
    query: dict


def test_the_first_case_goes_to_every_caller_and_the_later_ones_in_turn():
    rotation = CallerRotation(["anonymous", "visitor", "customer", "staff"], start=2)

    given = [rotation.callers_for(Case(query={"page": n})) for n in range(6)]

    assert given == [
        ("anonymous", "visitor", "customer", "staff"),
        ("customer",),
        ("staff",),
        ("anonymous",),
        ("visitor",),
        ("customer",),
    ]


def test_a_replayed_case_goes_to_the_same_callers():
    rotation = CallerRotation(["token", "bad token"])
    first, second = Case(query={"q": "a"}), Case(query={"q": "b"})
    rotation.callers_for(first)
    assert rotation.callers_for(second) == ("token",)

    assert rotation.callers_for(Case(query={"q": "b"})) == ("token",)
    assert rotation.callers_for(Case(query={"q": "a"})) == ("token", "bad token")


def test_a_rotation_needs_a_caller():
    with pytest.raises(ValueError, match="one caller"):
        CallerRotation([])
