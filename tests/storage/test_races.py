"""Check-then-act steps raced on two connections, as two bot processes would (both backends).

SQLite keeps one writer at a time (BEGIN IMMEDIATE); PostgreSQL runs a turn serializable and
runs it again when it lost a race. Each test sends the same step through two Database objects
on one store at the same moment and checks that it happened once and the loser was told.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.orgservice import create_invite
from bot.web import pages
from handlers.core.messages import Incoming, Kind, Reply
from handlers.core.turn import HandlerConfig, Turn
from handlers.difficulty import actions as difficulty_actions
from handlers.difficulty.lifecycle import Action
from handlers.router import PARALLEL_TURNS, Router
from storage import Database, conversation, difficulties, org, outbox, worklog
from storage.db import POSTGRESQL
from storage.models import ConversationState
from storage.org_import import resolve_person
from storage.pg import ESCALATIONS, RETRIES
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


def from_chat(chat: Chat, key: str, kind: Kind, *, text: str = "", choice: str = "") -> Incoming:
    """An update from this chat's person, with an update key of our choosing."""
    return Incoming(
        channel=chat.channel,
        user_id=chat.user_id,
        chat_id=chat.user_id,
        update_key=key,
        sent_at=chat.clock,
        kind=kind,
        text=text,
        choice=choice,
    )


def press(chat: Chat, data: str, key: str) -> Incoming:
    """A button press of this chat's person."""
    return from_chat(chat, key, Kind.CHOICE, choice=data)


def said(chat: Chat, words: str, key: str) -> Incoming:
    """A text of this chat's person."""
    return from_chat(chat, key, Kind.TEXT, text=words)


def text_of(replies: list[Reply]) -> str:
    """All reply texts of one answer."""
    return "\n".join(r.text for r in replies)


async def one_resolve_stored(db: Database, number: int, texts: list[str]) -> None:
    """Nobody told "not saved", one resolve stored, one loser told the status."""
    assert not any("Chưa lưu được" in t for t in texts), texts
    async with db.read() as tx:
        actions = [e.action for e in await difficulties.events_of(tx, number)]
        item = await difficulties.difficulty_by_id(tx, number)
    assert actions == ["raise", "resolve"], actions
    assert item is not None and item.status == "resolved"
    told = [t for t in texts if 'đang ở trạng thái "Đã giải quyết"' in t]
    assert len(told) == 1, texts


async def test_two_supervisors_resolving_one_difficulty_at_once(
    linked_chat: MakeChat, org_db: Database, second_db: Database
) -> None:
    thu, thanh, an = await linked_chat(THU), await linked_chat(THANH), await linked_chat(AN)
    number = await raise_urgent(an)
    now = local("2026-11-25 10:00")
    escalations = ESCALATIONS[0]
    answers = await asyncio.gather(
        Router(org_db, CONFIG).handle(press(thu, f"k:resolve:{number}", "race:thu"), now=now),
        Router(second_db, CONFIG).handle(
            press(thanh, f"k:resolve:{number}", "race:thanh"), now=now
        ),
    )
    await one_resolve_stored(org_db, number, [text_of(a) for a in answers])
    if org_db.dialect == POSTGRESQL:
        # Both presses began at snapshot isolation and were run again serializable.
        assert ESCALATIONS[0] - escalations == 2


async def dashboard_resolve(db: Database, name: str, number: int, now: datetime) -> str:
    """A supervisor presses "Đã giải quyết" on the dashboard's difficulty page."""
    async with db.read() as tx:
        person = await org.person_by_id(tx, await resolve_person(tx, name))
    assert person is not None
    return await pages.act(db, CONFIG, person, number, Action.RESOLVE, now=now)


async def resolved_once(db: Database, number: int, texts: list[str]) -> None:
    """One resolve stored, one loser told the status, the reporter told once."""
    await one_resolve_stored(db, number, texts)
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
    entry = said(an, "Họp giao ban với UBND xã", "telegram:twice")
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


