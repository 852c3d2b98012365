"""The storage contract, module by module, on both backends (SQLite and PostgreSQL).

tests/storage/contract.py holds the contract of the store itself (opening, migrations,
work logs, conversation state, update keys, invites); this file walks the other storage
modules through what the handlers rely on, with the sample organisation loaded. No raw SQL:
only the storage functions the rest of the code calls.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from storage import (
    Database,
    channel_prefs,
    difficulties,
    digest,
    export,
    followups,
    job_runs,
    leave,
    outbox,
    prefs,
    reminders,
    study,
    visits,
    worklog,
)
from storage.org_import import resolve_person
from tests.chat import local
from tests.helpers.sample import AN, LAN, THANH

pytestmark = pytest.mark.both_backends

NOW = local("2026-11-25 09:00")
DAY = date(2026, 11, 25)  # a Wednesday in Đợt 2
THU = "Cao Thị Thu"  # heads XDCQ and CCVC, leads working group 1 (XA01-XA06)
XUAN = "Đinh Văn Xuân"  # commune contact


async def person(db: Database, name: str) -> int:
    """A sample person's id."""
    async with db.read() as tx:
        return await resolve_person(tx, name)


async def an_entry(db: Database, an: int, text: str = "Họp giao ban") -> int:
    """A work log of An at Xã Hòa Vang Tây (XA01) on DAY."""
    async with db.transaction() as tx:
        return await worklog.add_work_log(
            tx,
            person_id=an,
            commune_code="XA01",
            work_date=DAY,
            topic="khac",
            text=text,
            channel="telegram",
            sent_at=NOW,
            now=NOW,
        )


async def test_outbox_queues_once_per_key_and_claims_then_marks(org_db: Database) -> None:
    an = await person(org_db, AN)
    async with org_db.transaction() as tx:
        first = await outbox.enqueue_to_chat(
            tx, key="k:1", channel="telegram", chat_id="c1", payload={"text": "một"}, now=NOW
        )
        again = await outbox.enqueue_to_chat(
            tx, key="k:1", channel="telegram", chat_id="c1", payload={"text": "hai"}, now=NOW
        )
        unreachable = await outbox.enqueue(
            tx, key="k:2", person_id=an, payload={"text": "ba"}, now=NOW
        )
    assert (first, again, unreachable) == (True, False, True)
    async with org_db.transaction() as tx:
        [message] = await outbox.claim_due(
            tx, channel="telegram", worker="w", now=NOW, limit=10, lease=timedelta(minutes=2)
        )
        assert message.payload == {"text": "một"} and message.attempts == 1
        assert (
            await outbox.claim_due(
                tx, channel="telegram", worker="v", now=NOW, limit=10, lease=timedelta(minutes=2)
            )
            == []
        )
        await outbox.mark_parts_sent(tx, message.id, "w", 1)
        await outbox.mark_sent(tx, message.id, "w", NOW)
    async with org_db.read() as tx:
        assert await outbox.outbox_counts(tx) == {"sent": 1, "unreachable": 1}
        assert await outbox.is_queued(tx, "k:1") and not await outbox.is_queued(tx, "k:3")


async def test_an_expired_claim_is_taken_over_and_a_retry_waits(org_db: Database) -> None:
    async with org_db.transaction() as tx:
        await outbox.enqueue_to_chat(
            tx, key="k", channel="zalo", chat_id="z", payload={"text": "x"}, now=NOW
        )
        [taken] = await outbox.claim_due(
            tx, channel="zalo", worker="a", now=NOW, limit=5, lease=timedelta(seconds=30)
        )
    later = NOW + timedelta(minutes=1)
    async with org_db.transaction() as tx:
        [again] = await outbox.claim_due(
            tx, channel="zalo", worker="b", now=later, limit=5, lease=timedelta(seconds=30)
        )
        assert again.id == taken.id and again.attempts == 2
        await outbox.mark_retry(tx, again.id, "b", later + timedelta(minutes=5), "429")
        assert (
            await outbox.claim_due(
                tx, channel="zalo", worker="c", now=later, limit=5, lease=timedelta(seconds=30)
            )
            == []
        )


