"""The dashboard overview's figures, counted by the database for one scope and period.

The rule is the weekly digest's (expected = a working day inside an assignment in scope, not on
leave; logged = any entry that day), and the scope is the digests' (`storage.digest`); the
counting is done in SQL so that leadership's page over 20,000 officials reads a row per working
day and the 30 lowest divisions and communes with how many there are (about 65 rows for a
week) instead of every official-day; with today in the period, also a row per official in scope
who has not logged today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Tx
from storage.digest import scope_assignments_for, scope_roles, scoped_difficulties_for
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time

_LOGGED = (
    "EXISTS (SELECT 1 FROM work_logs w WHERE w.person_id = x.person_id AND w.work_date = x.d "
    "AND w.deleted_at IS NULL)"
)
# Only those with leave in the period are looked up day by day (a handful of 20,000).
_ON_LEAVE = (
    "x.person_id IN (SELECT person_id FROM leaves WHERE cancelled_at IS NULL "
    "AND start_date <= :last AND end_date >= :first) "
    "AND EXISTS (SELECT 1 FROM leaves l WHERE l.person_id = x.person_id AND l.cancelled_at IS NULL "
    "AND l.start_date <= x.d AND l.end_date >= x.d)"
)
# Every (official, commune, day) of the scope with its two flags, computed once and counted
# three ways below (per division and day, per commune, today's officials). Officials are looked
# up once per assignment, before the days; CROSS JOIN (SQLite: days inside the loop) makes the
# rows, and so the "logged that day" probes, come person by person: an official's days sit on
# one index page, which the reads then find in the page cache, where days outside made every
# probe fetch another page (64,000 page reads at 20,000 officials instead of 16,000).
_OFFICIAL_DAYS = (
    "official_days (person_id, division_code, commune_code, d, on_leave, logged) AS "
    "MATERIALIZED (SELECT x.person_id, x.division_code, x.commune_code, x.d, "
    f"CASE WHEN {_ON_LEAVE} THEN 1 ELSE 0 END, CASE WHEN {_LOGGED} THEN 1 ELSE 0 END "
    "FROM (SELECT DISTINCT sa.person_id, p.division_code, sa.commune_code, days.d "
    "FROM scope_assignments sa JOIN people p ON p.id = sa.person_id "
    "CROSS JOIN days ON days.d >= sa.start_date AND days.d <= sa.end_date "
    "WHERE p.role = 'official' AND p.active = 1) x)"
)
# An official counts once a day for the division (however many communes); each assignment
# counts for its commune. Only the `:lowest` lowest rates of divisions and of communes are
# returned, with how many there are: the page shows 30, and a department-wide period has
# thousands of communes. The order is the page's (rate as a double, then the name by code
# point), so the rows chosen here are the ones it would have chosen from all of them.
_RATE_TABLES = (
    "per_division_day (division_code, d, expected, logged) AS MATERIALIZED ("
    "SELECT division_code, d, count(DISTINCT person_id), "
    "count(DISTINCT CASE WHEN logged = 1 THEN person_id END) FROM official_days "
    "WHERE on_leave = 0 GROUP BY division_code, d), "
    "division_rates (code, name, expected, logged) AS ("
    "SELECT g.division_code, coalesce(dv.name, g.division_code, '—'), "
    "sum(g.expected), sum(g.logged) FROM per_division_day g "
    "LEFT JOIN divisions dv ON dv.code = g.division_code GROUP BY g.division_code, dv.name), "
    "commune_rates (code, name, expected, logged) AS ("
    "SELECT g.commune_code, c.name, g.expected, g.logged FROM ("
    "SELECT commune_code, count(*) AS expected, sum(logged) AS logged FROM official_days "
    "WHERE on_leave = 0 GROUP BY commune_code) g JOIN communes c ON c.code = g.commune_code), "
    "ranked (kind, code, name, expected, logged, place, places) AS ("
    "SELECT 'division', code, name, expected, logged, row_number() OVER ("
    "ORDER BY CAST(logged AS DOUBLE PRECISION) / expected, name COLLATE BINARY), "
    "count(*) OVER () FROM division_rates "
    "UNION ALL "
    "SELECT 'commune', code, name, expected, logged, row_number() OVER ("
    "ORDER BY CAST(logged AS DOUBLE PRECISION) / expected, name COLLATE BINARY), "
    "count(*) OVER () FROM commune_rates)"
)
_RATES = (
    "SELECT 'day', d, NULL, sum(expected), sum(logged), 0 FROM per_division_day GROUP BY d "
    "UNION ALL "
    "SELECT kind, code, name, expected, logged, places FROM ranked WHERE place <= :lowest"
)
# Today's officials: everyone expected, those on leave (and not logged), and the names and
# communes of those neither logged nor on leave (the list the page shows).
_TODAY = (
    "SELECT 'today', NULL, NULL, count(DISTINCT person_id), "
    "count(DISTINCT CASE WHEN on_leave = 1 AND logged = 0 THEN person_id END), 0 "
    "FROM official_days WHERE d = :today "
    "UNION ALL "
    "SELECT 'missing', p.full_name, group_concat(c.name, '; '), o.person_id, 0, 0 "
    "FROM official_days o JOIN people p ON p.id = o.person_id "
    "JOIN communes c ON c.code = o.commune_code "
    "WHERE o.d = :today AND o.on_leave = 0 AND o.logged = 0 GROUP BY o.person_id, p.full_name"
)


@dataclass(frozen=True)
class DayCount:
    """Official-days expected and logged on one working day."""

    day: date
    expected: int
    logged: int


@dataclass(frozen=True)
class PlaceCount:
    """Official-days expected and logged in one division or at one commune over the period."""

    code: str | None
    name: str | None
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


@dataclass(frozen=True)
class PeriodCounts:
    """The period's rates per day, and for the divisions and communes with the lowest rates
    (how many of each there are beside them); today's officials when today is in the period."""

    days: list[DayCount]
    divisions: list[PlaceCount]
    division_count: int
    communes: list[PlaceCount]
    commune_count: int
    today: Today | None


