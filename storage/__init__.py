"""Storage: every SQL statement of bietphai lives in this package."""

from storage.db import Database, StorageError, Tx

__all__ = ["Database", "StorageError", "Tx"]
