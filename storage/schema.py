"""The numbered migrations shipped in storage/migrations, and what a too-new schema means."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def migrations() -> list[tuple[int, str]]:
    """The migration scripts shipped in storage/migrations, as (number, sql), in order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


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
