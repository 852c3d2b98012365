"""Cancelling or moving a planned working-group visit (/tocongtac hủy, /tocongtac dời)."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.core.dates import format_day, parse_planned_day
from handlers.core.dayoff import why_off, working_calendar
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify, told_text
from handlers.core.steps import unreadable
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.visits.outcome import cancelled_reply
from storage import visit_changes, visits
from storage.models import Person
from storage.visits import Visit, VisitInfo

PREFIX = "wgc:"
MOVE = "wgmv"
CANCEL_WORDS = {"huy", "cancel", "huychuyen"}
MOVE_WORDS = {"doi", "doingay", "move", "reschedule"}
PAGE = 10


def command_word(args: str) -> tuple[str, str] | None:
    """('cancel' | 'move', rest) when /tocongtac's arguments start with such a word."""
    first, _, rest = args.strip().partition(" ")
    word = fold(first)
    if word in CANCEL_WORDS:
        return "cancel", rest.strip()
    if word in MOVE_WORDS:
        return "move", rest.strip()
    return None


async def _changeable(turn: Turn) -> list[Visit | VisitInfo]:
    """Visits of the groups this person leads still without an outcome: past ones, then to come."""
    led = await visits.groups_led_by(turn.tx, turn.person_id)
    waiting = await visits.visits_awaiting_outcome(turn.tx, turn.person_id, turn.today)
    past: list[Visit | VisitInfo] = [
        v for v in waiting if v.leader_id == turn.person_id and v.day < turn.today
    ]
    return past + list(await visits.upcoming_visits(turn.tx, [g.id for g in led], turn.today))


def _button(turn: Turn, visit: Visit | VisitInfo, action: str) -> Choice:
    label = turn.t("wgc.button.change", commune=visit.commune_name, day=format_day(visit.day))
    return Choice(label, f"{PREFIX}{action}:{visit.id}")


async def change_choices(turn: Turn) -> list[Choice]:
    """One «Dời/hủy» button per visit of the groups this person leads that has no outcome."""
    return [_button(turn, v, "open") for v in (await _changeable(turn))[:PAGE]]


async def from_command(turn: Turn, action: str, written: str) -> list[Reply]:
    """/tocongtac hủy|dời [commune or day]: straight to the one visit meant, or a pick."""
    if not await visits.groups_led_by(turn.tx, turn.person_id):
        return turn.say("wgc.not_leader")
    coming = await _changeable(turn)
    if not coming:
        return turn.say("wgc.none")
    found = coming
    if written:
        day = parse_planned_day(written, turn.today)
        wanted = fold(written)
        found = [
            v
            for v in coming
            if (isinstance(day, date) and v.day == day)
            or wanted in (fold(v.commune_code), fold(v.commune_name))
            or (not isinstance(day, date) and wanted in fold(v.commune_name))
        ]
    if len(found) == 1:
        return await _act(turn, action, found[0].id)
    shown = found or coming
    text = turn.t(
        "wgc.no_match" if written and not found else "wgc.pick", written=written, count=len(shown)
    )
    if len(shown) > PAGE:
        text += "\n" + turn.t("wgc.more", more=len(shown) - PAGE)
    return [Reply(text, tuple(_button(turn, v, action) for v in shown[:PAGE]))]


async def on_button(turn: Turn, value: str) -> list[Reply]:
    """A `wgc:<action>:<visit>` button: open, cancel, cancel for sure, keep, move."""
    _, action, arg = [*value.split(":", 2), "", ""][:3]
    known = ("open", "cancel", "cancelok", "keep", "move")
    if not (arg.isascii() and arg.isdigit() and len(arg) <= 9) or action not in known:
        return turn.say("error.stale_choice")
    return await _act(turn, action, int(arg))


async def _act(turn: Turn, action: str, visit_id: int) -> list[Reply]:
    visit = await visits.visit_by_id(turn.tx, visit_id)
    if visit is None or visit.leader_id != turn.person_id:
        return turn.say("wgc.not_leader")
    refusal = await _refusal(turn, visit)
    if refusal:
        turn.finish()
        return refusal
    where = {"commune": visit.commune_name, "day": turn.day(visit.day)}
    if action == "open":
        members = await _going(turn, visit)
        text = turn.t(
            "wgc.card",
            group=visit.group_name,
            agenda=visit.agenda,
            members=", ".join(m.full_name for m in members) or "—",
            **where,
        )
        choices = (
            Choice(turn.t("wgc.button.move"), f"{PREFIX}move:{visit.id}"),
            Choice(turn.t("wgc.button.cancel"), f"{PREFIX}cancel:{visit.id}"),
        )
        return [Reply(text, choices)]
    if action == "cancel":
        return turn.say(
            "wgc.confirm_cancel",
            Choice(turn.t("wgc.button.cancel_yes"), f"{PREFIX}cancelok:{visit.id}"),
            Choice(turn.t("wgc.button.keep"), f"{PREFIX}keep:{visit.id}"),
            **where,
        )
    if action == "keep":
        turn.finish()
        return turn.say("wgc.kept", **where)
    if action == "cancelok":
        return await _cancel(turn, visit)
    turn.go(MOVE, "day", visit=visit.id)
    return turn.say("wgc.ask_day", **where)


async def _refusal(turn: Turn, visit: VisitInfo) -> list[Reply]:
    where = {"commune": visit.commune_name, "day": turn.day(visit.day)}
    if visit.status == "done":
        return turn.say("wgc.has_outcome", **where)
    if visit.status == "cancelled":
        return await cancelled_reply(turn, visit)
    return []


