"""Reading what a commune contact types when registering a study visit: the officials (one
per line, "Họ tên — chức vụ") and the preferred weeks (any day of each week)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from handlers.study_weeks import week_of

_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}))?")
# "Họ tên — chức vụ": the first dash (spaced), comma, colon or opening bracket splits the line.
_TITLE_SPLIT = re.compile(r"\s+[—–-]\s+|\s*[,:;(]\s*|\s*[—–]\s*")
_BULLET = re.compile(r"^\s*(?:[-•*+]|\d{1,3}[.)])\s*")


def parse_people(text: str) -> list[tuple[str, str]]:
    """(name, position) per line; lines without any letter are not people."""
    people = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if not any(ch.isalpha() for ch in line):
            continue
        parts = _TITLE_SPLIT.split(line, maxsplit=1)
        name = " ".join(parts[0].split())
        title = " ".join(parts[1].rstrip(")").split()) if len(parts) > 1 else ""
        if any(ch.isalpha() for ch in name):
            people.append((name[:100], title[:150]))
    return people


def parse_weeks(text: str, today: date) -> list[date] | str:
    """The Mondays named by the dates in a text, or 'none'/'invalid'."""
    found = _DATE.findall(text)
    if not found:
        return "none"
    weeks: list[date] = []
    for day_s, month_s, year_s in found:
        year = int(year_s) if year_s else today.year
        try:
            named = date(year, int(month_s), int(day_s))
            if not year_s and named < today - timedelta(days=180):
                named = date(year + 1, int(month_s), int(day_s))
        except ValueError:
            return "invalid"
        if week_of(named) not in weeks:
            weeks.append(week_of(named))
    return weeks
