"""Everything the router needs to start handling a message, read in one query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.confined import OwnWrites
from storage.conversation import EMPTY
from storage.db import Tx
from storage.models import Commune, ConversationState, Person
from storage.org import PERSON_COLUMNS, person_from_row, touch_identity
from storage.timefmt import to_db_date, to_db_time
from storage.updates import ProcessedUpdate

# What a turn writes that only its own chat touches: the chat's state (keyed by channel and
# chat), the update key, and the account's last-seen time (`load_turn`). Most turns (a text
# offered for saving, a step of a flow, a read) write nothing else, so they run at snapshot
# isolation on PostgreSQL; a turn that writes anything else is run serializable.
CHAT_BOOKKEEPING = OwnWrites(
    inserts=frozenset({"conversation_state", "processed_updates"}),
    updates={"channel_identities": frozenset({"last_seen_at", "unreachable_at"})},
)


@dataclass(frozen=True)
class TurnContext:
    """Whether the update was seen, who sent it, and where their chat stands."""

    seen: ProcessedUpdate | None
    person: Person | None
    state: ConversationState
    # The sender's communes on the day asked for (None: not asked, or nobody registered).
    communes: tuple[Commune, ...] | None = None


async def load_turn(
    tx: Tx,
    *,
    update_key: str,
    channel: str,
    user_id: str,
    chat_id: str,
    now: datetime,
    refresh: timedelta,
    day: date | None = None,
) -> TurnContext:
    """Read the update key, the sender and the chat's state together (one round trip).

    With `day`, also the sender's communes of that day (most turns offer or save an entry
    for today and need them): one row per commune, the rest repeated. Also refreshes the
    account's `last_seen_at` when older than `refresh` (it decides which channel reaches the
    person) and clears a stale "blocked the bot" mark.
    """
    communes_sql = (
        ""
        if day is None
        else "LEFT JOIN assignments a ON a.person_id = p.id "
        "AND a.start_date <= :day AND a.end_date >= :day "
        "LEFT JOIN communes c ON c.code = a.commune_code"
    )
    communes_columns = (
        ""
        if day is None
        else "c.code AS c_code, c.name AS c_name, c.district AS c_district, c.border AS c_border, "
    )
    params = {"key": update_key, "channel": channel, "user": user_id, "chat": chat_id}
    if day is not None:
        params["day"] = to_db_date(day)
    rows = await tx.all(
        f"SELECT pu.replies, pu.replied_at, i.last_seen_at, i.unreachable_at, "
        f"cs.flow, cs.step, cs.data, cs.token, cs.offered, {communes_columns}"
        f"{PERSON_COLUMNS} FROM (SELECT 1) AS here "
        "LEFT JOIN processed_updates pu ON pu.update_key = :key "
        "LEFT JOIN channel_identities i ON i.channel = :channel AND i.user_id = :user "
        "LEFT JOIN people p ON p.id = i.person_id AND p.active = 1 "
        "LEFT JOIN conversation_state cs ON cs.channel = :channel AND cs.chat_id = :chat "
        f"{communes_sql}",
        params,
    )
    row = rows[0] if rows else None
    assert row is not None  # the FROM clause always yields one row
    seen = None
    if row["replies"] is not None:
        seen = ProcessedUpdate(json.loads(row["replies"]), row["replied_at"] is not None)
    person = person_from_row(row) if row["id"] is not None else None
    communes = None
    if day is not None and person is not None:
        found = {
            r["c_code"]: Commune(r["c_code"], r["c_name"], r["c_district"], bool(r["c_border"]))
            for r in rows
            if r["c_code"] is not None
        }
        # As org.communes_of_person_on: each once, by name.
        communes = tuple(sorted(found.values(), key=lambda c: (c.name, c.code)))
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
    return TurnContext(seen, person, state, communes)
