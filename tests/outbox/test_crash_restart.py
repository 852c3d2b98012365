"""The bot process is killed in the middle of a busy morning and started again.

`python -m bot run` runs as a real subprocess against the fake Telegram API served by this test.
Ten officials log twenty entries each, like people do: send the text, wait for the offer, press
"Lưu", wait for "Đã ghi". The process gets SIGKILL while answers it has committed are stuck on
the way out, a new one starts on the same database: it sends those answers (through the outbox)
and handles whatever Telegram (the fake) delivers again, each exactly once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.orgservice import import_org
from storage import Database, org, worklog
from storage.models import WorkLog
from storage.org_import import resolve_person
from testing.bot_process import PATIENCE, BotProcess
from testing.fakes.telegram_api import Call, FakeTelegramAPI
from tests.chat import local
from tests.helpers.sample import SAMPLE_XLSX

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning"),
]

# Officials of the sample organisation with exactly one commune on 25/11/2026 (Đợt 2).
OFFICIALS = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Thị Dung",
    "Hoàng Minh Đức",
    "Võ Thị Hạnh",
    "Đặng Quốc Huy",
    "Bùi Thị Lan",
    "Ngô Thị Mai",
    "Dương Văn Nam",
)
ENTRIES_EACH = 20
FIRST_USER_ID = 8001
KILL_AFTER_CONFIRMATIONS = 80  # about 40% of the 200 entries
MAX_ATTEMPTS = 5
WAIT = PATIENCE  # seconds a person waits for an answer, across the restart
SAVED = re.compile(r"^Đã ghi nhật ký ngày .*: «(\[\d+-\d+\])")
STALE = "Lựa chọn này đã cũ"


def unix(when: str) -> int:
    """The unix timestamp of a local (Vietnam) time, as Telegram puts it in `date`."""
    return int(local(when).timestamp())


def entry_text(person: int, n: int) -> str:
    """The distinct text of one logical entry."""
    return f"[{person:02d}-{n:02d}] Hướng dẫn UBND xã rà soát hồ sơ công chức, phần {n}"


def sent_to(call: Call, chat_id: int) -> bool:
    """Whether a call is a message the bot managed to send into this chat."""
    return call.ok and call.method == "sendMessage" and str(call.params["chat_id"]) == str(chat_id)


def delivered_ids(calls: list[Call]) -> list[int]:
    """Update ids handed out by getUpdates, in order, repeats included."""
    return [
        int(update["update_id"])
        for c in calls
        if c.method == "getUpdates" and c.ok and c.response is not None
        for update in c.response["result"]
    ]


async def next_call(
    fake: FakeTelegramAPI, start: int, match: Callable[[Call], bool], waiting_for: str
) -> int:
    """The index of the first recorded call at or after `start` that matches (waits up to WAIT)."""
    found = -1
    scanned = start

    def seen(calls: list[Call]) -> bool:
        nonlocal found, scanned
        for index in range(scanned, len(calls)):
            if match(calls[index]):
                found = index
                return True
        scanned = len(calls)
        return False

    try:
        await fake.wait_for(seen, WAIT)
    except TimeoutError:
        raise AssertionError(f"no answer within {WAIT:.0f} s: {waiting_for}") from None
    return found


def offer_of(user_id: int, text: str) -> Callable[[Call], bool]:
    """Matches the bot's offer (with buttons) to save this text."""
    tag = text.split("]")[0] + "]"

    def match(call: Call) -> bool:
        markup = call.params.get("reply_markup") or {}
        return sent_to(call, user_id) and tag in call.params["text"] and "inline_keyboard" in markup

    return match


def outcome_in(user_id: int) -> Callable[[Call], bool]:
    """Matches "Đã ghi nhật ký ngày …: «[pp-nn] …»" or the stale-button answer in this chat."""

    def match(call: Call) -> bool:
        text = call.params.get("text", "")
        return sent_to(call, user_id) and (SAVED.match(text) is not None or STALE in text)

    return match


@dataclass
class Morning:
    """What the officials saw: which entry each confirmation was for, and how often."""

    confirmed: dict[str, str] = field(default_factory=dict)  # entry text -> quoted tag
    stale_presses: int = 0


