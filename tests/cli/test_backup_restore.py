"""Backups an operator can trust and restores that lose nothing confirmed, as real processes.

`bietphai backup` and `bietphai restore` run as subprocesses, as the operator types them, on a
real SQLite file that twenty officials keep writing to; a full disk is a real (tiny) tmpfs in a
private mount namespace.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.bulk import BulkPerson, add_people
from bot.app import build_app
from bot.maintenance_cli import migration_numbers
from bot.nightly_backup import NightlyBackup
from bot.orgservice import import_org
from bot.settings import Settings
from storage import worklog
from storage.db import Database
from storage.instance_lock import InstanceLock
from storage.schema import migrations
from tests.chat import local
from tests.helpers.cli import clean_env
from tests.helpers.sample import SAMPLE_XLSX

OFFICIALS = 20
FIRST_ID = 9001


def contents(path: Path) -> tuple[int, list[str]]:
    """Schema version and every row, as SQL (the file's bytes change when its WAL is merged)."""
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0], list(conn.iterdump())


def bietphai(*args: str, db_path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One CLI command in its own process, with only BOT_DB_PATH set."""
    env = clean_env()
    env["BOT_DB_PATH"] = str(db_path)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def sample_database(path: Path) -> None:
    """The sample organisation plus twenty officials of our own."""
    db = await Database(path).open()
    try:
        await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        async with db.transaction() as tx:
            await add_people(
                tx,
                [
                    BulkPerson(FIRST_ID + n, f"Cán bộ {n:02d}", "official", "XDCQ", f"08{n:08d}")
                    for n in range(OFFICIALS)
                ],
                local("2026-11-01 08:00"),
            )
    finally:
        await db.close()


@pytest.fixture
async def sample_db(tmp_path: Path) -> Path:
    """bietphai.sqlite3 in the test's folder, holding the sample organisation and twenty more."""
    path = tmp_path / "bietphai.sqlite3"
    await sample_database(path)
    return path


def newest_migration() -> int:
    """The number of the newest migration this code has."""
    return max(number for number, _ in migrations())


def user_version(path: Path) -> int:
    """The schema version a database file says it is at."""
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def already_newest(path: Path, newest: int) -> str:
    """What `bietphai migrate` says of a database it has nothing to do for."""
    return f"Cơ sở dữ liệu {path} đã ở phiên bản lược đồ mới nhất ({newest}).\n"


async def official_writes(
    db: Database, person_id: int, confirmed: list[tuple[int, float]], stop: asyncio.Event
) -> None:
    """Log entries one after the other; each is 'confirmed' once its transaction committed."""
    n = 0
    while not stop.is_set():
        n += 1
        now = local("2026-11-25 09:00")
        async with db.transaction() as tx:
            entry = await worklog.add_work_log(
                tx,
                person_id=person_id,
                commune_code="XA01",
                work_date=date(2026, 11, 25) - timedelta(days=n % 5),
                topic="general",
                text=f"Cán bộ {person_id}: việc thứ {n}",
                channel="telegram",
                sent_at=now,
                now=now,
            )
        confirmed.append((entry, time.monotonic()))
        await asyncio.sleep(0.002)


async def test_backup_while_twenty_officials_write_then_restore_keeps_every_confirmed_entry(
    tmp_path: Path,
) -> None:
    """Every entry confirmed before the backup started is in the restored database."""
    db_path = tmp_path / "data" / "bietphai.sqlite3"
    db_path.parent.mkdir()
    await sample_database(db_path)
    db = await Database(db_path).open()
    confirmed: list[tuple[int, float]] = []
    stop = asyncio.Event()
    writers = [
        asyncio.create_task(official_writes(db, FIRST_ID + n, confirmed, stop))
        for n in range(OFFICIALS)
    ]
    try:
        await asyncio.sleep(0.5)
        target = tmp_path / "sao-luu" / "truoc-khi-hong.sqlite3"
        started = time.monotonic()
        backup = await asyncio.to_thread(
            bietphai, "backup", str(target), db_path=db_path, cwd=tmp_path
        )
        finished = time.monotonic()
        await asyncio.sleep(0.3)  # more entries after the backup: they are not in it
    finally:
        stop.set()
        await asyncio.gather(*writers)
        await db.close()
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.startswith(f"Đã sao lưu vào {target}: 41 người, ")
    before = {entry for entry, at in confirmed if at < started}
    after = {entry for entry, at in confirmed if at > finished}
    assert len(before) > 100 and after, "the officials must write before, during and after"
    assert target.stat().st_mode & 0o777 == 0o600
    assert not [p for p in target.parent.iterdir() if p != target], "no temporary file is left"

    restore = bietphai("restore", str(target), db_path=db_path, cwd=tmp_path)
    assert restore.returncode == 0, restore.stderr
    assert restore.stdout.startswith(f"Đã khôi phục {db_path} từ {target}: 41 người, ")
    with sqlite3.connect(db_path) as restored:
        ids = {row[0] for row in restored.execute("SELECT id FROM work_logs")}
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert before <= ids
    assert not after & ids  # it really is the backup, not the database it replaced
    # The replaced database is kept aside, with everything written after the backup.
    aside = [p for p in db_path.parent.iterdir() if ".replaced-" in p.name]
    assert len(aside) == 1, list(db_path.parent.iterdir())
    assert f"Cơ sở dữ liệu cũ được giữ lại ở {aside[0]}." in restore.stdout
    with sqlite3.connect(aside[0]) as old:
        old_ids = {row[0] for row in old.execute("SELECT id FROM work_logs")}
    assert after <= old_ids and ids <= old_ids
    assert db_path.stat().st_mode & 0o777 == 0o600


async def test_restore_is_refused_while_a_bot_runs_on_the_database(
    sample_db: Path, tmp_path: Path
) -> None:
    """The lock the running bot holds stops a restore before it touches anything."""
    good = tmp_path / "sao-luu.sqlite3"
    assert bietphai("backup", str(good), db_path=sample_db, cwd=tmp_path).returncode == 0
    before = sample_db.read_bytes()
    with InstanceLock(sample_db):  # what `bietphai run` holds while it runs
        restore = bietphai("restore", str(good), db_path=sample_db, cwd=tmp_path)
    assert restore.returncode == 1
    assert restore.stderr.startswith(
        f"Lỗi: không thể khôi phục: một bot đang chạy trên cơ sở dữ liệu {sample_db} (PID "
    )
    assert restore.stderr.count("\n") == 1 and restore.stdout == ""
    assert sample_db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".replaced-" in p.name]


