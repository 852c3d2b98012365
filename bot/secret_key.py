"""The server's secret key (invite codes are stored as HMACs with it), kept outside the database."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from bot.settings import Settings
from bot.startup import StartupError

log = logging.getLogger(__name__)
KEY_FILE_NAME = "bietphai.secret"
MIN_KEY_LENGTH = 32


def key_file_path(settings: Settings) -> Path:
    """Where the key file is: the setting, else beside the SQLite database."""
    return settings.secret_key_file or settings.db_path.parent / KEY_FILE_NAME


def load_secret_key(settings: Settings) -> bytes:
    """The key from the setting or the key file, creating the file the first time."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = key_file_path(settings)
    try:
        return read_or_create(path)
    except OSError as exc:
        raise StartupError(
            f"không đọc hoặc tạo được khóa bí mật {path} ({exc.strerror}); "
            "kiểm tra BOT_SECRET_KEY_FILE"
        ) from exc


def read_or_create(path: Path) -> bytes:
    """The key in the file at `path`; a new key written there first if there is none."""
    if path.exists():
        return _read(path)
    # The key is written whole under a name of its own, then linked into place: processes
    # starting at once see no file or a whole one, never a half-written one, and os.link
    # fails for all but the first, so they all end up with the one key that was linked.
    key = secrets.token_urlsafe(48)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(key + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)
    except FileExistsError:
        return _read(path)
    finally:
        draft.unlink(missing_ok=True)
    log.info("created the secret key file %s (mode 0600); back it up with the database", path)
    return key.encode()


def _read(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Others could read it: tighten it rather than refuse to start.
        path.chmod(0o600)
        log.warning("the secret key file %s was readable by others; now mode 0600", path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise StartupError(
            f"khóa bí mật trong {path} quá ngắn (cần ít nhất {MIN_KEY_LENGTH} ký tự); "
            "xóa tệp để bot tạo khóa mới"
        )
    return key.encode()
