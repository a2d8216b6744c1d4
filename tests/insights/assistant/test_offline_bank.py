"""Issue 14: the offline planner on the question bank (tests/insights/assistant/question_bank.yaml):
at least 95% of the questions get exactly the expected tool and arguments (or the refusal, or
"not understood"); every miss is printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from commerce.insights.assistant.offline_planner import StoreRef, plan_offline
from commerce.insights.assistant.tools import normalised

pytestmark = pytest.mark.insights

BANK = yaml.safe_load((Path(__file__).parent / "question_bank.yaml").read_text())
TODAY: date = BANK["today"]
STORES = [StoreRef(id=int(key), name=name) for key, name in BANK["stores"].items()]


def _expected(entry: dict[str, Any]) -> Any:
    if entry.get("refuse"):
        return "refused"
    if entry.get("not_understood"):
        return "not_understood"
    calls = [(entry["tool"], normalised(entry["tool"], _iso(entry["args"])))]
    if "compare" in entry:
        calls.append((entry["tool"], {**calls[0][1], **_iso(entry["compare"])}))
    return calls


def _iso(args: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in args.items()}


def _actual(entry: dict[str, Any]) -> Any:
    previous = plan_offline(entry["after"], today=TODAY, stores=STORES) if "after" in entry else None
    plan = plan_offline(entry["q"], today=TODAY, stores=STORES, previous=previous)
    if plan.outcome != "answered":
        return plan.outcome
    return [(call.name, normalised(call.name, call.arguments)) for call in plan.calls]


def test_the_bank_is_large_and_varied():
    questions = BANK["questions"]
    assert len(questions) >= 150
    assert sum(1 for q in questions if q.get("refuse")) >= 10
    assert sum(1 for q in questions if "compare" in q) >= 10
    assert sum(1 for q in questions if "after" in q) >= 10
    assert len({q["q"].lower() for q in questions}) == len(questions)


def test_the_offline_planner_answers_at_least_95_percent_of_the_bank_exactly():
    misses = []
    for entry in BANK["questions"]:
        expected, actual = _expected(entry), _actual(entry)
        if expected != actual:
            misses.append(f"{entry['q']!r}: expected {expected}, got {actual}")
    print(f"\n{len(BANK['questions']) - len(misses)}/{len(BANK['questions'])} right; misses:")
    print("\n".join(misses) or "(none)")
    assert len(misses) <= len(BANK["questions"]) * 0.05, "\n".join(misses)
