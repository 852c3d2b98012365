"""Throughput of bietphai's Telegram stack beside a bare python-telegram-bot echo bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import logging
import resource
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, filters
from telegram.ext import MessageHandler as PTBMessageHandler

from bot.app import SAMPLE_WORKBOOK
from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_transport import TelegramPolling
from bot.orgservice import import_org
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import org
from storage.db import Database
from testing.fakes.telegram_api import Call, FakeTelegramAPI

TOKEN = "123456:BENCH-token"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
GOAL = 0.8
# The fake has no flood limit, so the rate limiter is set far above what we reach.
MAX_MESSAGES_PER_SECOND = 100_000.0
POLL_TIMEOUT = 1
FIRST_USER_ID = 700_000_000
BENCH_DIVISION = "XDCQ"
BENCH_WAVE = "Đợt thử tải"
SAMPLE_COMMUNES = tuple(f"XA{n:02d}" for n in range(1, 20))
REPLY_TIMEOUT = 60.0
OFFER_PREFIX = "Lưu nội dung này"
SAVED_PREFIX = "Đã ghi"
OpenDb = Callable[[], Awaitable[Database]]
SAVE_LABEL = "Lưu"

WORK = (
    "Họp giao ban với UBND xã, hướng dẫn quy trình một cửa",
    "Rà soát hồ sơ cán bộ, công chức cấp xã",
    "Hướng dẫn lập danh sách biên chế năm 2027",
    "Kiểm tra việc lưu trữ hồ sơ tại bộ phận văn thư",
    "Trao đổi với Chủ tịch xã về sắp xếp bộ máy",
)

Converse = Callable[["Driver", int, int, list[float]], Awaitable[int]]


# --------------------------------------------------------------------------- results


@dataclass
class BotResult:
    """One timed run: how many updates got their reply, in how long, with what latency."""

    bot: str
    updates: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    unexpected: int = 0
    cpu_seconds: float = 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        """Process CPU time (every thread: bot, fake server, clients) per update, in ms."""
        return self.cpu_seconds / self.updates * 1000 if self.updates else 0.0

    @property
    def per_second(self) -> float:
        """Updates answered per second of wall time."""
        return self.updates / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in ms (q in 0..100), nearest-rank."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        """Median latency in ms."""
        return self.percentile(50)

    @property
    def p95(self) -> float:
        """95th percentile latency in ms."""
        return self.percentile(95)


@dataclass
class BenchResult:
    """Both bots at the same sizes (every round kept), plus the optional press run."""

    officials: int
    messages: int
    bietphai_runs: list[BotResult]
    echo_runs: list[BotResult]
    press: BotResult | None
    peak_rss_mb: float

    @property
    def bietphai(self) -> BotResult:
        """bietphai's median round by updates/s."""
        return median_run(self.bietphai_runs)

    @property
    def echo(self) -> BotResult:
        """The echo bot's median round by updates/s."""
        return median_run(self.echo_runs)

    @property
    def ratio(self) -> float:
        """bietphai updates/s over echo updates/s, median rounds (the goal is GOAL or more)."""
        return self.bietphai.per_second / self.echo.per_second if self.echo.per_second else 0.0

    @property
    def rows(self) -> list[BotResult]:
        """The table rows in print order."""
        return [self.bietphai, self.echo] + ([self.press] if self.press else [])

    @property
    def unexpected(self) -> int:
        """Replies that were not the expected answer, over every run."""
        runs = self.bietphai_runs + self.echo_runs + ([self.press] if self.press else [])
        return sum(run.unexpected for run in runs)


