"""Reads behind the supervisors' digests: one scope, one day or one week, always through indexes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Tx
from storage.difficulties import SELECT_DIFFICULTY, Difficulty, difficulty_from_row
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time

_ASSIGNMENT_COLUMNS = "SELECT a.person_id, a.commune_code, a.start_date, a.end_date "
_OVERLAPS = "a.start_date <= :last AND a.end_date >= :first"
_SCOPE_COLUMNS = "scope_assignments (person_id, commune_code, start_date, end_date)"

# Assignments overlapping :first..:last reached one way per role (parameters :me, :first, :last),
# each from its own index: assignments by dates (leadership), people by division then assignments
# by person (division heads), assignments by commune (group leaders).
_LEADERSHIP_ASSIGNMENTS = f"{_ASSIGNMENT_COLUMNS}FROM assignments a WHERE {_OVERLAPS}"
_DIVISION_ASSIGNMENTS = (
    f"{_ASSIGNMENT_COLUMNS}"
    "FROM supervised_divisions s JOIN people o ON o.division_code = s.division_code "
    "JOIN assignments a ON a.person_id = o.id "
    f"WHERE s.person_id = :me AND {_OVERLAPS}"
)
_GROUP_ASSIGNMENTS = (
    f"{_ASSIGNMENT_COLUMNS}"
    "FROM working_groups g JOIN working_group_communes gc ON gc.group_id = g.id "
    "JOIN assignments a ON a.commune_code = gc.commune_code "
    f"WHERE g.leader_id = :me AND {_OVERLAPS}"
)

# The supervisor's scope with every branch, for statements that do not read the roles first
# (the web pages, exports): the leadership branch is gated by `supervises_all` in SQL.
SCOPE_ASSIGNMENTS = (
    f"{_SCOPE_COLUMNS} AS ("
    f"{_ASSIGNMENT_COLUMNS}FROM people me CROSS JOIN assignments a "
    f"WHERE me.id = :me AND me.supervises_all = 1 AND {_OVERLAPS} "
    f"UNION {_DIVISION_ASSIGNMENTS} "
    f"UNION {_GROUP_ASSIGNMENTS})"
)
_OFFICIAL = "p.role = 'official' AND p.active = 1"


@dataclass(frozen=True)
class Place:
    """A commune by code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class ScopeName:
    """What a supervisor oversees, in words: everything, divisions, working groups."""

    supervises_all: bool
    divisions: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class ScopeRoles:
    """The ways a person oversees officials: everything, some divisions, some working groups."""

    supervises_all: bool
    heads_divisions: bool
    leads_groups: bool


@dataclass(frozen=True)
class ScopeOfficial:
    """An official in scope on a day: where, on leave or not, logged or not."""

    person_id: int
    full_name: str
    division_code: str | None
    communes: tuple[Place, ...]
    on_leave: bool
    reported: bool


@dataclass(frozen=True)
class ScopeEntry:
    """A work log entry in scope."""

    id: int
    person_id: int
    full_name: str
    commune: Place
    topic: str
    text: str
    sent_at: datetime
    attachment_count: int


@dataclass(frozen=True)
class UnreachableOfficial:
    """An official the bot cannot reach now; `linked` says whether they ever linked a chat."""

    person_id: int
    full_name: str
    linked: bool


@dataclass(frozen=True)
class ScopeAssignment:
    """An assignment in scope (clipped by nothing: the caller clips to its range)."""

    person_id: int
    full_name: str
    commune: Place
    start: date
    end: date


@dataclass(frozen=True)
class LeaveSpan:
    """Leave (not cancelled) of an official in scope."""

    person_id: int
    start: date
    end: date


@dataclass(frozen=True)
class EntryTally:
    """How many entries an official in scope logged for one commune, day and topic."""

    person_id: int
    commune_code: str
    work_date: date
    topic: str
    count: int


