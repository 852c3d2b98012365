"""Stories of officials on Telegram: the real python-telegram-bot against a local fake Bot API.

Every test runs our `build_application` + `TelegramChannel` with `TelegramPolling` (or
`TelegramWebhook`) over real HTTP to `FakeTelegramAPI`, on a real SQLite file.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.channels.telegram import TelegramChannel, build_application
from bot.http.server import Address, HttpServer
from bot.http.webhooks import TELEGRAM_SECRET_HEADER as SECRET_HEADER
from bot.http.webhooks import TelegramWebhook
from handlers.router import Router
from storage import Database, audit, conversation, org, updates
from storage.db import POSTGRESQL
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import local
from tests.helpers.sample import AN, LONG
from tests.helpers.telegram import (
    MORNING,
    TOKEN,
    BotMessage,
    JSONDict,
    Official,
    PollingBot,
    entries_of,
    invite_code,
    linked_official,
    messages_in,
    unix,
    until,
)

pytestmark = [
    # Run on SQLite and on PostgreSQL (tests/conftest.py).
    pytest.mark.both_backends,
    # PTB 22.2+ warns inside RetryAfter itself that retry_after will become a timedelta.
    pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning"),
]

AN_USER = 5001
LONG_USER = 5002
STRANGER_USER = 5099
WEBHOOK_URL = "https://bot.example.org/tg"
WEBHOOK_SECRET = "s3cret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    """The local fake of the Telegram Bot API."""
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeTelegramAPI, router: Router) -> AsyncIterator[PollingBot]:
    """The running bot, polling the fake, on the sample organisation."""
    running = PollingBot(fake, router)
    await running.start()
    yield running
    await running.stop()


def saved_quote(message: BotMessage) -> str:
    """The start of the entry quoted in a "Đã ghi nhật ký ngày …: «…»" confirmation."""
    assert message.text.startswith("Đã ghi nhật ký ngày "), message.text
    return message.text.split("«", 1)[1].split("»", 1)[0].removesuffix(" …")


# ----------------------------------------------------------------------------- polling


async def test_official_links_account_and_saves_an_offered_entry(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    an = Official(bot, AN_USER, "An")
    [greeting] = await an.says(f"/start {await invite_code(org_db, AN)}")
    assert greeting.text.startswith("Chào anh/chị An! Tài khoản Telegram đã được liên kết")
    assert "Xã Hòa Vang Tây" in greeting.text and "/nhatky" in greeting.text

    [offer] = await an.says("Họp với UBND xã Hòa Vang Tây về sắp xếp bộ máy sau sáp nhập")
    assert offer.text.startswith("Lưu nội dung này vào nhật ký ngày Thứ Tư, 25/11/2026?")
    assert "Họp với UBND xã Hòa Vang Tây" in offer.text
    assert {"Lưu", "Chọn lĩnh vực", "Không lưu"} <= set(offer.buttons)
    assert await entries_of(org_db, AN) == []  # nothing is saved before the person agrees

    press = an.press_update("Lưu", offer)
    [confirmation] = await an.sends(press)
    quote = saved_quote(confirmation)
    assert "Thứ Tư, 25/11/2026" in confirmation.text and "Xã Hòa Vang Tây" in confirmation.text
    [entry] = await entries_of(org_db, AN)
    assert entry.text.startswith(quote)
    assert entry.text == "Họp với UBND xã Hòa Vang Tây về sắp xếp bộ máy sau sáp nhập"
    assert entry.work_date.isoformat() == "2026-11-25" and entry.commune_code == "XA01"

    # The spinner stopped and the buttons left the pressed message, so it cannot be saved twice.
    [answered] = fake.calls_of("answerCallbackQuery")
    assert answered.params["callback_query_id"] == press["callback_query"]["id"]
    [edit] = fake.calls_of("editMessageReplyMarkup")
    assert edit.ok and edit.params["message_id"] == offer.message_id
    assert edit.response is not None and "reply_markup" not in edit.response["result"]


async def test_command_menu_is_registered_in_vietnamese_and_english(
    bot: PollingBot, fake: FakeTelegramAPI
) -> None:
    menus = {
        c.params.get("language_code", "vi"): c.params["commands"]
        for c in fake.calls_of("setMyCommands")
    }
    assert {"command": "nhatky", "description": "Ghi nhật ký công tác"} in menus["vi"]
    assert {"command": "trogiup", "description": "Hướng dẫn sử dụng"} in menus["vi"]
    assert {"command": "nhatky", "description": "Log today's work"} in menus["en"]


async def test_late_evening_message_is_logged_for_the_day_it_was_written(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    an = await linked_official(bot, org_db, AN, AN_USER, "An")
    # Written at 23:55 on Tuesday 24/11 with weak signal; Telegram delivers it now, much later.
    [offer] = await an.says(
        "Tổng hợp báo cáo tuần gửi phòng Xây dựng chính quyền", "2026-11-24 23:55"
    )
    assert "nhật ký ngày Thứ Ba, 24/11/2026?" in offer.text
    [confirmation] = await an.presses("Lưu", offer)
    assert "ngày Thứ Ba, 24/11/2026" in confirmation.text
    [entry] = await entries_of(org_db, AN)
    assert entry.work_date.isoformat() == "2026-11-24"
    assert entry.sent_at == local("2026-11-24 23:55")


async def test_update_delivered_twice_is_stored_and_answered_once(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    an = await linked_official(bot, org_db, AN, AN_USER, "An")
    chat_before = len(messages_in(fake, AN_USER))

    # Telegram sends the same message and the same button press twice (same update_id).
    text = fake.text_message(AN_USER, "Dự họp giao ban UBND xã", date=unix(MORNING))
    text_id = fake.enqueue_update(text)
    fake.enqueue_update({**text, "update_id": text_id})
    await until(lambda: fake.confirmed_offset > text_id)
    [offer] = messages_in(fake, AN_USER)[chat_before:]

    press = an.press_update("Lưu", offer)
    press_id = fake.enqueue_update(press)
    fake.enqueue_update({**press, "update_id": press_id})
    await until(lambda: fake.confirmed_offset > press_id)
    # The replies follow the confirmation in the background.
    assert bot.channel is not None
    await bot.channel.drain()

    delivered = [
        u["update_id"]
        for c in fake.calls_of("getUpdates")
        if c.response is not None
        for u in c.response["result"]
    ]
    assert delivered.count(text_id) == 2 and delivered.count(press_id) == 2
    # Replies go out after the batch is confirmed: wait for the confirmation to arrive.
    await until(lambda: len(messages_in(fake, AN_USER)) >= chat_before + 2)
    # One offer and one confirmation: no second offer, no "Lựa chọn này đã cũ".
    [again_offer, confirmation] = messages_in(fake, AN_USER)[chat_before:]
    assert again_offer == offer
    [entry] = await entries_of(org_db, AN)
    assert (
        entry.text.startswith(saved_quote(confirmation)) and entry.text == "Dự họp giao ban UBND xã"
    )


async def test_handled_updates_are_confirmed_so_a_restart_does_not_handle_them_again(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    an = await linked_official(bot, org_db, AN, AN_USER, "An")
    [offer] = await an.says("Kiểm tra hồ sơ công chức cấp xã")
    await an.presses("Lưu", offer)
    assert fake.pending_updates() == []
    assert fake.confirmed_offset == bot.last_update_id + 1
    sent_before = len(fake.sent_messages)

    # The bot restarts: the new process asks Telegram for updates from scratch.
    await bot.stop()
    await bot.start()
    [help_text] = await an.says("/trogiup")
    assert "Anh/chị có thể dùng các lệnh sau" in help_text.text
    assert len(fake.sent_messages) == sent_before + 1  # nothing old answered again
    assert len(await entries_of(org_db, AN)) == 1


async def test_a_batch_of_many_chats_is_decided_at_once_and_in_order_within_each_chat(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Bùi Thị Lan")
    people = [
        await linked_official(bot, org_db, name, 5100 + n, name.split()[-1])
        for n, name in enumerate(names)
    ]
    running = peak = 0
    run = org_db.run

    async def counted(*args: Any, **options: Any) -> Any:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            return await run(*args, **options)
        finally:
            running -= 1

    monkeypatch.setattr(org_db, "run", counted)
    before = {p.user_id: len(messages_in(fake, p.user_id)) for p in people}
    # One getUpdates answer: two messages of every chat, interleaved; the second joins the
    # first's offer, so each chat's replies show the order its messages were decided in.
    last = 0
    for part in ("Họp giao ban", "Rà soát hồ sơ"):
        for person in people:
            text = fake.text_message(
                person.user_id, f"{part} {person.first_name}", date=unix(MORNING)
            )
            last = fake.enqueue_update(text)
    await until(lambda: fake.confirmed_offset > last)
    assert bot.channel is not None
    await bot.channel.drain()
    for person in people:
        first, second = messages_in(fake, person.user_id)[before[person.user_id] :]
        assert f"Họp giao ban {person.first_name}" in first.text, first.text
        assert "Đã gộp tin nhắn này" in second.text, second.text
        async with org_db.read() as tx:
            draft = (await conversation.load_state(tx, "telegram", str(person.user_id))).data
        assert draft["text"].splitlines() == [
            f"Họp giao ban {person.first_name}",
            f"Rà soát hồ sơ {person.first_name}",
        ]
    # Decided a few at once on PostgreSQL; SQLite's one writer takes them one by one.
    assert peak > 1 if org_db.dialect == POSTGRESQL else peak == 1


async def test_unregistered_person_is_asked_to_register_and_can_share_own_phone(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    stranger = Official(bot, STRANGER_USER, "Khách")
    [answer] = await stranger.says("Chào bot, tôi muốn ghi nhật ký")
    assert "chưa đăng ký sử dụng bot của Sở Nội vụ" in answer.text
    assert answer.markup is not None
    [[button]] = answer.markup["keyboard"]
    assert button == {"text": "Chia sẻ số điện thoại", "request_contact": True}
    async with org_db.read() as tx:
        assert await org.identity_person_id(tx, "telegram", str(STRANGER_USER)) is None
        assert (await conversation.load_state(tx, "telegram", str(STRANGER_USER))).flow is None
        seen = await updates.processed_update(tx, f"telegram:{bot.last_update_id}")
        assert seen is None  # not even the update key of an unknown person is kept
        [line] = await audit.audit_lines(tx, "unregistered_message")
    assert line[2] == f"telegram:{STRANGER_USER}"
    assert "Chào bot" not in " ".join(line)  # the audit keeps who, not what they wrote

    # A colleague's number (someone else's contact card) is refused.
    colleague = fake.contact(STRANGER_USER, "+84900000002", contact_user_id=777)
    [refusal] = await stranger.sends(colleague)
    assert "chia sẻ số điện thoại của chính mình" in refusal.text
    async with org_db.read() as tx:
        assert await org.identity_person_id(tx, "telegram", str(STRANGER_USER)) is None

    # Their own number, which the department has on its list for Nguyễn Văn An.
    [welcome] = await stranger.sends(fake.contact(STRANGER_USER, "+84900000001", first_name="An"))
    assert welcome.text.startswith("Chào anh/chị An! Tài khoản Telegram đã được liên kết")
    assert welcome.markup == {"remove_keyboard": True}
    async with org_db.read() as tx:
        linked = await org.person_by_identity(tx, "telegram", str(STRANGER_USER))
    assert linked is not None and linked.full_name == AN


async def test_reply_arrives_after_telegram_asks_to_slow_down(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    an = await linked_official(bot, org_db, AN, AN_USER, "An")
    fake.fail_next("sendMessage", status=429, retry_after=1)
    [offer] = await an.says("Hướng dẫn xã lập danh sách công chức")
    assert {"Lưu", "Chọn lĩnh vực", "Không lưu"} <= set(offer.buttons)
    refused, accepted = fake.calls_of("sendMessage")[-2:]
    assert refused.status == 429 and accepted.ok
    assert accepted.at - refused.at >= 1.0  # retry_after was honoured
    assert fake.too_many_requests == 1


async def test_bot_keeps_running_when_telegram_fails_to_send(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    an = await linked_official(bot, org_db, AN, AN_USER, "An")
    fake.fail_next("sendMessage", status=500)
    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram"):
        assert await an.says("Rà soát thủ tục hành chính tại xã") == []
    assert any("reply not sent" in r.getMessage() for r in caplog.records)
    # The offer was not lost: it waits in the outbox, whose sender retries it.
    async with org_db.read() as tx:
        waiting = await tx.all("SELECT key, payload FROM outbox WHERE key LIKE 'reply:telegram:%'")
    assert len(waiting) == 1 and "Lưu nội dung này" in waiting[0]["payload"]

    # Still polling: the next message is answered as usual, joined to the offer still open.
    [offer] = await an.says("Rà soát thủ tục hành chính tại xã, lần 2")
    [confirmation] = await an.presses("Lưu", offer)
    [entry] = await entries_of(org_db, AN)
    assert entry.text.startswith(saved_quote(confirmation))
    assert (
        entry.text == "Rà soát thủ tục hành chính tại xã\nRà soát thủ tục hành chính tại xã, lần 2"
    )


async def test_sticker_voice_and_location_get_a_polite_answer_and_nothing_is_stored(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    long = await linked_official(bot, org_db, LONG, LONG_USER, "Long")
    for update, what in [
        (fake.sticker(LONG_USER), "nhãn dán (sticker)"),
        (fake.voice(LONG_USER), "tin nhắn thoại"),
        (fake.location(LONG_USER), "vị trí"),
    ]:
        [answer] = await long.sends(update)
        assert answer.text == f"Bot chưa đọc được {what}. Anh/chị vui lòng gõ nội dung bằng chữ."
        assert answer.markup is None
    assert await entries_of(org_db, LONG) == []
    async with org_db.read() as tx:
        assert (await conversation.load_state(tx, "telegram", str(LONG_USER))).flow is None


async def test_a_very_long_entry_is_saved_whole(
    bot: PollingBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    an = await linked_official(bot, org_db, AN, AN_USER, "An")
    sentence = "Hướng dẫn UBND xã rà soát hồ sơ, đề án vị trí việc làm và biên chế năm 2027. "
    long_text = (sentence * 60)[:3999] + "."
    assert len(long_text) == 4000 and unicodedata.is_normalized("NFC", long_text)

    [offer] = await an.says(long_text)
    assert len(offer.text) < 500 and offer.text.rstrip("»").endswith("…")
    [confirmation] = await an.presses("Lưu", offer)
    [entry] = await entries_of(org_db, AN)
    assert entry.text == long_text and len(entry.text) == 4000
    assert entry.text.startswith(saved_quote(confirmation))
    assert all(len(m["text"]) <= 4096 for m in fake.sent_messages)


# ----------------------------------------------------------------------------- webhook


@dataclass
class WebhookBot:
    """The bot in webhook mode and an HTTP client standing in for Telegram's servers."""

    fake: FakeTelegramAPI
    address: str
    http: aiohttp.ClientSession
    channel: TelegramChannel

    async def push(
        self, update: JSONDict, secret: str | None = WEBHOOK_SECRET
    ) -> tuple[int, list[BotMessage]]:
        """POST an update as Telegram does; the HTTP status and what the bot sent meanwhile."""
        headers = {} if secret is None else {SECRET_HEADER: secret}
        before = len(self.fake.sent_messages)
        async with self.http.post(self.address, json=update, headers=headers) as response:
            status = response.status
        await self.channel.drain()
        sent = [BotMessage.of(c) for c in self.fake.calls_of("sendMessage") if c.ok]
        return status, sent[before:]


