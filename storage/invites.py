"""Invite codes, stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx
from storage.models import Invite
from storage.timefmt import from_db_time, to_db_time


async def add_invite(
    tx: Tx, *, person_id: int, code_hash: str, now: datetime, expires_at: datetime
) -> int:
    """Store a new invite for a person."""
    return await tx.execute(
        "INSERT INTO invites (person_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (person_id, code_hash, to_db_time(now), to_db_time(expires_at)),
    )


async def invite_by_hash(tx: Tx, code_hash: str) -> Invite | None:
    """The invite whose code has this hash."""
    row = await tx.one(
        "SELECT id, person_id, expires_at, used_at FROM invites WHERE code_hash = ?", (code_hash,)
    )
    if row is None:
        return None
    return Invite(
        id=row["id"],
        person_id=row["person_id"],
        expires_at=from_db_time(row["expires_at"]),
        used_at=from_db_time(row["used_at"]) if row["used_at"] else None,
    )


async def use_invite(tx: Tx, invite_id: int, *, channel: str, now: datetime) -> bool:
    """Mark an invite used; False when someone used it first."""
    changed = await tx.execute_count(
        "UPDATE invites SET used_at = ?, used_channel = ? WHERE id = ? AND used_at IS NULL",
        (to_db_time(now), channel, invite_id),
    )
    return changed == 1
