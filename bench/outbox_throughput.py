"""Outbox throughput: how close one sender gets to Telegram's flood limit without crossing it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.app import SAMPLE_WORKBOOK
from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.orgservice import import_org
from bot.outbox_sender import OutboxSender, SenderSettings
from handlers.core.messages import Reply
from storage import org, outbox
from storage.db import Database
from storage.models import Role
from storage.org_import import OrgData, PersonRow, apply_org, resolve_person
from testing.fakes.telegram_api import FakeTelegramAPI

TOKEN = "123456:BENCH-outbox"
RATE_GOAL = 0.95  # delivered/s as a fraction of the limit
# Even pacing at exactly the limit is not enough: HTTP and event-loop jitter bunch a few sends,
# and a sliding one-second window then sees limit + 1 of them and answers 429 (which costs a
# whole retry_after second). Three percent below the limit leaves room for that jitter.
PACE_FRACTION = 0.97
BENCH_DIVISION = "XDCQ"
FIRST_CHAT_ID = 900_000_000
FIRST_PHONE = 980_000_000  # "0980000000" onwards; the sample people use 09000000xx
POLL = 0.01  # seconds between looks at the outbox while it drains
# Quick: a couple of seconds. Chats stay >= the default limit: with 1 s between two messages
# to one chat, fewer chats than the limit would cap the rate at `chats` per second.
QUICK_MESSAGES = 600
QUICK_CHATS = 300


@dataclass(frozen=True)
class OutboxBenchResult:
    """One timed drain and what the fake Bot API saw."""

    messages: int
    chats: int
    limit: float
    seconds: float
    delivered: int  # distinct queued texts that reached their chat
    too_many_requests: int
    duplicates: int  # texts delivered more than once
    lost: int  # queued texts never delivered

    @property
    def per_second(self) -> float:
        """Distinct messages delivered per second of wall time."""
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    @property
    def ceiling(self) -> float:
        """The best rate this run allows: the sender's pace, or one message a second per chat."""
        settings = bench_settings(self.limit)
        per_chat = self.chats / settings.chat_interval if settings.chat_interval else self.limit
        return min(settings.messages_per_second, per_chat)

    @property
    def fraction_of_limit(self) -> float:
        """Delivered/s over the platform's limit."""
        return self.per_second / self.limit

    @property
    def goals_met(self) -> bool:
        """Fast enough, never throttled, nothing twice, nothing lost."""
        return (
            self.fraction_of_limit >= RATE_GOAL
            and self.too_many_requests == 0
            and self.duplicates == 0
            and self.lost == 0
        )


def bench_settings(limit: float) -> SenderSettings:
    """The sender's settings for a platform limit: paced just under it, 1 s per chat."""
    return SenderSettings(messages_per_second=PACE_FRACTION * limit, chat_interval=1.0)


def message_text(n: int) -> str:
    """The distinct text of queued message n."""
    return f"Nhắc nhở thử tải số {n:05d}: anh/chị chưa ghi nhật ký công tác hôm nay."


async def prepare_database(db: Database, chats: int, messages: int) -> list[str]:
    """Sample organisation, `chats` linked officials, `messages` queued rows; their texts."""
    now = datetime.now(UTC)
    await import_org(db, SAMPLE_WORKBOOK, now, actor="bench")
    phones = [f"0{FIRST_PHONE + n}" for n in range(chats)]
    officials = OrgData(
        people=[
            PersonRow(f"Cán bộ thử tải {n:04d}", Role.OFFICIAL.value, BENCH_DIVISION, phone)
            for n, phone in enumerate(phones)
        ]
    )
    async with db.transaction() as tx:
        await apply_org(tx, officials, now)
        people: list[int] = []
        for n, phone in enumerate(phones):
            person_id = await resolve_person(tx, phone)
            chat_id = str(FIRST_CHAT_ID + n)
            await org.link_identity(
                tx,
                channel="telegram",
                user_id=chat_id,
                chat_id=chat_id,
                person_id=person_id,
                display_name=f"Cán bộ thử tải {n:04d}",
                now=now,
            )
            people.append(person_id)
    texts = [message_text(n) for n in range(messages)]
    async with db.transaction() as tx:
        for n, text in enumerate(texts):
            await outbox.enqueue(
                tx,
                key=f"bench:{n}",
                person_id=people[n % chats],
                payload=Reply(text).to_json(),
                now=now,
            )
    return texts


