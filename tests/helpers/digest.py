"""Helpers for digest stories: a supervisor's daily digest on the working calendar."""

from __future__ import annotations

from datetime import date

from handlers.core.workcal import WorkingCalendar
from handlers.digest.daily import Digest, daily_digest
from storage import Database, org
from storage.models import Person
from storage.org_import import (
    resolve_person,
)
from tests.chat import ZONE, local

CAL = WorkingCalendar(ZONE)


async def person(db: Database, name: str) -> Person:
    """A sample person by full name."""
    async with db.read() as tx:
        found = await org.person_by_id(tx, await resolve_person(tx, name))
    assert found is not None
    return found


async def daily(db: Database, name: str, day: date, at: str, cal: WorkingCalendar = CAL) -> Digest:
    """The daily digest of a supervisor, as built at local time `at`."""
    supervisor = await person(db, name)
    async with db.read() as tx:
        return await daily_digest(tx, supervisor, day, local(at), cal, "vi")
