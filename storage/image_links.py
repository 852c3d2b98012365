"""Pictures served by the bot under unguessable tokens until they expire (Zalo chart links)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Tx
from storage.timefmt import from_db_time, to_db_time

# 32 random bytes: 256 bits, far beyond guessing; URL-safe base64 of 43 characters.
TOKEN_BYTES = 32


@dataclass(frozen=True)
class StoredImage:
    """Where a stored picture can be fetched, and until when."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class ServedImage:
    """A picture to answer a request with."""

    content_type: str
    body: bytes
    expires_at: datetime


async def store_image(
    tx: Tx, *, body: bytes, content_type: str, now: datetime, lifetime: timedelta
) -> StoredImage:
    """Keep a picture under a fresh token (expired pictures are deleted first).

    The same picture stored again while more than half its lifetime is left keeps its token:
    a message retried by the outbox does not pile up copies.
    """
    await delete_expired(tx, now)
    digest = hashlib.sha256(body).hexdigest()
    row = await tx.one(
        "SELECT token, expires_at FROM image_links WHERE digest = ? AND content_type = ? "
        "AND expires_at > ? ORDER BY expires_at DESC LIMIT 1",
        (digest, content_type, to_db_time(now + lifetime / 2)),
    )
    if row is not None:
        return StoredImage(row["token"], from_db_time(row["expires_at"]))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + lifetime
    await tx.execute(
        "INSERT INTO image_links (token, digest, content_type, body, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token, digest, content_type, body, to_db_time(now), to_db_time(expires_at)),
    )
    return StoredImage(token, expires_at)


async def image_by_token(tx: Tx, token: str, now: datetime) -> ServedImage | None:
    """The picture under this token, or None when unknown or expired (told apart by nobody)."""
    row = await tx.one(
        "SELECT content_type, body, expires_at FROM image_links WHERE token = ? AND expires_at > ?",
        (token, to_db_time(now)),
    )
    if row is None:
        return None
    return ServedImage(row["content_type"], bytes(row["body"]), from_db_time(row["expires_at"]))


async def delete_expired(tx: Tx, now: datetime) -> int:
    """Forget pictures whose links have expired; returns how many."""
    return await tx.execute_count(
        "DELETE FROM image_links WHERE expires_at <= ?", (to_db_time(now),)
    )
