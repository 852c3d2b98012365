"""Work log entries (nhật ký công tác), their edit history and attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Row, Tx
from storage.models import WorkLog
from storage.timefmt import from_db_time, to_db_date, to_db_time


@dataclass(frozen=True)
class NewAttachment:
    """A photo or file as the channel knows it."""

    kind: str
    file_id: str
    caption: str = ""


_SELECT = (
    "SELECT w.id, w.person_id, w.commune_code, c.name AS commune_name, w.work_date, w.topic, "
    "w.text, w.sent_at, w.updated_at, w.deleted_at, "
    "(SELECT count(*) FROM attachments a WHERE a.owner_kind = 'work_log' AND a.owner_id = w.id) "
    "AS attachment_count FROM work_logs w JOIN communes c ON c.code = w.commune_code "
)


def _work_log(row: Row) -> WorkLog:
    return WorkLog(
        id=row["id"],
        person_id=row["person_id"],
        commune_code=row["commune_code"],
        commune_name=row["commune_name"],
        work_date=date.fromisoformat(row["work_date"]),
        topic=row["topic"],
        text=row["text"],
        sent_at=from_db_time(row["sent_at"]),
        edited=row["updated_at"] is not None,
        deleted=row["deleted_at"] is not None,
        attachment_count=row["attachment_count"],
    )


async def add_work_log(
    tx: Tx,
    *,
    person_id: int,
    commune_code: str,
    work_date: date,
    topic: str,
    text: str,
    channel: str,
    sent_at: datetime,
    now: datetime,
    attachments: tuple[NewAttachment, ...] = (),
) -> int:
    """Store a new entry with its attachments; returns the entry number."""
    entry_id = await tx.execute(
        "INSERT INTO work_logs (person_id, commune_code, work_date, topic, text, channel, "
        "sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            person_id,
            commune_code,
            to_db_date(work_date),
            topic,
            text,
            channel,
            to_db_time(sent_at),
            to_db_time(now),
        ),
    )
    for item in attachments:
        await add_attachment(tx, "work_log", entry_id, channel, item, now)
    return entry_id


async def add_attachment(
    tx: Tx, owner_kind: str, owner_id: int, channel: str, item: NewAttachment, now: datetime
) -> int:
    """Attach a photo or file to an entry (or, later, a difficulty)."""
    return await tx.execute(
        "INSERT INTO attachments (owner_kind, owner_id, channel, kind, file_id, caption, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (owner_kind, owner_id, channel, item.kind, item.file_id, item.caption, to_db_time(now)),
    )


async def work_log_by_id(tx: Tx, entry_id: int) -> WorkLog | None:
    """One entry, deleted or not."""
    row = await tx.one(_SELECT + "WHERE w.id = ?", (entry_id,))
    return None if row is None else _work_log(row)


async def recent_work_logs(
    tx: Tx, person_id: int, limit: int = 10, offset: int = 0
) -> list[WorkLog]:
    """The person's latest entries (not deleted), newest work date first."""
    rows = await tx.all(
        _SELECT + "WHERE w.person_id = ? AND w.deleted_at IS NULL "
        "ORDER BY w.work_date DESC, w.id DESC LIMIT ? OFFSET ?",
        (person_id, limit, offset),
    )
    return [_work_log(r) for r in rows]


async def count_work_logs(tx: Tx, person_id: int) -> int:
    """How many entries (not deleted) the person has."""
    return int(
        await tx.value(
            "SELECT count(*) FROM work_logs WHERE person_id = ? AND deleted_at IS NULL",
            (person_id,),
        )
    )


async def work_logs_on(tx: Tx, person_id: int, work_date: date) -> list[WorkLog]:
    """The person's entries for one work date."""
    rows = await tx.all(
        _SELECT + "WHERE w.person_id = ? AND w.work_date = ? AND w.deleted_at IS NULL "
        "ORDER BY w.id",
        (person_id, to_db_date(work_date)),
    )
    return [_work_log(r) for r in rows]


async def edit_work_log(
    tx: Tx, entry_id: int, *, text: str, topic: str | None, by: int, now: datetime
) -> bool:
    """Replace an entry's text (and topic), keeping the old version; False if it is gone."""
    old = await tx.one(
        "SELECT topic, text FROM work_logs WHERE id = ? AND deleted_at IS NULL", (entry_id,)
    )
    if old is None:
        return False
    await _keep_revision(tx, entry_id, "edit", old, by, now)
    await tx.execute(
        "UPDATE work_logs SET text = ?, topic = ?, updated_at = ? WHERE id = ?",
        (text, topic or old["topic"], to_db_time(now), entry_id),
    )
    return True


async def delete_work_log(tx: Tx, entry_id: int, *, by: int, now: datetime) -> bool:
    """Mark an entry deleted, keeping its last version; False if it was already gone."""
    old = await tx.one(
        "SELECT topic, text FROM work_logs WHERE id = ? AND deleted_at IS NULL", (entry_id,)
    )
    if old is None:
        return False
    await _keep_revision(tx, entry_id, "delete", old, by, now)
    await tx.execute(
        "UPDATE work_logs SET deleted_at = ? WHERE id = ?", (to_db_time(now), entry_id)
    )
    return True


async def revisions_of(tx: Tx, entry_id: int) -> list[tuple[str, str, str]]:
    """(change, old topic, old text) of an entry, oldest first."""
    rows = await tx.all(
        "SELECT change, old_topic, old_text FROM work_log_revisions WHERE work_log_id = ? "
        "ORDER BY id",
        (entry_id,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def _keep_revision(
    tx: Tx, entry_id: int, change: str, old: Row, by: int, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO work_log_revisions (work_log_id, change, old_topic, old_text, changed_by, "
        "changed_at) VALUES (?, ?, ?, ?, ?, ?)",
        (entry_id, change, old["topic"], old["text"], by, to_db_time(now)),
    )
