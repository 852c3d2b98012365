"""Check-then-act steps raced on two connections, as two bot processes would (both backends).

SQLite keeps one writer at a time (BEGIN IMMEDIATE); PostgreSQL runs a turn serializable and
runs it again when it lost a race. Each test sends the same step through two Database objects
on one store at the same moment and checks that it happened once and the loser was told.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.orgservice import create_invite
from bot.web import pages
from handlers.core.messages import Incoming, Kind, Reply
from handlers.core.turn import HandlerConfig, Turn
from handlers.difficulty import actions as difficulty_actions
from handlers.difficulty.lifecycle import Action
from handlers.router import Router
from storage import Database, difficulties, org, outbox, worklog
from storage.models import ConversationState
from storage.org_import import resolve_person
from tests.chat import ZONE, Chat, local
from tests.helpers.difficulty import THU, inbox, raise_urgent
from tests.helpers.sample import AN, THANH, MakeChat

pytestmark = pytest.mark.both_backends

CONFIG = HandlerConfig(zone=ZONE, language="vi", backdate_days=7)


@pytest.fixture
async def second_db(org_db: Database) -> AsyncIterator[Database]:
    """Another Database on the same store: its own connections, as another process has."""
    other = await org_db.open_again()
    yield other
    await other.close()


def press(chat: Chat, data: str, key: str) -> Incoming:
    """A button press of this chat's person, with an update key of our choosing."""
    return Incoming(
        channel=chat.channel,
        user_id=chat.user_id,
        chat_id=chat.user_id,
        update_key=key,
        sent_at=chat.clock,
        kind=Kind.CHOICE,
        choice=data,
    )


def text_of(replies: list[Reply]) -> str:
    """All reply texts of one answer."""
    return "\n".join(r.text for r in replies)


async def test_two_supervisors_resolving_one_difficulty_at_once(
    linked_chat: MakeChat, org_db: Database, second_db: Database
) -> None:
    thu, thanh, an = await linked_chat(THU), await linked_chat(THANH), await linked_chat(AN)
    number = await raise_urgent(an)
    now = local("2026-11-25 10:00")
    answers = await asyncio.gather(
        Router(org_db, CONFIG).handle(press(thu, f"k:resolve:{number}", "race:thu"), now=now),
        Router(second_db, CONFIG).handle(
            press(thanh, f"k:resolve:{number}", "race:thanh"), now=now
        ),
    )
    texts = [text_of(a) for a in answers]
    assert not any("Chưa lưu được" in t for t in texts), texts
    async with org_db.read() as tx:
        actions = [e.action for e in await difficulties.events_of(tx, number)]
        item = await difficulties.difficulty_by_id(tx, number)
    assert actions == ["raise", "resolve"], actions
    assert item is not None and item.status == "resolved"
    told = [t for t in texts if 'đang ở trạng thái "Đã giải quyết"' in t]
    assert len(told) == 1, texts


async def dashboard_resolve(db: Database, name: str, number: int, now: datetime) -> str:
    """A supervisor presses "Đã giải quyết" on the dashboard's difficulty page."""
    async with db.read() as tx:
        person = await org.person_by_id(tx, await resolve_person(tx, name))
    assert person is not None
    return await pages.act(db, CONFIG, person, number, Action.RESOLVE, now=now)


async def resolved_once(db: Database, number: int, texts: list[str]) -> None:
    """One resolve stored, one loser told the status, the reporter told once."""
    assert not any("Chưa lưu được" in t for t in texts), texts
    async with db.read() as tx:
        actions = [e.action for e in await difficulties.events_of(tx, number)]
        item = await difficulties.difficulty_by_id(tx, number)
    assert actions == ["raise", "resolve"], actions
    assert item is not None and item.status == "resolved"
    told = [t for t in texts if 'đang ở trạng thái "Đã giải quyết"' in t]
    assert len(told) == 1, texts
    notices = [m["key"] for m in await inbox(db, AN) if m["key"].startswith(f"kk:{number}:")]
    assert len(notices) == 1, notices


async def test_two_supervisors_resolving_one_difficulty_on_the_dashboard_at_once(
    linked_chat: MakeChat, org_db: Database, second_db: Database
) -> None:
    # Two supervisors at their desks, each served by another bot process.
    number = await raise_urgent(await linked_chat(AN))
    now = local("2026-11-25 10:00")
    texts = await asyncio.gather(
        dashboard_resolve(org_db, THU, number, now),
        dashboard_resolve(second_db, THANH, number, now),
    )
    await resolved_once(org_db, number, list(texts))


async def test_a_dashboard_resolve_racing_a_chat_resolve(
    linked_chat: MakeChat, org_db: Database, second_db: Database
) -> None:
    thanh, an = await linked_chat(THANH), await linked_chat(AN)
    now = local("2026-11-25 10:00")
    for round_number in range(2):
        number = await raise_urgent(an, f"Xã chưa có hướng dẫn (lần {round_number + 1})")
        chat = Router(org_db, CONFIG).handle(
            press(thanh, f"k:resolve:{number}", f"race:{number}"), now=now
        )
        web = dashboard_resolve(second_db, THU, number, now)
        # Either may start first: the chat's turn, or the dashboard's.
        pair = (chat, web) if round_number == 0 else (web, chat)
        answers = await asyncio.gather(*pair)
        texts = [a if isinstance(a, str) else text_of(a) for a in answers]
        await resolved_once(org_db, number, texts)


