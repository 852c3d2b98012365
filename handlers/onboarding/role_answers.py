"""Plain text from someone who is not a seconded official: a short answer fitting their role."""

from __future__ import annotations

from handlers.core.messages import Reply
from handlers.core.turn import Turn
from handlers.onboarding import general
from storage.models import Person


def given_name(person: Person) -> str:
    """The given name, last word of a Vietnamese full name ('Cao Thị Thu' -> 'Thu')."""
    return person.full_name.split()[-1]


async def plain_text_answer(turn: Turn) -> list[Reply]:
    """Not saved; here is what you can do (no detour through /trogiup)."""
    person = turn.person
    assert person is not None
    [help_reply] = await general.show_help(turn)
    lines = help_reply.text.split("\n")[1:]  # the help without its title
    lead = turn.t(f"role.plain.{person.role.value}", name=turn.addressed(person))
    return [Reply("\n".join([lead, *lines]))]
