"""The errors a broken constraint raises (a missing commune, an update stored twice)."""

from __future__ import annotations

import sqlite3

# A second backend adds its own class here, so callers and the contract tests stay the same.
CONSTRAINT_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
