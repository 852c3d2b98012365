"""The audit trail of admin actions and unregistered contacts."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx
from storage.timefmt import to_db_time


async def add_audit(
    tx: Tx, *, at: datetime, actor: str, action: str, subject: str = "", detail: str = ""
) -> None:
    """Append one line to the audit trail."""
    await tx.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (to_db_time(at), actor, action, subject, detail),
    )


async def audited_since(tx: Tx, *, action: str, subject: str, since: datetime) -> bool:
    """Whether this action on this subject was audited at or after `since`."""
    found = await tx.value(
        "SELECT 1 FROM audit_log WHERE action = ? AND subject = ? AND at >= ? LIMIT 1",
        (action, subject, to_db_time(since)),
    )
    return found is not None


async def audit_lines(tx: Tx, action: str | None = None) -> list[tuple[str, str, str, str]]:
    """(actor, action, subject, detail) of audit lines, oldest first."""
    rows = await tx.all(
        "SELECT actor, action, subject, detail FROM audit_log "
        "WHERE ? IS NULL OR action = ? ORDER BY id",
        (action, action),
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]
