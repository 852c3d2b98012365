"""Stories of officials and leaders on Zalo: our real ZaloChannel, polling loop, webhook server
and outbox sender, over real HTTP to a local fake of the Zalo Bot API, on a real SQLite file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_app
from bot.channels.zalo_events import parse_update, to_incoming
from bot.settings import Settings
from handlers.reminders.due import FIRST, reminder_key, reminder_message
from handlers.router import Router
from storage import Database, difficulties, org, outbox, worklog
from storage.org_import import resolve_person
from storage.reminders import ReminderFacts
from testing.bot_process import free_port
from testing.fakes.zalo_api import TOKEN, FakeZaloAPI
from tests.chat import Chat, local
from tests.helpers.sample import AN, THANH
from tests.helpers.zalo import (
    AN_ZALO,
    MORNING,
    THANH_ZALO,
    ZaloBot,
    ZaloUser,
    invite_code,
    linked,
    ms,
    until,
)

# Run on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends
DROPPED = "Đã bỏ qua, không lưu. Gõ /nhatky khi cần ghi nhật ký."


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloAPI]:
    """The local fake of the Zalo Bot API."""
    async with FakeZaloAPI() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeZaloAPI, router: Router) -> AsyncIterator[ZaloBot]:
    """The running bot, polling the fake, on the sample organisation."""
    running = ZaloBot(fake, router)
    await running.start()
    yield running
    await running.stop()


async def test_official_links_with_a_bare_code_and_logs_work_by_number(
    bot: ZaloBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    assert fake.calls_of("deleteWebhook"), "polling starts by dropping any webhook"
    an = await linked(bot, org_db, AN, AN_ZALO, "An")
    async with org_db.read() as tx:
        person = await org.person_by_identity(tx, "zalo", AN_ZALO)
    assert person is not None and person.full_name == AN

    offer = await an.says("Họp với UBND xã Hòa Vang Tây về sắp xếp bộ máy")
    assert offer.startswith("Lưu nội dung này vào nhật ký ngày Thứ Tư, 25/11/2026?")
    assert "1. Lưu" in offer and "Trả lời bằng số thứ tự để chọn." in offer
    confirmation = await an.picks("Lưu", offer)
    assert confirmation.startswith("Đã ghi nhật ký ngày Thứ Tư, 25/11/2026")
    async with org_db.read() as tx:
        [entry] = await worklog.recent_work_logs(tx, await resolve_person(tx, AN), limit=10)
    assert entry.text == "Họp với UBND xã Hòa Vang Tây về sắp xếp bộ máy"
    assert entry.work_date.isoformat() == "2026-11-25"

    # The choice's text, typed without diacritics, picks it too.
    offer = await an.says("Kiểm tra hồ sơ công chức cấp xã")
    assert "Không lưu" in offer
    assert await an.says("khong luu") == DROPPED
    async with org_db.read() as tx:
        assert len(await worklog.recent_work_logs(tx, await resolve_person(tx, AN), limit=10)) == 1
    assert all(1 <= len(c.params["text"]) <= 2000 for c in fake.calls_of("sendMessage"))


async def test_difficulty_raised_on_zalo_is_answered_by_a_leader_on_zalo(
    bot: ZaloBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    thanh = await linked(bot, org_db, THANH, THANH_ZALO, "Thành")
    an = ZaloUser(bot, AN_ZALO, "An")
    assert "Tài khoản Zalo" in await an.says(f"/start {await invite_code(org_db, AN)}")

    # Zalo is over its quota when the notice to the leader goes out: the sender waits, retries.
    fake.fail_next("sendMessage", status=429, description="Quota exceeded", chat_id=THANH_ZALO)
    topics = await an.says("/khokhan")
    kinds = await an.picks("Quản lý công chức", topics)
    urgencies = await an.picks("Khó khăn", kinds)
    ask = await an.picks("Gấp", urgencies)
    saved = await an.says("Xã chưa có hướng dẫn bố trí công chức", "2026-11-25 10:00")
    assert "Đã ghi nhận KK-0001" in saved, (ask, saved)

    notice = await thanh.receives("KK-0001")
    assert "[GẤP] KK-0001" in notice and notice.rstrip().endswith("Gõ /khokhan 1 để xử lý.")
    assert "1. " not in notice  # standing buttons are not numbered: a later "1" could not map
    refused = [c for c in fake.calls_of("sendMessage") if c.status == 429]
    assert refused and refused[0].response["description"] == "Quota exceeded"

    card = await thanh.says("/khokhan 1")
    assert "KK-0001" in card and "Trả lời" in card
    prompt = await thanh.picks("Trả lời", card)
    assert prompt
    await thanh.says("Đã có hướng dẫn tại Công văn 123, anh An áp dụng giúp.")
    async with org_db.read() as tx:
        item = await difficulties.difficulty_by_id(tx, 1)
    assert item is not None and item.status == "answered"
    told = await an.receives("Công văn 123")
    assert "Trương Văn Thành" in told


async def test_leader_on_zalo_answers_a_reporter_who_uses_telegram(
    bot: ZaloBot, org_db: Database, router: Router
) -> None:
    thanh = await linked(bot, org_db, THANH, THANH_ZALO, "Thành")
    an = Chat(router, "5001", channel="telegram")
    await an.say(f"/start {await invite_code(org_db, AN)}")
    await an.say("/khokhan")
    await an.press("Quản lý công chức")
    await an.press("Khó khăn")
    await an.press("Gấp")
    assert "Đã ghi nhận KK-0001" in await an.say("Xã cần hướng dẫn về biên chế")

    await thanh.receives("Gõ /khokhan 1 để xử lý.")
    prompt_card = await thanh.says("/khokhan 1")
    await thanh.picks("Trả lời", prompt_card)
    await thanh.says("Áp dụng Nghị định 33.")
    async with org_db.read() as tx:
        rows = await tx.all(
            "SELECT channel, chat_id, payload FROM outbox WHERE payload LIKE ?", ("%Nghị định 33%",)
        )
    # The reporter hears on the channel he used last: Telegram.
    assert [(r["channel"], r["chat_id"]) for r in rows] == [("telegram", "5001")]


async def test_reminder_reaches_zalo_with_commands_instead_of_buttons(
    bot: ZaloBot, org_db: Database
) -> None:
    an = await linked(bot, org_db, AN, AN_ZALO, "An")
    day = local(MORNING).date()
    async with org_db.transaction() as tx:
        person_id = await resolve_person(tx, AN)
        facts = ReminderFacts(person_id, AN, None, None, None, frozenset())
        message = reminder_message(facts, day, FIRST, "vi")
        await outbox.enqueue(
            tx,
            key=reminder_key(person_id, day, FIRST),
            person_id=person_id,
            payload=message.to_json(),
            now=datetime.now(UTC),
        )
    reminder = await an.receives("Gõ /nhatky để ghi nhật ký")
    assert reminder.startswith("Chào anh/chị An, hôm nay (Thứ Tư, 25/11/2026)")
    assert "1. " not in reminder  # its buttons are standing ones: a command instead
    assert "lĩnh vực" in (await an.says("/nhatky")).lower()


async def test_run_assembles_zalo_when_its_token_is_set(fake: FakeZaloAPI, tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=tmp_path / "bietphai.sqlite3",
        ZALO_BOT_TOKEN=TOKEN,
        ZALO_API_BASE_URL=fake.base_url,
        ZALO_POLL_TIMEOUT=1,
        BOT_HTTP_PORT=free_port(),
    )
    app = await build_app(settings)
    assert [type(s).__name__ for s in app.services] == [
        "HttpServer",
        "Liveness",
        "ZaloChannel",
        "ZaloPolling",
        "ZaloOutbox",
        "OutboxSender",
        "ExportWorker",
        "SchedulerService",
    ]
    await app.start()
    try:
        await until(lambda: fake.polls > 0)
        assert fake.calls_of("deleteWebhook")
    finally:
        await app.stop()


async def test_polling_survives_a_zalo_outage_and_answers_afterwards(
    bot: ZaloBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    an = await linked(bot, org_db, AN, AN_ZALO, "An")
    fake.fail_next("getUpdates", status=502)
    before = len(fake.calls_of("getUpdates"))
    await until(lambda: any(c.status == 502 for c in fake.calls_of("getUpdates")[before:]))
    # Then Zalo answers 408 ("nothing new") for a while, which is not an error.
    await until(lambda: any(c.status == 408 for c in fake.calls_of("getUpdates")[before:]))
    help_text = await an.says("/trogiup")
    assert "Anh/chị có thể dùng các lệnh sau" in help_text


async def test_a_reply_a_crash_interrupted_is_sent_after_the_restart(
    fake: FakeZaloAPI, router: Router, org_db: Database
) -> None:
    # The bot committed An's greeting, then died before sending it.
    code = await invite_code(org_db, AN)
    update = fake.text(AN_ZALO, code, date_ms=ms(MORNING), display_name="An")
    parsed = parse_update(update)
    assert parsed is not None
    [greeting] = await router.handle(to_incoming(parsed))
    assert fake.texts_to(AN_ZALO) == []

    restarted = ZaloBot(fake, router)
    await restarted.start()
    try:
        an = ZaloUser(restarted, AN_ZALO, "An")
        assert await an.receives("Tài khoản Zalo") == greeting.text
        # Zalo delivers the same message again: it is recognised and not answered twice.
        assert await restarted.deliver(update, AN_ZALO) == []
    finally:
        await restarted.stop()
    assert fake.texts_to(AN_ZALO) == [greeting.text]
