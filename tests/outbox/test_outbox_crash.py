"""The outbox survives a SIGKILL and a second running instance: nothing lost, nothing twice.

`python -m bot run` runs as a real subprocess, as the operator starts it, against the fake
Telegram API served by this test. 300 notifications are queued before it starts. It is killed
with SIGKILL once about 40% have arrived, then started again on the same database. Only the rows
it held in status 'sending' at that moment can arrive twice: Telegram may have accepted one just
before the kill, and the process died before writing 'sent'. Everything else arrives exactly once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.orgservice import import_org
from storage import Database
from testing.bot_process import PATIENCE, BotProcess
from testing.fakes.telegram_api import Call, FakeTelegramAPI
from tests.chat import local
from tests.helpers.outbox import link_everyone, queue, settled
from tests.helpers.sample import SAMPLE_XLSX

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

ROWS = 300
KILL_AFTER = 120  # about 40% delivered
KEY_PREFIX = "test:"  # the keys tests.helpers.outbox.queue gives its rows


# A fast outbox and a short lease, so a crashed sender's rows are taken over quickly.
FAST_OUTBOX = {
    "TELEGRAM_OUTBOX_MESSAGES_PER_SECOND": "50",
    "TELEGRAM_OUTBOX_CHAT_INTERVAL_SECONDS": "0",
    "OUTBOX_LEASE_SECONDS": "2",
}


async def prepare_database(path: Path) -> list[str]:
    """The sample organisation, everyone linked on Telegram, ROWS notifications queued."""
    db = await Database(path).open()
    try:
        await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        people = await link_everyone(db)
        return await queue(db, ROWS, people)
    finally:
        await db.close()


def delivered(fake: FakeTelegramAPI, texts: list[str]) -> Counter[str]:
    """How many times each queued text reached a chat (other messages are not counted)."""
    ours = set(texts)
    return Counter(str(m["text"]) for m in fake.sent_messages if m.get("text") in ours)


def ours_delivered_at_least(texts: list[str], count: int) -> Callable[[list[Call]], bool]:
    """A wait_for predicate: `count` successful sends of the queued texts so far."""
    ours = set(texts)

    def enough(calls: list[Call]) -> bool:
        sends = (c for c in calls if c.ok and c.method == "sendMessage")
        return sum(1 for c in sends if c.params.get("text") in ours) >= count

    return enough


async def rows_by_status(db: Database) -> dict[str, set[str]]:
    """The keys of the queued rows, by outbox status."""
    async with db.read() as tx:
        rows = await tx.all("SELECT key, status FROM outbox WHERE key LIKE ?", (f"{KEY_PREFIX}%",))
    by_status: dict[str, set[str]] = {}
    for row in rows:
        by_status.setdefault(row["status"], set()).add(row["key"])
    return by_status


def text_of(key: str, texts: list[str]) -> str:
    """The text queued under a key ("test:<n>" carries texts[n])."""
    return texts[int(key.removeprefix(KEY_PREFIX))]


async def test_sigkill_mid_drain_loses_nothing_and_repeats_only_what_was_in_flight(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    db_path = tmp_path / "bietphai.sqlite3"
    texts = await prepare_database(db_path)
    async with FakeTelegramAPI() as fake:
        bot = BotProcess(db_path, fake.base_url, tmp_path, "bot", FAST_OUTBOX)
        db = await Database(db_path).open()
        try:
            # Each wait is for a condition, bounded by PATIENCE (300 rows at 50/s need about
            # 6 s; starting the process twice is what a loaded machine makes slow).
            async with asyncio.timeout(3 * PATIENCE):
                await bot.start()
                await fake.wait_for(ours_delivered_at_least(texts, KILL_AFTER), timeout=PATIENCE)
                await bot.kill()
                at_kill = await rows_by_status(db)
                delivered_at_kill = delivered(fake, texts)
                await bot.start()
                await settled(db, PATIENCE)
                after = await rows_by_status(db)
        except BaseException:
            print(bot.log_tail())
            raise
        finally:
            await bot.kill()
            await db.close()
        received = delivered(fake, texts)

    in_flight = at_kill.get("sending", set())
    sent_before = at_kill.get("sent", set())
    duplicated = {text: n for text, n in received.items() if n > 1}
    print(
        f"killed after {sum(delivered_at_kill.values())} of {ROWS} deliveries: "
        f"{len(sent_before)} rows 'sent', {len(in_flight)} 'sending' (in flight); "
        f"{len(duplicated)} delivered twice after the restart"
    )
    record_property("rows_in_flight_at_kill", len(in_flight))
    record_property("duplicates", len(duplicated))

    # The kill came in the middle of a claimed batch, not before the first or after the last.
    assert KILL_AFTER <= sum(delivered_at_kill.values()) < ROWS
    assert in_flight, "no row was being sent at the kill"
    # Nothing lost: every row ended 'sent' and every text arrived.
    assert after == {"sent": {f"{KEY_PREFIX}{n}" for n in range(ROWS)}}
    assert set(received) == set(texts)
    # Only rows in flight at the kill may have arrived twice, and at most twice.
    assert len(duplicated) <= len(in_flight)
    assert {text_of(key, texts) for key in in_flight} >= set(duplicated)
    assert all(n == 2 for n in duplicated.values())
    # What the first process had marked 'sent' was never sent again.
    assert all(received[text_of(key, texts)] == 1 for key in sent_before)


async def test_a_second_instance_on_one_sqlite_database_is_refused_and_the_first_sends_once(
    tmp_path: Path,
) -> None:
    """Two bots on one SQLite file would both poll Telegram: the second refuses to start.

    (Two senders sharing one database, each message once, is tests/outbox/test_outbox.py's
    test_two_processes_draining_one_database_send_each_message_once; with PostgreSQL several
    processes may run.)
    """
    db_path = tmp_path / "bietphai.sqlite3"
    texts = await prepare_database(db_path)
    async with FakeTelegramAPI() as fake:
        bots = [
            BotProcess(db_path, fake.base_url, tmp_path, f"bot{n}", FAST_OUTBOX) for n in (1, 2)
        ]
        db = await Database(db_path).open()
        try:
            async with asyncio.timeout(3 * PATIENCE):
                await bots[0].start()
                await fake.wait_for(ours_delivered_at_least(texts, 1), timeout=PATIENCE)
                await bots[1].start()
                assert bots[1].process is not None
                async with asyncio.timeout(PATIENCE):
                    assert await bots[1].process.wait() == 1
                async with asyncio.timeout(PATIENCE):
                    while (await rows_by_status(db)).keys() != {"sent"}:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
                after = await rows_by_status(db)
        except BaseException:
            for bot in bots:
                print(bot.log_tail())
            raise
        finally:
            for bot in bots:
                await bot.kill()
            await db.close()
        received = delivered(fake, texts)

    assert after == {"sent": {f"{KEY_PREFIX}{n}" for n in range(ROWS)}}
    assert received == Counter(texts)  # every text exactly once
    refusal = bots[1].logs[0].read_text()
    assert refusal.startswith("Lỗi: không thể chạy bot: một bot đang chạy trên cơ sở dữ liệu")
