"""A commune contact withdraws a study request (/hoctap hủy 7, or «Rút đăng ký» under /hoctap)."""

from __future__ import annotations

import re

from handlers.core.messages import Choice, Reply
from handlers.core.notify import notify, told_text
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.study.weeks import format_week
from storage import org, scope, study, study_withdraw
from storage.models import Person, Role
from storage.study import Part

PREFIX = "htw:"
ACTIONS = ("ask", "yes", "keep")
WORDS = {"huy", "rut", "rutdangky", "withdraw", "cancel"}
_NUMBER = re.compile(r"^\s*(?:ht[-\s]?)?0*(\d{1,6})\s*$", re.I)


def command(args: str) -> str | None:
    """The rest of `/hoctap hủy …` (maybe empty), None when the words are not a withdrawal."""
    first, _, rest = args.strip().partition(" ")
    return rest.strip() if fold(first) in WORDS else None


def withdraw_choices(turn: Turn, parts: list[Part]) -> list[Choice]:
    """A «Rút đăng ký» button per listed request that still has a week to come."""
    seen: list[int] = []
    for part in parts:
        if _open(turn, part) and part.request_id not in seen:
            seen.append(part.request_id)
    return [
        Choice(turn.t("ht.button.withdraw", ref=study.reference(i)), f"{PREFIX}ask:{i}")
        for i in seen
    ]


def _open(turn: Turn, part: Part) -> bool:
    return part.status in ("waiting", "confirmed") and part.week_start > turn.today


async def from_command(turn: Turn, rest: str) -> list[Reply]:
    """`/hoctap hủy 7`: ask to confirm the withdrawal."""
    number = _NUMBER.match(rest)
    if not number:
        return turn.say("ht.withdraw_which")
    return await _act(turn, "ask", int(number.group(1)))


async def on_button(turn: Turn, value: str) -> list[Reply]:
    """A `htw:<ask|yes|keep>:<request>` button."""
    _, action, arg = [*value.split(":", 2), "", ""][:3]
    if not (arg.isascii() and arg.isdigit() and len(arg) <= 9) or action not in ACTIONS:
        return turn.say("error.stale_choice")
    return await _act(turn, action, int(arg))


async def _act(turn: Turn, action: str, request_id: int) -> list[Reply]:
    assert turn.person is not None
    ref = study.reference(request_id)
    mine = await study.commune_of_contact(turn.tx, turn.person_id)
    if (
        turn.person.role != Role.COMMUNE_OFFICIAL
        or mine is None
        or await study.request_commune(turn.tx, request_id) != mine.code
    ):
        return turn.say("ht.withdraw_not_yours", ref=ref)
    parts = await study.parts_of_request(turn.tx, request_id)
    if not any(_open(turn, p) for p in parts):
        turn.finish()
        return turn.say("ht.withdraw_none_left", ref=ref)
    if action == "ask":
        return turn.say(
            "ht.withdraw_confirm",
            Choice(turn.t("ht.button.withdraw_yes"), f"{PREFIX}yes:{request_id}"),
            Choice(turn.t("ht.button.withdraw_keep"), f"{PREFIX}keep:{request_id}"),
            ref=ref,
            topic=parts[0].topic,
        )
    turn.finish()
    if action == "keep":
        return turn.say("ht.withdraw_kept", ref=ref)
    ids = await study_withdraw.withdraw(
        turn.tx, request_id, by=turn.person_id, today=turn.today, now=turn.now
    )
    told: dict[int, str] = {}
    for part in parts:
        if part.id in ids:
            for person in await _to_tell(turn, part):
                told[person.id] = person.full_name
                await _tell(turn, person, part)
    text = turn.t("ht.withdrawn", ref=ref, told=await told_text(turn, told))
    for part in parts:
        if part.id not in ids and part.status in ("waiting", "confirmed"):
            week = format_week(part.week_start, turn.lang)
            text += turn.t("ht.withdraw_started", division=part.division_name, week=week)
    return [Reply(text)]


async def _to_tell(turn: Turn, part: Part) -> list[Person]:
    """The division's heads (leaders when none), the confirmer and the registering contact."""
    people = await org.division_heads(turn.tx, part.division_code)
    if not people:
        people = await scope.department_leaders(turn.tx)
    for other in (part.confirmed_by, part.contact_id):
        if other is not None and all(p.id != other for p in people):
            person = await org.person_by_id(turn.tx, other)
            if person is not None and person.active:
                people.append(person)
    return [p for p in people if p.id != turn.person_id]


async def _tell(turn: Turn, person: Person, part: Part) -> None:
    assert turn.person is not None
    lang = person.language or turn.config.language
    text = t(
        lang,
        "ht.notify.withdrawn",
        contact=turn.person.full_name,
        commune=part.commune_name,
        ref=part.reference,
        division=part.division_name,
        week=format_week(part.week_start, lang),
        people=part.people,
    )
    await notify(turn, person.id, f"ht:{part.id}:withdrawn:{person.id}", Reply(text))


async def withdrawn_reply(turn: Turn, part: Part) -> list[Reply] | None:
    """A head's tap on a withdrawn part: who withdrew it and when; None if not withdrawn."""
    found = await study_withdraw.withdrawn_by(turn.tx, part.id)
    if found is None:
        return None
    name, at = found
    when = at.astimezone(turn.config.zone).strftime("%d/%m/%Y %H:%M")
    return turn.say("ht.withdrawn_part", ref=part.reference, name=name, at=when)
