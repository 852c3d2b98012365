"""Files kept on disk and served under unguessable tokens until they expire (exports on Zalo)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Tx
from storage.timefmt import from_db_time, to_db_time

TOKEN_BYTES = 32  # 256 random bits, as for pictures


@dataclass(frozen=True)
class FileLink:
    """A stored file's token, where it lives, what it is called, and until when it is served."""

    token: str
    path: str
    file_name: str
    content_type: str
    expires_at: datetime


async def link_file(
    tx: Tx,
    *,
    path: str,
    file_name: str,
    content_type: str,
    now: datetime,
    lifetime: timedelta,
) -> FileLink:
    """A token for this file (the same file linked again while half its life is left: same)."""
    await tx.execute("DELETE FROM file_links WHERE expires_at <= ?", (to_db_time(now),))
    row = await tx.one(
        "SELECT token, expires_at FROM file_links WHERE path = ? AND expires_at > ? "
        "ORDER BY expires_at DESC LIMIT 1",
        (path, to_db_time(now + lifetime / 2)),
    )
    if row is not None:
        return FileLink(
            row["token"], path, file_name, content_type, from_db_time(row["expires_at"])
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + lifetime
    await tx.execute(
        "INSERT INTO file_links (token, path, file_name, content_type, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token, path, file_name, content_type, to_db_time(now), to_db_time(expires_at)),
    )
    return FileLink(token, path, file_name, content_type, expires_at)


async def file_by_token(tx: Tx, token: str, now: datetime) -> FileLink | None:
    """The file under this token, or None when unknown or expired."""
    row = await tx.one(
        "SELECT token, path, file_name, content_type, expires_at FROM file_links "
        "WHERE token = ? AND expires_at > ?",
        (token, to_db_time(now)),
    )
    if row is None:
        return None
    return FileLink(
        row["token"],
        row["path"],
        row["file_name"],
        row["content_type"],
        from_db_time(row["expires_at"]),
    )


async def delete_expired(tx: Tx, now: datetime) -> int:
    """Forget links that have expired; returns how many."""
    return await tx.execute_count(
        "DELETE FROM file_links WHERE expires_at <= ?", (to_db_time(now),)
    )
