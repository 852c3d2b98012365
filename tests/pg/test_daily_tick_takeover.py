"""The process running the daily digest dies mid-tick; another finishes it the same day.

Two real `bietphai run` processes share one PostgreSQL database; both schedulers tick for the
daily digest at the same minute (BOT_DAILY_DIGEST_TIME a minute ahead, in a zone where it is
now about noon, today declared a working day, as in tests/pg/test_three_processes.py). One
takes the tick's duty and queues the division heads' digests one by one; the test holds an
uncommitted outbox row under the key of the fourth digest, so that process cannot finish,
and kills it (SIGKILL) once the first three are queued. The other process, standing by, takes
the tick over and queues the rest: every division head gets that day's digest exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.orgservice import import_org
from bot.scheduler import WEEKDAYS
from handlers.core.dates import format_day
from handlers.core.messages import Reply
from handlers.core.workcal import calendar_from
from storage import calendar, job_runs, org, outbox, scope
from storage.db import Tx
from storage.pg import PgDatabase
from testing.bot_process import PATIENCE, BotProcess
from testing.fakes.telegram_api import Call, FakeTelegramAPI
from tests.helpers.pg_locks import held_open, waiting_on
from tests.helpers.processes import bots_on_one_database
from tests.helpers.zones import noon_zone

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning"),
]

DIVISIONS = 6
HELD_BACK = 3  # the digest (by supervisor order) the dying holder cannot queue
FIRST_USER_ID = 7001
# The digest comes due at the first whole minute at least this far after the organisation is
# ready, so both processes are up and ticking when it does (a start takes up to 45 s on the
# shared machine under a load average of 15, most of it imports).
DIGEST_LEAD = timedelta(seconds=35)
RUNNING = "bietphai is running"
HOLDS_TICK = "this process runs today's daily_digest tick"
TAKES_OVER = "daily_digest: the process running today's tick stopped before finishing it"


def head_name(n: int) -> str:
    """The n-th division head's full name (1-based)."""
    return f"Trưởng Phòng Thử {n:02d}"


def write_org(folder: Path, today: date) -> None:
    """DIVISIONS divisions, each with a head and two officials on a commune of its own."""
    start, end = today - timedelta(days=30), today + timedelta(days=30)
    sheets: dict[str, list[list[str]]] = {
        "divisions": [["code", "name"]],
        "communes": [["code", "name", "district", "border"]],
        "people": [["full_name", "role", "division", "phone", "supervises"]],
        "waves": [["name", "start", "end"], ["Đợt thử", f"{start:%d/%m/%Y}", f"{end:%d/%m/%Y}"]],
        "assignments": [["person", "commune", "wave", "start", "end"]],
    }
    for n in range(1, DIVISIONS + 1):
        division, commune = f"P{n:02d}", f"X{n:02d}"
        sheets["divisions"].append([division, f"Phòng Thử {n:02d}"])
        sheets["communes"].append([commune, f"Xã Thử {n:02d}", "Khu vực Thử", "không"])
        sheets["people"].append(
            [head_name(n), "supervisor", division, f"09{81_000_000 + n}", division]
        )
        for k in (1, 2):
            phone = f"09{82_000_000 + 10 * n + k}"
            sheets["people"].append([f"Cán bộ Thử {n:02d}-{k}", "official", division, phone, ""])
            sheets["assignments"].append([phone, commune, "Đợt thử", "", ""])
    folder.mkdir()
    for sheet, rows in sheets.items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)


async def prepare(db: PgDatabase, folder: Path, zone: ZoneInfo) -> tuple[list[int], date]:
    """The organisation, today a working day, every head on Telegram; the heads' person ids
    in the order the digest tick goes through them, and the day their digest covers."""
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    write_org(folder, today)
    await import_org(db, folder, now)
    async with db.transaction() as tx:
        await calendar.add_declared_day(tx, today, "workday", "Ngày làm việc của bài thử")
        by_name = {p.full_name: p.id for p in await org.all_people(tx)}
        for n in range(1, DIVISIONS + 1):
            await org.link_identity(
                tx,
                channel="telegram",
                user_id=str(FIRST_USER_ID + n - 1),
                chat_id=str(FIRST_USER_ID + n - 1),
                person_id=by_name[head_name(n)],
                display_name=head_name(n),
                now=now,
            )
    async with db.read() as tx:
        heads = [p.id for p in await scope.all_supervisors(tx)]
        cal = calendar_from(zone, await calendar.declared_days(tx))
    assert sorted(heads) == sorted(by_name[head_name(n)] for n in range(1, DIVISIONS + 1))
    covered = today - timedelta(days=1)  # the previous working day, as the job finds it
    while not cal.is_working_day(covered):
        covered -= timedelta(days=1)
    return heads, covered


def holding_back(key: str, person_id: int) -> Callable[[Tx], Awaitable[object]]:
    """Work for `held_open`: an uncommitted outbox row under `key`, so whoever queues that key
    meanwhile waits for the held transaction."""

    async def queue(tx: Tx) -> None:
        reply = Reply("giữ chỗ của bài thử")
        assert await outbox.enqueue(
            tx, key=key, person_id=person_id, payload=reply.to_json(), now=datetime.now(UTC)
        )

    return queue


