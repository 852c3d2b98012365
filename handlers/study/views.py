"""What /hoctap shows: a commune contact their commune's requests, a division head one request's
card or the calendar of the coming weeks."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from handlers.core.messages import Choice, Reply
from handlers.core.turn import Turn
from handlers.core.workcal import calendar_from
from handlers.study.actions import contact_person, head_card, may_act
from handlers.study.calendar import calendar_lines, weeks_between
from handlers.study.weeks import format_week, week_of
from handlers.study.withdraw import withdraw_choices
from storage import calendar, org, scope, study
from storage.models import Commune, Role
from storage.study import Part

CALENDAR_WEEKS = 8
PAGE = 10


async def show_request(turn: Turn, request_id: int) -> list[Reply]:
    """`/hoctap 7`: the contact's own request, or the head's card with buttons."""
    assert turn.person is not None
    ref = study.reference(request_id)
    if turn.person.role == Role.COMMUNE_OFFICIAL:
        mine = await study.commune_of_contact(turn.tx, turn.person_id)
        if mine is None or await study.request_commune(turn.tx, request_id) != mine.code:
            return turn.say("ht.not_found", ref=ref)
        parts = await study.parts_of_request(turn.tx, request_id)
        return [Reply("\n".join(request_lines(turn, parts)))]
    if not await scope.is_supervisor(turn.tx, turn.person_id):
        return turn.say("ht.not_for_you")
    parts = [
        p
        for p in await study.parts_of_request(turn.tx, request_id)
        if await may_act(turn, p.division_code)
    ]
    if not parts:
        return turn.say("ht.not_found", ref=ref)
    cards = [await head_card(turn, p, turn.lang, standing=False) for p in parts]
    if len(cards) == 1:
        return cards
    # One reply, so numbered answers (Zalo, console) map to the right division's button.
    choices = tuple(
        Choice(f"{part.division_code}: {choice.label}", choice.value)
        for part, card in zip(parts, cards, strict=True)
        for choice in card.choices
    )
    return [Reply("\n\n".join(card.text for card in cards), choices)]


def request_lines(turn: Turn, parts: list[Part]) -> list[str]:
    """One request as its commune sees it: officials, topic, and each division's week."""
    first = parts[0]
    names = ", ".join(m.full_name for m in parts[0].members)
    people = len({m.id for p in parts for m in p.members})
    lines = [
        turn.t(
            "ht.request_title",
            ref=first.reference,
            commune=first.commune_name,
            people=people,
            topic=first.topic,
        )
    ]
    if len(parts) == 1 or all(p.members == first.members for p in parts):
        lines.append(turn.t("ht.request_people", names=names))
    for part in parts:
        if part.status == "confirmed":
            lines.append(
                "• "
                + turn.t(
                    "ht.line_confirmed",
                    division=part.division_name,
                    week=format_week(part.week_start, turn.lang),
                    people=part.people,
                    by=contact_person(part),
                )
            )
        elif part.status == "waiting":
            lines.append(
                "• "
                + turn.t(
                    "ht.line_waiting",
                    division=part.division_name,
                    week=format_week(part.week_start, turn.lang),
                )
            )
        elif part.status == "cancelled":
            week = format_week(part.week_start, turn.lang)
            lines.append("• " + turn.t("ht.line_withdrawn", division=part.division_name, week=week))
    return lines


async def commune_requests(turn: Turn, commune: Commune, flow: str) -> list[Reply]:
    """The commune's latest requests with a 'new' button; [] when it has none."""
    parts = await study.commune_parts(turn.tx, commune.code)
    if not parts:
        return []
    by_request: dict[int, list[Part]] = defaultdict(list)
    for part in parts:
        by_request[part.request_id].append(part)
    lines = [turn.t("ht.list_title", commune=commune.name, total=len(by_request))]
    for request_parts in list(by_request.values())[:PAGE]:
        lines += ["", *request_lines(turn, request_parts)]
    turn.go(flow, "list")
    choices = [Choice(turn.t("ht.button.new"), "new"), *withdraw_choices(turn, parts)]
    return [Reply("\n".join(lines), tuple(choices))]


async def head_calendar(turn: Turn) -> list[Reply]:
    """The coming weeks for the divisions this supervisor heads: who comes, room left."""
    codes = await study.supervised_divisions(turn.tx, turn.person_id)
    divisions = [d for d in await org.divisions(turn.tx) if codes is None or d[0] in codes]
    if not divisions:
        return turn.say("ht.no_divisions")
    # Weeks not yet over: from Saturday on, this week's visits are past.
    first = week_of(turn.today) + timedelta(weeks=1 if turn.today.weekday() >= 5 else 0)
    last = first + timedelta(weeks=CALENDAR_WEEKS - 1)
    parts = await study.parts_between(turn.tx, first, last, [d[0] for d in divisions])
    cal = calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))
    capacity = turn.config.study_capacity
    lines = [
        turn.t(
            "ht.cal.title",
            divisions="; ".join(name for _, name in divisions),
            weeks=CALENDAR_WEEKS,
            capacity=capacity,
        )
    ]
    weeks = weeks_between(first, last)
    compact = codes is None
    lines += calendar_lines(weeks, divisions, parts, capacity, cal, turn.lang, compact=compact)
    # The hint names a real request: the first waiting for confirmation, else the first shown.
    shown = sorted(parts, key=lambda p: (p.status != "waiting", p.week_start, p.request_id))
    if shown:
        lines.append(turn.t("ht.cal.hint", n=shown[0].request_id, ref=shown[0].reference))
    else:
        lines.append(turn.t("ht.cal.none"))
    return [Reply("\n".join(lines))]
