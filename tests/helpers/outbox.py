"""Helpers for outbox stories: linking everyone, queueing messages, waiting until sent."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

from handlers.core.messages import Reply
from storage import Database, org, outbox
from storage.org_import import resolve_person
from tests.chat import local


async def link_everyone(db: Database) -> list[int]:
    """Give every sample person a Telegram chat (chat id 7000 + person id); their ids."""
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        people = await org.all_people(tx)
        for person in people:
            await org.link_identity(
                tx,
                channel="telegram",
                user_id=str(7000 + person.id),
                chat_id=str(7000 + person.id),
                person_id=person.id,
                display_name=person.full_name,
                now=now,
            )
    return [p.id for p in people]


async def queue(db: Database, count: int, people: list[int]) -> list[str]:
    """Queue `count` numbered messages spread over the people; their texts."""
    texts = [f"Thông báo số {n}" for n in range(count)]
    async with db.transaction() as tx:
        for n, text in enumerate(texts):
            await outbox.enqueue(
                tx,
                key=f"test:{n}",
                person_id=people[n % len(people)],
                payload=Reply(text).to_json(),
                now=datetime.now(UTC),
            )
    return texts


async def settled(db: Database, timeout: float = 30.0) -> dict[str, int]:  # noqa: ASYNC109
    """Wait until no row is pending or being sent; the counts by status."""
    async with asyncio.timeout(timeout):
        while True:
            async with db.read() as tx:
                counts = await outbox.outbox_counts(tx)
            if not counts.get("pending") and not counts.get("sending"):
                return counts
            await asyncio.sleep(0.05)


_keys = itertools.count(1)


async def queued_to(db: Database, name: str) -> tuple[str, str]:
    """Queue a message to a person now; (channel, status) of the row the outbox made."""
    key = f"test:{next(_keys)}"
    async with db.transaction() as tx:
        person_id = await resolve_person(tx, name)
        await outbox.enqueue(
            tx, key=key, person_id=person_id, payload={"text": key}, now=local("2026-11-25 11:00")
        )
        row = await tx.one("SELECT channel, status FROM outbox WHERE key = ?", (key,))
    assert row is not None
    return row["channel"], row["status"]
