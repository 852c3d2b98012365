"""Working-group visits to communes (tổ công tác): groups, their communes and members, visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Row, Tx
from storage.models import Commune, Person
from storage.org import PERSON_COLUMNS, commune_from_row, person_from_row
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time


@dataclass(frozen=True)
class Group:
    """A working group and its leader."""

    id: int
    name: str
    leader_id: int | None


@dataclass(frozen=True)
class Visit:
    """A planned visit of a working group to a commune."""

    id: int
    group_id: int
    group_name: str
    commune_code: str
    commune_name: str
    day: date
    agenda: str
    member_names: tuple[str, ...]


async def groups_led_by(tx: Tx, person_id: int) -> list[Group]:
    """The working groups this person leads."""
    rows = await tx.all(
        "SELECT id, name, leader_id FROM working_groups WHERE leader_id = ? ORDER BY name",
        (person_id,),
    )
    return [Group(r["id"], r["name"], r["leader_id"]) for r in rows]


async def groups_of(tx: Tx, person_id: int) -> list[Group]:
    """The working groups this person leads or belongs to."""
    rows = await tx.all(
        "SELECT id, name, leader_id FROM working_groups g WHERE g.leader_id = :me "
        "OR EXISTS (SELECT 1 FROM working_group_members m WHERE m.group_id = g.id "
        "AND m.person_id = :me) ORDER BY name",
        {"me": person_id},
    )
    return [Group(r["id"], r["name"], r["leader_id"]) for r in rows]


async def group_communes(tx: Tx, group_id: int) -> list[Commune]:
    """The communes a working group covers, by code."""
    rows = await tx.all(
        "SELECT c.code, c.name, c.district, c.border FROM working_group_communes gc "
        "JOIN communes c ON c.code = gc.commune_code WHERE gc.group_id = ? ORDER BY c.code",
        (group_id,),
    )
    return [commune_from_row(r) for r in rows]


async def group_members(tx: Tx, group_id: int) -> list[Person]:
    """The active members of a working group (the leader is not listed)."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM working_group_members m JOIN people p "
        "ON p.id = m.person_id WHERE m.group_id = ? AND p.active = 1 ORDER BY p.id",
        (group_id,),
    )
    return [person_from_row(r) for r in rows]


async def officials_in_commune_on(tx: Tx, commune_code: str, day: date) -> list[Person]:
    """The active seconded officials assigned to this commune on this day."""
    rows = await tx.all(
        f"SELECT DISTINCT {PERSON_COLUMNS} FROM assignments a JOIN people p "
        "ON p.id = a.person_id WHERE a.commune_code = ? AND a.start_date <= ? "
        "AND a.end_date >= ? AND p.active = 1 ORDER BY p.id",
        (commune_code, to_db_date(day), to_db_date(day)),
    )
    return [person_from_row(r) for r in rows]


async def add_visit(
    tx: Tx,
    *,
    group_id: int,
    commune_code: str,
    day: date,
    agenda: str,
    planned_by: int,
    member_ids: list[int],
    now: datetime,
) -> int:
    """Store a planned visit with the members going; returns its id."""
    visit_id = await tx.execute(
        "INSERT INTO wg_visits (group_id, commune_code, visit_date, agenda, planned_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (group_id, commune_code, to_db_date(day), agenda, planned_by, to_db_time(now)),
    )
    await tx.executemany(
        "INSERT OR IGNORE INTO wg_visit_members (visit_id, person_id) VALUES (?, ?)",
        [(visit_id, person_id) for person_id in member_ids],
    )
    return visit_id


_UPCOMING = (
    "SELECT v.id, v.group_id, g.name AS group_name, v.commune_code, c.name AS commune_name, "
    "v.visit_date, v.agenda, (SELECT group_concat(p.full_name, ';') FROM wg_visit_members m "
    "JOIN people p ON p.id = m.person_id WHERE m.visit_id = v.id) AS members "
    "FROM wg_visits v JOIN working_groups g ON g.id = v.group_id "
    "JOIN communes c ON c.code = v.commune_code "
)


async def upcoming_visits(tx: Tx, group_ids: list[int], today: date) -> list[Visit]:
    """Planned visits of these groups from today on, soonest first."""
    if not group_ids:
        return []
    marks = ", ".join("?" for _ in group_ids)
    rows = await tx.all(
        _UPCOMING + f"WHERE v.group_id IN ({marks}) AND v.status = 'planned' "
        "AND v.visit_date >= ? ORDER BY v.visit_date, v.id",
        (*group_ids, to_db_date(today)),
    )
    return _visits(rows)


async def upcoming_visits_to_my_commune(tx: Tx, person_id: int, today: date) -> list[Visit]:
    """Planned visits from today on to a commune where this person is assigned on the visit
    day, or that they speak for as its commune contact; soonest first."""
    rows = await tx.all(
        _UPCOMING + "WHERE v.status = 'planned' AND v.visit_date >= :today AND ("
        "EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = :me "
        "AND a.commune_code = v.commune_code AND a.start_date <= v.visit_date "
        "AND a.end_date >= v.visit_date) OR EXISTS (SELECT 1 FROM commune_contacts cc "
        "WHERE cc.person_id = :me AND cc.commune_code = v.commune_code)) "
        "ORDER BY v.visit_date, v.id",
        {"me": person_id, "today": to_db_date(today)},
    )
    return _visits(rows)


