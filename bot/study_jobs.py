"""The study-visit reminder tick: a commune contact is reminded two working days before a
confirmed week starts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.core.dates import format_day
from handlers.core.messages import Reply
from handlers.core.texts import t
from handlers.core.workcal import calendar_from
from handlers.study.actions import contact_person
from handlers.study.weeks import format_week, reminder_day
from storage import calendar, org, outbox, study
from storage.db import Database

log = logging.getLogger(__name__)
# Far enough ahead to cover a reminder day before a long holiday (Tết).
LOOKAHEAD = timedelta(days=21)


async def send_study_reminders(db: Database, zone: ZoneInfo, language: str, now: datetime) -> int:
    """Queue the reminders due now; returns how many were queued."""
    today = now.astimezone(zone).date()
    queued = 0
    async with db.transaction() as tx:
        cal = calendar_from(zone, await calendar.declared_days(tx))
        for part in await study.confirmed_starting(
            tx, today + timedelta(days=1), today + LOOKAHEAD
        ):
            due = reminder_day(part.week_start, cal)
            confirmed_on = part.confirmed_at.astimezone(zone).date() if part.confirmed_at else today
            if today < due or confirmed_on >= due:
                continue
            person = await org.person_by_id(tx, part.contact_id)
            lang = (person.language if person else None) or language
            text = t(
                lang,
                "ht.reminder",
                ref=part.reference,
                commune=part.commune_name,
                division=part.division_name,
                week=format_week(part.week_start, lang),
                monday=format_day(part.week_start, lang, weekday=True),
                people=part.people,
                names=", ".join(m.full_name for m in part.members),
                place=part.place,
                name=contact_person(part),
            )
            queued += await outbox.enqueue(
                tx,
                key=f"ht:{part.id}:remind",
                person_id=part.contact_id,
                payload=Reply(text).to_json(),
                now=now,
            )
    if queued:
        log.info("queued %d study-visit reminders", queued)
    return queued
