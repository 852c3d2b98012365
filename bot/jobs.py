"""Scheduled jobs as stateless ticks: each asks the database what is due and queues it once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import jobs_visits, report_jobs, study_jobs
from handlers.core.messages import Reply
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.difficulty import escalation
from handlers.difficulty.escalation import Step
from handlers.digest.daily import Digest, daily_digest, weekly_digest
from handlers.reminders.due import ReminderSchedule, reminder_key, reminder_message, slot_due
from storage import calendar, difficulties, job_runs, outbox, reminders, scope
from storage.db import Database, Tx

log = logging.getLogger(__name__)
BATCH = 500  # rows per write transaction, so chat messages are not held up by a big fan-out


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Schedule:
    """When each job runs (local time), from settings."""

    reminders: ReminderSchedule = field(default_factory=ReminderSchedule)
    daily_digest: time = time(7, 30)
    weekly_day: int = 4  # Friday
    weekly_time: time = time(16, 0)
    escalation_every_minutes: int = 15
    escalation_warning: timedelta = timedelta(minutes=60)
    weekly_useful_for: timedelta = timedelta(days=3)
    visit_reminder: time = time(15, 0)
    monthly_report: time | None = time(8, 0)  # None: the monthly report is not sent


class Jobs:
    """The work behind every scheduled job; the scheduler only decides when to call it."""

    def __init__(
        self,
        db: Database,
        zone: ZoneInfo,
        language: str,
        schedule: Schedule,
        *,
        clock: Callable[[], datetime] = utc_now,
        queued: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.zone = zone
        self.language = language
        self.schedule = schedule
        self.clock = clock
        self._queued = queued or (lambda: None)

    async def _calendar(self, tx: Tx) -> WorkingCalendar:
        return calendar_from(self.zone, await calendar.declared_days(tx))

    async def catch_up(self) -> None:
        """At start-up: queue what is still useful after downtime (each once), skip the stale."""
        await self.send_reminders()
        await self.send_daily_digests()
        await self.send_weekly_digests()
        await self.check_deadlines()
        await self.send_visit_reminders()
        await self.send_study_reminders()
        await self.send_monthly_reports()

    # Reminders ---------------------------------------------------------------------------

    async def send_reminders(self) -> int:
        """Queue the reminders due now (first or follow-up) to officials without an entry."""
        now = self.clock()
        local = now.astimezone(self.zone)
        day = local.date()
        async with self.db.read() as tx:
            cal = await self._calendar(tx)
            if not cal.is_working_day(day):
                return 0
            facts = await reminders.officials_without_entry_on(tx, day)
        due = [
            (f, slot) for f in facts if (slot := slot_due(local, f, cal, self.schedule.reminders))
        ]
        queued = 0
        for start in range(0, len(due), BATCH):
            async with self.db.transaction() as tx:
                for facts_row, slot in due[start : start + BATCH]:
                    message = reminder_message(
                        facts_row, day, slot, facts_row.language or self.language
                    )
                    queued += await outbox.enqueue(
                        tx,
                        key=reminder_key(facts_row.person_id, day, slot),
                        person_id=facts_row.person_id,
                        payload=message.to_json(),
                        now=now,
                    )
        if queued:
            log.info("queued %d reminders for %s", queued, day.isoformat())
            self._queued()
        return queued

    # Digests -----------------------------------------------------------------------------

    def _last_daily_run(self, local: datetime, cal: WorkingCalendar) -> date | None:
        """The working day whose digest time most recently passed (digests go out on those)."""
        day = local.date()
        if local.time() < self.schedule.daily_digest:
            day -= timedelta(days=1)
        for _ in range(40):
            if cal.is_working_day(day):
                return day
            day -= timedelta(days=1)
        return None

    async def send_daily_digests(self) -> int:
        """Queue the most recent daily digest not yet sent; older missed ones are stale."""

        now = self.clock()
        local = now.astimezone(self.zone)
        async with self.db.read() as tx:
            cal = await self._calendar(tx)
            supervisors = await scope.all_supervisors(tx)
        run_day = self._last_daily_run(local, cal)
        if run_day is None:
            return 0
        covered = run_day - timedelta(days=1)
        while not cal.is_working_day(covered):
            covered -= timedelta(days=1)
        queued = 0
        for supervisor in supervisors:
            key = f"digest:{supervisor.id}:{covered.isoformat()}"
            # Built on the read connection: a large scope never holds the writer.
            async with self.db.read() as tx:
                if await outbox.is_queued(tx, key):
                    continue
                digest = await daily_digest(
                    tx, supervisor, covered, now, cal, supervisor.language or self.language
                )
            queued += await self._enqueue_digest(key, supervisor.id, digest, now)
        async with self.db.transaction() as tx:
            last = await job_runs.last_period(tx, "daily_digest")
            if last is not None and last < covered.isoformat():
                missed = cal.working_days(date.fromisoformat(last), covered)[1:-1]
                if missed:
                    log.warning(
                        "daily digests for %s were due during downtime; skipped as stale",
                        ", ".join(d.strftime("%d/%m/%Y") for d in missed),
                    )
            await job_runs.record_run(tx, "daily_digest", covered.isoformat(), now, f"{queued}")
        if queued:
            log.info("queued %d daily digests for %s", queued, covered.isoformat())
            self._queued()
        return queued

    async def send_weekly_digests(self) -> int:
        """Queue this week's digest once its time has passed, while it is still useful."""

        now = self.clock()
        local = now.astimezone(self.zone)
        run_day = local.date() - timedelta(days=(local.weekday() - self.schedule.weekly_day) % 7)
        if run_day == local.date() and local.time() < self.schedule.weekly_time:
            run_day -= timedelta(days=7)
        run_at = datetime.combine(run_day, self.schedule.weekly_time, self.zone)
        if now - run_at > self.schedule.weekly_useful_for:
            log.info("weekly digest of %s skipped: stale after downtime", run_day.isoformat())
            return 0
        week_start = run_day - timedelta(days=run_day.weekday())
        year, week, _ = week_start.isocalendar()
        period = f"{year}-W{week:02d}"
        queued = 0
        async with self.db.read() as tx:
            cal = await self._calendar(tx)
            supervisors = await scope.all_supervisors(tx)
        for supervisor in supervisors:
            key = f"digest:{supervisor.id}:{period}"
            async with self.db.read() as tx:
                if await outbox.is_queued(tx, key):
                    continue
                digest = await weekly_digest(
                    tx, supervisor, week_start, now, cal, supervisor.language or self.language
                )
            queued += await self._enqueue_digest(key, supervisor.id, digest, now)
        if queued:
            log.info("queued %d weekly digests for %s", queued, period)
            self._queued()
        return queued

    async def _enqueue_digest(
        self, key: str, supervisor_id: int, digest: Digest, now: datetime
    ) -> int:
        """Queue a built digest (a second process may have queued it meanwhile: then 0)."""
        reply = Reply(digest.text, image=digest.image)
        async with self.db.transaction() as tx:
            return int(
                await outbox.enqueue(
                    tx, key=key, person_id=supervisor_id, payload=reply.to_json(), now=now
                )
            )

    # Working-group visits ----------------------------------------------------------------

    async def send_visit_reminders(self) -> int:
        """Remind those going on a working-group visit, the working day before (once)."""
        queued = await jobs_visits.send_visit_reminders(
            self.db, self.zone, self.language, self.schedule.visit_reminder, self.clock()
        )
        if queued:
            self._queued()
        return queued

    async def send_study_reminders(self) -> int:
        """Remind commune contacts two working days before a confirmed study week (once)."""
        queued = await study_jobs.send_study_reminders(
            self.db, self.zone, self.language, self.clock()
        )
        if queued:
            self._queued()
        return queued

    async def send_monthly_reports(self) -> int:
        """Last month's summary to every supervisor on the month's first working day (once)."""
        if self.schedule.monthly_report is None:
            return 0
        queued = await report_jobs.send_monthly_reports(
            self.db, self.zone, self.language, self.schedule.monthly_report, self.clock()
        )
        if queued:
            self._queued()
        return queued

    # Deadlines ---------------------------------------------------------------------------

    async def check_deadlines(self) -> int:
        """Warn before a first-response deadline; escalate to leadership once it has passed."""
        now = self.clock()
        queued = 0
        async with self.db.transaction() as tx:
            items = await reminders.open_difficulties_awaiting_response(tx)
            for item in items:
                step = escalation.step_due(item, now, self.schedule.escalation_warning)
                if step is Step.WARN:
                    queued += await self._warn(tx, item, now)
                elif step is Step.ESCALATE:
                    queued += await self._escalate(tx, item, now)
        if queued:
            self._queued()
        return queued

    async def _warn(self, tx: Tx, item: difficulties.Difficulty, now: datetime) -> int:
        if item.assignee_id:
            targets = [item.assignee_id]
        else:
            watchers = await scope.supervisors_for(tx, item.division_code, item.commune_code)
            targets = [p.id for p in watchers if not p.supervises_all] or [p.id for p in watchers]
        message = escalation.warning_message(item, now, self.zone, self.language)
        queued = 0
        for person_id in targets:
            queued += await outbox.enqueue(
                tx,
                key=f"kkwarn:{item.id}:{person_id}",
                person_id=person_id,
                payload=message.to_json(),
                now=now,
            )
        return queued

    async def _escalate(self, tx: Tx, item: difficulties.Difficulty, now: datetime) -> int:
        events = await difficulties.events_of(tx, item.id)
        names = await difficulties.people_names(tx, {e.target_id for e in events if e.target_id})
        message = escalation.leadership_message(item, events, names, now, self.zone, self.language)
        queued = 0
        for leader in await scope.department_leaders(tx):
            queued += await outbox.enqueue(
                tx,
                key=f"kkesc:{item.id}:{leader.id}",
                person_id=leader.id,
                payload=message.to_json(),
                now=now,
            )
        if queued:
            told = escalation.reporter_message(item, self.language)
            await outbox.enqueue(
                tx,
                key=f"kkesc:{item.id}:reporter",
                person_id=item.reporter_id,
                payload=told.to_json(),
                now=now,
            )
            log.info("%s escalated to leadership", item.reference)
        return queued
