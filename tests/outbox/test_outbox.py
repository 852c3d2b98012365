"""The outbox on the real Telegram stack: every queued message arrives exactly once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.outbox_sender import OutboxSender, Pacer, SenderSettings
from handlers.core.messages import Choice, Reply
from storage import Database, outbox
from storage.org_import import resolve_person
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.outbox import link_everyone, queue, settled
from tests.helpers.sample import AN, LAN

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

TOKEN = "123:ABC"
FAST = SenderSettings(
    messages_per_second=500,
    chat_interval=0.0,
    max_attempts=30,
    backoff_base=0.02,
    backoff_max=0.3,
    lease=timedelta(seconds=30),
    idle=0.02,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    """The local fake Bot API."""
    async with FakeTelegramAPI() as api:
        yield api


async def start_sender(
    db: Database, fake: FakeTelegramAPI, settings: SenderSettings = FAST, read_timeout: float = 5.0
) -> tuple[OutboxSender, TelegramOutbox]:
    """A running sender on the fake API."""
    delivery = TelegramOutbox(outbox_bot(TOKEN, fake.base_url, read_timeout=read_timeout))
    await delivery.start()
    sender = OutboxSender(db, delivery, settings)
    await sender.start()
    return sender, delivery


async def stop_all(*parts: OutboxSender | TelegramOutbox) -> None:
    """Stop senders and close their HTTP pools."""
    for part in parts:
        await part.stop()


def delivered(fake: FakeTelegramAPI) -> Counter[str]:
    """How many times each text reached a chat."""
    return Counter(str(m["text"]) for m in fake.sent_messages)


async def test_every_message_arrives_once_through_429_5xx_and_timeouts(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    texts = await queue(org_db, 120, people)
    fake.set_failure_rate("sendMessage", 0.2, status=500, seed=3)
    fake.set_timeout_rate("sendMessage", 0.1, seconds=1.0, seed=4)
    fake.fail_next("sendMessage", status=429, retry_after=1, count=2)
    sender, delivery = await start_sender(org_db, fake, read_timeout=0.3)
    try:
        counts = await settled(org_db)
    finally:
        await stop_all(sender, delivery)
    assert counts == {"sent": 120}
    assert delivered(fake) == Counter(texts)
    failed = [c for c in fake.calls_of("sendMessage") if not c.ok]
    assert len(failed) >= 20  # the faults really happened


async def test_retry_after_is_waited_for(org_db: Database, fake: FakeTelegramAPI) -> None:
    people = await link_everyone(org_db)
    await queue(org_db, 1, people)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    sender, delivery = await start_sender(org_db, fake)
    try:
        await settled(org_db)
    finally:
        await stop_all(sender, delivery)
    refused, accepted = fake.calls_of("sendMessage")
    assert refused.status == 429 and accepted.ok
    assert accepted.at - refused.at >= 0.95


async def test_retry_after_holds_every_send_of_the_batch_not_only_the_refused_one(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    texts = await queue(org_db, 15, people)
    fake.fail_next("sendMessage", status=429, retry_after=1)
    # Slowly paced, so the batch's other messages are still waiting for their turn at the 429.
    settings = SenderSettings(messages_per_second=10, chat_interval=0, idle=0.02)
    sender, delivery = await start_sender(org_db, fake, settings)
    try:
        assert await settled(org_db) == {"sent": 15}
    finally:
        await stop_all(sender, delivery)
    refused, *later = fake.calls_of("sendMessage")
    assert refused.status == 429
    assert all(call.ok and call.at - refused.at >= 0.95 for call in later)
    assert delivered(fake) == Counter(texts)


class RecordingPacer(Pacer):
    """The sender's own pacer, noting the loop time at which it lets each send go."""

    def __init__(self, per_second: float, clock: Callable[[], float]) -> None:
        super().__init__(per_second, clock)
        self.released: list[float] = []

    async def wait(self) -> None:
        """Take the next slot as the sender does, then note when it was given."""
        await super().wait()
        self.released.append(self.clock())


