"""The channel a person pins for notifications, and the channels they have linked."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Tx

# The channels a person can pin; the console is for trying the bot, never for notifications.
PINNABLE = ("telegram", "zalo")


@dataclass(frozen=True)
class LinkedChannel:
    """A messaging channel linked to a person, most recently used first."""

    channel: str
    reachable: bool


async def preferred_channel(tx: Tx, person_id: int) -> str | None:
    """The pinned channel, or None: the channel used last."""
    value = await tx.value(
        "SELECT preferred_channel FROM channel_prefs WHERE person_id = ?", (person_id,)
    )
    return str(value) if value else None


async def set_preferred_channel(tx: Tx, person_id: int, channel: str | None) -> None:
    """Pin `channel` for this person's notifications; None goes back to the channel used last."""
    if channel is None:
        await tx.execute("DELETE FROM channel_prefs WHERE person_id = ?", (person_id,))
        return
    await tx.execute(
        "INSERT INTO channel_prefs (person_id, preferred_channel) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET preferred_channel = excluded.preferred_channel",
        (person_id, channel),
    )


async def linked_channels(tx: Tx, person_id: int) -> list[LinkedChannel]:
    """Telegram and Zalo as far as this person linked them, the one used last first."""
    rows = await tx.all(
        "SELECT channel, max(last_seen_at) AS seen, "
        "max(CASE WHEN unreachable_at IS NULL THEN 1 ELSE 0 END) AS any_reachable "
        "FROM channel_identities "
        "WHERE person_id = ? AND channel IN (?, ?) GROUP BY channel ORDER BY seen DESC",
        (person_id, *PINNABLE),
    )
    return [LinkedChannel(r["channel"], bool(r["any_reachable"])) for r in rows]
