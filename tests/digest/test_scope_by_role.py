"""The digests' reads hold only the supervisor's own branches of the scope (storage.digest): for
every kind of supervisor they return exactly what the statement with every branch returns."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from storage import Database, difficulties, digest, leave, org, worklog
from storage.digest import ScopeRoles
from storage.org_import import OrgData, PersonRow, WorkingGroupRow, apply_org, resolve_person
from tests.chat import local
from tests.helpers.sample import AN, LAN, LONG

pytestmark = pytest.mark.both_backends

DAY = date(2026, 11, 25)  # a Wednesday in Đợt 2
TOAN = "Mai Văn Toàn"  # leads a working group, heads no division (added here)
DUC = "Phan Văn Đức"  # heads TCBC and leads a group over An's commune (An is XDCQ; added here)
HOA = "Phan Thị Hoa"  # heads CCHC, leads no group (added here)
UYEN = "Lâm Thị Uyên"  # admin: oversees nothing, but a difficulty is forwarded to her


async def _department(db: Database) -> None:
    """The sample organisation plus a supervisor of each kind it lacks, an entry for every
    official on DAY at each of their communes, leave, and difficulties (one forwarded)."""
    extra = OrgData(
        people=[
            PersonRow(TOAN, "supervisor", None, "0900000199"),
            PersonRow(DUC, "supervisor", None, "0900000198", supervises=("TCBC",)),
            PersonRow(HOA, "supervisor", None, "0900000197", supervises=("CCHC",)),
        ],
        working_groups=[
            WorkingGroupRow("Tổ công tác số 4", TOAN, (), ("XA08", "XA16")),
            WorkingGroupRow("Tổ công tác số 5", DUC, (), ("XA01",)),
        ],
    )
    now = local("2026-11-25 17:00")
    async with db.transaction() as tx:
        await apply_org(tx, extra, local("2026-11-20 07:00"))
        for person in await org.all_people(tx):
            if person.role != "official":
                continue
            for commune in await org.communes_of_person_on(tx, person.id, DAY):
                await worklog.add_work_log(
                    tx,
                    person_id=person.id,
                    commune_code=commune.code,
                    work_date=DAY,
                    topic="khac",
                    text=f"{person.full_name} tại {commune.name}",
                    channel="telegram",
                    sent_at=now,
                    now=now,
                )
        await leave.add_leave(tx, await resolve_person(tx, LAN), DAY, DAY, "ốm", now)
        uyen = await resolve_person(tx, UYEN)
        for name in (AN, LAN, LONG):
            reporter = await resolve_person(tx, name)
            [commune, *_] = await org.communes_of_person_on(tx, reporter, DAY)
            found = await org.person_by_id(tx, reporter)
            assert found is not None
            raised = await difficulties.add_difficulty(
                tx,
                reporter_id=reporter,
                commune_code=commune.code,
                division_code=found.division_code,
                topic="khac",
                kind="difficulty",
                urgency="urgent",
                description=f"Vướng mắc của {name}",
                now=now,
                first_response_due=now + timedelta(days=1),
                resolution_due=now + timedelta(days=5),
            )
        assert await difficulties.change_status(
            tx,
            raised,
            expected="new",
            to="forwarded",
            now=now,
            first_response=True,
            assignee_id=uyen,
        )


async def _reads(db: Database, person_id: int) -> list[Any]:
    """Everything the digests read for one supervisor, around DAY."""
    start, end = local("2026-11-25 00:00"), local("2026-11-26 00:00")
    week = DAY - timedelta(days=DAY.weekday())
    async with db.read() as tx:
        return [
            await digest.officials_in_scope(tx, person_id, DAY),
            await digest.entries_on(tx, person_id, DAY),
            await digest.unreachable_officials(tx, person_id, DAY),
            await digest.assignments_in_scope(tx, person_id, week, DAY),
            await digest.leaves_in_scope(tx, person_id, week, DAY),
            sorted(await digest.entry_tallies(tx, person_id, week, DAY), key=repr),
            await digest.difficulties_raised_between(tx, person_id, start, end),
            await digest.difficulties_with_status(tx, person_id, ["new", "forwarded"]),
        ]


async def test_each_kind_of_supervisor_reads_what_every_branch_would_give(
    org_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _department(org_db)
    async with org_db.read() as tx:
        people = [p.id for p in await org.all_people(tx)]
        roles = {p: await digest.scope_roles(tx, p) for p in people}
    # Every kind is here: leadership, divisions only, a group only, both, and nobody.
    assert set(roles.values()) >= {
        ScopeRoles(supervises_all=True, heads_divisions=False, leads_groups=True),
        ScopeRoles(supervises_all=False, heads_divisions=True, leads_groups=False),
        ScopeRoles(supervises_all=False, heads_divisions=False, leads_groups=True),
        ScopeRoles(supervises_all=False, heads_divisions=True, leads_groups=True),
        ScopeRoles(supervises_all=False, heads_divisions=False, leads_groups=False),
    }
    by_role = {p: await _reads(org_db, p) for p in people}
    # The same reads with the statements that carry every branch (the web pages' form).
    monkeypatch.setattr(digest, "scope_assignments_for", lambda _: digest.SCOPE_ASSIGNMENTS)
    monkeypatch.setattr(
        digest,
        "scoped_difficulties_for",
        lambda _, condition: digest.scoped_difficulties(condition),
    )
    every_branch = {p: await _reads(org_db, p) for p in people}
    for p in people:
        assert by_role[p] == every_branch[p], (p, roles[p])
    # Not vacuous: a supervisor sees entries and difficulties, the admin only the forwarded one.
    async with org_db.read() as tx:
        uyen = await resolve_person(tx, UYEN)
    assert [len(r) for r in by_role[uyen]] == [0, 0, 0, 0, 0, 0, 1, 1]
    assert all(len(by_role[p][1]) > 0 for p in people if roles[p].supervises_all)
    async with org_db.read() as tx:
        duc, an = await resolve_person(tx, DUC), await resolve_person(tx, AN)
    assert an in {o.person_id for o in by_role[duc][0]}  # through his group, not his division


async def test_someone_who_oversees_nothing_gets_empty_reads(org_db: Database) -> None:
    await _department(org_db)
    async with org_db.read() as tx:
        an = await resolve_person(tx, AN)
        assert await digest.scope_roles(tx, an) == ScopeRoles(False, False, False)
        assert await digest.scope_roles(tx, 999_999) == ScopeRoles(False, False, False)
    assert all(not r for r in await _reads(org_db, an))
