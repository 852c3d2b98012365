"""Stories of a working-group visit after planning: the reminder the working day before, the
outcome recorded by a member who went, and its follow-up items (TCT-0001) carried out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.export.visits_sheet import EMPTY_NOTE
from bot.jobs_visits import reminder_day
from handlers.core.workcal import calendar_from
from handlers.digest.daily import weekly_digest
from storage import Database, calendar, org
from storage.export import ExportFilter
from storage.org_import import resolve_person
from tests.chat import ZONE, local
from tests.helpers.difficulty import TAM, THU, button, inbox
from tests.helpers.digest import CAL, daily
from tests.helpers.sample import AN, LONG, THANH, MakeChat
from tests.helpers.visits import (
    BINH,
    CUONG,
    DUNG,
    HUY,
    export_sheet,
    plan,
    plan_to_members,
    record_outcome,
    record_outcome_steps,
    tick,
    visit_with_outcome,
)


async def test_a_visit_is_reminded_recorded_and_followed_up_by_members_and_the_commune_official(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    binh = await linked_chat(BINH)
    cuong = await linked_chat(CUONG)
    await linked_chat(TAM)
    thu.at("2026-11-25 09:00")  # Wednesday
    await plan(thu, "27/11", AN, BINH)  # Friday

    # The reminder goes out at 15:00 on Thursday, once, to those going, the leader and Cường.
    assert await tick(org_db, "2026-11-26 14:59") == 0
    assert await tick(org_db, "2026-11-26 15:00") == 4
    assert await tick(org_db, "2026-11-26 15:15") == 0  # a rerun sends nothing twice
    for name in (AN, BINH, THU, CUONG):
        [reminder] = [m for m in await inbox(org_db, name) if m["key"].startswith("wgrem:")]
        assert "Nhắc lịch tổ công tác" in reminder["text"]
        assert "Xã Đèo Gió vào Thứ Sáu, 27/11/2026" in reminder["text"]
    assert [m for m in await inbox(org_db, DUNG) if m["key"].startswith("wgrem:")] == []

    # The day before, the outcome cannot be recorded yet.
    an.at("2026-11-26 16:00")
    assert "chưa diễn ra" in await an.say("/tocongtac ketqua")

    # On the day, Bình (a member who went) records it from the list's button.
    binh.at("2026-11-27 16:00")
    reply = await binh.say("/tocongtac")
    assert "Chờ ghi kết quả (1)" in reply
    await binh.press("Ghi kết quả")
    assert "Đoàn đã rà soát" in binh.text
    await binh.say("/huy")
    reply = await record_outcome(binh)
    assert "Đã ghi kết quả chuyến đến Xã Đèo Gió ngày Thứ Sáu, 27/11/2026" in reply
    assert "TCT-0001 — giao UBND Xã Đèo Gió, hạn 04/12/2026" in reply
    assert "TCT-0002 — giao Phòng Tổ chức biên chế, hạn 04/01/2027" in reply
    assert "TCT-0003 — giao Lê Hoàng Cường, hạn 30/11/2026" in reply
    assert "Đã báo: Lê Hoàng Cường, Hồ Văn Tâm, Cao Thị Thu" in reply
    [told] = [m for m in await inbox(org_db, THU) if ":outcome:" in m["key"]]
    assert "Trần Thị Bình đã ghi kết quả" in told["text"] and "TCT-0001, TCT-0002" in told["text"]
    [for_tam] = [m for m in await inbox(org_db, TAM) if m["key"].startswith("tct:")]
    assert "TCT-0002" in for_tam["text"] and "Hạn: Thứ Hai, 04/01/2027" in for_tam["text"]
    # The visit is done: no longer waiting, and a second outcome is refused.
    assert "Chờ ghi kết quả" not in await binh.say("/tocongtac")
    an.at("2026-11-27 17:00")
    assert "Không có chuyến nào chờ ghi kết quả" in await an.say("/tocongtac ketqua")
    assert "đã được Trần Thị Bình ghi lúc 27/11/2026 16:00" in await an.press_data("tct:out:1")

    # Cường, the commune's seconded official, is told of TCT-0001 and TCT-0003, with buttons.
    notices = [m for m in await inbox(org_db, CUONG) if m["key"].startswith("tct:")]
    assert [n["text"].split()[4] for n in notices] == ["TCT-0001", "TCT-0003"]
    assert "Giao: UBND Xã Đèo Gió. Hạn: Thứ Sáu, 04/12/2026." in notices[0]["text"]

    # On Tuesday 01/12 TCT-0003 (due Monday) is overdue in Thu's digest; Tâm sees TCT-0002.
    thu_digest = (await daily(org_db, THU, date(2026, 11, 30), "2026-12-01 07:30")).text
    assert "Việc sau chuyến tổ công tác đang mở: 3 (quá hạn 1)" in thu_digest
    assert "• TCT-0003 · QUÁ HẠN · Xã Đèo Gió · giao Lê Hoàng Cường" in thu_digest
    tam_digest = (await daily(org_db, TAM, date(2026, 11, 30), "2026-12-01 07:30")).text
    assert "TCT-0002 · Xã Đèo Gió · giao Phòng Tổ chức biên chế · hạn 04/01/2027" in tam_digest
    assert "TCT-0001" not in tam_digest
    async with org_db.read() as tx:
        thu_person = await org.person_by_id(tx, await resolve_person(tx, THU))
        assert thu_person is not None
        week = await weekly_digest(
            tx, thu_person, date(2026, 11, 30), local("2026-12-01 07:30"), CAL, "vi"
        )
    assert "• TCT-0003 · QUÁ HẠN" in week.text and "TCT-0002" in week.text
    thu.at("2026-12-01 08:00")
    reply = await thu.say("/tocongtac")
    assert "Việc cần theo dõi đang mở (3, quá hạn 1)" in reply and "TCT-0003" in thu.buttons

    # Cường adds progress, then marks it done; the leader hears both.
    cuong.at("2026-12-01 10:00")
    await cuong.press_data(button(notices[0], "Cập nhật tiến độ"))
    assert "Tiến độ việc TCT-0001" in cuong.text
    reply = await cuong.say("Xã đã lập dự thảo đề án, chờ thẩm định")
    assert "Đã ghi tiến độ TCT-0001. Đã báo: Cao Thị Thu" in reply
    cuong.at("2026-12-02 09:30")
    reply = await cuong.press_data(button(notices[0], "Đã xong"))
    assert "Đã đánh dấu xong TCT-0001" in reply
    assert "đã được Lê Hoàng Cường đánh dấu xong lúc 02/12/2026 09:30" in await cuong.press_data(
        button(notices[0], "Đã xong")
    )
    leader_news = [m["text"] for m in await inbox(org_db, THU) if m["key"].startswith("tct:1:")]
    assert len(leader_news) == 2
    assert "Lê Hoàng Cường cập nhật tiến độ: Xã đã lập dự thảo đề án" in leader_news[0]
    assert "TCT-0001 (Xã Đèo Gió) đã xong" in leader_news[1]

    # An, the other member who went, opens the card: done, with who and when and the note.
    reply = await an.at("2026-12-02 10:00").say("/tocongtac TCT-0001")
    assert "Trạng thái: Đã xong (Lê Hoàng Cường, 02/12/2026 09:30)" in reply
    assert "Xã đã lập dự thảo đề án" in reply and an.buttons == []
    # An marks TCT-0003 done himself from its card (a member of the group may).
    await an.say("/tocongtac tct 3")
    assert "QUÁ HẠN" in an.text
    assert "Đã đánh dấu xong TCT-0003" in await an.press("Đã xong")
    thu_digest = (await daily(org_db, THU, date(2026, 12, 2), "2026-12-03 07:30")).text
    assert "đang mở: 1 (quá hạn 0)" in thu_digest and "TCT-0002" in thu_digest


async def test_people_outside_the_visit_cannot_see_or_act_on_it(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    cuong = await linked_chat(CUONG)
    huy = await linked_chat(HUY)
    long_ = await linked_chat(LONG)
    tam = await linked_chat(TAM)
    dung = await linked_chat(DUNG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "27/11", BINH)
    # Before the day, even a forged outcome button is refused with the visit's date.
    binh.at("2026-11-26 09:00")
    assert "chưa diễn ra" in await binh.press_data("tct:out:1")
    binh.at("2026-11-27 16:00")
    assert "Đã ghi kết quả" in await record_outcome(binh)
    for chat in (huy, long_, tam, dung, cuong, thu):
        chat.at("2026-11-30 09:00")

    # A member of another group and an official of another commune: not found, not allowed.
    assert "Không có việc TCT-0001 trong phạm vi" in await huy.say("/tocongtac TCT-0001")
    assert "không có quyền cập nhật việc TCT-0001" in await huy.press_data("tct:done:1")
    assert "không có quyền cập nhật việc TCT-0001" in await long_.press_data("tct:prog:1")
    reply = await long_.say("/tocongtac")  # group 2's list: nothing of group 1
    assert "Tổ công tác số 2" in reply and "TCT-" not in reply and "Đèo Gió" not in reply
    # A member who did not go cannot record (or re-record) the outcome.
    assert "thành viên đã đi" in await dung.press_data("tct:out:1")
    # Tâm heads the division owning TCT-0002 only; Cường, the commune's seconded official,
    # follows every item of the visit to his commune, the division's too.
    assert "Không có việc TCT-0001" in await tam.say("/tocongtac TCT-0001")
    await tam.say("/tocongtac TCT-0002")
    assert "Cập nhật tiến độ" in tam.buttons
    assert "/tocongtac" in await cuong.say("/trogiup")  # in no group, but items concern him
    reply = await cuong.say("/tocongtac")
    assert "Việc cần theo dõi đang mở (3, quá hạn 0)" in reply
    assert all(f"TCT-000{n}" in reply for n in (1, 2, 3))
    await cuong.press_data("tct:prog:2")
    assert "Đã ghi tiến độ TCT-0002" in await cuong.say("Xã đã có 1 hồ sơ dự tuyển")
    async with org_db.read() as tx:
        assert await tx.value("SELECT count(*) FROM wg_followups WHERE status = 'open'") == 3
    # Once his assignment there has ended, the items of that commune are no longer his.
    cuong.at("2026-12-28 09:00")
    assert "không có quyền cập nhật việc TCT-0002" in await cuong.press_data("tct:prog:2")


async def test_owners_are_picked_by_number_on_zalo(linked_chat: MakeChat, org_db: Database) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH, numbered=True, channel="zalo")
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    binh.at("2026-11-26 17:00")
    await binh.say("/tocongtac ketqua")
    await binh.say("Tổ chức HĐND, UBND xã")
    await binh.say("Đã kiện toàn")
    await binh.say("Rà soát quy chế làm việc")
    reply = await binh.say("1")  # the first owner: the commune
    assert "Hạn hoàn thành việc «Rà soát quy chế làm việc»" in reply
    await binh.say("10/12")
    assert "giao UBND Xã Đèo Gió" in binh.text
    assert "TCT-0001" in await binh.say("1")  # «Xong, lưu kết quả»


def test_the_reminder_day_is_the_last_working_day_before_the_visit() -> None:
    assert reminder_day(date(2026, 11, 30), CAL) == date(2026, 11, 27)  # Monday → Friday
    assert reminder_day(date(2026, 11, 27), CAL) == date(2026, 11, 26)
    # The first working day after Tết 2027 (Thursday 11/02) → Wednesday 03/02, before Tết.
    assert reminder_day(date(2027, 2, 11), CAL) == date(2027, 2, 3)


async def test_a_monday_visit_is_reminded_on_friday_and_stale_reminders_are_skipped(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)  # Monday
    assert await tick(org_db, "2026-11-26 15:00") == 0  # Thursday: not yet
    assert await tick(org_db, "2026-11-27 15:00") == 3  # Friday: An, Thu, Cường
    assert await tick(org_db, "2026-11-28 09:00") == 0  # Saturday catch-up: nothing twice
    # A visit planned after its reminder time is not reminded separately; once the visit day
    # has begun, a missed reminder is stale.
    thu.at("2026-11-30 16:00")
    await plan(thu, "01/12", AN)
    assert await tick(org_db, "2026-11-30 16:15") == 0
    thu.at("2026-11-30 09:00")
    await plan(thu, "02/12", AN)
    assert await tick(org_db, "2026-12-02 08:00") == 0  # down on 01/12 at 15:00: stale now
    async with org_db.read() as tx:
        keys = await tx.all("SELECT key FROM outbox WHERE key LIKE 'wgrem:%'")
    assert len(keys) == 3


async def test_the_export_has_a_sheet_of_visits_and_follow_ups_with_status(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    cuong = await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)  # never recorded
    await plan(thu, "27/11", BINH)
    await plan(thu, "10/12", BINH)  # after the period
    binh.at("2026-11-27 16:00")
    await binh.say("/tocongtac ketqua")
    await binh.press("27/11")
    assert "Đã ghi kết quả" in await record_outcome_steps(binh)
    cuong.at("2026-11-30 10:00")
    assert "Đã đánh dấu xong" in await cuong.press_data("tct:done:1")

    found = await export_sheet(org_db, tmp_path / "all.xlsx", ExportFilter())
    brief = [(r["Loại"], r["Số hiệu"], r["Trạng thái"]) for r in found]
    assert brief == [
        ("Chuyến đến xã", None, "Chưa ghi kết quả"),
        ("Chuyến đến xã", None, "Đã hoàn thành"),
        ("Việc cần theo dõi", "TCT-0001", "Đã xong"),
        ("Việc cần theo dõi", "TCT-0002", "Đang mở"),
        ("Việc cần theo dõi", "TCT-0003", "Quá hạn"),
    ]
    visit, done = found[1], found[2]
    assert visit["Thành viên đi"] == BINH and visit["Người ghi / xác nhận"] == BINH
    assert visit["Kết quả, phát hiện"] == "Xã còn thiếu 2 công chức địa chính - xây dựng"
    assert done["Giao cho"] == "UBND Xã Đèo Gió" and done["Người ghi / xác nhận"] == CUONG
    assert found[3]["Giao cho"] == "Phòng Tổ chức biên chế"

    # Tâm heads the owning division of TCT-0002 only: that item and its visit.
    async with org_db.read() as tx:
        tam_id = await resolve_person(tx, TAM)
    mine = await export_sheet(org_db, tmp_path / "tam.xlsx", ExportFilter(supervisor_id=tam_id))
    assert [(r["Loại"], r["Số hiệu"]) for r in mine] == [
        ("Chuyến đến xã", None),
        ("Việc cần theo dõi", "TCT-0002"),
    ]
    narrowed = await export_sheet(
        org_db, tmp_path / "tcbc.xlsx", ExportFilter(division_code="TCBC")
    )
    assert [r["Số hiệu"] for r in narrowed] == [None, "TCT-0002"]
    elsewhere = await export_sheet(
        org_db, tmp_path / "xa01.xlsx", ExportFilter(commune_code="XA01")
    )
    assert [r["Loại"] for r in elsewhere] == [EMPTY_NOTE]


QUYNH = "Vũ Thị Quỳnh"  # official of VTLT (Tâm's division), assigned to XA14 in Đợt 2
NAM = "Dương Văn Nam"  # member of working group 3 (led by Thành, department leadership)


async def test_an_item_given_to_an_official_reaches_the_head_of_her_division(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thanh = await linked_chat(THANH)
    nam = await linked_chat(NAM)
    tam = await linked_chat(TAM)
    thanh.at("2026-11-25 09:00")
    await plan_to_members(thanh, "XA14", "26/11")
    await thanh.press(NAM)
    await thanh.press("Xong")
    assert "Đã lên lịch" in await thanh.say("Hướng dẫn lưu trữ hồ sơ công chức")
    nam.at("2026-11-26 16:00")
    await nam.say("/tocongtac ketqua")
    await nam.say("Công tác văn thư, lưu trữ")
    await nam.say("Hồ sơ công chức chưa số hóa")
    await nam.say("Số hóa hồ sơ công chức của xã")
    await nam.press(QUYNH)
    await nam.say("11/12")
    assert "TCT-0001" in await nam.press("Xong, lưu kết quả")
    # Tâm leads another group, but Quỳnh is of his division: her item is his to follow.
    digest = (await daily(org_db, TAM, date(2026, 11, 30), "2026-12-01 07:30")).text
    assert "TCT-0001" in digest and "Số hóa hồ sơ công chức" in digest
    tam.at("2026-12-01 09:00")
    assert "TCT-0001" in await tam.say("/tocongtac")
    await tam.press_data("tct:prog:1")
    assert "Đã ghi tiến độ TCT-0001" in await tam.say("Đã nhắc đồng chí Quỳnh")
    # Thu heads other divisions: neither in her digest nor hers to act on.
    assert "TCT-0001" not in (await daily(org_db, THU, date(2026, 11, 30), "2026-12-01 07:30")).text
    thu = await linked_chat(THU)
    thu.at("2026-12-01 09:00")
    assert "không có quyền cập nhật việc TCT-0001" in await thu.press_data("tct:prog:1")


async def test_department_leadership_sees_every_open_item_under_tocongtac(
    linked_chat: MakeChat, org_db: Database
) -> None:
    await visit_with_outcome(linked_chat)
    thanh = await linked_chat(THANH)
    thanh.at("2026-11-30 09:00")
    reply = await thanh.say("/tocongtac")  # he leads group 3, not group 1
    assert "Việc cần theo dõi đang mở (3, quá hạn 0)" in reply
    assert all(f"TCT-000{n}" in reply for n in (1, 2, 3))


async def test_a_day_off_declared_after_the_item_moves_its_overdue_day(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await visit_with_outcome(linked_chat)  # TCT-0003 due Monday 30/11
    async with org_db.transaction() as tx:  # later, the department gives Monday 30/11 off
        await calendar.add_declared_day(tx, date(2026, 11, 30), "off", "Nghỉ bù")
    cal = calendar_from(ZONE, [(date(2026, 11, 30), "off")])
    # Tuesday 01/12 is now the due day itself: not overdue yet; on Wednesday it is.
    on_tuesday = (await daily(org_db, THU, date(2026, 11, 30), "2026-12-01 07:30", cal)).text
    assert "đang mở: 3 (quá hạn 0)" in on_tuesday
    thu.at("2026-12-01 09:00")
    assert "(3, quá hạn 0)" in await thu.say("/tocongtac")
    assert "QUÁ HẠN" not in await thu.say("/tocongtac TCT-0003")
    on_wednesday = (await daily(org_db, THU, date(2026, 12, 1), "2026-12-02 07:30", cal)).text
    assert "• TCT-0003 · QUÁ HẠN" in on_wednesday
    thu.at("2026-12-02 09:00")
    assert "(3, quá hạn 1)" in await thu.say("/tocongtac")
