"""The one entry point for every channel: dedupe, identify, dispatch, remember, answer."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from handlers.core import drafts
from handlers.core.dates import local_date
from handlers.core.logcontext import about_person, about_update
from handlers.core.messages import Choice, Incoming, Kind, Reply
from handlers.core.routes import Routes, merge
from handlers.core.textclean import clean_text
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.turn import HandlerConfig, Turn
from handlers.difficulty.routes import ROUTES as DIFFICULTY
from handlers.digest.routes import ROUTES as DIGEST
from handlers.export.routes import ROUTES as EXPORT
from handlers.leave.routes import ROUTES as LEAVE
from handlers.onboarding import start as onboarding
from handlers.onboarding.routes import ROUTES as ONBOARDING
from handlers.reminders.routes import ROUTES as REMINDERS
from handlers.settings.routes import ROUTES as SETTINGS
from handlers.study.routes import ROUTES as STUDY
from handlers.visits.routes import ROUTES as VISITS
from handlers.web.routes import ROUTES as WEB
from handlers.worklog import log as worklog
from handlers.worklog.routes import ROUTES as WORKLOG
from storage import conversation, outbox, turns, updates
from storage.db import POSTGRESQL, Database, Tx
from storage.models import ConversationState

log = logging.getLogger(__name__)

# Every feature's commands, flows and standing buttons; a name declared twice fails at import.
ROUTES: Routes = merge(
    ONBOARDING, WORKLOG, DIFFICULTY, DIGEST, EXPORT, LEAVE, REMINDERS, SETTINGS, VISITS, STUDY, WEB
)
# Told of every update: (channel, outcome, seconds); the bot's metrics listen here.
Observer = Callable[[str, str, float], None]


def button_hint(data: str, lang: str) -> str | None:
    """What a channel without buttons says for a standing button; None: offer it by number."""
    standing = ROUTES.standing_for(data)
    if standing is None or standing.hint is None:
        return None
    return standing.hint(lang, data)


# Turns of different chats decided at once by one process on PostgreSQL (each holds a pooled
# connection; the pool has room for them beside the duties, see PgDatabase).
PARALLEL_TURNS = 4


class _ChatTurns:
    """The turns of one chat waiting or running in this process."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


# How stale `last_seen_at` may get before a message refreshes it (it picks the channel that
# reaches a person; minutes do not matter).
LAST_SEEN_REFRESH = timedelta(minutes=10)


