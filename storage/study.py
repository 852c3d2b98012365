"""Study visits at the department (học tập kinh nghiệm tại Sở): requests, parts per division,
the commune each contact speaks for, and the reads behind the calendar, reminders and export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Row, Tx
from storage.models import Commune, Person
from storage.org import PERSON_COLUMNS, person_from_row
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time

LIVE = ("waiting", "confirmed")


def reference(request_id: int) -> str:
    """The reference people read and type: HT-0007."""
    return f"HT-{request_id:04d}"


@dataclass(frozen=True)
class Participant:
    """One official of the commune going to study."""

    id: int
    full_name: str
    job_title: str


@dataclass(frozen=True)
class Part:
    """The part of a request that one division hosts, in one week."""

    id: int
    request_id: int
    division_code: str
    division_name: str
    commune_code: str
    commune_name: str
    contact_id: int
    contact_name: str
    topic: str
    preferred_week: date
    week_start: date
    people: int
    status: str
    confirmed_by: int | None
    confirmed_by_name: str
    confirmed_by_phone: str
    confirmed_at: datetime | None
    place: str
    created_at: datetime
    members: tuple[Participant, ...]

    @property
    def reference(self) -> str:
        """HT-0007."""
        return reference(self.request_id)


@dataclass(frozen=True)
class NewPart:
    """A part to store with a new request."""

    division_code: str
    preferred_week: date
    week_start: date


_PART_SELECT = (
    "SELECT sp.id, sp.request_id, sp.division_code, d.name AS division_name, r.commune_code, "
    "c.name AS commune_name, r.contact_id, pc.full_name AS contact_name, r.topic, "
    "sp.preferred_week, sp.week_start, sp.people, sp.status, sp.confirmed_by, "
    "coalesce(pb.full_name, '') AS confirmed_by_name, "
    "coalesce(pb.phone, '') AS confirmed_by_phone, "
    "sp.confirmed_at, sp.place, sp.created_at "
    "FROM study_parts sp JOIN study_requests r ON r.id = sp.request_id "
    "JOIN divisions d ON d.code = sp.division_code JOIN communes c ON c.code = r.commune_code "
    "JOIN people pc ON pc.id = r.contact_id LEFT JOIN people pb ON pb.id = sp.confirmed_by "
)


async def _parts(tx: Tx, where: str, params: Sequence[object]) -> list[Part]:
    rows = await tx.all(_PART_SELECT + where, tuple(params))
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ", ".join("?" for _ in ids)
    members: dict[int, list[Participant]] = {i: [] for i in ids}
    for m in await tx.all(
        "SELECT pm.part_id, p.id, p.full_name, p.job_title FROM study_part_members pm "
        f"JOIN study_participants p ON p.id = pm.participant_id WHERE pm.part_id IN ({marks}) "
        "ORDER BY p.position",
        tuple(ids),
    ):
        members[m["part_id"]].append(Participant(m["id"], m["full_name"], m["job_title"]))
    return [_part(r, tuple(members[r["id"]])) for r in rows]


def _part(r: Row, members: tuple[Participant, ...]) -> Part:
    return Part(
        id=r["id"],
        request_id=r["request_id"],
        division_code=r["division_code"],
        division_name=r["division_name"],
        commune_code=r["commune_code"],
        commune_name=r["commune_name"],
        contact_id=r["contact_id"],
        contact_name=r["contact_name"],
        topic=r["topic"],
        preferred_week=from_db_date(r["preferred_week"]),
        week_start=from_db_date(r["week_start"]),
        people=r["people"],
        status=r["status"],
        confirmed_by=r["confirmed_by"],
        confirmed_by_name=r["confirmed_by_name"],
        confirmed_by_phone=r["confirmed_by_phone"],
        confirmed_at=from_db_time(r["confirmed_at"]) if r["confirmed_at"] else None,
        place=r["place"],
        created_at=from_db_time(r["created_at"]),
        members=members,
    )


# Communes of contacts ----------------------------------------------------------------------


async def commune_of_contact(tx: Tx, person_id: int) -> Commune | None:
    """The commune this commune contact speaks for, if known."""
    row = await tx.one(
        "SELECT c.code, c.name, c.district, c.border FROM commune_contacts cc "
        "JOIN communes c ON c.code = cc.commune_code WHERE cc.person_id = ?",
        (person_id,),
    )
    if row is None:
        return None
    return Commune(row["code"], row["name"], row["district"], bool(row["border"]))


async def set_contact_commune(tx: Tx, person_id: int, commune_code: str) -> bool:
    """Record a contact's commune once (picked in the chat); False when one is already set."""
    changed = await tx.execute_count(
        "INSERT INTO commune_contacts (person_id, commune_code) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO NOTHING",
        (person_id, commune_code),
    )
    return changed == 1


