"""A division head's one-tap answers to a study-visit request (`h:` buttons, valid in any flow):
confirm the week, move to another week, split the group."""

from __future__ import annotations

from datetime import date, timedelta

from handlers.core.dates import format_day
from handlers.core.messages import Choice, Reply
from handlers.core.notify import notify, told_text
from handlers.core.notify import standing as standing_reply
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.study.weeks import (
    day_off_in_week,
    first_week_with_some_room,
    fits,
    format_week,
    nearest_week_with_room,
    room_left,
    split_plan,
)
from handlers.study.withdraw import withdrawn_reply
from storage import calendar, org, study
from storage.study import Part

PREFIX = "h:"
HORIZON = timedelta(weeks=110)


async def _calendar(turn: Turn) -> WorkingCalendar:
    return calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))


def moved_note(
    lang: str, kind: str, preferred: date, week: date, cal: WorkingCalendar, **extra: str
) -> str:
    """Why a part is not in its preferred week: a day off there, or the week is full."""
    off = day_off_in_week(preferred, cal)
    key = f"ht.{kind}.moved" if off is None else f"ht.{kind}.holiday"
    return t(
        lang,
        key,
        preferred=format_week(preferred, lang),
        week=format_week(week, lang),
        holiday=f" ({off})" if off else "",
        **extra,
    )


async def may_act(turn: Turn, division_code: str) -> bool:
    """Whether this person heads the division or leads the department."""
    heads = await study.supervised_divisions(turn.tx, turn.person_id)
    return heads is None or division_code in heads


async def _booked(turn: Turn, part: Part) -> dict[date, int]:
    start = min(part.preferred_week, part.week_start)
    return await study.booked(turn.tx, part.division_code, start, start + HORIZON, without=part.id)


async def options(turn: Turn, part: Part) -> tuple[date, list[tuple[date, int]]]:
    """The week a move goes to, and the split plan (empty when no split is needed)."""
    used = await _booked(turn, part)
    cal = await _calendar(turn)
    capacity = turn.config.study_capacity

    def booked(monday: date) -> int:
        return used.get(monday, 0)

    move_to = nearest_week_with_room(
        part.week_start + timedelta(days=7), part.people, booked, capacity, cal
    )
    anchor = first_week_with_some_room(part.preferred_week, booked, capacity, cal)
    plan: list[tuple[date, int]] = []
    if anchor is not None and room_left(anchor, booked, capacity, cal) < part.people:
        plan = split_plan(anchor, part.people, booked, capacity, cal)
    return move_to, plan if len(plan) > 1 else []


def _short(monday: date) -> str:
    return f"{monday:%d/%m}–{monday + timedelta(days=4):%d/%m}"


async def head_card(turn: Turn, part: Part, lang: str, *, standing: bool) -> Reply:
    """The request as a division head sees it, with confirm / move / split buttons."""
    move_to, plan = await options(turn, part)
    members = "\n".join(
        f"  {n}. {m.full_name}" + (f" — {m.job_title}" if m.job_title else "")
        for n, m in enumerate(part.members, start=1)
    )
    capacity = turn.config.study_capacity
    where = (
        t(lang, "ht.card.large", week=format_week(part.week_start, lang), capacity=capacity)
        if part.week_start == part.preferred_week and part.people > capacity
        else t(lang, "ht.card.placed", week=format_week(part.week_start, lang))
        if part.week_start == part.preferred_week
        else moved_note(lang, "card", part.preferred_week, part.week_start, await _calendar(turn))
    )
    text = t(
        lang,
        "ht.card",
        ref=part.reference,
        commune=part.commune_name,
        contact=part.contact_name,
        division=part.division_name,
        people=part.people,
        members=members,
        topic=part.topic,
        where=where,
    )
    if part.status != "waiting":
        return Reply(text + "\n" + _done_line(part, lang))
    base = f"{PREFIX}%s:{part.request_id}:{part.id}"
    choices = [
        Choice(t(lang, "ht.button.confirm", week=_short(part.week_start)), base % "ok"),
        Choice(
            t(lang, "ht.button.move", week=_short(move_to)),
            (base % "mv") + f":{move_to:%Y%m%d}",
        ),
    ]
    if plan:
        chunks = ", ".join(t(lang, "ht.chunk", people=n, week=f"{w:%d/%m}") for w, n in plan)
        choices.append(Choice(t(lang, "ht.button.split", chunks=chunks), base % "sp"))
    if standing:
        return standing_reply(text, *choices)
    return Reply(text, tuple(choices))


def _done_line(part: Part, lang: str) -> str:
    if part.status == "confirmed":
        return t(
            lang,
            "ht.already_confirmed",
            ref=part.reference,
            division=part.division_name,
            by=part.confirmed_by_name or "—",
            week=format_week(part.week_start, lang),
        )
    return t(lang, "ht.cancelled_part", ref=part.reference)


