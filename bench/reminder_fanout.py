"""Reminder fan-out: 16:30 on a working day, every official has yet to log, all at once."""

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
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import bulk
from bench.bulk import BulkPerson
from bench.outbox_throughput import PACE_FRACTION, bench_settings
from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.jobs import BATCH, Jobs, Schedule
from bot.outbox_sender import OutboxSender
from bot.settings import Settings
from handlers.core.workcal import calendar_from
from storage import outbox
from storage.db import Database
from testing.fakes.telegram_api import FakeTelegramAPI

TOKEN = "123456:BENCH-reminders"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
REMINDER_DAY = date(2026, 11, 25)  # a Wednesday, no public holiday
WAVE_START, WAVE_END = date(2026, 11, 1), date(2026, 12, 31)
OFFICIALS_PER_DIVISION = 15
OFFICIALS_PER_COMMUNE = 2
FIRST_ID = 1_000_000  # person id; the chat id is the same number (bench.bulk.add_identities)
RATE_GOAL = 0.95  # delivered/s as a fraction of the limit, as in bench.outbox_throughput
QUICK_OFFICIALS = 1_000
# Seconds between looks at the outbox while it drains. Counting 20,000 rows by status costs
# about 2 ms of the event loop's time: every 10 ms (as bench.outbox_throughput does with 5,000
# rows) would take a fifth of the sender's CPU; every 100 ms adds at most 0.1 s to a drain.
POLL = 0.1
PRODUCTION_RATE = float(Settings.model_fields["telegram_outbox_messages_per_second"].default)


def reminder_moment() -> datetime:
    """16:30 local on the reminder day, the default first-reminder time."""
    return datetime.combine(REMINDER_DAY, Schedule().reminders.first, ZONE)


@dataclass(frozen=True)
class ReminderBenchResult:
    """One fan-out: how long queueing and delivery took, and what every chat received."""

    officials: int
    limit: float
    generate_seconds: float
    queued: int
    queue_seconds: float
    queued_again: int  # the second run at the same moment: must queue nothing
    requeue_seconds: float
    drain_seconds: float
    delivered: int  # linked chats that received a reminder
    too_many_requests: int
    duplicates: int  # chats that received more than one
    lost: int  # linked chats that received none

    @property
    def pace(self) -> float:
        """The sender's configured rate."""
        return bench_settings(self.limit).messages_per_second

    @property
    def queue_rows_per_second(self) -> float:
        """Outbox rows written per second by the reminder job."""
        return self.queued / self.queue_seconds if self.queue_seconds > 0 else 0.0

    @property
    def per_second(self) -> float:
        """Reminders delivered per second of drain time."""
        return self.delivered / self.drain_seconds if self.drain_seconds > 0 else 0.0

    @property
    def fraction_of_pace(self) -> float:
        """Delivered/s over the configured pace (0.97 × limit)."""
        return self.per_second / self.pace

    @property
    def fraction_of_limit(self) -> float:
        """Delivered/s over the fake platform's limit."""
        return self.per_second / self.limit

    @property
    def correct(self) -> bool:
        """One reminder per official, queued once, delivered once, never throttled."""
        return (
            self.queued == self.officials
            and self.queued_again == 0
            and self.too_many_requests == 0
            and self.duplicates == 0
            and self.lost == 0
        )


def _officials(count: int) -> list[BulkPerson]:
    return [
        BulkPerson(
            FIRST_ID + n,
            f"Cán bộ Nhắc Nhở {n:05d}",
            "official",
            f"RN{n // OFFICIALS_PER_DIVISION:04d}",
            f"08{n:08d}",
        )
        for n in range(count)
    ]


async def generate(db: Database, officials: int) -> list[str]:
    """Officials assigned over the reminder day, each linked to a chat; their chat ids."""
    now = datetime.combine(WAVE_START, datetime.min.time(), ZONE) - timedelta(days=7)
    people = _officials(officials)
    commune_of = {p.id: f"RC{n // OFFICIALS_PER_COMMUNE:05d}" for n, p in enumerate(people)}
    async with db.transaction() as tx:
        await bulk.add_divisions(
            tx,
            (
                (code, f"Phòng Nhắc Nhở {code}")
                for code in sorted({p.division_code for p in people if p.division_code})
            ),
        )
        await bulk.add_communes(
            tx, ((code, f"Xã Nhắc Nhở {code}") for code in sorted(set(commune_of.values())))
        )
        await bulk.add_people(tx, people, now)
        wave = await bulk.add_wave(tx, "Đợt nhắc nhở thử tải", WAVE_START, WAVE_END)
        await bulk.add_assignments(tx, wave, commune_of.items(), WAVE_START, WAVE_END)
        await bulk.add_identities(tx, ((p.id, False) for p in people), "telegram", now)
    return [str(p.id) for p in people]


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


async def _timed_reminders(jobs: Jobs) -> tuple[int, float]:
    started = time.perf_counter()
    queued = await jobs.send_reminders()
    return queued, time.perf_counter() - started