async def queued_digests(db: PgDatabase, covered: date) -> dict[int, str]:
    """Person id -> status of the digest rows of the covered day committed so far."""
    async with db.read() as tx:
        rows = await outbox.payloads_like(tx, "digest:")
    return {
        int(key.split(":")[1]): status
        for key, status, _ in rows
        if key.endswith(f":{covered.isoformat()}")
    }


def process_with_port(bots: list[BotProcess], port: int) -> BotProcess | None:
    """The bot process that owns the local TCP socket on `port` (from /proc, Linux)."""
    inodes = {
        f"socket:[{fields[9]}]"
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        if Path(table).exists()
        for fields in (line.split() for line in Path(table).read_text().splitlines()[1:])
        if int(fields[1].rsplit(":", 1)[1], 16) == port
    }
    for bot in bots:
        assert bot.process is not None
        for fd in Path(f"/proc/{bot.process.pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) in inodes:
                    return bot
    return None


def logged(bot: BotProcess, text: str) -> bool:
    """Whether the bot's current log has a line with `text`."""
    return any(text in p.read_text(errors="replace") for p in bot.logs[-1:] if p.exists())


async def until(
    condition: Callable[[], bool | Awaitable[bool]],
    what: str,
    seconds: float = PATIENCE,
) -> None:
    """Wait until `condition()` (sync or async) is true."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                result = condition()
                if not isinstance(result, bool):
                    result = await result
                if result:
                    return
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"not within {seconds:.0f} s: {what}") from None


def digests_of(calls: list[Call], covered: date) -> Counter[str]:
    """Chat id -> how many digests of the covered day were sent there."""
    title = f"Báo cáo tổng hợp ngày {format_day(covered, 'vi', weekday=True)}"
    return Counter(
        str(c.params["chat_id"])
        for c in calls
        if c.ok
        and c.method in ("sendMessage", "sendPhoto")
        and str(c.params.get("text") or c.params.get("caption") or "").startswith(title)
    )


async def test_a_daily_digest_tick_whose_holder_is_killed_is_finished_by_another_process(
    tmp_path: Path, pg_url: str
) -> None:
    started = datetime.now(UTC)
    zone = noon_zone(started)
    db = await PgDatabase(pg_url).open()
    try:
        heads, covered = await prepare(db, tmp_path / "org", zone)
        soon = (datetime.now(UTC) + DIGEST_LEAD).astimezone(zone)
        due = soon.replace(second=0, microsecond=0) + timedelta(minutes=1)
        held_back = heads[HELD_BACK]
        today = started.astimezone(zone).date()
        async with FakeTelegramAPI() as fake:
            bots = bots_on_one_database(
                2,
                fake.base_url,
                tmp_path,
                pg_url,
                zone,
                {
                    "BOT_DAILY_DIGEST_TIME": f"{due:%H:%M}",
                    # Nothing else due at start-up: this week's digest is stale (four days
                    # old), no monthly report.
                    "BOT_WEEKLY_DIGEST_DAY": WEEKDAYS[(today.weekday() - 4) % 7],
                    "BOT_MONTHLY_REPORT_ENABLED": "false",
                },
            )
            try:
                key = f"digest:{held_back}:{covered.isoformat()}"
                async with held_open(db, holding_back(key, held_back)) as backend:
                    await asyncio.gather(*(bot.start() for bot in bots))
                    await until(lambda: all(logged(b, RUNNING) for b in bots), "both running")
                    assert datetime.now(UTC) < due, "a process started after the digest time"

                    async def stuck() -> bool:
                        return bool(await waiting_on(db, backend))

                    # The holder queued the digests before the held-back one and waits on it.
                    await until(stuck, "a process queuing the held-back digest")
                    [port] = await waiting_on(db, backend)
                    holder = process_with_port(bots, port)
                    assert holder is not None, f"no bot process has port {port}"
                    assert set(await queued_digests(db, covered)) == set(heads[:HELD_BACK])
                    await holder.kill()
                [survivor] = [b for b in bots if b is not holder]
                await until(
                    lambda: len(digests_of(fake.calls, covered)) == DIVISIONS,
                    "every head's digest sent",
                    60,
                )
                assert logged(survivor, TAKES_OVER) and logged(holder, HOLDS_TICK)
                # A second copy would come within moments: give it the time.
                await asyncio.sleep(3)
                statuses = await queued_digests(db, covered)
                assert await survivor.terminate() == 0
            except BaseException:
                for bot in bots:
                    print(bot.log_tail())
                raise
            finally:
                for bot in bots:
                    await bot.kill()
            sent = digests_of(fake.calls, covered)
    finally:
        await db.close()
    users = [str(FIRST_USER_ID + n) for n in range(DIVISIONS)]
    assert sent == Counter(dict.fromkeys(users, 1))
    assert statuses == dict.fromkeys(heads, "sent")
    # Recorded done, so no process would compute it again.
    db = await PgDatabase(pg_url).open()
    try:
        async with db.read() as tx:
            assert await job_runs.has_run(tx, "tick:daily_digest", today.isoformat())
    finally:
        await db.close()
