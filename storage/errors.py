"""The one error storage raises for the operator."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be opened or used; the message is meant for the operator."""


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (its type when it has none), for one log line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
