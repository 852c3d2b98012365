"""What each scheduled job covered: downtime is noticed and logged, a finished tick not redone."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx
from storage.timefmt import to_db_time


async def record_run(tx: Tx, job: str, period: str, now: datetime, outcome: str) -> None:
    """Remember that a job handled a period (a date, a week, a tick)."""
    await tx.execute(
        "INSERT INTO job_runs (job, period, ran_at, outcome) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (job, period) DO UPDATE SET ran_at = excluded.ran_at, "
        "outcome = excluded.outcome",
        (job, period, to_db_time(now), outcome),
    )


async def last_period(tx: Tx, job: str) -> str | None:
    """The latest period a job handled (periods sort as text: ISO dates and weeks)."""
    value = await tx.value("SELECT max(period) FROM job_runs WHERE job = ?", (job,))
    return None if value is None else str(value)


async def has_run(tx: Tx, job: str, period: str) -> bool:
    """Whether a job has recorded handling this period."""
    value = await tx.value("SELECT 1 FROM job_runs WHERE job = ? AND period = ?", (job, period))
    return value is not None
