"""Stories of a working-group leader planning a visit to a commune (/tocongtac)."""

from __future__ import annotations

from datetime import date

from storage import Database, calendar
from tests.helpers.difficulty import TAM, THU, inbox
from tests.helpers.sample import AN, MakeChat
from tests.helpers.visits import BINH, CUONG, DUNG


async def test_a_leader_plans_a_visit_and_members_going_and_the_commune_official_are_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await linked_chat(BINH)
    await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")  # a Wednesday
    reply = await thu.say("/tocongtac")
    assert "chưa có lịch đến xã" in reply and "Tổ công tác số 1" in reply
    await thu.press("Lên lịch đến xã")
    assert "Xã Đèo Gió (XA03)" in thu.buttons and len(thu.buttons) == 6  # XA01–XA06 only
    await thu.press("Xã Đèo Gió")
    assert "ngày nào" in thu.text
    await thu.say("27/11")  # Friday
    assert "Thứ Sáu, 27/11/2026" in thu.text
    await thu.press(AN)
    await thu.press(BINH)
    await thu.press(DUNG)
    await thu.press(DUNG)  # taken off again
    assert "Đã chọn: Nguyễn Văn An, Trần Thị Bình" in thu.text
    await thu.press("Xong")
    assert "Nội dung làm việc" in thu.text
    reply = await thu.say("Rà soát sắp xếp cán bộ theo Đề án 1342; vị trí việc làm")
    assert "Đã lên lịch: Tổ công tác số 1 đến Xã Đèo Gió, Thứ Sáu, 27/11/2026" in reply
    assert "Đã báo: Nguyễn Văn An, Trần Thị Bình, Lê Hoàng Cường" in reply
    for name in (AN, BINH, CUONG):
        [notice] = await inbox(org_db, name)
        assert notice["status"] == "pending"
        assert "Xã Đèo Gió ngày Thứ Sáu, 27/11/2026" in notice["text"]
        assert "Đề án 1342" in notice["text"]
    assert await inbox(org_db, DUNG) == []  # a member not going is not disturbed
    assert await inbox(org_db, THU) == []

    # The list now shows it, to the leader and to a member.
    reply = await thu.say("/tocongtac")
    assert "lịch đến xã sắp tới (1)" in reply
    assert "Thứ Sáu, 27/11/2026 — Xã Đèo Gió" in reply and "Nguyễn Văn An" in reply
    reply = await an.say("/visit")
    assert "Xã Đèo Gió" in an.text and "Lên lịch đến xã" not in an.buttons
    # A member cannot plan; another group's leader does not see group 1's visits.
    assert "Chỉ trưởng tổ công tác" in await an.say("/tocongtac moi")
    tam = await linked_chat(TAM)
    reply = await tam.say("/tocongtac")
    assert "Tổ công tác số 2" in reply and "Xã Đèo Gió" not in reply
    # Past visits drop off the list.
    thu.at("2026-11-28 09:00")
    assert "chưa có lịch đến xã" in await thu.say("/tocongtac")


