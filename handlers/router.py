"""The one entry point for every channel: dedupe, identify, dispatch, remember, answer."""

from __future__ import annotations

import logging
import secrets
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.texts import t
from handlers import (
    difficulty,
    difficulty_actions,
    digest_command,
    drafts,
    export_command,
    followups,
    general,
    leave,
    mine,
    onboarding,
    remind_prefs,
    reminder_buttons,
    settings_command,
    study,
    study_actions,
    study_withdraw,
    visit_changes,
    visit_outcome,
    visits,
    worklog,
)
from handlers.messages import Choice, Incoming, Kind, Reply
from handlers.textfold import fold
from handlers.turn import HandlerConfig, Turn
from storage import conversation, outbox, turns, updates
from storage.db import Database
from storage.models import ConversationState

log = logging.getLogger(__name__)

CommandHandler = Callable[[Turn], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Flow:
    """What a multi-step flow does with a picked choice and with any other message."""

    on_choice: Callable[[Turn, str], Awaitable[list[Reply]]]
    on_message: Callable[[Turn], Awaitable[list[Reply]]]
    # What the person typed and has not saved yet; quoted back when a command ends the flow.
    draft: drafts.Draft | None = None


COMMANDS: dict[str, CommandHandler] = {
    "start": onboarding.start,
    "nhatky": worklog.start_log,
    "log": worklog.start_log,
    "cuatoi": mine.show_list,
    "mine": mine.show_list,
    "huy": general.cancel,
    "cancel": general.cancel,
    "trogiup": general.show_help,
    "help": general.show_help,
    "khokhan": difficulty.khokhan,
    "issue": difficulty.khokhan,
    "dskhokhan": difficulty_actions.list_in_scope,
    "issues": difficulty_actions.list_in_scope,
    "caidat": settings_command.show_settings,
    "settings": settings_command.show_settings,
    "baocao": digest_command.baocao,
    "digest": digest_command.baocao,
    "xuat": export_command.xuat,
    "export": export_command.xuat,
    "nghi": leave.nghi,
    "leave": leave.nghi,
    "nhacnho": remind_prefs.nhacnho,
    "remind": remind_prefs.nhacnho,
    "tocongtac": visits.tocongtac,
    "visit": visits.tocongtac,
    "hoctap": study.hoctap,
    "study": study.hoctap,
}

FLOWS: dict[str, Flow] = {
    worklog.LOG: Flow(worklog.log_choice, worklog.log_message, drafts.typed_text),
    worklog.OFFER: Flow(worklog.offer_choice, worklog.offer, drafts.typed_text),
    mine.MINE: Flow(mine.mine_choice, mine.mine_message),
    difficulty.RAISE: Flow(difficulty.raise_choice, difficulty.raise_message, drafts.typed_text),
    difficulty.AFTER: Flow(difficulty.after_choice, difficulty.after_message),
    difficulty_actions.ACT: Flow(difficulty_actions.act_choice, difficulty_actions.act_message),
    settings_command.SETTINGS: Flow(
        settings_command.settings_choice, settings_command.settings_message
    ),
    digest_command.DIGEST: Flow(digest_command.digest_choice, digest_command.digest_message),
    export_command.EXPORT: Flow(export_command.export_choice, export_command.export_message),
    leave.LEAVE: Flow(leave.leave_choice, leave.leave_message),
    remind_prefs.REMIND: Flow(remind_prefs.remind_choice, remind_prefs.remind_message),
    visits.VISIT: Flow(visits.visit_choice, visits.visit_message, drafts.visit_agenda),
    study.FLOW: Flow(study.study_choice, study.study_message, drafts.study_request),
    visit_outcome.OUTCOME: Flow(
        visit_outcome.outcome_choice, visit_outcome.outcome_message, drafts.visit_outcome
    ),
    followups.NOTE: Flow(followups.note_choice, followups.note_message),
    visit_changes.MOVE: Flow(visit_changes.move_choice, visit_changes.move_message),
}
# Buttons whose value carries its own meaning (a difficulty action, valid in any flow).
STANDING_PREFIX = "k:"
# Every such prefix and its handler: difficulty actions, reminder buttons (`r:log:<day>`).
STANDING: dict[str, Callable[[Turn, str], Awaitable[list[Reply]]]] = {
    STANDING_PREFIX: difficulty_actions.on_action,
    reminder_buttons.PREFIX: reminder_buttons.on_button,
    study_actions.PREFIX: study_actions.on_button,
    followups.PREFIX: followups.on_button,
    visit_changes.PREFIX: visit_changes.on_button,
    study_withdraw.PREFIX: study_withdraw.on_button,
}

# How stale `last_seen_at` may get before a message refreshes it (it picks the channel that
# reaches a person; minutes do not matter).
LAST_SEEN_REFRESH = timedelta(minutes=10)

# Commands that answer without leaving the flow the person is in.
KEEPS_FLOW = {"trogiup", "help"}


class Router:
    """Handles incoming messages inside one short write transaction each."""

    def __init__(self, db: Database, config: HandlerConfig) -> None:
        self.db = db
        self.config = config

    async def handle(self, msg: Incoming, now: datetime | None = None) -> list[Reply]:
        """The replies to send for this message; its effects are committed before returning."""
        msg = _normalized(msg)
        now = now or datetime.now(UTC)
        try:
            async with self.db.transaction() as tx:
                context = await turns.load_turn(
                    tx,
                    update_key=msg.update_key,
                    channel=msg.channel,
                    user_id=msg.user_id,
                    chat_id=msg.chat_id,
                    now=now,
                    refresh=LAST_SEEN_REFRESH,
                )
                seen, person, state = context.seen, context.person, context.state
                if seen is not None:
                    log.info("update %s delivered again; not handled twice", msg.update_key)
                    return [] if seen.replied else [Reply.from_json(r) for r in seen.replies]
                turn = Turn(msg, tx, person, state, self.config, now)
                replies = await self._dispatch(turn)
                if turn.person is None:
                    # Nothing of an unregistered person is kept beyond the audit line.
                    return replies
                replies = await self._remember(turn, replies)
                await updates.record_update(
                    tx, msg.update_key, msg.chat_id, [r.to_json() for r in replies], now
                )
            return replies
        except Exception:
            log.exception("update %s failed; nothing was saved", msg.update_key)
            return [Reply(t(self.config.language, "error.not_saved"))]

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
        """At start-up: replies committed before a crash but never sent go to the outbox."""
        now = datetime.now(UTC)
        async with self.db.transaction() as tx:
            unsent = await updates.unsent_replies(tx, channel, since)
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
            handler = COMMANDS.get(msg.command)
            if handler is None:
                return turn.say("error.unknown_command", command=msg.command)
            if msg.command in KEEPS_FLOW:
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
        flow = FLOWS.get(turn.state.flow or "")
        if picked is not None and picked.startswith(tuple(STANDING)):
            return await STANDING[picked[: picked.index(":") + 1]](turn, picked)
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
        last_choices = offered[-1].choices if offered else ()
        state = ConversationState(
            base.flow,
            base.step,
            base.data,
            token,
            [[c.value, c.label] for c in last_choices],
        )
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
    flow = FLOWS.get(turn.state.flow or "")
    if flow is None or flow.draft is None:
        return ""
    return flow.draft(dict(turn.state.data))


def _picked_choice(turn: Turn) -> str | list[Reply] | None:
    """The value of the choice this message picks, a refusal, or None for a plain message."""
    msg, state = turn.msg, turn.state
    if msg.kind == Kind.CHOICE:
        if msg.choice.startswith(tuple(STANDING)):
            return msg.choice
        token, _, value = msg.choice.partition(":")
        if not state.token or token != state.token or not value:
            return turn.say("error.stale_choice")
        return value
    if not (msg.numbered_choices and msg.kind == Kind.TEXT and state.offered):
        return None
    answer = msg.text.strip()
    if answer.isdigit():
        index = int(answer)
        if 1 <= index <= len(state.offered):
            return str(state.offered[index - 1][0])
        return turn.say("error.choice_number", count=len(state.offered))
    wanted = fold(answer)
    for value, label in state.offered:
        if fold(str(label)) == wanted:
            return str(value)
    return None


def _normalized(msg: Incoming) -> Incoming:
    """Text in Unicode NFC: phones may send decomposed Vietnamese (NFD)."""
    return replace(
        msg,
        text=unicodedata.normalize("NFC", msg.text),
        args=unicodedata.normalize("NFC", msg.args),
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


__all__ = ["Choice", "Router", "choices_as_lines", "fold"]
