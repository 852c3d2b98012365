"""Recording the outcome of a working-group visit: what was reviewed, findings, follow-ups."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.core import drafts
from handlers.core.dates import format_day, parse_planned_day
from handlers.core.dayoff import why_off, working_calendar
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify, standing, told_text
from handlers.core.steps import unreadable
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.visits.followups import PREFIX, action_choices, owner_label
from storage import followups, org, visit_changes, visits
from storage.followups import FollowUp, NewFollowUp
from storage.models import Person
from storage.visits import VisitInfo
from storage.worklog import NewAttachment

OUTCOME = "wgkq"
MAX_TEXT_CHARS = 2000
MAX_ITEMS = 20


def may_record(person_id: int, visit: VisitInfo) -> bool:
    """The group's leader or a member who went."""
    return visit.leader_id == person_id or person_id in visit.member_ids


async def start_from_command(turn: Turn) -> list[Reply]:
    """/tocongtac ketqua: the visits waiting for an outcome, or straight in when only one."""
    waiting = await visits.visits_awaiting_outcome(turn.tx, turn.person_id, turn.today)
    if len(waiting) == 1:
        return await start_outcome(turn, waiting[0].id)
    if waiting:
        choices = tuple(
            Choice(
                turn.t("wg.button.outcome_for", commune=v.commune_name, day=format_day(v.day)),
                f"{PREFIX}out:{v.id}",
            )
            for v in waiting[:10]
        )
        return [Reply(turn.t("wg.outcome_pick", count=len(waiting)), choices)]
    coming = await visits.next_visit_of(turn.tx, turn.person_id, turn.today)
    if coming is not None:
        return turn.say("wg.outcome_not_yet", commune=coming.commune_name, day=turn.day(coming.day))
    return turn.say("wg.outcome_none")


async def start_outcome(turn: Turn, visit_id: int) -> list[Reply]:
    """Begin recording the outcome of a visit, after checking who and when."""
    visit = await visits.visit_by_id(turn.tx, visit_id)
    if visit is None or not may_record(turn.person_id, visit):
        return turn.say("wg.outcome_not_yours")
    refusal = await _refusal(turn, visit)
    if refusal:
        return refusal
    return await advance(turn, {"visit": visit.id})


async def on_button(turn: Turn, value: str) -> list[Reply]:
    """The «Ghi kết quả» button (`tct:out:<visit>`) under a visit waiting for its outcome."""
    arg = value.split(":", 2)[2]
    if not arg.isdigit():
        return turn.say("error.stale_choice")
    turn.finish()
    return await start_outcome(turn, int(arg))


async def cancelled_reply(turn: Turn, visit: VisitInfo) -> list[Reply]:
    """Who cancelled this visit and when."""
    change = await visit_changes.change_of(turn.tx, visit.id)
    at = change.cancelled_at if change else None
    when = at.astimezone(turn.config.zone).strftime("%d/%m/%Y %H:%M") if at else "—"
    name = change.cancelled_by_name if change and change.cancelled_by_name else "—"
    where = {"commune": visit.commune_name, "day": turn.day(visit.day)}
    return turn.say("wgc.already_cancelled", name=name, at=when, **where)


