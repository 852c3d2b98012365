"""The lock a running bot holds on its database file, so a second bot or a restore is refused.

Two bots on one SQLite file would both poll and both reply; a restore under a running bot would
be overwritten by it. `flock` on a sibling `.lock` file is released by the kernel when the
process dies, even by SIGKILL, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from storage.db import StorageError


class DatabaseInUse(StorageError):
    """A bot is running on this database now."""


def lock_path(db_path: Path) -> Path:
    """The lock file beside the database (`bietphai.sqlite3.lock`)."""
    return db_path.with_name(db_path.name + ".lock")


class InstanceLock:
    """An exclusive, non-blocking lock on one database; `acquire` refuses when it is taken."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self, *, doing: str = "chạy bot") -> InstanceLock:
        """Take the lock or raise DatabaseInUse naming the process that holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StorageError(f"không tạo được tệp khóa {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise DatabaseInUse(
                f"không thể {doing}: một bot đang chạy trên cơ sở dữ liệu {self.db_path} "
                f"(PID {holder}); dừng bot đó trước (ví dụ systemctl stop bietphai)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Let go of the lock (the file stays; it is only a place to lock)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire() if self._fd is None else self

    def __exit__(self, *exc: object) -> None:
        self.release()