async def test_many_chats_at_once_in_one_process(
    linked_chat: MakeChat, router: Router, org_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Webhook requests of many chats arrive together. On PostgreSQL their turns are decided
    # a few at once, at snapshot isolation confined to each chat's own rows, and none loses a
    # race to another; the ones that save an entry escalate to serializable, which once lost
    # their races to one another until some ran out of retries ("not saved"): those still run
    # one at a time. SQLite: one turn at a time.
    chats = [await linked_chat(name) for name in OFFICIALS]
    running = peak = serializable = peak_serializable = 0
    run, open_tx = org_db.run, getattr(org_db, "_tx", None)

    async def counted(body: Any, **options: Any) -> Any:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            return await run(body, **options)
        finally:
            running -= 1

    @asynccontextmanager
    async def counted_tx(begin: str) -> AsyncIterator[Any]:
        nonlocal serializable, peak_serializable
        alone = "SERIALIZABLE" in begin
        serializable += alone
        peak_serializable = max(peak_serializable, serializable)
        try:
            assert open_tx is not None
            async with open_tx(begin) as tx:
                yield tx
        finally:
            serializable -= alone

    monkeypatch.setattr(org_db, "run", counted)
    if org_db.dialect == POSTGRESQL:
        monkeypatch.setattr(org_db, "_tx", counted_tx)
    retries, escalations = RETRIES[0], ESCALATIONS[0]
    for round_number in range(2):
        texts = await asyncio.gather(
            *(chat.say(f"Họp giao ban với UBND xã (lần {round_number + 1})") for chat in chats)
        )
        assert not any("Chưa lưu được" in text for text in texts), texts
        texts = await asyncio.gather(*(chat.press("Lưu") for chat in chats))
        assert all("Đã ghi" in text for text in texts), texts
    async with org_db.read() as tx:
        for name in OFFICIALS:
            entries = await worklog.recent_work_logs(tx, await resolve_person(tx, name), limit=5)
            assert len(entries) == 2, (name, entries)
    if org_db.dialect == POSTGRESQL:
        # Several chats' turns overlapped (not one at a time), and never more than the
        # router lets run at once.
        assert peak > 1, "the chats' turns ran one at a time"
        assert peak <= PARALLEL_TURNS, f"{peak} turns at once, over the router's limit"
        assert peak_serializable == 1
        assert ESCALATIONS[0] - escalations == 2 * len(OFFICIALS)  # the presses, not the texts
        assert RETRIES[0] == retries
    else:
        assert peak == 1


async def test_two_messages_of_one_chat_on_two_processes_at_once_are_both_kept(
    linked_chat: MakeChat, org_db: Database, second_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two messages of one chat reach two webhook processes together, an offer open: each joins
    # its text to the offer's draft (the chat's state). Both read the state before either
    # writes it (PostgreSQL), so the one that commits second must run again on the new state,
    # or the first message would be lost.
    an = await linked_chat(AN)
    an.at("2026-11-25 10:00")
    await an.say("Họp giao ban")
    both_read = asyncio.Event()
    readers = 0
    save_state = conversation.save_state

    async def after_both_read(*args: Any) -> None:
        nonlocal readers
        readers += 1
        if readers == 2:
            both_read.set()
        if readers <= 2:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(both_read.wait(), 1.0)
        await save_state(*args)

    monkeypatch.setattr(conversation, "save_state", after_both_read)
    retries = RETRIES[0]
    answers = await asyncio.gather(
        Router(org_db, CONFIG).handle(said(an, "Rà soát hồ sơ", "race:1"), now=an.clock),
        Router(second_db, CONFIG).handle(said(an, "Tập huấn cán bộ", "race:2"), now=an.clock),
    )
    texts = [text_of(a) for a in answers]
    assert not any("Chưa lưu được" in t for t in texts), texts
    async with org_db.read() as tx:
        draft = (await conversation.load_state(tx, an.channel, an.user_id)).data["text"]
    lines = draft.splitlines()
    assert lines[0] == "Họp giao ban", draft
    assert sorted(lines[1:]) == ["Rà soát hồ sơ", "Tập huấn cán bộ"], draft
    if org_db.dialect == POSTGRESQL:
        assert RETRIES[0] == retries + 1  # the second to commit ran again


async def test_messages_of_one_chat_arriving_together_are_decided_in_order(
    linked_chat: MakeChat, router: Router, org_db: Database
) -> None:
    # Several turns at once, but those of one chat one after another, in the order they came:
    # each joins the offer's draft, so the draft shows the order they were decided in.
    an = await linked_chat(AN)
    an.at("2026-11-25 10:00")
    await an.say("Dòng 1")
    retries = RETRIES[0]
    answers = await asyncio.gather(
        *(router.handle(said(an, f"Dòng {n}", f"order:{n}"), now=an.clock) for n in range(2, 7))
    )
    assert not any("Chưa lưu được" in text_of(a) for a in answers)
    async with org_db.read() as tx:
        draft = (await conversation.load_state(tx, an.channel, an.user_id)).data["text"]
    assert draft.splitlines() == [f"Dòng {n}" for n in range(1, 7)], draft
    assert RETRIES[0] == retries
