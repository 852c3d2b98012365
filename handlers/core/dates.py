"""Dates as people write them, one parser for every place that takes a date."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Lean(StrEnum):
    """Which way a place looks when a date leaves it open (a weekday, dd/mm without year)."""

    PAST = "past"
    AHEAD = "ahead"


# Folded words for a day counted from today.
_RELATIVE = {
    "hom nay": 0,
    "today": 0,
    "hom qua": -1,
    "yesterday": -1,
    "hom kia": -2,
    "ngay mai": 1,
    "mai": 1,
    "tomorrow": 1,
}
# Parts of the day: "chiều qua" names yesterday and stays in the entry's text (it says when).
_PARTS = ("sang", "trua", "chieu", "toi", "dem")
_PART_OFFSET = {"nay": 0, "qua": -1, "mai": 1}
_WEEKDAY_WORDS = {
    0: ("thu hai", "thu 2", "t2", "monday"),
    1: ("thu ba", "thu 3", "t3", "tuesday"),
    2: ("thu tu", "thu 4", "t4", "wednesday"),
    3: ("thu nam", "thu 5", "t5", "thursday"),
    4: ("thu sau", "thu 6", "t6", "friday"),
    5: ("thu bay", "thu 7", "t7", "saturday"),
    6: ("chu nhat", "cn", "sunday"),
}
_WEEKDAY = {word: number for number, words in _WEEKDAY_WORDS.items() for word in words}
# Written with diacritics, a word must be spelled right: "thứ tự" (order) is not "thứ tư".
_SPELLED = {"hôm", "ngày", "thứ", "chủ", "nhật", "sáng", "trưa", "chiều", "tối", "đêm"}
_SPELLED |= {"tư", "năm", "sáu", "bảy"}
# After a word: the end, or a separator ("hôm qua: …", "t6, …").
_END = r"(?=$|[\s:,.;\-–])[\s:,.;\-–]*"


def _alternatives(words: list[str]) -> str:
    longest_first = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in longest_first)


_WORD = re.compile(r"^(?:hom\s+|ngay\s+)?(" + _alternatives([*_RELATIVE, *_WEEKDAY]) + ")" + _END)
_PART = re.compile(r"^(" + "|".join(_PARTS) + r")\s+(nay|qua|mai)" + _END)
_DAY_MONTH = re.compile(r"^(?:ngay\s+)?(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}))?" + _END)


@dataclass(frozen=True)
class LeadingDate:
    """The date named at the start of a text (None when none), the rest, and a date that is not.

    `invalid` quotes a written date that does not exist ("31/02"). `kept` holds words that
    named the day and also say something the person wants kept ("Chiều qua").
    """

    day: date | None
    rest: str
    invalid: str = ""
    kept: str = ""

    @property
    def content(self) -> str:
        """The text to keep: the rest, with part-of-day words in front when there is a rest."""
        return f"{self.kept} {self.rest}" if self.kept and self.rest else self.rest


def _fold_same_length(text: str) -> str:
    """Lower case without diacritics, one character for each character of `text`."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char.replace("đ", "d").replace("Đ", "D"))[0]
        lowered = base.lower()
        out.append(lowered if len(lowered) == 1 else base)
    return "".join(out)


