"""Stories of a working-group leader cancelling or moving a planned visit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from storage import Database, outbox
from storage.export import ExportFilter
from tests.chat import local
from tests.helpers.difficulty import THU, inbox
from tests.helpers.sample import AN, MakeChat
from tests.helpers.study import XUAN, contact
from tests.helpers.visits import BINH, CUONG, export_sheet, plan, record_outcome, tick


async def test_a_leader_moves_a_visit_twice_and_everyone_told_hears_each_move(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)  # Monday
    await thu.say("/tocongtac")
    await thu.press("Dời/hủy: Xã Đèo Gió 30/11")
    assert "dời ngày hay hủy" in thu.text and "Nguyễn Văn An" in thu.text
    await thu.press("Dời ngày")
    assert "đang là Thứ Hai, 30/11/2026" in thu.text
    assert "đã qua" in await thu.say("20/11")  # same refusals as planning
    assert "Chưa đọc được ngày" in await thu.say("sớm nhất có thể")
    assert "đã là ngày" in await thu.say("30/11")
    assert "Lưu ý: Thứ Bảy, 05/12/2026 là ngày nghỉ" in await thu.say("05/12")
    await thu.press("Chọn ngày khác")
    reply = await thu.say("03/12")
    assert "Đã dời chuyến đến Xã Đèo Gió từ Thứ Hai, 30/11/2026 sang Thứ Năm, 03/12/2026" in reply
    assert "Đã báo: Nguyễn Văn An, Lê Hoàng Cường" in reply
    for name in (AN, CUONG):
        notices = await inbox(org_db, name)
        assert len(notices) == 2  # planned, moved
        assert "từ Thứ Hai, 30/11/2026 sang Thứ Năm, 03/12/2026" in notices[1]["text"]
    # The reminder follows the new day: nothing on Friday 27/11, on Wednesday 02/12 it comes.
    assert await tick(org_db, "2026-11-27 15:00") == 0
    assert await tick(org_db, "2026-12-02 15:00") == 3  # An, Thu, Cường
    await deliver(org_db, "2026-12-02 15:01")  # the sender has sent them by the next move
    # A second move (typed) is told again, and reminded again for its own new day.
    thu.at("2026-12-02 16:00")
    await thu.say("/tocongtac dời Đèo Gió")
    await thu.say("04/12")
    assert "sang Thứ Sáu, 04/12/2026" in thu.text
    assert len(await inbox(org_db, AN)) == 4  # planned, moved, reminded, moved again
    assert await tick(org_db, "2026-12-03 15:00") == 3
    assert await tick(org_db, "2026-12-03 15:30") == 0  # nothing twice
    assert "Thứ Sáu, 04/12/2026 — Xã Đèo Gió" in await thu.say("/tocongtac")


async def test_a_leader_cancels_a_visit_and_no_reminder_follows(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)
    await thu.say("/tocongtac hủy 30/11")
    assert "Hủy chuyến đến Xã Đèo Gió ngày Thứ Hai, 30/11/2026?" in thu.text
    await thu.press("Không hủy")
    assert "Giữ nguyên" in thu.text
    await thu.say("/tocongtac huy")
    confirm = thu.button_data("Có, hủy chuyến")
    reply = await thu.press("Có, hủy chuyến")
    assert "Đã hủy chuyến đến Xã Đèo Gió" in reply and "Nguyễn Văn An, Lê Hoàng Cường" in reply
    [_, cancelled] = await inbox(org_db, CUONG)
    assert cancelled["key"].startswith("wg:1:cancel:") and "đã hủy chuyến" in cancelled["text"]
    assert f"{THU} (Tổ công tác số 1) đã hủy chuyến" in cancelled["text"]
    # A repeated tap tells nobody again; a tap that reaches the visit says who cancelled it.
    assert "đã cũ" in await thu.press_data(confirm)
    reply = await thu.press_data("wgc:cancelok:1")
    assert f"đã được {THU} hủy lúc 25/11/2026 09:00" in reply
    assert len(await inbox(org_db, AN)) == 2
    assert await tick(org_db, "2026-11-27 15:00") == 0
    assert "chưa có lịch đến xã" in await thu.say("/tocongtac")
    assert "Dời/hủy" not in " ".join(thu.buttons)
    [row] = await export_sheet(org_db, tmp_path / "x.xlsx", ExportFilter())
    assert str(row["Loại"]).startswith("Không có chuyến công tác")  # a cancelled visit is left out


async def test_a_member_or_a_forged_button_cannot_change_a_visit(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)
    an.at("2026-11-25 10:00")
    await an.say("/tocongtac")
    assert not any("Dời/hủy" in b for b in an.buttons)
    assert "Chỉ trưởng tổ công tác dời hoặc hủy" in await an.say("/tocongtac hủy")
    assert "Chỉ trưởng tổ công tác dời hoặc hủy" in await an.press_data("wgc:cancelok:1")
    assert "Chỉ trưởng tổ công tác dời hoặc hủy" in await an.press_data("wgc:move:1")
    assert "Chỉ trưởng tổ công tác dời hoặc hủy" in await thu.press_data("wgc:cancelok:99")
    assert "đã cũ" in await thu.press_data("wgc:explode:1")
    assert "Thứ Hai, 30/11/2026 — Xã Đèo Gió" in await thu.say("/tocongtac")


async def test_a_visit_with_an_outcome_cannot_be_cancelled_or_moved(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    binh.at("2026-11-26 17:00")
    assert "TCT-0001" in await record_outcome(binh)
    thu.at("2026-11-27 09:00")
    assert "đã ghi kết quả" in await thu.press_data("wgc:cancelok:1")
    assert "đã ghi kết quả" in await thu.press_data("wgc:move:1")


async def test_a_visit_is_moved_by_number_on_zalo(linked_chat: MakeChat, org_db: Database) -> None:
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    await linked_chat(AN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)
    await thu.say("/tocongtac")
    number = thu.buttons.index("Dời/hủy: Xã Đèo Gió 30/11/2026") + 1
    assert "dời ngày hay hủy" in await thu.say(str(number))
    assert "Dời sang ngày nào?" in await thu.say("1")
    assert "sang Thứ Ba, 01/12/2026" in await thu.say("01/12")


async def deliver(db: Database, at: str, limit: int = 100) -> None:
    """The sender takes up to `limit` due Telegram messages and the platform accepts them."""
    async with db.transaction() as tx:
        now = local(at)
        taken = await outbox.claim_due(
            tx, channel="telegram", worker="t", now=now, limit=limit, lease=timedelta(minutes=1)
        )
        for message in taken:
            await outbox.mark_sent(tx, message.id, "t", now)


async def reminders(db: Database, name: str) -> list[str]:
    """The statuses of this person's visit reminders in the outbox."""
    return [n["status"] for n in await inbox(db, name) if n["key"].startswith("wgrem:")]


