"""The study-visit calendar (lịch học tập): who comes to which division in which week and the
room left. One builder for /hoctap (division heads) and `bietphai study list`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from handlers.core.texts import t
from handlers.core.workcal import WorkingCalendar
from handlers.study.weeks import format_week, is_holiday_week, week_of
from storage.study import Part


def weeks_between(first: date, last: date) -> list[date]:
    """The Mondays of every week touching first..last."""
    monday, weeks = week_of(first), []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def calendar_lines(
    weeks: Sequence[date],
    divisions: Sequence[tuple[str, str]],
    parts: Sequence[Part],
    capacity: int,
    cal: WorkingCalendar,
    lang: str,
    *,
    compact: bool = False,
) -> list[str]:
    """Per week: a holiday note, or per division the groups coming and the room left.

    Compact (leadership, who sees every division): a week names only the divisions with
    groups; the others are counted, and a week with no group at all is one line.
    """
    by_week: dict[tuple[date, str], list[Part]] = defaultdict(list)
    for part in parts:
        by_week[(part.week_start, part.division_code)].append(part)
    lines: list[str] = []
    for monday in weeks:
        week = format_week(monday, lang)
        week = week[:1].upper() + week[1:]
        if is_holiday_week(monday, cal):
            lines += [f"{week}:", "  " + t(lang, "ht.cal.holiday")]
            continue
        if compact and not any((monday, code) in by_week for code, _ in divisions):
            lines.append(t(lang, "ht.cal.empty_week", week=week, room=capacity))
            continue
        lines.append(f"{week}:")
        free: list[str] = []
        for code, name in divisions:
            coming = by_week.get((monday, code), [])
            if not coming:
                free.append(name)
                continue
            people = sum(p.people for p in coming)
            room = max(capacity - people, 0)
            lines.append("  " + t(lang, "ht.cal.division", division=name, people=people, room=room))
            for part in coming:
                status = t(lang, f"ht.status.{part.status}")
                lines.append(
                    "    "
                    + t(
                        lang,
                        "ht.cal.part",
                        ref=part.reference,
                        commune=part.commune_name,
                        people=part.people,
                        status=status,
                    )
                )
        if free and compact:
            lines.append("  " + t(lang, "ht.cal.free_count", count=len(free), room=capacity))
        elif free:
            lines.append("  " + t(lang, "ht.cal.free", divisions="; ".join(free), room=capacity))
    return lines
