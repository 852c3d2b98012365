"""How digests are written: the Digest value, numbers, one-line items, ages, names in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.core import ages
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.workcal import WorkingCalendar
from handlers.difficulty.views import status_label
from storage.difficulties import Difficulty
from storage.digest import ScopeName

NAMES_SHOWN = 30  # names per list: a division's officials fit; leadership gets the first 30
ENTRIES_SHOWN = 100
DIFFICULTIES_SHOWN = 10
COMMUNES_SHOWN = 30
OLDEST_SHOWN = 5
ENTRY_CHARS = 200
PREVIEW_CHARS = 80
NOT_COUNTS = frozenset({"year", "week"})  # numbers in texts that are not counts


@dataclass(frozen=True)
class Digest:
    """A digest ready to send: text, an optional PNG chart, its period and whether it is empty."""

    text: str
    image: bytes | None
    period: str  # 'YYYY-MM-DD' (daily) or 'YYYY-Www' (weekly)
    # Nobody in scope and nothing to report: the scheduler may choose not to send it.
    is_empty_scope: bool


def number(lang: str, value: int) -> str:
    """79.904 in Vietnamese, 79,904 in English."""
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", ".")


def say(lang: str, key: str, **values: object) -> str:
    """A catalog text with its counts written the reader's way (79.904 cán bộ)."""
    for name, value in values.items():
        if isinstance(value, int) and not isinstance(value, bool) and name not in NOT_COUNTS:
            values[name] = number(lang, value)
    return t(lang, key, **values)


def one_line(text: str, limit: int) -> str:
    """Whitespace collapsed to single spaces, cut at a word with … when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def age_text(lang: str, age: timedelta) -> str:
    """'25 phút' under an hour, '5 giờ' under a day, else '3 ngày' (see handlers/core/ages.py)."""
    return ages.age_text(lang, age)


def duration_text(lang: str, span: timedelta) -> str:
    """'45 phút', '3 giờ 20 phút', '2 ngày 4 giờ'."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return say(lang, "digest.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return say(lang, "digest.hours", hours=hours, minutes=minutes)
    days, hours = divmod(hours, 24)
    return say(lang, "digest.days", days=days, hours=hours)


def percent(part: int, whole: int) -> str:
    """'87%', or a dash when nothing was expected."""
    return f"{round(100 * part / whole)}%" if whole else "—"


def scope_label(lang: str, scope: ScopeName) -> str:
    """'toàn Sở', or the divisions and working groups, in words."""
    if scope.supervises_all:
        return say(lang, "digest.scope_all")
    names = [*scope.divisions, *scope.groups]
    # Division names may contain commas ("Phòng Văn thư, lưu trữ"): separate with semicolons.
    return "; ".join(names) if names else say(lang, "digest.scope_none")


def day_bounds(day: date, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    """Local midnight of `day` and of the day after."""
    start = datetime.combine(day, time(0, 0), calendar.zone)
    return start, datetime.combine(day + timedelta(days=1), time(0, 0), calendar.zone)


def name_order(full_name: str) -> tuple[str, str]:
    """Vietnamese list order: by given name (written last), then the full name, diacritics
    folded so that "Đặng" sorts with D."""
    parts = full_name.split()
    return fold(parts[-1] if parts else full_name), fold(full_name)


def capped(lines: list[str], shown: int, more: str) -> list[str]:
    """The first `shown` lines, then the line saying how many more there are."""
    if len(lines) <= shown:
        return lines
    return [*lines[:shown], more]


def sections(*parts: list[str]) -> str:
    """Non-empty sections separated by one blank line."""
    return "\n\n".join("\n".join(part) for part in parts if part)


def urgent_mark(lang: str, item: Difficulty) -> str:
    """' · GẤP' for an urgent difficulty."""
    return say(lang, "digest.urgent") if item.urgency == "urgent" else ""


def open_line(lang: str, item: Difficulty, now: datetime) -> str:
    """KK-0042 · GẤP · Đã tiếp nhận · QUÁ HẠN · Xã … · 3 ngày: the start of the description."""
    status = status_label(lang, item.status)
    if item.overdue(now):
        status += say(lang, "kk.overdue")
    return say(
        lang,
        "digest.kk_open_line",
        reference=item.reference,
        urgent=urgent_mark(lang, item),
        status=status,
        commune=item.commune_name,
        age=age_text(lang, now - item.created_at),
        preview=one_line(item.description, PREVIEW_CHARS),
    )


def difficulty_section(
    lang: str, title: str, items: list[Difficulty], line: Callable[[Difficulty], str]
) -> list[str]:
    """A titled list of the first difficulties, and how many more there are."""
    lines = [say(lang, title, count=len(items)), *(line(i) for i in items[:DIFFICULTIES_SHOWN])]
    if len(items) > DIFFICULTIES_SHOWN:
        lines.append(say(lang, "digest.more_kk", count=len(items) - DIFFICULTIES_SHOWN))
    return lines
