"""Writing an imported organisation workbook: upserts that change nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from storage.db import Tx
from storage.study import put_contact_commune
from storage.timefmt import to_db_date, to_db_time


@dataclass(frozen=True)
class DivisionRow:
    """A division (phòng) of the department."""

    code: str
    name: str


@dataclass(frozen=True)
class CommuneRow:
    """A commune or ward."""

    code: str
    name: str
    district: str
    border: bool


@dataclass(frozen=True)
class PersonRow:
    """A person; `supervises` lists division codes, `supervises_all` means the whole department."""

    full_name: str
    role: str
    division_code: str | None
    phone: str | None
    supervises: tuple[str, ...] = ()
    supervises_all: bool = False
    # A commune contact's commune (optional `commune` column); empty keeps what is stored.
    commune_code: str | None = None
    # "anh" or "chị" (optional `gender` column); empty keeps what is stored.
    address_form: str | None = None


@dataclass(frozen=True)
class WaveRow:
    """A wave (đợt) of secondment."""

    name: str
    start: date
    end: date


@dataclass(frozen=True)
class AssignmentRow:
    """A person at a commune for (part of) a wave; `person` is a full name or phone."""

    person: str
    commune_code: str
    wave_name: str
    start: date
    end: date


@dataclass(frozen=True)
class WorkingGroupRow:
    """A working group (tổ công tác); people by full name or phone, communes by code."""

    name: str
    leader: str | None
    members: tuple[str, ...]
    commune_codes: tuple[str, ...]


@dataclass(frozen=True)
class CalendarRow:
    """An admin-declared day off or make-up working day."""

    day: date
    kind: str
    reason: str


@dataclass
class OrgData:
    """Everything read from one workbook, already validated."""

    divisions: list[DivisionRow] = field(default_factory=list)
    communes: list[CommuneRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    waves: list[WaveRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)
    working_groups: list[WorkingGroupRow] = field(default_factory=list)
    calendar: list[CalendarRow] = field(default_factory=list)


async def known_codes(tx: Tx) -> tuple[set[str], set[str], set[str]]:
    """Division codes, commune codes and wave names already in the database."""
    divisions = {r[0] for r in await tx.all("SELECT code FROM divisions")}
    communes = {r[0] for r in await tx.all("SELECT code FROM communes")}
    waves = {r[0] for r in await tx.all("SELECT name FROM waves")}
    return divisions, communes, waves


async def known_commune_names(tx: Tx) -> list[tuple[str, str]]:
    """(code, name) of every stored commune, so a workbook may name one instead of its code."""
    return [(r[0], r[1]) for r in await tx.all("SELECT code, name FROM communes")]


async def known_person_keys(tx: Tx) -> dict[str, int]:
    """How many stored people answer to each lower-cased full name and each phone."""
    counts: dict[str, int] = {}
    for row in await tx.all("SELECT full_name, phone FROM people"):
        for key in (row["full_name"].lower(), row["phone"]):
            if key:
                counts[key] = counts.get(key, 0) + 1
    return counts


async def apply_org(tx: Tx, org: OrgData, now: datetime) -> int:
    """Upsert the whole organisation; returns how many rows actually changed."""
    before = await tx.changes()
    for d in org.divisions:
        await tx.execute(
            "INSERT INTO divisions (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE "
            "SET name = excluded.name WHERE divisions.name IS NOT excluded.name",
            (d.code, d.name),
        )
    for c in org.communes:
        await tx.execute(
            "INSERT INTO communes (code, name, district, border) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name, district = excluded.district, "
            "border = excluded.border "
            "WHERE (communes.name, communes.district, communes.border) "
            "IS NOT (excluded.name, excluded.district, excluded.border)",
            (c.code, c.name, c.district, int(c.border)),
        )
    for p in org.people:
        await _upsert_person(tx, p, now)
    for w in org.waves:
        await tx.execute(
            "INSERT INTO waves (name, start_date, end_date) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET start_date = excluded.start_date, "
            "end_date = excluded.end_date WHERE (waves.start_date, waves.end_date) IS NOT "
            "(excluded.start_date, excluded.end_date)",
            (w.name, to_db_date(w.start), to_db_date(w.end)),
        )
    for a in org.assignments:
        person_id = await resolve_person(tx, a.person)
        await tx.execute(
            "INSERT INTO assignments (person_id, commune_code, wave_id, start_date, end_date) "
            "VALUES (?, ?, (SELECT id FROM waves WHERE name = ?), ?, ?) "
            "ON CONFLICT (person_id, commune_code, wave_id) DO UPDATE SET "
            "start_date = excluded.start_date, end_date = excluded.end_date "
            "WHERE (assignments.start_date, assignments.end_date) "
            "IS NOT (excluded.start_date, excluded.end_date)",
            (person_id, a.commune_code, a.wave_name, to_db_date(a.start), to_db_date(a.end)),
        )
    for g in org.working_groups:
        await _upsert_working_group(tx, g)
    for day in org.calendar:
        await tx.execute(
            "INSERT INTO calendar_days (day, kind, reason) VALUES (?, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, reason = excluded.reason "
            "WHERE (calendar_days.kind, calendar_days.reason) "
            "IS NOT (excluded.kind, excluded.reason)",
            (to_db_date(day.day), day.kind, day.reason),
        )
    return await tx.changes() - before


async def resolve_person(tx: Tx, key: str) -> int:
    """The id of the one person with this phone or (case-insensitive) full name."""
    row = await tx.one("SELECT id FROM people WHERE phone = ?", (key,))
    if row is None:
        rows = await tx.all("SELECT id FROM people WHERE casefold(full_name) = casefold(?)", (key,))
        if len(rows) != 1:
            raise LookupError(f"person {key!r} matches {len(rows)} people")
        row = rows[0]
    return int(row["id"])


async def _upsert_person(tx: Tx, p: PersonRow, now: datetime) -> None:
    existing = None
    if p.phone:
        existing = await tx.value("SELECT id FROM people WHERE phone = ?", (p.phone,))
    if existing is None:
        # Without a phone match, a person is the same person when the full name matches once
        # and that record has no other phone.
        rows = await tx.all(
            "SELECT id FROM people WHERE casefold(full_name) = casefold(?) "
            "AND (phone IS NULL OR ? IS NULL)",
            (p.full_name, p.phone),
        )
        existing = rows[0]["id"] if len(rows) == 1 else None
    if existing is None:
        person_id = await tx.execute(
            "INSERT INTO people (full_name, role, division_code, phone, supervises_all, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (p.full_name, p.role, p.division_code, p.phone, int(p.supervises_all), to_db_time(now)),
        )
    else:
        person_id = int(existing)
        await tx.execute(
            "UPDATE people SET full_name = ?, role = ?, division_code = ?, phone = ?, "
            "supervises_all = ? WHERE id = ? AND (full_name, role, division_code, phone, "
            "supervises_all) IS NOT (?, ?, ?, ?, ?)",
            (
                p.full_name,
                p.role,
                p.division_code,
                p.phone,
                int(p.supervises_all),
                person_id,
                p.full_name,
                p.role,
                p.division_code,
                p.phone,
                int(p.supervises_all),
            ),
        )
    await _replace_links(
        tx, "supervised_divisions", "person_id", person_id, "division_code", p.supervises
    )
    if p.commune_code:
        await put_contact_commune(tx, person_id, p.commune_code)
    if p.address_form:
        await tx.execute(
            "UPDATE people SET address_form = ? WHERE id = ? AND address_form IS NOT ?",
            (p.address_form, person_id, p.address_form),
        )


async def _upsert_working_group(tx: Tx, g: WorkingGroupRow) -> None:
    leader_id = await resolve_person(tx, g.leader) if g.leader else None
    await tx.execute(
        "INSERT INTO working_groups (name, leader_id) VALUES (?, ?) ON CONFLICT (name) "
        "DO UPDATE SET leader_id = excluded.leader_id "
        "WHERE working_groups.leader_id IS NOT excluded.leader_id",
        (g.name, leader_id),
    )
    group_id = int(await tx.value("SELECT id FROM working_groups WHERE name = ?", (g.name,)))
    member_ids = [await resolve_person(tx, m) for m in g.members]
    await _replace_links(
        tx, "working_group_members", "group_id", group_id, "person_id", tuple(member_ids)
    )
    await _replace_links(
        tx, "working_group_communes", "group_id", group_id, "commune_code", g.commune_codes
    )


async def _replace_links(
    tx: Tx,
    table: str,
    owner_column: str,
    owner_id: int,
    item_column: str,
    items: tuple[object, ...],
) -> None:
    """Make a link table hold exactly `items` for the owner, touching only what differs."""
    current = {
        r[0]
        for r in await tx.all(
            f"SELECT {item_column} FROM {table} WHERE {owner_column} = ?", (owner_id,)
        )
    }
    wanted = set(items)
    for item in wanted - current:
        await tx.execute(
            f"INSERT INTO {table} ({owner_column}, {item_column}) VALUES (?, ?)", (owner_id, item)
        )
    for item in current - wanted:
        await tx.execute(
            f"DELETE FROM {table} WHERE {owner_column} = ? AND {item_column} = ?",
            (owner_id, item),
        )
