"""Operating on PostgreSQL: clear start-up errors, copy-db from SQLite, backup, duties, ping."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_app
from bot.nightly_backup import NightlyBackup
from bot.orgservice import create_invite, import_org
from bot.settings import Settings
from storage import Database, StorageError, rows, worklog
from storage.db import migrations
from storage.image_links import store_image
from storage.org_import import resolve_person
from storage.pg import PgDatabase, describe_url
from storage.pg_tools import dump_command
from testing.bot_process import PATIENCE, BotProcess
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import local
from tests.helpers.sample import AN, SAMPLE_XLSX, MakeChat
from tests.pgserver import PgServer

ROOT = Path(__file__).resolve().parents[2]


def bietphai(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "ZALO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def fresh_pg(pg_server: PgServer) -> Iterator[str]:
    """A new, empty PostgreSQL database (no tables), dropped after the test."""
    name = f"fresh{os.getpid()}{id(pg_server) % 1000}"
    url = pg_server.create(name)
    yield url


def copy_db_to(url: str, source: Database, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`bietphai copy-db --to URL` from the SQLite file of `source`."""
    return bietphai("copy-db", "--to", url, env={"BOT_DB_PATH": str(source.path)}, cwd=cwd)


def copy_db_back(
    url: str, back: Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`bietphai copy-db --from URL --to-sqlite FILE` (plus `env`)."""
    return bietphai("copy-db", "--from", url, "--to-sqlite", str(back), env=env or {}, cwd=cwd)


async def an_works_a_morning(linked_chat: MakeChat, org_db: Database) -> None:
    """An logs a meeting and raises a difficulty; an invite of his waits unredeemed."""
    chat = await linked_chat(AN)
    chat.at("2026-11-25 10:00")
    await chat.say("/nhatky")
    await chat.press("Quản lý công chức")
    assert "Đã ghi" in await chat.say("Họp giao ban")
    await chat.say("/khokhan Xã chưa có hướng dẫn")
    await create_invite(org_db, AN, local("2026-11-25 10:00"), timedelta(days=7))


async def an_logs_after_the_move(db: Database, text: str) -> int:
    """An's next entry, written on the copied database; its id."""
    async with db.transaction() as tx:
        return await worklog.add_work_log(
            tx,
            person_id=await resolve_person(tx, AN),
            commune_code="XA01",
            work_date=local("2026-11-26 09:00").date(),
            topic="khac",
            text=text,
            channel="telegram",
            sent_at=local("2026-11-26 09:00"),
            now=local("2026-11-26 09:00"),
        )


def test_a_missing_database_a_refused_server_and_a_bad_url_are_one_line(
    pg_server: PgServer, tmp_path: Path
) -> None:
    missing = pg_server.url_of("bietphai_no_such_database")
    cases = {
        missing: "chưa có cơ sở dữ liệu «bietphai_no_such_database»",
        "postgresql://postgres@127.0.0.1:1/x": "không kết nối được PostgreSQL 127.0.0.1:1/x",
        "postgresql://postgres@127.0.0.1:5432/x?sslmode=nonsense": "BOT_DATABASE_URL",
        "mysql://root@localhost/x": "Lỗi cấu hình (BOT_DATABASE_URL)",
    }
    for url, expected in cases.items():
        result = bietphai("invite", AN, env={"BOT_DATABASE_URL": url}, cwd=tmp_path)
        assert result.returncode != 0, url
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (url, result.stderr)
        assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only("copy-db copies an SQLite file into PostgreSQL")
async def test_copy_db_moves_every_row_keeps_ids_and_continues_them(
    linked_chat: MakeChat, org_db: Database, fresh_pg: str, tmp_path: Path
) -> None:
    assert org_db.dialect == "sqlite"
    await an_works_a_morning(linked_chat, org_db)
    async with org_db.read() as tx:
        before = await rows.snapshot(tx)
    await org_db.close()

    result = copy_db_to(fresh_pg, org_db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "số dòng từng bảng đã khớp" in result.stdout
    assert f"  work_logs: {len(before['work_logs'])}" in result.stdout
    assert f"Đã cập nhật thống kê (ANALYZE) cho {len(before)} bảng" in result.stdout

    async with PgDatabase(fresh_pg) as target:
        async with target.read() as tx:
            after = await rows.snapshot(tx)
            statistics = await rows.planner_statistics(tx)
        assert after == before
        # Analysed by the copy itself: the first digest is planned on estimates, not guesses.
        assert {t for t, s in statistics.items() if s.analysed_at is not None} == set(before)
        assert statistics["work_logs"].estimated_rows == len(before["work_logs"])
        # New rows continue after the copied ids instead of colliding with them.
        new_id = await an_logs_after_the_move(target, "Sau khi chuyển")
        assert new_id == max(int(str(r[0])) for r in before["work_logs"]) + 1

    again = copy_db_to(fresh_pg, org_db, tmp_path)
    assert again.returncode == 1
    assert "cơ sở dữ liệu đích không trống" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.sqlite_only("the round trip starts and ends in an SQLite file")
async def test_copy_db_back_to_sqlite_brings_every_row_back_unchanged(
    linked_chat: MakeChat, org_db: Database, fresh_pg: str, tmp_path: Path
) -> None:
    """SQLite → PostgreSQL → a new SQLite file: every table holds the same rows, ids continue."""
    await an_works_a_morning(linked_chat, org_db)
    async with org_db.transaction() as tx:
        # Bytes (a chart kept for a Zalo link) come back as bytes.
        await store_image(
            tx,
            body=bytes(range(256)),
            content_type="image/png",
            now=local("2026-11-25 10:00"),
            lifetime=timedelta(days=7),
        )
    async with org_db.read() as tx:
        before = await rows.snapshot(tx)
    await org_db.close()
    assert before["image_links"] and before["work_logs"] and before["invites"]
    moved = copy_db_to(fresh_pg, org_db, tmp_path)
    assert moved.returncode == 0, moved.stderr

    back = tmp_path / "tro-ve.sqlite3"
    # BOT_DATABASE_URL and BOT_DB_PATH of .env play no part: both sides are named.
    env = {"BOT_DB_PATH": str(org_db.path), "BOT_DATABASE_URL": fresh_pg}
    result = copy_db_back(fresh_pg, back, tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"Đã chép {sum(len(r) for r in before.values())} dòng của {len(before)} bảng từ "
        f"PostgreSQL {describe_url(fresh_pg)} sang {back}; số dòng từng bảng đã khớp.\n"
    )
    assert f"  work_logs: {len(before['work_logs'])}\n" in result.stdout
    assert f"đặt BOT_DB_PATH={back} rồi khởi động lại bot" in result.stdout
    assert back.stat().st_mode & 0o777 == 0o600
    async with Database(back) as returned:
        async with returned.read() as tx:
            assert await rows.snapshot(tx) == before
        # The next entry takes the id after the largest one brought back.
        new_id = await an_logs_after_the_move(returned, "Sau khi trở về SQLite")
        assert new_id == max(int(str(r[0])) for r in before["work_logs"]) + 1

    again = copy_db_back(fresh_pg, back, tmp_path)
    assert again.returncode == 1
    [line] = again.stderr.strip().splitlines()
    assert f"tệp SQLite đích {back} không trống" in line


def test_copy_db_back_refuses_what_it_cannot_do_in_one_line(pg_url: str, tmp_path: Path) -> None:
    """Mixed directions, a URL for a file, a missing side: one line, exit 1, no file made."""
    back = str(tmp_path / "tro-ve.sqlite3")
    cases = {
        ("--to", pg_url, "--from", pg_url, "--to-sqlite", back): "không đi cùng",
        ("--from", pg_url): "cần cả --from URL lẫn --to-sqlite FILE",
        ("--to-sqlite", back): "cần cả --from URL lẫn --to-sqlite FILE",
        ("--from", pg_url, "--to-sqlite", pg_url): "không phải địa chỉ",
        ("--from", back, "--to-sqlite", back): "--from phải là địa chỉ PostgreSQL",
        (): "cần --to URL (SQLite sang PostgreSQL) hoặc --from URL --to-sqlite FILE",
    }
    for args, expected in cases.items():
        result = bietphai("copy-db", *args, env={}, cwd=tmp_path)
        assert result.returncode == 1, args
        [line] = result.stderr.strip().splitlines()
        assert expected in line, (args, line)
    assert not Path(back).exists()


async def test_a_failed_copy_back_leaves_no_file(fresh_pg: str, tmp_path: Path) -> None:
    """A table SQLite does not have: nothing is copied and the new file is removed again."""
    async with PgDatabase(fresh_pg) as db, db.transaction() as tx:
        await tx.execute("CREATE TABLE stray_notes (note TEXT)")
    result = copy_db_back(fresh_pg, tmp_path / "tro-ve.sqlite3", tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "bảng stray_notes của PostgreSQL không có trong tệp SQLite" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


async def test_migrate_on_postgresql_names_a_missing_middle_migration_it_applies(
    pg_url: str, tmp_path: Path
) -> None:
    async with PgDatabase(pg_url) as db:
        # As if 0013 (two tables, nothing else) had landed after this database reached a
        # higher number.
        async with db.transaction() as tx:
            await tx.execute("DROP TABLE web_sessions")
            await tx.execute("DROP TABLE web_links")
            await tx.execute("DELETE FROM schema_migrations WHERE version = 13")
        newest = await db.schema_version()
        where = db.describe()
    result = bietphai("migrate", env={"BOT_DATABASE_URL": pg_url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Đã áp dụng migration 0013 trên {where}; lược đồ ở phiên bản mới nhất ({newest}).\n"
    )
    again = bietphai("migrate", env={"BOT_DATABASE_URL": pg_url}, cwd=tmp_path)
    assert again.stdout == f"{where} ở phiên bản lược đồ mới nhất ({newest}).\n"


def test_backup_and_restore_on_postgresql_name_the_server_the_port_and_the_user(
    tmp_path: Path,
) -> None:
    """A remote server: the hint's commands reach it (-h, -p, -U); the password never shows."""
    url = "postgresql://bietphai:m%E1%BA%ADt-kh%E1%BA%A9u@db.example.org:6432/bp?sslmode=require"
    for command in ("backup", "restore"):
        result = bietphai(
            command, str(tmp_path / "x.sqlite3"), env={"BOT_DATABASE_URL": url}, cwd=tmp_path
        )
        assert result.returncode == 1
        [line] = result.stderr.strip().splitlines()
        assert "pg_dump -Fc -h db.example.org -p 6432 -U bietphai -f bietphai.dump bp," in line
        assert (
            "pg_restore --clean --if-exists -h db.example.org -p 6432 -U bietphai -d bp "
            "bietphai.dump" in line
        )
        assert "m%E1" not in line and "mật" not in line
        assert not (tmp_path / "x.sqlite3").exists()


async def test_the_commands_backup_names_dump_and_restore_the_database(
    pg_url: str, tmp_path: Path
) -> None:
    """Run as written, the hint's pg_dump and pg_restore bring the database back as it was."""
    async with PgDatabase(pg_url) as db:
        await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        async with db.read() as tx:
            before = await rows.snapshot(tx)
    result = bietphai("backup", "x", env={"BOT_DATABASE_URL": pg_url}, cwd=tmp_path)
    found = re.search(
        r"sao lưu bằng (pg_dump .*?), khôi phục bằng (pg_restore .*?) \(", result.stderr
    )
    assert found, result.stderr
    dump, restore = (shlex.split(found[i]) for i in (1, 2))
    await asyncio.to_thread(
        subprocess.run, dump, cwd=tmp_path, check=True, capture_output=True, timeout=120
    )
    async with PgDatabase(pg_url) as db, db.transaction() as tx:
        await tx.execute("DELETE FROM assignments")
    await asyncio.to_thread(
        subprocess.run, restore, cwd=tmp_path, check=True, capture_output=True, timeout=120
    )
    async with PgDatabase(pg_url) as db, db.read() as tx:
        assert await rows.snapshot(tx) == before


async def test_the_nightly_backup_on_postgresql_copies_nothing_and_names_pg_dump(
    pg_url: str, tmp_path: Path
) -> None:
    """After a move the old SQLite file is still there: BOT_BACKUP_DIR must not back it up."""
    stale = tmp_path / "bietphai.sqlite3"
    async with Database(stale) as old:
        await import_org(old, SAMPLE_XLSX, local("2026-11-01 08:00"))
    folder = tmp_path / "sao-luu-hang-dem"
    async with FakeTelegramAPI() as telegram:
        bot = BotProcess(
            stale,
            telegram.base_url,
            tmp_path,
            settings={"BOT_DATABASE_URL": pg_url, "BOT_BACKUP_DIR": str(folder)},
        )
        await bot.start()
        try:
            async with asyncio.timeout(PATIENCE):
                while "bietphai is running" not in bot.log_tail():  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
        finally:
            assert await bot.terminate() == 0, bot.log_tail()
    said = [line for line in bot.log_tail().splitlines() if "BOT_BACKUP_DIR" in line]
    assert len(said) == 1, bot.log_tail()
    assert "no nightly copy is made" in said[0]
    # The server's host, port and user (BOT_TEST_DATABASE_URL may name another server).
    assert f"with {dump_command(pg_url, str(folder / 'bietphai.dump'))} (" in said[0]
    assert " -h " in said[0] and " -U " in said[0]
    assert not folder.exists()
    # No job that would copy the file at BOT_BACKUP_TIME.
    settings = Settings(
        _env_file=None, BOT_DB_PATH=stale, BOT_DATABASE_URL=pg_url, BOT_BACKUP_DIR=folder
    )
    app = await build_app(settings)
    try:
        assert not [s for s in app.services if isinstance(s, NightlyBackup)]
    finally:
        await app.stop()


async def test_ping_answers_while_the_server_does(pg_url: str) -> None:
    db = await PgDatabase(pg_url).open()
    try:
        await db.ping()
    finally:
        await db.close()
    with pytest.raises(StorageError, match="cơ sở dữ liệu chưa được mở"):
        await db.ping()


async def test_a_duty_is_held_by_one_process_and_taken_over_when_it_ends(pg_url: str) -> None:
    first, second = await PgDatabase(pg_url).open(), await PgDatabase(pg_url).open()
    try:
        async with first.exclusive("job:reminders") as mine:
            assert mine.held and await mine.still_held()
            async with second.exclusive("job:reminders") as theirs:
                assert not theirs.held
            async with second.exclusive("job:daily_digest") as other_duty:
                assert other_duty.held
        async with second.exclusive("job:reminders") as theirs:
            assert theirs.held
    finally:
        await first.close()
        await second.close()


async def test_a_duty_is_freed_when_its_holder_dies(pg_server: PgServer, pg_url: str) -> None:
    # A separate process takes the duty and is killed: the server frees the lock with it.
    script = (
        "import asyncio, sys\n"
        "from storage.pg import PgDatabase\n"
        "async def main():\n"
        f"    db = await PgDatabase({pg_url!r}).open()\n"
        "    async with db.exclusive('telegram:polling') as duty:\n"
        "        print(duty.held, flush=True)\n"
        "        await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    assert (await asyncio.wait_for(holder.stdout.readline(), 60)).strip() == b"True"
    standby = await PgDatabase(pg_url).open()
    try:
        async with standby.exclusive("telegram:polling") as duty:
            assert not duty.held
        holder.kill()
        await holder.wait()
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            async with standby.exclusive("telegram:polling") as duty:
                if duty.held:
                    break
            assert loop.time() - started < 5, "the lock of a dead process was not freed"
            await asyncio.sleep(0.1)
    finally:
        await standby.close()


@pytest.mark.sqlite_only("one SQLite file is one process's: its duties are always held")
async def test_sqlite_always_holds_its_duties(org_db: Database) -> None:
    async with org_db.exclusive("job:reminders") as duty:
        assert duty.held and await duty.still_held()


async def test_the_sample_organisation_imports_on_postgresql(pg_url: str) -> None:
    async with PgDatabase(pg_url) as db:
        first = await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        assert first.changed_rows > 0
        again = await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        assert again.changed_rows == 0


async def test_three_processes_opening_a_new_database_at_once_all_migrate_it(
    fresh_pg: str,
) -> None:
    opened = await asyncio.gather(*(PgDatabase(fresh_pg).open() for _ in range(3)))
    try:
        versions = {await db.schema_version() for db in opened}
        assert versions == {max(n for n, _ in migrations("postgresql"))}
    finally:
        for db in opened:
            await db.close()