async def test_a_visit_on_a_weekend_is_kept_only_on_confirmation(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    thu.at("2026-11-25 09:00")
    await thu.say("/tocongtac XA01")
    reply = await thu.say("28/11")  # a Saturday
    assert "Lưu ý: Thứ Bảy, 28/11/2026 là ngày nghỉ (cuối tuần)." in reply
    await thu.press("Chọn ngày khác")
    assert "ngày nào" in thu.text
    await thu.say("28/11")
    await thu.press("Vẫn lên lịch ngày này")
    await thu.press("Cả tổ")
    assert "Nội dung làm việc" in thu.text and "Thứ Bảy, 28/11/2026" in thu.text
    reply = await thu.say("Hướng dẫn tổ chức HĐND, UBND")
    assert "Đã lên lịch" in reply and "Hoàng Minh Đức" in reply


async def test_a_visit_on_a_holiday_is_warned_with_its_name(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    thu.at("2026-12-20 09:00")
    await thu.say("/tocongtac XA02")
    reply = await thu.say("01/01")  # next New Year's Day
    assert "01/01/2027 là ngày nghỉ (Tết Dương lịch)" in reply
    await thu.press("Vẫn lên lịch ngày này")
    await thu.press("Cả tổ")
    assert "Nội dung làm việc" in thu.text
    assert "Đã lên lịch" in await thu.say("Rà soát vị trí việc làm")


async def test_a_day_off_the_admin_declared_is_warned_with_its_reason(
    linked_chat: MakeChat, org_db: Database
) -> None:
    async with org_db.transaction() as tx:
        await calendar.add_declared_day(tx, date(2026, 12, 31), "off", "Nghỉ bù theo QĐ 12/QĐ-SNV")
        await calendar.add_declared_day(tx, date(2026, 12, 30), "off", "")
    thu = await linked_chat(THU)
    thu.at("2026-12-20 09:00")
    await thu.say("/tocongtac XA02")
    assert "31/12/2026 là ngày nghỉ (Nghỉ bù theo QĐ 12/QĐ-SNV)" in await thu.say("31/12")
    await thu.press("Chọn ngày khác")
    assert "30/12/2026 là ngày nghỉ (nghỉ theo lịch của Sở)" in await thu.say("30/12")


async def test_a_past_or_unreadable_date_is_refused(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    thu.at("2026-11-25 09:00")
    await thu.say("/tocongtac XA01")
    assert "đã qua" in await thu.say("20/11")
    assert "Chưa đọc được ngày" in await thu.say("tuần sau")
    assert "không có trên lịch" in await thu.say("31/11")
    assert "Thành viên nào đi?" in await thu.say("26/11")
    # Done with nobody chosen asks again.
    assert "ít nhất một thành viên" in await thu.press("Xong")


async def test_a_commune_not_in_the_group_or_not_at_all_is_refused(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    reply = await thu.say("/tocongtac XA07")  # group 2's commune
    assert "không thuộc địa bàn của Tổ công tác số 1" in reply
    assert "Xã Hòa Vang Tây (XA01)" in thu.buttons and not any("XA07" in b for b in thu.buttons)
    reply = await thu.say("Xã Không Có")
    assert "Không có xã/phường «Xã Không Có»" in reply
    # A forged button for another group's commune is refused, never stored.
    await thu.press_data(thu.button_data("XA01").split(":")[0] + ":c:XA07")
    assert "không có trong danh sách bot vừa đưa ra" in thu.text
    async with org_db.read() as tx:
        assert await tx.value("SELECT count(*) FROM wg_visits") == 0


async def test_only_group_people_see_visits(linked_chat: MakeChat) -> None:
    cuong = await linked_chat(CUONG)
    assert "chưa thuộc tổ công tác nào" in await cuong.say("/tocongtac")
    assert "Chỉ trưởng tổ công tác" in await cuong.say("/tocongtac moi")


async def test_on_zalo_a_late_number_after_whole_group_is_not_taken_as_the_agenda(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    thu.at("2026-11-25 09:00")
    await thu.say("/tocongtac XA01")
    assert "bấm «Cả tổ» là chọn cả tổ và đi tiếp" in await thu.say("30/11")
    whole, done = thu.buttons.index("Cả tổ") + 1, thu.buttons.index("Xong") + 1
    assert "Nội dung làm việc" in await thu.say(str(whole))
    reply = await thu.say(str(done))  # she thought «Xong» was still needed
    assert f"«{done}» không phải nội dung làm việc" in reply and "Nội dung làm việc" in reply
    assert "Đã lên lịch" in await thu.say("Rà soát vị trí việc làm")
    async with org_db.read() as tx:
        [agenda] = [r["agenda"] for r in await tx.all("SELECT agenda FROM wg_visits")]
    assert agenda == "Rà soát vị trí việc làm"
