"""Học tập: the study calendar by week and division with the room left, counted as the chat's
/hoctap counts it for a division head (over plain HTTP)."""

from __future__ import annotations

from datetime import date

import pytest

from storage import study, study_withdraw
from storage.org_import import resolve_person
from storage.study import NewPart
from tests.chat import local
from tests.helpers.dashboard import TOAN, Html, Site, add_group_leader
from tests.helpers.difficulty import TAM, THU
from tests.helpers.sample import THANH, MakeChat
from tests.helpers.study import XUAN, YEN

XDCQ, CCVC = "Phòng Xây dựng chính quyền", "Phòng Công chức, viên chức"


async def _request(
    site: Site, contact: str, commune: str, division: str, week: date, people: int
) -> tuple[int, int]:
    """A request of `people` officials from a commune for one division's week (waiting)."""
    async with site.db.transaction() as tx:
        contact_id = await resolve_person(tx, contact)
        await study.put_contact_commune(tx, contact_id, commune)
        request_id, [part_id] = await study.add_request(
            tx,
            commune_code=commune,
            contact_id=contact_id,
            topic="Tổ chức bộ máy",
            preferred_weeks=[week],
            participants=[(f"Cán bộ {n}", "Công chức") for n in range(people)],
            parts=[NewPart(division, week, week)],
            now=local("2026-11-20 09:00"),
        )
    return request_id, part_id


@pytest.fixture
async def booked(site: Site) -> Site:
    """Groups for XDCQ, CCVC and TCBC in the coming weeks: confirmed, waiting, withdrawn."""
    now = local("2026-11-20 10:00")
    _, confirmed = await _request(site, XUAN, "XA03", "XDCQ", date(2026, 12, 7), 3)
    await _request(site, YEN, "XA08", "XDCQ", date(2026, 12, 7), 2)  # waiting: takes room too
    await _request(site, YEN, "XA08", "CCVC", date(2026, 12, 14), 7)  # larger than a week
    withdrawn, _ = await _request(site, XUAN, "XA03", "XDCQ", date(2026, 12, 14), 2)
    _, tcbc = await _request(site, XUAN, "XA03", "TCBC", date(2026, 11, 30), 1)
    async with site.db.transaction() as tx:
        thu, tam = await resolve_person(tx, THU), await resolve_person(tx, TAM)
        for part, by, week in (
            (confirmed, thu, date(2026, 12, 7)),
            (tcbc, tam, date(2026, 11, 30)),
        ):
            assert await study.confirm(tx, part, by=by, week=week, place="Sở Nội vụ", now=now)
        xuan = await resolve_person(tx, XUAN)
        await study_withdraw.withdraw(tx, withdrawn, by=xuan, today=date(2026, 11, 20), now=now)
    return site


def calendar(page: Html) -> dict[str, dict[str, tuple[int, int]]]:
    """Per week (dd/mm): per division, (people coming, room left)."""
    assert page.status == 200, page.main
    weeks = {}
    for section in page.document.all("section", "week"):
        monday = section.attrs["id"].removeprefix("week-")
        day = f"{monday[8:10]}/{monday[5:7]}"
        weeks[day] = {
            row[0]: (int(row[1]), int(row[2]))
            for row in ([c.text for c in tr.all("td")] for tr in section.all("tr"))
            if row
        }
    return weeks


async def test_room_left_per_week_and_division_as_the_chat_counts_it(
    booked: Site, linked_chat: MakeChat
) -> None:
    page = await (await booked.signed_in(THU)).get("/hoc-tap")
    weeks = calendar(page)
    # Eight weeks from this one (Wednesday 25/11).
    assert list(weeks) == [
        "23/11", "30/11", "07/12", "14/12", "21/12", "28/12", "04/01", "11/01"
    ]  # fmt: skip
    # Thu heads XDCQ and CCVC: only those.
    assert all(set(cells) == {XDCQ, CCVC} for cells in weeks.values())
    # 3 confirmed and 2 waiting: full.
    assert weeks["07/12"][XDCQ] == (5, 0)
    assert weeks["07/12"][CCVC] == (0, 5)
    # A group larger than a week fills it, never below nothing; a withdrawn one frees its room.
    assert weeks["14/12"][CCVC] == (7, 0)
    assert weeks["14/12"][XDCQ] == (0, 5)
    # Weeks with a day off host nobody: 24/11 (Ngày Văn hóa), 31/12 and 01/01.
    for holiday in ("2026-11-23", "2026-12-28"):
        assert weeks[f"{holiday[8:]}/{holiday[5:7]}"] == {XDCQ: (0, 0), CCVC: (0, 0)}
        assert "không đón đoàn" in page[f"week-{holiday}"].text
    assert weeks["30/11"] == {XDCQ: (0, 5), CCVC: (0, 5)}
    section = page["week-2026-12-07"]
    assert "HT-0001 — Xã Đèo Gió, 3 người (đã xác nhận)" in section.text
    assert "HT-0002 — Xã Pa Lang, 2 người (chờ xác nhận)" in section.text

    # The chat's calendar for Thu says the same.
    chat = await linked_chat(THU)
    reply = await chat.at("2026-11-25 10:00").say("/hoctap")
    assert f"{XDCQ}: 5 người, còn 0 chỗ" in reply
    assert f"{CCVC}: 7 người, còn 0 chỗ" in reply


async def test_each_supervisor_sees_the_divisions_they_head(booked: Site) -> None:
    tam = calendar(await (await booked.signed_in(TAM)).get("/hoc-tap"))
    assert set(tam["30/11"]) == {
        "Phòng Tổ chức biên chế",
        "Phòng Cải cách hành chính",
        "Phòng Văn thư, lưu trữ",
    }
    assert tam["30/11"]["Phòng Tổ chức biên chế"] == (1, 4)
    thanh = calendar(await (await booked.signed_in(THANH)).get("/hoc-tap"))
    assert len(thanh["30/11"]) == 5 and thanh["07/12"][XDCQ] == (5, 0)
    # A group leader heads no division: the chat's answer, no empty tables.
    await add_group_leader(booked.db)
    toan = await (await booked.signed_in(TOAN)).get("/hoc-tap")
    assert toan["no-divisions"].text == (
        "Anh/chị chưa phụ trách phòng nào nên không có lịch học tập để xem."
    )
    assert not toan.document.all("section", "week")


async def test_from_saturday_the_calendar_starts_next_week(booked: Site) -> None:
    booked.at("2026-12-05 09:00")  # Saturday
    weeks = calendar(await (await booked.signed_in(THU)).get("/hoc-tap"))
    assert next(iter(weeks)) == "07/12" and len(weeks) == 8
