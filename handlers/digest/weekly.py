"""The weekly digest (báo cáo tổng hợp tuần): reporting rates, activity, difficulties, a chart."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from handlers.core.dates import format_day
from handlers.core.textfold import fold
from handlers.core.topics import TOPICS, topic_label
from handlers.core.workcal import WorkingCalendar
from handlers.difficulty.lifecycle import OPEN
from handlers.digest.chart import ChartData, render_chart
from handlers.digest.followups import followup_section
from handlers.digest.text import (
    COMMUNES_SHOWN,
    NAMES_SHOWN,
    OLDEST_SHOWN,
    Digest,
    capped,
    day_bounds,
    duration_text,
    name_order,
    open_line,
    percent,
    say,
    scope_label,
    sections,
)
from storage import digest as reads
from storage.db import Tx
from storage.digest import EntryTally, LeaveSpan, ScopeAssignment
from storage.models import Person


@dataclass(frozen=True)
class OfficialWeek:
    """One official's week: working days expected, days logged, working days on leave."""

    full_name: str
    expected: int
    reported: int
    leave_days: int


@dataclass
class WeekFigures:
    """What the weekly digest counts, before it is put in words."""

    officials: list[OfficialWeek] = field(default_factory=list)
    commune_names: dict[str, str] = field(default_factory=dict)
    # commune code -> (official-days expected, official-days logged)
    commune_rates: dict[str, tuple[int, int]] = field(default_factory=dict)
    # commune code -> topic -> entries, only where the official was in scope that day
    activity: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        """Official-days expected in the scope."""
        return sum(o.expected for o in self.officials)

    @property
    def reported(self) -> int:
        """Official-days with at least one entry."""
        return sum(o.reported for o in self.officials)


def week_period(week_start: date) -> str:
    """2026-W48."""
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def week_figures(
    assignments: list[ScopeAssignment],
    leaves: list[LeaveSpan],
    tallies: list[EntryTally],
    working_days: list[date],
    first: date,
    last: date,
) -> WeekFigures:
    """Rates per official and per commune, and entries per commune and topic.

    Expected = a working day inside an assignment in scope, not on leave. Logged = any entry
    that day (any commune). Activity counts entries only where the official is in scope.
    """
    on_leave = {
        (leave.person_id, day)
        for leave in leaves
        for day in working_days
        if leave.start <= day <= leave.end
    }
    logged = {(tally.person_id, tally.work_date) for tally in tallies}
    names = {a.person_id: a.full_name for a in assignments}
    expected: Counter[int] = Counter()
    reported: Counter[int] = Counter()
    leave_days: Counter[int] = Counter()
    commune_expected: Counter[str] = Counter()
    commune_reported: Counter[str] = Counter()
    for day in working_days:
        covering = [a for a in assignments if a.start <= day <= a.end]
        for person_id in {a.person_id for a in covering}:
            if (person_id, day) in on_leave:
                leave_days[person_id] += 1
            else:
                expected[person_id] += 1
                reported[person_id] += (person_id, day) in logged
        for a in covering:
            if (a.person_id, day) not in on_leave:
                commune_expected[a.commune.code] += 1
                commune_reported[a.commune.code] += (a.person_id, day) in logged

    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    in_scope = {
        (a.person_id, a.commune.code, day)
        for a in assignments
        for day in days
        if a.start <= day <= a.end
    }
    activity: dict[str, Counter[str]] = defaultdict(Counter)
    for tally in tallies:
        if (tally.person_id, tally.commune_code, tally.work_date) in in_scope:
            activity[tally.commune_code][tally.topic] += tally.count

    officials = [
        OfficialWeek(names[pid], expected[pid], reported[pid], leave_days[pid]) for pid in names
    ]
    officials.sort(
        key=lambda o: (o.reported / o.expected if o.expected else 1.0, name_order(o.full_name))
    )
    return WeekFigures(
        officials=officials,
        commune_names={a.commune.code: a.commune.name for a in assignments},
        commune_rates={
            code: (commune_expected[code], commune_reported[code]) for code in commune_expected
        },
        activity=dict(activity),
    )


def topic_order(counts: Counter[str]) -> list[tuple[str, int]]:
    """Topics in the plan's order (Khác last), those with a count only."""
    order = {topic.code: i for i, topic in enumerate(TOPICS)}
    return sorted(
        ((topic, n) for topic, n in counts.items() if n),
        key=lambda item: (order.get(item[0], len(order)), item[0]),
    )