async def rate_counts(
    tx: Tx,
    supervisor_id: int,
    working_days: Sequence[date],
    today: date | None = None,
    lowest: int = 30,
) -> PeriodCounts:
    """Expected and logged official-days per day, and for the `lowest` divisions and communes
    by rate; with `today` among the working days, today's officials too (counted
    as `today()` counts them), in one read."""
    with_today = today is not None and today in working_days
    scope = scope_assignments_for(await scope_roles(tx, supervisor_id))
    if not working_days or scope is None:
        return PeriodCounts([], [], 0, [], 0, Today(0, 0, []) if with_today else None)
    rows = await tx.all(
        f"WITH {scope}, {_days(len(working_days))}, {_OFFICIAL_DAYS}, "
        f"{_RATE_TABLES} {_RATES}" + (f" UNION ALL {_TODAY}" if with_today else ""),
        _params(supervisor_id, working_days, today) | {"lowest": lowest},
    )
    divisions = [_place(r) for r in rows if r[0] == "division"]
    communes = [_place(r) for r in rows if r[0] == "commune"]
    return PeriodCounts(
        [DayCount(from_db_date(r[1]), int(r[3]), int(r[4])) for r in rows if r[0] == "day"],
        divisions,
        int(next((r[5] for r in rows if r[0] == "division"), 0)),
        communes,
        int(next((r[5] for r in rows if r[0] == "commune"), 0)),
        _today(rows) if with_today else None,
    )


def _place(row: Any) -> PlaceCount:
    return PlaceCount(row[1], row[2], int(row[3]), int(row[4]))


async def today(tx: Tx, supervisor_id: int, day: date) -> Today:
    """Officials in scope on `day`: counts, and those neither logged nor on leave."""
    scope = scope_assignments_for(await scope_roles(tx, supervisor_id))
    if scope is None:
        return Today(0, 0, [])
    rows = await tx.all(
        f"WITH {scope}, {_days(1)}, {_OFFICIAL_DAYS} {_TODAY}",
        _params(supervisor_id, [day], day),
    )
    return _today(rows)


def _days(count: int) -> str:
    """The days as a table `days (d)`, from the parameters :d0, :d1, …"""
    return "days (d) AS (VALUES " + ", ".join(f"(:d{i})" for i in range(count)) + ")"


def _params(supervisor_id: int, days: Sequence[date], today: date | None) -> dict[str, Any]:
    """The scope's parameters, the days (:d0, …) and today."""
    params: dict[str, Any] = {f"d{i}": to_db_date(d) for i, d in enumerate(days)}
    return params | {
        "me": supervisor_id,
        "first": to_db_date(min(days)),
        "last": to_db_date(max(days)),
        "today": to_db_date(today) if today else None,
    }


def _today(rows: list[Any]) -> Today:
    [(_, _, _, expected, on_leave, _)] = [tuple(r) for r in rows if r[0] == "today"]
    missing = [(int(r[3]), r[1], r[2] or "") for r in rows if r[0] == "missing"]
    return Today(int(expected), int(on_leave), missing)


async def difficulty_counts(
    tx: Tx, supervisor_id: int, now: datetime, start: datetime, end: datetime
) -> DifficultyCounts:
    """Difficulties in scope: open and overdue now; raised, resolved, answered in the window."""
    moment = to_db_time(now)
    roles = await scope_roles(tx, supervisor_id)
    still_open = scoped_difficulties_for(roles, "d.status != 'resolved'")
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
        + scoped_difficulties_for(
            roles,
            "((d.created_at >= :start AND d.created_at < :end) "
            "OR (d.resolved_at >= :start AND d.resolved_at < :end) "
            "OR (d.first_response_at >= :start AND d.first_response_at < :end))",
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
