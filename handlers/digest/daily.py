"""Supervisors' daily digest (báo cáo tổng hợp ngày): read the scope, then write plain text."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from handlers.core.dates import WEEKDAYS_EN, WEEKDAYS_VI, format_day
from handlers.core.textfold import fold
from handlers.core.topics import topic_label
from handlers.core.workcal import WorkingCalendar
from handlers.difficulty.lifecycle import OPEN
from handlers.difficulty.views import status_label
from handlers.digest.followups import followup_section
from handlers.digest.text import (
    ENTRIES_SHOWN,
    ENTRY_CHARS,
    NAMES_SHOWN,
    PREVIEW_CHARS,
    Digest,
    capped,
    day_bounds,
    difficulty_section,
    name_order,
    one_line,
    open_line,
    say,
    scope_label,
    sections,
    urgent_mark,
)
from handlers.digest.weekly import weekly_digest
from storage import digest as reads
from storage.db import Tx
from storage.difficulties import Difficulty
from storage.digest import ScopeEntry, ScopeOfficial
from storage.models import Person

__all__ = ["Digest", "daily_digest", "weekly_digest"]


async def daily_digest(
    tx: Tx, supervisor: Person, day: date, now: datetime, calendar: WorkingCalendar, lang: str
) -> Digest:
    """The daily digest of one supervisor's scope for `day`, as known at `now`."""
    scope = await reads.scope_of(tx, supervisor.id)
    officials = await reads.officials_in_scope(tx, supervisor.id, day)
    entries = await reads.entries_on(tx, supervisor.id, day)
    start, end = day_bounds(day, calendar)
    new = await reads.difficulties_raised_between(tx, supervisor.id, start, end)
    open_items = await reads.difficulties_with_status(tx, supervisor.id, [s.value for s in OPEN])
    # A past day's digest speaks of that day: a difficulty raised after it did not exist yet.
    open_items = [item for item in open_items if item.created_at < end]
    unreachable = await reads.unreachable_officials(tx, supervisor.id, day)
    followup_lines = await followup_section(tx, supervisor.id, now, calendar, lang)

    local_now = now.astimezone(calendar.zone)
    title = [
        say(
            lang,
            "digest.title_day",
            day=format_day(day, lang, weekday=True),
            scope=scope_label(lang, scope),
        )
    ]
    if local_now.date() == day:
        title.append(say(lang, "digest.as_of", time=local_now.strftime("%H:%M")))

    # Expected: everyone in scope on a working day. Leave is never "missing"; someone who logs
    # on a day of leave counts as logged.
    reported = [o for o in officials if o.reported]
    missing: list[ScopeOfficial] = []
    on_leave: list[ScopeOfficial] = []
    head: list[str] = []
    if not officials:
        head.append(say(lang, "digest.nobody"))
    elif calendar.is_working_day(day):
        missing = [o for o in officials if not o.reported and not o.on_leave]
        on_leave = [o for o in officials if o.on_leave and not o.reported]
        if day.weekday() >= 5:
            head.append(say(lang, "digest.makeup_day"))
        head.append(
            say(
                lang,
                "digest.counts",
                expected=len(officials),
                reported=len(reported),
                missing=len(missing),
                leave=len(on_leave),
            )
        )
    else:
        head.append(say(lang, "digest.day_off", reason=_day_off_reason(lang, day, calendar)))
        if reported:
            head.append(say(lang, "digest.day_off_logged", count=len(reported)))

    text = sections(
        title,
        head,
        _people_section(lang, "digest.missing_title", missing),
        _people_section(lang, "digest.leave_title", on_leave),
        _entry_lines(lang, entries, day, calendar) if officials or entries else [],
        *_difficulty_sections(lang, new, open_items, now),
        followup_lines,
        _unreachable_section(lang, unreachable),
    )
    empty = not officials and not entries and not new and not open_items
    return Digest(text, None, day.isoformat(), empty)


def _day_off_reason(lang: str, day: date, calendar: WorkingCalendar) -> str:
    holiday = calendar.holiday_name(day)
    if holiday:
        return holiday
    if day.weekday() >= 5 and day not in calendar.days_off:
        return (WEEKDAYS_EN if lang == "en" else WEEKDAYS_VI)[day.weekday()]
    return say(lang, "digest.day_off_admin")


