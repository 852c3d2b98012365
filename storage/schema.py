"""The numbered migrations shipped in storage/migrations, and what a too-new schema means."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from storage.errors import StorageError
from storage.timefmt import to_db_time

if TYPE_CHECKING:
    from storage.db import Tx

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# Every applied migration by number, on both backends: the numbers did not land in order
# (0016 before 0015, 0012, 0013), so "the highest applied" cannot say what is missing.
# No PRIMARY KEY right after INTEGER: the dialect would make it an identity column.
CREATE_RECORD = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def migrations(dialect: str = SQLITE) -> list[tuple[int, str]]:
    """The migration scripts shipped in storage/migrations, as (number, sql), in order.

    One series for both backends, written in SQLite's SQL; PostgreSQL translates each script
    (`storage.dialect.ddl_to_postgres`) unless `migrations/postgresql/` holds a file with the
    same number, which then replaces it for PostgreSQL only.
    """
    folder = resources.files("storage") / "migrations"
    found: dict[int, str] = {}
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found[int(name[:4])] = entry.read_text(encoding="utf-8")
    if dialect != SQLITE:
        overrides = folder / dialect
        if overrides.is_dir():
            for entry in overrides.iterdir():
                if entry.name.endswith(".sql") and entry.name[:4].isdigit():
                    found[int(entry.name[:4])] = entry.read_text(encoding="utf-8")
    return sorted(found.items())


def split_sql(script: str) -> list[str]:
    """Split a migration script into statements (our scripts have no triggers or `;` in text)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def newer_schema_line(path: Path, version: int, newest: int) -> str:
    """The refusal for a database written by a newer bietphai (never touched by this one)."""
    return (
        f"cơ sở dữ liệu {path} ở phiên bản lược đồ {version}, mới hơn bản bietphai này "
        f"(phiên bản {newest}); hãy cài bản bietphai mới hơn, không dùng bản cũ trên dữ liệu này"
    )


async def pending_migrations(
    tx: Tx, scripts: list[tuple[int, str]], where: Path, *, legacy_version: int = 0
) -> list[tuple[int, str]]:
    """The scripts this database has not applied, in order (its record created if missing).

    A database that records nothing yet but says it reached `legacy_version` (SQLite's PRAGMA
    user_version, from before the record) is recorded first, see `adopt_legacy`. A database
    that applied a number this code does not ship yet is refused untouched.
    """
    await tx.execute(CREATE_RECORD)
    applied = await applied_migrations(tx)
    if not applied and legacy_version > 0:
        applied = await adopt_legacy(tx, scripts, legacy_version)
    newest = max((number for number, _ in scripts), default=0)
    highest = max(applied, default=0)
    if highest > newest:
        raise StorageError(newer_schema_line(where, highest, newest))
    return [(number, sql) for number, sql in scripts if number not in applied]


async def adopt_legacy(tx: Tx, scripts: list[tuple[int, str]], version: int) -> set[int]:
    """Record every shipped migration numbered up to `version` as applied, without running it.

    Before the record, SQLite kept only the highest number applied (PRAGMA user_version = N)
    and applied the files above N. So every file <= N counts as applied here. That is exact
    for a database that only ever ran released series; one that ran main between two of the
    out-of-order landings (0016, then 0015, 0012, 0013 on 2026-12-04) may lack a file <= N
    that arrived after it reached N, and that file is not applied now either: nothing in the
    old record can tell it apart.
    """
    numbers = {number for number, _ in scripts if number <= version}
    for number in sorted(numbers):
        await record_migration(tx, number)
    return numbers


async def applied_migrations(tx: Tx) -> set[int]:
    """The numbers of the migrations this database has applied."""
    return {int(row[0]) for row in await tx.all("SELECT version FROM schema_migrations")}


async def record_migration(tx: Tx, number: int) -> None:
    """Note migration `number` as applied (in the transaction that applied it)."""
    await tx.execute(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
        (number, to_db_time(datetime.now(UTC))),
    )


async def schema_version(tx: Tx) -> int:
    """The schema version shown to operators: the highest migration applied."""
    return int(await tx.value("SELECT coalesce(max(version), 0) FROM schema_migrations"))
