"""Conversation state per chat, so a restart in the middle of a flow loses nothing."""

from __future__ import annotations

import json
from datetime import datetime

from storage.db import Tx
from storage.models import ConversationState
from storage.timefmt import to_db_time

EMPTY = ConversationState(flow=None, step=None, data={}, token="", offered=[])


async def load_state(tx: Tx, channel: str, chat_id: str) -> ConversationState:
    """The state of this chat (an empty one when it has none)."""
    row = await tx.one(
        "SELECT flow, step, data, token, offered FROM conversation_state "
        "WHERE channel = ? AND chat_id = ?",
        (channel, chat_id),
    )
    if row is None:
        return EMPTY
    return ConversationState(
        flow=row["flow"],
        step=row["step"],
        data=json.loads(row["data"]),
        token=row["token"],
        offered=json.loads(row["offered"]),
    )


async def save_state(
    tx: Tx,
    channel: str,
    chat_id: str,
    person_id: int | None,
    state: ConversationState,
    now: datetime,
) -> None:
    """Store the state of this chat."""
    await tx.execute(
        "INSERT INTO conversation_state "
        "(channel, chat_id, person_id, flow, step, data, token, offered, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id) DO UPDATE SET "
        "person_id = excluded.person_id, flow = excluded.flow, step = excluded.step, "
        "data = excluded.data, token = excluded.token, offered = excluded.offered, "
        "updated_at = excluded.updated_at",
        (
            channel,
            chat_id,
            person_id,
            state.flow,
            state.step,
            json.dumps(state.data, ensure_ascii=False),
            state.token,
            json.dumps(state.offered, ensure_ascii=False),
            to_db_time(now),
        ),
    )
