"""Dates as people write them: a leading `hôm qua`, `yesterday`, `dd/mm` or `dd/mm/yyyy`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_YESTERDAY = re.compile(r"^(hôm qua|hom qua|yesterday)(?=$|[\s:,.\-])[\s:,.\-]*", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"^(?:ngày\s+)?(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}))?(?=$|[\s:,\-])[\s:,\-]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LeadingDate:
    """The date named at the start of a text (None when it names none) and the rest."""

    day: date | None
    rest: str
    invalid: bool = False


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The local calendar date of a moment."""
    return moment.astimezone(zone).date()


def parse_leading_date(text: str, today: date) -> LeadingDate:
    """Split a leading date marker off a text; `dd/mm` without a year means the latest past one."""
    text = unicodedata.normalize("NFC", text).strip()
    match = _YESTERDAY.match(text)
    if match:
        return LeadingDate(today - timedelta(days=1), text[match.end() :].strip())
    match = _DAY_MONTH.match(text)
    if not match:
        return LeadingDate(None, text)
    day, month = int(match.group(1)), int(match.group(2))
    year = int(match.group(3)) if match.group(3) else today.year
    rest = text[match.end() :].strip()
    try:
        named = date(year, month, day)
    except ValueError:
        return LeadingDate(None, rest, invalid=True)
    if not match.group(3) and named > today + timedelta(days=31):
        # "28/12" written on 2 January means last December.
        try:
            named = date(year - 1, month, day)
        except ValueError:
            return LeadingDate(None, rest, invalid=True)
    return LeadingDate(named, rest)


def format_day(day: date, lang: str = "vi", *, weekday: bool = False) -> str:
    """dd/mm/yyyy, optionally with the weekday in front ("Thứ Sáu, 27/11/2026")."""
    text = day.strftime("%d/%m/%Y")
    if not weekday:
        return text
    names = WEEKDAYS_EN if lang == "en" else WEEKDAYS_VI
    return f"{names[day.weekday()]}, {text}"


# dd/mm or dd/mm/yyyy, the whole message.
_PLANNED_DAY = re.compile(r"^\s*(?:ngày\s+)?(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}))?\s*$", re.I)


def parse_planned_day(text: str, today: date) -> date | str | None:
    """A planned day from dd/mm[/yyyy]: None when not a date, 'invalid' when no such day.

    Without a year, this year's day is meant, or next year's when this year's is long past
    (planning January in December).
    """
    match = _PLANNED_DAY.match(text)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    year = int(match.group(3)) if match.group(3) else today.year
    try:
        named = date(year, month, day)
        if not match.group(3) and named < today - timedelta(days=180):
            named = date(year + 1, month, day)
    except ValueError:
        return "invalid"
    return named