def median_run(runs: list[BotResult]) -> BotResult:
    """The run with the median updates/s (the lower one of the middle two)."""
    ordered = sorted(runs, key=lambda run: run.per_second)
    return ordered[(len(ordered) - 1) // 2]


def format_report(result: BenchResult) -> str:
    """The printed table."""
    header = (
        f"{'bot':<15} {'updates':>7} {'seconds':>7} {'updates/s':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'cpu ms/upd':>10}"
    )
    rounds = len(result.bietphai_runs)
    lines = [
        f"officials={result.officials} messages={result.messages} rounds={rounds} "
        "(each official waits for the reply before sending the next; median round shown)",
        header,
        "-" * len(header),
    ]
    for row in result.rows:
        lines.append(
            f"{row.bot:<15} {row.updates:>7} {row.seconds:>7.2f} {row.per_second:>9.1f} "
            f"{row.p50:>7.1f} {row.p95:>7.1f} {row.cpu_ms_per_update:>10.2f}"
        )
    if rounds > 1:
        for runs in (result.bietphai_runs, result.echo_runs):
            each = " / ".join(f"{run.per_second:.0f}" for run in runs)
            lines.append(f"  {runs[0].bot} updates/s by round: {each}")
    verdict = "met" if result.ratio >= GOAL else "NOT met"
    lines.append(
        f"ratio bietphai/echo (updates/s): {result.ratio:.2f}  "
        f"(goal >= {GOAL} at 200 officials: {verdict})"
    )
    if result.unexpected:
        lines.append(f"WARNING: {result.unexpected} replies were not the expected answer")
    lines.append(f"peak RSS: {result.peak_rss_mb:.1f} MB")
    return "\n".join(lines)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KiB on Linux)."""
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (1024 * 1024) if sys.platform == "darwin" else usage / 1024


# --------------------------------------------------------------------------- driving


class ReplyTracker:
    """Matches every sendMessage the fake records to the oldest waiter of that chat.

    One scanner over fake.calls (each call looked at once), instead of one wait_for per
    chat re-scanning the whole list, which would cost O(calls x chats).
    """

    def __init__(self, fake: FakeTelegramAPI) -> None:
        self.fake = fake
        self.stray = 0
        self._cursor = len(fake.calls)
        self._waiting: defaultdict[str, deque[asyncio.Future[Call]]] = defaultdict(deque)
        self._closed = False
        self._task: asyncio.Task[list[Call]] | None = None

    def start(self) -> None:
        """Start scanning in the background."""
        self._task = asyncio.create_task(self.fake.wait_for(self._scan, timeout=24 * 3600.0))

    async def stop(self) -> None:
        """Stop scanning."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def expect(self, chat_id: int) -> asyncio.Future[Call]:
        """A future for the next sendMessage to this chat (register before enqueueing)."""
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        self._waiting[str(chat_id)].append(future)
        return future

    def _scan(self, calls: list[Call]) -> bool:
        while self._cursor < len(calls):
            call = calls[self._cursor]
            self._cursor += 1
            if call.method != "sendMessage" or not call.ok:
                continue
            queue = self._waiting.get(str(call.params.get("chat_id")))
            if queue:
                future = queue.popleft()
                if not future.done():
                    future.set_result(call)
            else:
                self.stray += 1
        return self._closed