async def put_contact_commune(tx: Tx, person_id: int, commune_code: str) -> None:
    """The admin's workbook sets (or changes) a contact's commune."""
    await tx.execute(
        "INSERT INTO commune_contacts (person_id, commune_code) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET commune_code = excluded.commune_code "
        "WHERE commune_contacts.commune_code IS NOT excluded.commune_code",
        (person_id, commune_code),
    )


@dataclass(frozen=True)
class CommuneClaim:
    """A contact's request, made in the chat, to speak for a commune; the admin confirms it."""

    person: Person
    commune: Commune
    claimed_at: datetime


async def claim_commune(tx: Tx, person_id: int, commune_code: str, now: datetime) -> None:
    """Record (or replace) a contact's claim; it grants nothing by itself."""
    await tx.execute(
        "INSERT INTO commune_claims (person_id, commune_code, claimed_at) VALUES (?, ?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET commune_code = excluded.commune_code, "
        "claimed_at = excluded.claimed_at",
        (person_id, commune_code, to_db_time(now)),
    )


async def commune_claims(tx: Tx, person_id: int | None = None) -> list[CommuneClaim]:
    """Claims waiting for the admin (one person's, or everyone's), oldest first."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS}, c.code AS c_code, c.name AS c_name, c.district AS c_district, "
        "c.border AS c_border, k.claimed_at FROM commune_claims k "
        "JOIN people p ON p.id = k.person_id JOIN communes c ON c.code = k.commune_code "
        "WHERE ? IS NULL OR k.person_id = ? ORDER BY k.claimed_at",
        (person_id, person_id),
    )
    return [
        CommuneClaim(
            person_from_row(r),
            Commune(r["c_code"], r["c_name"], r["c_district"], bool(r["c_border"])),
            from_db_time(r["claimed_at"]),
        )
        for r in rows
    ]


async def drop_commune_claim(tx: Tx, person_id: int) -> None:
    """Forget a person's claim (confirmed, or replaced by the admin's choice)."""
    await tx.execute("DELETE FROM commune_claims WHERE person_id = ?", (person_id,))


async def contacts(tx: Tx) -> list[tuple[Person, Commune]]:
    """Every commune contact with the commune the admin gave them, by commune then name."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS}, c.code AS c_code, c.name AS c_name, c.district AS c_district, "
        "c.border AS c_border FROM commune_contacts cc "
        "JOIN people p ON p.id = cc.person_id JOIN communes c ON c.code = cc.commune_code "
        "ORDER BY c.code, p.full_name",
    )
    return [
        (
            person_from_row(r),
            Commune(r["c_code"], r["c_name"], r["c_district"], bool(r["c_border"])),
        )
        for r in rows
    ]


# Capacity ----------------------------------------------------------------------------------


async def booked(
    tx: Tx, division_code: str, first: date, last: date, *, without: int | None = None
) -> dict[date, int]:
    """People placed or confirmed per week (Monday) for a division; `without` leaves a part out."""
    rows = await tx.all(
        "SELECT week_start, sum(people) FROM study_parts WHERE division_code = ? "
        "AND status IN ('waiting', 'confirmed') AND week_start BETWEEN ? AND ? "
        "AND id IS NOT ? GROUP BY week_start",
        (division_code, to_db_date(first), to_db_date(last), without),
    )
    return {from_db_date(r[0]): int(r[1]) for r in rows}