def _unsaved(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """The outcome typed so far, quoted back when it cannot be saved."""
    text = drafts.visit_outcome(data)
    return [Reply(turn.t("draft.not_saved", text=drafts.quote(text)))] if text else []


async def _refusal(turn: Turn, visit: VisitInfo) -> list[Reply]:
    if visit.status == "cancelled":
        return await cancelled_reply(turn, visit)
    if visit.status == "done":
        assert visit.outcome_at is not None
        at = visit.outcome_at.astimezone(turn.config.zone).strftime("%d/%m/%Y %H:%M")
        return turn.say(
            "wg.outcome_already",
            commune=visit.commune_name,
            day=turn.day(visit.day),
            name=visit.outcome_by_name,
            at=at,
        )
    if visit.status != "planned":
        return turn.say("wg.outcome_not_yours")
    if visit.day > turn.today:
        return turn.say("wg.outcome_not_yet", commune=visit.commune_name, day=turn.day(visit.day))
    return []


async def _owners(turn: Turn, visit: VisitInfo) -> list[Choice]:
    """The commune, its seconded officials on the visit day, then every division."""
    choices = [
        Choice(turn.t("tct.owner.commune", name=visit.commune_name), f"c:{visit.commune_code}")
    ]
    for person in await visits.officials_in_commune_on(turn.tx, visit.commune_code, visit.day):
        choices.append(Choice(person.full_name, f"p:{person.id}"))
    for code, name in await org.divisions(turn.tx):
        choices.append(Choice(name, f"d:{code}"))
    return choices


async def advance(turn: Turn, data: dict[str, Any], note: str = "") -> list[Reply]:
    """Ask for what is missing (reviewed, findings, item text, owner, due date)."""
    prefix = note + "\n" if note else ""
    visit = await visits.visit_by_id(turn.tx, int(data["visit"]))
    if visit is None or not may_record(turn.person_id, visit):
        turn.finish()
        return turn.say("wg.outcome_not_yours")
    if visit.status == "cancelled":  # the leader cancelled it while this was being typed
        turn.finish()
        return [*_unsaved(turn, data), *await cancelled_reply(turn, visit)]
    day = turn.day(visit.day)
    if not data.get("reviewed"):
        turn.go(OUTCOME, "reviewed", **data)
        return [Reply(prefix + turn.t("wg.ask_reviewed", commune=visit.commune_name, day=day))]
    if not data.get("findings"):
        turn.go(OUTCOME, "findings", **data)
        return [Reply(prefix + turn.t("wg.ask_findings"))]
    current: dict[str, Any] = dict(data.get("current") or {})
    if not current.get("text"):
        turn.go(OUTCOME, "item", **data)
        items = list(data.get("items", []))
        key = "wg.ask_item_next" if items else "wg.ask_item_first"
        label = "wg.button.save_outcome" if items else "wg.button.no_items"
        text = prefix + turn.t(key, number=len(items) + 1)
        return [Reply(text, (Choice(turn.t(label), "save"),))]
    if not current.get("owner"):
        turn.go(OUTCOME, "owner", **data)
        text = prefix + turn.t("wg.ask_owner", item=current["text"])
        return [Reply(text, tuple(await _owners(turn, visit)))]
    turn.go(OUTCOME, "due", **data)
    return [Reply(prefix + turn.t("wg.ask_due", item=current["text"]))]


async def outcome_choice(turn: Turn, value: str) -> list[Reply]:
    """An owner picked, or 'Xong' / 'Không có việc cần theo dõi'."""
    data = dict(turn.state.data)
    step = turn.state.step
    if step == "item" and value == "save":
        return await save(turn, data)
    if step == "owner" and value[:2] in ("c:", "p:", "d:"):
        visit = await visits.visit_by_id(turn.tx, int(data["visit"]))
        if visit is None:
            return turn.say("error.stale_choice")
        if value not in {c.value for c in await _owners(turn, visit)}:
            return await advance(turn, data, turn.t("log.pick_again"))
        data["current"] = {**dict(data.get("current") or {}), "owner": value}
        return await advance(turn, data)
    return turn.say("error.stale_choice")


async def outcome_message(turn: Turn) -> list[Reply]:
    """Typed reviewed topics, findings, an item, or a due date; photos sent are kept."""
    data = dict(turn.state.data)
    step = turn.state.step
    note = ""
    if turn.msg.kind in (Kind.PHOTO, Kind.FILE):
        # Photos of the minutes or the commune's papers are kept with the outcome; a caption
        # answers the step like typed text.
        files = [*data.get("files", []), *[[a.kind, a.file_id] for a in turn.msg.attachments]]
        data["files"] = files
        note = turn.t("wg.files_kept", count=len(files))
    elif turn.msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = turn.msg.text.strip()
    if not text or (note and step not in ("reviewed", "findings", "item")):
        return await advance(turn, data, note)
    if len(text) > MAX_TEXT_CHARS:
        return await advance(turn, data, turn.t("wg.text_too_long", limit=MAX_TEXT_CHARS))
    if step in ("reviewed", "findings"):
        data[step] = text
        return await advance(turn, data, note)
    if step == "item":
        if len(data.get("items", [])) >= MAX_ITEMS:
            return await advance(turn, data, turn.t("wg.too_many_items", limit=MAX_ITEMS))
        data["current"] = {"text": text}
        return await advance(turn, data, note)
    if step == "due":
        return await _due(turn, data, text)
    return await advance(turn, data, turn.t("log.pick_again"))


async def _due(turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
    """A due date: readable, not past; a day off moves to the next working day."""
    day = parse_planned_day(text, turn.today)
    if day is None or isinstance(day, str):
        key = "wg.no_such_day" if day == "invalid" else "wg.not_a_date"
        return await advance(turn, data, turn.t(key, written=text))
    if day < turn.today:
        return await advance(turn, data, turn.t("wg.due_past", day=turn.day(day)))
    cal = await working_calendar(turn)
    note = ""
    why = await why_off(turn, cal, day)
    if why is not None:
        moved = cal.next_working_day(day)
        note = turn.t("wg.due_moved", day=turn.day(day), why=why, moved=turn.day(moved)) + "\n"
        day = moved
    current = dict(data.pop("current"))
    items = [*data.get("items", []), {**current, "due": day.isoformat()}]
    data["items"] = items
    label = await _owner_text(turn, str(current["owner"]))
    added = turn.t(
        "wg.item_added", number=len(items), item=current["text"], owner=label, due=turn.day(day)
    )
    return await advance(turn, data, note + added)


async def _owner_text(turn: Turn, owner: str) -> str:
    kind, _, code = owner.partition(":")
    if kind == "c":
        commune = await org.commune_by_code(turn.tx, code)
        return turn.t("tct.owner.commune", name=commune.name if commune else code)
    if kind == "p":
        person = await org.person_by_id(turn.tx, int(code))
        return person.full_name if person else code
    return dict(await org.divisions(turn.tx)).get(code, code)


def _new_item(raw: dict[str, Any]) -> NewFollowUp:
    kind, _, code = str(raw["owner"]).partition(":")
    owner_kind = {"c": "commune", "p": "person", "d": "division"}[kind]
    return NewFollowUp(
        text=str(raw["text"]),
        owner_kind=owner_kind,
        owner_code=code if kind in ("c", "d") else None,
        owner_person_id=int(code) if kind == "p" else None,
        due=date.fromisoformat(str(raw["due"])),
    )


async def save(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Store the outcome and its follow-ups at once, then tell the owners (and the leader)."""
    visit = await visits.visit_by_id(turn.tx, int(data["visit"]))
    turn.finish()
    if visit is None or not may_record(turn.person_id, visit):
        return turn.say("wg.outcome_not_yours")
    refusal = await _refusal(turn, visit)
    if refusal:
        return [*_unsaved(turn, data), *refusal]
    ids = await followups.record_outcome(
        turn.tx,
        visit.id,
        reviewed=str(data["reviewed"]),
        findings=str(data["findings"]),
        by=turn.person_id,
        now=turn.now,
        items=[_new_item(raw) for raw in data.get("items", [])],
    )
    assert ids is not None  # the status was checked in this same write transaction
    files = [NewAttachment(str(kind), str(file_id)) for kind, file_id in data.get("files", [])]
    await followups.attach_to_visit(turn.tx, visit.id, turn.msg.channel, files, turn.now)
    items = [i for i in [await followups.followup_by_id(turn.tx, n) for n in ids] if i]
    told: dict[int, str] = {}
    for item in items:
        for person in await _owner_people(turn, item):
            if person.id != turn.person_id:
                told[person.id] = person.full_name
            await _tell_owner(turn, person, item)
    if visit.leader_id is not None and visit.leader_id != turn.person_id:
        leader = await org.person_by_id(turn.tx, visit.leader_id)
        if leader is not None and leader.active:
            told[leader.id] = leader.full_name
            await _tell_leader(turn, leader, visit, items)
    lines = [
        turn.t(
            "wg.outcome_saved",
            commune=visit.commune_name,
            day=turn.day(visit.day),
            count=len(items),
        )
        + (turn.t("wg.outcome_files", count=len(files)) if files else "")
    ]
    lines += [
        turn.t(
            "wg.outcome_item",
            reference=i.reference,
            owner=owner_label(turn.lang, i),
            due=format_day(i.due),
        )
        for i in items
    ]
    lines.append(await told_text(turn, told))
    return [Reply("\n".join(lines))]


async def _owner_people(turn: Turn, item: FollowUp) -> list[Person]:
    """Who is told of a new item: the commune's officials and contact, the person, the
    division's heads."""
    if item.owner_kind == "commune" and item.owner_code:
        officials = await visits.officials_in_commune_on(turn.tx, item.owner_code, turn.today)
        return officials + await visits.commune_contacts_of(turn.tx, item.owner_code)
    if item.owner_kind == "person" and item.owner_person_id is not None:
        person = await org.person_by_id(turn.tx, item.owner_person_id)
        return [person] if person is not None and person.active else []
    if item.owner_kind == "division" and item.owner_code:
        return await org.division_heads(turn.tx, item.owner_code)
    return []


async def _tell_owner(turn: Turn, person: Person, item: FollowUp) -> None:
    if person.id == turn.person_id:
        return
    lang = person.language or turn.config.language
    text = t(
        lang,
        "tct.notify.new",
        reference=item.reference,
        group=item.group_name,
        commune=item.commune_name,
        day=format_day(item.visit_day, lang),
        item=item.text,
        owner=owner_label(lang, item),
        due=format_day(item.due, lang, weekday=True),
    )
    reply = standing(text, *action_choices(lang, item))
    await notify(turn, person.id, f"tct:{item.id}:new:{person.id}", reply)


async def _tell_leader(turn: Turn, leader: Person, visit: VisitInfo, items: list[FollowUp]) -> None:
    assert turn.person is not None
    lang = leader.language or turn.config.language
    text = t(
        lang,
        "wg.notify.outcome",
        name=turn.person.full_name,
        commune=visit.commune_name,
        day=format_day(visit.day, lang),
        count=len(items),
        references=", ".join(i.reference for i in items) or "—",
    )
    await notify(turn, leader.id, f"wg:{visit.id}:outcome:{leader.id}", Reply(text))