class Router:
    """Handles incoming messages inside one short write transaction each."""

    def __init__(
        self,
        db: Database,
        config: HandlerConfig,
        *,
        observe: Observer | None = None,
        owner: str = "",
    ) -> None:
        self.db = db
        self.config = config
        self.observe = observe
        # This process's token (bot/liveness.py), stored with each update it decides: its
        # unsent replies are left to it while it lives. '' (tests, `bietphai chat`): nobody's.
        self.owner = owner
        # Turns of one chat in the order they came; of different chats, several at once on
        # PostgreSQL, where a turn waits on round trips that others' turns can fill. Those
        # run at snapshot isolation confined to their own chat's rows (`_handle`), so they do
        # not lose races to one another; a turn that escalates to serializable still runs
        # alone in this process (`PgDatabase.run`). SQLite has one writer: one turn at a time.
        self._chats: dict[tuple[str, str], _ChatTurns] = {}
        self._parallel = asyncio.Semaphore(PARALLEL_TURNS if db.dialect == POSTGRESQL else 1)

    async def handle(self, msg: Incoming, now: datetime | None = None) -> list[Reply]:
        """The replies to send for this message; its effects are committed before returning."""
        msg = _normalized(msg)
        async with self._chat_turn(msg.channel, msg.chat_id), self._parallel:
            started = time.perf_counter()
            outcome = "failed"
            try:
                with about_update(msg.update_key):
                    replies, outcome = await self._handle(msg, now or datetime.now(UTC))
                return replies
            finally:
                if self.observe is not None:
                    self.observe(msg.channel, outcome, time.perf_counter() - started)

    @asynccontextmanager
    async def _chat_turn(self, channel: str, chat_id: str) -> AsyncIterator[None]:
        """Wait for the earlier turns of this chat (asyncio's lock is first come, first served)."""
        key = (channel, chat_id)
        turns_of_chat = self._chats.get(key)
        if turns_of_chat is None:
            turns_of_chat = self._chats[key] = _ChatTurns()
        turns_of_chat.waiting += 1
        try:
            async with turns_of_chat.lock:
                yield
        finally:
            turns_of_chat.waiting -= 1
            if not turns_of_chat.waiting:
                del self._chats[key]

    async def _handle(self, msg: Incoming, now: datetime) -> tuple[list[Reply], str]:
        """The replies and what became of the update: handled, duplicate, unregistered, failed."""
        try:
            return await self.db.run(
                lambda tx, attempt: self._handle_in(tx, attempt, msg, now),
                confined_to=turns.CHAT_BOOKKEEPING,
            )
        except Exception:
            log.exception("update %s failed; nothing was saved", msg.update_key)
            return [Reply(t(self.config.language, "error.not_saved"))], "failed"

    async def _handle_in(
        self, tx: Tx, attempt: int, msg: Incoming, now: datetime
    ) -> tuple[list[Reply], str]:
        """One turn inside its write transaction (run again when it lost a race, PostgreSQL);
        the replies and what became of the update."""
        context = await turns.load_turn(
            tx,
            update_key=msg.update_key,
            channel=msg.channel,
            user_id=msg.user_id,
            chat_id=msg.chat_id,
            now=now,
            refresh=LAST_SEEN_REFRESH,
            # Most turns offer or save an entry for today: its communes come in the same read.
            day=local_date(msg.sent_at, self.config.zone),
        )
        seen, person, state = context.seen, context.person, context.state
        about_person(person.id if person is not None else None)
        if seen is not None:
            log.info("update %s delivered again; not handled twice", msg.update_key)
            if attempt > 0:
                # Another process stored this very update while we handled it: it sends the
                # replies (and start-up recovery does if it dies), so they go out once.
                return [], "duplicate"
            again = [] if seen.replied else [Reply.from_json(r) for r in seen.replies]
            return again, "duplicate"
        turn = Turn(
            msg,
            tx,
            person,
            state,
            self.config,
            now,
            outside_flow=worklog.offer,
            communes_today=context.communes,
        )
        replies = await self._dispatch(turn)
        if turn.person is None:
            # Nothing of an unregistered person is kept beyond the audit line.
            return replies, "unregistered"
        replies = await self._remember(turn, replies)
        await updates.record_update(
            tx, msg.update_key, msg.chat_id, [r.to_json() for r in replies], now, self.owner
        )
        return replies, "handled"

    async def reply_later(self, msg: Incoming, replies: list[Reply]) -> None:
        """Replies the channel could not deliver now go to the outbox (retried, never lost)."""
        now = datetime.now(UTC)
        async with self.db.transaction() as tx:
            for index, reply in enumerate(replies):
                await outbox.enqueue_to_chat(
                    tx,
                    key=f"reply:{msg.update_key}:{index}",
                    channel=msg.channel,
                    chat_id=msg.chat_id,
                    payload=reply.to_json(),
                    now=now,
                )

    async def recover_unsent(self, channel: str, since: datetime) -> int:
        """Replies committed by a process that died before sending them go to the outbox (at
        start-up, now and then, and when a process takes polling over)."""
        now = datetime.now(UTC)
        async with self.db.transaction() as tx:
            unsent = await updates.unsent_replies(tx, channel, since, mine=self.owner)
            for item in unsent:
                for index, reply in enumerate(item.replies):
                    await outbox.enqueue_to_chat(
                        tx,
                        key=f"reply:{item.update_key}:{index}",
                        channel=channel,
                        chat_id=item.chat_id,
                        payload=reply,
                        now=now,
                    )
            await updates.mark_replied(tx, [item.update_key for item in unsent], now)
        if unsent:
            log.warning(
                "%d replies interrupted by a restart were queued in the outbox", len(unsent)
            )
        return len(unsent)

    async def replied(self, *msgs: Incoming) -> None:
        """The replies to these messages reached the platform: a redelivery stays silent."""
        async with self.db.transaction() as tx:
            await updates.mark_replied(tx, [m.update_key for m in msgs], datetime.now(UTC))

    async def _dispatch(self, turn: Turn) -> list[Reply]:
        msg = turn.msg
        if turn.person is None:
            return await onboarding.unregistered(turn)
        if msg.kind == Kind.COMMAND:
            handler = ROUTES.commands.get(msg.command)
            if handler is None:
                return turn.say("error.unknown_command", command=msg.command)
            if msg.command in ROUTES.keeps_flow:
                return await handler(turn)
            unsaved = _unsaved(turn)
            turn.finish()
            replies = await handler(turn)
            if not unsaved:
                return replies
            return [Reply(turn.t("draft.not_saved", text=drafts.quote(unsaved))), *replies]
        picked = _picked_choice(turn)
        if isinstance(picked, list):
            return picked
        flow = ROUTES.flows.get(turn.state.flow or "")
        standing = ROUTES.standing_for(picked) if picked is not None else None
        if picked is not None and standing is not None:
            return await standing.on_button(turn, picked)
        if picked is not None:
            if flow is None:
                return turn.say("error.stale_choice")
            return await flow.on_choice(turn, picked)
        if msg.kind == Kind.CONTACT:
            return [await onboarding.greeting(turn)]
        if flow is not None:
            return await flow.on_message(turn)
        return await worklog.offer(turn)

    async def _remember(self, turn: Turn, replies: list[Reply]) -> list[Reply]:
        """Store the next state; give the new buttons a fresh token so old ones go stale."""
        offered = [r for r in replies if r.choices]
        if turn.next_state is None and not offered:
            return replies
        base = turn.next_state or turn.state
        token = secrets.token_hex(3)
        state = ConversationState(base.flow, base.step, base.data, token, _offered(offered))
        msg = turn.msg
        await conversation.save_state(
            turn.tx, msg.channel, msg.chat_id, turn.person_id, state, turn.now
        )
        return [
            replace(r, choice_data=tuple(f"{token}:{c.value}" for c in r.choices))
            if r.choices
            else r
            for r in replies
        ]


