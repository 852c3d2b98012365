"""The monthly report tick: on the first working day of a month, each supervisor gets last
month's summary of their scope as a document. Stateless: each tick works out what is due and
queues one outbox row per supervisor under `monthly:<person>:<YYYY-MM>`, so a rerun, the start-up
catch-up or a second process sends nothing twice. The row holds the request; the document is
built when it is sent (`bot.reports.delivery`).

After downtime the report still goes out for a week after its day; later it is stale (skipped
and logged).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.core.texts import t
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.digest.text import scope_label
from handlers.reports.request import ReportRequest, period_label, report_payload
from storage import calendar, outbox, scope
from storage import digest as digest_reads
from storage.db import Database

log = logging.getLogger(__name__)
USEFUL_FOR = timedelta(days=7)


def first_working_day(month: date, cal: WorkingCalendar) -> date:
    """The first working day of the month of `month` (a long Tết holiday pushes it on)."""
    day = month.replace(day=1)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_month(day: date) -> tuple[date, date]:
    """The first and last day of the month before the month of `day`."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


async def send_monthly_reports(
    db: Database, zone: ZoneInfo, language: str, at: time, now: datetime
) -> int:
    """Queue last month's summary to every supervisor once it is due; returns how many."""
    local = now.astimezone(zone)
    today = local.date()
    async with db.read() as tx:
        cal = calendar_from(zone, await calendar.declared_days(tx))
        due = first_working_day(today, cal)
        if today < due or (today == due and local.time() < at):
            return 0
        if today - due > USEFUL_FOR:
            return 0
        supervisors = await scope.all_supervisors(tx)
        scopes = {s.id: await digest_reads.scope_of(tx, s.id) for s in supervisors}
    first, last = previous_month(today)
    label = period_label(first, last)
    queued = 0
    async with db.transaction() as tx:
        for supervisor in supervisors:
            lang = supervisor.language or language
            words = scope_label("vi", scopes[supervisor.id])
            request = ReportRequest(
                first,
                last,
                label,
                supervisor_id=supervisor.id,
                scope_label=words,
                division_signer=not supervisor.supervises_all,
            )
            text = t(lang, "report.monthly_caption", period=label, scope=words)
            queued += await outbox.enqueue(
                tx,
                key=f"monthly:{supervisor.id}:{first:%Y-%m}",
                person_id=supervisor.id,
                payload=report_payload(text, request),
                now=now,
            )
    if queued:
        log.info("queued %d monthly reports for %s", queued, first.strftime("%m/%Y"))
    return queued