async def on_button(turn: Turn, value: str) -> list[Reply]:
    """A head's tap on a study request: confirm, move or split, once."""
    fields = value.split(":")
    if len(fields) < 4 or not fields[3].isdigit():
        return turn.say("error.stale_choice")
    action = fields[1]
    part = await study.part_by_id(turn.tx, int(fields[3]))
    if part is None or str(part.request_id) != fields[2]:
        return turn.say("ht.not_found", ref=fields[2])
    if not await may_act(turn, part.division_code):
        return turn.say("ht.no_right", ref=part.reference)
    if part.status == "cancelled":
        withdrawn = await withdrawn_reply(turn, part)
        if withdrawn is not None:
            return withdrawn
    if part.status != "waiting":
        return [Reply(_done_line(part, turn.lang))]
    place = turn.config.study_place
    if action == "ok":
        done = await study.confirm(
            turn.tx, part.id, by=turn.person_id, week=part.week_start, place=place, now=turn.now
        )
        return await _after(turn, part, [part.id] if done else None)
    _, plan = await options(turn, part)
    if action == "mv" and len(fields) == 5:
        try:
            wanted = date(int(fields[4][:4]), int(fields[4][4:6]), int(fields[4][6:]))
        except ValueError:
            return turn.say("error.stale_choice")
        used = await _booked(turn, part)
        cal = await _calendar(turn)
        room = room_left(wanted, lambda m: used.get(m, 0), turn.config.study_capacity, cal)
        if wanted <= part.week_start or not fits(room, part.people, turn.config.study_capacity):
            return await _refreshed(turn, part, "ht.week_taken", format_week(wanted, turn.lang))
        done = await study.confirm(
            turn.tx, part.id, by=turn.person_id, week=wanted, place=place, now=turn.now
        )
        return await _after(turn, part, [part.id] if done else None)
    if action == "sp":
        if not plan:
            return await _refreshed(turn, part, "ht.no_split", "")
        ids = await study.split(turn.tx, part, plan, by=turn.person_id, place=place, now=turn.now)
        return await _after(turn, part, ids)
    return turn.say("error.stale_choice")


async def _refreshed(turn: Turn, part: Part, key: str, week: str) -> list[Reply]:
    card = await head_card(turn, part, turn.lang, standing=True)
    return [Reply(turn.t(key, week=week)), card]


async def _after(turn: Turn, part: Part, ids: list[int] | None) -> list[Reply]:
    """Tell the contact the confirmed dates; a lost race tells who confirmed instead."""
    if ids is None:
        fresh = await study.part_by_id(turn.tx, part.id)
        return [Reply(_done_line(fresh or part, turn.lang))]
    parts = [p for p in [await study.part_by_id(turn.tx, i) for i in ids] if p is not None]
    contact_lang = await _language(turn, part.contact_id)
    await notify(
        turn,
        part.contact_id,
        f"ht:{part.id}:confirmed",
        Reply(confirmed_text(parts, contact_lang)),
    )
    weeks = ", ".join(
        t(turn.lang, "ht.chunk", people=p.people, week=format_week(p.week_start, turn.lang))
        for p in parts
    )
    return turn.say(
        "ht.head_done",
        ref=part.reference,
        division=part.division_name,
        commune=part.commune_name,
        weeks=weeks,
        told=await told_text(turn, {part.contact_id: part.contact_name}),
    )


async def _language(turn: Turn, person_id: int) -> str:
    person = await org.person_by_id(turn.tx, person_id)
    return (person.language if person else None) or turn.config.language


def confirmed_text(parts: list[Part], lang: str) -> str:
    """What the commune contact is told: dates, officials, place and contact person."""
    first = parts[0]
    lines = [
        t(
            lang,
            "ht.contact_confirmed",
            ref=first.reference,
            division=first.division_name,
            commune=first.commune_name,
        )
    ]
    for part in parts:
        lines.append("• " + week_line(part, lang))
    lines.append(t(lang, "ht.place", place=first.place))
    lines.append(t(lang, "ht.contact_person", name=contact_person(first)))
    return "\n".join(lines)


def contact_person(part: Part) -> str:
    """'Cao Thị Thu, 0900000102', or the name alone when the workbook has no phone."""
    phone = part.confirmed_by_phone.strip()
    return f"{part.confirmed_by_name}, {phone}" if phone else part.confirmed_by_name


def week_line(part: Part, lang: str) -> str:
    """'tuần 15/02–19/02/2027 (Thứ Hai, 15/02/2027 – Thứ Sáu, 19/02/2027): 3 người — names'."""
    return t(
        lang,
        "ht.week_line",
        week=format_week(part.week_start, lang),
        monday=format_day(part.week_start, lang, weekday=True),
        friday=format_day(part.week_start + timedelta(days=4), lang, weekday=True),
        people=part.people,
        names=", ".join(m.full_name for m in part.members),
    )
