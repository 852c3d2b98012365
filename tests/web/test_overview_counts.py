"""The overview counts what the weekly digest counts, for every kind of supervisor."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.core.workcal import WorkingCalendar
from handlers.digest.weekly import week_figures
from storage import Database, leave, web_overview, worklog
from storage import digest as reads
from storage.org_import import resolve_person
from tests.chat import ZONE, local
from tests.helpers.difficulty import TAM, THU, raise_urgent
from tests.helpers.sample import AN, LAN, LONG, THANH, MakeChat

pytestmark = pytest.mark.both_backends

BINH = "Trần Thị Bình"
MONDAY, FRIDAY = date(2026, 11, 30), date(2026, 12, 4)


async def _entry(db: Database, name: str, commune: str, day: date) -> None:
    async with db.transaction() as tx:
        await worklog.add_work_log(
            tx,
            person_id=await resolve_person(tx, name),
            commune_code=commune,
            work_date=day,
            topic="khac",
            text="Làm việc tại xã",
            channel="telegram",
            sent_at=local(f"{day.isoformat()} 16:00"),
            now=local(f"{day.isoformat()} 16:00"),
        )


@pytest.fixture
async def week(org_db: Database) -> Database:
    """A week with entries at both of Long's communes, leave for Bình, Lan every day."""
    for n in range(5):
        day = date(2026, 11, 30 + n) if n == 0 else date(2026, 12, n)
        await _entry(org_db, LAN, "XA08", day)
    await _entry(org_db, AN, "XA01", MONDAY)
    await _entry(org_db, LONG, "XA09", MONDAY)
    await _entry(org_db, LONG, "XA16", date(2026, 12, 1))
    # An's entry at a commune that is not his that day still makes the day logged.
    await _entry(org_db, AN, "XA02", date(2026, 12, 2))
    async with org_db.transaction() as tx:
        binh = await resolve_person(tx, BINH)
        await leave.add_leave(tx, binh, MONDAY, date(2026, 12, 1), "Ốm", local("2026-11-27 09:00"))
    return org_db


@pytest.mark.parametrize("name", [THANH, THU, TAM])
async def test_rates_match_the_weekly_digest(week: Database, name: str) -> None:
    calendar = WorkingCalendar(ZONE)
    days = calendar.working_days(MONDAY, FRIDAY)
    async with week.read() as tx:
        me = await resolve_person(tx, name)
        counts = await web_overview.rate_counts(tx, me, days)
        figures = week_figures(
            await reads.assignments_in_scope(tx, me, MONDAY, FRIDAY),
            await reads.leaves_in_scope(tx, me, MONDAY, FRIDAY),
            await reads.entry_tallies(tx, me, MONDAY, FRIDAY),
            days,
            MONDAY,
            FRIDAY,
        )
    assert sum(r.expected for r in counts.days) == figures.expected > 0
    assert sum(r.logged for r in counts.days) == figures.reported > 0
    # Fewer than 30 communes: every one is returned.
    assert {c.code: (c.expected, c.logged) for c in counts.communes} == figures.commune_rates
    assert counts.commune_count == len(figures.commune_rates)
    assert sum(d.expected for d in counts.divisions) == figures.expected
    assert counts.division_count == len(counts.divisions) and counts.today is None


async def test_only_the_lowest_rates_are_read_in_the_pages_order(week: Database) -> None:
    days = WorkingCalendar(ZONE).working_days(MONDAY, FRIDAY)
    async with week.read() as tx:
        thanh = await resolve_person(tx, THANH)
        every = await web_overview.rate_counts(tx, thanh, days)
        lowest = await web_overview.rate_counts(tx, thanh, days, lowest=10)

    def page_order(c: web_overview.PlaceCount) -> tuple[float, str]:
        return (c.logged / c.expected, c.name or "")

    # The ten the page would pick from all of them: twelve communes have no entry, and ties
    # are broken by name in code point order on both backends ("Xã Trà…" before "Xã Tà…",
    # "Xã Đèo Gió" last), so those two are left out. The counts still say how many there are.
    chosen = sorted(every.communes, key=page_order)[:10]
    assert {c.name for c in every.communes} - {c.name for c in chosen} >= {
        "Xã Tà Rồng",
        "Xã Đèo Gió",
    }
    assert sorted(lowest.communes, key=page_order) == chosen
    assert sorted(lowest.divisions, key=page_order) == sorted(every.divisions, key=page_order)[:10]
    assert lowest.commune_count == len(every.communes) == 16
    assert lowest.division_count == len(every.divisions)
    assert lowest.days == every.days


async def test_today_names_who_has_not_logged_and_counts_leave(week: Database) -> None:
    async with week.read() as tx:
        thu = await resolve_person(tx, THU)
        monday = await web_overview.today(tx, thu, MONDAY)
        officials = await reads.officials_in_scope(tx, thu, MONDAY)
    # Thu's scope: XDCQ and CCVC (6 officials); An logged, Bình on leave.
    assert monday.expected == len(officials) == 6
    assert monday.on_leave == 1
    missing = {name for _, name, _ in monday.missing}
    assert missing == {o.full_name for o in officials if not o.reported and not o.on_leave}
    assert AN not in missing and BINH not in missing and len(missing) == 4
    # The page counts today within the period's read when today is one of its working days.
    async with week.read() as tx:
        week_days = WorkingCalendar(ZONE).working_days(MONDAY, FRIDAY)
        in_period = (await web_overview.rate_counts(tx, thu, week_days, MONDAY)).today
    assert in_period is not None
    assert (in_period.expected, in_period.on_leave) == (monday.expected, monday.on_leave)
    assert sorted(in_period.missing) == sorted(monday.missing)


async def test_difficulties_open_overdue_and_first_response_in_scope(
    linked_chat: MakeChat, org_db: Database
) -> None:
    lan = await linked_chat(LAN)
    thanh = await linked_chat(THANH)
    first = await raise_urgent(lan.at("2026-12-01 08:00"), "Thiếu hướng dẫn về biên chế")
    await raise_urgent(lan.at("2026-12-01 09:00"), "Chưa có mẫu báo cáo")
    # Leadership acknowledges the first an hour after it was raised.
    assert "KK-0001" in await thanh.at("2026-12-01 09:00").press_data(f"k:ack:{first}")
    start, end = local("2026-11-30 00:00"), local("2026-12-07 00:00")
    now = local("2026-12-02 10:00")  # past the second one's 4 working hours
    async with org_db.read() as tx:
        counts = {
            name: await web_overview.difficulty_counts(
                tx, await resolve_person(tx, name), now, start, end
            )
            for name in (THANH, THU, TAM)
        }
    assert (counts[THANH].open, counts[THANH].overdue, counts[THANH].raised) == (2, 1, 2)
    assert counts[THANH].first_responses == [3600.0] and counts[THANH].resolved == 0
    # Lan (Tổ chức biên chế, Pa Lang) is Tâm's, not Thu's.
    assert (counts[TAM].open, counts[TAM].overdue) == (2, 1)
    assert (counts[THU].open, counts[THU].raised, counts[THU].first_responses) == (0, 0, [])
