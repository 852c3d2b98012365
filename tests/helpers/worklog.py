"""Helpers for work-log stories: the entries stored for a person."""

from __future__ import annotations

from storage import Database, worklog
from storage.models import WorkLog
from storage.org_import import resolve_person


async def entries_of(db: Database, name: str) -> list[WorkLog]:
    """Every stored entry of a person, newest first."""
    async with db.read() as tx:
        person_id = await resolve_person(tx, name)
        return await worklog.recent_work_logs(tx, person_id, limit=1000)
