"""The web dashboard's storage on both backends: sign-in links and sessions, the entries,
photos and checks behind its pages, and the scope reads the pages start from.

No raw SQL: only the storage functions `bot/web/` calls (the overview's counts are in
tests/web/test_overview_counts.py, also on both backends).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from storage import Database, difficulties, outbox, scope, web_reads, web_sessions, worklog
from storage import digest as reads
from storage.org_import import resolve_person
from storage.web_reads import EntryFilter
from storage.worklog import NewAttachment
from tests.chat import local
from tests.helpers.difficulty import TAM, THU
from tests.helpers.sample import AN, LAN, THANH

pytestmark = pytest.mark.both_backends

NOW = local("2026-11-25 09:00")
DAY = date(2026, 11, 25)  # a Wednesday in Đợt 2
WEEK = EntryFilter(DAY - timedelta(days=6), DAY)


async def person(db: Database, name: str) -> int:
    """A sample person's id."""
    async with db.read() as tx:
        return await resolve_person(tx, name)


async def entry(
    db: Database, name: str, commune: str, text: str, *, photos: int = 0, topic: str = "khac"
) -> int:
    """A work log of a sample official on DAY, with that many photos."""
    async with db.transaction() as tx:
        return await worklog.add_work_log(
            tx,
            person_id=await resolve_person(tx, name),
            commune_code=commune,
            work_date=DAY,
            topic=topic,
            text=text,
            channel="telegram",
            sent_at=NOW,
            now=NOW,
            attachments=tuple(NewAttachment("photo", f"{text}-{n}") for n in range(photos)),
        )


async def test_a_link_opens_one_session_once_before_it_expires(org_db: Database) -> None:
    an = await person(org_db, AN)
    async with org_db.transaction() as tx:
        await web_sessions.add_link(tx, "link-1", an, NOW, NOW + timedelta(minutes=10))
        await web_sessions.add_link(tx, "link-2", an, NOW, NOW + timedelta(minutes=10))
    # Looking at a link (the page with the button) spends nothing, however often.
    async with org_db.read() as tx:
        for _ in range(2):
            pending = await web_sessions.pending_link(tx, "link-1", NOW)
            assert pending is not None
            assert (pending[0].full_name, pending[1]) == (AN, NOW + timedelta(minutes=10))
        assert await web_sessions.pending_link(tx, "link-2", NOW + timedelta(minutes=10)) is None
        assert await web_sessions.pending_link(tx, "unknown", NOW) is None
    async with org_db.transaction() as tx:
        assert await web_sessions.use_link(tx, "link-1", NOW + timedelta(minutes=1)) == an
        assert await web_sessions.pending_link(tx, "link-1", NOW + timedelta(minutes=1)) is None
        assert await web_sessions.use_link(tx, "link-1", NOW + timedelta(minutes=2)) is None
        assert await web_sessions.use_link(tx, "link-2", NOW + timedelta(minutes=10)) is None
        assert await web_sessions.use_link(tx, "unknown", NOW) is None


async def test_sessions_are_listed_and_ended_per_person_or_per_browser(org_db: Database) -> None:
    an, lan = await person(org_db, AN), await person(org_db, LAN)
    later = NOW + timedelta(hours=1)
    async with org_db.transaction() as tx:
        await web_sessions.add_session(tx, "s-an-1", an, NOW, NOW + timedelta(hours=8))
        await web_sessions.add_session(tx, "s-an-2", an, later, later + timedelta(hours=8))
        await web_sessions.add_session(tx, "s-lan", lan, NOW, NOW + timedelta(hours=8))
        await web_sessions.add_link(tx, "an-link", an, NOW, NOW + timedelta(minutes=10))
    async with org_db.read() as tx:
        found = await web_sessions.session_person(tx, "s-an-1", later)
        assert found is not None and found.full_name == AN
        assert await web_sessions.session_person(tx, "s-an-1", NOW + timedelta(hours=8)) is None
        assert await web_sessions.live_sessions(tx, an, later) == [
            (NOW, NOW + timedelta(hours=8)),
            (later, later + timedelta(hours=8)),
        ]
    async with org_db.transaction() as tx:
        await web_sessions.end_session(tx, "s-lan", later)
        # Both of An's sessions end, and his unused link is spent.
        assert await web_sessions.end_sessions(tx, an, later) == 2
        assert await web_sessions.end_sessions(tx, an, later) == 0
    async with org_db.transaction() as tx:
        assert await web_sessions.session_person(tx, "s-lan", later) is None
        assert await web_sessions.session_person(tx, "s-an-2", later) is None
        assert await web_sessions.live_sessions(tx, an, later) == []
        assert await web_sessions.use_link(tx, "an-link", later) is None


@pytest.fixture
async def second_db(org_db: Database) -> AsyncIterator[Database]:
    """Another Database on the same store, as another bot process has."""
    other = await org_db.open_again()
    yield other
    await other.close()


async def test_a_link_opened_in_two_places_at_once_opens_one_session(
    org_db: Database, second_db: Database
) -> None:
    an = await person(org_db, AN)
    async with org_db.transaction() as tx:
        await web_sessions.add_link(tx, "shared", an, NOW, NOW + timedelta(minutes=10))

    async def open_link(db: Database) -> int | None:
        async with db.transaction() as tx:
            return await web_sessions.use_link(tx, "shared", NOW + timedelta(minutes=1))

    opened = await asyncio.gather(open_link(org_db), open_link(second_db))
    assert sorted(opened, key=lambda x: x is None) == [an, None]