def _spelled(written: str) -> bool:
    """Whether each word written with diacritics is spelled as a date word."""
    return all(word.isascii() or word in _SPELLED for word in written.lower().split())


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The local calendar date of a moment."""
    return moment.astimezone(zone).date()


def nearest(day: int, month: int, anchor: date) -> date | None:
    """The date with this day and month nearest to `anchor` (a year before, the same, after)."""
    found = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return min(found, key=lambda d: abs(d - anchor)) if found else None


def weekday_date(weekday: int, today: date, lean: Lean) -> date:
    """The most recent such weekday not in the future (PAST), or the next not in the past."""
    if lean is Lean.PAST:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _day_month(
    match: re.Match[str], written: str, rest: str, today: date, lean: Lean, anchor: date | None
) -> LeadingDate:
    day, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        try:
            return LeadingDate(date(int(match.group(3)), month, day), rest)
        except ValueError:
            return LeadingDate(None, rest, invalid=written)
    if lean is Lean.AHEAD:
        named = nearest(day, month, anchor or today)
        return LeadingDate(named, rest) if named else LeadingDate(None, rest, invalid=written)
    try:
        named = date(today.year, month, day)
        if named > today + timedelta(days=31):
            # "28/12" written on 2 January means last December.
            named = date(today.year - 1, month, day)
    except ValueError:
        return LeadingDate(None, rest, invalid=written)
    return LeadingDate(named, rest)


def parse_leading_date(
    text: str, today: date, *, lean: Lean = Lean.PAST, anchor: date | None = None
) -> LeadingDate:
    """Split a date named at the start of a text off it (see the module's words and leans)."""
    text = unicodedata.normalize("NFC", text).strip()
    folded = _fold_same_length(text)
    match = _PART.match(folded)
    if match and _spelled(text[: match.end(1)]):
        kept = text[: match.end(2)]
        day = today + timedelta(days=_PART_OFFSET[match.group(2)])
        return LeadingDate(day, text[match.end() :].strip(), kept=kept[:1].upper() + kept[1:])
    match = _WORD.match(folded)
    if match and _spelled(text[: match.end(1)]):
        word = " ".join(match.group(1).split())
        rest = text[match.end() :].strip()
        if word in _RELATIVE:
            return LeadingDate(today + timedelta(days=_RELATIVE[word]), rest)
        # "thứ 6, 04/12": the written date decides; the weekday only says it aloud.
        if _DAY_MONTH.match(folded[match.end() :]):
            after = parse_leading_date(rest, today, lean=lean, anchor=anchor)
            if after.day is not None or after.invalid:
                return after
        # A last day ("thứ 2 đến thứ 6") is the next such weekday from the first.
        base = anchor if lean is Lean.AHEAD and anchor else today
        return LeadingDate(weekday_date(_WEEKDAY[word], base, lean), rest)
    match = _DAY_MONTH.match(folded)
    if not match:
        return LeadingDate(None, text)
    written = text[: match.end()].strip(" :,.;-–")
    return _day_month(match, written, text[match.end() :].strip(), today, lean, anchor)


def parse_date(text: str, today: date, *, lean: Lean = Lean.PAST) -> date | str | None:
    """A message that is only a date: the date, 'invalid' (no such day), or None (not a date)."""
    named = parse_leading_date(text, today, lean=lean)
    if named.invalid and not named.rest:
        return "invalid"
    if named.day is None or named.rest:
        return None
    return named.day


def find_dates(text: str, today: date, *, lean: Lean = Lean.AHEAD) -> list[date] | str:
    """Every date named anywhere in a text, in order; 'invalid' when one does not exist."""
    found: list[date] = []
    rest = unicodedata.normalize("NFC", text)
    while rest.strip():
        named = parse_leading_date(rest, today, lean=lean)
        if named.invalid:
            return "invalid"
        if named.day is not None:
            found.append(named.day)
            rest = named.rest
            continue
        # Not a date here: skip one word (or one separator) and look again.
        stripped = rest.strip()
        cut = re.search(r"[\s,;:]+", stripped)
        rest = stripped[cut.end() :] if cut else ""
    return found


def format_day(day: date, lang: str = "vi", *, weekday: bool = False, year: bool = True) -> str:
    """dd/mm/yyyy (dd/mm without year), optionally with the weekday ("Thứ Sáu, 27/11/2026")."""
    text = day.strftime("%d/%m/%Y" if year else "%d/%m")
    if not weekday:
        return text
    names = WEEKDAYS_EN if lang == "en" else WEEKDAYS_VI
    return f"{names[day.weekday()]}, {text}"


def parse_planned_day(text: str, today: date) -> date | str | None:
    """A day to plan (a visit, a due date), looking ahead: None when the message is not a
    date, 'invalid' when no such day."""
    return parse_date(text, today, lean=Lean.AHEAD)
