"""Follow-up items of working-group visits (việc cần theo dõi, TCT-0001): card, progress, done."""

from __future__ import annotations

import re
from datetime import date

from handlers.core.dates import format_day
from handlers.core.dayoff import working_calendar
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify, standing, told_text
from handlers.core.steps import unreadable
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar
from storage import followups, org
from storage.followups import FollowUp
from storage.models import Person
from storage.worklog import NewAttachment

PREFIX = "tct:"
# «Ghi kết quả» under a visit waiting for its outcome (`tct:out:<visit>`).
OUTCOME_PREFIX = f"{PREFIX}out:"
NOTE = "wgfu"
MAX_NOTE_CHARS = 1000
REFERENCE = re.compile(r"^\s*tct\s*-?\s*(\d{1,6})\s*$", re.I)


def owner_label(lang: str, item: FollowUp) -> str:
    """UBND Xã Đèo Gió, Lê Hoàng Cường, Phòng Tổ chức biên chế."""
    if item.owner_kind == "commune":
        return t(lang, "tct.owner.commune", name=item.owner_name)
    return item.owner_name


def overdue(item: FollowUp, today: date, cal: WorkingCalendar) -> bool:
    """Still open after its due date, on the working calendar of today: a due date that became
    a day off after it was set (an admin day declared later) runs to the next working day."""
    if item.status != "open":
        return False
    due = item.due if cal.is_working_day(item.due) else cal.next_working_day(item.due)
    return today > due


def item_line(lang: str, item: FollowUp, today: date, cal: WorkingCalendar) -> str:
    """TCT-0001 · QUÁ HẠN · Xã Đèo Gió · UBND Xã Đèo Gió · hạn 01/12/2026: text."""
    late = t(lang, "tct.overdue_mark") if overdue(item, today, cal) else ""
    return t(
        lang,
        "tct.line",
        reference=item.reference,
        late=late,
        commune=item.commune_name,
        owner=owner_label(lang, item),
        due=format_day(item.due, lang),
        text=_short(item.text),
    )


