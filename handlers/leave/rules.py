"""The rules of personal leave (nghỉ phép): how its dates are read and which leave is accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from handlers.core.dates import LeadingDate, Lean, parse_leading_date

MAX_LEAVE_DAYS = 60
MAX_AHEAD_DAYS = 180
MAX_REASON_CHARS = 200
# The reason recorded by the "Nghỉ phép hôm nay" button of a reminder.
DEFAULT_REASON = "Nghỉ phép"

# Between the two dates of a one-line leave: "01/12 đến 03/12", "01/12 - 03/12".
_UNTIL = re.compile(r"^(?:đến|den|tới|toi|to|-|–)\s*", re.IGNORECASE)

NamedDay = LeadingDate


@dataclass(frozen=True)
class LeaveLine:
    """What one line like `01/12 03/12 Việc gia đình` says."""

    start: date | None
    end: date | None
    reason: str
    invalid: str = ""


@dataclass(frozen=True)
class Review:
    """The parts of a leave that pass the rules, and the first rule broken (a catalog key)."""

    start: date | None
    end: date | None
    reason: str
    problem: str | None = None


def parse_day(text: str, today: date, anchor: date | None = None) -> NamedDay:
    """Split a leading date off a text, looking ahead (handlers.dates); `anchor` for a last day."""
    return parse_leading_date(text, today, lean=Lean.AHEAD, anchor=anchor)


def parse_line(text: str, today: date) -> LeaveLine:
    """First day, last day (optional) and reason from one line; the last day defaults to none."""
    first = parse_day(text, today)
    if first.day is None:
        return LeaveLine(None, None, first.rest, first.invalid)
    rest = first.rest
    until = _UNTIL.match(rest)
    second = parse_day(rest[until.end() :] if until else rest, today, anchor=first.day)
    if second.invalid:
        return LeaveLine(first.day, None, second.rest, second.invalid)
    if second.day is None:
        # "01/12 đến" with nothing after: no reason given either.
        return LeaveLine(first.day, None, "" if until and not second.rest else rest)
    return LeaveLine(first.day, second.day, second.rest)


def review(
    start: date | None, end: date | None, reason: str, today: date, backdate_days: int
) -> Review:
    """Keep what passes the rules; a bad first day also drops the last day (read against it)."""
    reason = " ".join(reason.split())
    problem = None
    if start is not None:
        if today - start > timedelta(days=backdate_days):
            problem, start, end = "leave.too_old", None, None
        elif start - today > timedelta(days=MAX_AHEAD_DAYS):
            problem, start, end = "leave.too_far", None, None
    if start is not None and end is not None:
        if end < start:
            problem, end = "leave.end_before_start", None
        elif (end - start).days + 1 > MAX_LEAVE_DAYS:
            problem, end = "leave.too_long", None
    if len(reason) > MAX_REASON_CHARS:
        problem, reason = problem or "leave.reason_long", ""
    return Review(start, end, reason, problem)
