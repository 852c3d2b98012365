"""Reads behind the department's Excel exports, streamed so memory stays flat on long periods."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.db import Row, Tx
from storage.digest import SCOPE_ASSIGNMENTS, scoped_difficulties
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time

BATCH = 500  # rows per fetchmany
ENTRY_CHUNK_DAYS = 7  # days of entries per query

_ALL_ASSIGNMENTS = (
    "scope_assignments (person_id, commune_code, start_date, end_date) AS ("
    "SELECT a.person_id, a.commune_code, a.start_date, a.end_date FROM assignments a "
    "WHERE a.start_date <= :last AND a.end_date >= :first)"
)
_NARROWED = (
    "export_assignments (person_id, commune_code, start_date, end_date) AS ("
    "SELECT sa.person_id, sa.commune_code, sa.start_date, sa.end_date "
    "FROM scope_assignments sa JOIN people p ON p.id = sa.person_id "
    "WHERE p.role = 'official' AND (:division IS NULL OR p.division_code = :division) "
    "AND (:commune IS NULL OR sa.commune_code = :commune) "
    "AND (:person IS NULL OR sa.person_id = :person))"
)


@dataclass(frozen=True)
class ExportFilter:
    """Whose data: everything or one supervisor's scope, narrowed by division, commune, person."""

    supervisor_id: int | None = None
    division_code: str | None = None
    commune_code: str | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class ExportOfficial:
    """An official with an assignment in the export's scope and period."""

    person_id: int
    full_name: str
    division_code: str | None
    division_name: str


@dataclass(frozen=True)
class ExportAssignment:
    """An assignment in scope: who, where, from when to when."""

    person_id: int
    commune_code: str
    commune_name: str
    start: date
    end: date


@dataclass(frozen=True)
class ExportEntry:
    """One work log entry (nhật ký công tác) for the Nhật ký sheet."""

    id: int
    work_date: date
    full_name: str
    division_name: str
    commune_name: str
    topic: str
    text: str
    photos: int
    sent_at: datetime
    edited: bool


@dataclass(frozen=True)
class ExportDifficulty:
    """One difficulty raised in the period, with its last answer and resolution note."""

    id: int
    created_at: datetime
    reporter_name: str
    commune_name: str
    division_code: str | None
    topic: str
    kind: str
    urgency: str
    status: str
    description: str
    first_response_at: datetime | None
    resolved_at: datetime | None
    last_answer: str
    resolution: str


@dataclass(frozen=True)
class ExportEvent:
    """One step in a difficulty's history (Lịch sử)."""

    difficulty_id: int
    at: datetime
    actor_name: str
    action: str
    from_status: str
    to_status: str
    text: str
    target_name: str


@dataclass(frozen=True)
class DayLog:
    """An official logged at least one entry at this commune on this day."""

    person_id: int
    work_date: date
    commune_code: str


def _params(f: ExportFilter, first: date, last: date) -> dict[str, Any]:
    return {
        "me": f.supervisor_id,
        "first": to_db_date(first),
        "last": to_db_date(last),
        "division": f.division_code,
        "commune": f.commune_code,
        "person": f.person_id,
    }


def _scope_cte(f: ExportFilter) -> str:
    base = _ALL_ASSIGNMENTS if f.supervisor_id is None else SCOPE_ASSIGNMENTS
    return f"WITH {base}, {_NARROWED} "


async def _stream(tx: Tx, sql: str, params: dict[str, Any]) -> AsyncIterator[Row]:
    """The rows of one query, fetched in batches (never all at once)."""
    async for row in tx.stream(sql, params, BATCH):
        yield row


async def commune_by_name(tx: Tx, name: str) -> list[tuple[str, str]]:
    """(code, name) of communes whose code or name matches, ignoring case."""
    rows = await tx.all(
        "SELECT code, name FROM communes WHERE casefold(name) = casefold(?) "
        "OR casefold(code) = casefold(?) ORDER BY code",
        (name.strip(), name.strip()),
    )
    return [(r[0], r[1]) for r in rows]


async def division_exists(tx: Tx, code: str) -> bool:
    """Whether a division with this code exists."""
    return await tx.value("SELECT 1 FROM divisions WHERE code = ?", (code,)) is not None


