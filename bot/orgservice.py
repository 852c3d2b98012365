"""Admin operations on the organisation: import the workbook, make invites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.orgbook import KnownOrg, check_org, read_sheets
from bot.person_lookup import people_named
from handlers.onboarding.start import hash_code, new_invite_code
from storage import audit, invites, org
from storage.db import Database
from storage.models import Person
from storage.org_import import apply_org, known_codes, known_commune_names, known_person_keys


class ImportRejected(Exception):
    """The workbook has bad rows; nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} lỗi")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    changed_rows: int
    counts: dict[str, int]


async def import_org(db: Database, path: Path, now: datetime, actor: str = "cli") -> ImportResult:
    """Import the organisation workbook all-or-nothing; raises ImportRejected with every bad row."""
    sheets = read_sheets(path)
    async with db.transaction() as tx:
        divisions, communes, waves = await known_codes(tx)
        known = KnownOrg(
            frozenset(divisions),
            frozenset(communes),
            frozenset(waves),
            await known_person_keys(tx),
            tuple(await known_commune_names(tx)),
        )
        data, problems = check_org(sheets, known)
        if problems:
            raise ImportRejected(problems)
        changed = await apply_org(tx, data, now)
        await audit.add_audit(
            tx, at=now, actor=actor, action="import_org", subject=path.name, detail=f"{changed}"
        )
        counts = await org.count_rows(tx)
    return ImportResult(changed, counts)


class PersonNotFound(Exception):
    """No single person answers to the given name or phone."""

    def __init__(self, query: str, matches: list[Person]) -> None:
        super().__init__(query)
        self.query = query
        self.matches = matches


@dataclass(frozen=True)
class NewInvite:
    """A freshly made invite: the code is shown once and stored only hashed."""

    person: Person
    code: str
    expires_at: datetime


async def create_invite(
    db: Database,
    query: str,
    now: datetime,
    ttl: timedelta,
    actor: str = "cli",
    *,
    key: bytes = b"",
) -> NewInvite:
    """Make a single-use invite code for the one person with this full name or phone.

    Their older unused invites stop working. `key` is the server's secret key (the router's
    `HandlerConfig.invite_key` must be the same).
    """
    async with db.transaction() as tx:
        matches = await people_named(tx, query)
        if len(matches) != 1:
            raise PersonNotFound(query, matches)
        person = matches[0]
        code = new_invite_code()
        expires = now + ttl
        await invites.add_invite(
            tx, person_id=person.id, code_hash=hash_code(code, key), now=now, expires_at=expires
        )
        await audit.add_audit(
            tx, at=now, actor=actor, action="invite", subject=f"person:{person.id}"
        )
    return NewInvite(person, code, expires)
