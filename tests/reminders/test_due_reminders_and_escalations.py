"""Reminders and escalations: what is due at a moment, queued once, on the working calendar."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, time
from typing import Any

import pytest

from bot.jobs import Jobs, Schedule
from handlers.core.workcal import WorkingCalendar
from handlers.reminders.due import FIRST, FOLLOW_UP, ReminderSchedule, slot_due
from storage import Database, reminders
from storage.org_import import resolve_person
from storage.reminders import ReminderFacts
from tests.chat import ZONE, local
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, LAN, LONG, THANH, MakeChat

CAL = WorkingCalendar(ZONE)
SCHEDULE = ReminderSchedule()


def facts(
    *,
    own_time: time | None = None,
    paused_until: date | None = None,
    sent: frozenset[str] = frozenset(),
) -> ReminderFacts:
    """An official who has not logged today."""
    return ReminderFacts(1, "Nguyễn Văn An", None, own_time, paused_until, sent)


@pytest.mark.parametrize(
    ("when", "case", "expected"),
    [
        ("2026-11-25 16:29", facts(), None),
        ("2026-11-25 16:30", facts(), FIRST),
        ("2026-11-25 19:59", facts(sent=frozenset({FIRST})), None),
        ("2026-11-25 20:00", facts(sent=frozenset({FIRST})), FOLLOW_UP),
        ("2026-11-25 23:59", facts(sent=frozenset({FIRST, FOLLOW_UP})), None),
        # Down over 16:30 and back after 20:00: the first reminder is stale, only the follow-up.
        ("2026-11-25 20:30", facts(), FOLLOW_UP),
        ("2026-11-28 16:30", facts(), None),  # Saturday
        ("2026-11-29 20:00", facts(), None),  # Sunday
        ("2026-02-17 16:30", facts(), None),  # Tết
        ("2026-08-22 16:30", facts(), FIRST),  # make-up Saturday
        ("2026-11-24 16:30", facts(), None),  # Vietnam Cultural Day (public holiday)
        ("2026-11-25 17:00", facts(own_time=time(17, 30)), None),
        ("2026-11-25 17:30", facts(own_time=time(17, 30)), FIRST),
        ("2026-11-25 16:45", facts(own_time=time(9, 0)), FIRST),
        ("2026-11-25 16:30", facts(paused_until=date(2026, 11, 25)), None),
        ("2026-11-26 16:30", facts(paused_until=date(2026, 11, 25)), FIRST),
    ],
)
def test_which_reminder_is_due(when: str, case: ReminderFacts, expected: str | None) -> None:
    assert slot_due(local(when), case, CAL, SCHEDULE) == expected


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, when: str) -> None:
        self.now = local(when)

    def at(self, when: str) -> Clock:
        """Move to a local time."""
        self.now = local(when)
        return self

    def __call__(self) -> datetime:
        return self.now


def jobs_on(db: Database, clock: Clock) -> Jobs:
    """The scheduled jobs, on a clock the test controls."""
    return Jobs(db, ZONE, "vi", Schedule(), clock=clock)


async def reminders_at(jobs: Jobs, clock: Clock, when: str) -> int:
    """Run the reminder tick at a local time."""
    clock.at(when)
    return await jobs.send_reminders()


async def deadlines_at(jobs: Jobs, clock: Clock, when: str) -> int:
    """Run the deadline check at a local time."""
    clock.at(when)
    return await jobs.check_deadlines()


async def queued(db: Database, prefix: str) -> list[dict[str, Any]]:
    """Outbox rows whose key starts with a prefix, with their payload."""
    async with db.read() as tx:
        rows = await tx.all(
            "SELECT key, person_id, payload FROM outbox WHERE key LIKE ? ORDER BY id",
            (prefix + "%",),
        )
    return [
        {"key": r["key"], "person_id": r["person_id"], **json.loads(r["payload"])} for r in rows
    ]


async def person(db: Database, name: str) -> int:
    """A sample person's id."""
    async with db.read() as tx:
        return await resolve_person(tx, name)


async def log_today(chat_factory: MakeChat, name: str, when: str) -> None:
    """The official logs work through the plain-text offer."""
    chat = await chat_factory(name)
    await chat.at(when).say("Làm việc với UBND xã")
    assert "Đã ghi" in await chat.press("Lưu")


async def test_officials_expected_today_are_those_assigned_not_on_leave_and_not_logged(
    org_db: Database, linked_chat: MakeChat
) -> None:
    day = date(2026, 11, 25)
    async with org_db.read() as tx:
        everyone = {f.full_name for f in await reminders.officials_without_entry_on(tx, day)}
    assert len(everyone) == 15  # every official of the sample works in Đợt 2
    await log_today(linked_chat, AN, "2026-11-25 23:50")  # late in the evening still counts
    chat = await linked_chat(LAN)
    await chat.at("2026-11-26 08:00").say("hôm qua: họp với xã")  # back-dated: counts for 25/11
    await chat.press("Lưu")
    async with org_db.transaction() as tx:
        await tx.execute(
            "INSERT INTO leaves (person_id, start_date, end_date, reason, created_at) "
            "VALUES (?, '2026-11-25', '2026-11-26', 'Nghỉ phép', '2026-11-20T00:00:00+00:00')",
            (await resolve_person(tx, LONG),),
        )
    async with org_db.read() as tx:
        left = {f.full_name for f in await reminders.officials_without_entry_on(tx, day)}
        before_wave = await reminders.officials_without_entry_on(tx, date(2026, 11, 1))
        after_wave = await reminders.officials_without_entry_on(tx, date(2026, 12, 26))
    assert everyone - left == {AN, LAN, LONG}
    assert before_wave == [] and after_wave == []


