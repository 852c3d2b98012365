"""Sign-in links and browser sessions of the web dashboard, stored as keyed hashes only."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx
from storage.models import Person
from storage.org import PERSON_COLUMNS, person_from_row
from storage.timefmt import from_db_time, to_db_time


async def add_link(
    tx: Tx, token_hash: str, person_id: int, now: datetime, expires_at: datetime
) -> None:
    """Keep a new sign-in link (links that expired are forgotten first)."""
    await tx.execute("DELETE FROM web_links WHERE expires_at <= ?", (to_db_time(now),))
    await tx.execute(
        "INSERT INTO web_links (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, person_id, to_db_time(now), to_db_time(expires_at)),
    )


async def pending_link(tx: Tx, token_hash: str, now: datetime) -> tuple[Person, datetime] | None:
    """The person a link would open and when it expires, without spending it (`use_link`'s rule)."""
    row = await tx.one(
        f"SELECT {PERSON_COLUMNS}, l.expires_at AS link_expires FROM web_links l "
        "JOIN people p ON p.id = l.person_id "
        "WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ?",
        (token_hash, to_db_time(now)),
    )
    return None if row is None else (person_from_row(row), from_db_time(row["link_expires"]))


async def use_link(tx: Tx, token_hash: str, now: datetime) -> int | None:
    """Spend a link: the person it opens, or None when unknown, expired or already used."""
    row = await tx.one(
        "UPDATE web_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
        "AND expires_at > ? RETURNING person_id",
        (to_db_time(now), token_hash, to_db_time(now)),
    )
    return None if row is None else int(row[0])


async def add_session(
    tx: Tx, token_hash: str, person_id: int, now: datetime, expires_at: datetime
) -> None:
    """Open a browser session (sessions that expired are forgotten first)."""
    await tx.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (to_db_time(now),))
    await tx.execute(
        "INSERT INTO web_sessions (token_hash, person_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        (token_hash, person_id, to_db_time(now), to_db_time(expires_at)),
    )


async def session_person(tx: Tx, token_hash: str, now: datetime) -> Person | None:
    """The active person of a live session, or None."""
    row = await tx.one(
        f"SELECT {PERSON_COLUMNS} FROM web_sessions s JOIN people p ON p.id = s.person_id "
        "WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ? AND p.active = 1",
        (token_hash, to_db_time(now)),
    )
    return None if row is None else person_from_row(row)


async def live_sessions(tx: Tx, person_id: int, now: datetime) -> list[tuple[datetime, datetime]]:
    """(opened, expires) of the person's live sessions, oldest first."""
    rows = await tx.all(
        "SELECT created_at, expires_at FROM web_sessions WHERE person_id = ? "
        "AND ended_at IS NULL AND expires_at > ? ORDER BY created_at",
        (person_id, to_db_time(now)),
    )
    return [(from_db_time(r[0]), from_db_time(r[1])) for r in rows]


async def end_sessions(tx: Tx, person_id: int, now: datetime) -> int:
    """End every live session of a person (and spend their unused links); returns how many."""
    await tx.execute(
        "UPDATE web_links SET used_at = ? WHERE person_id = ? AND used_at IS NULL",
        (to_db_time(now), person_id),
    )
    return await tx.execute_count(
        "UPDATE web_sessions SET ended_at = ? WHERE person_id = ? AND ended_at IS NULL "
        "AND expires_at > ?",
        (to_db_time(now), person_id, to_db_time(now)),
    )


async def end_session(tx: Tx, token_hash: str, now: datetime) -> None:
    """End one session (the browser's own sign-out)."""
    await tx.execute(
        "UPDATE web_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
        (to_db_time(now), token_hash),
    )
