"""Finding a period in a question's words (already normalised): each pattern builds a
:class:`~commerce.insights.assistant.periods.NamedPeriod` against ``today``; the first that matches
wins, and its words are blanked so nothing reads them twice."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from . import periods as p
from .periods import MONTHS, NamedPeriod

MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
ISO = r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
DAY_MONTH = rf"(\d{{1,2}})\s+(?:of\s+)?{MONTH}(?:\s+(\d{{4}}))?"
MONTH_DAY = rf"{MONTH}\s+(\d{{1,2}})(?!\d)(?:\s+(\d{{4}}))?"
DATE = rf"(?:{ISO}|{DAY_MONTH}|{MONTH_DAY})"
TO = r"\s*(?:to|and|until|till|through|thru|-)\s*"


def _year_for(month: int, day: int, today: date) -> int:
    return today.year if (month, day) <= (today.month, today.day) else today.year - 1


def parse_date(text: str, today: date) -> date | None:
    """One date written as 2026-03-01, 1 March (2026) or March 1 (2026); ``None`` if not a real date."""
    for pattern, order in ((ISO, "ymd"), (DAY_MONTH, "dmy"), (MONTH_DAY, "mdy")):
        match = re.fullmatch(pattern, text.strip())
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = int(parts["m"]) if parts["m"].isdigit() else MONTHS[parts["m"]]
        day = int(parts["d"])
        year = int(parts["y"]) if parts["y"] else _year_for(month, day, today)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


Builder = Callable[[re.Match[str], date], NamedPeriod | None]


def _range(match: re.Match[str], today: date) -> NamedPeriod | None:
    first, second = parse_date(match.group("a"), today), parse_date(match.group("b"), today)
    return p.explicit(first, second) if first and second else None


def _month_days(match: re.Match[str], today: date) -> NamedPeriod | None:
    month = MONTHS[match.group("m")]
    year = int(match.group("y")) if match.group("y") else _year_for(month, int(match.group("d1")), today)
    try:
        return p.explicit(date(year, month, int(match.group("d1"))), date(year, month, int(match.group("d2"))))
    except ValueError:
        return None


def _since(match: re.Match[str], today: date) -> NamedPeriod | None:
    day = parse_date(match.group("a"), today)
    return NamedPeriod(f"since {day.isoformat()}", p.Period(day, max(day, today))) if day else None


def _on(match: re.Match[str], today: date) -> NamedPeriod | None:
    day = parse_date(match.group("a"), today)
    return NamedPeriod("", p.Period(day, day)) if day else None


def _last_n(match: re.Match[str], today: date) -> NamedPeriod | None:
    count, unit = int(match.group("n")), match.group("u")
    if count < 1 or count > 1000:
        return None
    if unit.startswith("week"):
        return NamedPeriod(f"the last {count} weeks", p.Period(today - timedelta(days=7 * count - 1), today))
    if unit.startswith("month"):
        start = p.add_months(today, -count).replace(day=min(today.day, 28)) + timedelta(days=1)
        return NamedPeriod(f"the last {count} months", p.Period(start, today))
    return p.last_days(today, count)


def _weekend(_match: re.Match[str], today: date) -> NamedPeriod:
    sunday = today - timedelta(days=today.weekday() + 1)
    return NamedPeriod("last weekend", p.Period(sunday - timedelta(days=1), sunday))


def _quarter_number(match: re.Match[str], today: date) -> NamedPeriod:
    words = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}
    year = match.group("y")
    return p.quarter(today, words[match.group("q")], int(year) if year else None)


def _named_month(match: re.Match[str], today: date) -> NamedPeriod:
    year = match.group("y")
    return p.named_month(today, MONTHS[match.group("m")], int(year) if year else None)


def _year_number(match: re.Match[str], today: date) -> NamedPeriod | None:
    number = int(match.group("y"))
    return p.year(today, number=number) if 2000 <= number <= today.year else None


PATTERNS: tuple[tuple[str, Builder], ...] = (
    (rf"(?:from\s+|between\s+)?(?P<a>{DATE}){TO}(?P<b>{DATE})", _range),
    (rf"(?P<m>{MONTH[1:-1]})\s+(?P<d1>\d{{1,2}})\s*-\s*(?P<d2>\d{{1,2}})(?:\s+(?P<y>\d{{4}}))?", _month_days),
    (rf"(?:since|starting|from)\s+(?P<a>{DATE})", _since),
    (rf"(?:on\s+)?(?P<a>{DATE})", _on),
    (r"(?:the\s+)?(?:last|past|previous|prior|trailing)\s+(?P<n>\d+)\s+(?P<u>days?|weeks?|months?)", _last_n),
    (
        r"day\s+before\s+yesterday",
        lambda m, t: NamedPeriod("the day before yesterday", p.Period(t - timedelta(2), t - timedelta(2))),
    ),
    (r"(?:so\s+far\s+)?today|so\s+far\s+today", lambda m, t: p.today_period(t)),
    (r"yesterday", lambda m, t: p.yesterday(t)),
    (r"(?:the\s+)?week\s+before\s+last", lambda m, t: p.week(t, 2)),
    (r"(?:the\s+)?month\s+before\s+last", lambda m, t: p.month(t, 2)),
    (r"(?:so\s+far\s+)?(?:this|current)\s+week|week\s+to\s+date|wtd", lambda m, t: p.week(t)),
    (r"(?:last|previous|prior)\s+week", lambda m, t: p.week(t, 1)),
    (r"(?:the\s+)?past\s+week|(?:a|one)\s+fortnight", lambda m, t: p.last_days(t, 7)),
    (r"(?:the\s+)?(?:last|past)\s+fortnight", lambda m, t: p.last_days(t, 14)),
    (r"(?:the\s+)?past\s+month", lambda m, t: p.last_days(t, 30)),
    (r"(?:the\s+)?past\s+year", lambda m, t: p.last_days(t, 365)),
    (r"last\s+weekend|(?:the|this)\s+(?:past\s+)?weekend", _weekend),
    (r"(?:so\s+far\s+)?(?:this|current)\s+month|month\s+to\s+date|mtd", lambda m, t: p.month(t)),
    (r"(?:last|previous|prior)\s+month", lambda m, t: p.month(t, 1)),
    (r"(?:this|current)\s+quarter|quarter\s+to\s+date|qtd", lambda m, t: p.quarter(t)),
    (r"(?:last|previous|prior)\s+quarter", lambda m, t: p.quarter(t, back=1)),
    (r"q(?P<q>[1-4])(?:\s+(?P<y>\d{4}))?", _quarter_number),
    (r"(?:the\s+)?(?P<q>first|second|third|fourth|[1-4])\s+quarter(?:\s+(?:of\s+)?(?P<y>\d{4}))?", _quarter_number),
    (r"quarter\s+(?P<q>[1-4])(?:\s+(?:of\s+)?(?P<y>\d{4}))?", _quarter_number),
    (r"year\s+to\s+date|ytd|(?:so\s+far\s+)?(?:this|current)\s+year", lambda m, t: p.year(t)),
    (r"(?:last|previous|prior)\s+year", lambda m, t: p.year(t, 1)),
    (rf"(?:(?:in|for|during|of|last|since)\s+)?(?P<m>{MONTH[1:-1]})(?:\s+(?P<y>\d{{4}}))?", _named_month),
    (r"(?:in\s+|for\s+|during\s+)?(?P<y>(?:19|20)\d\d)", _year_number),
)
COMPILED = tuple((re.compile(rf"(?<![\w-]){pattern}(?![\w-])"), build) for pattern, build in PATTERNS)


def find_period(text: str, today: date) -> tuple[NamedPeriod | None, str]:
    """The first period named in ``text`` and the text with its words blanked."""
    for pattern, build in COMPILED:
        for match in pattern.finditer(text):
            if match.groupdict().get("m") == "may" and not _may_is_month(text, match):
                continue
            named = build(match, today)
            if named is not None:
                return named, text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    return None, text


def _may_is_month(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()].split()[-1:] if text[: match.start()].strip() else []
    return (
        bool(match.group("y"))
        or match.group(0).strip() != "may"
        or (before and before[0] in {"in", "for", "of", "during", "since"})
    )
