"""How old something is, in words: '25 phút', '5 giờ', '3 ngày'."""

from __future__ import annotations

from datetime import timedelta

from handlers.core.texts import t


def age_text(lang: str, age: timedelta) -> str:
    """'dưới 1 phút', '25 phút', '5 giờ', '3 ngày'."""
    if age < timedelta(minutes=1):
        return t(lang, "age.under_minute")
    if age < timedelta(hours=1):
        return t(lang, "digest.minutes", minutes=int(age.total_seconds() // 60))
    if age < timedelta(days=1):
        return t(lang, "kk.age_hours", hours=int(age.total_seconds() // 3600))
    return t(lang, "kk.age", days=age.days)
