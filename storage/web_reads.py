"""Reads behind the web dashboard's pages that the digest and export reads do not cover.

Every read starts from the viewer: a supervisor's scope (the same assignments the digests use,
`storage.digest`) or, for an official, their own rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Tx
from storage.digest import SCOPE_ASSIGNMENTS
from storage.timefmt import from_db_date, from_db_time, to_db_date

BATCH = 500


@dataclass(frozen=True)
class EntryFilter:
    """What the Nhật ký page narrows to (None: no narrowing)."""

    first: date
    last: date
    division_code: str | None = None
    commune_code: str | None = None
    person_id: int | None = None
    topic: str | None = None


@dataclass(frozen=True)
class WebEntry:
    """One work log entry as the dashboard lists it."""

    id: int
    person_id: int
    full_name: str
    division_code: str | None
    commune_code: str
    commune_name: str
    work_date: date
    topic: str
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class StoredPhoto:
    """An attachment kept on a platform: where it came from and what it belongs to."""

    id: int
    owner_kind: str
    owner_id: int
    channel: str
    kind: str
    file_id: str


_ENTRY_COLUMNS = (
    "w.id, w.person_id, p.full_name, p.division_code, c.code, c.name, w.work_date, w.topic, "
    "w.text, w.sent_at"
)
_NARROW = (
    "AND (:division IS NULL OR p.division_code = :division) "
    "AND (:commune IS NULL OR w.commune_code = :commune) "
    "AND (:person IS NULL OR w.person_id = :person) "
    "AND (:topic IS NULL OR w.topic = :topic) "
)


def _entry_sql(supervisor: bool) -> str:
    if not supervisor:
        return (
            f"SELECT {_ENTRY_COLUMNS} FROM work_logs w JOIN people p ON p.id = w.person_id "
            "JOIN communes c ON c.code = w.commune_code WHERE w.person_id = :me "
            "AND w.work_date >= :first AND w.work_date <= :last AND w.deleted_at IS NULL "
            f"{_NARROW}ORDER BY w.work_date DESC, w.sent_at DESC, w.id DESC"
        )
    # Entries reached per person through (person_id, work_date), as the digests do; the
    # (official, commune) pairs of the scope's assignments decide which entries are seen.
    return (
        f"WITH {SCOPE_ASSIGNMENTS} SELECT DISTINCT {_ENTRY_COLUMNS} "
        "FROM scope_assignments sa CROSS JOIN work_logs w ON w.person_id = sa.person_id "
        "AND w.commune_code = sa.commune_code AND w.work_date >= :first "
        "AND w.work_date <= :last AND w.work_date >= sa.start_date "
        "AND w.work_date <= sa.end_date "
        "JOIN people p ON p.id = w.person_id JOIN communes c ON c.code = w.commune_code "
        "WHERE w.deleted_at IS NULL AND p.role = 'official' AND p.active = 1 "
        f"{_NARROW}ORDER BY w.work_date DESC, w.sent_at DESC, w.id DESC"
    )


async def entries(
    tx: Tx, viewer_id: int, supervisor: bool, f: EntryFilter
) -> AsyncIterator[WebEntry]:
    """Entries the viewer may see, newest first, fetched in batches (stop reading any time)."""
    params: dict[str, Any] = {
        "me": viewer_id,
        "first": to_db_date(f.first),
        "last": to_db_date(f.last),
        "division": f.division_code,
        "commune": f.commune_code,
        "person": f.person_id,
        "topic": f.topic,
    }
    async for r in tx.stream(_entry_sql(supervisor), params, BATCH):
        yield WebEntry(
            r[0], r[1], r[2], r[3], r[4], r[5], from_db_date(r[6]), r[7], r[8], from_db_time(r[9])
        )


async def photos_of(tx: Tx, owner_kind: str, owner_ids: list[int]) -> dict[int, list[int]]:
    """Ids of the photos of these entries or difficulties, per owner, in the order sent."""
    if not owner_ids:
        return {}
    marks = ", ".join(str(int(i)) for i in owner_ids)
    rows = await tx.all(
        f"SELECT owner_id, id FROM attachments WHERE owner_kind = ? AND owner_id IN ({marks}) "
        "AND kind = 'photo' ORDER BY id",
        (owner_kind,),
    )
    found: dict[int, list[int]] = {}
    for owner_id, attachment_id in rows:
        found.setdefault(int(owner_id), []).append(int(attachment_id))
    return found


async def photo_by_id(tx: Tx, attachment_id: int) -> StoredPhoto | None:
    """A photo attachment, or None."""
    r = await tx.one(
        "SELECT id, owner_kind, owner_id, channel, kind, file_id FROM attachments "
        "WHERE id = ? AND kind = 'photo'",
        (attachment_id,),
    )
    return None if r is None else StoredPhoto(r[0], r[1], r[2], r[3], r[4], r[5])


async def entry_visible(tx: Tx, viewer_id: int, entry_id: int) -> bool:
    """Whether the viewer may see this entry: their own, or in their scope that day."""
    found = await tx.value(
        "SELECT 1 FROM work_logs w WHERE w.id = :entry AND w.deleted_at IS NULL AND ("
        "w.person_id = :me OR EXISTS (SELECT 1 FROM people me WHERE me.id = :me "
        "AND me.supervises_all = 1) "
        "OR EXISTS (SELECT 1 FROM supervised_divisions s JOIN people o "
        "ON o.division_code = s.division_code WHERE s.person_id = :me AND o.id = w.person_id) "
        "OR EXISTS (SELECT 1 FROM working_groups g JOIN working_group_communes gc "
        "ON gc.group_id = g.id WHERE g.leader_id = :me AND gc.commune_code = w.commune_code))",
        {"entry": entry_id, "me": viewer_id},
    )
    return found is not None


async def divisions_of(tx: Tx, person_ids: list[int]) -> dict[int, str | None]:
    """The division code of each person."""
    if not person_ids:
        return {}
    marks = ", ".join(str(int(i)) for i in person_ids)
    rows = await tx.all(f"SELECT id, division_code FROM people WHERE id IN ({marks})")
    return {int(r[0]): r[1] for r in rows}


async def difficulties_of_reporter(tx: Tx, reporter_id: int) -> list[int]:
    """Ids of every difficulty a person raised, newest first."""
    rows = await tx.all(
        "SELECT id FROM difficulties WHERE reporter_id = ? ORDER BY created_at DESC, id DESC",
        (reporter_id,),
    )
    return [int(r[0]) for r in rows]