def _range(me: int, first: date, last: date) -> dict[str, Any]:
    return {"me": me, "first": to_db_date(first), "last": to_db_date(last)}


async def scope_roles(tx: Tx, person_id: int) -> ScopeRoles:
    """How this person oversees officials (no way at all for an official or an unknown id)."""
    row = await tx.one(
        "SELECT p.supervises_all, "
        "EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = p.id), "
        "EXISTS (SELECT 1 FROM working_groups g WHERE g.leader_id = p.id) "
        "FROM people p WHERE p.id = ?",
        (person_id,),
    )
    if row is None:
        return ScopeRoles(supervises_all=False, heads_divisions=False, leads_groups=False)
    return ScopeRoles(bool(row[0]), bool(row[1]), bool(row[2]))


# The digests read the roles first and put only the supervisor's own branches in a statement.
# With every branch, PostgreSQL cannot tell that the leadership branch yields nothing for a
# division head (that depends on a column of his row in `people`): it estimates it at every
# assignment of the day and merges the scope with all the day's entries read by date. Each
# branch alone it estimates from its statistics, and walks the few people's entries by
# (person, date), as SQLite does. Callers' readers all use DISTINCT, so one branch needs no UNION.
def scope_assignments_for(roles: ScopeRoles) -> str | None:
    """The `scope_assignments` CTE for these roles; None when they oversee nobody."""
    if roles.supervises_all:
        branches = [_LEADERSHIP_ASSIGNMENTS]  # every assignment: the other branches add nothing
    else:
        branches = [
            branch
            for held, branch in (
                (roles.heads_divisions, _DIVISION_ASSIGNMENTS),
                (roles.leads_groups, _GROUP_ASSIGNMENTS),
            )
            if held
        ]
    if not branches:
        return None
    return f"{_SCOPE_COLUMNS} AS ({' UNION '.join(branches)})"


async def _scope(tx: Tx, supervisor_id: int) -> str | None:
    """The `scope_assignments` CTE of this supervisor; None when the scope is empty."""
    return scope_assignments_for(await scope_roles(tx, supervisor_id))


async def scope_of(tx: Tx, supervisor_id: int) -> ScopeName:
    """The names of what this person oversees."""
    everything = await tx.value("SELECT supervises_all FROM people WHERE id = ?", (supervisor_id,))
    divisions = await tx.all(
        "SELECT d.name FROM supervised_divisions s JOIN divisions d ON d.code = s.division_code "
        "WHERE s.person_id = ? ORDER BY d.code",
        (supervisor_id,),
    )
    groups = await tx.all(
        "SELECT name FROM working_groups WHERE leader_id = ? ORDER BY name", (supervisor_id,)
    )
    return ScopeName(
        supervises_all=bool(everything),
        divisions=tuple(r[0] for r in divisions),
        groups=tuple(r[0] for r in groups),
    )


async def officials_in_scope(tx: Tx, supervisor_id: int, day: date) -> list[ScopeOfficial]:
    """Active officials in scope on `day`, with their communes that day, leave and entries."""
    scope = await _scope(tx, supervisor_id)
    if scope is None:
        return []
    rows = await tx.all(
        f"WITH {scope} "
        "SELECT p.id, p.full_name, p.division_code, c.code, c.name, "
        "EXISTS (SELECT 1 FROM leaves l WHERE l.person_id = p.id AND l.cancelled_at IS NULL "
        "AND l.start_date <= :first AND l.end_date >= :first) AS on_leave, "
        "EXISTS (SELECT 1 FROM work_logs w WHERE w.person_id = p.id AND w.work_date = :first "
        "AND w.deleted_at IS NULL) AS reported "
        "FROM (SELECT DISTINCT person_id, commune_code FROM scope_assignments) sa "
        "JOIN people p ON p.id = sa.person_id JOIN communes c ON c.code = sa.commune_code "
        f"WHERE {_OFFICIAL} ORDER BY p.full_name, p.id, c.name",
        _range(supervisor_id, day, day),
    )
    found: dict[int, ScopeOfficial] = {}
    for r in rows:
        place = Place(r["code"], r["name"])
        known = found.get(r["id"])
        if known is not None:
            found[r["id"]] = ScopeOfficial(
                known.person_id,
                known.full_name,
                known.division_code,
                (*known.communes, place),
                known.on_leave,
                known.reported,
            )
            continue
        found[r["id"]] = ScopeOfficial(
            r["id"],
            r["full_name"],
            r["division_code"],
            (place,),
            bool(r["on_leave"]),
            bool(r["reported"]),
        )
    return list(found.values())


