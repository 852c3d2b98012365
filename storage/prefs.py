"""Per-person preferences (a supervisor's notification mode)."""

from __future__ import annotations

from storage.db import Tx


async def notify_mode(tx: Tx, person_id: int) -> str:
    """'instant' (default) or 'digest'."""
    value = await tx.value(
        "SELECT notify_mode FROM supervisor_prefs WHERE person_id = ?", (person_id,)
    )
    return str(value) if value else "instant"


async def set_notify_mode(tx: Tx, person_id: int, mode: str) -> None:
    """Choose how normal difficulties reach this supervisor."""
    await tx.execute(
        "INSERT INTO supervisor_prefs (person_id, notify_mode) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET notify_mode = excluded.notify_mode",
        (person_id, mode),
    )