async def test_reminders_not_yet_sent_are_dropped_when_a_visit_moves_or_is_cancelled(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)
    await deliver(org_db, "2026-11-25 09:01")  # the planning notices went out
    assert await tick(org_db, "2026-11-27 15:00") == 3
    await deliver(org_db, "2026-11-27 15:00", limit=1)  # one went out, two wait (say, a 429)
    thu.at("2026-11-27 16:00")
    await thu.say("/tocongtac dời")
    assert "sang Thứ Ba, 01/12/2026" in await thu.say("01/12")
    assert sorted([*await reminders(org_db, AN), *await reminders(org_db, CUONG)]) == ["sent"]
    assert await tick(org_db, "2026-11-30 15:00") == 3  # for the new day, to everyone
    await thu.say("/tocongtac hủy")
    await thu.press("Có, hủy chuyến")
    assert "Đã hủy chuyến" in thu.text
    assert "pending" not in [*await reminders(org_db, AN), *await reminders(org_db, CUONG)]


async def test_a_move_after_the_new_days_reminder_moment_is_the_reminder(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "02/12", AN)
    thu.at("2026-11-27 16:00")  # after Friday's 15:00, the reminder moment of Monday 30/11
    await thu.say("/tocongtac dời 02/12")
    assert "sang Thứ Hai, 30/11/2026" in await thu.say("30/11")
    assert await tick(org_db, "2026-11-27 16:30") == 0
    assert await tick(org_db, "2026-11-29 09:00") == 0