async def entries_on(tx: Tx, supervisor_id: int, day: date) -> list[ScopeEntry]:
    """Entries for `day` in scope, by commune name then time sent."""
    scope = await _scope(tx, supervisor_id)
    if scope is None:
        return []
    rows = await tx.all(
        f"WITH {scope} "
        "SELECT DISTINCT w.id, w.person_id, p.full_name, c.code, c.name, w.topic, w.text, "
        "w.sent_at, (SELECT count(*) FROM attachments a WHERE a.owner_kind = 'work_log' "
        "AND a.owner_id = w.id) AS attachment_count "
        # CROSS JOIN keeps the scope outside: entries are reached per person through
        # (person_id, work_date), never by scanning the whole day's entries.
        "FROM scope_assignments sa CROSS JOIN work_logs w ON w.person_id = sa.person_id "
        "AND w.work_date = :first AND w.commune_code = sa.commune_code "
        "JOIN people p ON p.id = w.person_id JOIN communes c ON c.code = w.commune_code "
        f"WHERE w.deleted_at IS NULL AND {_OFFICIAL} ORDER BY c.name, w.sent_at, w.id",
        _range(supervisor_id, day, day),
    )
    return [
        ScopeEntry(
            id=r["id"],
            person_id=r["person_id"],
            full_name=r["full_name"],
            commune=Place(r["code"], r["name"]),
            topic=r["topic"],
            text=r["text"],
            sent_at=from_db_time(r["sent_at"]),
            attachment_count=r["attachment_count"],
        )
        for r in rows
    ]


def _difficulty_branches(condition: str) -> tuple[str, str, str, str]:
    """Ids of difficulties matching `condition` (on `d`) reached one way per role, each from its
    own index: leadership (all), division heads, group leaders, and the assignee."""
    return (
        f"SELECT d.id FROM difficulties d WHERE {condition}",
        "SELECT d.id FROM supervised_divisions s "
        "JOIN difficulties d ON d.division_code = s.division_code "
        f"WHERE s.person_id = :me AND {condition}",
        "SELECT d.id FROM working_groups g "
        "JOIN working_group_communes gc ON gc.group_id = g.id "
        "JOIN difficulties d ON d.commune_code = gc.commune_code "
        f"WHERE g.leader_id = :me AND {condition}",
        f"SELECT d.id FROM difficulties d WHERE d.assignee_id = :me AND {condition}",
    )


def scoped_difficulties(condition: str) -> str:
    """Ids of difficulties in scope matching `condition` (on `d`), every branch, the leadership
    one gated by `supervises_all` in SQL (for statements that do not read the roles first)."""
    _, divisions, groups, assignee = _difficulty_branches(condition)
    return (
        "scoped_ids (id) AS ("
        "SELECT d.id FROM people me CROSS JOIN difficulties d "
        f"WHERE me.id = :me AND me.supervises_all = 1 AND {condition} "
        f"UNION {divisions} UNION {groups} UNION {assignee})"
    )


