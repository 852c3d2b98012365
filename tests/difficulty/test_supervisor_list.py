"""Stories of a supervisor's list of difficulties (/dskhokhan): filters, ages, numbers, urgency."""

from __future__ import annotations

from tests.chat import screen
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, MakeChat


async def test_dskhokhan_filters_read_with_diacritics_and_spaces(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an.at("2026-11-23 08:00"), "Khó khăn cũ")
    for words in ("quá hạn", "Quá Hạn", "qua han", "quahan"):
        assert "KK-0001" in await thu.at("2026-11-25 09:00").say(f"/dskhokhan {words}")
    assert "KK-0001" in await thu.say("/dskhokhan mới")
    assert "KK-0001" in await thu.say("/dskhokhan Hòa Vang Tây")
    assert "KK-0001" in await thu.say("/dskhokhan quá hạn xã hoa vang tay")
    assert "KK-0001" in await thu.say("/dskhokhan quản lý công chức, viên chức")
    assert "Không có khó khăn" in await thu.say("/dskhokhan đã trả lời")


async def test_an_unknown_filter_word_is_answered_with_the_valid_filters(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an)
    reply = await thu.say("/dskhokhan quáhạnn")
    assert reply.startswith("Không có bộ lọc «quáhạnn». Lọc được theo: quá hạn; gấp; trạng thái")
    assert "KK-0001" not in reply


async def test_ages_under_an_hour_are_in_minutes(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an.at("2026-11-25 09:00"))
    assert "· dưới 1 phút" in await thu.at("2026-11-25 09:00").say("/dskhokhan")
    reply = await thu.at("2026-11-25 09:20").say("/dskhokhan")
    assert "· 20 phút" in reply and "1 giờ" not in reply
    assert "· 2 giờ" in await thu.at("2026-11-25 11:05").say("/dskhokhan")


async def test_numbered_lists_of_difficulties_show_each_once(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    an = await linked_chat(AN)
    await raise_urgent(an, "Thiếu máy tính")
    await thu.say("/dskhokhan")
    assert screen(thu).count("Thiếu máy tính") == 1
    assert "Người nêu: Nguyễn Văn An" in await thu.say("1")


async def test_raise_new_comes_first_so_its_number_does_not_move(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN, numbered=True, channel="zalo")
    await raise_urgent(an, "Thứ nhất")
    await an.say("/khokhan")
    assert an.buttons[0] == "Nêu khó khăn mới"
    await raise_urgent(an, "Thứ hai")
    await an.say("/khokhan")
    assert an.buttons[0] == "Nêu khó khăn mới" and len(an.buttons) == 3
    assert screen(an).count("Thứ nhất") == 1 and "\n1. Nêu khó khăn mới\n" in screen(an)
    assert "lĩnh vực" in await an.say("1")


async def test_dskhokhan_marks_urgent_difficulties_as_the_digests_do(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an, "Việc gấp về bố trí công chức")
    await an.say("/khokhan Việc thường về hồ sơ")
    await an.press("Quản lý công chức")
    await an.press("Khó khăn")
    assert "KK-0002" in await an.press("Thường")
    listed = await thu.say("/dskhokhan")
    lines = {line.split(" · ")[0]: line for line in listed.splitlines() if "KK-" in line}
    assert lines["KK-0001"].startswith("KK-0001 · GẤP · Mới"), lines
    assert "GẤP" not in lines["KK-0002"], lines
    # The official's own list (/khokhan) reads the same.
    await an.say("/khokhan")
    assert "KK-0001 · GẤP · " in an.text and "KK-0002 · GẤP" not in an.text


async def test_dskhokhan_gap_keeps_the_urgent_ones(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an, "Việc gấp về bố trí công chức")
    await an.say("/khokhan Việc thường về hồ sơ")
    await an.press("Quản lý công chức")
    await an.press("Khó khăn")
    assert "KK-0002" in await an.press("Thường")
    for word in ("gấp", "Gap", "urgent"):
        listed = await thu.say(f"/dskhokhan {word}")
        assert "KK-0001" in listed and "KK-0002" not in listed, listed
    assert "KK-0002" in await thu.say("/dskhokhan")
