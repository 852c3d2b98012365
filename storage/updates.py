"""Processed update keys: a redelivered update is recognised, its replies kept for resending."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Tx, duty_lock_key
from storage.timefmt import to_db_time


@dataclass(frozen=True)
class ProcessedUpdate:
    """An update seen before: the replies it produced and whether they were sent."""

    replies: list[dict[str, Any]]
    replied: bool


async def processed_update(tx: Tx, update_key: str) -> ProcessedUpdate | None:
    """The stored outcome of this update, if it was processed already."""
    row = await tx.one(
        "SELECT replies, replied_at FROM processed_updates WHERE update_key = ?", (update_key,)
    )
    if row is None:
        return None
    return ProcessedUpdate(json.loads(row["replies"]), row["replied_at"] is not None)


async def record_update(
    tx: Tx,
    update_key: str,
    chat_id: str,
    replies: list[dict[str, Any]],
    now: datetime,
    owner: str = "",
) -> None:
    """Remember that this update was processed, with the replies to send to its chat.

    `owner` is the token of the process that will send them (`liveness_duty`); '' is nobody's.
    """
    await tx.execute(
        "INSERT INTO processed_updates (update_key, chat_id, processed_at, replies, owner) "
        "VALUES (?, ?, ?, ?, ?)",
        (update_key, chat_id, to_db_time(now), json.dumps(replies, ensure_ascii=False), owner),
    )


def liveness_duty(owner: str) -> str:
    """The duty (`Database.exclusive`) a running process holds under its owner token."""
    return f"process:{owner}"


@dataclass(frozen=True)
class UnsentReplies:
    """Replies committed with an update but never confirmed as sent (a crash came between)."""

    update_key: str
    chat_id: str
    replies: list[dict[str, Any]]


async def unsent_replies(
    tx: Tx, channel: str, since: datetime, *, mine: str = ""
) -> list[UnsentReplies]:
    """Unsent replies of a channel's updates handled since `since` whose process has died.

    A process's replies are its own while it runs: it holds the duty `liveness_duty(owner)`
    (a session advisory lock on PostgreSQL, freed by the server when the process dies), so
    trying that lock here fails for a live one. The locks taken stay held until this
    transaction ends: two processes recovering at once do not both take one dead owner's
    replies. `mine` (this process) is never dead; an SQLite file has one process, whose
    earlier runs had other tokens, and '' (rows from before owners, or a bot without one)
    belongs to nobody.
    """
    window = (to_db_time(since), f"{channel}:%")
    owners = [
        str(r[0])
        for r in await tx.all(
            "SELECT DISTINCT owner FROM processed_updates WHERE replied_at IS NULL "
            "AND processed_at >= ? AND update_key LIKE ? AND replies <> '[]'",
            window,
        )
    ]
    dead = [
        owner
        for owner in owners
        if not (mine and owner == mine) and await tx.try_lock(duty_lock_key(liveness_duty(owner)))
    ]
    if not dead:
        return []
    marks = ", ".join("?" for _ in dead)
    rows = await tx.all(
        "SELECT update_key, chat_id, replies FROM processed_updates "
        "WHERE replied_at IS NULL AND processed_at >= ? AND update_key LIKE ? "
        f"AND replies <> '[]' AND owner IN ({marks}) ORDER BY processed_at, update_key",
        (*window, *dead),
    )
    return [UnsentReplies(r["update_key"], r["chat_id"], json.loads(r["replies"])) for r in rows]


async def awaiting_reply(tx: Tx, channel: str) -> list[UnsentReplies]:
    """Updates of a channel whose replies are stored but not yet confirmed sent, any process's."""
    rows = await tx.all(
        "SELECT update_key, chat_id, replies FROM processed_updates "
        "WHERE replied_at IS NULL AND update_key LIKE ? AND replies <> '[]' "
        "ORDER BY processed_at, update_key",
        (f"{channel}:%",),
    )
    return [UnsentReplies(r["update_key"], r["chat_id"], json.loads(r["replies"])) for r in rows]


async def mark_replied(tx: Tx, update_keys: list[str], now: datetime) -> None:
    """The replies of these updates reached the platform."""
    await tx.executemany(
        "UPDATE processed_updates SET replied_at = ?, replies = '[]' WHERE update_key = ?",
        [(to_db_time(now), key) for key in update_keys],
    )


async def forget_updates_before(tx: Tx, before: datetime, limit: int = 5000) -> int:
    """Drop up to `limit` update keys older than any redelivery window; returns how many."""
    return await tx.execute_count(
        "DELETE FROM processed_updates WHERE update_key IN (SELECT update_key FROM "
        "processed_updates WHERE processed_at < ? LIMIT ?)",
        (to_db_time(before), limit),
    )