async def test_a_step_that_lost_in_a_transaction_without_retries_stores_nothing(
    linked_chat: MakeChat, org_db: Database, second_db: Database
) -> None:
    # Any caller of the lifecycle code that does not retry (READ COMMITTED on PostgreSQL):
    # the slower write finds the row moved on, and must neither record nor notify.
    number = await raise_urgent(await linked_chat(AN))
    now = local("2026-11-25 10:00")

    async def resolve(db: Database, name: str) -> str:
        async with db.transaction() as tx:
            person = await org.person_by_id(tx, await resolve_person(tx, name))
            assert person is not None
            incoming = Incoming("web", str(person.id), "web", f"web:{name}", now, Kind.TEXT)
            turn = Turn(
                incoming, tx, person, ConversationState(None, None, {}, "", []), CONFIG, now
            )
            return text_of(await difficulty_actions.apply(turn, number, Action.RESOLVE))

    texts = await asyncio.gather(resolve(org_db, THU), resolve(second_db, THANH))
    await resolved_once(org_db, number, list(texts))


async def test_one_invite_redeemed_by_two_accounts_at_once_links_one(
    org_db: Database, second_db: Database
) -> None:
    now = local("2026-11-25 09:00")
    invite = await create_invite(org_db, AN, now, timedelta(days=7))

    def start(user_id: str) -> Incoming:
        return Incoming(
            channel="telegram",
            user_id=user_id,
            chat_id=user_id,
            update_key=f"telegram:start:{user_id}",
            sent_at=now,
            kind=Kind.COMMAND,
            command="start",
            args=invite.code,
            text=f"/start {invite.code}",
        )

    answers = await asyncio.gather(
        Router(org_db, CONFIG).handle(start("7001"), now=now),
        Router(second_db, CONFIG).handle(start("7002"), now=now),
    )
    texts = [text_of(a) for a in answers]
    assert not any("Chưa lưu được" in t for t in texts), texts
    assert sum("Chào anh/chị" in t for t in texts) == 1, texts
    async with org_db.read() as tx:
        linked = await tx.all(
            "SELECT user_id FROM channel_identities WHERE person_id = ?",
            (await resolve_person(tx, AN),),
        )
    assert len(linked) == 1


async def test_one_update_delivered_to_two_workers_at_once_is_stored_once(
    linked_chat: MakeChat, org_db: Database, second_db: Database
) -> None:
    an = await linked_chat(AN)
    an.at("2026-11-25 10:00")
    await an.say("/nhatky")
    await an.press("Quản lý công chức")
    entry = Incoming(
        channel="telegram",
        user_id=an.user_id,
        chat_id=an.user_id,
        update_key="telegram:twice",
        sent_at=an.clock,
        kind=Kind.TEXT,
        text="Họp giao ban với UBND xã",
    )
    answers = await asyncio.gather(
        Router(org_db, CONFIG).handle(entry, now=an.clock),
        Router(second_db, CONFIG).handle(entry, now=an.clock),
    )
    texts = [text_of(a) for a in answers]
    assert not any("Chưa lưu được" in t for t in texts), texts
    assert any("Đã ghi" in t for t in texts), texts
    async with org_db.read() as tx:
        entries = await worklog.recent_work_logs(tx, await resolve_person(tx, AN), limit=10)
    assert [e.text for e in entries] == ["Họp giao ban với UBND xã"]


async def test_two_senders_claiming_at_once_never_take_the_same_message(
    org_db: Database, second_db: Database
) -> None:
    now = local("2026-11-25 09:00")
    async with org_db.transaction() as tx:
        for n in range(120):
            await outbox.enqueue_to_chat(
                tx, key=f"k{n}", channel="telegram", chat_id=str(n), payload={"text": "x"}, now=now
            )

    async def claim(database: Database, worker: str) -> set[int]:
        taken: set[int] = set()
        for _ in range(6):
            async with database.transaction() as tx:
                batch = await outbox.claim_due(
                    tx, channel="telegram", worker=worker, now=now, limit=15, lease=timedelta(1)
                )
            taken |= {m.id for m in batch}
            await asyncio.sleep(0)
        return taken

    first, second = await asyncio.gather(claim(org_db, "a"), claim(second_db, "b"))
    assert not first & second
    assert len(first | second) == 120


OFFICIALS = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Thị Dung",
    "Hoàng Minh Đức",
    "Võ Thị Hạnh",
    "Đặng Quốc Huy",
    "Bùi Thị Lan",
)


async def test_many_chats_at_once_in_one_process_are_decided_one_turn_at_a_time(
    linked_chat: MakeChat, router: Router, org_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Webhook requests of many chats arrive together. On PostgreSQL concurrent turns lost
    # their serializable races to one another until some ran out of retries ("not saved").
    chats = [await linked_chat(name) for name in OFFICIALS]
    running = peak = 0
    run = org_db.run

    async def counted(body: Any) -> Any:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            return await run(body)
        finally:
            running -= 1

    monkeypatch.setattr(org_db, "run", counted)
    for round_number in range(3):
        texts = await asyncio.gather(
            *(chat.say(f"Họp giao ban với UBND xã (lần {round_number + 1})") for chat in chats)
        )
        assert not any("Chưa lưu được" in text for text in texts), texts
    assert peak == 1