def _people_section(lang: str, title: str, people: list[ScopeOfficial]) -> list[str]:
    """A titled list of officials with their communes, in Vietnamese name order."""
    if not people:
        return []
    lines = [
        say(
            lang,
            "digest.person_line",
            name=p.full_name,
            communes=", ".join(c.name for c in p.communes),
        )
        for p in sorted(people, key=lambda p: name_order(p.full_name))
    ]
    more = say(lang, "digest.more_people", count=len(people) - NAMES_SHOWN)
    return [say(lang, title, count=len(people)), *capped(lines, NAMES_SHOWN, more)]


def _entry_lines(
    lang: str, entries: list[ScopeEntry], day: date, calendar: WorkingCalendar
) -> list[str]:
    """Entries grouped by commune, one line each, a blank line between communes."""
    if not entries:
        return [say(lang, "digest.entries_none")]
    by_commune: dict[str, list[ScopeEntry]] = defaultdict(list)
    for entry in entries:
        by_commune[entry.commune.name].append(entry)
    lines = [say(lang, "digest.entries_title", count=len(entries))]
    shown = 0
    for commune in sorted(by_commune, key=fold):
        if shown >= ENTRIES_SHOWN:
            break
        group = sorted(by_commune[commune], key=lambda e: (e.sent_at, e.id))
        lines += ["", say(lang, "digest.commune_heading", commune=commune, count=len(group))]
        for entry in group[: ENTRIES_SHOWN - shown]:
            lines.append(_entry_line(lang, entry, day, calendar))
            shown += 1
    if shown < len(entries):
        lines.append(say(lang, "digest.more_entries", count=len(entries) - shown))
    return lines


def _entry_line(lang: str, entry: ScopeEntry, day: date, calendar: WorkingCalendar) -> str:
    """08:15 · name · topic: text; an entry sent on a later day says when it was sent."""
    sent = entry.sent_at.astimezone(calendar.zone)
    when = sent.strftime("%H:%M")
    if sent.date() != day:
        when = say(lang, "digest.entry_late", when=sent.strftime("%d/%m %H:%M"))
    files = say(lang, "digest.entry_files", count=entry.attachment_count)
    return say(
        lang,
        "digest.entry_line",
        time=when,
        name=entry.full_name,
        topic=topic_label(entry.topic, lang),
        text=one_line(entry.text, ENTRY_CHARS),
        files=files if entry.attachment_count else "",
    )


def _difficulty_sections(
    lang: str, new: list[Difficulty], open_items: list[Difficulty], now: datetime
) -> list[list[str]]:
    """New that day; overdue now; in progress (open, not overdue, not new that day)."""
    new_ids = {item.id for item in new}
    overdue = [i for i in open_items if i.overdue(now)]
    waiting = [i for i in open_items if not i.overdue(now) and i.id not in new_ids]

    def new_line(item: Difficulty) -> str:
        return say(
            lang,
            "digest.kk_new_line",
            reference=item.reference,
            urgent=urgent_mark(lang, item),
            commune=item.commune_name,
            reporter=item.reporter_name,
            status=status_label(lang, item.status),
            preview=one_line(item.description, PREVIEW_CHARS),
        )

    def aged_line(item: Difficulty) -> str:
        return open_line(lang, item, now)

    found = [
        difficulty_section(lang, title, items, line)
        for title, items, line in (
            ("digest.new_title", new, new_line),
            ("digest.overdue_title", overdue, aged_line),
            ("digest.waiting_title", waiting, aged_line),
        )
        if items
    ]
    return found or [[say(lang, "digest.kk_none")]]


def _unreachable_section(lang: str, people: list[reads.UnreachableOfficial]) -> list[str]:
    if not people:
        return []
    lines = [say(lang, "digest.unreachable_title", count=len(people))]
    for person in sorted(people, key=lambda p: name_order(p.full_name)):
        key = "digest.unreachable_blocked" if person.linked else "digest.unreachable_unlinked"
        lines.append(say(lang, key, name=person.full_name))
    return lines
