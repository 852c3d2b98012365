"""What a report says, read from the data: an official's own report, or a scope's summary.

Only reads and pure tallies; the layout is `bot.reports.document`. Entries and difficulties are
streamed through the export's reads (`storage.export`), so a department-wide month is tallied
without holding every entry: the summary keeps counts and a few example entries per topic.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.export.attendance import attendance, per_diem
from handlers.core.textfold import fold
from handlers.core.topics import TOPICS, topic_label
from handlers.core.workcal import WorkingCalendar
from handlers.reports.request import ReportRequest
from handlers.study.weeks import week_of
from storage import export as reads
from storage import followups, reports, study
from storage.db import Tx
from storage.export import ExportAssignment, ExportDifficulty, ExportEntry
from storage.followups import FollowUp
from storage.study import Part
from storage.visits import VisitInfo

LANG = "vi"  # documents for the department are in Vietnamese
EXAMPLES_PER_TOPIC = 3
TOPIC_ORDER = {t.code: i for i, t in enumerate(TOPICS)}


@dataclass(frozen=True)
class WorkLine:
    """One piece of work as written, with every day it was logged (repeated lines merged)."""

    text: str
    days: tuple[date, ...]
    communes: tuple[str, ...]


@dataclass(frozen=True)
class TopicWork:
    """An official's work under one topic."""

    topic: str
    entries: int
    lines: tuple[WorkLine, ...]


@dataclass(frozen=True)
class PhotoLine:
    """An entry that came with photos (the appendix)."""

    day: date
    topic: str
    text: str
    photos: int


@dataclass(frozen=True)
class Attendance:
    """Days in the period: working days inside the assignment, logged, leave, per-diem days."""

    assigned_working_days: int
    expected: int
    logged: int
    missing: int
    leave: int
    per_diem_days: int

    @property
    def rate(self) -> float | None:
        """Logged / expected, or None when nothing was expected."""
        return self.logged / self.expected if self.expected else None


@dataclass(frozen=True)
class OfficialReport:
    """An official's report for a period."""

    request: ReportRequest
    full_name: str
    division_name: str
    assignments: tuple[ExportAssignment, ...]
    attendance: Attendance
    work: tuple[TopicWork, ...]
    raised: tuple[ExportDifficulty, ...]
    still_open: tuple[ExportDifficulty, ...]
    photos: tuple[PhotoLine, ...]


@dataclass(frozen=True)
class OfficialRow:
    """One official in a summary: where, reporting and per-diem days."""

    full_name: str
    division_name: str
    communes: str
    attendance: Attendance


@dataclass(frozen=True)
class TopicSummary:
    """Work under one topic across communes: how many entries where, and a few examples."""

    topic: str
    entries: int
    by_commune: tuple[tuple[str, int], ...]
    examples: tuple[ExportEntry, ...]


@dataclass(frozen=True)
class DifficultyTopic:
    """Difficulties raised in the period under one topic, counted by status."""

    topic: str
    raised: int
    by_status: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class SummaryReport:
    """A division's or the department's summary for a period."""

    request: ReportRequest
    working_days: int
    assignments: tuple[tuple[str, str, ExportAssignment], ...]  # (name, division, assignment)
    officials: tuple[OfficialRow, ...]
    expected: int
    logged: int
    entries: int
    topics: tuple[TopicSummary, ...]
    difficulty_topics: tuple[DifficultyTopic, ...]
    raised: int
    resolved: int
    median_first_response_hours: float | None
    unanswered: tuple[ExportDifficulty, ...]
    still_open: tuple[ExportDifficulty, ...]
    visits: tuple[tuple[VisitInfo, tuple[str, ...], tuple[FollowUp, ...]], ...]
    study_parts: tuple[Part, ...]

    @property
    def rate(self) -> float | None:
        """Days logged / days expected over the scope."""
        return self.logged / self.expected if self.expected else None

    @property
    def per_diem_days(self) -> int:
        """Per-diem days of every official in the summary."""
        return sum(o.attendance.per_diem_days for o in self.officials)


# "Unanswered" questions: still waiting for leadership, nothing answered yet.
UNANSWERED = frozenset({"new", "acknowledged", "forwarded", "reopened"})


