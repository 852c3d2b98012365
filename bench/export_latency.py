"""Officials' reply latency while department leadership exports a month of 20,000 officials.

The real stack (build_application + TelegramChannel + TelegramPolling + Router + the export
worker with its separate process) on a copy of the digest bench's database (bench/digest_cost.py:
20,000 officials, an entry a day each for 120 days ending 24/12/2026). M officials chat at once
as in bench.telegram_throughput (each sends a log text and waits for the offer before the
next). First a baseline phase without any export; then leadership (Trương Văn Thành, supervises
all) sends `/xuat 25/11/2026 24/12/2026` and the officials keep chatting until the workbook is
built. Goal: p95 latency during the export ÷ p95 without ≤ 2.

Run: python -m bench.export_latency [--officials 200] [--baseline-seconds 30] [--quick]
     [--mode process|thread]   (thread: the build in a thread of the bot's own process)
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import bulk
from bench.digest_cost import (
    DIGEST_DAY,
    FIRST_SYNTHETIC_ID,
    QUICK_DAYS,
    QUICK_OFFICIALS,
    cache_folder,
    prepared,
)
from bench.telegram_throughput import (
    MAX_MESSAGES_PER_SECOND,
    OFFER_PREFIX,
    POLL_TIMEOUT,
    TOKEN,
    ZONE,
    Driver,
    ReplyTracker,
    work_text,
)
from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_transport import TelegramPolling
from bot.export_worker import ExportWorker, spawn_executor
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import export_jobs, org, outbox
from storage.db import Database
from testing.fakes.telegram_api import FakeTelegramAPI

GOAL = 2.0
DAYS = 120
LEADER_USER = 600_000_001
LEADER = "Trương Văn Thành"
EXPORT_DAYS = 30


@dataclass(frozen=True)
class Phase:
    """One phase of chatting: its length, the replies and their latencies."""

    name: str
    seconds: float
    latencies_ms: list[float]
    unexpected: int

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in ms."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def per_second(self) -> float:
        """Replies per second."""
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class LatencyResult:
    """Both phases and the export's own figures."""

    officials: int
    entries_exported: int
    export_seconds: float
    baseline: Phase
    during: Phase
    mode: str

    @property
    def ratio(self) -> float:
        """p95 during the export ÷ p95 without."""
        base = self.baseline.percentile(95)
        return self.during.percentile(95) / base if base else 0.0


async def chat_until(driver: Driver, stop: asyncio.Event, name: str) -> Phase:
    """Every official chats (one message at a time) until `stop` is set."""
    latencies: list[float] = []
    started = time.monotonic()

    async def official(user_id: int) -> int:
        bad, index = 0, 0
        while not stop.is_set():
            update = driver.fake.text_message(user_id, work_text(user_id, index), first_name="Cb")
            call, latency = await driver.send_and_wait(user_id, update)
            latencies.append(latency)
            bad += not str(call.params.get("text", "")).startswith(OFFER_PREFIX)
            index += 1
        return bad

    bad = await asyncio.gather(*(official(user_id) for user_id in driver.user_ids))
    return Phase(name, time.monotonic() - started, latencies, sum(bad))


async def prepare_chats(db: Database, user_ids: list[int]) -> None:
    """Leadership's Telegram chat; the chatting officials assigned around today, whatever the
    date the bench runs on (the generated waves end a month after 24/12/2026)."""
    today = datetime.now(ZONE).date()
    async with db.transaction() as tx:
        wave = await bulk.add_wave(
            tx, "Đợt đo độ trễ", today - timedelta(days=30), today + timedelta(days=30)
        )
        await bulk.add_assignments(
            tx,
            wave,
            ((user_id, "XA01") for user_id in user_ids),
            today - timedelta(days=30),
            today + timedelta(days=30),
        )
        [leader] = await org.people_matching(tx, LEADER)
        await org.link_identity(
            tx,
            channel="telegram",
            user_id=str(LEADER_USER),
            chat_id=str(LEADER_USER),
            person_id=leader.id,
            display_name="Thành",
            now=datetime.now(UTC),
        )


async def run_export_latency(
    officials: int,
    population: int,
    baseline_seconds: float,
    mode: str,
    cache: Path,
    days: int = DAYS,
) -> LatencyResult:
    """Prepare a copy of the cached database, then the two phases."""
    generated = await prepared(cache, population, days)
    with tempfile.TemporaryDirectory(prefix="bietphai-export-latency-") as folder:
        path = Path(folder) / "bietphai.sqlite3"
        shutil.copyfile(generated.path, path)
        db = await Database(path).open()
        try:
            # The synthetic officials' Telegram user and chat ids are their person ids.
            user_ids = [FIRST_SYNTHETIC_ID + n for n in range(officials)]
            await prepare_chats(db, user_ids)
            return await _phases(db, Path(folder), user_ids, baseline_seconds, mode)
        finally:
            await db.close()


