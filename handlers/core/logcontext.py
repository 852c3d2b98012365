"""What the log lines of one turn are about: the update being handled and the person, if known."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

# Read by the JSON log formatter; a context variable follows the turn across awaits.
update_key: contextvars.ContextVar[str | None] = contextvars.ContextVar("update_key", default=None)
person_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("person_id", default=None)


@contextmanager
def about_update(key: str) -> Iterator[None]:
    """Log lines written inside this block name the update (and the person once known)."""
    key_token = update_key.set(key)
    person_token = person_id.set(None)
    try:
        yield
    finally:
        person_id.reset(person_token)
        update_key.reset(key_token)


def about_person(identifier: int | None) -> None:
    """The person the current update comes from (None: not registered)."""
    person_id.set(identifier)
