"""Which writes a transaction may make without serializable isolation: a chat's own rows.

A chat's turn mostly writes bookkeeping that only that chat touches (its conversation state,
the update key, the account's last-seen time). On PostgreSQL such a turn runs first at
REPEATABLE READ (a snapshot, no predicate locks), confined to those writes; any other write,
a row lock or an advisory lock means a check-then-act between people, and the turn is run
again serializable (`Database.run(body, confined_to=...)`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache


class NeedsSerializable(Exception):
    """A confined transaction asked for a write it may not make; it is run serializable."""


@dataclass(frozen=True)
class OwnWrites:
    """The writes a confined transaction may make: INSERTs into these tables, and UPDATEs
    of these tables that set only these columns; nothing else (no DELETE, no row lock)."""

    inserts: frozenset[str] = frozenset()
    updates: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def allows(self, sql: str) -> bool:
        """Whether the statement (SQLite style, as storage writes it) stays inside."""
        kind, table, columns = statement_writes(sql)
        if kind == "read":
            return True
        if kind == "insert":
            return table in self.inserts
        if kind == "update":
            allowed = self.updates.get(table)
            return allowed is not None and columns is not None and columns <= allowed
        return False


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A row lock (check-then-act on that row) or a write hidden in a WITH query.
_LOCKING_OR_WRITING = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b|\b(?:INSERT|UPDATE|DELETE|MERGE)\b",
    re.I,
)
_SET_COLUMN = re.compile(r"(?:^|,)\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", re.S)


@lru_cache(maxsize=4096)
def statement_writes(sql: str) -> tuple[str, str, frozenset[str] | None]:
    """What a statement writes: ('read', '', None), ('insert', table, None), ('update',
    table, the columns it sets, None when unsure), or ('other', …) for anything else."""
    text = sql.strip()
    words = _WORD.findall(text[:120])
    head = words[0].upper() if words else ""
    if head in ("SELECT", "WITH", "VALUES"):
        return ("other", "", None) if _LOCKING_OR_WRITING.search(text) else ("read", "", None)
    if head == "INSERT":
        upper = [w.upper() for w in words]
        # INSERT INTO t, INSERT OR IGNORE INTO t
        if "INTO" in upper and upper.index("INTO") + 1 < len(words):
            return "insert", words[upper.index("INTO") + 1].lower(), None
        return "other", "", None
    if head == "UPDATE" and len(words) >= 3 and words[2].upper() == "SET":
        table = words[1].lower()
        match = re.search(r"\bSET\b(.*?)(?:\bWHERE\b|\bRETURNING\b|\bFROM\b|$)", text, re.I | re.S)
        if match is None or "(" in match.group(1):
            return "update", table, None  # a subquery or function in SET: not worth reading
        columns = frozenset(c.lower() for c in _SET_COLUMN.findall(match.group(1)))
        return "update", table, columns or None
    return "other", "", None


__all__ = ["NeedsSerializable", "OwnWrites", "statement_writes"]
