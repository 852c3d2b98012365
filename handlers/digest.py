"""Supervisors' digests (báo cáo tổng hợp ngày / tuần): read the scope, then write plain text.

The builders only read; the scheduler enqueues what they return, `/baocao` answers with it and
the CLI prints it. Every entry, name and difficulty is one line, and sections are separated by
blank lines, so a channel that splits long texts at line boundaries never cuts one in two.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.texts import t
from handlers.dates import WEEKDAYS_EN, WEEKDAYS_VI, format_day
from handlers.difficulty_views import status_label
from handlers.digest_chart import ChartData, render_chart
from handlers.lifecycle import OPEN
from handlers.textfold import fold
from handlers.topics import TOPICS, topic_label
from handlers.workcal import WorkingCalendar
from storage import digest as reads
from storage.db import Tx
from storage.difficulties import Difficulty
from storage.digest import ScopeAssignment, ScopeEntry, ScopeName, ScopeOfficial
from storage.models import Person

NAMES_SHOWN = 30  # names per list: a division's officials fit; leadership gets the first 30
ENTRIES_SHOWN = 100
DIFFICULTIES_SHOWN = 10
COMMUNES_SHOWN = 30
OLDEST_SHOWN = 5
ENTRY_CHARS = 200
PREVIEW_CHARS = 80


@dataclass(frozen=True)
class Digest:
    """A digest ready to send: text, an optional PNG chart, its period and whether it is empty."""

    text: str
    image: bytes | None
    period: str
    # Nobody in scope and nothing to report: the scheduler may choose not to send it.
    is_empty_scope: bool


NOT_COUNTS = frozenset({"year", "week"})


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
    """'5 giờ' under a day, else '3 ngày'."""
    if age < timedelta(days=1):
        return say(lang, "kk.age_hours", hours=max(1, int(age.total_seconds() // 3600)))
    return say(lang, "kk.age", days=age.days)


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


def week_period(week_start: date) -> str:
    """2026-W48."""
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _capped(lines: list[str], shown: int, more: str) -> list[str]:
    if len(lines) <= shown:
        return lines
    return [*lines[:shown], more]


def _day_off_reason(lang: str, day: date, calendar: WorkingCalendar) -> str:
    holiday = calendar.holiday_name(day)
    if holiday:
        return holiday
    if day.weekday() >= 5 and day not in calendar.days_off:
        return (WEEKDAYS_EN if lang == "en" else WEEKDAYS_VI)[day.weekday()]
    return say(lang, "digest.day_off_admin")


def _people_lines(lang: str, people: list[ScopeOfficial]) -> list[str]:
    people = sorted(people, key=lambda p: name_order(p.full_name))
    lines = [
        say(
            lang,
            "digest.person_line",
            name=p.full_name,
            communes=", ".join(c.name for c in p.communes),
        )
        for p in people
    ]
    return _capped(
        lines, NAMES_SHOWN, say(lang, "digest.more_people", count=len(people) - NAMES_SHOWN)
    )


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
        group = sorted(by_commune[commune], key=lambda e: (e.sent_at, e.id))
        if shown >= ENTRIES_SHOWN:
            break
        lines += ["", say(lang, "digest.commune_heading", commune=commune, count=len(group))]
        for entry in group[: ENTRIES_SHOWN - shown]:
            lines.append(_entry_line(lang, entry, day, calendar))
            shown += 1
    if shown < len(entries):
        lines.append(say(lang, "digest.more_entries", count=len(entries) - shown))
    return lines


def _entry_line(lang: str, entry: ScopeEntry, day: date, calendar: WorkingCalendar) -> str:
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


def _urgent(lang: str, item: Difficulty) -> str:
    return say(lang, "digest.urgent") if item.urgency == "urgent" else ""


def _new_line(lang: str, item: Difficulty) -> str:
    return say(
        lang,
        "digest.kk_new_line",
        reference=item.reference,
        urgent=_urgent(lang, item),
        commune=item.commune_name,
        reporter=item.reporter_name,
        status=status_label(lang, item.status),
        preview=one_line(item.description, PREVIEW_CHARS),
    )


def _open_line(lang: str, item: Difficulty, now: datetime) -> str:
    status = status_label(lang, item.status)
    if item.overdue(now):
        status += say(lang, "kk.overdue")
    return say(
        lang,
        "digest.kk_open_line",
        reference=item.reference,
        urgent=_urgent(lang, item),
        status=status,
        commune=item.commune_name,
        age=age_text(lang, now - item.created_at),
        preview=one_line(item.description, PREVIEW_CHARS),
    )


def _difficulty_section(
    lang: str, title: str, items: list[Difficulty], line: Callable[[Difficulty], str]
) -> list[str]:
    """A titled list of the first difficulties, and how many more there are."""
    lines = [say(lang, title, count=len(items)), *(line(i) for i in items[:DIFFICULTIES_SHOWN])]
    if len(items) > DIFFICULTIES_SHOWN:
        lines.append(say(lang, "digest.more_kk", count=len(items) - DIFFICULTIES_SHOWN))
    return lines


def _sections(*sections: list[str]) -> str:
    """Non-empty sections separated by one blank line."""
    return "\n\n".join("\n".join(s) for s in sections if s)


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
    unreachable = await reads.unreachable_officials(tx, supervisor.id, day)

    title = [
        say(
            lang,
            "digest.title_day",
            day=format_day(day, lang, weekday=True),
            scope=scope_label(lang, scope),
        )
    ]
    if now.astimezone(calendar.zone).date() == day:
        title.append(
            say(lang, "digest.as_of", time=now.astimezone(calendar.zone).strftime("%H:%M"))
        )

    working = calendar.is_working_day(day)
    reported = [o for o in officials if o.reported]
    head: list[str] = []
    missing: list[ScopeOfficial] = []
    on_leave: list[ScopeOfficial] = []
    if not officials:
        head.append(say(lang, "digest.nobody"))
    elif working:
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

    missing_section = (
        [say(lang, "digest.missing_title", count=len(missing)), *_people_lines(lang, missing)]
        if missing
        else []
    )
    leave_section = (
        [say(lang, "digest.leave_title", count=len(on_leave)), *_people_lines(lang, on_leave)]
        if on_leave
        else []
    )
    entry_section = _entry_lines(lang, entries, day, calendar) if officials or entries else []

    new_ids = {item.id for item in new}
    overdue = [i for i in open_items if i.overdue(now)]
    waiting = [i for i in open_items if not i.overdue(now) and i.id not in new_ids]
    kk_sections: list[list[str]] = []

    def open_line(item: Difficulty) -> str:
        return _open_line(lang, item, now)

    if new:
        kk_sections.append(
            _difficulty_section(lang, "digest.new_title", new, lambda i: _new_line(lang, i))
        )
    if overdue:
        kk_sections.append(_difficulty_section(lang, "digest.overdue_title", overdue, open_line))
    if waiting:
        kk_sections.append(_difficulty_section(lang, "digest.waiting_title", waiting, open_line))
    if not kk_sections:
        kk_sections.append([say(lang, "digest.kk_none")])

    unreachable_section = []
    if unreachable:
        unreachable_section = [say(lang, "digest.unreachable_title", count=len(unreachable))]
        for person in sorted(unreachable, key=lambda p: name_order(p.full_name)):
            key = "digest.unreachable_blocked" if person.linked else "digest.unreachable_unlinked"
            unreachable_section.append(say(lang, key, name=person.full_name))

    text = _sections(
        title,
        head,
        missing_section,
        leave_section,
        entry_section,
        *kk_sections,
        unreachable_section,
    )
    empty = not officials and not entries and not new and not open_items
    return Digest(text, None, day.isoformat(), empty)


@dataclass(frozen=True)
class _OfficialWeek:
    person_id: int
    full_name: str
    expected: int
    reported: int
    leave_days: int


def _covering(assignments: list[ScopeAssignment], day: date) -> list[ScopeAssignment]:
    return [a for a in assignments if a.start <= day <= a.end]


async def weekly_digest(
    tx: Tx,
    supervisor: Person,
    week_start: date,
    now: datetime,
    calendar: WorkingCalendar,
    lang: str,
) -> Digest:
    """The weekly digest (Monday to Sunday) of one supervisor's scope, with its chart."""
    week_start -= timedelta(days=week_start.weekday())
    week_end = week_start + timedelta(days=6)
    local_now = now.astimezone(calendar.zone)
    counted_until = min(week_end, local_now.date())
    start, _ = day_bounds(week_start, calendar)
    _, end = day_bounds(week_end, calendar)

    scope = await reads.scope_of(tx, supervisor.id)
    assignments = await reads.assignments_in_scope(tx, supervisor.id, week_start, week_end)
    leaves = await reads.leaves_in_scope(tx, supervisor.id, week_start, week_end)
    tallies = await reads.entry_tallies(tx, supervisor.id, week_start, week_end)
    touched, answered = await reads.difficulties_touched_between(tx, supervisor.id, start, end)
    open_items = await reads.difficulties_with_status(tx, supervisor.id, [s.value for s in OPEN])

    working_days = (
        calendar.working_days(week_start, counted_until) if counted_until >= week_start else []
    )
    on_leave = {
        (leave.person_id, day)
        for leave in leaves
        for day in working_days
        if leave.start <= day <= leave.end
    }
    logged_days = {(tally.person_id, tally.work_date) for tally in tallies}

    # Per official and per commune: expected working days inside an assignment, not on leave.
    names: dict[int, str] = {a.person_id: a.full_name for a in assignments}
    expected: Counter[int] = Counter()
    reported: Counter[int] = Counter()
    leave_days: Counter[int] = Counter()
    commune_expected: Counter[str] = Counter()
    commune_reported: Counter[str] = Counter()
    commune_names: dict[str, str] = {a.commune.code: a.commune.name for a in assignments}
    for day in working_days:
        covering = _covering(assignments, day)
        for person_id in {a.person_id for a in covering}:
            if (person_id, day) in on_leave:
                leave_days[person_id] += 1
                continue
            expected[person_id] += 1
            reported[person_id] += (person_id, day) in logged_days
        for a in covering:
            if (a.person_id, day) in on_leave:
                continue
            commune_expected[a.commune.code] += 1
            commune_reported[a.commune.code] += (a.person_id, day) in logged_days

    # Entries by commune and topic: only communes in scope for that official on that day.
    in_scope_pairs = {
        (a.person_id, a.commune.code, day)
        for a in assignments
        for day in _days(max(a.start, week_start), min(a.end, week_end))
    }
    topic_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tally in tallies:
        if (tally.person_id, tally.commune_code, tally.work_date) in in_scope_pairs:
            topic_counts[tally.commune_code][tally.topic] += tally.count

    officials = sorted(
        (
            _OfficialWeek(pid, names[pid], expected[pid], reported[pid], leave_days[pid])
            for pid in names
        ),
        key=lambda o: (o.reported / o.expected if o.expected else 1.0, name_order(o.full_name)),
    )

    first_label = week_start.strftime("%d/%m")
    title = [
        say(
            lang,
            "digest.title_week",
            week=week_start.isocalendar()[1],
            year=week_start.isocalendar()[0],
            first=first_label,
            last=format_day(week_end),
            scope=scope_label(lang, scope),
        )
    ]
    if local_now.date() <= week_end:
        title.append(
            say(
                lang,
                "digest.as_of_week",
                time=local_now.strftime("%H:%M"),
                day=format_day(local_now.date(), lang, weekday=True),
            )
        )

    total_expected = sum(expected.values())
    total_reported = sum(reported.values())
    rate_section: list[str]
    if not names:
        rate_section = [say(lang, "digest.nobody")]
    elif not working_days:
        rate_section = [say(lang, "digest.week_no_days")]
    else:
        rate_section = [
            say(
                lang,
                "digest.week_rate",
                reported=total_reported,
                expected=total_expected,
                rate=_percent(total_reported, total_expected),
                officials=len(names),
                days=len(working_days),
            )
        ]
    official_lines = [
        say(
            lang,
            "digest.official_line",
            name=o.full_name,
            reported=o.reported,
            expected=o.expected,
            rate=_percent(o.reported, o.expected),
            leave=say(lang, "digest.official_leave", days=o.leave_days) if o.leave_days else "",
        )
        for o in officials
    ]
    officials_section = (
        [
            say(lang, "digest.officials_title"),
            *_capped(
                official_lines,
                NAMES_SHOWN,
                say(lang, "digest.more_officials", count=len(official_lines) - NAMES_SHOWN),
            ),
        ]
        if official_lines and working_days
        else []
    )

    commune_lines = []
    for code in sorted(topic_counts, key=lambda c: fold(commune_names[c])):
        counts = topic_counts[code]
        topics = ", ".join(f"{topic_label(topic, lang)} {n}" for topic, n in _topic_order(counts))
        commune_lines.append(
            say(
                lang,
                "digest.commune_line",
                commune=commune_names[code],
                count=sum(counts.values()),
                topics=topics,
            )
        )
    communes_section = (
        [
            say(lang, "digest.communes_title"),
            *_capped(
                commune_lines,
                COMMUNES_SHOWN,
                say(lang, "digest.more_communes", count=len(commune_lines) - COMMUNES_SHOWN),
            ),
        ]
        if commune_lines
        else ([say(lang, "digest.communes_none")] if names else [])
    )

    raised = [d for d in touched if start <= d.created_at < end]
    resolved = [d for d in touched if d.resolved_at is not None and start <= d.resolved_at < end]
    first_responses = [
        d.first_response_at - d.created_at
        for d in touched
        if d.first_response_at is not None and start <= d.first_response_at < end
    ]
    kk_section = [
        say(
            lang,
            "digest.week_kk",
            raised=len(raised),
            answered=len(answered),
            resolved=len(resolved),
        ),
        say(
            lang,
            "digest.median",
            duration=duration_text(lang, _median(first_responses)),
            count=len(first_responses),
        )
        if first_responses
        else say(lang, "digest.median_none"),
    ]
    oldest = open_items[:OLDEST_SHOWN]
    oldest_section = (
        [
            say(lang, "digest.oldest_title", shown=len(oldest), total=len(open_items)),
            *(_open_line(lang, item, now) for item in oldest),
        ]
        if oldest
        else [say(lang, "digest.oldest_none")]
    )

    empty = not names and not touched and not open_items
    image = None
    if not empty:
        rates = [
            (commune_names[code], commune_reported[code] / commune_expected[code])
            for code in commune_expected
            if commune_expected[code]
        ]
        raised_by_topic = Counter(d.topic for d in raised)
        chart = ChartData(
            commune_rates=rates,
            topic_counts=[
                (topic_label(topic, lang), n) for topic, n in _topic_order(raised_by_topic)
            ],
            title=title[0],
        )
        image = render_chart(chart, lang)
    text = _sections(
        title,
        rate_section,
        officials_section,
        communes_section,
        kk_section,
        oldest_section,
        [say(lang, "digest.chart_note")] if image else [],
    )
    return Digest(text, image, week_period(week_start), empty)


def _median(spans: list[timedelta]) -> timedelta:
    return timedelta(seconds=statistics.median(s.total_seconds() for s in spans))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _topic_order(counts: Counter[str]) -> list[tuple[str, int]]:
    """Topics in the plan's order (Khác last), those with a count only."""
    order = {topic.code: i for i, topic in enumerate(TOPICS)}
    return sorted(
        ((topic, n) for topic, n in counts.items() if n),
        key=lambda item: (order.get(item[0], len(order)), item[0]),
    )
