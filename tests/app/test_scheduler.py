"""The real APScheduler, on a clock the test moves: jobs fire at the right local times."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest
import time_machine

from bot.jobs import Jobs, Schedule
from bot.scheduler import SchedulerService, build_scheduler, once_a_day_across_processes
from storage import Database, job_runs
from storage.timefmt import from_db_time
from tests.chat import ZONE, local

# Run on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends


async def queued_at(db: Database, pattern: str) -> list[datetime]:
    """When outbox rows with keys like `pattern` were queued (local time)."""
    async with db.read() as tx:
        rows = await tx.all("SELECT created_at FROM outbox WHERE key LIKE ?", (pattern,))
    return [from_db_time(r["created_at"]).astimezone(ZONE) for r in rows]


async def wait_for_rows(
    db: Database,
    pattern: str,
    count: int = 1,
    timeout: float = 30.0,  # noqa: ASYNC109
) -> list[datetime]:
    """Wait until the scheduler has queued at least `count` rows matching the pattern."""
    # Each supervisor's digest is its own transaction: on a busy machine a read can fall
    # between two of them, so wait for the number expected, then check there are no more.
    async with asyncio.timeout(timeout):
        while True:
            rows = await queued_at(db, pattern)
            if len(rows) >= count:
                return rows
            await asyncio.sleep(0.05)


def test_jobs_have_fixed_ids_and_run_in_the_bot_time_zone(org_db: Database) -> None:
    scheduler = build_scheduler(Jobs(org_db, ZONE, "vi", Schedule()), ZONE)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"reminders", "daily_digest", "weekly_digest", "escalation"} <= set(jobs)
    assert "visit_reminders" in jobs
    assert "minute='0-59/15'" in str(jobs["visit_reminders"].trigger)
    assert str(jobs["daily_digest"].trigger) == "cron[hour='7', minute='30']"
    assert "day_of_week='fri', hour='16', minute='0'" in str(jobs["weekly_digest"].trigger)
    assert "hour='7-17', minute='*/15'" in str(jobs["escalation"].trigger)
    assert str(scheduler.timezone) == "Asia/Ho_Chi_Minh"


async def test_reminders_go_out_at_1630_local_time_not_before(org_db: Database) -> None:
    with time_machine.travel(local("2026-11-25 16:29:57"), tick=True):
        service = SchedulerService(Jobs(org_db, ZONE, "vi", Schedule()), ZONE)
        await service.start()  # the start-up catch-up finds nothing due yet
        try:
            assert await queued_at(org_db, "reminder:%") == []
            sent = await wait_for_rows(org_db, "reminder:%", count=15)
        finally:
            await service.stop()
    assert len(sent) == 15
    assert min(sent) >= local("2026-11-25 16:30")
    assert max(sent) < local("2026-11-25 16:30:30")


async def test_the_daily_digest_goes_out_at_0730_for_the_previous_working_day(
    org_db: Database,
) -> None:
    with time_machine.travel(local("2026-11-26 07:29:57"), tick=True):
        service = SchedulerService(Jobs(org_db, ZONE, "vi", Schedule()), ZONE)
        await service.start()
        try:
            assert await queued_at(org_db, "digest:%:2026-11-25") == []
            sent = await wait_for_rows(org_db, "digest:%:2026-11-25", count=3)
        finally:
            await service.stop()
    assert len(sent) == 3  # the three supervisors of the sample organisation
    assert min(sent) >= local("2026-11-26 07:30")


async def test_start_up_after_downtime_sends_the_missed_digest_once(org_db: Database) -> None:
    # Down from Wednesday evening until Thursday 10:00: Thursday's 07:30 digest is still useful.
    with time_machine.travel(local("2026-11-26 10:00"), tick=False):
        jobs = Jobs(org_db, ZONE, "vi", Schedule())
        await jobs.catch_up()
        await jobs.catch_up()  # a second start, or a second process, sends nothing again
    assert len(await queued_at(org_db, "digest:%:2026-11-25")) == 3
    assert await queued_at(org_db, "digest:%:2026-11-23") == []  # older ones are stale


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_two_processes_one_daily_digest_tick_computed_and_sent_once(
    org_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # Two schedulers on two Database objects (two pools, as two processes have) tick for the
    # 07:30 digest at the same moment: one runs it, the other stands by until it finds the
    # tick recorded done, and neither sends anything twice or computes the tick again.
    caplog.set_level(logging.DEBUG, logger="bot.scheduler")
    other_db = await org_db.open_again()
    try:
        # Started well before 07:30 (a start-up catch-up on a loaded machine takes seconds),
        # then the clock is moved to just before it and the schedulers look again.
        with time_machine.travel(local("2026-11-26 07:00"), tick=True) as traveller:
            services = [
                SchedulerService(Jobs(db, ZONE, "vi", Schedule()), ZONE)
                for db in (org_db, other_db)
            ]
            for service in services:
                await service.start()
            traveller.move_to(local("2026-11-26 07:29:59"))
            for service in services:
                service.scheduler.wakeup()
            try:
                sent = await wait_for_rows(org_db, "digest:%:2026-11-25", count=3)

                def said(text: str) -> list[logging.LogRecord]:
                    return [r for r in caplog.records if text in r.getMessage()]

                async with asyncio.timeout(30):
                    while not said("finished elsewhere"):  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
            finally:
                for service in services:
                    await service.stop()
    finally:
        await other_db.close()
    assert len(sent) == 3 and len(await queued_at(org_db, "digest:%:2026-11-25")) == 3
    assert len(said("this process runs today's daily_digest tick")) == 1
    assert said("finishing it here") == []
    async with org_db.read() as tx:
        assert await job_runs.has_run(tx, "tick:daily_digest", "2026-11-26")
        # Recomputed by the process standing by, the record would say nothing was queued.
        outcome = await tx.value(
            "SELECT outcome FROM job_runs WHERE job = 'daily_digest' AND period = '2026-11-25'"
        )
    assert outcome == "3"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_standby_finishes_a_tick_its_holder_left_undone_and_stops_when_told(
    org_db: Database,
) -> None:
    # The test holds the tick's duty on one Database (a process running the tick); a scheduler
    # on another stands by. The holder lets go without recording the tick done (it died or
    # failed mid-tick): the standby runs the tick, once, and records it.
    other_db = await org_db.open_again()
    ran: list[str] = []

    async def work() -> int:
        ran.append("tick")
        return 1

    stopping = asyncio.Event()
    jobs = Jobs(other_db, ZONE, "vi", Schedule())
    try:
        with time_machine.travel(local("2026-11-26 07:30"), tick=True):
            async with org_db.exclusive("job:daily_digest") as duty:
                assert duty.held
                standby = asyncio.create_task(
                    once_a_day_across_processes(
                        jobs, "daily_digest", work, stopping, retry_seconds=0.05
                    )
                )
                await asyncio.sleep(0.5)
                assert ran == [] and not standby.done()
            assert await asyncio.wait_for(standby, 10) is True
            assert ran == ["tick"]
            # Any later try that day finds it done.
            again = once_a_day_across_processes(jobs, "daily_digest", work, stopping)
            assert await again is None and ran == ["tick"]
            async with org_db.read() as tx:
                assert await job_runs.has_run(tx, "tick:daily_digest", "2026-11-26")

            # A process that stops while standing by stops waiting, without running the tick.
            async with org_db.exclusive("job:weekly_digest"):
                standby = asyncio.create_task(
                    once_a_day_across_processes(
                        jobs, "weekly_digest", work, stopping, retry_seconds=0.05
                    )
                )
                await asyncio.sleep(0.3)
                stopping.set()
                assert await asyncio.wait_for(standby, 5) is None
            assert ran == ["tick"]
    finally:
        await other_db.close()