async def wave_on(tx: Tx, day: date) -> tuple[str, date, date] | None:
    """The wave (name, start, end) running on `day`, the latest to start if several."""
    row = await tx.one(
        "SELECT name, start_date, end_date FROM waves WHERE start_date <= ? AND end_date >= ? "
        "ORDER BY start_date DESC, id DESC LIMIT 1",
        (to_db_date(day), to_db_date(day)),
    )
    return None if row is None else (row[0], from_db_date(row[1]), from_db_date(row[2]))


async def supervised_division_codes(tx: Tx, supervisor_id: int) -> set[str]:
    """The divisions this person heads (not counting 'all')."""
    rows = await tx.all(
        "SELECT division_code FROM supervised_divisions WHERE person_id = ?", (supervisor_id,)
    )
    return {r[0] for r in rows}


async def officials(tx: Tx, f: ExportFilter, first: date, last: date) -> list[ExportOfficial]:
    """Officials with an assignment in scope overlapping first..last, by name."""
    rows = await tx.all(
        _scope_cte(f) + "SELECT DISTINCT p.id, p.full_name, p.division_code, "
        "coalesce(d.name, '') AS division_name FROM export_assignments ea "
        "JOIN people p ON p.id = ea.person_id LEFT JOIN divisions d ON d.code = p.division_code "
        "ORDER BY p.full_name, p.id",
        _params(f, first, last),
    )
    return [ExportOfficial(r[0], r[1], r[2], r[3]) for r in rows]


def _marks(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


async def assignments_of(
    tx: Tx, f: ExportFilter, first: date, last: date, person_ids: Sequence[int]
) -> list[ExportAssignment]:
    """Assignments in scope of these officials overlapping first..last."""
    if not person_ids:
        return []
    rows = await tx.all(
        _scope_cte(f) + "SELECT DISTINCT ea.person_id, ea.commune_code, c.name, ea.start_date, "
        "ea.end_date FROM export_assignments ea JOIN communes c ON c.code = ea.commune_code "
        f"WHERE ea.person_id IN ({_marks(person_ids)}) ORDER BY ea.person_id, ea.start_date",
        _params(f, first, last),
    )
    return [
        ExportAssignment(r[0], r[1], r[2], from_db_date(r[3]), from_db_date(r[4])) for r in rows
    ]


async def leaves_of(
    tx: Tx, first: date, last: date, person_ids: Sequence[int]
) -> list[tuple[int, date, date]]:
    """(person, start, end) of leave not cancelled overlapping first..last."""
    if not person_ids:
        return []
    rows = await tx.all(
        "SELECT person_id, start_date, end_date FROM leaves WHERE cancelled_at IS NULL "
        f"AND person_id IN ({_marks(person_ids)}) AND start_date <= ? AND end_date >= ?",
        (to_db_date(last), to_db_date(first)),
    )
    return [(r[0], from_db_date(r[1]), from_db_date(r[2])) for r in rows]


async def day_logs_of(tx: Tx, first: date, last: date, person_ids: Sequence[int]) -> list[DayLog]:
    """Which officials logged at which commune on which day (entries not deleted)."""
    if not person_ids:
        return []
    rows = await tx.all(
        "SELECT DISTINCT person_id, work_date, commune_code FROM work_logs "
        f"WHERE person_id IN ({_marks(person_ids)}) AND work_date >= ? AND work_date <= ? "
        "AND deleted_at IS NULL",
        (to_db_date(first), to_db_date(last)),
    )
    return [DayLog(r[0], from_db_date(r[1]), r[2]) for r in rows]


async def entries(tx: Tx, f: ExportFilter, first: date, last: date) -> AsyncIterator[ExportEntry]:
    """Entries in scope from first to last, in date then time order, a week per query.

    A supervisor sees the entries made at the communes of the assignments in their scope (as in
    the digests); the department-wide export has every entry of its officials, wherever made,
    unless it is narrowed to one commune.
    """
    if f.supervisor_id is None and f.commune_code is None:
        pairs, same_commune = "(SELECT DISTINCT person_id FROM export_assignments)", "1 = 1"
    else:
        pairs = "(SELECT DISTINCT person_id, commune_code FROM export_assignments)"
        same_commune = "w.commune_code = ea.commune_code"
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=ENTRY_CHUNK_DAYS - 1))
        sql = (
            _scope_cte(f) + "SELECT w.id, w.work_date, p.full_name, coalesce(d.name, '') AS dn, "
            "c.name AS cn, w.topic, w.text, (SELECT count(*) FROM attachments a "
            "WHERE a.owner_kind = 'work_log' AND a.owner_id = w.id) AS photos, w.sent_at, "
            "w.updated_at IS NOT NULL AS edited "
            f"FROM {pairs} ea "
            # CROSS JOIN keeps the scope outside: entries are reached through
            # (person_id, work_date), never by scanning every entry of the period.
            "CROSS JOIN work_logs w ON w.person_id = ea.person_id "
            f"AND {same_commune} AND w.work_date >= :first AND w.work_date <= :last "
            "JOIN people p ON p.id = w.person_id JOIN communes c ON c.code = w.commune_code "
            "LEFT JOIN divisions d ON d.code = p.division_code "
            "WHERE w.deleted_at IS NULL ORDER BY w.work_date, w.sent_at, w.id"
        )
        async for r in _stream(tx, sql, _params(f, start, end)):
            yield ExportEntry(
                id=r[0],
                work_date=from_db_date(r[1]),
                full_name=r[2],
                division_name=r[3],
                commune_name=r[4],
                topic=r[5],
                text=r[6],
                photos=int(r[7]),
                sent_at=from_db_time(r[8]),
                edited=bool(r[9]),
            )
        start = end + timedelta(days=1)


