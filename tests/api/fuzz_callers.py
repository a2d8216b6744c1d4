"""How the schemathesis tests share an operation's generated cases between their callers.

Every caller gets the operation's first case (the simplest one Hypothesis draws); each later case
goes to one caller, in turn, starting with a different caller for each operation. So every
operation is still called by every caller, each operation still gets all its generated cases,
and the run makes ``callers + cases - 1`` calls an operation instead of ``callers × cases``.
A case Hypothesis replays (to report a failure) goes to the same callers as the first time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from hypothesis import given

Caller = TypeVar("Caller")


class CallerRotation(Generic[Caller]):
    """``callers_for(case)`` for each generated case of one operation."""

    def __init__(self, callers: Sequence[Caller], *, start: int = 0) -> None:
        if not callers:
            raise ValueError("a rotation needs one caller at least")
        self.callers, self.start = tuple(callers), start
        self.assigned: dict[str, tuple[Caller, ...]] = {}

    def callers_for(self, case: object) -> tuple[Caller, ...]:
        key = case_key(case)
        if key not in self.assigned:
            later = len(self.assigned)  # cases before this one
            turn = (self.callers[(self.start + later - 1) % len(self.callers)],)
            self.assigned[key] = self.callers if later == 0 else turn
        return self.assigned[key]


def case_key(case: object) -> str:
    """What a schemathesis case sends, as text: equal for a replay of the same case."""
    parts = ("path_parameters", "query", "headers", "cookies", "body", "media_type")
    return repr(tuple(getattr(case, part, None) for part in parts))


def fuzz_operation(
    operation: Any,
    *,
    callers: Sequence[Caller],
    call: Callable[[Any, Caller], None],
    bound: Callable[[Callable[..., None]], Callable[..., None]],
    start: int = 0,
) -> None:
    """Draw ``operation``'s cases under Hypothesis settings ``bound`` and ``call(case, caller)``
    for the callers the rotation gives each case (``start``: the operation's number)."""
    rotation = CallerRotation(callers, start=start)

    @bound
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        for caller in rotation.callers_for(case):
            call(case, caller)

    check()