async def test_a_busy_event_loop_does_not_turn_the_sends_due_meanwhile_into_a_burst(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    texts = await queue(org_db, 3 * len(people), people)
    # 50/s: one send every 20 ms. With no per-chat spacing every chat of the batch (21) books a
    # slot at once, so when the loop stalls for a second all of their slots fall due meanwhile.
    settings = SenderSettings(messages_per_second=50, chat_interval=0, idle=0.02)
    delivery = TelegramOutbox(outbox_bot(TOKEN, fake.base_url))
    await delivery.start()
    sender = OutboxSender(org_db, delivery, settings)
    pacer = sender.pacer = RecordingPacer(settings.messages_per_second, sender.clock)
    await sender.start()
    try:
        await fake.wait_for_sent(3)
        # Something holds the event loop (a long garbage collection, a CPU-bound export).
        time.sleep(1.0)  # noqa: ASYNC251
        stall_end = sender.clock()
        assert await settled(org_db) == {"sent": 3 * len(people)}
    finally:
        await stop_all(sender, delivery)
    # Measured where the pacer decides, not where the fake receives: a loaded machine bunches
    # the HTTP requests whatever the pacer does. After the stall every due send books a slot
    # anew, 20 ms apart, and none goes before its slot: 60 ms hold 3 or 4 of them (here 4-5
    # in 40 loaded runs), a few more if the machine stalls us again. A burst lets all ~21 due
    # go at once (21-22 when the late sends are not queued again).
    after = [t for t in pacer.released if t >= stall_end]
    densest = max(sum(1 for t in after if start <= t < start + 0.06) for start in after)
    assert densest <= 10, f"{densest} sends let go within 60 ms after the stall"
    assert delivered(fake) == Counter(texts)


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    async with org_db.read() as tx:
        an = await resolve_person(tx, AN)
    fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    async with org_db.transaction() as tx:
        await outbox.enqueue(
            tx, key="a", person_id=an, payload=Reply("Một").to_json(), now=datetime.now(UTC)
        )
    sender, delivery = await start_sender(org_db, fake)
    try:
        assert await settled(org_db) == {"unreachable": 1}
        async with org_db.transaction() as tx:
            await outbox.enqueue(
                tx, key="b", person_id=an, payload=Reply("Hai").to_json(), now=datetime.now(UTC)
            )
        assert await settled(org_db) == {"unreachable": 2}
    finally:
        await stop_all(sender, delivery)
    assert len(fake.calls_of("sendMessage")) == 1  # never retried
    assert people


async def test_gives_up_after_the_configured_attempts(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    await queue(org_db, 1, people)
    fake.set_failure_rate("sendMessage", 1.0, status=502)
    settings = SenderSettings(
        messages_per_second=500, chat_interval=0, max_attempts=3, backoff_base=0.01, idle=0.02
    )
    sender, delivery = await start_sender(org_db, fake, settings)
    try:
        assert await settled(org_db) == {"failed": 1}
    finally:
        await stop_all(sender, delivery)
    assert len(fake.calls_of("sendMessage")) == 3
    async with org_db.read() as tx:
        error = await tx.value("SELECT last_error FROM outbox")
    assert "Bad Gateway" in str(error)


async def test_two_processes_draining_one_database_send_each_message_once(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    texts = await queue(org_db, 200, people)
    second_db = await org_db.open_again()
    first, first_delivery = await start_sender(org_db, fake)
    second, second_delivery = await start_sender(second_db, fake)
    try:
        counts = await settled(org_db)
    finally:
        await stop_all(first, first_delivery, second, second_delivery)
        await second_db.close()
    assert counts == {"sent": 200}
    assert delivered(fake) == Counter(texts)
    async with org_db.read() as tx:
        workers = await tx.all("SELECT DISTINCT claimed_by FROM outbox")
    assert workers  # rows were claimed (and released on success)


async def test_sending_respects_the_rate_and_one_message_per_chat_per_interval(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    people = await link_everyone(org_db)
    async with org_db.read() as tx:
        lan = await resolve_person(tx, LAN)
    await queue(org_db, 3, [lan])
    settings = SenderSettings(messages_per_second=500, chat_interval=0.3, idle=0.02)
    sender, delivery = await start_sender(org_db, fake, settings)
    try:
        await settled(org_db)
    finally:
        await stop_all(sender, delivery)
    times = [c.at for c in fake.calls_of("sendMessage")]
    assert len(times) == 3
    assert all(later - earlier >= 0.28 for earlier, later in pairwise(times))
    assert people


async def test_a_long_answer_is_split_within_telegram_limits_and_buttons_come_last(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    await link_everyone(org_db)
    async with org_db.read() as tx:
        an = await resolve_person(tx, AN)
    paragraphs = "\n\n".join(f"Đoạn {n}: " + "hướng dẫn chi tiết " * 40 for n in range(12))
    reply = Reply(paragraphs, (Choice("Xác nhận", "k:confirm:1"),), choice_data=("k:confirm:1",))
    async with org_db.transaction() as tx:
        await outbox.enqueue(
            tx, key="long", person_id=an, payload=reply.to_json(), now=datetime.now(UTC)
        )
    # The second piece fails once: the retry must not send the first piece again.
    fake.fail_next("sendMessage", status=500, after=1)
    sender, delivery = await start_sender(org_db, fake)
    try:
        assert await settled(org_db) == {"sent": 1}
    finally:
        await stop_all(sender, delivery)
    sent = fake.sent_messages
    assert len(sent) == 3  # about 9,300 characters: three pieces, each sent once
    assert all(len(str(m["text"])) <= 4096 for m in sent)
    assert " ".join(" ".join(str(m["text"]) for m in sent).split()) == " ".join(paragraphs.split())
    assert all(not m.get("reply_markup") for m in sent[:2])
    assert sent[2]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "k:confirm:1"
    assert len(fake.calls_of("sendMessage")) == 4  # one failure, retried from the second piece


async def test_a_queued_one_time_link_is_still_sent_without_a_preview(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    """A /web reply that waited in the outbox keeps its 'no preview' through the stored JSON."""
    await link_everyone(org_db)
    async with org_db.read() as tx:
        an = await resolve_person(tx, AN)
    link = "https://bot.example.org/web/vao/abc"
    long = "\n\n".join(f"Đoạn {n}: " + "hướng dẫn chi tiết " * 40 for n in range(6)) + "\n" + link
    async with org_db.transaction() as tx:
        for key, reply in (("link", Reply(long, link_preview=False)), ("plain", Reply(link))):
            await outbox.enqueue(
                tx, key=key, person_id=an, payload=reply.to_json(), now=datetime.now(UTC)
            )
    sender, delivery = await start_sender(org_db, fake)
    try:
        assert await settled(org_db) == {"sent": 2}
    finally:
        await stop_all(sender, delivery)
    *pieces, plain = fake.sent_messages
    assert len(pieces) == 2  # every piece of the long text, not only the last
    assert all(m["link_preview_options"] == {"is_disabled": True} for m in pieces)
    assert "link_preview_options" not in plain  # Telegram's default for everything else


async def test_a_sender_gives_rows_back_before_its_lease_runs_out(
    org_db: Database, fake: FakeTelegramAPI
) -> None:
    await link_everyone(org_db)
    async with org_db.read() as tx:
        lan = await resolve_person(tx, LAN)
    # One chat, 0.5 s apart: 3 s of sending, longer than the 1.5 s lease. A sender sends
    # three, at 0, 0.5 and 1 s, before its 1.2 s (80 % of the lease) are up, then gives the
    # rest back; a send started at 1 s has 0.5 s to finish before the other may take its row
    # (a 0.1 s margin with a 0.5 s lease let a loaded machine send a row twice).
    texts = await queue(org_db, 6, [lan])
    settings = SenderSettings(
        messages_per_second=500, chat_interval=0.5, lease=timedelta(seconds=1.5), idle=0.02
    )
    second_db = await org_db.open_again()
    first, first_delivery = await start_sender(org_db, fake, settings)
    second, second_delivery = await start_sender(second_db, fake, settings)
    try:
        assert await settled(org_db) == {"sent": 6}
    finally:
        await stop_all(first, first_delivery, second, second_delivery)
        await second_db.close()
    assert delivered(fake) == Counter(texts)  # taken over, never sent twice


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_two_senders_share_one_pace_towards_telegram(org_db: Database) -> None:
    """With PostgreSQL, one sender per channel holds the pace; a second stands by."""
    second_db = await org_db.open_again()
    people = await link_everyone(org_db)
    texts = await queue(org_db, 30, people)
    settings = SenderSettings(
        messages_per_second=15, chat_interval=0, lease=timedelta(seconds=30), idle=0.02, batch=3
    )
    async with FakeTelegramAPI() as fake:
        first, first_delivery = await start_sender(org_db, fake, settings)
        second, second_delivery = await start_sender(second_db, fake, settings)
        try:
            assert await settled(org_db) == {"sent": 30}
        finally:
            await stop_all(first, first_delivery, second, second_delivery)
            await second_db.close()
        sends = sorted(c.at for c in fake.calls_of("sendMessage"))
        assert delivered(fake) == Counter(texts)
    # 30 messages at 15/s take about two seconds from the first to the last; two senders
    # each keeping their own 15/s would do it in one.
    assert sends[-1] - sends[0] >= 29 / 15 * 0.9
