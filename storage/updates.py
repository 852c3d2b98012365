"""Processed update keys: a redelivered update is recognised, its replies kept for resending."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Tx
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
    tx: Tx, update_key: str, chat_id: str, replies: list[dict[str, Any]], now: datetime
) -> None:
    """Remember that this update was processed, with the replies to send to its chat."""
    await tx.execute(
        "INSERT INTO processed_updates (update_key, chat_id, processed_at, replies) "
        "VALUES (?, ?, ?, ?)",
        (update_key, chat_id, to_db_time(now), json.dumps(replies, ensure_ascii=False)),
    )


@dataclass(frozen=True)
class UnsentReplies:
    """Replies committed with an update but never confirmed as sent (a crash came between)."""

    update_key: str
    chat_id: str
    replies: list[dict[str, Any]]


async def unsent_replies(tx: Tx, channel: str, since: datetime) -> list[UnsentReplies]:
    """Updates of a channel handled since `since` whose replies were not marked sent."""
    rows = await tx.all(
        "SELECT update_key, chat_id, replies FROM processed_updates "
        "WHERE replied_at IS NULL AND processed_at >= ? AND update_key LIKE ? "
        "ORDER BY processed_at, update_key",
        (to_db_time(since), f"{channel}:%"),
    )
    return [
        UnsentReplies(r["update_key"], r["chat_id"], json.loads(r["replies"]))
        for r in rows
        if r["replies"] != "[]"
    ]


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
