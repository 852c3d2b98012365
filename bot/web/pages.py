"""The dashboard's pages: each reads through storage functions from the viewer's scope."""

from __future__ import annotations

import asyncio
import logging
import statistics
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.export.attendance import LEGEND, PER_DIEM_RULE, attendance, per_diem
from bot.export.visits_sheet import followup_status, visit_status
from bot.export_worker import file_name
from bot.web import charts
from bot.web.figures import rates
from handlers.core.messages import Incoming, Kind
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.topics import TOPICS, topic_label
from handlers.core.turn import HandlerConfig, Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.difficulty import actions as difficulty_actions
from handlers.difficulty.lifecycle import OPEN, Action, Actor, Status, allowed_actions
from handlers.digest.text import duration_text, name_order, scope_label
from handlers.digest.weekly import weekly_digest
from handlers.export.command import named_period
from handlers.study.calendar import weeks_between
from handlers.study.views import CALENDAR_WEEKS as STUDY_WEEKS
from handlers.study.weeks import is_holiday_week, week_of
from storage import calendar as calendar_reads
from storage import difficulties, export_jobs, followups, scope, study, web_reads
from storage import digest as reads
from storage import export as export_reads
from storage import org as org_reads
from storage import web_overview as overview_reads
from storage.db import Database, Tx
from storage.difficulties import Difficulty
from storage.export import ExportFilter
from storage.export_jobs import ExportProgress
from storage.models import ConversationState, Person
from storage.web_reads import EntryFilter, StoredPhoto

if TYPE_CHECKING:
    from bot.web.app import Dashboard, Viewer

log = logging.getLogger(__name__)
LANG = "vi"
ENTRIES_PER_PAGE = 50
NAMES_SHOWN = 30
CHART_BARS = 15
OPTIONS_SHOWN = 300
ROWS_SHOWN = 30  # divisions or communes in a table; the export has them all
OFFICIALS_PER_PAGE = 100
RESOLVED_DAYS = 30
PERIODS = (
    ("tuannay", "Tuần này"),
    ("tuantruoc", "Tuần trước"),
    ("thangnay", "Tháng này"),
    ("dotnay", "Đợt này"),
    ("khac", "Chọn ngày"),
)
WEB_ACTIONS = {
    Action.ACKNOWLEDGE: "Đã nhận",
    Action.ANSWER: "Trả lời",
    Action.ASK_INFO: "Hỏi thêm",
    Action.FORWARD: "Chuyển người khác",
    Action.RESOLVE: "Đã giải quyết",
}
NEEDS_TEXT = {Action.ANSWER, Action.ASK_INFO}
# The channel of the dashboard's export jobs; the job's chat is the session that asked.
WEB_CHANNEL = "web"
REFRESH_SECONDS = 3  # how often a download's page reloads itself while the file is prepared


class NotFound(Exception):
    """Missing, or outside the viewer's scope: answered with the same 404."""


@dataclass(frozen=True)
class Period:
    """A period both ends included, how it was chosen, and its label; `problem` says in
    Vietnamese why the period asked for could not be used (this week is shown instead)."""

    first: date
    last: date
    key: str
    problem: str = ""

    @property
    def label(self) -> str:
        """'01/12/2026 – 07/12/2026'."""
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"


# Dates outside these years are typing mistakes; far ones would also overflow date arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_PERIOD = 400  # days


def _date(text: str | None) -> date | None:
    try:
        found = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return found if found and FIRST_YEAR <= found.year <= LAST_YEAR else None


def _chosen_dates(first_text: str, last_text: str) -> tuple[date, date] | str:
    """Two typed dates as a period, or why they cannot be one (in Vietnamese)."""
    if not first_text or not last_text:
        return "Anh/chị chọn cả ngày bắt đầu («Từ») và ngày kết thúc («Đến»)."
    first, last = _date(first_text), _date(last_text)
    if first is None or last is None:
        wrong = first_text if first is None else last_text
        return f"Chưa hiểu ngày «{wrong[:20]}». Anh/chị chọn lại ngày trên lịch."
    if first > last:
        return (
            f"Ngày bắt đầu {first:%d/%m/%Y} sau ngày kết thúc {last:%d/%m/%Y}. "
            "Anh/chị chọn lại ngày."
        )
    if (last - first).days >= LONGEST_PERIOD:
        return (
            f"Kỳ dài nhất {LONGEST_PERIOD} ngày. Anh/chị chọn kỳ ngắn hơn, hoặc tải tệp Excel "
            "từng đợt ở mục Tải về."
        )
    return first, last