async def weekly_digest(
    tx: Tx,
    supervisor: Person,
    week_start: date,
    now: datetime,
    calendar: WorkingCalendar,
    lang: str,
) -> Digest:
    """The weekly digest (Monday to Sunday) of one supervisor's scope, with its chart.

    Days after `now` are not counted yet, so a digest sent on Friday afternoon covers Monday to
    Friday.
    """
    first = week_start - timedelta(days=week_start.weekday())
    last = first + timedelta(days=6)
    local_now = now.astimezone(calendar.zone)
    counted_until = min(last, local_now.date())
    start, _ = day_bounds(first, calendar)
    _, end = day_bounds(last, calendar)

    scope = await reads.scope_of(tx, supervisor.id)
    assignments = await reads.assignments_in_scope(tx, supervisor.id, first, last)
    leaves = await reads.leaves_in_scope(tx, supervisor.id, first, last)
    tallies = await reads.entry_tallies(tx, supervisor.id, first, last)
    touched, answered = await reads.difficulties_touched_between(tx, supervisor.id, start, end)
    open_items = await reads.difficulties_with_status(tx, supervisor.id, [s.value for s in OPEN])
    followup_lines = await followup_section(tx, supervisor.id, now, calendar, lang)

    working_days = calendar.working_days(first, counted_until) if counted_until >= first else []
    figures = week_figures(assignments, leaves, tallies, working_days, first, last)

    title = [
        say(
            lang,
            "digest.title_week",
            week=first.isocalendar()[1],
            year=first.isocalendar()[0],
            first=first.strftime("%d/%m"),
            last=format_day(last),
            scope=scope_label(lang, scope),
        )
    ]
    if local_now.date() <= last:
        title.append(
            say(
                lang,
                "digest.as_of_week",
                time=local_now.strftime("%H:%M"),
                day=format_day(local_now.date(), lang, weekday=True),
            )
        )

    raised = [d for d in touched if start <= d.created_at < end]
    resolved = [d for d in touched if d.resolved_at is not None and start <= d.resolved_at < end]
    first_responses = [
        d.first_response_at - d.created_at
        for d in touched
        if d.first_response_at is not None and start <= d.first_response_at < end
    ]
    difficulties = [
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
            *(open_line(lang, item, now) for item in oldest),
        ]
        if oldest
        else [say(lang, "digest.oldest_none")]
    )

    empty = not figures.officials and not touched and not open_items
    image = None
    if not empty:
        chart = ChartData(
            commune_rates=[
                (figures.commune_names[code], logged / expected)
                for code, (expected, logged) in figures.commune_rates.items()
                if expected
            ],
            topic_counts=[
                (topic_label(topic, lang), n)
                for topic, n in topic_order(Counter(d.topic for d in raised))
            ],
            title=title[0],
        )
        image = render_chart(chart, lang)
    text = sections(
        title,
        _rate_section(lang, figures, working_days),
        _officials_section(lang, figures, working_days),
        _activity_section(lang, figures),
        difficulties,
        oldest_section,
        followup_lines,
        [say(lang, "digest.chart_note")] if image else [],
    )
    return Digest(text, image, week_period(first), empty)


def _rate_section(lang: str, figures: WeekFigures, working_days: list[date]) -> list[str]:
    if not figures.officials:
        return [say(lang, "digest.nobody")]
    if not working_days:
        return [say(lang, "digest.week_no_days")]
    return [
        say(
            lang,
            "digest.week_rate",
            reported=figures.reported,
            expected=figures.expected,
            rate=percent(figures.reported, figures.expected),
            officials=len(figures.officials),
            days=len(working_days),
        )
    ]


def _officials_section(lang: str, figures: WeekFigures, working_days: list[date]) -> list[str]:
    """Each official's rate, lowest first."""
    if not figures.officials or not working_days:
        return []
    lines = [
        say(
            lang,
            "digest.official_line",
            name=o.full_name,
            reported=o.reported,
            expected=o.expected,
            rate=percent(o.reported, o.expected),
            leave=say(lang, "digest.official_leave", days=o.leave_days) if o.leave_days else "",
        )
        for o in figures.officials
    ]
    more = say(lang, "digest.more_officials", count=len(lines) - NAMES_SHOWN)
    return [say(lang, "digest.officials_title"), *capped(lines, NAMES_SHOWN, more)]


def _activity_section(lang: str, figures: WeekFigures) -> list[str]:
    """Entries per commune, by topic."""
    if not figures.activity:
        return [say(lang, "digest.communes_none")] if figures.officials else []
    names = figures.commune_names
    lines = []
    for code in sorted(figures.activity, key=lambda c: fold(names[c])):
        counts = figures.activity[code]
        topics = ", ".join(f"{topic_label(topic, lang)} {n}" for topic, n in topic_order(counts))
        lines.append(
            say(
                lang,
                "digest.commune_line",
                commune=names[code],
                count=sum(counts.values()),
                topics=topics,
            )
        )
    more = say(lang, "digest.more_communes", count=len(lines) - COMMUNES_SHOWN)
    return [say(lang, "digest.communes_title"), *capped(lines, COMMUNES_SHOWN, more)]


def _median(spans: list[timedelta]) -> timedelta:
    return timedelta(seconds=statistics.median(s.total_seconds() for s in spans))
