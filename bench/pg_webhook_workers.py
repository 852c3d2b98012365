"""Webhook mode on PostgreSQL: updates/s of two `bietphai run` processes ÷ one, in one run.

Each phase gets a fresh PostgreSQL database (the sample organisation plus M linked officials,
as in bench.telegram_throughput), the local fake Bot API in this process, and one or two real
`bietphai run` subprocesses in webhook mode on that database. M officials chat at once: each
POSTs a plain text to a webhook, as Telegram would, and waits for the offer to reach the fake
before sending the next. With two processes the requests go round-robin over both ports, as a
load balancer spreads them. Rounds alternate which phase goes first; the medians are compared.

CPU per part (bot processes, this database's PostgreSQL backends, this process = load
generator + fake API, the rest of the machine) is read from /proc over each timed run: on a
2-core machine they all share the two cores, which is why two processes cannot double.

Run: python -m bench.pg_webhook_workers [--officials 50] [--messages 600] [--rounds 2] [--quick]
     [--server URL]   (see bench/README.md)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

from bench.pg_throughput import DEFAULT_SERVER, create_database, database_url, drop_database
from bench.telegram_throughput import (
    MAX_MESSAGES_PER_SECOND,
    REPLY_TIMEOUT,
    BotResult,
    Converse,
    Driver,
    ReplyTracker,
    converse_offer,
    median_run,
    prepare_database,
    timed_run,
)
from bot.http.webhooks import TELEGRAM_SECRET_HEADER
from storage.db import Database
from storage.pg import PgDatabase
from testing.bot_process import BotProcess
from testing.fakes.telegram_api import Call, FakeTelegramAPI

WEBHOOK_PATH = "/telegram"
RETRIES_METRIC = "bietphai_database_retries_total"
ESCALATIONS_METRIC = "bietphai_database_escalations_total"
READY_TIMEOUT = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- CPU from /proc


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 once it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name may hold spaces: the fields we want follow its closing parenthesis.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core; idle and iowait left out)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


def backend_pids(server: str, database: str) -> list[int]:
    """The PostgreSQL backends connected to `database` now (the bots' pools)."""
    with psycopg.connect(server, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [int(row[0]) for row in rows]


@dataclass
class CpuUse:
    """Cores busy on average over a timed run, by part."""

    bots: float = 0.0
    postgres: float = 0.0
    bench: float = 0.0
    machine: float = 0.0

    @property
    def other(self) -> float:
        """Whatever else ran on the machine meanwhile (other work, PostgreSQL's own processes)."""
        return max(0.0, self.machine - self.bots - self.postgres - self.bench)


@dataclass
class Reading:
    """CPU seconds so far of each part, at one moment."""

    wall: float
    bench: float
    machine: float
    bots: dict[int, float]
    postgres: dict[int, float]


class CpuMeter:
    """Readings of /proc at the start and end of a run, turned into cores busy."""

    def __init__(self, server: str, database: str, bot_pids: list[int]) -> None:
        self.server = server
        self.database = database
        self.bot_pids = bot_pids
        self._start: Reading | None = None

    def _reading(self) -> Reading:
        backends = backend_pids(self.server, self.database)
        return Reading(
            wall=time.monotonic(),
            bench=time.process_time(),
            machine=machine_busy_seconds(),
            bots={pid: process_cpu_seconds(pid) for pid in self.bot_pids},
            postgres={pid: process_cpu_seconds(pid) for pid in backends},
        )

    def start(self) -> None:
        """Take the first reading."""
        self._start = self._reading()

    def stop(self) -> CpuUse:
        """Take the second reading; a backend that started meanwhile counts from zero."""
        start, end = self._start, self._reading()
        if start is None or end.wall <= start.wall:
            return CpuUse()
        wall = end.wall - start.wall

        def spent(before: dict[int, float], after: dict[int, float]) -> float:
            return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

        return CpuUse(
            bots=spent(start.bots, end.bots) / wall,
            postgres=spent(start.postgres, end.postgres) / wall,
            bench=(end.bench - start.bench) / wall,
            machine=(end.machine - start.machine) / wall,
        )


# --------------------------------------------------------------------------- driving


@dataclass
class WebhookDriver(Driver):
    """Officials whose updates are POSTed to the webhooks, round-robin, instead of polled."""

    urls: list[str] = field(default_factory=list)
    secret: str = ""
    session: aiohttp.ClientSession | None = None
    meter: CpuMeter | None = None
    cpu: CpuUse = field(default_factory=CpuUse)
    metrics: list[str] = field(default_factory=list)
    retried: int = 0
    escalated: int = 0
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _turns: itertools.count[int] = field(default_factory=itertools.count)

    async def send_and_wait(self, user_id: int, update: dict[str, Any]) -> tuple[Call, float]:
        """POST one update to the next webhook and wait for the reply at the fake."""
        assert self.session is not None
        future = self.tracker.expect(user_id)
        update["update_id"] = next(self._update_ids)
        url = self.urls[next(self._turns) % len(self.urls)]
        sent_at = time.monotonic()
        async with self.session.post(
            url, json=update, headers={TELEGRAM_SECRET_HEADER: self.secret}
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}: {await response.text()}")
        try:
            call = await asyncio.wait_for(future, REPLY_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(f"no reply to chat {user_id} within {REPLY_TIMEOUT:.0f} s") from None
        return call, (call.at - sent_at) * 1000

    async def run(
        self, converse: Converse, per_official: Sequence[int]
    ) -> tuple[float, float, list[float], int]:
        """Driver.run, with the CPU of every part and the bots' lost races read around it
        (the last run is kept)."""
        retried = await self.counted(RETRIES_METRIC)
        escalated = await self.counted(ESCALATIONS_METRIC)
        if self.meter is not None:
            self.meter.start()
        outcome = await super().run(converse, per_official)
        if self.meter is not None:
            self.cpu = self.meter.stop()
        self.retried = await self.counted(RETRIES_METRIC) - retried
        self.escalated = await self.counted(ESCALATIONS_METRIC) - escalated
        return outcome

    async def counted(self, metric: str) -> int:
        """A counter summed over the bots, so far (/metrics): the turns they ran again after
        losing a race, or after writing beyond the chat's own rows."""
        assert self.session is not None
        total = 0
        for url in self.metrics:
            async with self.session.get(url) as response:
                text = await response.text()
            values = [line.split()[1] for line in text.splitlines() if line.startswith(metric)]
            if not values:
                raise RuntimeError(f"{url} does not show {metric}")
            total += int(float(values[0]))
        return total


# --------------------------------------------------------------------------- one phase


@dataclass
class Phase:
    """One timed run with `workers` processes, and the CPU it used."""

    workers: int
    result: BotResult
    cpu: CpuUse
    retried: int = 0
    escalated: int = 0

    def ms_per_update(self, cores_busy: float) -> float:
        """CPU milliseconds per update of a part that kept `cores_busy` cores busy."""
        row = self.result
        return cores_busy * row.seconds / row.updates * 1000 if row.updates else 0.0

    def ceiling(self, cores: int) -> float:
        """Updates/s this phase's CPU per update allows on an otherwise idle machine.

        Each bot process is one event loop (one core at most); the bots, PostgreSQL and the
        bench together have `cores` cores.
        """
        bots = self.ms_per_update(self.cpu.bots)
        total = bots + self.ms_per_update(self.cpu.postgres) + self.ms_per_update(self.cpu.bench)
        if bots <= 0 or total <= 0:
            return 0.0
        return min(self.workers * 1000 / bots, cores * 1000 / total)


async def wait_ready(bot: BotProcess, fake: FakeTelegramAPI, registered: int) -> None:
    """Until the fake has seen `registered` setWebhook calls: this process's webhook is up.

    The webhook takes requests from just before it calls setWebhook. (/readyz would be the
    load balancer's signal, but it is not what this bench measures.)
    """
    deadline = time.monotonic() + READY_TIMEOUT
    while len(fake.calls_of("setWebhook")) < registered:
        if bot.process is not None and bot.process.returncode is not None:
            raise RuntimeError(f"{bot.name} stopped at start:\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{bot.name}: no setWebhook within {READY_TIMEOUT:.0f} s:\n{bot.log_tail()}"
            )
        await asyncio.sleep(0.1)


async def stop_bot(bot: BotProcess) -> None:
    """SIGTERM, as systemd stops it; SIGKILL if it has not stopped within 10 s."""
    if bot.process is None or bot.process.returncode is not None:
        return
    try:
        await bot.terminate()
    except TimeoutError:
        await bot.kill()


def bot_settings(url: str, secret: str, officials: int) -> dict[str, str]:
    """What each `bietphai run` gets besides BotProcess's defaults."""
    return {
        "BOT_DATABASE_URL": url,
        "BOT_LOG_LEVEL": "WARNING",
        "BOT_METRICS_ENABLED": "true",  # the bench reads the lost races there
        "TELEGRAM_WEBHOOK_URL": f"https://bot.example.org{WEBHOOK_PATH}",
        "TELEGRAM_WEBHOOK_SECRET": secret,
        # The fake has no flood limit; production's 30/s would make this a bench of the limiter.
        "TELEGRAM_MAX_MESSAGES_PER_SECOND": str(MAX_MESSAGES_PER_SECOND),
        # With one process every official's connection lands on it.
        "BOT_HTTP_MAX_CONNECTIONS": str(max(100, officials + 20)),
        # Reminders caught up at start would reach the chats that wait for offers.
        "BOT_REMINDER_FIRST": "23:58",
        "BOT_REMINDER_FOLLOW_UP": "23:59",
    }


async def run_phase(
    folder: Path, server: str, workers: int, officials: int, messages: int, warmup: int
) -> Phase:
    """A fresh database and fake, `workers` bot processes on it, one timed run."""
    name = create_database(server)
    url = database_url(server, name)

    async def open_pg() -> Database:
        return await PgDatabase(url).open()

    folder.mkdir(parents=True)
    try:
        user_ids = await prepare_database(folder / "seed" / "unused.sqlite3", officials, open_pg)
        secret = secrets.token_urlsafe(16)
        async with FakeTelegramAPI() as fake, aiohttp.ClientSession() as session:
            bots = [
                BotProcess(
                    folder / "unused.sqlite3",
                    fake.base_url,
                    folder,
                    name=f"bot{n + 1}",
                    settings=bot_settings(url, secret, officials),
                )
                for n in range(workers)
            ]
            tracker = ReplyTracker(fake)
            tracker.start()
            try:
                for number, bot in enumerate(bots, start=1):
                    await bot.start()
                    await wait_ready(bot, fake, number)
                pids = [bot.process.pid for bot in bots if bot.process is not None]
                driver = WebhookDriver(
                    fake,
                    tracker,
                    user_ids,
                    urls=[f"http://127.0.0.1:{bot.http_port}{WEBHOOK_PATH}" for bot in bots],
                    secret=secret,
                    session=session,
                    meter=CpuMeter(server, name, pids),
                    metrics=[f"http://127.0.0.1:{bot.http_port}/metrics" for bot in bots],
                )
                label = "1 process" if workers == 1 else f"{workers} processes"
                result = await timed_run(
                    label, driver, converse_offer, messages=messages, warmup=warmup
                )
                return Phase(workers, result, driver.cpu, driver.retried, driver.escalated)
            finally:
                for bot in bots:
                    await stop_bot(bot)
                await tracker.stop()
    finally:
        drop_database(server, name)


# --------------------------------------------------------------------------- entry


@dataclass
class WorkersResult:
    """Every round of both phases."""

    officials: int
    messages: int
    one_runs: list[Phase]
    two_runs: list[Phase]

    @property
    def one(self) -> Phase:
        """The one-process round with the median updates/s."""
        return _median(self.one_runs)

    @property
    def two(self) -> Phase:
        """The two-process round with the median updates/s."""
        return _median(self.two_runs)

    @property
    def ratio(self) -> float:
        """Two processes' updates/s ÷ one process's (median rounds)."""
        one = self.one.result.per_second
        return self.two.result.per_second / one if one else 0.0

    @property
    def unexpected(self) -> int:
        """Replies that were not the offer, over every run."""
        return sum(p.result.unexpected for p in self.one_runs + self.two_runs)


def _median(phases: list[Phase]) -> Phase:
    chosen = median_run([p.result for p in phases])
    return next(p for p in phases if p.result is chosen)


async def run_bench(
    server: str, officials: int, messages: int, rounds: int, warmup: int = 10
) -> WorkersResult:
    """One and two processes, `rounds` times each, alternating which goes first."""
    if officials < 1 or messages < 1 or rounds < 1:
        raise ValueError("officials, messages and rounds must be at least 1")
    one_runs: list[Phase] = []
    two_runs: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="bietphai-pg-webhook-") as tmp:
        for number in range(rounds):
            order = (2, 1) if number % 2 else (1, 2)
            for workers in order:
                phase = await run_phase(
                    Path(tmp) / f"round-{number + 1}-{workers}",
                    server,
                    workers,
                    officials,
                    messages,
                    min(warmup, officials),
                )
                (one_runs if workers == 1 else two_runs).append(phase)
    return WorkersResult(officials, messages, one_runs, two_runs)


def format_report(result: WorkersResult, cores: int | None = None) -> str:
    """The printed table, the ratio and where the CPU went."""
    cores = cores or os.cpu_count() or 1
    header = (
        f"{'webhook':<12} {'updates':>7} {'seconds':>7} {'updates/s':>9} {'p50 ms':>7} "
        f"{'p95 ms':>7}   cores busy: {'bots':>5} {'pg':>5} {'bench':>5} {'other':>5} {'all':>5}"
    )
    lines = [
        f"officials={result.officials} messages={result.messages} rounds={len(result.one_runs)} "
        "(each official waits for the reply before sending the next; median round shown)",
        header,
        "-" * len(header),
    ]
    for phase in (result.one, result.two):
        row, cpu = phase.result, phase.cpu
        lines.append(
            f"{row.bot:<12} {row.updates:>7} {row.seconds:>7.2f} {row.per_second:>9.1f} "
            f"{row.p50:>7.1f} {row.p95:>7.1f}   {'':>11} {cpu.bots:>5.2f} {cpu.postgres:>5.2f} "
            f"{cpu.bench:>5.2f} {cpu.other:>5.2f} {cpu.machine:>5.2f}"
        )
    if len(result.one_runs) > 1:
        for runs in (result.one_runs, result.two_runs):
            each = " / ".join(f"{p.result.per_second:.0f}" for p in runs)
            lines.append(f"  {runs[0].result.bot} updates/s by round: {each}")
    lines.append(f"two processes ÷ one (updates/s): {result.ratio:.2f}")
    for phase in (result.one, result.two):
        lines.append(
            f"  {phase.result.bot}: {phase.retried} turns run again after losing a race, "
            f"{phase.escalated} run again serializable (bots' /metrics)"
        )
    lines.append(f"{'CPU ms per update':<17} {'bots':>6} {'pg':>6} {'bench':>6} {'total':>6}")
    for phase in (result.one, result.two):
        parts = [phase.ms_per_update(c) for c in (phase.cpu.bots, phase.cpu.postgres)]
        parts.append(phase.ms_per_update(phase.cpu.bench))
        each = " ".join(f"{ms:>6.2f}" for ms in parts)
        lines.append(f"  {phase.result.bot:<15} {each} {sum(parts):>6.2f}")
    one, two = result.one.ceiling(cores), result.two.ceiling(cores)
    if one > 0 and two > 0:
        lines.append(
            f"ceiling on an otherwise idle machine, from that CPU: one process {one:.0f}/s "
            f"(one core for the bot), two {two:.0f}/s ({cores} cores for all): "
            f"two ÷ one ≤ {two / one:.2f}"
        )
    lines.append(
        f"cores: {cores}; bots = the bietphai processes, pg = this database's PostgreSQL "
        "backends, bench = load generator + fake Bot API (this process), other = the rest "
        "of the machine"
    )
    if result.unexpected:
        lines.append(f"WARNING: {result.unexpected} replies were not the expected answer")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.pg_webhook_workers",
        description="Webhook mode on PostgreSQL: updates/s of two bot processes ÷ one.",
    )
    parser.add_argument("--server", default=None, help="PostgreSQL server URL (a database in it)")
    parser.add_argument("--officials", type=int, default=None, help="concurrent chats (50)")
    parser.add_argument("--messages", type=int, default=None, help="timed messages (600)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of each phase (2)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed warm-up messages (10)")
    parser.add_argument("--quick", action="store_true", help="10 officials, 60 messages, 1 round")
    args = parser.parse_args(argv)
    officials, messages, rounds = (10, 60, 1) if args.quick else (50, 600, 2)
    args.officials = officials if args.officials is None else args.officials
    args.messages = messages if args.messages is None else args.messages
    args.rounds = rounds if args.rounds is None else args.rounds
    if args.officials < 1 or args.messages < 1 or args.rounds < 1:
        parser.error("--officials, --messages and --rounds must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    args.server = args.server or os.environ.get("BOT_TEST_DATABASE_URL") or DEFAULT_SERVER
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print the comparison."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = asyncio.run(
        run_bench(args.server, args.officials, args.messages, args.rounds, args.warmup)
    )
    print(format_report(result))
    return 1 if result.unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
