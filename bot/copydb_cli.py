"""`bietphai copy-db`: move a department's database between SQLite and PostgreSQL.

`copy-db --to postgresql://…` copies BOT_DB_PATH into an empty PostgreSQL database (the move);
`copy-db --from postgresql://… --to-sqlite FILE` copies a PostgreSQL database into a new SQLite
file (the way back). The way back names both sides, so it is never taken for the move.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from storage.db import Database, StorageError
from storage.instance_lock import InstanceLock, lock_path

if TYPE_CHECKING:
    from storage.copy import CopiedTable

POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


class CopyDbError(StorageError):
    """A copy that cannot start; the message is one line for the operator."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `copy-db`."""
    parser.add_argument(
        "--to",
        dest="url",
        metavar="URL",
        help="chép BOT_DB_PATH sang cơ sở dữ liệu PostgreSQL trống này: "
        "postgresql://người_dùng@máy:5432/tên",
    )
    parser.add_argument(
        "--from",
        dest="source_url",
        metavar="URL",
        help="chiều ngược lại: chép cơ sở dữ liệu PostgreSQL này (cùng với --to-sqlite)",
    )
    parser.add_argument(
        "--to-sqlite",
        dest="sqlite_file",
        metavar="FILE",
        help="chiều ngược lại: tệp SQLite mới (hoặc trống) nhận dữ liệu (cùng với --from)",
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """SQLite to PostgreSQL (--to), or PostgreSQL back to a new SQLite file (--from …)."""
    backwards = args.source_url is not None or args.sqlite_file is not None
    if args.url is not None and backwards:
        raise CopyDbError(
            "--to (SQLite sang PostgreSQL) không đi cùng --from/--to-sqlite (PostgreSQL về SQLite)"
        )
    if backwards:
        return await _to_sqlite(args.source_url, args.sqlite_file)
    if args.url is None:
        raise CopyDbError(
            "cần --to URL (SQLite sang PostgreSQL) hoặc --from URL --to-sqlite FILE "
            "(PostgreSQL về SQLite)"
        )
    return await _to_postgresql(str(args.url), settings)


async def _to_postgresql(url: str, settings: Settings) -> int:
    """Copy BOT_DB_PATH into the empty database at `url`, then say what was copied."""
    if not url.startswith(POSTGRESQL_SCHEMES):
        raise CopyDbError("--to phải là địa chỉ PostgreSQL, dạng postgresql://người_dùng@máy/tên")
    if not settings.db_path.is_file():
        raise CopyDbError(f"không có tệp SQLite để chép: {settings.db_path} (BOT_DB_PATH)")
    from storage.copy import copy_database
    from storage.pg import PgDatabase

    source = await Database(settings.db_path).open()
    try:
        target = await PgDatabase(url).open()
        try:
            copied = await copy_database(source, target)
        finally:
            await target.close()
    finally:
        await source.close()
    _say_copied(copied, str(settings.db_path), target.describe())
    print(
        f"Đã cập nhật thống kê (ANALYZE) cho {len(copied)} bảng, để PostgreSQL lập kế hoạch "
        "truy vấn đúng ngay từ đầu."
    )
    print("Tiếp theo: đặt BOT_DATABASE_URL trong .env rồi khởi động lại bot (xem README).")
    return 0


async def _to_sqlite(url: str | None, given: str | None) -> int:
    """Copy the PostgreSQL database at `url` into the new SQLite file `given`."""
    if url is None or given is None:
        raise CopyDbError("chép về SQLite cần cả --from URL lẫn --to-sqlite FILE")
    if not url.startswith(POSTGRESQL_SCHEMES):
        raise CopyDbError("--from phải là địa chỉ PostgreSQL, dạng postgresql://người_dùng@máy/tên")
    # Checked as typed: a Path would already have folded "://" into ":/".
    if "://" in given:
        raise CopyDbError("--to-sqlite là đường dẫn một tệp SQLite, không phải địa chỉ")
    file = Path(given)
    if not file.parent.is_dir():
        raise CopyDbError(f"thư mục không tồn tại: {file.parent} (--to-sqlite)")
    if file.exists() and not file.is_file():
        raise CopyDbError(f"--to-sqlite không phải là một tệp: {file}")
    from storage.copy_back import copy_back
    from storage.pg import PgDatabase

    created = not file.exists()
    source = await PgDatabase(url).open()
    try:
        # A bot started on the new file during the copy would write into it: refused meanwhile.
        with InstanceLock(file).acquire(doing="chép vào"):
            target = await Database(file).open()
            try:
                copied = await copy_back(source, target)
            finally:
                await target.close()
    except BaseException:
        if created:
            # Nothing was copied: no half-made database is left behind to be mistaken for one.
            for left in (file, *(file.with_name(file.name + e) for e in ("-wal", "-shm"))):
                left.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                lock_path(file).unlink()
        raise
    finally:
        await source.close()
    _say_copied(copied, source.describe(), str(file))
    print(
        f"Tiếp theo: bỏ BOT_DATABASE_URL khỏi .env, đặt BOT_DB_PATH={file} "
        "rồi khởi động lại bot (xem README)."
    )
    return 0


def _say_copied(copied: list[CopiedTable], source: str, target: str) -> None:
    """How many rows went where, table by table."""
    total = sum(t.rows for t in copied)
    print(
        f"Đã chép {total} dòng của {len(copied)} bảng từ {source} sang {target}; "
        "số dòng từng bảng đã khớp."
    )
    for table in copied:
        print(f"  {table.name}: {table.rows}")
