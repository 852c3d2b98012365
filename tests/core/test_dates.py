"""One date parser for every place that takes a date: every form, looking back and ahead."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.core.dates import Lean, find_dates, parse_date, parse_leading_date

# Saturday 05/12/2026: the last Friday is 04/12, the next one 11/12.
SAT = date(2026, 12, 5)

# (written, the day looking back, the day looking ahead)
FORMS = [
    ("hôm nay", date(2026, 12, 5), date(2026, 12, 5)),
    ("Hom nay", date(2026, 12, 5), date(2026, 12, 5)),
    ("today", date(2026, 12, 5), date(2026, 12, 5)),
    ("hôm qua", date(2026, 12, 4), date(2026, 12, 4)),
    ("HOM QUA", date(2026, 12, 4), date(2026, 12, 4)),
    ("yesterday", date(2026, 12, 4), date(2026, 12, 4)),
    ("hôm kia", date(2026, 12, 3), date(2026, 12, 3)),
    ("hom kia", date(2026, 12, 3), date(2026, 12, 3)),
    ("ngày mai", date(2026, 12, 6), date(2026, 12, 6)),
    ("mai", date(2026, 12, 6), date(2026, 12, 6)),
    ("sáng nay", date(2026, 12, 5), date(2026, 12, 5)),
    ("chiều qua", date(2026, 12, 4), date(2026, 12, 4)),
    ("chieu qua", date(2026, 12, 4), date(2026, 12, 4)),
    ("tối mai", date(2026, 12, 6), date(2026, 12, 6)),
    ("thứ hai", date(2026, 11, 30), date(2026, 12, 7)),
    ("thu hai", date(2026, 11, 30), date(2026, 12, 7)),
    ("Thứ 2", date(2026, 11, 30), date(2026, 12, 7)),
    ("t2", date(2026, 11, 30), date(2026, 12, 7)),
    ("thứ ba", date(2026, 12, 1), date(2026, 12, 8)),
    ("thứ tư", date(2026, 12, 2), date(2026, 12, 9)),
    ("thứ năm", date(2026, 12, 3), date(2026, 12, 10)),
    ("thứ sáu", date(2026, 12, 4), date(2026, 12, 11)),
    ("thứ 6", date(2026, 12, 4), date(2026, 12, 11)),
    ("T6", date(2026, 12, 4), date(2026, 12, 11)),
    ("hôm thứ 6", date(2026, 12, 4), date(2026, 12, 11)),
    # Today's weekday is today, both ways.
    ("thứ bảy", date(2026, 12, 5), date(2026, 12, 5)),
    ("thứ 7", date(2026, 12, 5), date(2026, 12, 5)),
    ("chủ nhật", date(2026, 11, 29), date(2026, 12, 6)),
    ("chu nhat", date(2026, 11, 29), date(2026, 12, 6)),
    ("CN", date(2026, 11, 29), date(2026, 12, 6)),
    ("friday", date(2026, 12, 4), date(2026, 12, 11)),
    ("04/12", date(2026, 12, 4), date(2026, 12, 4)),
    ("4/12", date(2026, 12, 4), date(2026, 12, 4)),
    ("04.12", date(2026, 12, 4), date(2026, 12, 4)),
    ("04-12", date(2026, 12, 4), date(2026, 12, 4)),
    ("ngày 04/12", date(2026, 12, 4), date(2026, 12, 4)),
    ("04/12/2026", date(2026, 12, 4), date(2026, 12, 4)),
    ("thứ 6, 04/12", date(2026, 12, 4), date(2026, 12, 4)),
    # Without a year: looking back, not more than a month ahead; looking ahead, the nearest.
    ("05/01", date(2026, 1, 5), date(2027, 1, 5)),
    ("20/12", date(2026, 12, 20), date(2026, 12, 20)),
    ("30/11", date(2026, 11, 30), date(2026, 11, 30)),
]


@pytest.mark.parametrize(("written", "back", "ahead"), FORMS)
def test_every_form_alone(written: str, back: date, ahead: date) -> None:
    assert parse_date(written, SAT, lean=Lean.PAST) == back
    assert parse_date(written, SAT, lean=Lean.AHEAD) == ahead


@pytest.mark.parametrize(("written", "back", "ahead"), FORMS)
def test_every_form_in_front_of_a_text(written: str, back: date, ahead: date) -> None:
    named = parse_leading_date(f"{written}: họp với UBND xã", SAT)
    assert named.day == back
    assert "họp với UBND xã" in named.content


def test_part_of_day_words_stay_in_the_text() -> None:
    named = parse_leading_date("chiều qua họp với UBND xã", SAT)
    assert named.day == date(2026, 12, 4)
    assert named.content == "Chiều qua họp với UBND xã"
    alone = parse_leading_date("chiều qua", SAT)
    assert (alone.day, alone.content) == (date(2026, 12, 4), "")


def test_plain_words_are_not_dates() -> None:
    for text in ("họp với UBND xã", "Thu hồi đất", "thứ tự ưu tiên", "cnx", "12 hộ dân", "t8"):
        named = parse_leading_date(text, SAT)
        assert named.day is None, text
        assert named.rest == text
    assert parse_date("hôm qua họp", SAT) is None


def test_a_day_that_does_not_exist() -> None:
    assert parse_date("31/02", SAT) == "invalid"
    assert parse_date("31/02/2026", SAT, lean=Lean.AHEAD) == "invalid"
    assert parse_leading_date("30/02 họp", SAT).invalid == "30/02"


def test_the_last_day_of_a_range_counts_from_the_first() -> None:
    first = date(2026, 12, 7)  # a Monday
    named = parse_leading_date("thứ 6 Việc gia đình", SAT, lean=Lean.AHEAD, anchor=first)
    assert named.day == date(2026, 12, 11)
    assert named.rest == "Việc gia đình"


def test_every_date_in_a_text() -> None:
    assert find_dates("07/12, thứ 2 và 21/12", SAT) == [
        date(2026, 12, 7),
        date(2026, 12, 7),
        date(2026, 12, 21),
    ]
    assert find_dates("31/02 hoặc 07/12", SAT) == "invalid"