async def test_restore_refuses_a_damaged_file_and_keeps_the_database(
    sample_db: Path, tmp_path: Path
) -> None:
    """A file that is not a sound bietphai backup is refused in one line; nothing is replaced."""
    damaged = tmp_path / "hong.sqlite3"
    shutil.copy(sample_db, damaged)
    with damaged.open("r+b") as file:
        file.seek(8192)
        file.write(os.urandom(16384))
    before = sample_db.read_bytes()
    restore = bietphai("restore", str(damaged), db_path=sample_db, cwd=tmp_path)
    assert restore.returncode == 1
    assert restore.stderr.startswith(f"Lỗi: {damaged} ")
    assert restore.stderr.count("\n") == 1 and "Traceback" not in restore.stderr
    assert sample_db.read_bytes() == before


def test_a_full_disk_is_one_line_and_leaves_nothing_that_looks_like_a_backup(
    tmp_path: Path,
) -> None:
    """The backup folder is a 200 KB tmpfs; the database is bigger: one clear line, no file."""
    if shutil.which("unshare") is None:
        pytest.fail("this test needs `unshare` (util-linux) to mount a tiny tmpfs")
    db_path = tmp_path / "bietphai.sqlite3"
    asyncio.run(sample_database(db_path))
    assert db_path.stat().st_size > 300_000
    small = tmp_path / "nho"
    small.mkdir()
    env = clean_env()
    env["BOT_DB_PATH"] = str(db_path)
    script = (
        f"mount -t tmpfs -o size=200k tmpfs {small} && "
        f"{sys.executable} -m bot backup {small}/sao-luu.sqlite3; code=$?; "
        f"ls -A {small}; exit $code"
    )
    run = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "mount" in run.stderr and "Lỗi" not in run.stderr:
        pytest.fail(f"could not mount a tmpfs in a private namespace: {run.stderr}")
    assert run.returncode == 1, run
    assert run.stderr == (
        f"Lỗi: đĩa đầy: không đủ chỗ để sao lưu vào {small}; "
        "giải phóng chỗ trống rồi chạy lại (chưa có tệp sao lưu nào được tạo)\n"
    )
    assert run.stdout == "", "the folder on the full disk must be left empty"


