"""Queueing messages the bot sends on its own (outbox), inside the handler's transaction."""

from __future__ import annotations

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
