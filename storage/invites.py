"""Invite codes, stored only as keyed hashes; wrong codes counted to slow guessing down."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx
from storage.models import Invite
from storage.timefmt import from_db_time, to_db_time


async def add_invite(
    tx: Tx, *, person_id: int, code_hash: str, now: datetime, expires_at: datetime
) -> int:
    """Store a new invite for a person; their older unused invites stop working."""
    await tx.execute(
        "UPDATE invites SET revoked_at = ? "
        "WHERE person_id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (to_db_time(now), person_id),
    )
    return await tx.execute(
        "INSERT INTO invites (person_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (person_id, code_hash, to_db_time(now), to_db_time(expires_at)),
    )


async def invite_by_hash(tx: Tx, code_hash: str) -> Invite | None:
    """The invite whose code has this hash."""
    row = await tx.one(
        "SELECT id, person_id, expires_at, used_at, revoked_at FROM invites WHERE code_hash = ?",
        (code_hash,),
    )
    if row is None:
        return None
    return Invite(
        id=row["id"],
        person_id=row["person_id"],
        expires_at=from_db_time(row["expires_at"]),
        used_at=from_db_time(row["used_at"]) if row["used_at"] else None,
        revoked_at=from_db_time(row["revoked_at"]) if row["revoked_at"] else None,
    )


async def use_invite(tx: Tx, invite_id: int, *, channel: str, now: datetime) -> bool:
    """Mark an invite used; False when someone used it first."""
    changed = await tx.execute_count(
        "UPDATE invites SET used_at = ?, used_channel = ? WHERE id = ? AND used_at IS NULL",
        (to_db_time(now), channel, invite_id),
    )
    return changed == 1


async def add_invite_failure(tx: Tx, *, account: str, chat: str, now: datetime) -> None:
    """Remember one wrong code from this chat account in this chat."""
    await tx.execute(
        "INSERT INTO invite_failures (account, chat, at) VALUES (?, ?, ?)",
        (account, chat, to_db_time(now)),
    )


async def invite_failures_since(
    tx: Tx, *, account: str, chat: str, since: datetime
) -> list[datetime]:
    """When this account, or anyone in this chat, sent a wrong code since `since`, oldest first."""
    rows = await tx.all(
        "SELECT at FROM invite_failures WHERE account = ? AND at >= ? "
        "UNION SELECT at FROM invite_failures WHERE chat = ? AND at >= ? ORDER BY at",
        (account, to_db_time(since), chat, to_db_time(since)),
    )
    return [from_db_time(row["at"]) for row in rows]