def scoped_difficulties_for(roles: ScopeRoles, condition: str) -> str:
    """Ids of difficulties in scope matching `condition`, with only this supervisor's branches
    (see `scope_assignments_for`); the assignee's own are always in."""
    everything, divisions, groups, assignee = _difficulty_branches(condition)
    if roles.supervises_all:
        branches = [everything]  # the assignee's are among them
    else:
        branches = [
            branch
            for held, branch in ((roles.heads_divisions, divisions), (roles.leads_groups, groups))
            if held
        ]
        branches.append(assignee)
    return f"scoped_ids (id) AS ({' UNION '.join(branches)})"


async def _difficulties(tx: Tx, condition: str, params: dict[str, Any]) -> list[Difficulty]:
    roles = await scope_roles(tx, params["me"])
    rows = await tx.all(
        f"WITH {scoped_difficulties_for(roles, condition)} "
        + SELECT_DIFFICULTY
        + "WHERE d.id IN (SELECT id FROM scoped_ids) ORDER BY d.created_at, d.id",
        params,
    )
    return [difficulty_from_row(r) for r in rows]


async def difficulties_raised_between(
    tx: Tx, supervisor_id: int, start: datetime, end: datetime
) -> list[Difficulty]:
    """Difficulties in scope raised from `start` (included) to `end` (excluded), oldest first."""
    return await _difficulties(
        tx,
        "d.created_at >= :start AND d.created_at < :end",
        {"me": supervisor_id, "start": to_db_time(start), "end": to_db_time(end)},
    )


async def difficulties_with_status(
    tx: Tx, supervisor_id: int, statuses: Iterable[str]
) -> list[Difficulty]:
    """Difficulties in scope in one of these statuses (the open ones), oldest first."""
    wanted = sorted(set(statuses))
    if not wanted:
        return []
    params: dict[str, Any] = {f"s{i}": status for i, status in enumerate(wanted)}
    marks = ", ".join(f":{name}" for name in params)
    params["me"] = supervisor_id
    return await _difficulties(tx, f"d.status IN ({marks})", params)


async def difficulties_touched_between(
    tx: Tx, supervisor_id: int, start: datetime, end: datetime
) -> tuple[list[Difficulty], set[int]]:
    """Difficulties in scope raised, first responded to, answered or resolved in the window,
    and the ids of those answered in it."""
    window = {"me": supervisor_id, "start": to_db_time(start), "end": to_db_time(end)}
    answered_sql = (
        "SELECT DISTINCT difficulty_id FROM difficulty_events "
        "WHERE at >= :start AND at < :end AND action = 'answer'"
    )
    rows = await tx.all(
        "WITH touched (id) AS ("
        "SELECT id FROM difficulties WHERE created_at >= :start AND created_at < :end "
        "UNION SELECT id FROM difficulties "
        "WHERE first_response_at >= :start AND first_response_at < :end "
        "UNION SELECT id FROM difficulties WHERE resolved_at >= :start AND resolved_at < :end "
        f"UNION {answered_sql}) "
        + SELECT_DIFFICULTY
        + "JOIN people me ON me.id = :me WHERE d.id IN (SELECT id FROM touched) AND ("
        "me.supervises_all = 1 OR d.assignee_id = me.id "
        "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = me.id "
        "AND s.division_code = d.division_code) "
        "OR EXISTS (SELECT 1 FROM working_groups g JOIN working_group_communes gc "
        "ON gc.group_id = g.id WHERE g.leader_id = me.id AND gc.commune_code = d.commune_code)) "
        "ORDER BY d.created_at, d.id",
        window,
    )
    answered = {int(r[0]) for r in await tx.all(answered_sql, window)}
    items = [difficulty_from_row(r) for r in rows]
    return items, answered & {item.id for item in items}