def _short(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


async def may_act(turn: Turn, item: FollowUp) -> bool:
    """Whether this person may see and act on this follow-up (see the module docstring)."""
    person = turn.person
    assert person is not None
    tx = turn.tx
    if person.supervises_all or item.leader_id == person.id:
        return True
    if await followups.is_group_member(tx, item.group_id, person.id):
        return True
    if item.owner_kind == "person" and item.owner_person_id == person.id:
        return True
    owning_commune = item.owner_code if item.owner_kind == "commune" else None
    # The seconded officials of the visited (or owning) commune: on site, they know.
    for code in {item.commune_code, owning_commune}:
        if code and await followups.is_assigned_to(tx, person.id, code, turn.today):
            return True
    # The UBND's own contact: the items given to the commune.
    if owning_commune and await followups.is_contact_of(tx, person.id, owning_commune):
        return True
    return await followups.heads_division_concerned(tx, person.id, item.id)


def action_choices(lang: str, item: FollowUp) -> list[Choice]:
    """Progress and done, while the item is open."""
    if item.status != "open":
        return []
    return [
        Choice(t(lang, "tct.button.progress"), f"{PREFIX}prog:{item.id}"),
        Choice(t(lang, "tct.button.done"), f"{PREFIX}done:{item.id}"),
    ]


def parse_reference(text: str) -> int | None:
    """The id in 'TCT-0001', 'tct 1'."""
    match = REFERENCE.match(text)
    return int(match.group(1)) if match else None


async def _visible(turn: Turn, followup_id: int) -> FollowUp | None:
    item = await followups.followup_by_id(turn.tx, followup_id)
    if item is None or not await may_act(turn, item):
        return None
    return item


async def show_card(turn: Turn, followup_id: int) -> list[Reply]:
    """The follow-up card with its notes and the buttons this person may press."""
    item = await _visible(turn, followup_id)
    if item is None:
        return turn.say("tct.not_found", reference=followups.reference(followup_id))
    lang = turn.lang
    if item.status == "open":
        status = t(lang, "tct.status.open")
        if overdue(item, turn.today, await working_calendar(turn)):
            status += t(lang, "tct.overdue_mark")
    else:
        assert item.done_at is not None
        status = t(
            lang,
            "tct.status.done",
            name=item.done_by_name,
            at=item.done_at.astimezone(turn.config.zone).strftime("%d/%m/%Y %H:%M"),
        )
    lines = [
        t(
            lang,
            "tct.card",
            reference=item.reference,
            text=item.text,
            group=item.group_name,
            commune=item.commune_name,
            visit_day=format_day(item.visit_day, lang),
            owner=owner_label(lang, item),
            due=format_day(item.due, lang, weekday=True),
            status=status,
        )
    ]
    notes = [n for n in await followups.notes_of(turn.tx, item.id) if n.kind == "progress"]
    for note in notes[-3:]:
        at = note.at.astimezone(turn.config.zone).strftime("%d/%m %H:%M")
        text = note.text + _files_mark(lang, note.files)
        lines.append(t(lang, "tct.note_line", at=at, name=note.person_name, text=text))
    return [Reply("\n".join(lines), tuple(action_choices(lang, item)))]


async def on_button(turn: Turn, value: str) -> list[Reply]:
    """A follow-up button (`tct:<action>:<id>`), from a notice, card or list."""
    _, action, arg = [*value.split(":", 2), "", ""][:3]
    if not arg.isdigit():
        return turn.say("error.stale_choice")
    number = int(arg)
    if action == "view":
        return await show_card(turn, number)
    if action not in ("prog", "done"):
        return turn.say("error.stale_choice")
    item = await _visible(turn, number)
    if item is None:
        return turn.say("tct.not_yours", reference=followups.reference(number))
    if item.status != "open":
        return _already_done(turn, item)
    if action == "prog":
        turn.go(NOTE, "note", id=item.id)
        return turn.say("tct.ask_note", reference=item.reference, text=_short(item.text))
    return await _mark_done(turn, item)


def _already_done(turn: Turn, item: FollowUp) -> list[Reply]:
    assert item.done_at is not None
    at = item.done_at.astimezone(turn.config.zone).strftime("%d/%m/%Y %H:%M")
    return turn.say("tct.already_done", reference=item.reference, name=item.done_by_name, at=at)


async def _mark_done(turn: Turn, item: FollowUp) -> list[Reply]:
    """Close the item (once, even when two press at the same time) and tell the leader."""
    if not await followups.mark_done(turn.tx, item.id, turn.person_id, turn.now):
        fresh = await followups.followup_by_id(turn.tx, item.id)
        assert fresh is not None
        return _already_done(turn, fresh)
    told = await _tell_leader(turn, item, "done", "tct.notify.done", text="")
    turn.finish()
    return turn.say("tct.done_saved", reference=item.reference, told=await told_text(turn, told))


async def _tell_leader(
    turn: Turn, item: FollowUp, what: str, key: str, text: str
) -> dict[int, str]:
    """Queue a notice to the group leader (not when the leader acted); returns who was told."""
    if item.leader_id is None or item.leader_id == turn.person_id:
        return {}
    leader = await org.person_by_id(turn.tx, item.leader_id)
    if leader is None or not leader.active:
        return {}
    assert turn.person is not None
    message = leader_notice(leader, turn.person, item, key, text, turn.config.language)
    # One notice per note: the note count makes the key unique, so a redelivery adds nothing.
    notes = await followups.notes_of(turn.tx, item.id)
    await notify(turn, leader.id, f"tct:{item.id}:{what}:{len(notes)}:{leader.id}", message)
    return {leader.id: leader.full_name}


def leader_notice(
    leader: Person, actor: Person, item: FollowUp, key: str, text: str, default: str
) -> Reply:
    """The notice to the leader about a progress note or the closing step, with the card."""
    lang = leader.language or default
    body = t(
        lang,
        key,
        reference=item.reference,
        name=actor.full_name,
        item=_short(item.text),
        commune=item.commune_name,
        text=text,
    )
    return standing(body, Choice(t(lang, "tct.button.view"), f"{PREFIX}view:{item.id}"))


async def note_message(turn: Turn) -> list[Reply]:
    """The progress note typed after 'Cập nhật tiến độ', with any photos or files sent."""
    msg = turn.msg
    data = dict(turn.state.data)
    if msg.kind in (Kind.PHOTO, Kind.FILE):
        # Photos of the work (a signed record, the draft scheme) are kept with the note; a
        # photo alone waits for the words, as when logging work.
        data["files"] = [*data.get("files", []), *[[a.kind, a.file_id] for a in msg.attachments]]
        if not msg.text.strip():
            turn.go(NOTE, "note", **data)
            return turn.say("tct.photo_received", count=len(data["files"]))
    elif msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = msg.text.strip()
    followup_id = int(data.get("id", 0))
    if not text:
        return turn.say("tct.ask_note_again")
    if len(text) > MAX_NOTE_CHARS:
        turn.go(NOTE, "note", **data)  # photos already sent stay with the note
        return turn.say("tct.note_too_long", limit=MAX_NOTE_CHARS)
    item = await _visible(turn, followup_id)
    turn.finish()
    if item is None:
        return turn.say("tct.not_yours", reference=followups.reference(followup_id))
    if item.status != "open":
        return _already_done(turn, item)
    note_id = await followups.add_note(turn.tx, item.id, turn.person_id, "progress", text, turn.now)
    files = [NewAttachment(str(kind), str(file_id)) for kind, file_id in data.get("files", [])]
    await followups.attach_to_note(turn.tx, note_id, msg.channel, files, turn.now)
    with_files = _files_mark(turn.lang, len(files))
    told = await _tell_leader(turn, item, "prog", "tct.notify.progress", text + with_files)
    return turn.say(
        "tct.note_saved",
        reference=item.reference,
        files=with_files,
        told=await told_text(turn, told),
    )


def _files_mark(lang: str, count: int) -> str:
    """' (kèm 2 ảnh/tệp)', or nothing."""
    return t(lang, "tct.with_files", count=count) if count else ""


async def note_choice(turn: Turn, value: str) -> list[Reply]:
    """A button of an older message while a note is expected: ask for the note again."""
    return turn.say("tct.ask_note_again")
