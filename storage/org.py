"""The organisation: divisions, communes, people, identities, waves, assignments, groups."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from storage.db import Row, Tx
from storage.models import Commune, Person, Role
from storage.timefmt import to_db_date, to_db_time

# Qualified with the alias `p`, so queries may join other tables.
PERSON_COLUMNS = (
    "p.id, p.full_name, p.role, p.division_code, p.phone, p.supervises_all, p.language, p.active, "
    "p.address_form"
)


def person_from_row(row: Row) -> Person:
    """A Person from a row selected with PERSON_COLUMNS."""
    return Person(
        id=row["id"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        division_code=row["division_code"],
        phone=row["phone"],
        supervises_all=bool(row["supervises_all"]),
        language=row["language"],
        active=bool(row["active"]),
        address_form=row["address_form"],
    )


def commune_from_row(row: Row) -> Commune:
    """A Commune from a row with code, name, district and border."""
    return Commune(
        code=row["code"], name=row["name"], district=row["district"], border=bool(row["border"])
    )


async def person_by_id(tx: Tx, person_id: int) -> Person | None:
    """The person with this id."""
    row = await tx.one(f"SELECT {PERSON_COLUMNS} FROM people p WHERE id = ?", (person_id,))
    return None if row is None else person_from_row(row)


async def person_by_identity(tx: Tx, channel: str, user_id: str) -> Person | None:
    """The active person linked to this chat account."""
    row = await tx.one(
        f"SELECT {PERSON_COLUMNS} "
        "FROM channel_identities i JOIN people p ON p.id = i.person_id "
        "WHERE i.channel = ? AND i.user_id = ? AND p.active = 1",
        (channel, user_id),
    )
    return None if row is None else person_from_row(row)


async def identify(
    tx: Tx, channel: str, user_id: str, now: datetime, *, refresh: timedelta
) -> Person | None:
    """The active person behind a chat account; notes that the account is in use.

    `last_seen_at` decides which channel reaches a person, so it is refreshed, but only when
    older than `refresh`, to spare a write on every message.
    """
    row = await tx.one(
        f"SELECT {PERSON_COLUMNS}, i.last_seen_at, i.unreachable_at "
        "FROM channel_identities i JOIN people p ON p.id = i.person_id "
        "WHERE i.channel = ? AND i.user_id = ? AND p.active = 1",
        (channel, user_id),
    )
    if row is None:
        return None
    if row["unreachable_at"] is not None or row["last_seen_at"] < to_db_time(now - refresh):
        await touch_identity(tx, channel, user_id, now)
    return person_from_row(row)


async def people_matching(tx: Tx, name_or_phone: str) -> list[Person]:
    """People whose full name (case-insensitive) or phone equals the given text."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM people p "
        "WHERE casefold(full_name) = casefold(?) OR phone = ? ORDER BY id",
        (name_or_phone.strip(), name_or_phone.strip()),
    )
    return [person_from_row(r) for r in rows]


async def people_with_phone(tx: Tx, phone: str) -> list[Person]:
    """Active people with exactly this (normalised) phone number."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM people p WHERE phone = ? AND active = 1", (phone,)
    )
    return [person_from_row(r) for r in rows]


async def all_people(tx: Tx) -> list[Person]:
    """Everyone, in id order."""
    return [
        person_from_row(r)
        for r in await tx.all(f"SELECT {PERSON_COLUMNS} FROM people p ORDER BY id")
    ]


async def communes_of_person_on(tx: Tx, person_id: int, day: date) -> list[Commune]:
    """The communes where the person is assigned on this day."""
    rows = await tx.all(
        "SELECT DISTINCT c.code, c.name, c.district, c.border FROM assignments a "
        "JOIN communes c ON c.code = a.commune_code "
        "WHERE a.person_id = ? AND a.start_date <= ? AND a.end_date >= ? ORDER BY c.name",
        (person_id, to_db_date(day), to_db_date(day)),
    )
    return [commune_from_row(r) for r in rows]


async def current_and_next_communes(tx: Tx, person_id: int, today: date) -> list[Commune]:
    """Communes of assignments that have not ended yet (for greetings)."""
    rows = await tx.all(
        "SELECT c.code, c.name, c.district, c.border FROM assignments a "
        "JOIN communes c ON c.code = a.commune_code WHERE a.person_id = ? AND a.end_date >= ? "
        "GROUP BY c.code, c.name, c.district, c.border ORDER BY min(a.start_date), c.name",
        (person_id, to_db_date(today)),
    )
    return [commune_from_row(r) for r in rows]


async def assignment_span(tx: Tx, person_id: int) -> tuple[date, date] | None:
    """The first start and last end over all the person's assignments."""
    row = await tx.one(
        "SELECT min(start_date) AS s, max(end_date) AS e FROM assignments WHERE person_id = ?",
        (person_id,),
    )
    if row is None or row["s"] is None:
        return None
    return date.fromisoformat(row["s"]), date.fromisoformat(row["e"])


