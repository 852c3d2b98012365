"""Storage: every SQL statement of bietphai lives in this package."""

from storage.db import ConstraintError, Database, StorageError, Tx

__all__ = ["ConstraintError", "Database", "StorageError", "Tx"]