async def _period(d: Dashboard, request: web.Request, today: date) -> Period:
    """The period asked for in the query (?ky=…, or ?ky=khac&tu=…&den=…); this week by default
    and, with a reason to show, when the period asked for cannot be used."""
    return await _period_of(d, request.query, today)


async def _period_of(d: Dashboard, values: Mapping[str, str], today: date) -> Period:
    """The period of a query or a form (ky, or ky=khac with tu and den), as `_period` says."""
    key = values.get("ky", "tuannay")
    problem = ""
    if key == "khac":
        chosen = _chosen_dates(values.get("tu", ""), values.get("den", ""))
        if not isinstance(chosen, str):
            return Period(chosen[0], chosen[1], key)
        problem = chosen
    elif key == "dotnay":
        async with d.db.read() as tx:
            wave = await export_reads.wave_on(tx, today)
        if wave is not None:
            return Period(wave[1], wave[2], key)
        problem = "Hôm nay không thuộc đợt biệt phái nào. Anh/chị chọn kỳ khác hoặc chọn ngày."
    found = named_period(key, today) if key in ("tuannay", "tuantruoc", "thangnay") else None
    if found is None:
        key, found = "tuannay", named_period("tuannay", today)
    assert found is not None
    return Period(found[0], found[1], key, problem)


def _today(d: Dashboard) -> date:
    return d.clock().astimezone(d.handlers.zone).date()


async def _calendar(d: Dashboard) -> WorkingCalendar:
    async with d.db.read() as tx:
        return calendar_from(d.handlers.zone, await calendar_reads.declared_days(tx))


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# ---------------------------------------------------------------------- overview


