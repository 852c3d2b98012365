"""One set of SQL, written in the SQLite style, translated mechanically for PostgreSQL.

Storage functions and migrations are written once (`?` and `:name` placeholders, `INSERT OR
IGNORE`, `group_concat`, `IS NOT` between values). This module rewrites a statement for
PostgreSQL; nothing else in the code knows the two dialects differ. Translations are cached:
a statement is rewritten once per process, not once per call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _scan(sql: str) -> list[tuple[str, str]]:
    """Cut SQL into ('code', …) and ('quoted', …) pieces, so rewrites never touch literals."""
    pieces: list[tuple[str, str]] = []
    start = i = 0
    while i < len(sql):
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < len(sql):
                if sql[end] == ch:
                    if end + 1 < len(sql) and sql[end + 1] == ch:  # '' inside a literal
                        end += 2
                        continue
                    break
                end += 1
            pieces.append(("code", sql[start:i]))
            pieces.append(("quoted", sql[i : end + 1]))
            start = i = end + 1
            continue
        i += 1
    pieces.append(("code", sql[start:]))
    return [p for p in pieces if p[1]]


# A parameter that only meets IS [NOT] NULL gives PostgreSQL no type to infer when the
# statement is prepared ("could not determine data type"): it is read as text, which any value
# sent as text can be, and only its NULL-ness matters there.
_NULL_TEST = re.compile(r"\s*IS\s+(?:NOT\s+)?NULL\b", re.IGNORECASE)


def _placeholders(code: str, names: list[str]) -> str:
    """`?` and `:name` → `%s` (psycopg's positional placeholder), `%` → `%%`.

    Each `:name` becomes its own `%s` (its name appended to `names`), so each place gets its
    own parameter and its own inferred type: `:division IS NULL OR code = :division`.
    """
    out: list[str] = []
    i = 0
    while i < len(code):
        ch = code[i]
        placeholder = False
        if ch == "%":
            out.append("%%")
        elif ch == "?":
            placeholder = True
        elif ch == ":" and i + 1 < len(code) and code[i + 1] == ":":
            out.append("::")  # a PostgreSQL cast, kept
            i += 1
        elif ch == ":" and (match := _WORD.match(code, i + 1)) and (i == 0 or code[i - 1] != ":"):
            names.append(match.group())
            placeholder = True
            i = match.end() - 1
        else:
            out.append(ch)
        i += 1
        if placeholder:
            out.append("CAST(%s AS TEXT)" if _NULL_TEST.match(code, i) else "%s")
    return "".join(out)


def _matching_paren(sql: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at `open_at`."""
    depth = 0
    position = open_at
    for kind, text in _scan(sql[open_at:]):
        if kind == "code":
            for offset, ch in enumerate(text):
                depth += {"(": 1, ")": -1}.get(ch, 0)
                if depth == 0:
                    return position + offset
        position += len(text)
    raise ValueError("unbalanced parentheses in SQL")


def _split_args(args: str) -> list[str]:
    """Top-level comma-separated arguments of a call."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for kind, text in _scan(args):
        if kind == "quoted":
            current.append(text)
            continue
        for ch in text:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append("".join(current))
                current = []
            else:
                current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


_GROUP_CONCAT = re.compile(r"\bgroup_concat\s*\(", re.IGNORECASE)


def _group_concat(sql: str) -> str:
    """`group_concat(x[, sep])` → `string_agg(CAST(x AS TEXT), sep)` (default separator ',')."""
    while match := _GROUP_CONCAT.search(sql):
        open_at = match.end() - 1
        close_at = _matching_paren(sql, open_at)
        args = _split_args(sql[open_at + 1 : close_at])
        separator = args[1] if len(args) > 1 else "','"
        replacement = f"string_agg(CAST({args[0]} AS TEXT), {separator})"
        sql = sql[: match.start()] + replacement + sql[close_at + 1 :]
    return sql


_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
# SQLite compares any two values with IS / IS NOT; PostgreSQL spells it IS [NOT] DISTINCT FROM.
# (?=\S): `IS  NULL` with two spaces is a NULL test too, not `IS` followed by ` NULL`.
_IS_NOT_VALUE = re.compile(
    r"\bIS\s+NOT\s+(?=\S)(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.IGNORECASE
)
_IS_VALUE = re.compile(r"\bIS\s+(?=\S)(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.IGNORECASE)


# SQLite's CROSS JOIN … ON is an inner join that fixes the join order (a planner hint);
# PostgreSQL plans the order itself and allows ON only on a plain JOIN.
_CROSS_JOIN_ON = re.compile(
    r"\bCROSS\s+JOIN\s+([A-Za-z_][A-Za-z0-9_]*(?:\s+(?:AS\s+)?[A-Za-z_][A-Za-z0-9_]*)?\s+ON)\b",
    re.IGNORECASE,
)


# SQLite's BINARY collation orders text by code point, as PostgreSQL's "C" collation does
# (the database's default collation may follow a language's rules instead).
_COLLATE_BINARY = re.compile(r"\bCOLLATE\s+BINARY\b", re.IGNORECASE)


def _code_rewrites(code: str) -> str:
    code = _CROSS_JOIN_ON.sub(r"JOIN \1", code)
    code = _COLLATE_BINARY.sub('COLLATE "C"', code)
    code = _IS_NOT_VALUE.sub("IS DISTINCT FROM ", code)
    return _IS_VALUE.sub("IS NOT DISTINCT FROM ", code)


@dataclass(frozen=True)
class PgStatement:
    """A statement as PostgreSQL takes it: `%s` placeholders, prepared on the server once."""

    text: str
    # For a statement written with `:name` placeholders: the name each `%s` takes, in order.
    names: tuple[str, ...] | None = None
    # Statements made up once (a cursor's own name) are not worth preparing.
    prepare: bool = True

    def values(self, params: Any) -> Any:
        """The parameters in placeholder order (a mapping becomes a tuple)."""
        if self.names is None or params is None:
            return params
        return tuple(params[name] for name in self.names)

    def returning_id(self) -> PgStatement:
        """The same INSERT, returning the new row's id (SQLite's lastrowid)."""
        return replace(self, text=f"{self.text} RETURNING id")


# `SELECT *` / `d.*`: a column added by a migration in another process would change the row
# type under a prepared statement ("cached plan must not change result type"); not prepared.
_ALL_COLUMNS = re.compile(r"(?:\bSELECT|,)\s*(?:DISTINCT\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\.)?\*", re.I)


@lru_cache(maxsize=4096)
def to_postgres(sql: str) -> PgStatement:
    """The statement as PostgreSQL (with psycopg placeholders) understands it."""
    ignore = bool(_OR_IGNORE.search(sql))
    if ignore:
        sql = _OR_IGNORE.sub("INSERT INTO", sql)
    sql = _group_concat(sql)
    names: list[str] = []
    out = "".join(
        _placeholders(_code_rewrites(text), names) if kind == "code" else text.replace("%", "%%")
        for kind, text in _scan(sql)
    )
    if ignore:
        returning = _RETURNING.search(out)
        if returning:
            out = f"{out[: returning.start()]}ON CONFLICT DO NOTHING {out[returning.start() :]}"
        else:
            out = f"{out.rstrip()} ON CONFLICT DO NOTHING"
    every_column = any(kind == "code" and _ALL_COLUMNS.search(text) for kind, text in _scan(sql))
    return PgStatement(out, tuple(names) if names else None, prepare=not every_column)


# DDL: SQLite's column types and rowid keys in PostgreSQL's terms.
_ROWID_KEY = re.compile(
    r"\bINTEGER\s+PRIMARY\s+KEY(?:\s+AUTOINCREMENT)?(?=\s*(?:,|\)|$|--))",
    re.IGNORECASE | re.MULTILINE,
)
_TYPES = [
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
    (re.compile(r"\bREAL\b", re.IGNORECASE), "DOUBLE PRECISION"),
    (re.compile(r"\bDATETIME\b", re.IGNORECASE), "TEXT"),
]


@lru_cache(maxsize=1024)
def ddl_to_postgres(statement: str) -> str:
    """A migration statement for PostgreSQL: rowid keys become identity columns, types map."""
    pieces = []
    for kind, text in _scan(statement):
        if kind == "code":
            # A rowid alias takes the next number unless given one: an identity column BY
            # DEFAULT does the same and still accepts the ids copy-db brings over.
            text = _ROWID_KEY.sub("INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", text)
            for pattern, replacement in _TYPES:
                text = pattern.sub(replacement, text)
        pieces.append(text)
    return to_postgres("".join(pieces)).text.replace("%%", "%")


_ROW_LOCKS = re.compile(r"\s+FOR\s+UPDATE(?:\s+SKIP\s+LOCKED)?\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def to_sqlite(sql: str) -> str:
    """The statement for SQLite: row-lock clauses dropped (its one writer holds everything)."""
    return _ROW_LOCKS.sub("", sql)