async def unreachable_officials(tx: Tx, supervisor_id: int, day: date) -> list[UnreachableOfficial]:
    """Officials in scope on `day` with no chat the bot can reach now, for whom there is proof:
    a chat that blocked the bot, or a message the outbox could not deliver to anyone."""
    scope = await _scope(tx, supervisor_id)
    if scope is None:
        return []
    rows = await tx.all(
        f"WITH {scope} "
        "SELECT p.id, p.full_name, "
        "EXISTS (SELECT 1 FROM channel_identities i WHERE i.person_id = p.id) AS linked "
        "FROM (SELECT DISTINCT person_id FROM scope_assignments) sa "
        f"JOIN people p ON p.id = sa.person_id WHERE {_OFFICIAL} "
        "AND NOT EXISTS (SELECT 1 FROM channel_identities i WHERE i.person_id = p.id "
        "AND i.unreachable_at IS NULL) "
        "AND (EXISTS (SELECT 1 FROM channel_identities i WHERE i.person_id = p.id "
        "AND i.unreachable_at IS NOT NULL) "
        "OR EXISTS (SELECT 1 FROM outbox o WHERE o.person_id = p.id "
        "AND o.status = 'unreachable')) "
        "ORDER BY p.full_name, p.id",
        _range(supervisor_id, day, day),
    )
    return [UnreachableOfficial(r["id"], r["full_name"], bool(r["linked"])) for r in rows]


async def assignments_in_scope(
    tx: Tx, supervisor_id: int, first: date, last: date
) -> list[ScopeAssignment]:
    """Assignments in scope that overlap first..last, of active officials."""
    scope = await _scope(tx, supervisor_id)
    if scope is None:
        return []
    rows = await tx.all(
        f"WITH {scope} "
        "SELECT DISTINCT p.id, p.full_name, c.code, c.name, sa.start_date, sa.end_date "
        "FROM scope_assignments sa JOIN people p ON p.id = sa.person_id "
        f"JOIN communes c ON c.code = sa.commune_code WHERE {_OFFICIAL} "
        "ORDER BY p.full_name, p.id, c.name",
        _range(supervisor_id, first, last),
    )
    return [
        ScopeAssignment(
            r["id"],
            r["full_name"],
            Place(r["code"], r["name"]),
            from_db_date(r["start_date"]),
            from_db_date(r["end_date"]),
        )
        for r in rows
    ]


async def leaves_in_scope(tx: Tx, supervisor_id: int, first: date, last: date) -> list[LeaveSpan]:
    """Leave (not cancelled) overlapping first..last of officials in scope then."""
    scope = await _scope(tx, supervisor_id)
    if scope is None:
        return []
    rows = await tx.all(
        f"WITH {scope} "
        "SELECT DISTINCT l.id, l.person_id, l.start_date, l.end_date "
        "FROM (SELECT DISTINCT person_id FROM scope_assignments) sa "
        "CROSS JOIN leaves l ON l.person_id = sa.person_id "
        "WHERE l.cancelled_at IS NULL AND l.start_date <= :last AND l.end_date >= :first",
        _range(supervisor_id, first, last),
    )
    return [
        LeaveSpan(r["person_id"], from_db_date(r["start_date"]), from_db_date(r["end_date"]))
        for r in rows
    ]


async def entry_tallies(tx: Tx, supervisor_id: int, first: date, last: date) -> list[EntryTally]:
    """Entries of officials in scope from first to last, counted by commune, day and topic.

    Every commune of theirs is counted; the caller keeps the ones in scope for its purpose.
    """
    scope = await _scope(tx, supervisor_id)
    if scope is None:
        return []
    rows = await tx.all(
        f"WITH {scope} "
        "SELECT w.person_id, w.commune_code, w.work_date, w.topic, count(*) AS n "
        "FROM (SELECT DISTINCT person_id FROM scope_assignments) sa "
        "CROSS JOIN work_logs w ON w.person_id = sa.person_id "
        "AND w.work_date >= :first AND w.work_date <= :last "
        "WHERE w.deleted_at IS NULL "
        "GROUP BY w.person_id, w.commune_code, w.work_date, w.topic",
        _range(supervisor_id, first, last),
    )
    return [EntryTally(r[0], r[1], from_db_date(r[2]), r[3], int(r[4])) for r in rows]