def _unsaved(turn: Turn) -> str:
    """The text typed in the current flow that a command would drop."""
    flow = ROUTES.flows.get(turn.state.flow or "")
    if flow is None or flow.draft is None:
        return ""
    return flow.draft(dict(turn.state.data))


def _picked_choice(turn: Turn) -> str | list[Reply] | None:
    """The value of the choice this message picks, a refusal, or None for a plain message."""
    msg, state = turn.msg, turn.state
    if msg.kind == Kind.CHOICE:
        if ROUTES.standing_for(msg.choice) is not None:
            return msg.choice
        token, _, value = msg.choice.partition(":")
        if not state.token or token != state.token or not value:
            return turn.say("error.stale_choice")
        if value not in {str(entry[0]) for entry in state.offered}:
            # Only a modified client sends this: the token is right, the value was never shown.
            log.warning(
                "button value not offered in %s/%s refused (%s:%s)",
                state.flow,
                state.step,
                msg.channel,
                msg.user_id,
            )
            return turn.say("error.not_offered")
        return value
    numbered = [entry for entry in state.offered if len(entry) == 2]
    if not (msg.numbered_choices and msg.kind == Kind.TEXT and numbered):
        return None
    answer = msg.text.strip()
    if answer.isdigit():
        index = int(answer)
        if 1 <= index <= len(numbered):
            return str(numbered[index - 1][0])
        return turn.say("error.choice_number", count=len(numbered))
    wanted = fold(answer)
    for value, label in numbered:
        if fold(str(label)) == wanted:
            return str(value)
    return None


def _offered(replies: list[Reply]) -> list[list[str]]:
    """The choices offered in this step, the only values a pressed button may carry.

    The last reply's choices come first, as [value, label]: a number typed on a channel without
    buttons picks among them. Choices of earlier replies of the same turn follow, marked with a
    third element, so their buttons work but numbers do not reach them.
    """
    if not replies:
        return []
    last = [[c.value, c.label] for c in replies[-1].choices]
    earlier = [[c.value, c.label, "earlier"] for r in replies[:-1] for c in r.choices]
    return last + earlier


def _normalized(msg: Incoming) -> Incoming:
    """Every text of the message cleaned at the edge (NFC, no controls, no bidi overrides)."""
    return replace(
        msg,
        text=clean_text(msg.text),
        args=clean_text(msg.args),
        display_name=clean_text(msg.display_name),
        contact_phone=clean_text(msg.contact_phone),
        command=msg.command.lower(),
    )


def choices_as_lines(reply: Reply, lang: str) -> str:
    """A reply's text with its choices as a numbered list (channels without buttons)."""
    if not reply.choices:
        return reply.text
    lines = [reply.text, ""]
    lines += [f"{n}. {choice.label}" for n, choice in enumerate(reply.choices, start=1)]
    lines.append(t(lang, "numbered.hint"))
    return "\n".join(lines)


__all__ = ["Choice", "Router", "button_hint", "choices_as_lines", "fold"]
