"""Exports asked for in the chat (/xuat) or on the dashboard: queued, built by an export worker
(claimed under a lease), then sent to the chat or offered on the dashboard's status page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.db import Row, Tx
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time


@dataclass(frozen=True)
class ExportJob:
    """One requested export: who asked, from which chat, for what period and scope."""

    id: int
    person_id: int
    channel: str
    chat_id: str
    language: str
    first: date
    last: date
    division_code: str | None
    scope_label: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class ExportProgress:
    """Where a job stands: waiting or building, done (with its file) or failed."""

    job: ExportJob
    status: str
    file_path: str | None

    @property
    def waiting(self) -> bool:
        """Not finished yet (waiting for a worker, or being built)."""
        return self.status in ("pending", "building")


JOB_COLUMNS = (
    "id, person_id, channel, chat_id, language, first_day, last_day, division_code, "
    "scope_label, attempts, created_at"
)


def _job(row: Row) -> ExportJob:
    return ExportJob(
        row["id"],
        row["person_id"],
        row["channel"],
        row["chat_id"],
        row["language"],
        from_db_date(row["first_day"]),
        from_db_date(row["last_day"]),
        row["division_code"],
        row["scope_label"],
        row["attempts"],
        from_db_time(row["created_at"]),
    )


async def request_export(
    tx: Tx,
    *,
    person_id: int,
    channel: str,
    chat_id: str,
    language: str,
    first: date,
    last: date,
    division_code: str | None,
    scope_label: str,
    now: datetime,
) -> int:
    """Queue an export; the same one still waiting for this chat is not queued twice."""
    waiting = await tx.value(
        "SELECT id FROM export_jobs WHERE person_id = ? AND chat_id = ? AND channel = ? "
        "AND first_day = ? AND last_day = ? AND coalesce(division_code, '') = ? "
        "AND status IN ('pending', 'building')",
        (
            person_id,
            chat_id,
            channel,
            to_db_date(first),
            to_db_date(last),
            division_code or "",
        ),
    )
    if waiting is not None:
        return int(waiting)
    return await tx.execute(
        "INSERT INTO export_jobs (person_id, channel, chat_id, language, first_day, last_day, "
        "division_code, scope_label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            person_id,
            channel,
            chat_id,
            language,
            to_db_date(first),
            to_db_date(last),
            division_code,
            scope_label,
            to_db_time(now),
        ),
    )


async def claim_next(
    tx: Tx, *, now: datetime, lease: timedelta, channels: tuple[str, ...] | None = None
) -> ExportJob | None:
    """Take the oldest waiting job (or one whose builder vanished: its lease ran out)."""
    where_channel = ""
    params: list[object] = [to_db_time(now + lease), to_db_time(now)]
    if channels is not None:
        where_channel = f" AND channel IN ({', '.join('?' for _ in channels)})"
        params += list(channels)
    row = await tx.one(
        "UPDATE export_jobs SET status = 'building', claimed_until = ?, attempts = attempts + 1 "
        "WHERE id = (SELECT id FROM export_jobs WHERE (status = 'pending' OR "
        "(status = 'building' AND claimed_until < ?))" + where_channel + " "
        "ORDER BY created_at, id LIMIT 1) "
        "RETURNING " + JOB_COLUMNS,
        tuple(params),
    )
    return None if row is None else _job(row)


async def extend_claim(tx: Tx, job_id: int, until: datetime) -> None:
    """Still building: keep the job ours a while longer."""
    await tx.execute(
        "UPDATE export_jobs SET claimed_until = ? WHERE id = ? AND status = 'building'",
        (to_db_time(until), job_id),
    )


async def finish(tx: Tx, job_id: int, *, file_path: str | None, now: datetime) -> None:
    """Built (file_path given) or given up (None)."""
    await tx.execute(
        "UPDATE export_jobs SET status = ?, file_path = ?, finished_at = ?, claimed_until = NULL "
        "WHERE id = ?",
        ("done" if file_path else "failed", file_path, to_db_time(now), job_id),
    )


async def give_back(tx: Tx, job_id: int) -> None:
    """Not finished (the bot is stopping, or a try failed): waiting again."""
    await tx.execute(
        "UPDATE export_jobs SET status = 'pending', claimed_until = NULL WHERE id = ?", (job_id,)
    )


async def status_of(tx: Tx, job_id: int) -> str | None:
    """The job's status (tests and the console read it)."""
    value = await tx.value("SELECT status FROM export_jobs WHERE id = ?", (job_id,))
    return None if value is None else str(value)


async def progress(tx: Tx, job_id: int) -> ExportProgress | None:
    """The job with its status and file (the dashboard's status page reads it), or None."""
    row = await tx.one(
        "SELECT " + JOB_COLUMNS + ", status, file_path FROM export_jobs WHERE id = ?", (job_id,)
    )
    if row is None:
        return None
    return ExportProgress(_job(row), row["status"], row["file_path"])