@pytest.fixture
async def webhook_bot(fake: FakeTelegramAPI, router: Router) -> AsyncIterator[WebhookBot]:
    """The bot's HTTP server on 127.0.0.1 serving Telegram's webhook at /tg, secret "s3cret"."""
    server = HttpServer(Address("127.0.0.1", 0))
    channel = TelegramChannel(build_application(TOKEN, fake.base_url), router, "vi")
    webhook = TelegramWebhook(channel, url=WEBHOOK_URL, secret=WEBHOOK_SECRET, path="/tg")
    server.add_routes(webhook.routes())
    await server.start()
    await channel.start()
    await webhook.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield WebhookBot(fake, f"http://127.0.0.1:{server.bound_port}/tg", http, channel)
    finally:
        await webhook.stop()
        await channel.stop()
        await server.stop()


async def test_webhook_story(
    webhook_bot: WebhookBot, fake: FakeTelegramAPI, org_db: Database
) -> None:
    [registered] = fake.calls_of("setWebhook")
    assert registered.params["url"] == WEBHOOK_URL
    assert registered.params["secret_token"] == WEBHOOK_SECRET
    assert fake.webhook_url == WEBHOOK_URL

    code = await invite_code(org_db, AN)
    start = fake.command(AN_USER, f"/start {code}", date=unix(MORNING), first_name="An")
    status, [greeting] = await webhook_bot.push({**start, "update_id": 1})
    assert status == 200 and greeting.text.startswith("Chào anh/chị An!")

    # The 200 comes only after the update is handled and committed; the offer follows.
    text = fake.text_message(AN_USER, "Làm việc với Chủ tịch UBND xã", date=unix(MORNING))
    status, [offer] = await webhook_bot.push({**text, "update_id": 2})
    assert status == 200 and {"Lưu", "Chọn lĩnh vực", "Không lưu"} <= set(offer.buttons)
    press = fake.callback(AN_USER, offer.button_data("Lưu"), message_id=offer.message_id)
    status, [confirmation] = await webhook_bot.push({**press, "update_id": 3})
    assert status == 200
    [entry] = await entries_of(org_db, AN)
    assert (
        entry.text.startswith(saved_quote(confirmation))
        and entry.text == "Làm việc với Chủ tịch UBND xã"
    )

    # Someone who is not Telegram (wrong or no secret) is turned away before anything happens.
    forged = fake.text_message(AN_USER, "Tin giả mạo", date=unix(MORNING))
    assert await webhook_bot.push({**forged, "update_id": 4}, secret="wrong") == (403, [])
    assert await webhook_bot.push({**forged, "update_id": 5}, secret=None) == (403, [])
    async with org_db.read() as tx:
        assert await updates.processed_update(tx, "telegram:4") is None
        assert await updates.processed_update(tx, "telegram:5") is None
    assert len(await entries_of(org_db, AN)) == 1

    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    async with webhook_bot.http.post(webhook_bot.address, data=b"{not json", headers=headers) as r:
        assert r.status == 400
