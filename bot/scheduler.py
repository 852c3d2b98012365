"""APScheduler 3 assembly: fixed job ids, cron triggers in BOT_TIMEZONE, catch-up at start."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.jobs import Jobs
from bot.monitor import Monitor
from bot.retention import Retention

log = logging.getLogger(__name__)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def build_scheduler(
    jobs: Jobs,
    zone: ZoneInfo,
    monitor: Monitor | None = None,
    retention: Retention | None = None,
) -> AsyncIOScheduler:
    """The scheduler with one job per duty; each job is a stateless tick over the database."""
    schedule = jobs.schedule
    scheduler = AsyncIOScheduler(timezone=zone)
    monitor = monitor or Monitor()

    def _add(
        jobs: Jobs,
        scheduler: AsyncIOScheduler,
        job_id: str,
        work: Callable[[], Awaitable[int]],
        trigger: CronTrigger,
    ) -> None:
        add_job(jobs, scheduler, job_id, work, trigger, monitor)

    # Reminders tick every minute: officials may move their own reminder time (/nhacnho).
    _add(jobs, scheduler, "reminders", jobs.send_reminders, CronTrigger(minute="*", timezone=zone))
    daily = schedule.daily_digest
    _add(
        jobs,
        scheduler,
        "daily_digest",
        jobs.send_daily_digests,
        CronTrigger(hour=daily.hour, minute=daily.minute, timezone=zone),
    )
    weekly = schedule.weekly_time
    _add(
        jobs,
        scheduler,
        "weekly_digest",
        jobs.send_weekly_digests,
        CronTrigger(
            day_of_week=WEEKDAYS[schedule.weekly_day],
            hour=weekly.hour,
            minute=weekly.minute,
            timezone=zone,
        ),
    )
    _add(
        jobs,
        scheduler,
        "escalation",
        jobs.check_deadlines,
        CronTrigger(
            minute=f"*/{schedule.escalation_every_minutes}",
            hour="7-17",
            day_of_week="mon-sat",  # make-up Saturdays are working days; the job checks the day
            timezone=zone,
        ),
    )
    # Visit reminders tick every 15 minutes, aligned on the setting's minute, so a visit planned
    # late is still reminded; the job itself decides what is due and queues it once.
    _add(
        jobs,
        scheduler,
        "visit_reminders",
        jobs.send_visit_reminders,
        CronTrigger(minute=f"{schedule.visit_reminder.minute % 15}-59/15", timezone=zone),
    )
    # Study-visit reminders: once a day at 08:00 is enough (the job finds what is due).
    _add(
        jobs,
        scheduler,
        "study_reminders",
        jobs.send_study_reminders,
        CronTrigger(hour=8, minute=0, timezone=zone),
    )
    monthly = schedule.monthly_report
    if monthly is not None:
        # Daily at the set time: the job itself knows the month's first working day.
        _add(
            jobs,
            scheduler,
            "monthly_report",
            jobs.send_monthly_reports,
            CronTrigger(hour=monthly.hour, minute=monthly.minute, timezone=zone),
        )
    if retention is not None:
        # Retention: once a day in the quiet of the night.
        _add(
            jobs,
            scheduler,
            "retention",
            retention.run,
            CronTrigger(hour=3, minute=15, timezone=zone),
        )
    return scheduler


async def once_across_processes(
    jobs: Jobs, job_id: str, work: Callable[[], Awaitable[int]]
) -> bool | None:
    """Run one tick of a job unless another process on the same database is running it.

    Every process runs the scheduler (PostgreSQL, several machines): the tick's duty is held
    by one of them; the others skip it. What the tick queues has a unique key, so a process
    that ticks just after the holder finished queues nothing twice, and a holder that dies
    mid-tick loses nothing: the next tick, wherever it runs, queues what is still missing.
    """
    try:
        async with jobs.db.exclusive(f"job:{job_id}") as duty:
            if not duty.held:
                log.debug("job %s runs in another process; skipped here", job_id)
                return None
            await work()
    except Exception:
        # The next tick tries again; nothing is lost because the work is re-derived.
        log.exception("scheduled job %s failed", job_id)
        return False
    return True


def add_job(
    jobs: Jobs,
    scheduler: AsyncIOScheduler,
    job_id: str,
    work: Callable[[], Awaitable[int]],
    trigger: CronTrigger,
    monitor: Monitor,
) -> None:
    """One job under a fixed id; its last run and outcome go to the metrics."""

    async def run() -> None:
        ran = await once_across_processes(jobs, job_id, work)
        if ran is not None:  # skipped here: another process ran it
            monitor.job_ran(job_id, ok=ran)

    scheduler.add_job(
        run,
        trigger,
        id=job_id,
        name=job_id,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=60,
    )


class SchedulerService:
    """Started with the bot: catch up on what downtime missed, then run the jobs."""

    def __init__(
        self,
        jobs: Jobs,
        zone: ZoneInfo,
        monitor: Monitor | None = None,
        retention: Retention | None = None,
    ) -> None:
        self.jobs = jobs
        self.scheduler = build_scheduler(jobs, zone, monitor, retention)

    async def start(self) -> None:
        """Catch up once, then start the cron jobs."""
        try:
            async with self.jobs.db.exclusive("job:catch_up") as duty:
                if duty.held:
                    await self.jobs.catch_up()
        except Exception:
            log.exception("start-up catch-up failed; the regular jobs will retry")
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop scheduling (a job in progress finishes its transaction)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