async def official_logs_the_day(
    fake: FakeTelegramAPI, user_id: int, person: int, morning: Morning
) -> None:
    """One official sends each entry, presses "Lưu" on its offer and waits for "Đã ghi"."""
    for n in range(1, ENTRIES_EACH + 1):
        text = entry_text(person, n)
        for _attempt in range(MAX_ATTEMPTS):
            start = len(fake.calls)
            fake.enqueue_update(fake.text_message(user_id, text, date=unix("2026-11-25 09:00")))
            at = await next_call(fake, start, offer_of(user_id, text), f"offer of {text!r}")
            offer = fake.calls[at]
            assert offer.response is not None
            keyboard = offer.params["reply_markup"]["inline_keyboard"]
            [save] = [b["callback_data"] for row in keyboard for b in row if b["text"] == "Lưu"]
            message_id = offer.response["result"]["message_id"]
            fake.enqueue_update(fake.callback(user_id, save, message_id=message_id))
            at = await next_call(fake, at + 1, outcome_in(user_id), f"saving {text!r}")
            outcome = SAVED.match(fake.calls[at].params["text"])
            if outcome is not None:
                morning.confirmed[text] = outcome.group(1)
                break
            # The offer went stale (lost in the crash): send the text again, as a person would.
            morning.stale_presses += 1
        else:
            raise AssertionError(f"{text!r} was never confirmed after {MAX_ATTEMPTS} attempts")


async def prepare_database(path: Path) -> dict[int, int]:
    """The sample organisation with ten officials linked on Telegram; user id -> person id."""
    db = await Database(path).open()
    try:
        await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        people: dict[int, int] = {}
        async with db.transaction() as tx:
            for offset, name in enumerate(OFFICIALS):
                user_id = FIRST_USER_ID + offset
                people[user_id] = await resolve_person(tx, name)
                await org.link_identity(
                    tx,
                    channel="telegram",
                    user_id=str(user_id),
                    chat_id=str(user_id),
                    person_id=people[user_id],
                    display_name=name,
                    now=datetime.now(UTC),
                )
        return people
    finally:
        await db.close()


async def stored_entries(path: Path, person_ids: list[int]) -> list[WorkLog]:
    """Every work log entry of these people."""
    db = await Database(path).open()
    try:
        async with db.read() as tx:
            return [
                entry
                for person_id in person_ids
                for entry in await worklog.recent_work_logs(tx, person_id, limit=10_000)
            ]
    finally:
        await db.close()


async def kill_while_a_batch_is_in_hand(
    bot: BotProcess, fake: FakeTelegramAPI, morning: Morning
) -> set[int]:
    """SIGKILL once enough entries are confirmed, halfway through a fetched batch.

    Halfway: part of the batch is answered, part is not, so the bot cannot have confirmed the
    batch to Telegram yet. Telegram then stalls on sendMessage for a moment, so the rest of
    the batch gets committed but its answers are stuck on the way out when the bot dies.
    Returns the batch's update ids: Telegram must deliver them again.
    """

    def batch_half_done() -> set[int]:
        if len(morning.confirmed) < KILL_AFTER_CONFIRMATIONS:
            return set()
        calls = fake.calls
        fetches = [i for i, c in enumerate(calls) if delivered_ids([c])]
        if not fetches:
            return set()
        batch = set(delivered_ids([calls[fetches[-1]]]))
        # Before the restart every update gets exactly one message back (offer or "Đã ghi").
        answered = sum(c.ok and c.method == "sendMessage" for c in calls[fetches[-1] + 1 :])
        return batch if 0 < answered < len(batch) else set()

    in_hand: set[int] = set()

    def caught(_calls: list[Call]) -> bool:
        nonlocal in_hand
        in_hand = batch_half_done()
        return bool(in_hand)

    # Checked at every call the fake records (it records a getUpdates call only when its long
    # poll ends), not by polling: a busy loop here would slow the fake on a loaded machine.
    await fake.wait_for(caught, timeout=PATIENCE)
    # No await since the check: no further answer gets through, the batch stays unconfirmed.
    # Stalled for longer than the test lasts: a stuck answer is never recorded as sent.
    fake.set_delay("sendMessage", 3 * PATIENCE)
    await asyncio.sleep(0.3)
    await bot.kill()
    fake.set_delay("sendMessage", 0)
    return in_hand