# Writing -----------------------------------------------------------------------------------


async def add_request(
    tx: Tx,
    *,
    commune_code: str,
    contact_id: int,
    topic: str,
    preferred_weeks: Sequence[date],
    participants: Sequence[tuple[str, str]],
    parts: Sequence[NewPart],
    now: datetime,
) -> tuple[int, list[int]]:
    """Store a request, its officials and one part per division; returns (id, part ids)."""
    request_id = await tx.execute(
        "INSERT INTO study_requests (commune_code, contact_id, topic, preferred_weeks, "
        "created_at) VALUES (?, ?, ?, ?, ?)",
        (
            commune_code,
            contact_id,
            topic,
            ";".join(to_db_date(w) for w in preferred_weeks),
            to_db_time(now),
        ),
    )
    participant_ids = []
    for position, (name, title) in enumerate(participants, start=1):
        participant_ids.append(
            await tx.execute(
                "INSERT INTO study_participants (request_id, position, full_name, job_title) "
                "VALUES (?, ?, ?, ?)",
                (request_id, position, name, title),
            )
        )
    part_ids = []
    for part in parts:
        part_id = await _insert_part(
            tx,
            request_id,
            part.division_code,
            part.preferred_week,
            part.week_start,
            participant_ids,
            now,
        )
        part_ids.append(part_id)
    return request_id, part_ids


async def _insert_part(
    tx: Tx,
    request_id: int,
    division_code: str,
    preferred: date,
    week: date,
    participant_ids: Sequence[int],
    now: datetime,
    *,
    confirmed_by: int | None = None,
    place: str = "",
) -> int:
    part_id = await tx.execute(
        "INSERT INTO study_parts (request_id, division_code, preferred_week, week_start, "
        "people, status, confirmed_by, confirmed_at, place, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request_id,
            division_code,
            to_db_date(preferred),
            to_db_date(week),
            len(participant_ids),
            "confirmed" if confirmed_by else "waiting",
            confirmed_by,
            to_db_time(now) if confirmed_by else None,
            place,
            to_db_time(now),
        ),
    )
    await tx.executemany(
        "INSERT INTO study_part_members (part_id, participant_id) VALUES (?, ?)",
        [(part_id, pid) for pid in participant_ids],
    )
    return part_id


async def confirm(tx: Tx, part_id: int, *, by: int, week: date, place: str, now: datetime) -> bool:
    """Confirm a waiting part for a week; False when someone else acted on it first."""
    changed = await tx.execute_count(
        "UPDATE study_parts SET status = 'confirmed', week_start = ?, confirmed_by = ?, "
        "confirmed_at = ?, place = ? WHERE id = ? AND status = 'waiting'",
        (to_db_date(week), by, to_db_time(now), place, part_id),
    )
    return changed == 1


async def split(
    tx: Tx,
    part: Part,
    plan: Sequence[tuple[date, int]],
    *,
    by: int,
    place: str,
    now: datetime,
) -> list[int] | None:
    """Confirm a waiting part split over weeks (officials in their listed order).

    The part keeps the first chunk; each further chunk becomes a confirmed part of the same
    request. None when someone else acted on the part first.
    """
    first_week, first_count = plan[0]
    keep = [m.id for m in part.members[:first_count]]
    changed = await tx.execute_count(
        "UPDATE study_parts SET status = 'confirmed', week_start = ?, people = ?, "
        "confirmed_by = ?, confirmed_at = ?, place = ? WHERE id = ? AND status = 'waiting'",
        (to_db_date(first_week), len(keep), by, to_db_time(now), place, part.id),
    )
    if changed != 1:
        return None
    await tx.execute(
        f"DELETE FROM study_part_members WHERE part_id = ? AND participant_id NOT IN "
        f"({', '.join('?' for _ in keep)})",
        (part.id, *keep),
    )
    ids, offset = [part.id], first_count
    for week, count in plan[1:]:
        chunk = [m.id for m in part.members[offset : offset + count]]
        offset += count
        ids.append(
            await _insert_part(
                tx,
                part.request_id,
                part.division_code,
                part.preferred_week,
                week,
                chunk,
                now,
                confirmed_by=by,
                place=place,
            )
        )
    return ids