@dataclass
class Driver:
    """The client side: officials typing into the fake, one conversation per chat."""

    fake: FakeTelegramAPI
    tracker: ReplyTracker
    user_ids: list[int]

    async def send_and_wait(self, user_id: int, update: dict[str, Any]) -> tuple[Call, float]:
        """Enqueue one update and wait for the bot's reply; returns it and the latency in ms."""
        future = self.tracker.expect(user_id)
        sent_at = time.monotonic()
        self.fake.enqueue_update(update)
        try:
            call = await asyncio.wait_for(future, REPLY_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(
                f"no reply to chat {user_id} within {REPLY_TIMEOUT:.0f} s "
                f"({len(self.fake.calls)} calls recorded)"
            ) from None
        return call, (call.at - sent_at) * 1000

    async def run(
        self, converse: Converse, per_official: Sequence[int]
    ) -> tuple[float, float, list[float], int]:
        """All officials at once; returns wall and CPU seconds, latencies, unexpected replies."""
        latencies: list[float] = []
        started, cpu_started = time.monotonic(), time.process_time()
        bad = await asyncio.gather(
            *(
                converse(self, user_id, count, latencies)
                for user_id, count in zip(self.user_ids, per_official, strict=True)
                if count
            )
        )
        wall, cpu = time.monotonic() - started, time.process_time() - cpu_started
        return wall, cpu, latencies, sum(bad)


def work_text(user_id: int, index: int) -> str:
    """A plausible work log line (never starting with a date or a slash)."""
    return f"{WORK[(user_id + index) % len(WORK)]} (lần {index + 1})"


def split_messages(messages: int, officials: int) -> list[int]:
    """Messages per official, as even as possible, summing to `messages`."""
    base, extra = divmod(messages, officials)
    return [base + (1 if i < extra else 0) for i in range(officials)]


def save_button(call: Call) -> str | None:
    """The callback data of the "Lưu" button of an offer."""
    markup = call.params.get("reply_markup")
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if button.get("text") == SAVE_LABEL:
                return str(button.get("callback_data"))
    return None


async def converse_offer(driver: Driver, user_id: int, count: int, latencies: list[float]) -> int:
    """An official sending `count` log texts; bietphai answers each with the offer."""
    bad = 0
    for index in range(count):
        update = driver.fake.text_message(user_id, work_text(user_id, index), first_name="Cán bộ")
        call, latency = await driver.send_and_wait(user_id, update)
        latencies.append(latency)
        bad += not str(call.params.get("text", "")).startswith(OFFER_PREFIX)
    return bad


async def converse_press(driver: Driver, user_id: int, count: int, latencies: list[float]) -> int:
    """As converse_offer, then press "Lưu" on each offer; bietphai confirms "Đã ghi"."""
    bad = 0
    for index in range(count):
        update = driver.fake.text_message(user_id, work_text(user_id, index), first_name="Cán bộ")
        offer, latency = await driver.send_and_wait(user_id, update)
        latencies.append(latency)
        data = save_button(offer)
        if data is None:
            bad += 1
            continue
        press = driver.fake.callback(user_id, data, first_name="Cán bộ")
        saved, latency = await driver.send_and_wait(user_id, press)
        latencies.append(latency)
        bad += not str(saved.params.get("text", "")).startswith(SAVED_PREFIX)
    return bad


async def converse_echo(driver: Driver, user_id: int, count: int, latencies: list[float]) -> int:
    """A user sending `count` texts to the echo bot."""
    bad = 0
    for index in range(count):
        text = work_text(user_id, index)
        call, latency = await driver.send_and_wait(user_id, driver.fake.text_message(user_id, text))
        latencies.append(latency)
        bad += call.params.get("text") != text
    return bad


async def timed_run(
    name: str,
    driver: Driver,
    converse: Converse,
    *,
    messages: int,
    warmup: int,
) -> BotResult:
    """Warm up with one message from each of the first `warmup` chats, then time the run."""
    warm = [1 if i < warmup else 0 for i in range(len(driver.user_ids))]
    _, _, _, warm_bad = await driver.run(converse, warm)
    seconds, cpu, latencies, bad = await driver.run(
        converse, split_messages(messages, len(driver.user_ids))
    )
    unexpected = bad + warm_bad + driver.tracker.stray
    return BotResult(name, len(latencies), seconds, latencies, unexpected, cpu)


# --------------------------------------------------------------------------- bietphai


def write_bench_org(folder: Path, officials: int, today_start: str, today_end: str) -> None:
    """A CSV organisation folder: M officials, one bench wave around today, sample communes."""
    folder.mkdir(parents=True, exist_ok=True)
    sheets: dict[str, list[list[str]]] = {
        "divisions": [["code", "name"]],
        "communes": [["code", "name", "district", "border"]],
        "people": [["full_name", "role", "division", "phone", "supervises"]],
        "waves": [["name", "start", "end"], [BENCH_WAVE, today_start, today_end]],
        "assignments": [["person", "commune", "wave", "start", "end"]],
    }
    for n in range(officials):
        name, phone = official_name(n), f"09{71_000_000 + n:08d}"
        sheets["people"].append([name, "official", BENCH_DIVISION, phone, ""])
        sheets["assignments"].append(
            [phone, SAMPLE_COMMUNES[n % len(SAMPLE_COMMUNES)], BENCH_WAVE, "", ""]
        )
    for sheet, rows in sheets.items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)