async def test_a_difficulty_moves_only_from_the_status_it_is_in(org_db: Database) -> None:
    an, thu = await person(org_db, AN), await person(org_db, THU)
    async with org_db.transaction() as tx:
        number = await difficulties.add_difficulty(
            tx,
            reporter_id=an,
            commune_code="XA01",
            division_code="XDCQ",
            topic="khac",
            kind="difficulty",
            urgency="urgent",
            description="Chưa có hướng dẫn",
            now=NOW,
            first_response_due=NOW + timedelta(hours=4),
            resolution_due=NOW + timedelta(days=2),
        )
        assert await difficulties.change_status(
            tx, number, expected="new", to="acknowledged", now=NOW, first_response=True
        )
        assert not await difficulties.change_status(
            tx, number, expected="new", to="resolved", now=NOW, first_response=False
        )
        await difficulties.add_event(
            tx,
            number,
            actor_id=thu,
            action="acknowledge",
            from_status="new",
            to_status="acknowledged",
            text="",
            now=NOW,
        )
    async with org_db.read() as tx:
        item = await difficulties.difficulty_by_id(tx, number)
        events = await difficulties.events_of(tx, number)
        in_scope = await difficulties.open_difficulties_in_scope(tx, thu)
    assert item is not None and item.status == "acknowledged"
    assert item.first_response_at is not None
    assert [e.action for e in events] == ["raise", "acknowledge"]
    assert [d.id for d in in_scope] == [number]


async def test_leave_overlaps_and_cancel(org_db: Database) -> None:
    an = await person(org_db, AN)
    async with org_db.transaction() as tx:
        first = await leave.add_leave(tx, an, DAY, DAY + timedelta(days=2), "Ốm", NOW)
    async with org_db.read() as tx:
        assert await leave.is_on_leave(tx, an, DAY + timedelta(days=1))
        assert an in await leave.people_on_leave(tx, DAY)
        [overlap] = await leave.overlapping_leaves(
            tx, an, DAY + timedelta(days=2), DAY + timedelta(days=5)
        )
    assert overlap.id == first
    async with org_db.transaction() as tx:
        assert await leave.cancel_leave(tx, first, an, NOW)
        assert not await leave.cancel_leave(tx, first, an, NOW)
    async with org_db.read() as tx:
        assert not await leave.is_on_leave(tx, an, DAY)


async def test_reminders_find_who_has_not_logged_and_job_runs_remember(org_db: Database) -> None:
    an = await person(org_db, AN)
    async with org_db.read() as tx:
        before = {f.person_id for f in await reminders.officials_without_entry_on(tx, DAY)}
    assert an in before
    await an_entry(org_db, an)
    async with org_db.transaction() as tx:
        await prefs.set_reminder_time(tx, an, time(17, 15))
        await job_runs.record_run(tx, "daily_digest", "2026-11-24", NOW, "3")
        await job_runs.record_run(tx, "daily_digest", "2026-11-25", NOW, "3")
        await job_runs.record_run(tx, "daily_digest", "2026-11-25", NOW, "4")
    async with org_db.read() as tx:
        after = {f.person_id for f in await reminders.officials_without_entry_on(tx, DAY)}
        assert await job_runs.last_period(tx, "daily_digest") == "2026-11-25"
        assert (await prefs.reminder_prefs(tx, an)).reminder_time == time(17, 15)
    assert an not in after and after == before - {an}


async def test_prefs_and_preferred_channel(org_db: Database) -> None:
    thanh = await person(org_db, THANH)
    async with org_db.transaction() as tx:
        assert await prefs.notify_mode(tx, thanh) == "instant"
        await prefs.set_notify_mode(tx, thanh, "digest")
        await prefs.set_paused_until(tx, thanh, DAY)
        await channel_prefs.set_preferred_channel(tx, thanh, "zalo")
    async with org_db.read() as tx:
        assert await prefs.notify_mode(tx, thanh) == "digest"
        assert (await prefs.reminder_prefs(tx, thanh)).paused_until == DAY
        assert await channel_prefs.preferred_channel(tx, thanh) == "zalo"
        assert await channel_prefs.linked_channels(tx, thanh) == []