# Reading -----------------------------------------------------------------------------------


async def part_by_id(tx: Tx, part_id: int) -> Part | None:
    """One part with its request, division, commune and officials."""
    found = await _parts(tx, "WHERE sp.id = ?", (part_id,))
    return found[0] if found else None


async def parts_of_request(tx: Tx, request_id: int) -> list[Part]:
    """Every part of a request, by division then week."""
    return await _parts(
        tx, "WHERE sp.request_id = ? ORDER BY sp.division_code, sp.week_start, sp.id", (request_id,)
    )


async def request_commune(tx: Tx, request_id: int) -> str | None:
    """The commune code of a request, None when there is no such request."""
    value = await tx.value("SELECT commune_code FROM study_requests WHERE id = ?", (request_id,))
    return None if value is None else str(value)


async def request_participants(tx: Tx, request_id: int) -> list[Participant]:
    """The officials of a request in the order they were listed."""
    rows = await tx.all(
        "SELECT id, full_name, job_title FROM study_participants WHERE request_id = ? "
        "ORDER BY position",
        (request_id,),
    )
    return [Participant(r[0], r[1], r[2]) for r in rows]


async def commune_parts(tx: Tx, commune_code: str, limit: int = 30) -> list[Part]:
    """The parts of a commune's latest requests, newest request first."""
    return await _parts(
        tx,
        "WHERE r.id IN (SELECT id FROM study_requests WHERE commune_code = ? ORDER BY id DESC "
        "LIMIT ?) ORDER BY sp.request_id DESC, sp.division_code, sp.week_start, sp.id",
        (commune_code, limit),
    )


async def parts_between(
    tx: Tx, first: date, last: date, division_codes: Sequence[str] | None = None
) -> list[Part]:
    """Live parts in weeks starting from `first` to `last`, optionally of some divisions only."""
    where = "WHERE sp.status IN ('waiting', 'confirmed') AND sp.week_start BETWEEN ? AND ? "
    params: list[object] = [to_db_date(first), to_db_date(last)]
    if division_codes is not None:
        if not division_codes:
            return []
        where += f"AND sp.division_code IN ({', '.join('?' for _ in division_codes)}) "
        params += list(division_codes)
    return await _parts(
        tx, where + "ORDER BY sp.week_start, sp.division_code, sp.request_id, sp.id", params
    )


async def confirmed_starting(tx: Tx, first: date, last: date) -> list[Part]:
    """Confirmed parts whose week starts from `first` to `last` (for reminders)."""
    return await _parts(
        tx,
        "WHERE sp.status = 'confirmed' AND sp.week_start BETWEEN ? AND ? ORDER BY sp.id",
        (to_db_date(first), to_db_date(last)),
    )


async def supervised_divisions(tx: Tx, person_id: int) -> list[str] | None:
    """Division codes a supervisor heads; None for leadership (every division)."""
    row = await tx.one(
        "SELECT supervises_all FROM people WHERE id = ? AND active = 1", (person_id,)
    )
    if row is None:
        return []
    if row[0]:
        return None
    rows = await tx.all(
        "SELECT division_code FROM supervised_divisions WHERE person_id = ? ORDER BY division_code",
        (person_id,),
    )
    return [r[0] for r in rows]


async def contact_communes(tx: Tx) -> dict[int, str]:
    """Every contact's commune code, by person id (export-org writes them back)."""
    rows = await tx.all("SELECT person_id, commune_code FROM commune_contacts")
    return {int(r[0]): str(r[1]) for r in rows}
