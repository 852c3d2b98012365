"""APScheduler 3 assembly: fixed job ids, cron triggers in BOT_TIMEZONE, catch-up at start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.jobs import Jobs
from bot.monitor import Monitor
from bot.retention import Retention
from storage import job_runs
from storage.errors import first_line

log = logging.getLogger(__name__)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How often a process standing by for a once-a-day tick tries to take it (PostgreSQL frees the
# holder's lock as soon as its connection is gone, so a dead holder's tick is taken this soon).
STANDBY_SECONDS = 5.0
# A tick held longer than this is hung rather than running: the standby stops waiting for it.
# Short of a day, so a standby never meets the job's next tick.
STANDBY_AT_MOST = timedelta(hours=12)


def build_scheduler(
    jobs: Jobs,
    zone: ZoneInfo,
    monitor: Monitor | None = None,
    retention: Retention | None = None,
    stopping: asyncio.Event | None = None,
) -> AsyncIOScheduler:
    """The scheduler with one job per duty; each job is a stateless tick over the database."""
    schedule = jobs.schedule
    scheduler = AsyncIOScheduler(timezone=zone)
    monitor = monitor or Monitor()
    stopping = stopping or asyncio.Event()

    def _add(
        jobs: Jobs,
        scheduler: AsyncIOScheduler,
        job_id: str,
        work: Callable[[], Awaitable[int]],
        trigger: CronTrigger,
        *,
        once_a_day: bool = False,
    ) -> None:
        standby = stopping if once_a_day else None
        add_job(jobs, scheduler, job_id, work, trigger, monitor, standby)

    # Reminders tick every minute: officials may move their own reminder time (/nhacnho).
    _add(jobs, scheduler, "reminders", jobs.send_reminders, CronTrigger(minute="*", timezone=zone))
    daily = schedule.daily_digest
    _add(
        jobs,
        scheduler,
        "daily_digest",
        jobs.send_daily_digests,
        CronTrigger(hour=daily.hour, minute=daily.minute, timezone=zone),
        once_a_day=True,
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
        once_a_day=True,
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
        once_a_day=True,
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
            once_a_day=True,
        )
    if retention is not None:
        # Retention: once a day in the quiet of the night.
        _add(
            jobs,
            scheduler,
            "retention",
            retention.run,
            CronTrigger(hour=3, minute=15, timezone=zone),
            once_a_day=True,
        )
    return scheduler


async def once_across_processes(
    jobs: Jobs, job_id: str, work: Callable[[], Awaitable[int]]
) -> bool | None:
    """Run one tick of a frequent job unless another process on the database is running it.

    Every process runs the scheduler (PostgreSQL, several machines): the tick's duty is held
    by one of them; the others skip it. What the tick queues has a unique key, so a process
    that ticks just after the holder finished queues nothing twice, and a holder that dies
    mid-tick loses nothing: the next tick, minutes later wherever it runs, queues what is
    still missing. Jobs that fire once a day cannot wait for a next tick:
    `once_a_day_across_processes`.
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


async def once_a_day_across_processes(
    jobs: Jobs,
    job_id: str,
    work: Callable[[], Awaitable[int]],
    stopping: asyncio.Event,
    *,
    retry_seconds: float = STANDBY_SECONDS,
    at_most: timedelta = STANDBY_AT_MOST,
) -> bool | None:
    """Run today's tick of a once-a-day (or once-a-week) job once across processes, and
    finish it elsewhere if the process running it dies.

    The process that takes `job:<id>` runs the tick and then records it done (job `tick:<id>`,
    period the local date, in job_runs). The others stand by, trying the duty every
    `retry_seconds`: once they get it they find the tick recorded (nothing to do) or not,
    because its holder died or failed mid-tick; then they run it themselves, and the unique
    outbox keys skip what the holder had queued, so each person still gets it once. On SQLite
    the duty is always ours: the tick runs at once, as before.
    """
    period = jobs.clock().astimezone(jobs.zone).date().isoformat()
    done_as = f"tick:{job_id}"
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + at_most.total_seconds()
    held_elsewhere = outage_logged = False
    while True:
        try:
            async with jobs.db.exclusive(f"job:{job_id}") as duty:
                if duty.held:
                    async with jobs.db.read() as tx:
                        if await job_runs.has_run(tx, done_as, period):
                            log.debug("job %s: today's tick was finished elsewhere", job_id)
                            return None
                    if held_elsewhere:
                        log.warning(
                            "job %s: the process running today's tick stopped before "
                            "finishing it; finishing it here",
                            job_id,
                        )
                    else:
                        log.info("this process runs today's %s tick", job_id)
                    try:
                        await work()
                    except Exception:
                        # Not recorded done: a process standing by runs it again (if any).
                        log.exception("scheduled job %s failed", job_id)
                        return False
                    async with jobs.db.transaction() as tx:
                        await job_runs.record_run(tx, done_as, period, jobs.clock(), "done")
                    return True
                if not held_elsewhere:
                    log.debug("job %s runs in another process; standing by", job_id)
                    held_elsewhere = True
        except Exception as exc:
            # The database is out of reach: keep standing by (the tick is re-derived and its
            # keys are unique, so running it again after a lost record sends nothing twice).
            if not outage_logged:
                log.warning(
                    "job %s: database out of reach (%s); trying again", job_id, first_line(exc)
                )
                outage_logged = True
        if loop.time() >= give_up_at:
            log.warning("job %s: today's tick is still not done; no longer waiting for it", job_id)
            return None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), retry_seconds)
        if stopping.is_set():
            return None


def add_job(
    jobs: Jobs,
    scheduler: AsyncIOScheduler,
    job_id: str,
    work: Callable[[], Awaitable[int]],
    trigger: CronTrigger,
    monitor: Monitor,
    stopping: asyncio.Event | None = None,
) -> None:
    """One job under a fixed id; its last run and outcome go to the metrics.

    With `stopping` the job fires once a day: processes not running its tick stand by to
    finish it (until `stopping` is set); without, they skip it.
    """

    async def run() -> None:
        if stopping is None:
            ran = await once_across_processes(jobs, job_id, work)
        else:
            ran = await once_a_day_across_processes(jobs, job_id, work, stopping)
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
        self.stopping = asyncio.Event()
        self.scheduler = build_scheduler(jobs, zone, monitor, retention, self.stopping)

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
        """Stop scheduling (a job in progress finishes its transaction; standing by ends)."""
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
