"""Zalo's webhook and bad input: our real webhook server and ZaloChannel, the fake Zalo Bot API
answering the bot's sends, and an HTTP client standing in for Zalo's servers.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from bot.channels.zalo import ZaloChannel, zalo_texts
from bot.channels.zalo_api import ZaloClient
from bot.channels.zalo_events import parse_update, to_incoming
from bot.http.server import Address, HttpServer
from bot.http.webhooks import ZALO_MAX_BODY_BYTES as MAX_BODY_BYTES
from bot.http.webhooks import ZALO_SECRET_HEADER as SECRET_HEADER
from bot.http.webhooks import ZaloWebhook
from bot.orgservice import create_invite
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.texts import t
from handlers.router import Router
from storage import Database, conversation, org, updates, worklog
from storage.org_import import resolve_person
from testing.fakes.zalo_api import TOKEN, FakeZaloAPI
from tests.chat import local
from tests.helpers.sample import AN

# Run on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

JSONDict = dict[str, Any]
WEBHOOK_URL = "https://bot.example.org/zalo"
SECRET = "zalo-s3cret-token"
AN_ZALO = "6b0d0e5a11an"
MORNING_MS = int(local("2026-11-25 09:00").timestamp() * 1000)


@dataclass
class WebhookBot:
    """The bot in webhook mode, and Zalo's servers posting to it."""

    fake: FakeZaloAPI
    address: str
    http: aiohttp.ClientSession
    channel: ZaloChannel

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, list[str]]:
        """POST raw bytes; the HTTP status and every text the bot sent meanwhile."""
        before = len(self.fake.calls_of("sendMessage"))
        async with self.http.post(self.address, data=body, headers=headers) as response:
            status = response.status
        await self.channel.drain()
        sent = self.fake.calls_of("sendMessage")[before:]
        return status, [str(c.params["text"]) for c in sent if c.ok]

    async def push(self, update: Any, secret: str | None = SECRET) -> tuple[int, list[str]]:
        """POST an update as Zalo does, with the secret header unless told otherwise."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        return await self.post(json.dumps(update).encode(), headers)

    async def says(self, text: str, **options: Any) -> str:
        """An's Zalo message through the webhook; the bot's answers joined."""
        update = self.fake.text(AN_ZALO, text, date_ms=MORNING_MS, display_name="An", **options)
        status, texts = await self.push(update)
        assert status == 200
        return "\n".join(texts)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloAPI]:
    """The local fake of the Zalo Bot API."""
    async with FakeZaloAPI() as api:
        yield api


@pytest.fixture
async def webhook_bot(fake: FakeZaloAPI, router: Router) -> AsyncIterator[WebhookBot]:
    """The bot's HTTP server on 127.0.0.1 serving Zalo's webhook at /zalo."""
    server = HttpServer(Address("127.0.0.1", 0))
    channel = ZaloChannel(ZaloClient(TOKEN, fake.base_url), router, "vi")
    webhook = ZaloWebhook(channel, url=WEBHOOK_URL, secret=SECRET, path="/zalo")
    server.add_routes(webhook.routes())
    await server.start()
    await channel.start()
    await webhook.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield WebhookBot(fake, f"http://127.0.0.1:{server.bound_port}/zalo", http, channel)
    finally:
        await webhook.stop()
        await channel.stop()
        await server.stop()


@pytest.fixture
async def an(webhook_bot: WebhookBot, org_db: Database) -> WebhookBot:
    """An has linked his Zalo account with `/start CODE`."""
    code = (await create_invite(org_db, AN, datetime.now(UTC), timedelta(days=7))).code
    assert "Tài khoản Zalo" in await webhook_bot.says(f"/start {code}")
    return webhook_bot


async def entries(db: Database) -> int:
    """How many entries An has."""
    async with db.read() as tx:
        return len(await worklog.recent_work_logs(tx, await resolve_person(tx, AN), limit=100))


async def test_webhook_registers_itself_and_logs_work_by_number(
    an: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    [registered] = fake.calls_of("setWebhook")
    assert registered.params == {"url": WEBHOOK_URL, "secret_token": SECRET}
    offer = await an.says("Làm việc với Chủ tịch UBND xã")
    assert "1. Lưu" in offer
    assert (await an.says("1")).startswith("Đã ghi nhật ký ngày ")
    assert await entries(org_db) == 1


async def test_wrong_or_missing_secret_is_refused_before_anything_happens(
    an: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    forged = fake.text(AN_ZALO, "Tin giả mạo", message_id="forged-1")
    assert await an.push(forged, secret="wrong") == (403, [])
    assert await an.push(forged, secret=None) == (401, [])
    async with org_db.read() as tx:
        assert await updates.processed_update(tx, "zalo:forged-1") is None
        assert (await conversation.load_state(tx, "zalo", AN_ZALO)).flow is None


async def test_non_json_oversized_and_shapeless_bodies_are_refused(
    an: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    headers = {SECRET_HEADER: SECRET}
    assert await an.post(b"{not json", headers) == (400, [])
    huge = fake.text(AN_ZALO, "x" * (MAX_BODY_BYTES + 10))
    assert (await an.post(json.dumps(huge).encode(), headers))[0] == 413
    assert await an.push([1, 2, 3]) == (400, [])
    assert await an.push({"event_name": "message.text.received"}) == (400, [])
    assert await entries(org_db) == 0


async def test_unknown_events_are_acknowledged_and_ignored(
    an: WebhookBot, org_db: Database
) -> None:
    status, sent = await an.push({"event_name": "user.follow", "follower": {"id": AN_ZALO}})
    assert (status, sent) == (200, [])


async def test_a_body_wrapped_in_ok_result_is_accepted(an: WebhookBot, fake: FakeZaloAPI) -> None:
    update = fake.text(AN_ZALO, "/trogiup")
    status, [help_text] = await an.push({"ok": True, "result": update})
    assert status == 200
    assert status == 200 and "Anh/chị có thể dùng các lệnh sau" in help_text


async def test_sticker_voice_and_image_where_text_is_expected(
    an: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    status, [answer] = await an.push(fake.sticker(AN_ZALO))
    assert status == 200
    assert answer == "Bot chưa đọc được nhãn dán (sticker). Anh/chị vui lòng gõ nội dung bằng chữ."
    status, [answer] = await an.push(fake.unsupported(AN_ZALO))  # a voice note
    assert status == 200
    assert answer.startswith("Bot chưa đọc được loại tin nhắn này.")
    # A picture during the topic step of a work log, where a button answer is expected.
    offer = await an.says("/nhatky")
    status, texts = await an.push(fake.image(AN_ZALO, "https://zalo.example/p/1.jpg"))
    assert status == 200
    [please_pick, asked_again] = texts
    assert please_pick.startswith("Đã giữ ảnh anh/chị vừa gửi, chưa mất gì.")
    assert asked_again == offer and "8. Khác" in asked_again
    assert await entries(org_db) == 0


async def test_a_number_outside_the_list_is_refused_in_vietnamese(an: WebhookBot) -> None:
    offered = await an.says("/nhatky")
    count = len(re.findall(r"(?m)^\d+\. ", offered))
    assert count >= 2
    wrong = str(count + 2)
    assert await an.says(wrong) == f"Anh/chị vui lòng trả lời bằng một số từ 1 đến {count}."
    assert await an.says("0") == f"Anh/chị vui lòng trả lời bằng một số từ 1 đến {count}."


async def test_reply_seven_to_the_four_reminder_settings(an: WebhookBot) -> None:
    settings = await an.says("/nhacnho")
    assert re.findall(r"(?m)^(\d+)\. ", settings) == ["1", "2", "3", "4"]
    assert await an.says("7") == "Anh/chị vui lòng trả lời bằng một số từ 1 đến 4."
    # The list is still open: a valid number now works.
    paused = await an.says("2")
    assert paused and "trả lời bằng một số" not in paused


async def test_the_same_message_delivered_twice_is_stored_and_answered_once(
    an: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    offer = fake.text(AN_ZALO, "Dự họp giao ban UBND xã", date_ms=MORNING_MS)
    status, [first] = await an.push(offer)
    assert status == 200
    assert await an.push(offer) == (200, [])
    pick = fake.text(AN_ZALO, "1", date_ms=MORNING_MS)
    status, [saved] = await an.push(pick)
    assert status == 200
    assert await an.push(pick) == (200, [])
    assert saved.startswith("Đã ghi nhật ký ngày ") and await entries(org_db) == 1
    assert first.startswith("Lưu nội dung này")


async def test_group_chats_get_one_polite_refusal_and_nothing_is_stored(
    an: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    group = {"chat_id": "g-123", "chat_type": "GROUP"}
    status, [refusal] = await an.push(fake.text(AN_ZALO, "Chào cả nhóm", **group))
    assert status == 200
    assert refusal.startswith("Bot chỉ làm việc trong tin nhắn riêng.")
    assert await an.push(fake.text(AN_ZALO, "/nhatky", **group)) == (200, [])
    async with org_db.read() as tx:
        assert (await conversation.load_state(tx, "zalo", "g-123")).flow is None
    assert await entries(org_db) == 0


async def test_unregistered_zalo_user_is_told_to_send_the_code(
    webhook_bot: WebhookBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    status, [answer] = await webhook_bot.push(fake.text("stranger-1", "Xin chào"))
    assert status == 200
    assert "chưa đăng ký" in answer and "gửi mã mời (8 ký tự)" in answer
    async with org_db.read() as tx:
        assert await org.identity_person_id(tx, "zalo", "stranger-1") is None


async def test_long_replies_are_split_within_2000_characters(
    webhook_bot: WebhookBot, fake: FakeZaloAPI
) -> None:
    paragraph = "Xã Hòa Vang Tây đã hoàn thành rà soát hồ sơ công chức cấp xã. " * 12
    reply = Reply("\n\n".join([paragraph] * 8), (Choice("Lưu", "save"), Choice("Bỏ", "drop")))
    await webhook_bot.channel.send(AN_ZALO, reply)
    sent = fake.calls_of("sendMessage")
    assert len(sent) >= 3 and all(c.ok and len(c.params["text"]) <= 2000 for c in sent)
    assert str(sent[-1].params["text"]).endswith("2. Bỏ\nTrả lời bằng số thứ tự để chọn.")


def test_documented_update_variants_are_understood() -> None:
    update = parse_update(
        {
            "ok": True,
            "result": {
                "event_name": "message.image.received",
                "message": {
                    "from": {"id": 12345, "first_name": "Lan"},
                    "chat": {"id": 12345, "chat_type": "PRIVATE"},
                    "photo": "https://zalo.example/p.jpg",
                    "caption": "Hiện trạng trụ sở",
                    "message_id": 987,
                    "date": 1764036000000,
                },
            },
        }
    )
    assert update is not None
    incoming = to_incoming(update)
    assert (incoming.user_id, incoming.display_name, incoming.update_key) == (
        "12345",
        "Lan",
        "zalo:987",
    )
    assert incoming.kind == Kind.PHOTO and incoming.text == "Hiện trạng trụ sở"
    assert incoming.attachments[0].file_id == "https://zalo.example/p.jpg"
    assert incoming.sent_at == datetime(2025, 11, 25, 2, 0, tzinfo=UTC)
    assert incoming.numbered_choices


def test_standing_buttons_become_a_command_hint_and_pictures_a_note() -> None:
    notice = Reply(
        "[GẤP] KK-0042 (Xã Pa Lang): ...",
        (Choice("Đã nhận", "k:ack:42"), Choice("Trả lời", "k:answer:42")),
        choice_data=("k:ack:42", "k:answer:42"),
    )
    assert zalo_texts(notice, "vi") == [
        "[GẤP] KK-0042 (Xã Pa Lang): ...\n\nGõ /khokhan 42 để xử lý."
    ]
    weekly = "Báo cáo tuần\n\n" + t("vi", "digest.chart_note")
    [digest] = zalo_texts(Reply(weekly, image=b"\x89PNG"), "vi")
    assert digest.endswith("(Biểu đồ chỉ xem được trên Telegram; số liệu đầy đủ ở trên.)")
    assert "Biểu đồ kèm theo" not in digest  # no chart comes, so none is announced
    assert zalo_texts(Reply(""), "vi") == []