async def all_sent(db: Database, count: int, timeout: float) -> None:  # noqa: ASYNC109
    """Wait until `count` rows are 'sent'; TimeoutError says where the outbox stands."""
    deadline = time.perf_counter() + timeout
    while True:
        async with db.read() as tx:
            counts = await outbox.outbox_counts(tx)
        if counts.get("sent", 0) >= count:
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"outbox not drained after {timeout:.0f} s: {counts}")
        await asyncio.sleep(POLL)


async def run_outbox_bench(
    messages: int = 5000, chats: int = 1000, limit: float = 300.0, folder: Path | None = None
) -> OutboxBenchResult:
    """Queue, drain with one sender into a rate-limited fake, and count what arrived."""
    with tempfile.TemporaryDirectory(prefix="bietphai-outbox-bench-") as scratch:
        db = await Database((folder or Path(scratch)) / "outbox-bench.sqlite3").open()
        try:
            texts = await prepare_database(db, chats, messages)
            async with FakeTelegramAPI(rate_limit_per_second=limit) as fake:
                delivery = TelegramOutbox(outbox_bot(TOKEN, fake.base_url))
                await delivery.start()
                sender = OutboxSender(db, delivery, bench_settings(limit))
                # Generous: a healthy run needs messages / limit seconds (or more per chat).
                timeout = 60.0 + 3 * max(messages / limit, messages / chats)
                started = time.perf_counter()
                await sender.start()
                try:
                    await all_sent(db, messages, timeout)
                    seconds = time.perf_counter() - started
                finally:
                    await sender.stop()
                    await delivery.stop()
                received = Counter(str(m["text"]) for m in fake.sent_messages)
                too_many = fake.too_many_requests
        finally:
            await db.close()
    queued = set(texts)
    return OutboxBenchResult(
        messages=messages,
        chats=chats,
        limit=limit,
        seconds=seconds,
        delivered=sum(1 for text in received if text in queued),
        too_many_requests=too_many,
        duplicates=sum(1 for n in received.values() if n > 1),
        lost=sum(1 for text in queued if text not in received),
    )


def format_report(result: OutboxBenchResult) -> str:
    """The printed summary, one measure a line."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    fraction = result.fraction_of_limit
    lines = [
        "outbox drain: one OutboxSender + TelegramOutbox, fake Bot API with a sliding 1 s limit",
        f"messages           {result.messages}",
        f"chats              {result.chats}",
        f"limit              {result.limit:g} msg/s (sender paced at {PACE_FRACTION:.0%} of it)",
        f"ceiling            {result.ceiling:.1f} msg/s (the pace, or 1 msg/s per chat)",
        f"seconds            {result.seconds:.2f}",
        f"delivered/s        {result.per_second:.1f}",
        f"fraction of limit  {fraction:.3f}  "
        f"(goal >= {RATE_GOAL}: {verdict(fraction >= RATE_GOAL)})",
        f"429 provoked       {result.too_many_requests}  "
        f"(goal 0: {verdict(result.too_many_requests == 0)})",
        f"duplicates         {result.duplicates}  (must be 0: {verdict(result.duplicates == 0)})",
        f"lost               {result.lost}  (must be 0: {verdict(result.lost == 0)})",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.outbox_throughput",
        description="Drain the outbox into a rate-limited fake Telegram Bot API and time it.",
    )
    parser.add_argument("--messages", type=int, default=5000, help="rows queued (default 5000)")
    parser.add_argument("--chats", type=int, default=1000, help="linked chats (default 1000)")
    parser.add_argument(
        "--limit", type=float, default=300.0, help="fake API limit, sends/s (default 300)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small run: {QUICK_MESSAGES} messages over {QUICK_CHATS} chats",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.messages, args.chats = QUICK_MESSAGES, QUICK_CHATS
    if args.messages < 1 or args.chats < 1 or args.limit <= 0:
        parser.error("--messages and --chats must be at least 1, --limit above 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the summary; exit 1 when a goal is not met."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # PTB warns that retry_after will become a timedelta; the sender reads both forms.
    warnings.filterwarnings("ignore", message=".*retry_after.*", category=DeprecationWarning)
    result = asyncio.run(run_outbox_bench(args.messages, args.chats, args.limit))
    print(format_report(result))
    return 0 if result.goals_met else 1


if __name__ == "__main__":
    sys.exit(main())
