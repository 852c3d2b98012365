"""The errors a broken constraint raises (a missing commune, an update stored twice)."""

from __future__ import annotations

import sqlite3

from storage.db import ConstraintError

# Both backends raise ConstraintError from Tx (SQLite's IntegrityError and psycopg's are
# wrapped); sqlite3.IntegrityError stays for statements run on a raw connection.
CONSTRAINT_ERRORS: tuple[type[Exception], ...] = (ConstraintError, sqlite3.IntegrityError)
