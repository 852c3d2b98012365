"""How the bot speaks (VOICE.md): the help of each role, capitals, one spelling, compact lists."""

from __future__ import annotations

from handlers.core.texts import TEXTS
from storage import Database
from tests.helpers.difficulty import THU
from tests.helpers.sample import AN, THANH, MakeChat
from tests.helpers.study import XDCQ, XUAN, contact, group, register
from tests.helpers.visits import BINH


async def test_an_officials_help_lists_only_what_an_official_can_do(
    linked_chat: MakeChat,
) -> None:
    binh = await linked_chat(BINH)  # a member of working group 1, not its leader
    help_text = await binh.say("/trogiup")
    assert "/tocongtac kết quả" in help_text
    assert "trưởng tổ" not in help_text and "/tocongtac mới" not in help_text
    assert "lãnh đạo" not in help_text and "khó khăn ngay hay chỉ trong báo cáo" not in help_text
    an = await linked_chat(AN)
    help_text = await an.say("/trogiup")
    # Digests are for supervisors; an official's /baocao is their own report.
    assert "/baocao (hoặc /digest)" not in help_text
    assert "/baocao tháng (hoặc /digest month) — dự thảo báo cáo kết quả công tác" in help_text
    thu = await linked_chat(THU)  # leads group 1 and heads two divisions
    help_text = await thu.say("/trogiup")
    assert "/tocongtac mới" in help_text and "khó khăn ngay hay chỉ trong báo cáo" in help_text


async def test_every_choice_starts_with_a_capital(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-12-02 09:00")
    await xuan.say(group(2, "Lò"))
    await xuan.press(XDCQ)
    await xuan.press("Xong")
    assert "tuần nào" in xuan.text
    assert xuan.buttons and all(b[:1].isupper() for b in xuan.buttons), xuan.buttons
    assert any(b.startswith("Tuần ") for b in xuan.buttons), xuan.buttons


def test_ty_le_is_spelled_one_way() -> None:
    assert not [k for k, (vi, _) in TEXTS.items() if "tỉ lệ" in vi.lower()]


async def test_leaderships_study_calendar_is_compact_and_its_hint_names_a_real_request(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-12-05 09:00")  # a Saturday
    await register(xuan, group(2, "Lò"), [XDCQ], "16/12", "Tổ chức bộ máy")
    thanh = await linked_chat(THANH)
    thanh.at("2026-12-05 10:00")
    reply = await thanh.say("/hoctap")
    assert "Tuần 30/11–04/12/2026" not in reply  # this week is over
    assert "Tuần 07/12–11/12/2026: chưa có đoàn (mỗi phòng còn 5 chỗ)" in reply
    assert "Tuần 14/12–18/12/2026:" in reply and "HT-0001 Xã Đèo Gió, 2 người" in reply
    assert "4 phòng khác chưa có đoàn (còn 5 chỗ mỗi phòng)" in reply
    assert "Chưa có đoàn: " not in reply  # no list of every division's name
    assert reply.rstrip().endswith("Gõ /hoctap 1 để xem và xử lý đăng ký HT-0001.")
    thu = await linked_chat(THU)  # a division head sees her divisions by name
    thu.at("2026-12-05 10:00")
    assert "Chưa có đoàn: " in await thu.say("/hoctap")
