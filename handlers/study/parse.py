"""Reading what a commune contact types when registering a study visit: the officials (one
per line, "Họ tên — chức vụ") and the preferred weeks (any day of each week, or "tuần sau")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from handlers.core.dates import Lean, find_dates
from handlers.core.textfold import fold
from handlers.study.weeks import week_of

# "Họ tên — chức vụ": the first dash (spaced), comma, colon or opening bracket splits the line.
_TITLE_SPLIT = re.compile(r"\s+[—–-]\s+|\s*[,:;(]\s*|\s*[—–]\s*")
_BULLET = re.compile(r"^\s*(?:[-•*+]|\d{1,3}[.)])\s*")
_NAME_LIST = re.compile(r"\s*[,;]\s*")
# Folded phrases naming a week relative to this one, longest first.
_RELATIVE_WEEKS = (
    ("tuan sau nua", 2),
    ("tuan sau", 1),
    ("tuan toi", 1),
    ("week after next", 2),
    ("next week", 1),
)


def looks_like_name(piece: str) -> bool:
    """Whether this reads as a Vietnamese full name: 2–6 capitalised words, no digits."""
    words = piece.split()
    return 2 <= len(words) <= 6 and all(w[0].isupper() and w.isalpha() for w in words)


def _person(line: str) -> tuple[str, str] | None:
    parts = _TITLE_SPLIT.split(line, maxsplit=1)
    name = " ".join(parts[0].split())
    title = " ".join(parts[1].rstrip(")").split()) if len(parts) > 1 else ""
    if not any(ch.isalpha() for ch in name):
        return None
    return name[:100], title[:150]


def parse_people(text: str) -> list[tuple[str, str]]:
    """(name, position) per line; lines without any letter are not people."""
    people = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if not any(ch.isalpha() for ch in line):
            continue
        pieces = [p for p in _NAME_LIST.split(line) if p]
        if len(pieces) > 1 and all(looks_like_name(p) for p in pieces):
            people += [(" ".join(p.split())[:100], "") for p in pieces]
            continue
        person = _person(line)
        if person is not None:
            people.append(person)
    return people


def parse_weeks(text: str, today: date) -> list[date] | str:
    """The Mondays named by the dates (or 'tuần sau') in a text, or 'none'/'invalid'."""
    weeks: list[date] = []
    folded = fold(text)
    for phrase, ahead in _RELATIVE_WEEKS:
        if phrase in folded:
            folded = folded.replace(phrase, " ")
            weeks.append(week_of(today) + timedelta(weeks=ahead))
    named = find_dates(folded, today, lean=Lean.AHEAD)
    if isinstance(named, str):
        return "invalid"
    for day in named:
        if week_of(day) not in weeks:
            weeks.append(week_of(day))
    return weeks or "none"