def _bounds(request: ReportRequest, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    start = datetime.combine(request.first, time(0, 0), calendar.zone)
    end = datetime.combine(request.last + timedelta(days=1), time(0, 0), calendar.zone)
    return start, end


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _same_text(text: str) -> str:
    """Two lines are the same work when they read the same, case and spacing aside."""
    return " ".join(text.split()).casefold()


def _topic_key(code: str) -> tuple[int, str]:
    return TOPIC_ORDER.get(code, len(TOPIC_ORDER)), code


async def _attendance_of(
    tx: Tx,
    request: ReportRequest,
    calendar: WorkingCalendar,
    person_ids: list[int],
    today: date,
) -> tuple[dict[int, list[ExportAssignment]], dict[int, Attendance]]:
    """Assignments and attendance of these officials over the period."""
    first, last = request.first, request.last
    days = _days(first, last)
    working = frozenset(d for d in days if calendar.is_working_day(d))
    assignments: dict[int, list[ExportAssignment]] = defaultdict(list)
    for a in await reads.assignments_of(tx, request.scope, first, last, person_ids):
        assignments[a.person_id].append(a)
    leaves: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for person_id, start, end in await reads.leaves_of(tx, first, last, person_ids):
        leaves[person_id].append((start, end))
    logged: dict[int, set[date]] = defaultdict(set)
    logged_at: dict[int, set[tuple[date, str]]] = defaultdict(set)
    for day_log in await reads.day_logs_of(tx, first, last, person_ids):
        logged[day_log.person_id].add(day_log.work_date)
        logged_at[day_log.person_id].add((day_log.work_date, day_log.commune_code))
    found = {}
    for person_id in person_ids:
        mine = assignments[person_id]
        done = attendance(days, working, mine, leaves[person_id], logged[person_id], today)
        months = per_diem(days, working, mine, leaves[person_id], logged_at[person_id])
        found[person_id] = Attendance(
            assigned_working_days=sum(m.working_days for m in months),
            expected=done.expected,
            logged=done.logged,
            missing=done.missing,
            leave=done.leave,
            per_diem_days=sum(m.on_site_days for m in months),
        )
    return assignments, found


async def official_report(
    tx: Tx, request: ReportRequest, calendar: WorkingCalendar, now: datetime
) -> OfficialReport:
    """Everything an official's report says, read for `request.person_id`."""
    assert request.person_id is not None
    today = now.astimezone(calendar.zone).date()
    people = await reads.officials(tx, request.scope, request.first, request.last)
    me = next((p for p in people if p.person_id == request.person_id), None)
    name, division = await _name_and_division(tx, request.person_id, me)
    assignments, tallies = await _attendance_of(tx, request, calendar, [request.person_id], today)

    by_topic: dict[str, dict[str, list[ExportEntry]]] = defaultdict(dict)
    counts: Counter[str] = Counter()
    photos = []
    async for entry in reads.entries(tx, request.scope, request.first, request.last):
        counts[entry.topic] += 1
        by_topic[entry.topic].setdefault(_same_text(entry.text), []).append(entry)
        if entry.photos:
            photos.append(
                PhotoLine(entry.work_date, topic_label(entry.topic, LANG), entry.text, entry.photos)
            )
    work = []
    for code in sorted(by_topic, key=_topic_key):
        lines = [
            WorkLine(
                same[0].text.strip(),
                tuple(sorted({e.work_date for e in same})),
                tuple(dict.fromkeys(e.commune_name for e in same)),
            )
            for same in by_topic[code].values()
        ]
        lines.sort(key=lambda line: (line.days[0], line.text))
        work.append(TopicWork(topic_label(code, LANG), counts[code], tuple(lines)))

    start, end = _bounds(request, calendar)
    raised = [d async for d in reads.difficulties(tx, request.scope, start, end)]
    still_open = await reports.open_difficulties(tx, request.scope, end)
    return OfficialReport(
        request=request,
        full_name=name,
        division_name=division,
        assignments=tuple(assignments[request.person_id]),
        attendance=tallies[request.person_id],
        work=tuple(work),
        raised=tuple(raised),
        still_open=tuple(still_open),
        photos=tuple(photos),
    )


async def _name_and_division(
    tx: Tx, person_id: int, me: reads.ExportOfficial | None
) -> tuple[str, str]:
    if me is not None:
        return me.full_name, me.division_name
    # No assignment in the period: the report still names its author.
    person = await reports.person_and_division(tx, person_id)
    return person if person is not None else ("", "")


def _rank(entry: ExportEntry) -> tuple[int, date, datetime]:
    """Longest first (spacing aside); between equally long ones, the more recent."""
    return len(_same_text(entry.text)), entry.work_date, entry.sent_at


@dataclass
class _Examples:
    """The longest entries of one topic, at most one per official (the stated example rule)."""

    kept: list[tuple[tuple[int, date, datetime], ExportEntry]] = field(default_factory=list)

    def offer(self, entry: ExportEntry) -> None:
        full = len(self.kept) >= EXAMPLES_PER_TOPIC
        # Cheap test first: most entries are shorter than every example kept.
        if full and len(entry.text) < self.kept[-1][0][0]:
            return
        rank = _rank(entry)
        same = next(
            (i for i, (_, k) in enumerate(self.kept) if k.full_name == entry.full_name), None
        )
        if same is not None:
            if rank > self.kept[same][0]:
                self.kept[same] = (rank, entry)
        elif not full:
            self.kept.append((rank, entry))
        elif rank > self.kept[-1][0]:
            self.kept[-1] = (rank, entry)
        self.kept.sort(key=lambda kept: kept[0], reverse=True)

    @property
    def entries(self) -> tuple[ExportEntry, ...]:
        """The examples, the best first."""
        return tuple(entry for _, entry in self.kept)


async def summary_report(
    tx: Tx, request: ReportRequest, calendar: WorkingCalendar, now: datetime
) -> SummaryReport:
    """Everything a division's or the department's summary says, read for its scope."""
    first, last, scope = request.first, request.last, request.scope
    today = now.astimezone(calendar.zone).date()
    working_days = sum(1 for d in _days(first, last) if calendar.is_working_day(d))
    people = await reads.officials(tx, scope, first, last)
    rows: list[OfficialRow] = []
    assignment_rows: list[tuple[str, str, ExportAssignment]] = []
    # A chunk of officials at a time, as the export does, so memory follows the chunk.
    chunk = 500
    for at in range(0, len(people), chunk):
        group = people[at : at + chunk]
        assignments, tallies = await _attendance_of(
            tx, request, calendar, [p.person_id for p in group], today
        )
        for person in group:
            mine = assignments[person.person_id]
            for a in mine:
                assignment_rows.append((person.full_name, person.division_name, a))
            rows.append(
                OfficialRow(
                    person.full_name,
                    person.division_name,
                    ", ".join(dict.fromkeys(a.commune_name for a in mine)),
                    tallies[person.person_id],
                )
            )

    entries = 0
    per_topic: Counter[str] = Counter()
    per_topic_commune: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, _Examples] = defaultdict(_Examples)
    async for entry in reads.entries(tx, scope, first, last):
        entries += 1
        per_topic[entry.topic] += 1
        per_topic_commune[entry.topic][entry.commune_name] += 1
        examples[entry.topic].offer(entry)
    topics = tuple(
        TopicSummary(
            topic_label(code, LANG),
            per_topic[code],
            tuple(sorted(per_topic_commune[code].items(), key=lambda kv: (-kv[1], fold(kv[0])))),
            examples[code].entries,
        )
        for code in sorted(per_topic, key=_topic_key)
    )

    start, end = _bounds(request, calendar)
    status_by_topic: dict[str, Counter[str]] = defaultdict(Counter)
    responses = []
    raised = resolved = 0
    async for d in reads.difficulties(tx, scope, start, end):
        raised += 1
        resolved += d.status == "resolved"
        status_by_topic[d.topic][d.status] += 1
        if d.first_response_at is not None:
            responses.append((d.first_response_at - d.created_at).total_seconds() / 3600)
    difficulty_topics = tuple(
        DifficultyTopic(
            topic_label(code, LANG),
            sum(status_by_topic[code].values()),
            tuple(sorted(status_by_topic[code].items())),
        )
        for code in sorted(status_by_topic, key=_topic_key)
    )
    still_open = await reports.open_difficulties(tx, scope, end)
    unanswered = tuple(d for d in still_open if d.kind == "question" and d.status in UNANSWERED)

    visits = await followups.export_rows(
        tx,
        supervisor_id=request.supervisor_id,
        division=request.division_code,
        commune=None,
        person=None,
        first=first,
        last=last,
        start=start,
        end=end,
    )
    divisions: list[str] | None = None
    if request.supervisor_id is not None:
        divisions = await study.supervised_divisions(tx, request.supervisor_id)
    if request.division_code is not None:
        divisions = [
            d for d in (divisions or [request.division_code]) if d == request.division_code
        ]
    parts = await study.parts_between(tx, week_of(first), last, divisions)
    return SummaryReport(
        request=request,
        working_days=working_days,
        assignments=tuple(assignment_rows),
        officials=tuple(rows),
        expected=sum(r.attendance.expected for r in rows),
        logged=sum(r.attendance.logged for r in rows),
        entries=entries,
        topics=topics,
        difficulty_topics=difficulty_topics,
        raised=raised,
        resolved=resolved,
        median_first_response_hours=(round(statistics.median(responses), 1) if responses else None),
        unanswered=unanswered,
        still_open=tuple(still_open),
        visits=tuple((v, members, tuple(items)) for v, members, items in visits),
        study_parts=tuple(p for p in parts if p.week_start <= last),
    )
