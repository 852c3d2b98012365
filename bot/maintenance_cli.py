"""`bietphai backup`, `restore` and `migrate`: the database's care, each in one clear line."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.settings import Settings
from storage import backup as backups
from storage.db import Database, StorageError, check_path_usable, open_database
from storage.instance_lock import InstanceLock


def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    """backup TARGET [--keep N] [--force]."""
    parser.add_argument(
        "target",
        metavar="FILE",
        help="tệp sao lưu mới, hoặc một thư mục (tệp đặt tên theo giờ: bietphai-YYYYMMDD-HHMMSS)",
    )
    parser.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="chỉ giữ N bản sao lưu đặt tên theo giờ mới nhất trong thư mục đó",
    )
    parser.add_argument("--force", action="store_true", help="ghi đè tệp đã có")


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    """restore FILE."""
    parser.add_argument("file", type=Path, metavar="FILE", help="tệp sao lưu (bietphai backup)")


async def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Write a checked backup, then prune the old ones when asked."""
    if settings.database_url:
        return _postgresql_tools(settings.database_url)
    if args.keep is not None and args.keep < 1:
        raise StorageError("--keep phải từ 1 trở lên")
    check_path_usable(settings.db_path)
    now = datetime.now(settings.zone)
    target = backup_target(args.target, now)
    copied = await asyncio.to_thread(
        backups.backup_file, settings.db_path, target, force=args.force
    )
    print(f"Đã sao lưu vào {target}: {summary(copied.rows)}; đã kiểm tra toàn vẹn.")
    if args.keep is not None:
        removed = backups.prune(target.parent, args.keep)
        if removed:
            print(f"Đã xóa {len(removed)} bản sao lưu cũ, giữ {args.keep} bản mới nhất.")
    return 0


def backup_target(given: str, now: datetime) -> Path:
    """A folder (existing, or written with a trailing /) gets a file named after the time."""
    # Kept as text: Path("backups/") forgets the slash that says "a folder".
    if given.endswith("/") or Path(given).is_dir():
        return Path(given) / backups.stamped_name(now)
    return Path(given)


async def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Replace the database with a checked backup, keeping the replaced one aside."""
    if settings.database_url:
        return _postgresql_tools(settings.database_url)
    # The lock the running bot holds: a restore under a live bot would be overwritten by it.
    with InstanceLock(settings.db_path).acquire(doing="khôi phục"):
        restored = await asyncio.to_thread(
            backups.restore_file, args.file, settings.db_path, datetime.now(settings.zone)
        )
        db = await Database(settings.db_path).open()
        try:
            version = await db.schema_version()
        finally:
            await db.close()
    print(f"Đã khôi phục {settings.db_path} từ {args.file}: {summary(restored.copied.rows)}.")
    if restored.aside is not None:
        print(f"Cơ sở dữ liệu cũ được giữ lại ở {restored.aside}.")
    if version != restored.copied.schema_version:
        older = restored.copied.schema_version
        print(f"Lược đồ đã được nâng cấp từ phiên bản {older} lên {version}.")
    return 0


def _postgresql_tools(url: str) -> int:
    """With PostgreSQL, backups are the server's own tools: say which, in one line."""
    from storage.pg import backup_hint

    print(backup_hint(url), file=sys.stderr)
    return 1


async def run_migrate(settings: Settings) -> int:
    """Bring the schema up to date, as `run` does at start-up."""
    if settings.database_url:
        db = open_database(settings.db_path, settings.database_url)
        await db.open()
        try:
            version = await db.schema_version()
        finally:
            await db.close()
        if not db.migrations_applied:
            print(f"{db.describe()} ở phiên bản lược đồ mới nhất ({version}).")
        else:
            print(
                f"Đã áp dụng migration {migration_numbers(db.migrations_applied)} trên "
                f"{db.describe()}; lược đồ ở phiên bản mới nhất ({version})."
            )
        return 0
    before = _schema_version_of(settings.db_path)
    db = await Database(settings.db_path).open()
    try:
        after = await db.schema_version()
        copy = db.migration_backup
    finally:
        await db.close()
    applied = db.migrations_applied
    if not applied:
        print(f"Cơ sở dữ liệu {settings.db_path} đã ở phiên bản lược đồ mới nhất ({after}).")
        return 0
    if before == after:
        # A migration that landed after this file reached a higher number (see the README).
        print(
            f"Đã áp dụng migration {migration_numbers(applied)} còn thiếu cho {settings.db_path}; "
            f"lược đồ ở phiên bản mới nhất ({after})."
        )
    else:
        print(
            f"Đã nâng cấp lược đồ của {settings.db_path} từ phiên bản {before} lên {after} "
            f"(migration {migration_numbers(applied)})."
        )
    if copy is not None:
        print(f"Bản sao trước khi nâng cấp: {copy}")
    return 0


def migration_numbers(numbers: Sequence[int]) -> str:
    """'0013' or '0001–0012, 0015': the migrations applied, runs written as ranges."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        f"{run[0]:04d}" if len(run) == 1 else f"{run[0]:04d}–{run[-1]:04d}" for run in runs
    )


def _schema_version_of(path: Path) -> int:
    """The schema version of a database file without changing it (0: no file yet)."""
    if not path.is_file():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StorageError(f"không đọc được cơ sở dữ liệu {path}: {exc}") from exc


def summary(rows: dict[str, int]) -> str:
    """'21 người, 340 nhật ký, 12 khó khăn' from the row counts."""
    return (
        f"{rows.get('people', 0)} người, {rows.get('work_logs', 0)} nhật ký, "
        f"{rows.get('difficulties', 0)} khó khăn"
    )