async def test_entries_of_a_scope_newest_first_with_filters(org_db: Database) -> None:
    an_entry = await entry(org_db, AN, "XA01", "Rà soát hồ sơ")
    lan_entry = await entry(org_db, LAN, "XA08", "Họp giao ban", topic="vitri")
    async with org_db.read() as tx:
        thanh, thu, an = [await resolve_person(tx, n) for n in (THANH, THU, AN)]
        everything = [e async for e in web_reads.entries(tx, thanh, True, WEEK)]
        # Thu heads XDCQ (An's division) and leads the group of XA01-XA06; Lan is neither.
        thu_sees = [e.id async for e in web_reads.entries(tx, thu, True, WEEK)]
        by_topic = [
            e.id
            async for e in web_reads.entries(
                tx, thanh, True, EntryFilter(WEEK.first, WEEK.last, topic="vitri")
            )
        ]
        by_division = [
            e.id
            async for e in web_reads.entries(
                tx, thanh, True, EntryFilter(WEEK.first, WEEK.last, division_code="XDCQ")
            )
        ]
        own = [e.id async for e in web_reads.entries(tx, an, False, WEEK)]
        earlier = [
            e async for e in web_reads.entries(tx, thanh, True, EntryFilter(DAY, DAY, person_id=an))
        ]
    assert [e.id for e in everything] == [lan_entry, an_entry]  # same time: newest id first
    first = everything[1]
    assert (first.full_name, first.commune_code, first.work_date, first.text) == (
        AN,
        "XA01",
        DAY,
        "Rà soát hồ sơ",
    )
    assert first.division_code == "XDCQ" and first.sent_at == NOW
    assert thu_sees == [an_entry] and own == [an_entry]
    assert by_topic == [lan_entry] and by_division == [an_entry]
    assert [e.id for e in earlier] == [an_entry]


async def test_photos_and_who_may_see_an_entry(org_db: Database) -> None:
    with_photos = await entry(org_db, AN, "XA01", "Kiểm tra một cửa", photos=2)
    without = await entry(org_db, LAN, "XA08", "Họp")
    async with org_db.read() as tx:
        thu, tam, an, lan = [await resolve_person(tx, n) for n in (THU, TAM, AN, LAN)]
        found = await web_reads.photos_of(tx, "work_log", [with_photos, without])
        [first, second] = found[with_photos]
        photo = await web_reads.photo_by_id(tx, first)
        assert await web_reads.photo_by_id(tx, second + 1000) is None
        assert await web_reads.photos_of(tx, "work_log", []) == {}
        visible = {
            name: await web_reads.entry_visible(tx, who, with_photos)
            for name, who in ((AN, an), (THU, thu), (TAM, tam), (LAN, lan))
        }
        divisions = await web_reads.divisions_of(tx, [an, lan])
    assert without not in found and first < second
    assert photo is not None
    assert (photo.owner_kind, photo.owner_id, photo.channel, photo.kind) == (
        "work_log",
        with_photos,
        "telegram",
        "photo",
    )
    assert photo.file_id == "Kiểm tra một cửa-0"
    assert visible == {AN: True, THU: True, TAM: False, LAN: False}
    assert divisions == {an: "XDCQ", lan: "TCBC"}


async def test_difficulties_of_a_reporter_newest_first(org_db: Database) -> None:
    lan = await person(org_db, LAN)
    raised = []
    for hours in (0, 2):
        async with org_db.transaction() as tx:
            raised.append(
                await difficulties.add_difficulty(
                    tx,
                    reporter_id=lan,
                    commune_code="XA08",
                    division_code="TCBC",
                    topic="khac",
                    kind="difficulty",
                    urgency="normal",
                    description="Chưa có hướng dẫn",
                    now=NOW + timedelta(hours=hours),
                    first_response_due=NOW + timedelta(days=2),
                    resolution_due=NOW + timedelta(days=10),
                )
            )
    async with org_db.read() as tx:
        assert await web_reads.difficulties_of_reporter(tx, lan) == raised[::-1]
        assert await web_reads.difficulties_of_reporter(tx, await resolve_person(tx, AN)) == []
        thu, tam = await resolve_person(tx, THU), await resolve_person(tx, TAM)
        open_for_tam = await reads.difficulties_with_status(tx, tam, ["new"])
        open_for_thu = await reads.difficulties_with_status(tx, thu, ["new"])
        touched, answered = await reads.difficulties_touched_between(
            tx, tam, NOW, NOW + timedelta(hours=1)
        )
    assert [d.id for d in open_for_tam] == raised and open_for_thu == []
    assert [d.id for d in touched] == raised[:1] and answered == set()


async def test_the_scope_the_pages_start_from(org_db: Database) -> None:
    async with org_db.transaction() as tx:
        # A message to An found no chat: proof he cannot be reached.
        await outbox.enqueue(
            tx,
            key="k:an",
            person_id=await resolve_person(tx, AN),
            payload={"text": "x"},
            now=NOW,
        )
    async with org_db.read() as tx:
        thanh, thu, an = [await resolve_person(tx, n) for n in (THANH, THU, AN)]
        leadership = await reads.scope_of(tx, thanh)
        heads = await reads.scope_of(tx, thu)
        unreachable = await reads.unreachable_officials(tx, thu, DAY)
        assert await scope.is_supervisor(tx, thu) and not await scope.is_supervisor(tx, an)
        assert await scope.oversees(tx, thu, "XDCQ", "XA20")
        assert not await scope.oversees(tx, thu, "TCBC", "XA08")
        supervisors = {p.full_name for p in await scope.all_supervisors(tx)}
    assert leadership.supervises_all and not heads.supervises_all
    assert len(heads.divisions) == 2 and len(heads.groups) == 1
    assert [(o.full_name, o.linked) for o in unreachable] == [(AN, False)]
    assert {THANH, THU, TAM} <= supervisors and AN not in supervisors
