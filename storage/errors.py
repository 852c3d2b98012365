"""The one error storage raises for the operator."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be opened or used; the message is meant for the operator."""