def official_name(n: int) -> str:
    """A synthetic official's full name."""
    return f"Cán bộ Thử Tải {n + 1:04d}"


async def prepare_database(path: Path, officials: int, open_db: OpenDb | None = None) -> list[int]:
    """The sample organisation plus M bench officials, each linked to a Telegram account."""
    now = datetime.now(ZONE)
    today = now.date()
    db = await (open_db() if open_db else Database(path).open())
    try:
        await import_org(db, SAMPLE_WORKBOOK, now, actor="bench")
        folder = path.parent / "bench-org"
        write_bench_org(
            folder,
            officials,
            (today - timedelta(days=30)).strftime("%d/%m/%Y"),
            (today + timedelta(days=30)).strftime("%d/%m/%Y"),
        )
        await import_org(db, folder, now, actor="bench")
        user_ids = [FIRST_USER_ID + n for n in range(officials)]
        async with db.transaction() as tx:
            by_name = {p.full_name: p.id for p in await org.all_people(tx)}
            for n, user_id in enumerate(user_ids):
                await org.link_identity(
                    tx,
                    channel="telegram",
                    user_id=str(user_id),
                    chat_id=str(user_id),
                    person_id=by_name[official_name(n)],
                    display_name="Cán bộ",
                    now=now.astimezone(UTC),
                )
    finally:
        await db.close()
    return user_ids


async def run_bietphai(
    workdir: Path,
    officials: int,
    messages: int,
    warmup: int,
    *,
    press: bool,
    send_delay_ms: float = 0.0,
    open_db: OpenDb | None = None,
) -> BotResult:
    """bietphai's real Telegram stack on a fresh fake and a fresh database.

    `open_db` opens another (empty) store instead of a new SQLite file: bench.pg_throughput.
    """
    path = workdir / "bietphai.sqlite3"
    workdir.mkdir(parents=True)
    user_ids = await prepare_database(path, officials, open_db)
    db = await (open_db() if open_db else Database(path).open())
    async with FakeTelegramAPI() as fake:
        fake.set_delay("sendMessage", send_delay_ms / 1000)
        application = build_application(
            TOKEN, fake.base_url, max_messages_per_second=MAX_MESSAGES_PER_SECOND
        )
        router = Router(db, HandlerConfig(zone=ZONE, language="vi", backdate_days=7))
        channel = TelegramChannel(application, router, "vi")
        polling = TelegramPolling(channel, timeout=POLL_TIMEOUT)
        tracker = ReplyTracker(fake)
        tracker.start()
        await channel.start()
        await polling.start()
        try:
            driver = Driver(fake, tracker, user_ids)
            if press:
                return await timed_run(
                    "bietphai+press", driver, converse_press, messages=messages, warmup=warmup
                )
            return await timed_run(
                "bietphai", driver, converse_offer, messages=messages, warmup=warmup
            )
        finally:
            await polling.stop()
            await channel.stop()
            await tracker.stop()
            await db.close()


# --------------------------------------------------------------------------- echo


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(chat_id=message.chat_id, text=message.text)