async def recovered_replies(db_path: Path) -> list[str]:
    """Keys of replies that the restarted bot found unsent and delivered through the outbox."""
    db = await Database(db_path).open()
    try:
        async with db.read() as tx:
            rows = await tx.all("SELECT key, status FROM outbox WHERE key LIKE 'reply:%'")
    finally:
        await db.close()
    assert all(r["status"] == "sent" for r in rows)
    return [r["key"] for r in rows]


async def test_sigkill_in_a_busy_morning_loses_nothing_and_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "bietphai.sqlite3"
    people = await prepare_database(db_path)
    morning = Morning()
    async with FakeTelegramAPI() as fake:
        bot = BotProcess(
            db_path,
            fake.base_url,
            tmp_path,
            # The fake does not throttle; the test is about crashes, not flood limits.
            settings={"TELEGRAM_MAX_MESSAGES_PER_SECOND": "1000"},
        )
        officials = asyncio.gather(
            *(
                official_logs_the_day(fake, user_id, person, morning)
                for person, user_id in enumerate(people, start=1)
            )
        )
        try:
            # Every wait inside is for a condition, bounded by PATIENCE.
            async with asyncio.timeout(3 * PATIENCE):
                await bot.start()
                in_hand = await kill_while_a_batch_is_in_hand(bot, fake, morning)
                killed_at = len(fake.calls)
                confirmed_before_kill = len(morning.confirmed)
                await asyncio.sleep(0.5)  # the officials keep typing while the bot is down
                await bot.start()
                await officials
                while fake.pending_updates():  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            assert await bot.terminate() == 0  # and SIGTERM stops it cleanly
        except BaseException:
            print(bot.log_tail())
            raise
        finally:
            officials.cancel()
            await bot.kill()

        # The kill came in the middle; answers committed but stuck at the kill went out after
        # the restart, through the outbox.
        assert KILL_AFTER_CONFIRMATIONS <= confirmed_before_kill < len(OFFICIALS) * ENTRIES_EACH
        assert in_hand and killed_at
        recovered = await recovered_replies(db_path)
        assert recovered, "no interrupted reply was sent after the restart"
        sent = [c.params for c in fake.calls if c.ok and c.method == "sendMessage"]
        confirmations = [
            (m.group(1), str(params["chat_id"]))
            for params in sent
            if (m := SAVED.match(params["text"]))
        ]
        # Offers and confirmations only: no "Chưa lưu được", no stale-button answer.
        others = [p["text"] for p in sent if not SAVED.match(p["text"]) and "reply_markup" not in p]
        assert others == []

    entries = await stored_entries(db_path, list(people.values()))
    by_tag = {entry.text.split("]")[0] + "]": entry for entry in entries}
    texts = [entry.text for entry in entries]
    every_text = {
        entry_text(person, n)
        for person in range(1, len(OFFICIALS) + 1)
        for n in range(1, ENTRIES_EACH + 1)
    }
    # No text stored twice, every text stored in the end.
    assert len(texts) == len(set(texts)), "a work log text was stored twice"
    assert set(texts) == every_text
    # Every "Đã ghi nhật ký" the bot sent (resent ones too) quotes a stored entry of the
    # person it was sent to, and the one whose "Lưu" that person pressed.
    for tag, chat_id in confirmations:
        assert tag in by_tag, f"confirmed entry {tag} is not stored"
        assert by_tag[tag].person_id == people[int(chat_id)]
    assert morning.confirmed == {entry.text: entry.text.split("]")[0] + "]" for entry in entries}
    # A redelivered message handled again would make a new offer and turn the button the
    # official already pressed stale; updates are recognised, so nobody had to send again.
    assert morning.stale_presses == 0, f"{morning.stale_presses} presses went stale"
