"""`bietphai copy-db --to postgresql://…`: move a department's SQLite database to PostgreSQL."""

from __future__ import annotations

import argparse

from bot.settings import Settings
from storage.db import Database, StorageError


class CopyDbError(StorageError):
    """A copy that cannot start; the message is one line for the operator."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `copy-db`."""
    parser.add_argument(
        "--to",
        dest="url",
        required=True,
        metavar="URL",
        help="cơ sở dữ liệu PostgreSQL đích, trống: postgresql://người_dùng@máy:5432/tên",
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Copy BOT_DB_PATH into the empty database at --to, then say what was copied."""
    url = str(args.url)
    if not url.startswith(("postgresql://", "postgres://")):
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
    total = sum(t.rows for t in copied)
    print(
        f"Đã chép {total} dòng của {len(copied)} bảng từ {settings.db_path} sang "
        f"{target.describe()}; số dòng từng bảng đã khớp."
    )
    for table in copied:
        print(f"  {table.name}: {table.rows}")
    print(
        f"Đã cập nhật thống kê (ANALYZE) cho {len(copied)} bảng, để PostgreSQL lập kế hoạch "
        "truy vấn đúng ngay từ đầu."
    )
    print("Tiếp theo: đặt BOT_DATABASE_URL trong .env rồi khởi động lại bot (xem README).")
    return 0
