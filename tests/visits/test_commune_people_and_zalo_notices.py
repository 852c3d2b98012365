"""Stories from trying working-group visits on a phone: Zalo notices about follow-up items, the
help line, and the commune's people (its seconded official and its contact) following a visit
to their commune and the items the commune owns."""

from __future__ import annotations

from typing import Any

from bot.channels.zalo import zalo_texts
from handlers.core.messages import Choice, Kind, Reply
from storage import Database, study
from storage.org_import import resolve_person
from tests.chat import Chat
from tests.helpers.difficulty import THU, button, inbox
from tests.helpers.sample import AN, MakeChat
from tests.helpers.visits import BINH, CUONG, plan, record_outcome, tick

XUAN = "Đinh Văn Xuân"  # commune contact (commune_official)
YEN = "Triệu Thị Yến"  # commune contact (commune_official)


def as_zalo(message: dict[str, Any]) -> str:
    """A queued message as the Zalo channel sends it."""
    choices = tuple(Choice(label, value) for label, value in message["choices"])
    reply = Reply(message["text"], choices, choice_data=tuple(message["choice_data"]))
    return "\n".join(zalo_texts(reply, "vi"))


async def speaks_for(db: Database, name: str, commune: str) -> None:
    """Record the commune a contact speaks for (as their first /hoctap does)."""
    async with db.transaction() as tx:
        await study.set_contact_commune(tx, await resolve_person(tx, name), commune)


async def visit_with_outcome(thu: Chat, binh: Chat) -> str:
    """Thu plans Xã Đèo Gió on Friday 27/11 with Bình; Bình records three items that day."""
    thu.at("2026-11-25 09:00")
    await plan(thu, "27/11", BINH)
    binh.at("2026-11-27 16:00")
    return await record_outcome(binh)