async def test_a_digest_reads_scope_entries_and_tallies(org_db: Database) -> None:
    an, thanh = await person(org_db, AN), await person(org_db, THANH)
    await an_entry(org_db, an, "Rà soát hồ sơ")
    async with org_db.read() as tx:
        officials = await digest.officials_in_scope(tx, thanh, DAY)
        entries = await digest.entries_on(tx, thanh, DAY)
        tallies = await digest.entry_tallies(tx, thanh, DAY, DAY)
    assert len(officials) == 15
    assert [o.reported for o in officials if o.person_id == an] == [True]
    assert [e.text for e in entries] == ["Rà soát hồ sơ"]
    assert sum(t.count for t in tallies) == 1


async def test_an_export_streams_entries_in_scope(org_db: Database) -> None:
    an, lan = await person(org_db, AN), await person(org_db, LAN)
    await an_entry(org_db, an, "Một")
    await an_entry(org_db, an, "Hai")
    async with org_db.read() as tx:
        everyone = export.ExportFilter()
        rows = [e async for e in export.entries(tx, everyone, DAY, DAY)]
        officials = await export.officials(tx, everyone, DAY, DAY)
        sheets = await export.org_rows(tx)
    assert [e.text for e in rows] == ["Một", "Hai"]
    assert {an, lan} <= {o.person_id for o in officials}
    assert len(sheets["divisions"]) == 5 and sheets["working_groups"]


async def test_a_visit_its_outcome_and_follow_ups(org_db: Database) -> None:
    thu, an = await person(org_db, THU), await person(org_db, AN)
    async with org_db.read() as tx:
        [group] = await visits.groups_led_by(tx, thu)
    async with org_db.transaction() as tx:
        visit_id = await visits.add_visit(
            tx,
            group_id=group.id,
            commune_code="XA01",
            day=DAY + timedelta(days=1),
            agenda="Kiểm tra bộ phận một cửa",
            planned_by=thu,
            member_ids=[thu, thu],
            now=NOW,
        )
    async with org_db.read() as tx:
        [upcoming] = await visits.upcoming_visits(tx, [group.id], DAY)
    assert upcoming.id == visit_id
    item = followups.NewFollowUp("Bổ sung quy chế", "person", None, an, DAY + timedelta(days=7))
    async with org_db.transaction() as tx:
        ids = await followups.record_outcome(
            tx,
            visit_id,
            reviewed="Một cửa",
            findings="Thiếu quy chế",
            by=thu,
            now=NOW,
            items=[item],
        )
        again = await followups.record_outcome(
            tx, visit_id, reviewed="x", findings="y", by=thu, now=NOW, items=[]
        )
    assert ids is not None and len(ids) == 1 and again is None
    async with org_db.transaction() as tx:
        assert await followups.mark_done(tx, ids[0], an, NOW)
        assert not await followups.mark_done(tx, ids[0], an, NOW)
    async with org_db.read() as tx:
        [done] = await followups.followups_of_visit(tx, visit_id)
    assert done.status == "done"


async def test_a_study_request_is_confirmed_once(org_db: Database) -> None:
    xuan, thu = await person(org_db, XUAN), await person(org_db, THU)
    week = date(2026, 12, 7)
    async with org_db.transaction() as tx:
        assert await study.set_contact_commune(tx, xuan, "XA03")
        request_id, [part_id] = await study.add_request(
            tx,
            commune_code="XA03",
            contact_id=xuan,
            topic="Bộ máy",
            preferred_weeks=[week],
            participants=[("Lò Văn A", "Công chức")],
            parts=[study.NewPart("XDCQ", week, week)],
            now=NOW,
        )
        assert await study.confirm(tx, part_id, by=thu, week=week, place="Phòng họp", now=NOW)
        assert not await study.confirm(tx, part_id, by=thu, week=week, place="Phòng họp", now=NOW)
    async with org_db.read() as tx:
        part = await study.part_by_id(tx, part_id)
        booked = await study.booked(tx, "XDCQ", week, week + timedelta(days=4))
    assert part is not None and part.status == "confirmed" and part.request_id == request_id
    assert booked == {week: 1}