def build_echo_application(base_url: str) -> Application:  # type: ignore[type-arg]
    """The bare PTB echo bot: standard builder and Updater, same rate limiter as bietphai."""
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .base_file_url(base_url.replace("/bot", "/file/bot", 1))
        .rate_limiter(AIORateLimiter(overall_max_rate=MAX_MESSAGES_PER_SECOND, max_retries=3))
        .build()
    )
    application.add_handler(PTBMessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return application


async def run_echo(
    officials: int, messages: int, warmup: int, *, send_delay_ms: float = 0.0
) -> BotResult:
    """The echo bot on a fresh fake: run_polling's start sequence without its signal loop."""
    async with FakeTelegramAPI() as fake:
        fake.set_delay("sendMessage", send_delay_ms / 1000)
        application = build_echo_application(fake.base_url)
        updater = application.updater
        assert updater is not None
        tracker = ReplyTracker(fake)
        tracker.start()
        await application.initialize()
        await updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
        await application.start()
        try:
            driver = Driver(fake, tracker, [FIRST_USER_ID + n for n in range(officials)])
            return await timed_run("echo", driver, converse_echo, messages=messages, warmup=warmup)
        finally:
            await updater.stop()
            await application.stop()
            await application.shutdown()
            await tracker.stop()


# --------------------------------------------------------------------------- entry


async def run_bench(
    officials: int = 200,
    messages: int = 2000,
    *,
    with_press: bool = False,
    warmup: int = 10,
    rounds: int = 1,
    send_delay_ms: float = 0.0,
) -> BenchResult:
    """Echo and bietphai at the same sizes, alternating which goes first, `rounds` times each;
    then, if asked, bietphai with a press on every offer (once).

    send_delay_ms makes the fake answer every sendMessage that much later (network latency).
    """
    if officials < 1 or messages < 1 or rounds < 1:
        raise ValueError("officials, messages and rounds must be at least 1")
    warmup = min(warmup, officials)
    bietphai_runs: list[BotResult] = []
    echo_runs: list[BotResult] = []
    with tempfile.TemporaryDirectory(prefix="bietphai-bench-") as tmp:
        workdir = Path(tmp)
        for number in range(rounds):
            folder = workdir / f"round-{number + 1}"
            bietphai_first = number % 2 == 1
            if bietphai_first:
                bietphai_runs.append(
                    await run_bietphai(
                        folder,
                        officials,
                        messages,
                        warmup,
                        press=False,
                        send_delay_ms=send_delay_ms,
                    )
                )
            echo_runs.append(
                await run_echo(officials, messages, warmup, send_delay_ms=send_delay_ms)
            )
            if not bietphai_first:
                bietphai_runs.append(
                    await run_bietphai(
                        folder,
                        officials,
                        messages,
                        warmup,
                        press=False,
                        send_delay_ms=send_delay_ms,
                    )
                )
        press = None
        if with_press:
            folder = workdir / "press"
            press = await run_bietphai(
                folder, officials, messages, warmup, press=True, send_delay_ms=send_delay_ms
            )
    return BenchResult(officials, messages, bietphai_runs, echo_runs, press, peak_rss_mb())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.telegram_throughput",
        description="Updates/s of bietphai's Telegram stack vs a bare PTB echo bot (fake API).",
    )
    parser.add_argument("--officials", type=int, default=None, help="concurrent chats (200)")
    parser.add_argument("--messages", type=int, default=None, help="timed messages (2000)")
    parser.add_argument(
        "--rounds", type=int, default=None, help="timed runs of each bot, median shown (3)"
    )
    parser.add_argument(
        "--with-press", action="store_true", help="also run offer + press 'Lưu' (reported apart)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke sizes: 20 officials, 100 messages, 1 round"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed warm-up messages (10)")
    parser.add_argument(
        "--send-delay-ms",
        type=float,
        default=0.0,
        help="the fake answers each sendMessage this much later, like a real network (0)",
    )
    args = parser.parse_args(argv)
    officials, messages, rounds = (20, 100, 1) if args.quick else (200, 2000, 3)
    args.officials = officials if args.officials is None else args.officials
    args.messages = messages if args.messages is None else args.messages
    args.rounds = rounds if args.rounds is None else args.rounds
    if args.officials < 1 or args.messages < 1 or args.rounds < 1:
        parser.error("--officials, --messages and --rounds must be at least 1")
    if args.warmup < 0 or args.send_delay_ms < 0:
        parser.error("--warmup and --send-delay-ms cannot be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = asyncio.run(
        run_bench(
            args.officials,
            args.messages,
            with_press=args.with_press,
            warmup=args.warmup,
            rounds=args.rounds,
            send_delay_ms=args.send_delay_ms,
        )
    )
    print(format_report(result))
    return 1 if result.unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
