"""`Database.run(body, confined_to=...)`: a chat's own writes at snapshot isolation, anything
else serializable (PostgreSQL); SQLite runs every body once in its one writer (both backends)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from storage import Database, Tx, audit, conversation, updates
from storage.confined import statement_writes
from storage.db import POSTGRESQL
from storage.models import ConversationState
from storage.pg import ESCALATIONS, RETRIES
from storage.turns import CHAT_BOOKKEEPING
from tests.helpers.storage import NOW

pytestmark = pytest.mark.both_backends


def state(flow: str) -> ConversationState:
    """A conversation state whose flow names what wrote it."""
    return ConversationState(flow=flow, step="s", data={}, token="t", offered=[])


async def isolation(tx: Tx) -> str:
    """The isolation level of this transaction ('sqlite' on SQLite)."""
    if tx.dialect != POSTGRESQL:
        return "sqlite"
    return str(await tx.value("SELECT current_setting('transaction_isolation')"))


@pytest.fixture
async def second_db(db: Database) -> AsyncIterator[Database]:
    """Another Database on the same store, as another process has."""
    other = await db.open_again()
    yield other
    await other.close()


async def test_a_turn_writing_only_its_chat_rows_runs_once_at_snapshot_isolation(
    db: Database,
) -> None:
    seen: list[tuple[int, str]] = []

    async def body(tx: Tx, attempt: int) -> None:
        seen.append((attempt, await isolation(tx)))
        await conversation.save_state(tx, "telegram", "42", None, state("offer"), NOW)
        await updates.record_update(tx, "telegram:1", "42", [], NOW)

    escalations = ESCALATIONS[0]
    await db.run(body, confined_to=CHAT_BOOKKEEPING)
    first = "repeatable read" if db.dialect == POSTGRESQL else "sqlite"
    assert seen == [(0, first)]
    assert ESCALATIONS[0] == escalations
    async with db.read() as tx:
        assert (await conversation.load_state(tx, "telegram", "42")).flow == "offer"
        assert await updates.processed_update(tx, "telegram:1") is not None


async def test_a_write_beyond_the_chat_runs_the_turn_again_serializable(db: Database) -> None:
    seen: list[tuple[int, str]] = []

    async def body(tx: Tx, attempt: int) -> None:
        seen.append((attempt, await isolation(tx)))
        await conversation.save_state(tx, "telegram", "42", None, state(f"run{attempt}"), NOW)
        # A body that catches too much does not keep the confined attempt alive.
        with contextlib.suppress(Exception):
            await audit.add_audit(tx, at=NOW, actor="test", action="probe", subject=str(attempt))

    escalations = ESCALATIONS[0]
    await db.run(body, confined_to=CHAT_BOOKKEEPING)
    async with db.read() as tx:
        lines = await audit.audit_lines(tx, "probe")
        flow = (await conversation.load_state(tx, "telegram", "42")).flow
    if db.dialect == POSTGRESQL:
        assert seen == [(0, "repeatable read"), (1, "serializable")]
        assert ESCALATIONS[0] == escalations + 1
        # Nothing of the confined attempt was kept: the state is the serializable run's.
        assert [line[2] for line in lines] == ["1"] and flow == "run1"
    else:
        assert seen == [(0, "sqlite")]
        assert [line[2] for line in lines] == ["0"] and flow == "run0"


LOCKING: dict[str, Callable[[Tx], Awaitable[object]]] = {
    "lock": lambda tx: tx.lock("probe"),
    "try_lock": lambda tx: tx.try_lock("probe"),
    "row lock": lambda tx: tx.one("SELECT id FROM audit_log WHERE id = 0 FOR UPDATE"),
    "delete of its own table": lambda tx: tx.execute(
        "DELETE FROM processed_updates WHERE update_key = 'x'"
    ),
    "update of another column": lambda tx: tx.execute(
        "UPDATE channel_identities SET person_id = 1 WHERE user_id = 'x'"
    ),
}


@pytest.mark.parametrize("step", list(LOCKING))
async def test_a_lock_or_a_write_outside_the_allowed_ones_escalates(
    db: Database, step: str
) -> None:
    seen: list[tuple[int, str]] = []

    async def body(tx: Tx, attempt: int) -> None:
        seen.append((attempt, await isolation(tx)))
        await LOCKING[step](tx)

    await db.run(body, confined_to=CHAT_BOOKKEEPING)
    if db.dialect == POSTGRESQL:
        assert seen == [(0, "repeatable read"), (1, "serializable")]
    else:
        assert seen == [(0, "sqlite")]


async def test_an_update_key_stored_by_another_process_meanwhile_is_a_lost_race(
    db: Database, second_db: Database
) -> None:
    # Both read "not seen" before either stores it (PostgreSQL; SQLite's second writer waits
    # for the first): the second store breaks the key's uniqueness, and the loser runs again
    # and finds the key, as a redelivered update.
    both_read = asyncio.Event()
    readers = 0

    async def body(tx: Tx, attempt: int) -> str:
        nonlocal readers
        if await updates.processed_update(tx, "telegram:7") is not None:
            return f"seen on attempt {attempt}"
        readers += 1
        if readers == 2:
            both_read.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_read.wait(), 1.0)
        await updates.record_update(tx, "telegram:7", "42", [], NOW)
        return f"stored on attempt {attempt}"

    retries = RETRIES[0]
    results = await asyncio.gather(
        db.run(body, confined_to=CHAT_BOOKKEEPING),
        second_db.run(body, confined_to=CHAT_BOOKKEEPING),
    )
    if db.dialect == POSTGRESQL:
        assert sorted(results) == ["seen on attempt 1", "stored on attempt 0"]
        assert RETRIES[0] == retries + 1
    else:
        assert sorted(results) == ["seen on attempt 0", "stored on attempt 0"]


async def test_the_same_chat_state_written_by_two_processes_at_once_keeps_both(
    db: Database, second_db: Database
) -> None:
    # Each run adds its mark to the chat's state after both have read it: the one that commits
    # second would overwrite the first (a lost update) unless it runs again on the new state.
    async with db.transaction() as tx:
        await conversation.save_state(tx, "telegram", "42", None, state("start"), NOW)
    both_read = asyncio.Event()
    readers = 0

    def adding(mark: str) -> Callable[[Tx, int], Awaitable[None]]:
        async def body(tx: Tx, attempt: int) -> None:
            nonlocal readers
            current = await conversation.load_state(tx, "telegram", "42")
            if attempt == 0:
                readers += 1
                if readers == 2:
                    both_read.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(both_read.wait(), 1.0)
            flow = f"{current.flow}+{mark}"
            await conversation.save_state(tx, "telegram", "42", None, state(flow), NOW)

        return body

    await asyncio.gather(
        db.run(adding("a"), confined_to=CHAT_BOOKKEEPING),
        second_db.run(adding("b"), confined_to=CHAT_BOOKKEEPING),
    )
    async with db.read() as tx:
        flow = (await conversation.load_state(tx, "telegram", "42")).flow
    assert flow in ("start+a+b", "start+b+a")


@pytest.mark.parametrize(
    ("sql", "allowed"),
    [
        ("SELECT flow FROM conversation_state WHERE chat_id = ?", True),
        ("WITH x AS (SELECT 1) SELECT * FROM x", True),
        ("SELECT id FROM difficulties WHERE id = ? FOR UPDATE", False),
        ("WITH x AS (DELETE FROM outbox RETURNING id) SELECT * FROM x", False),
        ("INSERT INTO processed_updates (update_key) VALUES (?)", True),
        ("INSERT OR IGNORE INTO conversation_state (chat_id) VALUES (?)", True),
        ("INSERT INTO work_logs (text) VALUES (?)", False),
        ("UPDATE channel_identities SET last_seen_at = ?, unreachable_at = NULL WHERE x", True),
        ("UPDATE channel_identities SET last_seen_at = ?, person_id = ? WHERE x", False),
        ("UPDATE channel_identities SET last_seen_at = (SELECT 1) WHERE x", False),
        ("UPDATE processed_updates SET replied_at = ? WHERE update_key = ?", False),
        ("DELETE FROM conversation_state WHERE chat_id = ?", False),
        ("PRAGMA foreign_keys = ON", False),
    ],
)
def test_which_statements_a_confined_turn_may_send(sql: str, allowed: bool) -> None:
    assert CHAT_BOOKKEEPING.allows(sql) is allowed, statement_writes(sql)