async def commune_by_code(tx: Tx, code: str) -> Commune | None:
    """The commune with this code."""
    row = await tx.one("SELECT code, name, district, border FROM communes WHERE code = ?", (code,))
    return None if row is None else commune_from_row(row)


async def all_communes(tx: Tx) -> list[Commune]:
    """Every commune, by code."""
    rows = await tx.all("SELECT code, name, district, border FROM communes ORDER BY code")
    return [commune_from_row(r) for r in rows]


async def divisions(tx: Tx) -> list[tuple[str, str]]:
    """Every division as (code, name), by code."""
    return [(r[0], r[1]) for r in await tx.all("SELECT code, name FROM divisions ORDER BY code")]


async def division_heads(tx: Tx, division_code: str) -> list[Person]:
    """The active heads of a division (its code in their `supervises`; leadership not counted)."""
    rows = await tx.all(
        f"SELECT {PERSON_COLUMNS} FROM supervised_divisions s JOIN people p "
        "ON p.id = s.person_id WHERE s.division_code = ? AND p.active = 1 ORDER BY p.id",
        (division_code,),
    )
    return [person_from_row(r) for r in rows]


async def link_identity(
    tx: Tx,
    *,
    channel: str,
    user_id: str,
    chat_id: str,
    person_id: int,
    display_name: str,
    now: datetime,
) -> None:
    """Link a chat account to a person (re-linking the same account updates it)."""
    await tx.execute(
        "INSERT INTO channel_identities "
        "(channel, user_id, person_id, chat_id, display_name, linked_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (channel, user_id) DO UPDATE SET person_id = excluded.person_id, "
        "chat_id = excluded.chat_id, display_name = excluded.display_name, "
        "last_seen_at = excluded.last_seen_at",
        (channel, user_id, person_id, chat_id, display_name, to_db_time(now), to_db_time(now)),
    )


async def identity_person_id(tx: Tx, channel: str, user_id: str) -> int | None:
    """The person this chat account is linked to, active or not."""
    value = await tx.value(
        "SELECT person_id FROM channel_identities WHERE channel = ? AND user_id = ?",
        (channel, user_id),
    )
    return None if value is None else int(value)


async def count_rows(tx: Tx) -> dict[str, int]:
    """How many rows each organisation table holds (for import summaries)."""
    counts: dict[str, int] = {}
    for table in (
        "divisions",
        "communes",
        "people",
        "waves",
        "assignments",
        "working_groups",
        "calendar_days",
    ):
        counts[table] = int(await tx.value(f"SELECT count(*) FROM {table}"))
    return counts


async def touch_identity(tx: Tx, channel: str, user_id: str, now: datetime) -> None:
    """The person wrote from this account: it is the one to reach them on, and it works."""
    await tx.execute(
        "UPDATE channel_identities SET last_seen_at = ?, unreachable_at = NULL "
        "WHERE channel = ? AND user_id = ?",
        (to_db_time(now), channel, user_id),
    )
