"""Outcomes of working-group visits and their follow-up items (việc cần theo dõi, TCT-0001)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Row, Tx
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time
from storage.visits import VISIT_SELECT, VisitInfo, visit_from_row
from storage.worklog import NewAttachment, add_attachment

# The owner kinds of a progress note's and an outcome's photos in the `attachments` table.
NOTE_FILES = "wg_followup_note"
OUTCOME_FILES = "wg_visit_outcome"


def reference(followup_id: int) -> str:
    """TCT-0007 for id 7 (tổ công tác)."""
    return f"TCT-{followup_id:04d}"


@dataclass(frozen=True)
class FollowUp:
    """One follow-up item with its visit, owner and state."""

    id: int
    visit_id: int
    group_id: int
    group_name: str
    leader_id: int | None
    commune_code: str
    commune_name: str
    visit_day: date
    text: str
    owner_kind: str  # commune, person, division
    owner_code: str | None  # commune or division code
    owner_person_id: int | None
    owner_name: str  # commune name, full name or division name
    due: date
    status: str  # open, done
    created_at: datetime
    done_by_name: str
    done_at: datetime | None
    last_note: str

    @property
    def reference(self) -> str:
        """The number people quote: TCT-0001."""
        return reference(self.id)


@dataclass(frozen=True)
class NewFollowUp:
    """A follow-up item to store with an outcome."""

    text: str
    owner_kind: str
    owner_code: str | None
    owner_person_id: int | None
    due: date


@dataclass(frozen=True)
class FollowUpNote:
    """A progress note or the closing step."""

    person_name: str
    kind: str
    text: str
    at: datetime
    files: int = 0


async def record_outcome(
    tx: Tx,
    visit_id: int,
    *,
    reviewed: str,
    findings: str,
    by: int,
    now: datetime,
    items: list[NewFollowUp],
) -> list[int] | None:
    """Store the outcome and its follow-ups; None when an outcome was recorded meanwhile."""
    changed = await tx.execute_count(
        "UPDATE wg_visits SET status = 'done', reviewed = ?, findings = ?, outcome_by = ?, "
        "outcome_at = ? WHERE id = ? AND status = 'planned'",
        (reviewed, findings, by, to_db_time(now), visit_id),
    )
    if changed != 1:
        return None
    ids = []
    for item in items:
        ids.append(
            await tx.execute(
                "INSERT INTO wg_followups (visit_id, text, owner_kind, owner_commune, "
                "owner_person, owner_division, due_date, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    visit_id,
                    item.text,
                    item.owner_kind,
                    item.owner_code if item.owner_kind == "commune" else None,
                    item.owner_person_id,
                    item.owner_code if item.owner_kind == "division" else None,
                    to_db_date(item.due),
                    by,
                    to_db_time(now),
                ),
            )
        )
    return ids


_FOLLOWUP = (
    "SELECT f.id, f.visit_id, v.group_id, g.name AS group_name, g.leader_id, v.commune_code, "
    "c.name AS commune_name, v.visit_date, f.text, f.owner_kind, "
    "coalesce(f.owner_commune, f.owner_division) AS owner_code, f.owner_person, "
    "coalesce(oc.name, op.full_name, od.name, '') AS owner_name, f.due_date, f.status, "
    "f.created_at, coalesce(db.full_name, '') AS done_by_name, f.done_at, "
    "coalesce((SELECT n.text FROM wg_followup_notes n WHERE n.followup_id = f.id "
    "AND n.kind = 'progress' ORDER BY n.id DESC LIMIT 1), '') AS last_note "
    "FROM wg_followups f JOIN wg_visits v ON v.id = f.visit_id "
    "JOIN working_groups g ON g.id = v.group_id JOIN communes c ON c.code = v.commune_code "
    "LEFT JOIN communes oc ON oc.code = f.owner_commune "
    "LEFT JOIN people op ON op.id = f.owner_person "
    "LEFT JOIN divisions od ON od.code = f.owner_division "
    "LEFT JOIN people db ON db.id = f.done_by "
)


def _followup(r: Row) -> FollowUp:
    return FollowUp(
        id=r["id"],
        visit_id=r["visit_id"],
        group_id=r["group_id"],
        group_name=r["group_name"],
        leader_id=r["leader_id"],
        commune_code=r["commune_code"],
        commune_name=r["commune_name"],
        visit_day=from_db_date(r["visit_date"]),
        text=r["text"],
        owner_kind=r["owner_kind"],
        owner_code=r["owner_code"],
        owner_person_id=r["owner_person"],
        owner_name=r["owner_name"],
        due=from_db_date(r["due_date"]),
        status=r["status"],
        created_at=from_db_time(r["created_at"]),
        done_by_name=r["done_by_name"],
        done_at=from_db_time(r["done_at"]) if r["done_at"] else None,
        last_note=r["last_note"],
    )


async def followup_by_id(tx: Tx, followup_id: int) -> FollowUp | None:
    """The follow-up item with this id."""
    row = await tx.one(_FOLLOWUP + "WHERE f.id = ?", (followup_id,))
    return None if row is None else _followup(row)


async def followups_of_visit(tx: Tx, visit_id: int) -> list[FollowUp]:
    """The follow-ups of one visit, in the order they were recorded."""
    rows = await tx.all(_FOLLOWUP + "WHERE f.visit_id = ? ORDER BY f.id", (visit_id,))
    return [_followup(r) for r in rows]


# Who a follow-up concerns besides its group: the seconded officials assigned today to the
# visited (or owning) commune, the owning commune's contact, the owner, and the heads of the
# owning division or of the division of the owning person. Used by the /tocongtac list;
# may_act in handlers/visits/followups.py agrees.
_CONCERNS = (
    "OR f.owner_person = :me "
    "OR EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = :me "
    "AND a.commune_code IN (v.commune_code, f.owner_commune) AND a.start_date <= :today "
    "AND a.end_date >= :today) "
    "OR EXISTS (SELECT 1 FROM commune_contacts cc WHERE cc.person_id = :me "
    "AND cc.commune_code = f.owner_commune) "
)
# A supervisor heads the division concerned: the owning division, or the owning person's.
_HEADS = (
    "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = :me "
    "AND s.division_code IN (f.owner_division, op.division_code)) "
)


async def open_followups_concerning(tx: Tx, person_id: int, today: date) -> list[FollowUp]:
    """Open follow-ups this person may act on: of their groups, of visits to a commune they
    are assigned to today, of the commune they speak for, owned by them, by a division they
    head or by one of its people, or all of them for department leadership; soonest due
    first."""
    rows = await tx.all(
        _FOLLOWUP + "JOIN people me ON me.id = :me WHERE f.status = 'open' AND ("
        "me.supervises_all = 1 OR g.leader_id = :me "
        "OR EXISTS (SELECT 1 FROM working_group_members m WHERE m.group_id = g.id "
        "AND m.person_id = :me) " + _CONCERNS + _HEADS + ") ORDER BY f.due_date, f.id",
        {"me": person_id, "today": to_db_date(today)},
    )
    return [_followup(r) for r in rows]


async def open_followups_for_supervisor(tx: Tx, supervisor_id: int) -> list[FollowUp]:
    """Open follow-ups in a supervisor's digest: of the groups they lead, owned by a division
    they head or by one of its people, or everything for department leadership; soonest due
    first."""
    rows = await tx.all(
        _FOLLOWUP + "JOIN people me ON me.id = :me WHERE f.status = 'open' AND ("
        "me.supervises_all = 1 OR g.leader_id = me.id " + _HEADS + ") "
        "ORDER BY f.due_date, f.id",
        {"me": supervisor_id},
    )
    return [_followup(r) for r in rows]


async def heads_division_concerned(tx: Tx, person_id: int, followup_id: int) -> bool:
    """Whether the person heads the owning division, or the division of the owning person."""
    found = await tx.value(
        "SELECT 1 FROM wg_followups f LEFT JOIN people op ON op.id = f.owner_person "
        "JOIN supervised_divisions s ON s.person_id = ? "
        "AND s.division_code IN (f.owner_division, op.division_code) WHERE f.id = ?",
        (person_id, followup_id),
    )
    return found is not None


async def is_group_member(tx: Tx, group_id: int, person_id: int) -> bool:
    """Whether the person is a member of this working group."""
    found = await tx.value(
        "SELECT 1 FROM working_group_members WHERE group_id = ? AND person_id = ?",
        (group_id, person_id),
    )
    return found is not None


async def is_assigned_to(tx: Tx, person_id: int, commune_code: str, day: date) -> bool:
    """Whether the person has an assignment to this commune covering this day."""
    found = await tx.value(
        "SELECT 1 FROM assignments WHERE person_id = ? AND commune_code = ? "
        "AND start_date <= ? AND end_date >= ?",
        (person_id, commune_code, to_db_date(day), to_db_date(day)),
    )
    return found is not None


async def is_contact_of(tx: Tx, person_id: int, commune_code: str) -> bool:
    """Whether the person is the commune contact (UBND) of this commune."""
    found = await tx.value(
        "SELECT 1 FROM commune_contacts WHERE person_id = ? AND commune_code = ?",
        (person_id, commune_code),
    )
    return found is not None


async def heads_division(tx: Tx, person_id: int, division_code: str) -> bool:
    """Whether the person heads this division."""
    found = await tx.value(
        "SELECT 1 FROM supervised_divisions WHERE person_id = ? AND division_code = ?",
        (person_id, division_code),
    )
    return found is not None


async def mark_done(tx: Tx, followup_id: int, by: int, now: datetime) -> bool:
    """Close an open follow-up; False when it was closed meanwhile."""
    changed = await tx.execute_count(
        "UPDATE wg_followups SET status = 'done', done_by = ?, done_at = ? "
        "WHERE id = ? AND status = 'open'",
        (by, to_db_time(now), followup_id),
    )
    if changed == 1:
        await add_note(tx, followup_id, by, "done", "", now)
    return changed == 1


async def add_note(
    tx: Tx, followup_id: int, person_id: int, kind: str, text: str, now: datetime
) -> int:
    """Record a progress note (or the closing step); returns its id."""
    return await tx.execute(
        "INSERT INTO wg_followup_notes (followup_id, person_id, kind, text, at) "
        "VALUES (?, ?, ?, ?, ?)",
        (followup_id, person_id, kind, text, to_db_time(now)),
    )


async def attach_to_note(
    tx: Tx, note_id: int, channel: str, files: list[NewAttachment], now: datetime
) -> None:
    """Keep the photos and files sent with a progress note (the channel's file ids)."""
    for item in files:
        await add_attachment(tx, NOTE_FILES, note_id, channel, item, now)


async def attach_to_visit(
    tx: Tx, visit_id: int, channel: str, files: list[NewAttachment], now: datetime
) -> None:
    """Keep the photos and files sent while recording a visit's outcome."""
    for item in files:
        await add_attachment(tx, OUTCOME_FILES, visit_id, channel, item, now)


async def notes_of(tx: Tx, followup_id: int) -> list[FollowUpNote]:
    """Every note of a follow-up with how many photos or files came with it, oldest first."""
    rows = await tx.all(
        "SELECT p.full_name, n.kind, n.text, n.at, (SELECT count(*) FROM attachments a "
        "WHERE a.owner_kind = ? AND a.owner_id = n.id) FROM wg_followup_notes n "
        "JOIN people p ON p.id = n.person_id WHERE n.followup_id = ? ORDER BY n.id",
        (NOTE_FILES, followup_id),
    )
    return [FollowUpNote(r[0], r[1], r[2], from_db_time(r[3]), int(r[4])) for r in rows]


# The export's `Tổ công tác` sheet ------------------------------------------------------------

_FOLLOWUP_SCOPE = (
    "(:me IS NULL OR me.supervises_all = 1 OR g.leader_id = me.id "
    "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = me.id "
    "AND s.division_code = f.owner_division)) "
    "AND (:division IS NULL OR f.owner_division = :division) "
    "AND (:person IS NULL OR f.owner_person = :person)"
)


async def export_rows(
    tx: Tx,
    *,
    supervisor_id: int | None,
    division: str | None,
    commune: str | None,
    person: int | None,
    first: date,
    last: date,
    start: datetime,
    end: datetime,
) -> list[tuple[VisitInfo, tuple[str, ...], list[FollowUp]]]:
    """Visits in scope on a day of first..last, or with a follow-up in scope open at some time
    in [start, end); each with the names of those who went and its follow-ups in scope.

    Scope: everything (no supervisor), or the groups the supervisor leads, the items owned by
    a division they head, everything for leadership; narrowed by division (items it owns),
    commune (visits there) and person (visits they went on, items they own).
    """
    params = {
        "me": supervisor_id,
        "division": division,
        "commune": commune,
        "person": person,
        "first": to_db_date(first),
        "last": to_db_date(last),
        "start": to_db_time(start),
        "end": to_db_time(end),
    }
    item_rows = await tx.all(
        _FOLLOWUP + "LEFT JOIN people me ON me.id = :me WHERE "
        f"{_FOLLOWUP_SCOPE} AND (:commune IS NULL OR v.commune_code = :commune) AND "
        "((v.visit_date >= :first AND v.visit_date <= :last) OR (f.created_at < :end "
        "AND (f.done_at IS NULL OR f.done_at >= :start))) ORDER BY f.visit_id, f.id",
        params,
    )
    items: dict[int, list[FollowUp]] = {}
    for r in item_rows:
        items.setdefault(r["visit_id"], []).append(_followup(r))
    # A visit without items in scope is listed when the supervisor leads its group (or sees
    # everything) and no division narrows the export to items.
    visit_rows = await tx.all(
        VISIT_SELECT + "LEFT JOIN people me ON me.id = :me WHERE "
        "(:commune IS NULL OR v.commune_code = :commune) AND v.status != 'cancelled' AND ("
        "(v.visit_date >= :first AND v.visit_date <= :last AND :division IS NULL "
        "AND (:me IS NULL OR me.supervises_all = 1 OR g.leader_id = me.id) "
        "AND (:person IS NULL OR g.leader_id = :person OR EXISTS (SELECT 1 FROM "
        "wg_visit_members m WHERE m.visit_id = v.id AND m.person_id = :person))) "
        f"OR v.id IN ({', '.join(str(int(i)) for i in items) or 'NULL'})) "
        "ORDER BY v.visit_date, v.id",
        params,
    )
    found = [visit_from_row(r) for r in visit_rows]
    names: dict[int, list[str]] = {}
    if found:
        marks = ", ".join(str(v.id) for v in found)
        for r in await tx.all(
            "SELECT m.visit_id, p.full_name FROM wg_visit_members m JOIN people p "
            f"ON p.id = m.person_id WHERE m.visit_id IN ({marks}) ORDER BY p.full_name",
        ):
            names.setdefault(r[0], []).append(r[1])
    return [(v, tuple(names.get(v.id, [])), items.get(v.id, [])) for v in found]
