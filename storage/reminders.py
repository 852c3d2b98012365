"""Who may need a reminder today, and difficulties waiting for a first response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from storage.db import Tx
from storage.difficulties import open_difficulties_awaiting_response
from storage.timefmt import to_db_date

__all__ = ["ReminderFacts", "officials_without_entry_on", "open_difficulties_awaiting_response"]


@dataclass(frozen=True)
class ReminderFacts:
    """An official expected to report on a day who has not: their preferences and what was sent."""

    person_id: int
    full_name: str
    language: str | None
    reminder_time: time | None
    paused_until: date | None
    sent_slots: frozenset[str]
    # "anh" or "chị" when the workbook says (migration 0016); None: "anh/chị".
    address_form: str | None = None


async def officials_without_entry_on(tx: Tx, day: date) -> list[ReminderFacts]:
    """Active officials assigned on `day`, not on leave, with no entry for `day` yet."""
    iso = to_db_date(day)
    rows = await tx.all(
        "SELECT p.id, p.full_name, p.language, p.address_form, rp.reminder_time, rp.paused_until, "
        "EXISTS (SELECT 1 FROM outbox o WHERE o.key = 'reminder:' || p.id || ':' || :day "
        "|| ':first') AS sent_first, "
        "EXISTS (SELECT 1 FROM outbox o WHERE o.key = 'reminder:' || p.id || ':' || :day "
        "|| ':followup') AS sent_followup "
        "FROM people p LEFT JOIN reminder_prefs rp ON rp.person_id = p.id "
        "WHERE p.role = 'official' AND p.active = 1 "
        "AND EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = p.id "
        "AND a.start_date <= :day AND a.end_date >= :day) "
        "AND NOT EXISTS (SELECT 1 FROM leaves l WHERE l.person_id = p.id "
        "AND l.cancelled_at IS NULL AND l.start_date <= :day AND l.end_date >= :day) "
        "AND NOT EXISTS (SELECT 1 FROM work_logs w WHERE w.person_id = p.id "
        "AND w.work_date = :day AND w.deleted_at IS NULL) "
        "ORDER BY p.id",
        {"day": iso},
    )
    return [
        ReminderFacts(
            person_id=r["id"],
            full_name=r["full_name"],
            language=r["language"],
            address_form=r["address_form"],
            reminder_time=time.fromisoformat(r["reminder_time"]) if r["reminder_time"] else None,
            paused_until=date.fromisoformat(r["paused_until"]) if r["paused_until"] else None,
            sent_slots=frozenset(
                slot
                for slot, sent in (("first", r["sent_first"]), ("followup", r["sent_followup"]))
                if sent
            ),
        )
        for r in rows
    ]
