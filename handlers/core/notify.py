"""Queueing messages the bot sends on its own (outbox), inside the handler's transaction."""

from __future__ import annotations

from datetime import timedelta

from handlers.core.messages import Choice, Reply
from handlers.core.turn import Turn
from storage import outbox


def standing(text: str, *choices: Choice) -> Reply:
    """A message whose buttons carry their own meaning (no conversation token).

    Such buttons stay valid until the lifecycle table refuses them, so a supervisor can act
    from a notification whatever flow they are in.
    """
    return Reply(text, tuple(choices), choice_data=tuple(c.value for c in choices))


async def notify(turn: Turn, person_id: int, key: str, reply: Reply) -> bool:
    """Queue a message to a person; False if this key was queued before."""
    return await outbox.enqueue(
        turn.tx, key=key, person_id=person_id, payload=reply.to_json(), now=turn.now
    )


# Notices queued for someone who has not linked the bot yet wait this long for them.
HELD_FOR = timedelta(days=7)


async def told_text(turn: Turn, told: dict[int, str]) -> str:
    """Who was told, truthfully, per person: now, when they link the bot, or not at all (and
    what the admin can do about it). `told` maps person ids to the names to show."""
    reach = await outbox.reach(turn.tx, told)
    groups: dict[str, list[str]] = {}
    for person_id, name in told.items():
        groups.setdefault(reach[person_id], []).append(name)
    parts = [
        turn.t(f"told.{how}", names=", ".join(groups[how]))
        for how in (outbox.REACH_NOW, outbox.REACH_ON_LINK, outbox.REACH_NONE)
        if how in groups
    ]
    return " ".join(parts) if parts else turn.t("told.nobody")


async def release_held(turn: Turn, person_id: int) -> None:
    """A person just linked this chat: the notices that waited for them go out now."""
    if turn.msg.channel == "console":
        return
    await outbox.release_held(
        turn.tx,
        person_id=person_id,
        channel=turn.msg.channel,
        chat_id=turn.msg.chat_id,
        since=turn.now - HELD_FOR,
        now=turn.now,
    )
