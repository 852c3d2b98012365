"""Everything the router needs to start handling a message, read in one query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.conversation import EMPTY
from storage.db import Tx
from storage.models import ConversationState, Person
from storage.org import PERSON_COLUMNS, person_from_row, touch_identity
from storage.timefmt import to_db_time
from storage.updates import ProcessedUpdate


@dataclass(frozen=True)
class TurnContext:
    """Whether the update was seen, who sent it, and where their chat stands."""

    seen: ProcessedUpdate | None
    person: Person | None
    state: ConversationState


async def load_turn(
    tx: Tx,
    *,
    update_key: str,
    channel: str,
    user_id: str,
    chat_id: str,
    now: datetime,
    refresh: timedelta,
) -> TurnContext:
    """Read the update key, the sender and the chat's state together (one round trip).

    Also refreshes the account's `last_seen_at` when older than `refresh` (it decides which
    channel reaches the person) and clears a stale "blocked the bot" mark.
    """
    row = await tx.one(
        f"SELECT pu.replies, pu.replied_at, i.last_seen_at, i.unreachable_at, "
        f"cs.flow, cs.step, cs.data, cs.token, cs.offered, "
        f"{PERSON_COLUMNS} FROM (SELECT 1) AS here "
        "LEFT JOIN processed_updates pu ON pu.update_key = :key "
        "LEFT JOIN channel_identities i ON i.channel = :channel AND i.user_id = :user "
        "LEFT JOIN people p ON p.id = i.person_id AND p.active = 1 "
        "LEFT JOIN conversation_state cs ON cs.channel = :channel AND cs.chat_id = :chat",
        {"key": update_key, "channel": channel, "user": user_id, "chat": chat_id},
    )
    assert row is not None  # the FROM clause always yields one row
    seen = None
    if row["replies"] is not None:
        seen = ProcessedUpdate(json.loads(row["replies"]), row["replied_at"] is not None)
    person = person_from_row(row) if row["id"] is not None else None
    if person is not None and (
        row["unreachable_at"] is not None or row["last_seen_at"] < to_db_time(now - refresh)
    ):
        await touch_identity(tx, channel, user_id, now)
    state = EMPTY
    if row["token"] is not None:
        state = ConversationState(
            flow=row["flow"],
            step=row["step"],
            data=json.loads(row["data"]),
            token=row["token"],
            offered=json.loads(row["offered"]),
        )
    return TurnContext(seen, person, state)