async def _phases(
    db: Database, folder: Path, user_ids: list[int], baseline_seconds: float, mode: str
) -> LatencyResult:
    def executor() -> Executor:
        return ThreadPoolExecutor(max_workers=1) if mode == "thread" else spawn_executor()

    async with FakeTelegramAPI() as fake:
        application = build_application(
            TOKEN, fake.base_url, max_messages_per_second=MAX_MESSAGES_PER_SECOND
        )
        router = Router(db, HandlerConfig(zone=ZONE, language="vi", backdate_days=7))
        channel = TelegramChannel(application, router, "vi")
        polling = TelegramPolling(channel, timeout=POLL_TIMEOUT)
        built = asyncio.Event()  # the worker queued the finished workbook
        worker = ExportWorker(
            db, folder / "files", "Asia/Ho_Chi_Minh", executor=executor, queued=built.set
        )
        tracker = ReplyTracker(fake)
        tracker.start()
        await channel.start()
        await polling.start()
        await worker.start()
        try:
            driver = Driver(fake, tracker, user_ids)
            # Warm-up: one message each, untimed.
            for user_id in user_ids:
                await driver.send_and_wait(
                    user_id, fake.text_message(user_id, work_text(user_id, 0))
                )

            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(baseline_seconds, stop.set)
            baseline = await chat_until(driver, stop, "without export")

            stop = asyncio.Event()
            last = DIGEST_DAY
            first = last - timedelta(days=EXPORT_DAYS - 1)
            asked = f"/xuat {first:%d/%m/%Y} {last:%d/%m/%Y}"
            leader = tracker.expect(LEADER_USER)
            started = time.monotonic()
            fake.enqueue_update(fake.command(LEADER_USER, asked, first_name="Thành"))

            async def watch() -> None:
                await leader  # "Đang lập tệp…" came back at once
                await built.wait()
                stop.set()

            watcher = asyncio.create_task(watch())
            during = await chat_until(driver, stop, "during export")
            await watcher
            export_seconds = time.monotonic() - started
            async with db.read() as tx:
                status = await export_jobs.status_of(tx, 1)
            if status != "done":
                raise RuntimeError(f"the export ended as {status}")
            entries = await _entries_exported(db)
        finally:
            await worker.stop()
            await polling.stop()
            await channel.stop()
            await tracker.stop()
    return LatencyResult(len(user_ids), entries, export_seconds, baseline, during, mode)


async def _entries_exported(db: Database) -> int:
    """The entry count the finished export's message gives ("…, 600000 nhật ký, …")."""
    async with db.read() as tx:
        [(_, _, payload)] = await outbox.payloads_like(tx, "export:")
    found = re.search(r"(\d+) nhật ký", str(payload["text"]))
    return int(found.group(1)) if found else 0


def format_report(result: LatencyResult) -> str:
    """The printed figures."""
    lines = [
        f"{result.officials} officials chatting; leadership exports {EXPORT_DAYS} days of the "
        f"whole department ({result.entries_exported:,} entries) in {result.export_seconds:.1f} s "
        f"(build in a {result.mode})",
        f"{'phase':<16} {'replies':>7} {'seconds':>7} {'replies/s':>9} {'p50 ms':>7} {'p95 ms':>7}",
    ]
    for phase in (result.baseline, result.during):
        lines.append(
            f"{phase.name:<16} {len(phase.latencies_ms):>7} {phase.seconds:>7.1f} "
            f"{phase.per_second:>9.1f} {phase.percentile(50):>7.1f} {phase.percentile(95):>7.1f}"
        )
    verdict = "met" if result.ratio <= GOAL else "NOT met"
    lines.append(f"p95 during ÷ without: {result.ratio:.2f} (goal ≤ {GOAL}: {verdict})")
    unexpected = result.baseline.unexpected + result.during.unexpected
    if unexpected:
        lines.append(f"WARNING: {unexpected} replies were not the expected offer")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.export_latency", description=__doc__)
    parser.add_argument("--officials", type=int, default=200, help="officials chatting")
    parser.add_argument("--population", type=int, default=20_000, help="officials in the database")
    parser.add_argument("--baseline-seconds", type=float, default=30.0)
    parser.add_argument("--mode", choices=("process", "thread"), default="process")
    parser.add_argument("--quick", action="store_true", help="20 officials of 2,000, 5 s")
    parser.add_argument("--cache-dir", type=Path, default=cache_folder())
    options = parser.parse_args(argv)
    officials, population = options.officials, options.population
    baseline, days = options.baseline_seconds, DAYS
    if options.quick:
        officials, population, baseline, days = 20, QUICK_OFFICIALS, 5.0, QUICK_DAYS
    result = asyncio.run(
        run_export_latency(officials, population, baseline, options.mode, options.cache_dir, days)
    )
    print(format_report(result))
    return 0 if result.baseline.unexpected + result.during.unexpected == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
