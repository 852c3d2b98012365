"""Days as people name them, in every place of the chat that takes a date."""

from __future__ import annotations

from datetime import date

from handlers.study.parse import parse_weeks
from storage import Database
from tests.helpers.cli import query
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, THANH, MakeChat
from tests.helpers.study import XDCQ, XUAN, contact, group, register


async def test_yesterday_alone_starts_a_late_entry_and_the_next_text_is_its_content(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    an.at("2026-12-05 04:08")  # a Saturday, early
    reply = await an.say("hôm qua")
    assert "Nội dung đang trống" not in reply
    assert "Thứ Sáu, 04/12/2026" in reply and "tin nhắn tiếp theo" in reply
    assert "Đã hủy" in await an.say("/huy")  # something was going on
    await an.say("hôm qua")
    reply = await an.say("Họp với UBND xã về hồ sơ đất đai")
    assert "nhật ký ngày Thứ Sáu, 04/12/2026" in reply
    reply = await an.press("Lưu")
    assert "Đã ghi nhật ký cho Thứ Sáu, 04/12/2026 (gửi Thứ Bảy, 05/12 lúc 04:08)" in reply
    assert query(org_db.path, "SELECT work_date, text FROM work_logs") == [
        ("2026-12-04", "Họp với UBND xã về hồ sơ đất đai")
    ]


async def test_a_date_or_a_weekday_alone_starts_a_late_entry_for_that_day(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    an.at("2026-12-05 10:00")
    assert "Thứ Tư, 02/12/2026" in await an.say("02/12")
    assert "nhật ký ngày Thứ Tư, 02/12/2026" in await an.say("Tập huấn")
    await an.press("Không lưu")
    assert "Thứ Năm, 03/12/2026" in await an.say("hôm kia")
    await an.say("/huy")
    assert "Thứ Hai, 30/11/2026" in await an.say("thu 2")
    await an.say("/huy")
    reply = await an.say("t6 họp dân")
    assert "nhật ký ngày Thứ Sáu, 04/12/2026" in reply and "«họp dân»" in reply
    await an.press("Không lưu")
    reply = await an.say("chiều qua họp dân")
    assert "nhật ký ngày Thứ Sáu, 04/12/2026" in reply and "«Chiều qua họp dân»" in reply
    await an.press("Không lưu")
    # Same-day entries keep the short confirmation.
    await an.say("Sáng nay tiếp dân")
    assert "Đã ghi nhật ký ngày Thứ Bảy, 05/12/2026 (gửi lúc 10:00)" in await an.press("Lưu")
    assert query(org_db.path, "SELECT text FROM work_logs") == [("Sáng nay tiếp dân",)]


async def test_a_plain_text_that_starts_with_tomorrow_or_a_name_is_todays_note(
    linked_chat: MakeChat,
) -> None:
    an = await linked_chat(AN)
    an.at("2026-12-02 10:00")
    reply = await an.say("Mai tiếp tục rà soát hồ sơ")
    assert "nhật ký ngày Thứ Tư, 02/12/2026" in reply
    assert "«Mai tiếp tục rà soát hồ sơ»" in reply


async def test_leave_takes_weekdays_looking_ahead(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    an.at("2026-12-02 10:00")  # a Wednesday
    reply = await an.say("/nghi thứ 2 thứ 6 Việc gia đình")
    assert "Thứ Hai, 07/12/2026" in reply and "Thứ Sáu, 11/12/2026" in reply, reply
    assert "5 ngày làm việc" in reply


async def test_planning_a_visit_takes_today_and_shows_an_example_still_to_come(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    thu.at("2026-12-02 09:00")  # a Wednesday
    await thu.say("/tocongtac moi")
    await thu.press("Xã Đèo Gió")
    assert "ví dụ 03/12" in thu.text and "01/12" not in thu.text
    reply = await thu.say("hôm nay")
    assert "Thành viên nào đi?" in reply and "Thứ Tư, 02/12/2026" in reply
    await thu.say("/huy")
    await thu.say("/tocongtac moi")
    await thu.press("Xã Đèo Gió")
    assert "Thứ Sáu, 04/12/2026" in await thu.say("thứ 6")
    await thu.say("/huy")
    await thu.say("/tocongtac moi")
    await thu.press("Xã Đèo Gió")
    assert "ví dụ 03/12" in await thu.say("khi nào rảnh")


async def test_digest_and_export_take_the_same_words(linked_chat: MakeChat) -> None:
    thanh = await linked_chat(THANH)
    thanh.at("2026-12-05 09:00")
    assert "Báo cáo tổng hợp ngày Thứ Năm, 03/12/2026" in await thanh.say("/baocao hôm kia")
    assert "Báo cáo tổng hợp ngày Thứ Hai, 30/11/2026" in await thanh.say("/baocao thứ 2")
    reply = await thanh.say("/xuat thứ 2 hôm qua")
    assert "30/11/2026–04/12/2026" in reply, reply


def test_study_weeks_take_weekdays_and_dates() -> None:
    wednesday = date(2026, 12, 2)
    assert parse_weeks("thứ 2", wednesday) == [date(2026, 12, 7)]
    assert parse_weeks("tuần sau hoặc 21/12", wednesday) == [date(2026, 12, 7), date(2026, 12, 21)]
    assert parse_weeks("31/12, 30/02", wednesday) == "invalid"


async def test_a_past_days_digest_lists_only_difficulties_that_existed_then(
    linked_chat: MakeChat,
) -> None:
    thanh = await linked_chat(THANH)
    an = await linked_chat(AN)
    await raise_urgent(an.at("2026-11-24 10:00"))  # Tuesday: existed at the end of Tuesday
    await raise_urgent(an.at("2026-11-25 08:30"), "Chưa có mẫu biên bản bàn giao")  # Wednesday
    thanh.at("2026-11-25 09:00")
    yesterday = await thanh.say("/baocao hôm qua")
    assert "KK-0001" in yesterday and "KK-0002" not in yesterday
    assert "dưới 1 phút" not in yesterday
    today = await thanh.say("/baocao")
    assert "KK-0001" in today and "KK-0002" in today


async def test_a_study_request_takes_a_weekday_for_its_week(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-12-02 09:00")  # a Wednesday
    reply = await register(xuan, group(2, "Lò"), [XDCQ], "thứ 2", "Tổ chức bộ máy")
    assert f"{XDCQ}: tuần 07/12–11/12/2026, chờ phòng xác nhận" in reply