async def test_first_reminder_at_its_time_and_the_follow_up_only_to_those_still_missing(
    org_db: Database, linked_chat: MakeChat
) -> None:
    clock = Clock("2026-11-25 16:29")
    jobs = jobs_on(org_db, clock)
    assert await jobs.send_reminders() == 0
    assert await jobs.send_reminders() == 0
    assert await reminders_at(jobs, clock, "2026-11-25 16:30") == 15
    assert await reminders_at(jobs, clock, "2026-11-25 16:31") == 0  # never twice
    first = await queued(org_db, "reminder:")
    an_id = await person(org_db, AN)
    [to_an] = [m for m in first if m["person_id"] == an_id]
    assert to_an["key"] == f"reminder:{an_id}:2026-11-25:first"
    assert "chưa ghi nhật ký công tác" in to_an["text"] and "Chào anh/chị An" in to_an["text"]
    assert [label for label, _ in to_an["choices"]] == ["Ghi nhật ký ngay", "Hôm nay tôi nghỉ phép"]
    await log_today(linked_chat, AN, "2026-11-25 18:00")
    assert await reminders_at(jobs, clock, "2026-11-25 20:00") == 14
    follow_ups = await queued(org_db, "reminder:")
    assert f"reminder:{an_id}:2026-11-25:followup" not in {m["key"] for m in follow_ups}


async def test_no_reminders_on_weekends_holidays_or_outside_the_wave(org_db: Database) -> None:
    clock = Clock("2026-11-28 16:30")  # Saturday
    jobs = jobs_on(org_db, clock)
    assert await jobs.send_reminders() == 0
    assert await reminders_at(jobs, clock, "2026-11-24 16:30") == 0  # public holiday
    assert await reminders_at(jobs, clock, "2026-12-28 16:30") == 0  # after Đợt 2
    assert await queued(org_db, "reminder:") == []


async def test_downtime_across_the_reminder_time(org_db: Database) -> None:
    # The bot was down from 16:00 and comes back at 18:10: the first reminder is still useful.
    clock = Clock("2026-11-25 18:10")
    assert await jobs_on(org_db, clock).send_reminders() == 15
    # Restarted again at 18:20: nothing twice.
    assert await jobs_on(org_db, clock.at("2026-11-25 18:20")).send_reminders() == 0
    # Down again from 19:00 to 21:00: only the follow-up goes out at restart.
    assert await jobs_on(org_db, clock.at("2026-11-25 21:00")).send_reminders() == 15
    # Down until the next morning: yesterday's reminders are never sent.
    assert await jobs_on(org_db, clock.at("2026-11-26 08:00")).send_reminders() == 0
    keys = [m["key"] for m in await queued(org_db, "reminder:")]
    assert len(keys) == len(set(keys)) == 30


async def test_a_late_start_after_the_follow_up_time_skips_the_stale_first_reminder(
    org_db: Database,
) -> None:
    clock = Clock("2026-11-25 20:30")
    assert await jobs_on(org_db, clock).send_reminders() == 15
    keys = {m["key"] for m in await queued(org_db, "reminder:")}
    assert all(key.endswith(":followup") for key in keys)


async def test_two_processes_on_one_database_send_each_reminder_once(org_db: Database) -> None:
    other = await org_db.open_again()
    try:
        clock = Clock("2026-11-25 16:30")
        counts = await asyncio.gather(
            jobs_on(org_db, clock).send_reminders(), jobs_on(other, clock).send_reminders()
        )
    finally:
        await other.close()
    assert sum(counts) == 15
    keys = [m["key"] for m in await queued(org_db, "reminder:")]
    assert len(keys) == len(set(keys)) == 15


async def test_escalation_warns_then_escalates_once_and_tells_the_reporter(
    org_db: Database, linked_chat: MakeChat
) -> None:
    await linked_chat(THU)
    await linked_chat(THANH)
    an = await linked_chat(AN)
    number = await raise_urgent(an.at("2026-11-25 10:00"))  # due 16:00 the same day
    clock = Clock("2026-11-25 14:00")
    jobs = jobs_on(org_db, clock)
    assert await jobs.check_deadlines() == 0
    assert await deadlines_at(jobs, clock, "2026-11-25 15:15") == 1
    [warning] = await queued(org_db, "kkwarn:")
    assert warning["person_id"] == await person(org_db, THU)  # the division head, not leadership
    assert "Sắp đến hạn phản hồi KK-0001" in warning["text"]
    assert await deadlines_at(jobs, clock, "2026-11-25 16:15") == 1
    assert await deadlines_at(jobs, clock, "2026-11-25 16:30") == 0  # once
    [escalated] = await queued(org_db, f"kkesc:{number}:{await person(org_db, THANH)}")
    assert (
        "Chuyển lên lãnh đạo Sở: KK-0001" in escalated["text"] and "Lịch sử:" in escalated["text"]
    )
    [told] = await queued(org_db, f"kkesc:{number}:reporter")
    assert told["person_id"] == await person(org_db, AN) and "chuyển lên lãnh đạo" in told["text"]


async def test_a_response_before_the_deadline_stops_the_escalation(
    org_db: Database, linked_chat: MakeChat
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an.at("2026-11-25 10:00"))
    await thu.at("2026-11-25 11:00").press_data(f"k:ack:{number}")
    clock = Clock("2026-11-25 17:00")
    assert await jobs_on(org_db, clock).check_deadlines() == 0
    assert await queued(org_db, "kkesc:") == [] and await queued(org_db, "kkwarn:") == []
