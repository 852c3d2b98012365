"""Working-group visits to communes (tổ công tác): groups, their communes and members, visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Row, Tx
from storage.models import Commune, Person
from storage.org import PERSON_COLUMNS, person_from_row
from storage.timefmt import from_db_date, to_db_date, to_db_time


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


def _commune(row: Row) -> Commune:
    return Commune(row["code"], row["name"], row["district"], bool(row["border"]))


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
    return [_commune(r) for r in rows]


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
