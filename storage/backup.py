"""Backups that are either complete and checked or not there at all, and restores that keep the old.

A backup is written to a hidden temporary file beside the target and renamed into place only
after `PRAGMA integrity_check` passes and every table holds as many rows as the database had
at the moment of the copy (the counts and the copy come from one read snapshot). A full disk,
a kill or an error leaves no file that looks like a backup. Files are readable by their owner
only: they hold phone numbers.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.errors import StorageError
from storage.schema import migrations, newer_schema_line

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# Timestamped backups in a folder (`bietphai backup FOLDER`, the nightly job): what --keep counts.
STAMPED = re.compile(r"^bietphai-\d{8}-\d{6}\.sqlite3$")


class BackupError(StorageError):
    """A backup or restore that did not happen; the message is the line to print."""


@dataclass(frozen=True)
class Copied:
    """What a checked copy holds."""

    path: Path
    rows: dict[str, int]
    schema_version: int


def stamped_name(now: datetime) -> str:
    """`bietphai-20261201-023000.sqlite3` for a backup made at `now` (local time)."""
    return f"bietphai-{now:%Y%m%d-%H%M%S}.sqlite3"


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (SQLite keeps the mode it finds)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)


def backup_file(source: Path, target: Path, *, force: bool = False) -> Copied:
    """Copy the database at `source` to `target` safely (blocking: run it in a worker thread)."""
    if not source.is_file():
        raise BackupError(f"không có cơ sở dữ liệu để sao lưu: {source} (BOT_DB_PATH)")
    if target.exists() and not force:
        raise BackupError(f"tệp {target} đã có; chọn tên khác hoặc thêm --force để ghi đè")
    try:
        target.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"không tạo được thư mục {target.parent}: {exc.strerror}") from exc
    # Unique per call: two copies may be made at once (two processes opening an old database).
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        copied = _copy_checked(source, temporary)
        _fsync(temporary)
        os.replace(temporary, target)
        _fsync(target.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if _disk_full(exc):
            raise BackupError(
                f"đĩa đầy: không đủ chỗ để sao lưu vào {target.parent}; "
                "giải phóng chỗ trống rồi chạy lại (chưa có tệp sao lưu nào được tạo)"
            ) from exc
        if isinstance(exc, sqlite3.Error | OSError):
            raise BackupError(f"sao lưu không thành công ({exc}); chưa tạo tệp nào") from exc
        raise
    return Copied(target, copied.rows, copied.schema_version)


def _copy_checked(source: Path, temporary: Path) -> Copied:
    """Copy inside one read snapshot of the source, then check the copy against it."""
    create_private(temporary)
    src = sqlite3.connect(source, timeout=30, isolation_level=None)
    try:
        src.execute("BEGIN")
        expected = row_counts(src)  # the same snapshot the backup copies
        version = int(src.execute("PRAGMA user_version").fetchone()[0])
        dest = sqlite3.connect(temporary, isolation_level=None)
        try:
            src.backup(dest)
            # The copy is a plain file on its own: no WAL beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
            check_integrity(dest, temporary)
            got = row_counts(dest)
        finally:
            dest.close()
        src.execute("COMMIT")
    finally:
        src.close()
    if got != expected:
        differs = ", ".join(
            f"{name} {got.get(name)}≠{expected.get(name)}"
            for name in sorted(set(got) | set(expected))
            if got.get(name) != expected.get(name)
        )
        raise sqlite3.DatabaseError(f"số dòng của bản sao khác bản gốc: {differs}")
    return Copied(temporary, got, version)


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """Raise when SQLite finds the file damaged."""
    result = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise sqlite3.DatabaseError(f"{path} bị hỏng: {'; '.join(result[:3])}")


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table of the database."""
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    return {
        name: int(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in names
    }


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` timestamped backups in `folder`; returns those deleted."""
    stamped = sorted(p for p in folder.iterdir() if STAMPED.match(p.name) and p.is_file())
    doomed = stamped[: max(len(stamped) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


def read_backup(path: Path) -> Copied:
    """Check a backup file before a restore: readable, undamaged, not newer than this code."""
    if not path.is_file():
        raise BackupError(f"không có tệp sao lưu {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        try:
            check_integrity(conn, path)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            rows = row_counts(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} không phải là bản sao lưu dùng được ({exc})") from exc
    newest = latest_schema()
    if version > newest:
        raise BackupError(newer_schema_line(path, version, newest))
    if "people" not in rows:
        raise BackupError(f"{path} không phải là cơ sở dữ liệu bietphai")
    return Copied(path, rows, version)


@dataclass(frozen=True)
class Restored:
    """A finished restore: what the database now holds and where the old one was put."""

    copied: Copied
    aside: Path | None


def restore_file(source: Path, db_path: Path, now: datetime) -> Restored:
    """Replace `db_path` by a checked copy of the backup `source` (blocking; caller holds the lock).

    The copy is made and checked beside the database first; only then is the current database
    (its WAL merged in) renamed aside and the copy renamed into its place.
    """
    read_backup(source)
    temporary = db_path.with_name(f".{db_path.name}.restoring.{secrets.token_hex(4)}")
    try:
        copied = _copy_checked(source, temporary)
        _fsync(temporary)
        aside = _move_aside(db_path, now)
        os.replace(temporary, db_path)
        _fsync(db_path.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if _disk_full(exc):
            raise BackupError(
                f"đĩa đầy: không đủ chỗ để khôi phục vào {db_path.parent}; "
                "cơ sở dữ liệu hiện tại chưa bị thay"
            ) from exc
        if isinstance(exc, sqlite3.Error | OSError):
            raise BackupError(f"khôi phục không thành công ({exc}); dữ liệu chưa bị thay") from exc
        raise
    return Restored(Copied(db_path, copied.rows, copied.schema_version), aside)


def _move_aside(db_path: Path, now: datetime) -> Path | None:
    """Rename the current database (WAL checkpointed into it) to `<name>.replaced-<time>`."""
    if not db_path.exists():
        return None
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # folds and removes the -wal and -shm files
    finally:
        conn.close()
    aside = db_path.with_name(f"{db_path.name}.replaced-{now:%Y%m%d-%H%M%S}")
    os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            db_path.with_name(db_path.name + suffix).unlink()
    return aside


def latest_schema() -> int:
    """The number of the newest migration this code knows."""
    return max((number for number, _ in migrations()), default=0)


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    return False


def _fsync(path: Path) -> None:
    """Make the file (or the rename in a folder) reach the disk before we say 'done'."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
