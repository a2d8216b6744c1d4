"""Periods named in plain language, resolved to local calendar days against a given ``today``.

Weeks start on Monday. A period that would run past ``today`` ends on ``today`` ("this month" is
the 1st to today). A named month or quarter without a year is the most recent one that has
started (in November, "December" is last December)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from commerce.insights.metrics_scope import Period

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9


@dataclass(frozen=True)
class NamedPeriod:
    """A period and the words that named it (shown beside the resolved dates)."""

    label: str
    period: Period


def clamp(start: date, end: date, today: date, label: str) -> NamedPeriod:
    """The period, ending no later than today (but never before its own start)."""
    return NamedPeriod(label, Period(start, max(start, min(end, today))))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def today_period(today: date) -> NamedPeriod:
    return NamedPeriod("today", Period(today, today))


def yesterday(today: date) -> NamedPeriod:
    day = today - timedelta(days=1)
    return NamedPeriod("yesterday", Period(day, day))


def week(today: date, back: int = 0) -> NamedPeriod:
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=back)
    label = {0: "this week", 1: "last week"}.get(back, f"the week of {monday.isoformat()}")
    return clamp(monday, monday + timedelta(days=6), today, label)


def month(today: date, back: int = 0) -> NamedPeriod:
    first = add_months(today.replace(day=1), -back)
    label = {0: "this month", 1: "last month"}.get(back, first.strftime("%B %Y"))
    return clamp(first, month_end(first.year, first.month), today, label)


def last_days(today: date, days: int) -> NamedPeriod:
    return NamedPeriod(f"the last {days} days", Period(today - timedelta(days=days - 1), today))


def named_month(today: date, number: int, year: int | None = None) -> NamedPeriod:
    if year is None:
        year = today.year if number <= today.month else today.year - 1
    return clamp(date(year, number, 1), month_end(year, number), today, date(year, number, 1).strftime("%B %Y"))


def quarter(today: date, number: int | None = None, year: int | None = None, back: int = 0) -> NamedPeriod:
    """Quarter ``number`` (1-4) of ``year``; without a number, this quarter (``back`` = 1: the last)."""
    if number is None:
        first = add_months(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), -3 * back)
        year, number = first.year, (first.month - 1) // 3 + 1
    elif year is None:
        current = (today.month - 1) // 3 + 1
        year = today.year if number <= current else today.year - 1
    start = date(year, 3 * (number - 1) + 1, 1)
    return clamp(start, month_end(year, start.month + 2), today, f"Q{number} {year}")


def year(today: date, back: int = 0, number: int | None = None) -> NamedPeriod:
    number = number if number is not None else today.year - back
    label = "year to date" if number == today.year else str(number)
    return clamp(date(number, 1, 1), date(number, 12, 31), today, label)


def explicit(start: date, end: date) -> NamedPeriod:
    if end < start:
        start, end = end, start
    return NamedPeriod("", Period(start, end))  # said as its dates


def shift(named: NamedPeriod, unit: str) -> NamedPeriod:
    """The period just before ``named``: a week, month or year earlier for calendar periods, else
    the same number of days before (``unit`` = "period")."""
    period = named.period
    if unit == "week":
        if period.start.weekday() == 0:  # a calendar week (perhaps cut short by today): the whole week before
            return NamedPeriod(
                "the week before", Period(period.start - timedelta(days=7), period.start - timedelta(days=1))
            )
        days = timedelta(weeks=1)
        return NamedPeriod("the week before", Period(period.start - days, period.end - days))
    if unit == "year":
        return NamedPeriod("the same period a year before", same_period_last_year(period))
    if unit == "month":
        first = add_months(period.start.replace(day=1), -1)
        if period.start.day == 1:
            return NamedPeriod("the month before", Period(first, month_end(first.year, first.month)))
        end = min(period.end.day, calendar.monthrange(first.year, first.month)[1])
        start = min(period.start.day, end)
        return NamedPeriod("the month before", Period(first.replace(day=start), first.replace(day=end)))
    return NamedPeriod("the period before", period.previous())


def same_period_last_year(period: Period) -> Period:
    def back(day: date) -> date:
        return day.replace(year=day.year - 1, day=min(day.day, calendar.monthrange(day.year - 1, day.month)[1]))

    return Period(back(period.start), back(period.end))
