"""Who oversees what: division heads, working-group leaders and department leadership."""

from __future__ import annotations

from storage.db import Tx
from storage.models import Person
from storage.org import PERSON_COLUMNS, person_from_row

_IN_SCOPE = (
    "p.active = 1 AND (p.supervises_all = 1 "
    "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = p.id "
    "AND s.division_code = :division) "
    "OR EXISTS (SELECT 1 FROM working_groups g JOIN working_group_communes gc "
    "ON gc.group_id = g.id WHERE g.leader_id = p.id AND gc.commune_code = :commune) "
    "OR p.id = :assignee)"
)


async def supervisors_for(
    tx: Tx, division_code: str | None, commune_code: str, assignee_id: int | None = None
) -> list[Person]:
    """Everyone who oversees an official of this division working in this commune."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM people p WHERE {_IN_SCOPE} ORDER BY p.id",
        {"division": division_code, "commune": commune_code, "assignee": assignee_id},
    )
    return [person_from_row(r) for r in rows]


async def oversees(
    tx: Tx,
    supervisor_id: int,
    division_code: str | None,
    commune_code: str,
    assignee_id: int | None = None,
) -> bool:
    """Whether this person may see and act on an item of this division and commune."""
    found = await tx.value(
        f"SELECT 1 FROM people p WHERE p.id = :me AND {_IN_SCOPE}",
        {
            "me": supervisor_id,
            "division": division_code,
            "commune": commune_code,
            "assignee": assignee_id,
        },
    )
    return found is not None


async def is_supervisor(tx: Tx, person_id: int) -> bool:
    """Whether the person oversees anything at all (divisions, a group, or everything)."""
    found = await tx.value(
        "SELECT 1 FROM people p WHERE p.id = ? AND p.active = 1 AND (p.supervises_all = 1 "
        "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = p.id) "
        "OR EXISTS (SELECT 1 FROM working_groups g WHERE g.leader_id = p.id))",
        (person_id,),
    )
    return found is not None


async def all_supervisors(tx: Tx) -> list[Person]:
    """Everyone who oversees something, for forwarding."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM people p WHERE p.active = 1 AND (p.supervises_all = 1 "
        "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = p.id) "
        "OR EXISTS (SELECT 1 FROM working_groups g WHERE g.leader_id = p.id)) ORDER BY p.id"
    )
    return [person_from_row(r) for r in rows]


async def admins(tx: Tx) -> list[Person]:
    """Every active admin (role admin), who confirm what the chat may only ask for."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM people p WHERE p.active = 1 AND p.role = 'admin' "
        "ORDER BY p.id"
    )
    return [person_from_row(r) for r in rows]


async def has_reachable_chat(tx: Tx, person_id: int) -> bool:
    """Whether the person is active and has a chat account that has not blocked the bot."""
    found = await tx.value(
        "SELECT 1 FROM channel_identities i JOIN people p ON p.id = i.person_id "
        "WHERE i.person_id = ? AND p.active = 1 AND i.unreachable_at IS NULL LIMIT 1",
        (person_id,),
    )
    return found is not None


async def department_leaders(tx: Tx) -> list[Person]:
    """Department leadership: everyone who supervises all divisions."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM people p WHERE p.active = 1 AND p.supervises_all = 1 "
        "ORDER BY p.id"
    )
    return [person_from_row(r) for r in rows]