async def _going(turn: Turn, visit: VisitInfo) -> list[Person]:
    members = await visits.group_members(turn.tx, visit.group_id)
    return [m for m in members if m.id in visit.member_ids]


async def _told(turn: Turn, visit: VisitInfo, days: list[date]) -> list[Person]:
    """Everyone the planning notice reached, once each, without the leader."""
    people = await _going(turn, visit)
    for day in days:
        people += await visits.officials_in_commune_on(turn.tx, visit.commune_code, day)
    people += await visits.commune_contacts_of(turn.tx, visit.commune_code)
    seen: dict[int, Person] = {}
    for person in people:
        if person.id != turn.person_id:
            seen.setdefault(person.id, person)
    return list(seen.values())


async def _cancel(turn: Turn, visit: VisitInfo) -> list[Reply]:
    assert turn.person is not None
    turn.finish()
    if not await visit_changes.cancel_visit(turn.tx, visit.id, by=turn.person_id, now=turn.now):
        return turn.say("error.stale_choice")
    told = await _told(turn, visit, [visit.day])
    for person in told:
        lang = person.language or turn.config.language
        text = t(
            lang,
            "wgc.notify.cancelled",
            leader=turn.person.full_name,
            group=visit.group_name,
            commune=visit.commune_name,
            day=format_day(visit.day, lang, weekday=True),
            agenda=visit.agenda,
        )
        await notify(turn, person.id, f"wg:{visit.id}:cancel:{person.id}", Reply(text))
    return turn.say(
        "wgc.cancelled",
        commune=visit.commune_name,
        day=turn.day(visit.day),
        told=await told_text(turn, {p.id: p.full_name for p in told}),
    )


async def move_choice(turn: Turn, value: str) -> list[Reply]:
    """«Vẫn lên lịch ngày này» or «Chọn ngày khác» after the day-off warning."""
    data = dict(turn.state.data)
    if turn.state.step == "offday" and value == "keep":
        data["offday_ok"] = True
    elif turn.state.step == "offday" and value == "other":
        data.pop("day", None)
    else:
        return turn.say("error.stale_choice")
    return await _advance(turn, data)


async def move_message(turn: Turn) -> list[Reply]:
    """The new day typed; anything else asks again."""
    data = dict(turn.state.data)
    if turn.msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = turn.msg.text.strip()
    if turn.state.step != "day":
        return await _advance(turn, data, turn.t("log.pick_again"))
    day = parse_planned_day(text, turn.today)
    if day is None or isinstance(day, str):
        key = "wg.no_such_day" if day == "invalid" else "wg.not_a_date"
        return await _advance(turn, data, turn.t(key, written=text))
    if day < turn.today:
        return await _advance(turn, data, turn.t("wg.past_day", day=turn.day(day)))
    data["day"] = day.isoformat()
    data.pop("offday_ok", None)
    return await _advance(turn, data)


async def _advance(turn: Turn, data: dict[str, Any], note: str = "") -> list[Reply]:
    """Ask the new day, warn about a day off, or move the visit."""
    prefix = note + "\n" if note else ""
    visit = await visits.visit_by_id(turn.tx, int(data["visit"]))
    if visit is None or visit.leader_id != turn.person_id:
        turn.finish()
        return turn.say("wgc.not_leader")
    refusal = await _refusal(turn, visit)
    if refusal:
        turn.finish()
        return refusal
    if data.get("day") == visit.day.isoformat():
        prefix += turn.t("wgc.same_day", day=turn.day(visit.day)) + "\n"
        data.pop("day")
    if not data.get("day"):
        turn.go(MOVE, "day", **data)
        text = turn.t("wgc.ask_day", commune=visit.commune_name, day=turn.day(visit.day))
        return [Reply(prefix + text)]
    day = date.fromisoformat(str(data["day"]))
    if not data.get("offday_ok"):
        warning = await offday_warning(turn, day)
        if warning is not None:
            turn.go(MOVE, "offday", **data)
            return warning
    return await _move(turn, visit, day)


async def _move(turn: Turn, visit: VisitInfo, day: date) -> list[Reply]:
    assert turn.person is not None
    turn.finish()
    number = await visit_changes.move_visit(turn.tx, visit.id, day=day, now=turn.now)
    if number is None:
        return turn.say("error.stale_choice")
    members = ", ".join(m.full_name for m in await _going(turn, visit)) or "—"
    told = await _told(turn, visit, [visit.day, day])
    for person in told:
        lang = person.language or turn.config.language
        text = t(
            lang,
            "wgc.notify.moved",
            leader=turn.person.full_name,
            group=visit.group_name,
            commune=visit.commune_name,
            old=format_day(visit.day, lang, weekday=True),
            day=format_day(day, lang, weekday=True),
            members=members,
            agenda=visit.agenda,
        )
        await notify(turn, person.id, f"wg:{visit.id}:move{number}:{person.id}", Reply(text))
    return turn.say(
        "wgc.moved",
        commune=visit.commune_name,
        old=turn.day(visit.day),
        day=turn.day(day),
        told=await told_text(turn, {p.id: p.full_name for p in told}),
    )


async def offday_warning(turn: Turn, day: date) -> list[Reply] | None:
    """A visit day that is off work, said with its reason and keep/other buttons; else None."""
    why = await why_off(turn, await working_calendar(turn), day)
    if why is None:
        return None
    return turn.say(
        "wg.offday_warning",
        Choice(turn.t("wg.button.keep_day"), "keep"),
        Choice(turn.t("wg.button.other_day"), "other"),
        day=turn.day(day),
        why=why,
    )