async def test_follow_up_notices_on_zalo_name_the_command_instead_of_dead_numbers(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    cuong = await linked_chat(CUONG, numbered=True, channel="zalo")
    assert "Đã ghi kết quả" in await visit_with_outcome(thu, binh)
    [first, *_] = [m for m in await inbox(org_db, CUONG) if m["key"].startswith("tct:")]
    text = as_zalo(first)
    # A later "1" would not reach these buttons: the notice says what to type instead.
    assert "Gõ /tocongtac TCT-0001 để xem, cập nhật tiến độ hoặc báo đã xong." in text
    assert "1. Cập nhật tiến độ" not in text and "Trả lời bằng số" not in text

    # Doing what it says works by number on Zalo.
    cuong.at("2026-11-30 09:00")
    assert "Trạng thái: Đang mở" in await cuong.say("/tocongtac TCT-0001")
    assert "Tiến độ việc TCT-0001" in await cuong.say("1")
    assert "Đã ghi tiến độ TCT-0001" in await cuong.say("Xã đã lập dự thảo")
    # The leader's notice of that progress, read on Zalo, names the command too.
    [news] = [m for m in await inbox(org_db, THU) if m["key"].startswith("tct:1:prog")]
    assert "Gõ /tocongtac TCT-0001" in as_zalo(news) and "1. Xem việc" not in as_zalo(news)


async def test_help_names_the_commands_as_people_type_them(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    reply = await thu.say("/trogiup")
    assert "/tocongtac mới để lên lịch" in reply and "/tocongtac kết quả" in reply
    assert "ketqua" not in reply and "/tocongtac TCT-0001" in reply
    # What the help says works, with its diacritics.
    thu.at("2026-11-25 09:00")
    await plan(thu, "27/11", BINH)
    binh.at("2026-11-27 16:00")
    assert "Đoàn đã rà soát" in await binh.say("/tocongtac kết quả")


async def test_the_commune_official_told_of_a_visit_finds_it_under_tocongtac(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    cuong = await linked_chat(CUONG)  # assigned to Xã Đèo Gió, in no working group
    thu.at("2026-11-25 09:00")
    await plan(thu, "27/11", AN)
    assert [m["key"] for m in await inbox(org_db, CUONG)] == ["wg:1:new:3"]
    cuong.at("2026-11-25 10:00")
    reply = await cuong.say("/tocongtac")
    assert "chưa thuộc tổ công tác" not in reply
    assert "Tổ công tác đến xã của anh/chị (1):" in reply
    assert "Thứ Sáu, 27/11/2026 — Tổ công tác số 1 đến Xã Đèo Gió" in reply
    assert "Nguyễn Văn An" in reply
    assert cuong.buttons == []  # he plans nothing
    help_text = await cuong.say("/trogiup")
    assert "/tocongtac (hoặc /visit) — lịch tổ công tác đến xã và việc cần theo dõi" in help_text
    assert "trưởng tổ gõ" not in help_text
    # The day after the visit it is no longer upcoming.
    assert "chưa thuộc tổ công tác" in await cuong.at("2026-11-28 09:00").say("/tocongtac")


async def test_the_commune_contact_hosts_the_visit_and_follows_the_communes_items(
    linked_chat: MakeChat, org_db: Database
) -> None:
    await speaks_for(org_db, XUAN, "XA03")  # Xã Đèo Gió
    await speaks_for(org_db, YEN, "XA01")  # another commune
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    xuan = await linked_chat(XUAN)
    yen = await linked_chat(YEN)
    thu.at("2026-11-25 09:00")
    await plan(thu, "27/11", BINH)
    # Xuân, who receives the group for the UBND, is told of the visit and reminded.
    [planned] = await inbox(org_db, XUAN)
    assert "đến Xã Đèo Gió ngày Thứ Sáu, 27/11/2026" in planned["text"]
    assert await tick(org_db, "2026-11-26 15:00") == 4  # Bình, Thu, Cường, Xuân
    assert [m["key"] for m in await inbox(org_db, XUAN)][-1].startswith("wgrem:")
    assert await inbox(org_db, YEN) == []
    xuan.at("2026-11-26 09:00")
    assert "Tổ công tác đến xã của anh/chị (1)" in await xuan.say("/tocongtac")

    # The outcome: TCT-0001 is the commune's (UBND), TCT-0002 a division's, TCT-0003 Cường's.
    binh.at("2026-11-27 16:00")
    reply = await record_outcome(binh)
    assert "Đinh Văn Xuân" in reply  # told
    notices = [m for m in await inbox(org_db, XUAN) if m["key"].startswith("tct:")]
    assert [n["key"] for n in notices] == [f"tct:1:new:{notices[0]['key'].split(':')[-1]}"]
    assert "Giao: UBND Xã Đèo Gió" in notices[0]["text"]

    # Xuân sees and updates the commune's item, and only that one.
    xuan.at("2026-11-30 09:00")
    reply = await xuan.say("/tocongtac")
    assert "TCT-0001" in reply and "TCT-0002" not in reply and "TCT-0003" not in reply
    await xuan.press_data(button(notices[0], "Cập nhật tiến độ"))
    assert "Đã ghi tiến độ TCT-0001. Đã báo: Cao Thị Thu" in await xuan.say(
        "UBND xã đã giao văn phòng xây dựng đề án"
    )
    assert "Không có việc TCT-0002" in await xuan.say("/tocongtac TCT-0002")
    assert "không có quyền cập nhật việc TCT-0003" in await xuan.press_data("tct:done:3")
    # The contact of another commune sees nothing of it.
    yen.at("2026-11-30 09:00")
    assert "Không có việc TCT-0001" in await yen.say("/tocongtac TCT-0001")
    assert "không có quyền cập nhật việc TCT-0001" in await yen.press_data("tct:done:1")
    assert "chưa thuộc tổ công tác" in await yen.say("/tocongtac")
    assert "Đã đánh dấu xong TCT-0001" in await xuan.press_data(button(notices[0], "Đã xong"))


async def test_a_commune_name_typed_in_part_that_fits_two_communes_is_asked_not_guessed(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    thu.at("2026-11-25 09:00")
    # Xã Trà Lĩnh Thượng and Xã Khe Tre Thượng are both group 1's.
    reply = await thu.say("/tocongtac thuong")
    assert "«thuong» có trong tên của nhiều xã; anh/chị chọn một xã bên dưới." in reply
    assert "ngày nào" not in reply
    assert "Tổ đến Xã Khe Tre Thượng ngày nào?" in await thu.say("6")
    await thu.say("/huy")
    # A part that fits one commune still goes straight on, without diacritics too.
    assert "Tổ đến Xã Trà Lĩnh Thượng ngày nào?" in await thu.say("/tocongtac tra linh")


async def test_photos_sent_with_a_progress_note_are_kept_with_it(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    cuong = await linked_chat(CUONG)
    await visit_with_outcome(thu, binh)
    cuong.at("2026-11-30 09:00")
    await cuong.say("/tocongtac TCT-0001")
    await cuong.press("Cập nhật tiến độ")
    # A sticker is refused without losing the step; a photo alone waits for the words.
    assert "nhãn dán" in await cuong.send_kind(Kind.STICKER)
    assert "Đã nhận 1 ảnh/tệp. Anh/chị gõ vài dòng tiến độ" in await cuong.photo(file_id="p-1")
    reply = await cuong.photo("Biên bản họp xã về đề án vị trí việc làm", file_id="p-2")
    assert "Đã ghi tiến độ TCT-0001 (kèm 2 ảnh/tệp). Đã báo: Cao Thị Thu" in reply
    async with org_db.read() as tx:
        kept = await tx.all(
            "SELECT a.file_id FROM attachments a JOIN wg_followup_notes n ON n.id = a.owner_id "
            "WHERE a.owner_kind = 'wg_followup_note' AND n.followup_id = 1 ORDER BY a.id"
        )
    assert [r[0] for r in kept] == ["p-1", "p-2"]
    card = await cuong.say("/tocongtac TCT-0001")
    assert "Lê Hoàng Cường: Biên bản họp xã về đề án vị trí việc làm (kèm 2 ảnh/tệp)" in card
    [news] = [m for m in await inbox(org_db, THU) if m["key"].startswith("tct:1:prog")]
    assert "Biên bản họp xã về đề án vị trí việc làm (kèm 2 ảnh/tệp)" in news["text"]
    # A plain note still reads as before.
    await cuong.press("Cập nhật tiến độ")
    assert "Đã ghi tiến độ TCT-0001. Đã báo" in await cuong.say("Đã gửi dự thảo")


async def test_photos_of_the_minutes_sent_while_recording_an_outcome_are_kept(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    thu.at("2026-11-25 09:00")
    await plan(thu, "27/11", BINH)
    binh.at("2026-11-27 16:00")
    await binh.say("/tocongtac kết quả")
    # A photo alone is kept and the question comes again; a caption answers it.
    reply = await binh.photo(file_id="minutes-1")
    assert "Đã nhận 1 ảnh/tệp; sẽ lưu kèm kết quả." in reply and "Đoàn đã rà soát" in reply
    reply = await binh.photo("Đề án vị trí việc làm của xã", file_id="minutes-2")
    assert "Đã nhận 2 ảnh/tệp" in reply and "phát hiện" in reply
    await binh.say("Thiếu 2 công chức địa chính")
    await binh.say("UBND xã bổ sung hồ sơ")
    await binh.press("UBND Xã Đèo Gió")
    assert "Đã nhận 3 ảnh/tệp" in await binh.photo(file_id="minutes-3")  # at the due date
    assert "Hạn hoàn thành" in binh.text
    await binh.say("04/12")
    reply = await binh.press("Xong, lưu kết quả")
    assert "Việc cần theo dõi: 1. Kèm 3 ảnh/tệp." in reply
    async with org_db.read() as tx:
        visit = await tx.one(
            "SELECT reviewed, findings FROM wg_visits WHERE id = 1",
        )
        kept = await tx.all(
            "SELECT file_id FROM attachments WHERE owner_kind = 'wg_visit_outcome' "
            "AND owner_id = 1 ORDER BY id"
        )
    assert visit is not None and visit["reviewed"] == "Đề án vị trí việc làm của xã"
    assert visit["findings"] == "Thiếu 2 công chức địa chính"
    assert [r[0] for r in kept] == ["minutes-1", "minutes-2", "minutes-3"]