async def commune_contacts_of(tx: Tx, commune_code: str) -> list[Person]:
    """The active commune contacts (UBND) who speak for this commune."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM commune_contacts cc JOIN people p "
        "ON p.id = cc.person_id WHERE cc.commune_code = ? AND p.active = 1 ORDER BY p.id",
        (commune_code,),
    )
    return [person_from_row(r) for r in rows]


def _visits(rows: list[Row]) -> list[Visit]:
    return [
        Visit(
            id=r["id"],
            group_id=r["group_id"],
            group_name=r["group_name"],
            commune_code=r["commune_code"],
            commune_name=r["commune_name"],
            day=from_db_date(r["visit_date"]),
            agenda=r["agenda"],
            member_names=tuple(sorted((r["members"] or "").split(";"))) if r["members"] else (),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class VisitInfo:
    """A visit with what deciding who may record its outcome needs."""

    id: int
    group_id: int
    group_name: str
    leader_id: int | None
    commune_code: str
    commune_name: str
    day: date
    agenda: str
    status: str
    member_ids: tuple[int, ...]
    reviewed: str
    findings: str
    outcome_by_name: str
    outcome_at: datetime | None


# One visit with its group, commune, members and outcome author, for visit_from_row; callers
# append their own JOINs and WHERE (storage/followups.py lists the visits of an export with it).
VISIT_SELECT = (
    "SELECT v.id, v.group_id, g.name AS group_name, g.leader_id, v.commune_code, "
    "c.name AS commune_name, v.visit_date, v.agenda, v.status, coalesce(v.reviewed, '') AS rv, "
    "coalesce(v.findings, '') AS fi, coalesce(ob.full_name, '') AS ob, v.outcome_at, "
    "(SELECT group_concat(m.person_id) FROM wg_visit_members m WHERE m.visit_id = v.id) AS mids "
    "FROM wg_visits v JOIN working_groups g ON g.id = v.group_id "
    "JOIN communes c ON c.code = v.commune_code LEFT JOIN people ob ON ob.id = v.outcome_by "
)


def visit_from_row(r: Row) -> VisitInfo:
    """A VisitInfo from a row selected with VISIT_SELECT."""
    mids = tuple(sorted(int(x) for x in r["mids"].split(","))) if r["mids"] else ()
    return VisitInfo(
        id=r["id"],
        group_id=r["group_id"],
        group_name=r["group_name"],
        leader_id=r["leader_id"],
        commune_code=r["commune_code"],
        commune_name=r["commune_name"],
        day=from_db_date(r["visit_date"]),
        agenda=r["agenda"],
        status=r["status"],
        member_ids=mids,
        reviewed=r["rv"],
        findings=r["fi"],
        outcome_by_name=r["ob"],
        outcome_at=from_db_time(r["outcome_at"]) if r["outcome_at"] else None,
    )


async def visit_by_id(tx: Tx, visit_id: int) -> VisitInfo | None:
    """The visit with this id."""
    row = await tx.one(VISIT_SELECT + "WHERE v.id = ?", (visit_id,))
    return None if row is None else visit_from_row(row)


_MINE = (
    "(g.leader_id = :me OR EXISTS (SELECT 1 FROM wg_visit_members m WHERE m.visit_id = v.id "
    "AND m.person_id = :me))"
)


async def visits_awaiting_outcome(tx: Tx, person_id: int, today: date) -> list[VisitInfo]:
    """Visits up to today without an outcome that this person led or went on, oldest first."""
    rows = await tx.all(
        VISIT_SELECT + f"WHERE v.status = 'planned' AND v.visit_date <= :today AND {_MINE} "
        "ORDER BY v.visit_date, v.id",
        {"me": person_id, "today": to_db_date(today)},
    )
    return [visit_from_row(r) for r in rows]


async def next_visit_of(tx: Tx, person_id: int, today: date) -> VisitInfo | None:
    """The next planned visit after today that this person leads or goes on."""
    row = await tx.one(
        VISIT_SELECT + f"WHERE v.status = 'planned' AND v.visit_date > :today AND {_MINE} "
        "ORDER BY v.visit_date, v.id LIMIT 1",
        {"me": person_id, "today": to_db_date(today)},
    )
    return None if row is None else visit_from_row(row)


async def visits_between(tx: Tx, first: date, last: date) -> list[VisitInfo]:
    """Planned visits (no outcome yet) from first to last, soonest first."""
    rows = await tx.all(
        VISIT_SELECT + "WHERE v.status = 'planned' AND v.visit_date >= ? AND v.visit_date <= ? "
        "ORDER BY v.visit_date, v.id",
        (to_db_date(first), to_db_date(last)),
    )
    return [visit_from_row(r) for r in rows]


async def visit_created_at(tx: Tx, visit_id: int) -> datetime:
    """When the visit was planned."""
    return from_db_time(
        str(await tx.value("SELECT created_at FROM wg_visits WHERE id = ?", (visit_id,)))
    )
