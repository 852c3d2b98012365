"""The numbered migrations shipped in storage/migrations, and what a too-new schema means."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


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
