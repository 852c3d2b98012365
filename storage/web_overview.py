"""The dashboard overview's figures, counted by the database for one scope and period.

The rule is the weekly digest's (expected = a working day inside an assignment in scope, not on
leave; logged = any entry that day), and the scope is the digests' (`storage.digest`); the
counting is done in SQL so that leadership's page over 20,000 officials returns a few hundred
rows instead of every official-day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Tx
from storage.digest import _SCOPE_ASSIGNMENTS, _scoped_difficulties
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time

_LOGGED = (
    "EXISTS (SELECT 1 FROM work_logs w WHERE w.person_id = x.person_id AND w.work_date = x.d "
    "AND w.deleted_at IS NULL)"
)
_ON_LEAVE = (
    "EXISTS (SELECT 1 FROM leaves l WHERE l.person_id = x.person_id AND l.cancelled_at IS NULL "
    "AND l.start_date <= x.d AND l.end_date >= x.d)"
)


@dataclass(frozen=True)
class DayCount:
    """Official-days expected and logged for one division on one working day."""

    division_code: str | None
    day: date
    expected: int
    logged: int


@dataclass(frozen=True)
class CommuneCount:
    """Official-days expected and logged at one commune over the period."""

    code: str
    name: str
    expected: int
    logged: int


@dataclass(frozen=True)
class Today:
    """Officials in scope today: how many, how many on leave, who has not logged (unsorted)."""

    expected: int
    on_leave: int
    missing: list[tuple[int, str, str]]  # (person id, full name, communes)


@dataclass(frozen=True)
class DifficultyCounts:
    """Open and overdue difficulties now; raised, resolved, first responses in the window."""

    open: int
    overdue: int
    raised: int
    resolved: int
    first_responses: list[float]  # seconds from raising to the first response


def _days(days: Sequence[date]) -> tuple[str, dict[str, Any]]:
    marks = ", ".join(f"(:d{i})" for i in range(len(days)))
    return f"days (d) AS (VALUES {marks})", {f"d{i}": to_db_date(d) for i, d in enumerate(days)}


async def rate_counts(
    tx: Tx, supervisor_id: int, working_days: Sequence[date]
) -> tuple[list[DayCount], list[CommuneCount]]:
    """Expected and logged official-days per division and day, and per commune."""
    if not working_days:
        return [], []
    days_cte, params = _days(working_days)
    params |= {
        "me": supervisor_id,
        "first": to_db_date(min(working_days)),
        "last": to_db_date(max(working_days)),
    }
    # Each official-day's flags are computed once (MATERIALIZED) and counted twice: per
    # division and day (an official once a day) and per commune (each assignment that day).
    rows = await tx.all(
        f"WITH {_SCOPE_ASSIGNMENTS}, {days_cte}, "
        "official_days (person_id, commune_code, d) AS MATERIALIZED ("
        "SELECT DISTINCT sa.person_id, sa.commune_code, days.d FROM scope_assignments sa "
        "JOIN days ON days.d >= sa.start_date AND days.d <= sa.end_date "
        "JOIN people p ON p.id = sa.person_id WHERE p.role = 'official' AND p.active = 1), "
        "x (person_id, d) AS (SELECT DISTINCT person_id, d FROM official_days), "
        "flags (person_id, d, logged) AS MATERIALIZED ("
        f"SELECT x.person_id, x.d, CASE WHEN {_LOGGED} THEN 1 ELSE 0 END FROM x "
        f"WHERE NOT {_ON_LEAVE}) "
        "SELECT 'day', p.division_code, f.d, count(*), sum(f.logged) FROM flags f "
        "JOIN people p ON p.id = f.person_id GROUP BY p.division_code, f.d "
        "UNION ALL "
        "SELECT 'commune', o.commune_code, c.name, count(*), sum(f.logged) FROM official_days o "
        "JOIN flags f ON f.person_id = o.person_id AND f.d = o.d "
        "JOIN communes c ON c.code = o.commune_code GROUP BY o.commune_code, c.name",
        params,
    )
    return (
        [DayCount(r[1], from_db_date(r[2]), int(r[3]), int(r[4])) for r in rows if r[0] == "day"],
        [CommuneCount(r[1], r[2], int(r[3]), int(r[4])) for r in rows if r[0] == "commune"],
    )


async def today(tx: Tx, supervisor_id: int, day: date) -> Today:
    """Officials in scope on `day`: counts, and those neither logged nor on leave."""
    days_cte, params = _days([day])
    params |= {"me": supervisor_id, "first": to_db_date(day), "last": to_db_date(day)}
    rows = await tx.all(
        f"WITH {_SCOPE_ASSIGNMENTS}, {days_cte}, "
        "x (person_id, d) AS (SELECT DISTINCT sa.person_id, days.d FROM scope_assignments sa "
        "JOIN days JOIN people p ON p.id = sa.person_id "
        "WHERE p.role = 'official' AND p.active = 1), "
        "flags AS (SELECT x.person_id, "
        f"CASE WHEN {_ON_LEAVE} THEN 1 ELSE 0 END AS on_leave, "
        f"CASE WHEN {_LOGGED} THEN 1 ELSE 0 END AS logged FROM x) "
        "SELECT f.person_id, f.on_leave, f.logged, "
        # Names and communes only for those who have not logged: the list shown.
        "CASE WHEN f.on_leave = 0 AND f.logged = 0 THEN p.full_name END, "
        "CASE WHEN f.on_leave = 0 AND f.logged = 0 THEN (SELECT group_concat(c.name, '; ') "
        "FROM (SELECT DISTINCT commune_code FROM scope_assignments sa "
        "WHERE sa.person_id = f.person_id) s JOIN communes c ON c.code = s.commune_code) END "
        "FROM flags f JOIN people p ON p.id = f.person_id",
        params,
    )
    missing = [(int(r[0]), r[3], r[4] or "") for r in rows if not r[1] and not r[2]]
    on_leave = sum(1 for r in rows if r[1] and not r[2])
    return Today(len(rows), on_leave, missing)


async def difficulty_counts(
    tx: Tx, supervisor_id: int, now: datetime, start: datetime, end: datetime
) -> DifficultyCounts:
    """Difficulties in scope: open and overdue now; raised, resolved, answered in the window."""
    moment = to_db_time(now)
    still_open = _scoped_difficulties("d.status != 'resolved'")
    open_row = await tx.one(
        f"WITH {still_open} "
        "SELECT count(*), coalesce(sum(CASE WHEN (d.first_response_at IS NULL "
        "AND d.first_response_due < :now) OR d.resolution_due < :now THEN 1 ELSE 0 END), 0) "
        "FROM difficulties d WHERE d.id IN (SELECT id FROM scoped_ids)",
        {"me": supervisor_id, "now": moment},
    )
    window = {"me": supervisor_id, "start": to_db_time(start), "end": to_db_time(end)}
    touched = await tx.all(
        "WITH "
        + _scoped_difficulties(
            "((d.created_at >= :start AND d.created_at < :end) "
            "OR (d.resolved_at >= :start AND d.resolved_at < :end) "
            "OR (d.first_response_at >= :start AND d.first_response_at < :end))"
        )
        + " SELECT d.created_at, d.first_response_at, d.resolved_at FROM difficulties d "
        "WHERE d.id IN (SELECT id FROM scoped_ids)",
        window,
    )
    lo, hi = window["start"], window["end"]
    responses = [
        (from_db_time(r[1]) - from_db_time(r[0])).total_seconds()
        for r in touched
        if r[1] is not None and lo <= r[1] < hi
    ]
    assert open_row is not None
    return DifficultyCounts(
        open=int(open_row[0]),
        overdue=int(open_row[1]),
        raised=sum(1 for r in touched if lo <= r[0] < hi),
        resolved=sum(1 for r in touched if r[2] is not None and lo <= r[2] < hi),
        first_responses=responses,
    )