async def run_reminder_bench(
    officials: int = 20_000, limit: float = 1000.0, folder: Path | None = None
) -> ReminderBenchResult:
    """Generate, queue the 16:30 reminders twice, drain with one sender, count deliveries."""
    if not calendar_from(ZONE, []).is_working_day(REMINDER_DAY):
        raise RuntimeError(f"{REMINDER_DAY} is not a working day: no reminders would go out")
    with tempfile.TemporaryDirectory(prefix="bietphai-reminder-bench-") as scratch:
        db = await Database((folder or Path(scratch)) / "reminder-bench.sqlite3").open()
        try:
            started = time.perf_counter()
            chats = await generate(db, officials)
            generate_seconds = time.perf_counter() - started
            moment = reminder_moment()
            jobs = Jobs(db, ZONE, "vi", Schedule(), clock=lambda: moment)
            queued, queue_seconds = await _timed_reminders(jobs)
            queued_again, requeue_seconds = await _timed_reminders(jobs)
            async with db.read() as tx:
                pending = (await outbox.outbox_counts(tx)).get("pending", 0)
            async with FakeTelegramAPI(rate_limit_per_second=limit) as fake:
                delivery = TelegramOutbox(outbox_bot(TOKEN, fake.base_url))
                await delivery.start()
                sender = OutboxSender(db, delivery, bench_settings(limit))
                # Generous: a healthy run needs pending / (0.97 × limit) seconds.
                timeout = 60.0 + 3 * pending / limit
                started = time.perf_counter()
                await sender.start()
                try:
                    await all_sent(db, pending, timeout)
                    drain_seconds = time.perf_counter() - started
                finally:
                    await sender.stop()
                    await delivery.stop()
                received = Counter(str(m["chat_id"]) for m in fake.sent_messages)
                too_many = fake.too_many_requests
        finally:
            await db.close()
    expected = set(chats)
    return ReminderBenchResult(
        officials=officials,
        limit=limit,
        generate_seconds=generate_seconds,
        queued=queued,
        queue_seconds=queue_seconds,
        queued_again=queued_again,
        requeue_seconds=requeue_seconds,
        drain_seconds=drain_seconds,
        delivered=sum(1 for chat in received if chat in expected),
        too_many_requests=too_many,
        duplicates=sum(1 for n in received.values() if n > 1),
        lost=sum(1 for chat in expected if chat not in received),
    )


def format_report(result: ReminderBenchResult) -> str:
    """The printed summary, one measure a line."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    production_minutes = result.queued / PRODUCTION_RATE / 60
    at = reminder_moment().strftime("%H:%M %a %d/%m/%Y")
    lines = [
        f"reminder fan-out at {at} ({ZONE.key}), nobody has logged",
        f"officials          {result.officials:,} (assigned, linked on Telegram; "
        f"generated in {result.generate_seconds:.1f} s)",
        f"reminders queued   {result.queued:,}  "
        f"(one per official: {verdict(result.queued == result.officials)})",
        f"queue seconds      {result.queue_seconds:.2f}  "
        f"({result.queue_rows_per_second:,.0f} rows/s, {BATCH} rows per write transaction)",
        f"second run         {result.queued_again} new rows in {result.requeue_seconds:.2f} s  "
        f"(must be 0: {verdict(result.queued_again == 0)})",
        f"limit              {result.limit:g} msg/s on the fake Bot API "
        f"(sender paced at {PACE_FRACTION:.0%}: {result.pace:g} msg/s, 1 s per chat)",
        f"drain seconds      {result.drain_seconds:.2f}  (one OutboxSender + TelegramOutbox)",
        f"delivered/s        {result.per_second:.1f}  = {result.fraction_of_pace:.3f} of the pace "
        f"({result.fraction_of_limit:.3f} of the limit; "
        + (
            f"at least {RATE_GOAL}: the sender kept the pace)"
            if result.fraction_of_limit >= RATE_GOAL
            else f"below {RATE_GOAL}: the sender could not keep the pace)"
        ),
        f"429 provoked       {result.too_many_requests}  "
        f"(goal 0: {verdict(result.too_many_requests == 0)})",
        f"duplicates         {result.duplicates}  (must be 0: {verdict(result.duplicates == 0)})",
        f"lost               {result.lost}  (must be 0: {verdict(result.lost == 0)})",
        f"production         paced at TELEGRAM_OUTBOX_MESSAGES_PER_SECOND "
        f"({PRODUCTION_RATE:g}/s by default): these {result.queued:,} reminders take "
        f"~{production_minutes:.1f} min; the bench uses a scaled limit",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminder_fanout",
        description="Queue the 16:30 reminders for every official, then drain them; time both.",
    )
    parser.add_argument(
        "--officials", type=int, default=20_000, help="officials, none logged (default 20000)"
    )
    parser.add_argument(
        "--limit", type=float, default=1000.0, help="fake API limit, sends/s (default 1000)"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"small run: {QUICK_OFFICIALS:,} officials"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.officials = QUICK_OFFICIALS
    if args.officials < 1 or args.limit <= 0:
        parser.error("--officials must be at least 1, --limit above 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the summary; exit 1 when a must-hold figure does not hold."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # PTB warns that retry_after will become a timedelta; the sender reads both forms.
    warnings.filterwarnings("ignore", message=".*retry_after.*", category=DeprecationWarning)
    result = asyncio.run(run_reminder_bench(args.officials, args.limit))
    print(format_report(result))
    return 0 if result.correct else 1


if __name__ == "__main__":
    sys.exit(main())
