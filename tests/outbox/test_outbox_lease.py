"""A sender sends a row only while its claim on it holds: renewed before each send and while a
slow platform keeps the send waiting, so a second sender never sends the same row too."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.outbox_sender import OutboxSender, SenderSettings
from storage import Database, outbox
from storage.org_import import resolve_person
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.outbox import link_everyone, queue
from tests.helpers.sample import LAN

pytestmark = [
    pytest.mark.both_backends,
    pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning"),
]

TOKEN = "123:ABC"
LEASE = timedelta(seconds=1.0)
# The platform takes this long to answer one message: well past the lease.
STALL = 3.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    """The local fake Bot API."""
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def delivery(fake: FakeTelegramAPI) -> AsyncIterator[TelegramOutbox]:
    """The Telegram side of the senders, waiting longer than the stall for an answer."""
    channel = TelegramOutbox(outbox_bot(TOKEN, fake.base_url, read_timeout=STALL * 3))
    await channel.start()
    yield channel
    await channel.stop()


def sender(db: Database, delivery: TelegramOutbox, **settings: object) -> OutboxSender:
    """A sender driven by hand (`drain_once`), as if in its own process."""
    chosen: dict[str, object] = {
        "messages_per_second": 500,
        "chat_interval": 0.0,
        "lease": LEASE,
        "idle": 0.02,
    }
    chosen.update(settings)
    return OutboxSender(db, delivery, SenderSettings(**chosen))  # type: ignore[arg-type]


async def status_of(db: Database) -> dict[str, str]:
    """Each row's status, by key."""
    async with db.read() as tx:
        return {r["key"]: r["status"] for r in await tx.all("SELECT key, status FROM outbox")}


async def claimed_by(db: Database) -> str | None:
    """The sender holding the one queued row."""
    async with db.read() as tx:
        holder = await tx.value("SELECT claimed_by FROM outbox")
    return None if holder is None else str(holder)


async def test_a_send_stalled_past_the_lease_is_not_taken_over_and_sent_again(
    org_db: Database, fake: FakeTelegramAPI, delivery: TelegramOutbox
) -> None:
    people = await link_everyone(org_db)
    [text] = await queue(org_db, 1, people[:1])
    other_db = await org_db.open_again()
    try:
        first = sender(org_db, delivery)
        second = sender(other_db, delivery)
        fake.set_delay("sendMessage", STALL)
        stalled = asyncio.create_task(first.drain_once())
        for _ in range(500):
            if await claimed_by(org_db) == first.worker:
                break
            await asyncio.sleep(0.01)
        # While the first waits for the platform, the second keeps looking for due rows,
        # well past the moment the first one's claim would have lapsed without renewals.
        taken = 0
        while not stalled.done():
            taken += await second.drain_once()
            await asyncio.sleep(0.1)
        assert await stalled == 1
        assert taken == 0
    finally:
        await other_db.close()
    assert Counter(str(m["text"]) for m in fake.sent_messages) == Counter([text])
    assert len(fake.calls_of("sendMessage")) == 1
    assert await status_of(org_db) == {"test:0": "sent"}


async def test_a_row_taken_over_by_another_sender_is_not_sent_by_the_first(
    org_db: Database, fake: FakeTelegramAPI, delivery: TelegramOutbox
) -> None:
    await link_everyone(org_db)
    async with org_db.read() as tx:
        lan = await resolve_person(tx, LAN)
    # Two messages to one chat, a second apart; the lease is long by the first's clock.
    first_text, second_text = await queue(org_db, 2, [lan])
    first = sender(org_db, delivery, chat_interval=1.0, lease=timedelta(seconds=30))
    sending = asyncio.create_task(first.drain_once())
    for _ in range(500):
        if (await status_of(org_db))["test:0"] == "sent":
            break
        await asyncio.sleep(0.02)
    # Another machine, whose clock runs 31 s ahead, finds the first one's claim lapsed and
    # takes over the row still waiting for its turn in the chat.
    ahead = datetime.now(UTC) + timedelta(seconds=31)
    async with org_db.transaction() as tx:
        [taken] = await outbox.claim_due(
            tx, channel="telegram", worker="other", now=ahead, limit=10, lease=LEASE
        )
    assert taken.key == "test:1"
    assert await sending == 2
    assert [str(m["text"]) for m in fake.sent_messages] == [first_text]
    async with org_db.read() as tx:
        row = await tx.one("SELECT status, claimed_by FROM outbox WHERE key = 'test:1'")
    assert row is not None and (row["status"], row["claimed_by"]) == ("sending", "other")
    assert second_text not in str(fake.sent_messages)
