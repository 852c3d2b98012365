"""Stories from a second user review: /caidat, /khokhan with its text, the console, bad settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.console import link_console
from bot.cli import main
from handlers.router import Router
from storage import Database, org
from storage.org_import import resolve_person
from tests.chat import Chat
from tests.helpers.cli import VIETNAMESE
from tests.helpers.difficulty import THU, raise_urgent, stored
from tests.helpers.outbox import queued_to
from tests.helpers.sample import AN, LAN, MakeChat
from tests.helpers.worklog import entries_of

# --- /caidat: what an official types at the menu is kept ---


async def test_text_typed_at_caidat_by_an_official_is_offered_for_the_log(
    linked_chat: MakeChat, org_db: Database
) -> None:
    await linked_chat(AN)
    zalo = await linked_chat(AN, numbered=True, channel="zalo")
    await zalo.say("/caidat")
    offered = await zalo.say("Họp với UBND xã về sắp xếp bộ máy")
    assert offered.startswith("Lưu nội dung này vào nhật ký ngày Thứ Tư, 25/11/2026?")
    assert "«Họp với UBND xã về sắp xếp bộ máy»" in offered
    assert (await zalo.say("1")).startswith("Đã ghi nhật ký ngày Thứ Tư, 25/11/2026")
    assert [e.text for e in await entries_of(org_db, AN)] == ["Họp với UBND xã về sắp xếp bộ máy"]


async def test_text_typed_at_caidat_by_a_supervisor_shows_the_choices_again(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    await thu.say("/caidat")
    again = await thu.say("ngay")
    assert again.startswith("Anh/chị vui lòng chọn một mục bên dưới, hoặc /huy để thôi.")
    assert "Khó khăn thường: Nhận ngay" in thu.buttons


async def test_the_difficulty_mode_saved_is_said_in_a_sentence(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    await thu.say("/caidat")
    assert await thu.press("Khó khăn thường: Nhận ngay") == (
        "Đã lưu: khó khăn mức độ thường được gửi ngay cho anh/chị. Gõ /caidat để đổi lại."
    )


# --- /khokhan with the description on the command line ---


async def test_khokhan_with_text_keeps_the_text_as_the_description(
    linked_chat: MakeChat, org_db: Database
) -> None:
    lan = await linked_chat(LAN, numbered=True, channel="zalo")
    asked = await lan.say("/khokhan Xã chưa có hướng dẫn về biên chế")
    assert asked.startswith("Thuộc lĩnh vực nào?")
    await lan.say("2")  # Biên chế, số lượng người làm việc
    await lan.say("1")  # Khó khăn, vướng mắc
    saved = await lan.say("2")  # Gấp
    assert saved.startswith("Đã ghi nhận KK-0001 (Khó khăn, vướng mắc, Gấp).")
    # With one open already, text after /khokhan still raises a new one (not the list).
    await lan.say("/khokhan Xin ý kiến về vị trí việc làm")
    assert lan.text.startswith("Thuộc lĩnh vực nào?")
    assert (await stored(org_db, 1)).description == "Xã chưa có hướng dẫn về biên chế"


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


# --- The console never takes a person's notifications ---


async def test_trying_the_console_as_someone_leaves_their_notifications_on_telegram(
    linked_chat: MakeChat, org_db: Database, router: Router
) -> None:
    await linked_chat(AN)
    async with org_db.read() as tx:
        an = await org.person_by_id(tx, await resolve_person(tx, AN))
        lan = await org.person_by_id(tx, await resolve_person(tx, LAN))
    assert an is not None and lan is not None
    # The operator tries the bot as An (and as Lan, who linked nothing) in the terminal.
    for person in (an, lan):
        await link_console(org_db, person)
        console = Chat(router, f"person-{person.id}", channel="console", numbered=True)
        await console.at("2026-11-25 10:00").say("/trogiup")
    assert await queued_to(org_db, AN) == ("telegram", "pending")
    assert await queued_to(org_db, LAN) == ("", "unreachable")


# --- A bad setting is one Vietnamese line ---


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("BOT_LANGUAGE", "fr", "phải là 'vi' hoặc 'en' (đang đặt 'fr')"),
        ("BOT_INVITE_TTL_DAYS", "0", "phải từ 1 trở lên (đang đặt '0')"),
        ("BOT_INVITE_TTL_DAYS", "bảy", "phải là một số nguyên (đang đặt 'bảy')"),
        ("BOT_REMINDER_FIRST", "25:00", "phải là giờ dạng HH:MM, ví dụ 16:30 (đang đặt '25:00')"),
        ("BOT_TIMEZONE", "Asia/Hanoi", "không có múi giờ 'Asia/Hanoi', ví dụ Asia/Ho_Chi_Minh"),
        ("BOT_PUBLIC_BASE_URL", "bot.example.org", "phải bắt đầu bằng https:// (http:// chỉ"),
        ("BOT_PUBLIC_BASE_URL", "http://bot.example.org/files", "phải bắt đầu bằng https://"),
    ],
)
def test_a_bad_setting_is_said_in_vietnamese(
    setting: str,
    value: str,
    said: str,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(setting, value)
    assert main(["invite", AN]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Lỗi cấu hình ({setting}): ")
    assert said in err and err.count("\n") == 1
    assert "should" not in err and "must" not in err


def test_a_webhook_without_its_secret_is_said_in_vietnamese_and_no_token_is_shown(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "123:secret-token")
    monkeypatch.setenv("ZALO_WEBHOOK_URL", "https://bot.example.org/zalo")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "Lỗi cấu hình (cấu hình): đã đặt ZALO_WEBHOOK_URL thì phải đặt ZALO_WEBHOOK_SECRET\n"
    )
    assert VIETNAMESE.search(err) and "secret-token" not in err