async def overview(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Tổng quan: rates, trend, who has not logged today, difficulties, unreachable officials."""
    if not viewer.supervisor:
        raise web.HTTPFound(d.prefix + "/nhat-ky")
    today = _today(d)
    period = await _period(d, request, today)
    calendar = await _calendar(d)
    me = viewer.person.id
    now = d.clock()
    start = datetime.combine(period.first, time(0, 0), d.handlers.zone)
    end = datetime.combine(period.last + timedelta(days=1), time(0, 0), d.handlers.zone)
    counted_until = min(period.last, today)
    working_days = (
        calendar.working_days(period.first, counted_until) if counted_until >= period.first else []
    )
    empty = "Chưa có số liệu trong kỳ này"
    async with d.db.read() as tx:
        scope_name = await reads.scope_of(tx, me)
        period_counts = await overview_reads.rate_counts(
            tx, me, working_days, today, lowest=ROWS_SHOWN
        )
        figures = rates(period_counts, working_days)
        # The charts are drawn in a worker thread while the database answers the rest.
        drawing = asyncio.ensure_future(asyncio.to_thread(_overview_charts, figures, empty))
        try:
            on_today = period_counts.today or await overview_reads.today(tx, me, today)
            counts = await overview_reads.difficulty_counts(tx, me, now, start, end)
            unreachable = await reads.unreachable_officials(tx, me, today)
        finally:
            division_chart, commune_chart, trend_chart = await drawing
    working_today = calendar.is_working_day(today)
    missing = sorted(on_today.missing, key=lambda o: name_order(o[1])) if working_today else []
    median = (
        duration_text(LANG, timedelta(seconds=statistics.median(counts.first_responses)))
        if counts.first_responses
        else None
    )
    return d.render(
        request,
        "overview.html",
        viewer=viewer,
        title="Tổng quan",
        period=period,
        periods=PERIODS,
        scope=scope_label(LANG, scope_name),
        figures=figures,
        working_days=len(working_days),
        today=today,
        working_today=working_today,
        missing=missing[:NAMES_SHOWN],
        missing_more=max(0, len(missing) - NAMES_SHOWN),
        on_leave=on_today.on_leave,
        expected_today=on_today.expected,
        open_count=counts.open,
        overdue_count=counts.overdue,
        raised_count=counts.raised,
        resolved_count=counts.resolved,
        median=median,
        responses=len(counts.first_responses),
        unreachable=unreachable,
        division_chart=division_chart,
        commune_chart=commune_chart,
        trend_chart=trend_chart,
        rows_shown=ROWS_SHOWN,
    )


def _overview_charts(figures: Any, empty: str) -> tuple[str, str, str]:
    # The lowest rates are the ones to see; more bars would not be readable on a phone.
    division_rows = [(r.label, r.percent) for r in figures.divisions if r.percent is not None]
    commune_rows = [(r.label, r.percent) for r in figures.communes if r.percent is not None]
    return (
        charts.rate_bars(division_rows[:CHART_BARS], empty),
        charts.rate_bars(commune_rows[:CHART_BARS], empty),
        charts.trend_line([(day, r.percent) for day, r in figures.days], empty),
    )


# ---------------------------------------------------------------------- entries


async def entries(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Nhật ký: entries of the scope, newest first, with filters and photos."""
    q = request.query
    today = _today(d)
    first = _date(q.get("tu")) or today - timedelta(days=6)
    last = _date(q.get("den")) or today
    if first > last:
        first, last = last, first
    page = int(q["trang"]) if q.get("trang", "").isdigit() else 1
    wanted = fold(q.get("q", "")).strip()
    person = int(q["nguoi"]) if q.get("nguoi", "").isdigit() else None
    f = EntryFilter(
        first,
        last,
        division_code=q.get("phong") or None,
        commune_code=q.get("xa") or None,
        person_id=person,
        topic=q.get("linhvuc") or None,
    )
    me = viewer.person.id
    shown: list[web_reads.WebEntry] = []
    skip = (page - 1) * ENTRIES_PER_PAGE
    more = False
    async with d.db.read() as tx:
        async for entry in web_reads.entries(tx, me, viewer.supervisor, f):
            if wanted and wanted not in fold(
                f"{entry.text} {entry.full_name} {entry.commune_name}"
            ):
                continue
            if skip:
                skip -= 1
                continue
            if len(shown) == ENTRIES_PER_PAGE:
                more = True
                break
            shown.append(entry)
        photos = await web_reads.photos_of(tx, "work_log", [e.id for e in shown])
        options = await _filter_options(tx, viewer, first, last)
    query = {k: v for k, v in q.items() if k != "trang"}
    return d.render(
        request,
        "entries.html",
        viewer=viewer,
        title="Nhật ký",
        entries=shown,
        photos=photos,
        first=first,
        last=last,
        query=q,
        page=page,
        more=more,
        base_query=urlencode(query),
        topics=[(topic.code, topic_label(topic.code, LANG)) for topic in TOPICS],
        topic_label=lambda code: topic_label(code, LANG),
        zone=d.handlers.zone,
        divisions=options["divisions"],
        communes=options["communes"],
        people=options["people"],
    )


async def _filter_options(
    tx: Any, viewer: Viewer, first: date, last: date
) -> dict[str, list[tuple[str, str]]]:
    """Divisions, communes and people the viewer may narrow to."""
    if not viewer.supervisor:
        return {"divisions": [], "communes": [], "people": []}
    assignments = await reads.assignments_in_scope(tx, viewer.person.id, first, last)
    division_of = await web_reads.divisions_of(tx, sorted({a.person_id for a in assignments}))
    names = dict(await org_reads.divisions(tx))
    divisions = sorted({code for code in division_of.values() if code})
    communes = sorted({(a.commune.code, a.commune.name) for a in assignments}, key=lambda c: c[1])
    people = sorted(
        {(str(a.person_id), a.full_name) for a in assignments}, key=lambda p: name_order(p[1])
    )
    # A list of thousands is no help on a phone: then the text search finds a name or commune.
    return {
        "divisions": [(code, names.get(code, code)) for code in divisions][:OPTIONS_SHOWN],
        "communes": communes if len(communes) <= OPTIONS_SHOWN else [],
        "people": people if len(people) <= OPTIONS_SHOWN else [],
    }


async def visible_photo(d: Dashboard, viewer: Viewer, attachment_id: int) -> StoredPhoto | None:
    """A photo the viewer may open (of an entry or a difficulty they may see), else None."""
    async with d.db.read() as tx:
        photo = await web_reads.photo_by_id(tx, attachment_id)
        if photo is None:
            return None
        if photo.owner_kind == "work_log":
            visible = await web_reads.entry_visible(tx, viewer.person.id, photo.owner_id)
        elif photo.owner_kind == "difficulty":
            visible = await _difficulty_visible(tx, viewer.person.id, photo.owner_id) is not None
        else:
            visible = False
    return photo if visible else None


# ---------------------------------------------------------------------- difficulties


async def _difficulty_visible(
    tx: Any, person_id: int, difficulty_id: int
) -> tuple[Difficulty, Actor] | None:
    """The chat's rule: the reporter, or a supervisor who oversees it (forwarded included)."""
    item = await difficulties.difficulty_by_id(tx, difficulty_id)
    if item is None:
        return None
    if item.reporter_id == person_id:
        return item, Actor.REPORTER
    if await scope.oversees(tx, person_id, item.division_code, item.commune_code, item.assignee_id):
        return item, Actor.SUPERVISOR
    return None


async def difficulties_page(d: Dashboard, viewer: Viewer) -> list[Difficulty]:
    """Open difficulties the viewer may see, and those resolved in the last 30 days."""
    now = d.clock()
    async with d.db.read() as tx:
        if viewer.supervisor:
            items = await reads.difficulties_with_status(
                tx, viewer.person.id, [s.value for s in OPEN]
            )
            recent, _ = await reads.difficulties_touched_between(
                tx, viewer.person.id, now - timedelta(days=RESOLVED_DAYS), now
            )
            items += [x for x in recent if x.status == Status.RESOLVED.value]
        else:
            items = []
            for difficulty_id in await web_reads.difficulties_of_reporter(tx, viewer.person.id):
                item = await difficulties.difficulty_by_id(tx, difficulty_id)
                if item is not None:
                    items.append(item)
    return items


async def difficulties_board(
    d: Dashboard, request: web.Request, viewer: Viewer
) -> web.StreamResponse:
    """Khó khăn: a board by status, overdue first."""
    now = d.clock()
    items = await difficulties_page(d, viewer)
    overdue = sorted((x for x in items if x.overdue(now)), key=lambda x: x.created_at)
    columns = [("Quá hạn", overdue)]
    for status in Status:
        column = [x for x in items if x.status == status.value and not x.overdue(now)]
        column.sort(key=lambda x: x.created_at)
        if status is Status.RESOLVED:
            column.sort(key=lambda x: x.resolved_at or x.created_at, reverse=True)
        columns.append((t(LANG, f"kk.status.{status.value}"), column))
    return d.render(
        request,
        "difficulties.html",
        viewer=viewer,
        title="Khó khăn",
        columns=columns,
        now=now,
        zone=d.handlers.zone,
        topic_label=lambda code: topic_label(code, LANG),
    )


async def difficulty(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """One difficulty: its card, history, photos and the actions the viewer may take."""
    raw = request.match_info["id"]
    if not raw.isdigit():
        raise NotFound
    async with d.db.read() as tx:
        found = await _difficulty_visible(tx, viewer.person.id, int(raw))
        if found is None:
            raise NotFound
        item, actor = found
        events = await difficulties.events_of(tx, item.id)
        names = await difficulties.people_names(tx, {e.target_id for e in events if e.target_id})
        photos = (await web_reads.photos_of(tx, "difficulty", [item.id])).get(item.id, [])
        others = [p for p in await scope.all_supervisors(tx) if p.id != viewer.person.id]
    actions = (
        [a for a in allowed_actions(Actor.SUPERVISOR, Status(item.status)) if a in WEB_ACTIONS]
        if actor is Actor.SUPERVISOR
        else []
    )
    done = request.query.get("xong", "")
    return d.render(
        request,
        "difficulty.html",
        viewer=viewer,
        title=item.reference,
        item=item,
        events=events,
        names=names,
        photos=photos,
        actions=[(a.value, WEB_ACTIONS[a], a in NEEDS_TEXT) for a in actions],
        others=others,
        can_forward=Action.FORWARD in actions,
        status_label=lambda s: t(LANG, f"kk.status.{s}"),
        action_label=lambda a, target="": t(LANG, f"kk.action.{a}", target=target),
        topic_label=lambda code: topic_label(code, LANG),
        now=d.clock(),
        zone=d.handlers.zone,
        notice=request.query.get("tb", "") if done else "",
        error="",
    )


async def act_on_difficulty(
    d: Dashboard, request: web.Request, viewer: Viewer
) -> web.StreamResponse:
    """A supervisor's step from the difficulty page, through the chat's lifecycle code."""
    raw = request.match_info["id"]
    form = await request.post()
    if not raw.isdigit():
        raise NotFound
    try:
        action = Action(str(form.get("action", "")))
    except ValueError:
        raise NotFound from None
    if action not in WEB_ACTIONS:
        raise NotFound
    target_raw = str(form.get("target", ""))
    notice = await act(
        d.db,
        d.handlers,
        viewer.person,
        int(raw),
        action,
        text=str(form.get("text", "")).strip()[:4000],
        target_id=int(target_raw) if target_raw.isdigit() else None,
        now=d.clock(),
    )
    raise web.HTTPSeeOther(f"{d.prefix}/kho-khan/{raw}?xong=1&tb={quote(notice)}")


async def act(
    db: Database,
    handlers: HandlerConfig,
    person: Person,
    difficulty_id: int,
    action: Action,
    *,
    text: str = "",
    target_id: int | None = None,
    now: datetime,
) -> str:
    """A supervisor's step from the dashboard, decided as the chat decides a button: the notice
    to show; NotFound when the difficulty is not theirs to act on."""

    async def step(tx: Tx, attempt: int) -> str:
        found = await _difficulty_visible(tx, person.id, difficulty_id)
        if found is None or found[1] is not Actor.SUPERVISOR:
            raise NotFound
        if action in NEEDS_TEXT and not text:
            return "Anh/chị vui lòng nhập nội dung."
        if action is Action.FORWARD:
            allowed = {p.id for p in await scope.all_supervisors(tx) if p.id != person.id}
            if target_id not in allowed:
                return "Anh/chị chọn người nhận."
        turn = Turn(
            _web_incoming(person, now, text),
            tx,
            person,
            ConversationState(None, None, {}, "", []),
            handlers,
            now,
        )
        replies = await difficulty_actions.apply(
            turn,
            difficulty_id,
            action,
            text=text,
            target_id=target_id if action is Action.FORWARD else None,
        )
        return "\n".join(r.text for r in replies)

    # A check-then-act, run as the chat runs a turn: serializable on PostgreSQL, and again when
    # another supervisor's step (dashboard or chat) won the race, so the loser decides on the
    # status the winner left: refused, or applied on top when the table still allows it.
    try:
        return await db.run(step)
    except NotFound:
        raise
    except Exception:
        log.exception("dashboard action %s on difficulty %d failed", action, difficulty_id)
        return t(LANG, "error.not_saved")


def _web_incoming(person: Person, now: datetime, text: str) -> Incoming:
    """A dashboard action in the shape the handlers take (channel 'web')."""
    return Incoming(
        channel="web",
        user_id=str(person.id),
        chat_id=f"web:{person.id}",
        update_key=f"web:{uuid.uuid4().hex}",
        sent_at=now,
        kind=Kind.TEXT,
        text=text,
    )


# ---------------------------------------------------------------------- attendance


def _month(text: str | None, today: date) -> date:
    """The month asked for (?thang=2026-11), else this month."""
    return _date(f"{text}-01" if text else None) or today.replace(day=1)


async def attendance_page(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Chuyên cần: the month grid with the export's codes, and per-diem days with the rule."""
    today = _today(d)
    month = _month(request.query.get("thang"), today)
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    days = [month + timedelta(days=n) for n in range((last - month).days + 1)]
    calendar = await _calendar(d)
    working = frozenset(day for day in days if calendar.is_working_day(day))
    page = int(request.query["trang"]) if request.query.get("trang", "").isdigit() else 1
    f = (
        ExportFilter(supervisor_id=viewer.person.id)
        if viewer.supervisor
        else ExportFilter(person_id=viewer.person.id)
    )
    async with d.db.read() as tx:
        everyone = await export_reads.officials(tx, f, month, last)
        chunk = everyone[(page - 1) * OFFICIALS_PER_PAGE : page * OFFICIALS_PER_PAGE]
        ids = [o.person_id for o in chunk]
        assignments = await export_reads.assignments_of(tx, f, month, last, ids)
        leaves = await export_reads.leaves_of(tx, month, last, ids)
        logs = await export_reads.day_logs_of(tx, month, last, ids)
    rows = []
    for official in chunk:
        mine = [a for a in assignments if a.person_id == official.person_id]
        leave = [(s, e) for p, s, e in leaves if p == official.person_id]
        logged = {x.work_date for x in logs if x.person_id == official.person_id}
        logged_at = {
            (x.work_date, x.commune_code) for x in logs if x.person_id == official.person_id
        }
        grid = attendance(days, working, mine, leave, logged, today)
        diem = per_diem(days, working, mine, leave, logged_at)
        rows.append((official, grid, diem[0] if diem else None))
    previous = (month - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return d.render(
        request,
        "attendance.html",
        viewer=viewer,
        title="Chuyên cần",
        month=month,
        days=days,
        rows=rows,
        legend=LEGEND,
        rule=PER_DIEM_RULE,
        previous=previous,
        following=following,
        page=page,
        more=len(everyone) > page * OFFICIALS_PER_PAGE,
        total=len(everyone),
    )


# ---------------------------------------------------------------------- visits and study


async def visits_page(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Tổ công tác: visits of the period and their follow-up items, overdue marked."""
    if not viewer.supervisor:
        raise NotFound
    today = _today(d)
    period = await _period(d, request, today)
    calendar = await _calendar(d)
    zone = d.handlers.zone
    async with d.db.read() as tx:
        rows = await followups.export_rows(
            tx,
            supervisor_id=viewer.person.id,
            division=None,
            commune=None,
            person=None,
            first=period.first,
            last=period.last,
            start=datetime.combine(period.first, time(0, 0), zone),
            end=datetime.combine(period.last + timedelta(days=1), time(0, 0), zone),
        )
    visits = [
        (
            visit,
            members,
            visit_status(visit, today),
            [(item, followup_status(item, today, calendar)) for item in items],
        )
        for visit, members, items in rows
    ]
    return d.render(
        request,
        "visits.html",
        viewer=viewer,
        title="Tổ công tác",
        visits=visits,
        period=period,
        periods=PERIODS,
    )


async def study_page(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Học tập: the study calendar by week and division, with the room left, as /hoctap shows
    it to a division head: groups waiting or confirmed take room, a holiday week hosts nobody."""
    if not viewer.supervisor:
        raise NotFound
    today = _today(d)
    # Weeks not yet over: from Saturday on, this week's visits are past.
    first = week_of(today) + timedelta(weeks=1 if today.weekday() >= 5 else 0)
    last = first + timedelta(weeks=STUDY_WEEKS) - timedelta(days=1)
    capacity = d.handlers.study_capacity
    calendar = await _calendar(d)
    async with d.db.read() as tx:
        divisions = await study.supervised_divisions(tx, viewer.person.id)
        parts = await study.parts_between(tx, first, last, divisions)
        names = dict(await org_reads.divisions(tx))
    wanted = sorted(names) if divisions is None else divisions
    taken: Counter[tuple[date, str]] = Counter()
    for part in parts:
        taken[(part.week_start, part.division_code)] += part.people
    weeks = []
    for week in weeks_between(first, last):
        holiday = is_holiday_week(week, calendar)
        cells = [
            (
                names.get(code, code),
                taken[(week, code)],
                0 if holiday else max(capacity - taken[(week, code)], 0),
                [p for p in parts if p.week_start == week and p.division_code == code],
            )
            for code in wanted
        ]
        weeks.append((week, holiday, cells))
    return d.render(
        request,
        "study.html",
        viewer=viewer,
        title="Học tập",
        weeks=weeks if wanted else [],
        capacity=capacity,
        no_divisions=t(LANG, "ht.no_divisions") if not wanted else "",
        holiday_text=t(LANG, "ht.cal.holiday"),
        status_label=lambda s: t(LANG, f"ht.status.{s}"),
    )


# ---------------------------------------------------------------------- downloads


async def downloads(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Tải về: the Excel export of the scope for a period, and the weekly chart."""
    if not viewer.supervisor:
        raise NotFound
    today = _today(d)
    period = await _period(d, request, today)
    return d.render(
        request,
        "downloads.html",
        viewer=viewer,
        title="Tải về",
        period=period,
        periods=PERIODS,
        today=today,
    )


async def start_export(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """The form sent: queue the workbook of the viewer's scope for the period (built by the
    dashboard's export worker, as /xuat's are) and go to its status page."""
    if not viewer.supervisor:
        raise NotFound
    form = await request.post()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    period = await _period_of(d, values, _today(d))
    if period.problem:
        # A file of another period than the one asked for would be worse than none.
        return d.message(request, 400, "Chưa lập được tệp Excel", period.problem, viewer)
    now = d.clock()
    async with d.db.transaction() as tx:
        label = scope_label(LANG, await reads.scope_of(tx, viewer.person.id))
        # The job's "chat" is the session: only this browser sees its page and its file. The
        # same period asked again while it is built is the same job (a double click, a reload).
        job_id = await export_jobs.request_export(
            tx,
            person_id=viewer.person.id,
            channel=WEB_CHANNEL,
            chat_id=viewer.session_hash,
            language=LANG,
            first=period.first,
            last=period.last,
            division_code=None,
            scope_label=label,
            now=now,
        )
    d.exports.wake()
    # 303: the browser follows with a GET, so reloading the status page never asks again.
    raise web.HTTPSeeOther(f"{d.prefix}/tai-ve/tep/{job_id}")


async def _own_export(d: Dashboard, request: web.Request, viewer: Viewer) -> ExportProgress:
    """The download asked for in this session, or NotFound (another person's, another
    session's, a /xuat job, no such id: all alike)."""
    raw = request.match_info["id"]
    if not viewer.supervisor or not raw.isdigit() or len(raw) > 18:
        raise NotFound
    async with d.db.read() as tx:
        found = await export_jobs.progress(tx, int(raw))
    if (
        found is None
        or found.job.channel != WEB_CHANNEL
        or found.job.person_id != viewer.person.id
        or found.job.chat_id != viewer.session_hash
    ):
        raise NotFound
    return found


async def export_status(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """A download's page: being prepared (the page reloads itself), ready (the file's link), or
    not made (one line saying what to do)."""
    found = await _own_export(d, request, viewer)
    job = found.job
    name = file_name(job)
    ready = found.status == "done" and found.file_path is not None
    if ready:
        ready = await asyncio.to_thread(Path(str(found.file_path)).is_file)
    return d.render(
        request,
        "download_status.html",
        viewer=viewer,
        title="Tải về",
        job=job,
        waiting=found.waiting,
        ready=ready,
        failed=found.status == "failed",
        filename=name,
        link=f"{d.prefix}/tai-ve/tep/{job.id}/{quote(name)}",
        refresh_seconds=REFRESH_SECONDS,
        retention_days=d.file_retention_days,
    )


async def export_file(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """The finished workbook, to the session that asked for it only."""
    found = await _own_export(d, request, viewer)
    name = file_name(found.job)
    if found.status != "done" or found.file_path is None or request.match_info["name"] != name:
        raise NotFound
    path = Path(found.file_path)
    if not await asyncio.to_thread(path.is_file):
        raise NotFound  # removed after BOT_FILE_RETENTION_DAYS; the status page says so
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def weekly_chart(d: Dashboard, request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """The weekly digest's chart (PNG) of the viewer's scope for the week asked for."""
    if not viewer.supervisor:
        raise NotFound
    week = _date(request.query.get("tuan")) or _today(d)
    calendar = await _calendar(d)
    async with d.db.read() as tx:
        digest = await weekly_digest(tx, viewer.person, week, d.clock(), calendar, LANG)
    if digest.image is None:
        raise NotFound
    return web.Response(
        body=digest.image,
        content_type="image/png",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