def _difficulty_ids(
    f: ExportFilter, when: str = "d.created_at >= :start AND d.created_at < :end"
) -> str:
    """A CTE `scoped_ids` of difficulties matching `when` (on `d`) in scope, narrowed."""
    condition = (
        f"{when} "
        "AND (:division IS NULL OR d.division_code = :division) "
        "AND (:commune IS NULL OR d.commune_code = :commune) "
        "AND (:person IS NULL OR d.reporter_id = :person)"
    )
    if f.supervisor_id is None:
        return f"WITH scoped_ids (id) AS (SELECT d.id FROM difficulties d WHERE {condition}) "
    return f"WITH {scoped_difficulties(condition)} "


def _difficulty_params(f: ExportFilter, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "me": f.supervisor_id,
        "start": to_db_time(start),
        "end": to_db_time(end),
        "division": f.division_code,
        "commune": f.commune_code,
        "person": f.person_id,
    }


async def difficulties(
    tx: Tx, f: ExportFilter, start: datetime, end: datetime
) -> AsyncIterator[ExportDifficulty]:
    """Difficulties in scope raised from `start` to `end` (excluded), oldest first."""
    window: dict[str, str | None] = {"start": to_db_time(start), "end": to_db_time(end)}
    async for d in difficulty_rows(tx, f, "d.created_at >= :start AND d.created_at < :end", window):
        yield d


async def difficulty_rows(
    tx: Tx, f: ExportFilter, when: str, times: dict[str, str | None]
) -> AsyncIterator[ExportDifficulty]:
    """Difficulties in scope matching `when` (on `d`, with :start/:end from `times`)."""

    def last_text(actions: str) -> str:
        return (
            "coalesce((SELECT e.text FROM difficulty_events e WHERE e.difficulty_id = d.id "
            f"AND e.action IN ({actions}) AND e.text != '' ORDER BY e.id DESC LIMIT 1), '')"
        )

    last_answer = last_text("'answer'")
    resolution = last_text("'resolve', 'confirm'")
    sql = (
        _difficulty_ids(f, when)
        + "SELECT d.id, d.created_at, p.full_name, c.name, d.division_code, "
        "d.topic, d.kind, d.urgency, d.status, d.description, d.first_response_at, "
        f"d.resolved_at, {last_answer} AS last_answer, {resolution} AS resolution "
        "FROM difficulties d JOIN people p ON p.id = d.reporter_id "
        "JOIN communes c ON c.code = d.commune_code "
        "WHERE d.id IN (SELECT id FROM scoped_ids) ORDER BY d.created_at, d.id"
    )
    params = {
        "me": f.supervisor_id,
        "division": f.division_code,
        "commune": f.commune_code,
        "person": f.person_id,
        **times,
    }
    async for r in _stream(tx, sql, params):
        yield ExportDifficulty(
            id=r[0],
            created_at=from_db_time(r[1]),
            reporter_name=r[2],
            commune_name=r[3],
            division_code=r[4],
            topic=r[5],
            kind=r[6],
            urgency=r[7],
            status=r[8],
            description=r[9],
            first_response_at=from_db_time(r[10]) if r[10] else None,
            resolved_at=from_db_time(r[11]) if r[11] else None,
            last_answer=r[12],
            resolution=r[13],
        )