async def test_keep_n_keeps_the_newest_timestamped_backups(sample_db: Path, tmp_path: Path) -> None:
    """`backup FOLDER/ --keep 2` three times: the two newest files named after the time remain."""
    folder = tmp_path / "hang-dem"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("không phải bản sao lưu")
    for old in ("bietphai-20261101-023000.sqlite3", "bietphai-20261102-023000.sqlite3"):
        shutil.copy(sample_db, folder / old)
    made = bietphai("backup", f"{folder}/", "--keep", "2", db_path=sample_db, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.endswith("Đã xóa 1 bản sao lưu cũ, giữ 2 bản mới nhất.\n")
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == "bietphai-20261102-023000.sqlite3" and names[-1] == "ghi-chu.txt"
    assert len(names) == 3 and names[1].startswith("bietphai-2")


async def test_a_database_from_a_newer_bietphai_is_refused_and_not_touched(
    sample_db: Path, tmp_path: Path
) -> None:
    """A schema newer than the code: one Vietnamese line from run, migrate and restore alike."""
    newest = newest_migration()
    with sqlite3.connect(sample_db) as conn:
        conn.execute(f"PRAGMA user_version = {newest + 1}")
    before = contents(sample_db)
    line = (
        f"Lỗi: cơ sở dữ liệu {sample_db} ở phiên bản lược đồ {newest + 1}, mới hơn bản bietphai "
        f"này (phiên bản {newest}); hãy cài bản bietphai mới hơn, không dùng bản cũ trên dữ "
        "liệu này\n"
    )
    for command in (["migrate"], ["invite", "Nguyễn Văn An"]):
        result = bietphai(*command, db_path=sample_db, cwd=tmp_path)
        assert (result.returncode, result.stderr) == (1, line), command
    other = tmp_path / "khac.sqlite3"
    restore = bietphai("restore", str(sample_db), db_path=other, cwd=tmp_path)
    assert (restore.returncode, restore.stderr) == (1, line)
    assert contents(sample_db) == before and not other.exists()


def one_version_old(path: Path) -> int:
    """A database made by the code before the newest migration; returns the newest number."""
    newest = newest_migration()
    conn = sqlite3.connect(path)
    for number, sql in migrations():
        if number < newest:
            conn.executescript(sql)
    conn.execute(f"PRAGMA user_version = {newest - 1}")
    conn.commit()
    conn.close()
    return newest


async def test_migrate_backs_up_before_changing_anything(tmp_path: Path) -> None:
    """An older database is copied aside, then upgraded; the copy has the old schema."""
    older = tmp_path / "cu.sqlite3"
    newest = one_version_old(older)
    result = bietphai("migrate", db_path=older, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copy = tmp_path / f"cu.sqlite3.before-migration-{newest - 1:04d}"
    assert result.stdout == (
        f"Đã nâng cấp lược đồ của {older} từ phiên bản {newest - 1} lên {newest} "
        f"(migration {newest:04d}).\n"
        f"Bản sao trước khi nâng cấp: {copy}\n"
    )
    assert user_version(copy) == newest - 1
    assert copy.stat().st_mode & 0o777 == 0o600
    again = bietphai("migrate", db_path=older, cwd=tmp_path)
    assert again.stdout == already_newest(older, newest)


async def test_migrate_names_a_missing_middle_migration_it_applies(
    sample_db: Path, tmp_path: Path
) -> None:
    """The highest number was already there: migrate says what it applied, not 'newest'."""
    newest = newest_migration()
    # As if 0013 (two tables, nothing else) had landed after this file reached a higher number.
    with sqlite3.connect(sample_db) as conn:
        conn.execute("DROP TABLE web_sessions")
        conn.execute("DROP TABLE web_links")
        conn.execute("DELETE FROM schema_migrations WHERE version = 13")
    result = bietphai("migrate", db_path=sample_db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copy = tmp_path / f"bietphai.sqlite3.before-migration-{newest:04d}"
    assert result.stdout == (
        f"Đã áp dụng migration 0013 còn thiếu cho {sample_db}; lược đồ ở phiên bản mới nhất "
        f"({newest}).\n"
        f"Bản sao trước khi nâng cấp: {copy}\n"
    )
    with sqlite3.connect(sample_db) as conn:
        assert conn.execute("SELECT count(*) FROM web_links").fetchone() == (0,)
    again = bietphai("migrate", db_path=sample_db, cwd=tmp_path)
    assert again.stdout == already_newest(sample_db, newest)


def test_migrate_writes_runs_of_migrations_as_ranges() -> None:
    """A fresh file gets 0001–00NN, not eighteen numbers on one line."""
    assert migration_numbers([13]) == "0013"
    assert migration_numbers([16, 1, 2, 3, 13, 15]) == "0001–0003, 0013, 0015–0016"


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    """`bietphai --version`."""
    result = bietphai("--version", db_path=tmp_path / "x.sqlite3", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("bietphai ") and result.stdout.strip() != "bietphai"


async def test_the_nightly_backup_job_writes_checked_copies_and_keeps_the_last_ones(
    sample_db: Path, tmp_path: Path
) -> None:
    """BOT_BACKUP_DIR set: `run` schedules a copy at BOT_BACKUP_TIME and keeps BOT_BACKUP_KEEP."""
    folder = tmp_path / "sao-luu-hang-dem"
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=sample_db,
        BOT_BACKUP_DIR=folder,
        BOT_BACKUP_TIME="02:30",
        BOT_BACKUP_KEEP=2,
    )
    app = await build_app(settings)
    try:
        nightly = [s for s in app.services if isinstance(s, NightlyBackup)]
        assert len(nightly) == 1
        await nightly[0].start()
        job = nightly[0].scheduler.get_job("nightly_backup")
        assert job is not None
        assert job.next_run_time.strftime("%H:%M %Z") == "02:30 +07"
        await nightly[0].stop()
        for night in ("2026-11-24 02:30", "2026-11-25 02:30", "2026-11-26 02:30"):
            assert await nightly[0].back_up(local(night)) is not None
    finally:
        await app.stop()
    assert sorted(p.name for p in folder.iterdir()) == [
        "bietphai-20261125-023000.sqlite3",
        "bietphai-20261126-023000.sqlite3",
    ]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.iterdir())
    assert folder.stat().st_mode & 0o777 == 0o700


async def test_backup_export_and_report_refuse_an_existing_file_unless_forced(
    sample_db: Path, tmp_path: Path
) -> None:
    """Yesterday's backup or a report already sent round is never replaced by accident."""
    period = ("--from", "01/11/2026", "--to", "30/11/2026")
    for command, target in (
        (("backup",), tmp_path / "sao-luu.sqlite3"),
        (("export", *period, "-o"), tmp_path / "bao-cao.xlsx"),
        (("export-org", "-o"), tmp_path / "to-chuc.xlsx"),
        (("report", *period, "-o"), tmp_path / "bao-cao.docx"),
    ):
        target.write_text("tệp hôm qua")
        refused = bietphai(*command, str(target), db_path=sample_db, cwd=tmp_path)
        assert (refused.returncode, refused.stderr) == (
            1,
            f"Lỗi: tệp {target} đã có; chọn tên khác hoặc thêm --force để ghi đè\n",
        ), command
        assert target.read_text() == "tệp hôm qua"
        forced = bietphai(*command, str(target), "--force", db_path=sample_db, cwd=tmp_path)
        assert forced.returncode == 0, forced.stderr
        assert target.read_bytes()[:2] in (b"SQ", b"PK")  # a database, a workbook, a .docx


async def test_the_database_the_bot_creates_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """A new database (and its WAL files) is 0600 whatever the umask: it holds phone numbers."""
    old = os.umask(0o022)
    try:
        db_path = tmp_path / "moi.sqlite3"
        db = await Database(db_path).open()
        try:
            await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
            modes = {
                path.name: path.stat().st_mode & 0o777
                for path in tmp_path.iterdir()
                if path.name.startswith("moi.sqlite3")
            }
        finally:
            await db.close()
    finally:
        os.umask(old)
    assert modes["moi.sqlite3"] == 0o600
    assert modes.get("moi.sqlite3-wal") == 0o600, modes


async def test_two_openings_of_an_old_database_at_once_both_get_through(
    tmp_path: Path,
) -> None:
    """Two connections (the bot and a command): both copy it or find the copy; one migrates."""
    older = tmp_path / "cu.sqlite3"
    newest = one_version_old(older)
    first, second = await asyncio.gather(Database(older).open(), Database(older).open())
    try:
        assert await first.schema_version() == await second.schema_version() == newest
    finally:
        await first.close()
        await second.close()
    copy = tmp_path / f"cu.sqlite3.before-migration-{newest - 1:04d}"
    assert user_version(copy) == newest - 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