async def test_several_visits_are_offered_and_a_typed_day_or_commune_picks_one(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)
    await plan(thu, "01/12", AN)
    reply = await thu.say("/tocongtac hủy")
    assert "Tổ có 2 chuyến chưa ghi kết quả" in reply
    assert thu.buttons == ["Dời/hủy: Xã Đèo Gió 30/11/2026", "Dời/hủy: Xã Đèo Gió 01/12/2026"]
    assert "Không thấy chuyến nào của tổ khớp «Pa Lang»" in await thu.say("/tocongtac dời Pa Lang")
    assert len(thu.buttons) == 2
    assert "Hủy chuyến đến Xã Đèo Gió ngày Thứ Ba, 01/12/2026?" in await thu.say(
        "/tocongtac hủy 01/12"
    )


async def test_a_past_visit_without_an_outcome_can_be_cancelled_or_moved(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(BINH)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    thu.at("2026-11-30 09:00")  # the visit did not take place and has no outcome
    await thu.say("/tocongtac")
    assert "Dời/hủy: Xã Đèo Gió 26/11/2026" in thu.buttons
    assert "Dời sang ngày nào?" in await thu.say("/tocongtac dời")
    assert "sang Thứ Năm, 03/12/2026" in await thu.say("03/12")
    thu.at("2026-12-07 09:00")
    await thu.say("/tocongtac hủy Đèo Gió")
    assert "Đã hủy chuyến đến Xã Đèo Gió ngày Thứ Năm, 03/12/2026" in await thu.press(
        "Có, hủy chuyến"
    )
    assert "Ghi kết quả" not in await thu.say("/tocongtac")
    assert not any("Ghi kết quả" in b or "Dời/hủy" in b for b in thu.buttons)


async def test_a_day_off_is_kept_when_confirmed_and_the_new_days_officials_are_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    await linked_chat(CUONG)
    await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 08:00")
    thu.at("2026-11-25 09:00")
    await plan(thu, "28/12", AN)  # Cường's wave ends on 25/12: he is not told of this day
    assert len(await inbox(org_db, CUONG)) == 0
    await thu.say("/tocongtac dời")
    assert "Lưu ý: Thứ Bảy, 05/12/2026 là ngày nghỉ" in await thu.say("05/12")
    reply = await thu.press("Vẫn lên lịch ngày này")
    assert "từ Thứ Hai, 28/12/2026 sang Thứ Bảy, 05/12/2026" in reply
    assert "Nguyễn Văn An" in reply and CUONG in reply and XUAN in reply
    [moved] = await inbox(org_db, CUONG)
    assert "sang Thứ Bảy, 05/12/2026" in moved["text"]
    assert "sang Thứ Bảy, 05/12/2026" in (await inbox(org_db, XUAN))[-1]["text"]


async def test_odd_button_payloads_are_stale_not_errors(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "30/11", AN)
    for data in ("wgc:", "wgc:open", "wgc:open:²", "wgc:cancelok:" + "9" * 30, "wgc:move:-1"):
        assert "đã cũ" in await thu.press_data(data), data


async def test_an_outcome_being_typed_for_a_visit_cancelled_meanwhile_is_quoted_back(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    binh.at("2026-11-27 09:00")
    await binh.say("/tocongtac ketqua")
    assert "phát hiện" in await binh.say("Đề án vị trí việc làm")
    thu.at("2026-11-27 09:05")
    await thu.say("/tocongtac hủy")
    await thu.press("Có, hủy chuyến")
    reply = await binh.say("Xã còn thiếu 2 công chức")
    assert "chưa được lưu:\n«Đề án vị trí việc làm\nXã còn thiếu 2 công chức»" in reply
    assert f"đã được {THU} hủy lúc 27/11/2026 09:05" in reply
    assert "đã hủy chuyến" in (await inbox(org_db, BINH))[-1]["text"]
