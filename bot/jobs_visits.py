"""The reminder the working day before a working-group visit (nhắc lịch tổ công tác)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.core.dates import format_day
from handlers.core.messages import Reply
from handlers.core.texts import t
from handlers.core.workcal import WorkingCalendar, calendar_from
from storage import calendar, org, outbox, visit_changes, visits
from storage.db import Database
from storage.visits import VisitInfo

log = logging.getLogger(__name__)
LOOK_AHEAD_DAYS = 40  # covers the longest run of days off (Tết) between a reminder and a visit


def _key(visit_id: int, moves: int, person_id: int) -> str:
    """The outbox key of a reminder: a moved visit is reminded again for its new day."""
    if moves == 0:
        return f"wgrem:{visit_id}:{person_id}"
    return f"wgrem:{visit_id}:m{moves}:{person_id}"


def reminder_day(visit_day: date, cal: WorkingCalendar) -> date:
    """The last working day before the visit day."""
    day = visit_day - timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day


def reminder_due(
    visit: VisitInfo, planned_at: datetime, now: datetime, at: time, cal: WorkingCalendar
) -> bool:
    """Whether the reminder of this visit is due at `now` (and not stale, not redundant)."""
    moment = datetime.combine(reminder_day(visit.day, cal), at, cal.zone)
    visit_starts = datetime.combine(visit.day, time(0, 0), cal.zone)
    return moment <= now < visit_starts and planned_at < moment


async def send_visit_reminders(
    db: Database, zone: ZoneInfo, language: str, at: time, now: datetime
) -> int:
    """Queue the reminders due now; returns how many messages were queued."""
    today = now.astimezone(zone).date()
    queued = 0
    async with db.transaction() as tx:
        cal = calendar_from(zone, await calendar.declared_days(tx))
        upcoming = await visits.visits_between(
            tx, today + timedelta(days=1), today + timedelta(days=LOOK_AHEAD_DAYS)
        )
        for visit in upcoming:
            planned_at, moves = await visit_changes.last_planned_at(tx, visit.id)
            if not reminder_due(visit, planned_at, now, at, cal):
                continue
            members = await visits.group_members(tx, visit.group_id)
            going = [m for m in members if m.id in visit.member_ids]
            people = list(going)
            if visit.leader_id is not None:
                leader = await org.person_by_id(tx, visit.leader_id)
                if leader is not None and leader.active:
                    people.append(leader)
            people += await visits.officials_in_commune_on(tx, visit.commune_code, visit.day)
            people += await visits.commune_contacts_of(tx, visit.commune_code)
            seen: set[int] = set()
            for person in people:
                if person.id in seen:
                    continue
                seen.add(person.id)
                lang = person.language or language
                text = t(
                    lang,
                    "wg.notify.reminder",
                    group=visit.group_name,
                    commune=visit.commune_name,
                    day=format_day(visit.day, lang, weekday=True),
                    members=", ".join(m.full_name for m in going) or "—",
                    agenda=visit.agenda,
                )
                queued += await outbox.enqueue(
                    tx,
                    key=_key(visit.id, moves, person.id),
                    person_id=person.id,
                    payload=Reply(text).to_json(),
                    now=now,
                )
    if queued:
        log.info("queued %d working-group visit reminders", queued)
    return queued