async def events(
    tx: Tx, f: ExportFilter, start: datetime, end: datetime
) -> AsyncIterator[ExportEvent]:
    """Every event of the difficulties `difficulties()` returns, by difficulty then order."""
    sql = (
        _difficulty_ids(f) + "SELECT e.difficulty_id, e.at, a.full_name, e.action, e.from_status, "
        "e.to_status, e.text, coalesce(t.full_name, '') FROM scoped_ids s "
        "CROSS JOIN difficulty_events e ON e.difficulty_id = s.id "
        "JOIN people a ON a.id = e.actor_id LEFT JOIN people t ON t.id = e.target_id "
        "ORDER BY e.difficulty_id, e.id"
    )
    async for r in _stream(tx, sql, _difficulty_params(f, start, end)):
        yield ExportEvent(r[0], from_db_time(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])


# The organisation as import-org reads it (export-org), in the workbook's own vocabulary.


async def org_rows(tx: Tx) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the organisation workbook, sheet by sheet, ready to write."""
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    sheets["divisions"] = [
        tuple(r) for r in await tx.all("SELECT code, name FROM divisions ORDER BY code")
    ]
    sheets["communes"] = [
        (r[0], r[1], r[2], "có" if r[3] else "không")
        for r in await tx.all("SELECT code, name, district, border FROM communes ORDER BY code")
    ]
    people = []
    for r in await tx.all(
        "SELECT p.id, p.full_name, p.role, coalesce(p.division_code, ''), coalesce(p.phone, ''), "
        "p.supervises_all, (SELECT group_concat(division_code, ';') FROM (SELECT division_code "
        "FROM supervised_divisions s WHERE s.person_id = p.id ORDER BY division_code) sd), "
        "coalesce((SELECT commune_code FROM commune_contacts cc WHERE cc.person_id = p.id), ''), "
        "coalesce(p.address_form, '') "
        "FROM people p ORDER BY p.id"
    ):
        supervises = ";".join(x for x in ("all" if r[5] else "", r[6] or "") if x)
        # The last values are the optional `commune` and `gender` columns
        # (bot.orgbook.OPTIONAL_COLUMNS).
        people.append((r[1], r[2], r[3], r[4], supervises, r[7], r[8]))
    sheets["people"] = people
    sheets["waves"] = [
        (r[0], from_db_date(r[1]), from_db_date(r[2]))
        for r in await tx.all(
            "SELECT name, start_date, end_date FROM waves ORDER BY start_date, id"
        )
    ]
    # A person is written by phone when they have one (names may repeat), else by name.
    person_ref = "coalesce(p.phone, p.full_name)"
    sheets["assignments"] = [
        (r[0], r[1], r[2], from_db_date(r[3]), from_db_date(r[4]))
        for r in await tx.all(
            f"SELECT {person_ref}, a.commune_code, w.name, a.start_date, a.end_date "
            "FROM assignments a JOIN people p ON p.id = a.person_id "
            "JOIN waves w ON w.id = a.wave_id ORDER BY w.start_date, a.id"
        )
    ]
    groups = []
    for r in await tx.all(
        f"SELECT g.name, coalesce((SELECT {person_ref} FROM people p "
        "WHERE p.id = g.leader_id), ''), "
        f"(SELECT group_concat(ref, ';') FROM (SELECT {person_ref} AS ref FROM "
        "working_group_members m JOIN people p ON p.id = m.person_id WHERE m.group_id = g.id "
        "ORDER BY p.id) refs), (SELECT group_concat(commune_code, ';') FROM (SELECT commune_code "
        "FROM working_group_communes WHERE group_id = g.id ORDER BY commune_code) gc) "
        "FROM working_groups g ORDER BY g.id"
    ):
        groups.append((r[0], r[1], r[2] or "", r[3] or ""))
    sheets["working_groups"] = groups
    sheets["calendar"] = [
        (from_db_date(r[0]), r[1], r[2])
        for r in await tx.all("SELECT day, kind, reason FROM calendar_days ORDER BY day")
    ]
    return sheets
