"""The outbox: messages the bot sends on its own, queued in the transaction that caused them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.db import Tx
from storage.timefmt import from_db_time, to_db_time


@dataclass(frozen=True)
class OutboxMessage:
    """A queued message claimed for sending."""

    id: int
    key: str
    person_id: int | None
    channel: str
    chat_id: str
    payload: dict[str, Any]
    attempts: int
    parts_sent: int


async def enqueue(
    tx: Tx,
    *,
    key: str,
    person_id: int,
    payload: dict[str, Any],
    now: datetime,
    channel: str | None = None,
) -> bool:
    """Queue a message to a person on their pinned channel, else the one used last (or `channel`).

    A pinned channel (/caidat) wins while it is linked and reachable; otherwise the message goes
    where the person wrote last, so a pin never makes a notification undeliverable. The console
    never counts: it answers in the operator's terminal only and nothing drains its outbox, so an
    operator trying `bietphai chat --as` someone must not swallow that person's notifications.
    Returns False when a message with this key was queued before (never sent twice). A person
    with no reachable chat gets an 'unreachable' row, so digests can report it.
    """
    row = await tx.one(
        "SELECT channel, chat_id FROM channel_identities WHERE person_id = ? "
        "AND unreachable_at IS NULL AND channel <> 'console' AND (? IS NULL OR channel = ?) "
        "ORDER BY CASE WHEN channel = (SELECT preferred_channel FROM channel_prefs "
        "WHERE channel_prefs.person_id = channel_identities.person_id) THEN 1 ELSE 0 END DESC, "
        "last_seen_at DESC LIMIT 1",
        (person_id, channel, channel),
    )
    status = "pending" if row else "unreachable"
    changed = await tx.execute_count(
        "INSERT INTO outbox (key, person_id, channel, chat_id, payload, status, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO NOTHING",
        (
            key,
            person_id,
            row["channel"] if row else "",
            row["chat_id"] if row else "",
            json.dumps(payload, ensure_ascii=False),
            status,
            to_db_time(now),
            to_db_time(now),
        ),
    )
    return changed == 1


# How a notice reaches a person: a chat now, their first chat once they link one, or none.
REACH_NOW = "now"
REACH_ON_LINK = "on_link"
REACH_NONE = "none"


async def reach(tx: Tx, person_ids: Iterable[int]) -> dict[int, str]:
    """How a notice queued now reaches each person (see REACH_*); the console never counts,
    and someone no longer active is not reached."""
    wanted = sorted(set(person_ids))
    found = dict.fromkeys(wanted, REACH_NONE)
    if not wanted:
        return found
    marks = ", ".join("?" for _ in wanted)
    for row in await tx.all(
        "SELECT p.id, p.active, count(i.user_id) AS chats, "
        "max(CASE WHEN i.user_id IS NOT NULL AND i.unreachable_at IS NULL THEN 1 ELSE 0 END) "
        "AS reachable "
        "FROM people p LEFT JOIN channel_identities i "
        "ON i.person_id = p.id AND i.channel <> 'console' "
        f"WHERE p.id IN ({marks}) GROUP BY p.id, p.active",
        tuple(wanted),
    ):
        if not row["active"]:
            continue
        if not row["chats"]:
            found[int(row["id"])] = REACH_ON_LINK
        elif row["reachable"]:
            found[int(row["id"])] = REACH_NOW
    return found


async def release_held(
    tx: Tx, *, person_id: int, channel: str, chat_id: str, since: datetime, now: datetime
) -> int:
    """Send a newly linked chat the notices queued for this person, since `since`, while they
    had no chat at all (a person who blocked the bot is not in this case); returns how many."""
    return await tx.execute_count(
        "UPDATE outbox SET status = 'pending', channel = ?, chat_id = ?, next_attempt_at = ? "
        "WHERE person_id = ? AND status = 'unreachable' AND channel = '' AND created_at >= ?",
        (channel, chat_id, to_db_time(now), person_id, to_db_time(since)),
    )


async def enqueue_to_chat(
    tx: Tx, *, key: str, channel: str, chat_id: str, payload: dict[str, Any], now: datetime
) -> bool:
    """Queue a message to a known chat (a reply that could not be sent at once)."""
    person_id = await tx.value(
        "SELECT person_id FROM channel_identities WHERE channel = ? AND chat_id = ? LIMIT 1",
        (channel, chat_id),
    )
    changed = await tx.execute_count(
        "INSERT INTO outbox (key, person_id, channel, chat_id, payload, status, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) "
        "ON CONFLICT (key) DO NOTHING",
        (
            key,
            person_id,
            channel,
            chat_id,
            json.dumps(payload, ensure_ascii=False),
            to_db_time(now),
            to_db_time(now),
        ),
    )
    return changed == 1


async def renew_claim(tx: Tx, message_id: int, worker: str, until: datetime) -> bool:
    """Hold a claimed row until `until`; False when another sender took it or it was settled.

    One atomic row update, as the claim is: a claim that lapsed without anyone taking the row
    is still ours to renew (a sender that takes it changes `claimed_by` first, and then this
    changes nothing), so a slow moment never costs a send already on its way.
    """
    changed = await tx.execute_count(
        "UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ? "
        "AND status = 'sending'",
        (to_db_time(until), message_id, worker),
    )
    return changed == 1


async def claim_due(
    tx: Tx, *, channel: str, worker: str, now: datetime, limit: int, lease: timedelta
) -> list[OutboxMessage]:
    """Atomically take up to `limit` due rows for this worker (expired claims are taken over)."""
    rows = await tx.all(
        "UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, "
        "attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox WHERE channel = ? AND "
        "((status = 'pending' AND next_attempt_at <= ?) OR "
        "(status = 'sending' AND claimed_until < ?)) ORDER BY next_attempt_at, id LIMIT ? "
        # Senders in other processes skip the rows this one is taking instead of waiting.
        "FOR UPDATE SKIP LOCKED) "
        "RETURNING id, key, person_id, channel, chat_id, payload, attempts, parts_sent",
        (worker, to_db_time(now + lease), channel, to_db_time(now), to_db_time(now), limit),
    )
    return sorted(
        (
            OutboxMessage(
                r["id"],
                r["key"],
                r["person_id"],
                r["channel"],
                r["chat_id"],
                json.loads(r["payload"]),
                r["attempts"],
                r["parts_sent"],
            )
            for r in rows
        ),
        key=lambda m: m.id,
    )


async def mark_sent(tx: Tx, message_id: int, worker: str, now: datetime) -> None:
    """The platform accepted the message."""
    await tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, claimed_by = NULL, claimed_until = NULL "
        "WHERE id = ? AND claimed_by = ?",
        (to_db_time(now), message_id, worker),
    )


async def mark_parts_sent(tx: Tx, message_id: int, worker: str, parts: int) -> None:
    """Pieces of a long message that reached the platform."""
    await tx.execute(
        "UPDATE outbox SET parts_sent = ? WHERE id = ? AND claimed_by = ?",
        (parts, message_id, worker),
    )


async def mark_retry(
    tx: Tx, message_id: int, worker: str, next_attempt: datetime, error: str
) -> None:
    """Try again later (network error, 5xx, 429)."""
    await tx.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, "
        "claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
        (to_db_time(next_attempt), error[:500], message_id, worker),
    )


async def mark_failed(
    tx: Tx, message_id: int, worker: str, error: str, *, unreachable: bool = False
) -> None:
    """Give up on this row (too many attempts, or the person blocked the bot)."""
    await tx.execute(
        "UPDATE outbox SET status = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL "
        "WHERE id = ? AND claimed_by = ?",
        ("unreachable" if unreachable else "failed", error[:500], message_id, worker),
    )


async def mark_chat_unreachable(tx: Tx, channel: str, chat_id: str, now: datetime) -> None:
    """The person blocked the bot on this channel: stop choosing it for them."""
    await tx.execute(
        "UPDATE channel_identities SET unreachable_at = ? WHERE channel = ? AND chat_id = ?",
        (to_db_time(now), channel, chat_id),
    )


async def mark_chat_reachable(tx: Tx, channel: str, user_id: str) -> None:
    """The person wrote to the bot again: they can be reached there."""
    await tx.execute(
        "UPDATE channel_identities SET unreachable_at = NULL "
        "WHERE channel = ? AND user_id = ? AND unreachable_at IS NOT NULL",
        (channel, user_id),
    )


async def outbox_counts(tx: Tx) -> dict[str, int]:
    """How many rows are in each status."""
    rows = await tx.all("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}


async def is_queued(tx: Tx, key: str) -> bool:
    """Whether a message with this key was ever queued (sent or not)."""
    return await tx.value("SELECT 1 FROM outbox WHERE key = ?", (key,)) is not None


async def oldest_undelivered_at(tx: Tx) -> datetime | None:
    """When the oldest row still waiting to be delivered was queued (None when none waits)."""
    value = await tx.value(
        "SELECT min(created_at) FROM outbox WHERE status IN ('pending', 'sending')"
    )
    return from_db_time(value) if value else None


async def prune_delivered_payloads(tx: Tx, before: datetime, limit: int = 5000) -> int:
    """Drop the payloads (texts, charts, file references) of up to `limit` rows settled and
    queued before `before`; returns how many.

    The row itself stays: its key keeps the message from ever being queued twice.
    """
    return await tx.execute_count(
        "UPDATE outbox SET payload = '{}' WHERE id IN (SELECT id FROM outbox WHERE status IN "
        "('sent', 'failed', 'unreachable') AND created_at < ? AND payload <> '{}' LIMIT ?)",
        (to_db_time(before), limit),
    )


async def payloads_like(tx: Tx, key_prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, status, payload) of the rows whose key starts with `key_prefix`, oldest first."""
    rows = await tx.all(
        "SELECT key, status, payload FROM outbox WHERE key LIKE ? ORDER BY id",
        (key_prefix.replace("%", "") + "%",),
    )
    return [(r["key"], r["status"], json.loads(r["payload"])) for r in rows]
