"""Stories of people choosing where notifications reach them (/caidat), and the outbox obeying."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels.console import link_console
from bot.orgservice import create_invite
from handlers.router import Router
from storage import Database, channel_prefs, org, outbox, prefs
from storage.org_import import resolve_person
from testing.fakes.zalo_api import FakeZaloAPI
from tests.chat import Chat, local
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.outbox import queued_to
from tests.helpers.sample import AN, LAN, THANH, MakeChat
from tests.helpers.worklog import entries_of
from tests.helpers.zalo import AN_ZALO, ZaloBot, ZaloUser, linked


async def second_channel(router: Router, db: Database, name: str, channel: str) -> Chat:
    """The same person links another channel with a fresh invite code, at 08:00 (earlier)."""
    chat = Chat(router, f"{channel}-{name}", channel=channel, numbered=channel != "telegram")
    chat.at("2026-11-25 08:00")
    invite = await create_invite(db, name, chat.clock, timedelta(days=7))
    await chat.say(f"/start {invite.code}")
    assert "Chào anh/chị" in chat.text, chat.text
    return chat


async def channels_of(db: Database, name: str, words: str) -> list[str]:
    """The channel of every queued message to a person that contains `words`."""
    async with db.read() as tx:
        person_id = await resolve_person(tx, name)
        rows = await tx.all(
            "SELECT channel FROM outbox WHERE person_id = ? AND payload LIKE ? ORDER BY id",
            (person_id, f"%{words}%"),
        )
    return [r["channel"] for r in rows]


async def pin(db: Database, name: str, channel: str | None) -> None:
    """Pin a channel straight in storage (as /caidat does)."""
    async with db.transaction() as tx:
        await channel_prefs.set_preferred_channel(tx, await resolve_person(tx, name), channel)


async def test_enqueue_uses_the_pinned_channel_and_falls_back_to_the_last_used(
    linked_chat: MakeChat, router: Router, org_db: Database
) -> None:
    await second_channel(router, org_db, AN, "zalo")  # Zalo at 08:00
    await linked_chat(AN)  # Telegram at 09:00: used last
    assert await queued_to(org_db, AN) == ("telegram", "pending")

    await pin(org_db, AN, "zalo")
    assert await queued_to(org_db, AN) == ("zalo", "pending")

    # Zalo becomes unreachable (An blocked the bot there): the pin is skipped, nothing is lost.
    async with org_db.transaction() as tx:
        await outbox.mark_chat_unreachable(tx, "zalo", "zalo-" + AN, local("2026-11-25 10:00"))
    assert await queued_to(org_db, AN) == ("telegram", "pending")

    await pin(org_db, AN, None)
    assert await queued_to(org_db, AN) == ("telegram", "pending")


async def test_a_pin_on_a_channel_never_linked_falls_back(
    linked_chat: MakeChat, org_db: Database
) -> None:
    await linked_chat(AN)
    await pin(org_db, AN, "zalo")
    assert await queued_to(org_db, AN) == ("telegram", "pending")


async def test_a_reporter_who_pinned_zalo_hears_the_answer_on_zalo_while_using_telegram(
    linked_chat: MakeChat, router: Router, org_db: Database
) -> None:
    await second_channel(router, org_db, AN, "zalo")
    an = await linked_chat(AN)
    thanh = await linked_chat(THANH)
    reply = await an.say("/caidat")
    assert "kênh anh/chị dùng gần nhất (hiện là Telegram)" in reply
    assert an.buttons == ["Nhận qua Telegram", "Nhận qua Zalo", "Kênh dùng gần nhất"]
    assert await an.press("Nhận qua Zalo") == (
        "Đã lưu: thông báo gửi qua Zalo. Gõ /caidat để đổi lại."
    )

    # An keeps working on Telegram: replies come there, the leader's answer goes to Zalo.
    number = await raise_urgent(an.at("2026-11-25 10:00"))
    await thanh.at("2026-11-25 10:30").press_data(f"k:answer:{number}")
    await thanh.say("Áp dụng Nghị định 33/2023.")
    assert await channels_of(org_db, AN, "Nghị định 33/2023") == ["zalo"]

    # Back to the channel used last: the next answer follows An to Telegram.
    await an.say("/caidat")
    assert "Nhắc nhở, trả lời khó khăn, báo cáo gửi qua Zalo (anh/chị đã chọn)." in an.text
    assert "Đã lưu: thông báo gửi qua kênh anh/chị dùng gần nhất" in await an.press(
        "Kênh dùng gần nhất"
    )
    second = await raise_urgent(an.at("2026-11-25 11:00"), "Xã cần biểu mẫu báo cáo")
    await thanh.at("2026-11-25 11:30").press_data(f"k:answer:{second}")
    await thanh.say("Dùng mẫu số 02.")
    assert await channels_of(org_db, AN, "Dùng mẫu số 02.") == ["telegram"]


async def test_caidat_says_when_the_pinned_channel_cannot_be_reached(
    linked_chat: MakeChat, router: Router, org_db: Database
) -> None:
    await second_channel(router, org_db, AN, "zalo")
    an = await linked_chat(AN)
    await pin(org_db, AN, "zalo")
    async with org_db.transaction() as tx:
        await outbox.mark_chat_unreachable(tx, "zalo", "zalo-" + AN, local("2026-11-25 10:00"))
    reply = await an.say("/caidat")
    assert "bot đang không gửi được qua Zalo nên tạm gửi qua Telegram" in reply


async def test_an_official_with_only_telegram_is_told_how_to_add_zalo(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    reply = await an.say("/caidat")
    assert "Thông báo gửi qua Telegram, kênh duy nhất anh/chị đã liên kết." in reply
    assert "xin quản trị viên mã mời, rồi gửi mã đó cho bot trên Zalo" in reply
    assert an.buttons == []  # nothing to choose: a plain message afterwards is a log entry
    assert "Lưu nội dung này vào nhật ký" in await an.say("Họp giao ban tại xã")


async def test_an_official_on_zalo_picks_by_number(
    linked_chat: MakeChat, router: Router, org_db: Database
) -> None:
    zalo = await linked_chat(AN, numbered=True, channel="zalo")
    only = await zalo.say("/caidat")
    assert "Thông báo gửi qua Zalo, kênh duy nhất" in only
    assert "gửi /start MÃ_MỜI cho bot trên Telegram" in only and "1." not in only

    await second_channel(router, org_db, AN, "telegram")
    menu = await zalo.at("2026-11-25 09:30").say("/caidat")
    assert "Khó khăn thường" not in menu  # an official has no difficulty notices to tune
    assert zalo.buttons == ["Nhận qua Telegram", "Nhận qua Zalo", "Kênh dùng gần nhất"]
    assert "vui lòng trả lời bằng một số từ 1 đến 3" in await zalo.say("7")
    # Text typed at the menu is a new message: offered for the log, not lost.
    assert (await zalo.say("Rà soát hồ sơ")).startswith("Lưu nội dung này vào nhật ký")
    assert (await zalo.say("4")).startswith("Đã bỏ")
    await zalo.say("/caidat")
    assert await zalo.say("1") == "Đã lưu: thông báo gửi qua Telegram. Gõ /caidat để đổi lại."
    async with org_db.read() as tx:
        assert await channel_prefs.preferred_channel(tx, await resolve_person(tx, AN)) == (
            "telegram"
        )


async def test_a_supervisor_on_zalo_sees_both_settings(
    linked_chat: MakeChat, router: Router, org_db: Database
) -> None:
    await second_channel(router, org_db, THU, "telegram")
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    await thu.say("/caidat")
    labels = [c.label for c in thu.last[0].choices]
    assert labels == [
        "Nhận qua Telegram",
        "Nhận qua Zalo",
        "Kênh dùng gần nhất",
        "Khó khăn thường: Nhận ngay",
        "Khó khăn thường: Chỉ trong báo cáo tổng hợp",
    ]
    assert "Khó khăn mức độ thường: Nhận ngay" in thu.text
    assert await thu.say("5") == (
        "Đã lưu: khó khăn mức độ thường chỉ có trong báo cáo tổng hợp; khó khăn gấp vẫn gửi "
        "ngay. Gõ /caidat để đổi lại."
    )
    async with org_db.read() as tx:
        person_id = await resolve_person(tx, THU)
        assert await prefs.notify_mode(tx, person_id) == "digest"
        assert await channel_prefs.preferred_channel(tx, person_id) is None


async def test_a_supervisor_on_telegram_with_one_channel_tunes_difficulty_notices(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    reply = await thu.say("/caidat")
    assert "kênh duy nhất anh/chị đã liên kết" in reply
    assert thu.buttons == [
        "Khó khăn thường: Nhận ngay",
        "Khó khăn thường: Chỉ trong báo cáo tổng hợp",
    ]
    # A forged channel button for a channel Thu never linked is refused; the menu still works.
    instant = thu.button_data("Nhận ngay")
    token = instant.split(":")[0]
    refused = await thu.press_data(f"{token}:pin:zalo")
    assert refused.startswith("Lựa chọn này không có trong danh sách bot vừa đưa ra")
    await thu.press_data(instant)
    async with org_db.read() as tx:
        person_id = await resolve_person(tx, THU)
        assert await prefs.notify_mode(tx, person_id) == "instant"
        assert await channel_prefs.preferred_channel(tx, person_id) is None


async def test_settings_is_in_everyones_help(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    assert "/caidat (hoặc /settings) — chọn kênh nhận thông báo" in await an.say("/trogiup")


async def test_the_answer_reaches_the_pinned_zalo_chat_over_the_zalo_api(
    router: Router, org_db: Database
) -> None:
    async with FakeZaloAPI() as fake:
        bot = ZaloBot(fake, router)
        await bot.start()
        try:
            await linked(bot, org_db, AN, AN_ZALO, "An")  # Zalo handles it at the real time
            # An then works on Telegram: Telegram is the channel he used last.
            later = datetime.now(UTC)
            an = Chat(router, "5001", channel="telegram", clock=later)
            invite = await create_invite(org_db, AN, later, timedelta(days=7))
            await an.say(f"/start {invite.code}")
            thanh = Chat(router, "5002", channel="telegram", clock=later)
            invite = await create_invite(org_db, THANH, later, timedelta(days=7))
            await thanh.say(f"/start {invite.code}")
            assert "(hiện là Telegram)" in await an.say("/caidat")
            await an.press("Nhận qua Zalo")

            number = await raise_urgent(an)
            await thanh.press_data(f"k:answer:{number}")
            await thanh.say("Áp dụng Nghị định 33/2023.")
            told = await ZaloUser(bot, AN_ZALO, "An").receives("Nghị định 33/2023")
            assert "Trương Văn Thành" in told
        finally:
            await bot.stop()


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
