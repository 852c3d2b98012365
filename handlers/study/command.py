"""Study visits at the department (/hoctap, /study): a commune contact registers officials to
come and learn from one or more divisions; each request gets a reference `HT-0007`."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from handlers.core.codes import match_code
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify
from handlers.core.steps import unreadable
from handlers.core.textfold import fold
from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.study import actions as study_actions
from handlers.study import views as study_views
from handlers.study import withdraw as study_withdraw
from handlers.study.parse import looks_like_name, parse_people, parse_weeks
from handlers.study.weeks import fits, format_week, nearest_week_with_room, room_left, week_of
from storage import audit, calendar, org, scope, study, visits
from storage.models import Commune, Role

FLOW = "ht"
MAX_PEOPLE = 50
MAX_TOPIC_CHARS = 500
MAX_WEEKS = 3
SHOWN_NAMES = 10
NEW_WORDS = {"moi", "new", "dangky", "register"}
DONE_WORDS = {"xong", "done", "ok"}
_REFERENCE = re.compile(r"^\s*(?:ht[-\s]?)?0*(\d{1,6})\s*$", re.I)


async def hoctap(turn: Turn) -> list[Reply]:
    """/hoctap [HT-0007 | moi]: a request, the commune's requests, or a head's calendar."""
    assert turn.person is not None
    args = turn.msg.args.strip()
    number = _REFERENCE.match(args)
    if number:
        return await study_views.show_request(turn, int(number.group(1)))
    withdrawal = study_withdraw.command(args)
    if withdrawal is not None:
        return await study_withdraw.from_command(turn, withdrawal)
    if turn.person.role == Role.COMMUNE_OFFICIAL:
        commune = await study.commune_of_contact(turn.tx, turn.person_id)
        wants_new = fold(args).replace(" ", "") in NEW_WORDS
        if commune is None:
            claims = await study.commune_claims(turn.tx, turn.person_id)
            note = ""
            if claims:
                note = turn.t("ht.claim_pending", commune=claims[0].commune.name)
            return await _ask_commune(turn, {"new": wants_new}, note)
        return await _home(turn, commune, wants_new)
    if await scope.is_supervisor(turn.tx, turn.person_id):
        return await study_views.head_calendar(turn)
    return turn.say("ht.not_for_you")


async def _home(turn: Turn, commune: Commune, wants_new: bool) -> list[Reply]:
    """The commune's requests; registering at once when asked or when there are none yet."""
    if not wants_new:
        listed = await study_views.commune_requests(turn, commune, FLOW)
        if listed:
            return listed
        return await advance(turn, {}, turn.t("ht.none", commune=commune.name))
    return await advance(turn, {})


async def _ask_commune(turn: Turn, data: dict[str, Any], note: str = "") -> list[Reply]:
    communes = await org.all_communes(turn.tx)
    turn.go(FLOW, "commune", **data)
    choices = tuple(Choice(f"{c.name} ({c.code})", f"c:{c.code}") for c in communes)
    return [Reply((note + "\n" if note else "") + turn.t("ht.pick_commune"), choices)]


async def _set_commune(turn: Turn, code: str, data: dict[str, Any]) -> list[Reply]:
    """A commune picked in the chat: a claim for the admin to confirm, never a grant."""
    commune = next((c for c in await org.all_communes(turn.tx) if c.code == code), None)
    if commune is None:
        return await _ask_commune(turn, data, turn.t("ht.commune_unknown", commune=code))
    granted = await study.commune_of_contact(turn.tx, turn.person_id)
    if granted is not None:
        # The admin set it meanwhile: nothing to claim.
        turn.finish()
        return [Reply(turn.t("ht.commune_set", commune=granted.name))]
    await study.claim_commune(turn.tx, turn.person_id, commune.code, turn.now)
    await audit.add_audit(
        turn.tx,
        at=turn.now,
        actor=f"person:{turn.person_id}",
        action="commune_claim",
        subject=f"commune:{commune.code}",
    )
    person = turn.person
    assert person is not None
    for admin in await scope.admins(turn.tx):
        notice = Reply(
            turn.t(
                "ht.claim_notice",
                name=person.full_name,
                phone=person.phone or "—",
                commune=commune.name,
            )
        )
        await notify(turn, admin.id, f"htclaim:{person.id}:{commune.code}:{admin.id}", notice)
    turn.finish()
    others = await visits.commune_contacts_of(turn.tx, commune.code)
    text = turn.t("ht.commune_claimed", commune=commune.name)
    if others:
        names = ", ".join(p.full_name for p in others)
        text += "\n" + turn.t("ht.commune_has_contact", commune=commune.name, names=names)
    return [Reply(text)]


def _match_commune(text: str, communes: list[Commune]) -> Commune | None:
    wanted = fold(text).strip()
    exact = [c for c in communes if wanted in (fold(c.code), fold(c.name))]
    if exact:
        return exact[0]
    code = match_code(text, [c.code for c in communes])  # "xa1" for XA01
    if code is not None:
        return next(c for c in communes if c.code == code)
    partial = [c for c in communes if wanted and wanted in fold(c.name)]
    return partial[0] if len(partial) == 1 else None


async def _calendar(turn: Turn) -> WorkingCalendar:
    return calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))


async def advance(turn: Turn, data: dict[str, Any], note: str = "") -> list[Reply]:
    """Ask for what is missing (officials, divisions, weeks, topic), or save the request."""
    prefix = note + "\n" if note else ""
    if not data.get("people"):
        turn.go(FLOW, "people", **data)
        return [Reply(prefix + turn.t("ht.ask_people", limit=MAX_PEOPLE))]
    divisions = await org.divisions(turn.tx)
    chosen = [c for c in data.get("divisions", []) if c in dict(divisions)]
    if not data.get("divisions_done") or not chosen:
        turn.go(FLOW, "divisions", **data)
        picks = [
            Choice(("✓ " if code in chosen else "") + name, f"d:{code}") for code, name in divisions
        ]
        picks.append(Choice(turn.t("ht.button.done"), "done"))
        picks.append(Choice(turn.t("ht.button.retype"), "again"))
        picked = "; ".join(name for code, name in divisions if code in chosen) or "—"
        text = prefix + turn.t(
            "ht.pick_divisions",
            people=len(data["people"]),
            names=_names(turn, data["people"]),
            picked=picked,
        )
        return [Reply(text, tuple(picks))]
    if not data.get("weeks"):
        turn.go(FLOW, "weeks", **data)
        cal = await _calendar(turn)
        first = week_of(turn.today) + timedelta(days=7)
        offered = [first + timedelta(days=7 * n) for n in range(6)]
        choices = tuple(
            Choice(format_week(w, turn.lang), f"w:{w.isoformat()}")
            for w in offered
            if room_left(w, lambda _: 0, 1, cal)
        )[:4]
        text = turn.t("ht.ask_weeks", first=format_week(first, turn.lang), example=f"{first:%d/%m}")
        return [Reply(prefix + text, choices)]
    if not str(data.get("topic", "")).strip():
        turn.go(FLOW, "topic", **data)
        return [Reply(prefix + turn.t("ht.ask_topic"))]
    return await save(turn, data)


def _names(turn: Turn, people: list[list[str]]) -> str:
    """'Nguyễn Văn A (Phó Chủ tịch), Trần Thị B' — the first ten, then how many more."""
    shown = [f"{n} ({p})" if p else str(n) for n, p in people[:SHOWN_NAMES]]
    more = len(people) - SHOWN_NAMES
    return ", ".join(shown) + (turn.t("ht.names_more", more=more) if more > 0 else "")


def _match_division(text: str, divisions: list[tuple[str, str]]) -> str | None:
    """A division typed by code or name ("XDCQ", "Xây dựng chính quyền"), if just one fits."""
    wanted = fold(text)
    for code, name in divisions:
        if wanted in (fold(code), fold(name), fold(name).removeprefix("phong ")):
            return code
    partial = [code for code, name in divisions if len(wanted) >= 4 and wanted in fold(name)]
    return partial[0] if len(partial) == 1 else None


async def _typed_at_divisions(turn: Turn, data: dict[str, Any], text: str) -> list[Reply]:
    """A division, "xong", or more officials typed while the divisions are asked."""
    code = _match_division(text, await org.divisions(turn.tx))
    if code is not None:
        return await study_choice(turn, f"d:{code}")
    if fold(text) in DONE_WORDS:
        return await study_choice(turn, "done")
    more = parse_people(text)
    if not more or not all(looks_like_name(name) for name, _ in more):
        return await advance(turn, data, turn.t("log.pick_again"))
    people = [*data["people"], *[list(p) for p in more]]
    if len(people) > MAX_PEOPLE:
        return await advance(turn, data, turn.t("ht.too_many_people", limit=MAX_PEOPLE))
    data["people"] = people
    return await advance(turn, data, turn.t("ht.people_added", added=len(more)))


async def save(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Place each division's part, store the request and tell each division's heads."""
    assert turn.person is not None
    commune = await study.commune_of_contact(turn.tx, turn.person_id)
    if commune is None:
        return await _ask_commune(turn, {"new": True})
    cal = await _calendar(turn)
    capacity = turn.config.study_capacity
    people = [(str(n), str(p)) for n, p in data["people"]]
    weeks = sorted(date.fromisoformat(w) for w in data["weeks"])
    names = dict(await org.divisions(turn.tx))
    new_parts: list[study.NewPart] = []
    for code in data["divisions"]:
        used = await study.booked(turn.tx, code, weeks[0], weeks[0] + timedelta(weeks=110))

        def booked(monday: date, used: dict[date, int] = used) -> int:
            return used.get(monday, 0)

        placed = next(
            (w for w in weeks if fits(room_left(w, booked, capacity, cal), len(people), capacity)),
            None,
        )
        preferred = placed or weeks[0]
        week = placed or nearest_week_with_room(weeks[0], len(people), booked, capacity, cal)
        new_parts.append(study.NewPart(code, preferred, week))
    request_id, part_ids = await study.add_request(
        turn.tx,
        commune_code=commune.code,
        contact_id=turn.person_id,
        topic=str(data["topic"]).strip(),
        preferred_weeks=weeks,
        participants=people,
        parts=new_parts,
        now=turn.now,
    )
    lines = [
        turn.t(
            "ht.saved",
            ref=study.reference(request_id),
            commune=commune.name,
            people=len(people),
            topic=str(data["topic"]).strip(),
        )
    ]
    for part_id in part_ids:
        part = await study.part_by_id(turn.tx, part_id)
        assert part is not None
        await _tell_heads(turn, part)
        division = names[part.division_code]
        where = (
            turn.t(
                "ht.saved_placed", division=division, week=format_week(part.week_start, turn.lang)
            )
            if part.week_start == part.preferred_week
            else study_actions.moved_note(
                turn.lang, "saved", part.preferred_week, part.week_start, cal, division=division
            )
        )
        lines.append("• " + where)
    lines.append(turn.t("ht.saved_next"))
    turn.finish()
    return [Reply("\n".join(lines))]


async def _tell_heads(turn: Turn, part: study.Part) -> None:
    """The division's heads (leadership when the division has none) get the card with buttons."""
    heads = await org.division_heads(turn.tx, part.division_code)
    if not heads:
        heads = await scope.department_leaders(turn.tx)
    for head in heads:
        lang = head.language or turn.config.language
        card = await study_actions.head_card(turn, part, lang, standing=True)
        await notify(turn, head.id, f"ht:{part.id}:new:{head.id}", card)


async def study_choice(turn: Turn, value: str) -> list[Reply]:
    """A commune, division, week or 'new' picked while registering."""
    data = dict(turn.state.data)
    step = turn.state.step
    if step == "list" and value == "new":
        return await advance(turn, {})
    if step == "commune" and value.startswith("c:"):
        return await _set_commune(turn, value[2:], data)
    if step == "divisions" and value.startswith("d:"):
        chosen = list(data.get("divisions", []))
        code = value[2:]
        data["divisions"] = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
    elif step == "divisions" and value == "again":
        data.pop("people", None)
    elif step == "divisions" and value == "done":
        if not data.get("divisions"):
            return await advance(turn, data, turn.t("ht.divisions_empty"))
        data["divisions_done"] = True
    elif step == "weeks" and value.startswith("w:"):
        try:
            week = date.fromisoformat(value[2:])
        except ValueError:
            return turn.say("error.stale_choice")
        return await _take_weeks(turn, data, [week_of(week)])
    else:
        return turn.say("error.stale_choice")
    return await advance(turn, data)


async def _take_weeks(turn: Turn, data: dict[str, Any], weeks: list[date]) -> list[Reply]:
    this_week = week_of(turn.today)
    past = [w for w in weeks if w <= this_week]
    if past:
        return await advance(
            turn,
            data,
            turn.t(
                "ht.past_week",
                week=format_week(past[0], turn.lang),
                first=format_week(this_week + timedelta(days=7), turn.lang),
            ),
        )
    if len(weeks) > MAX_WEEKS:
        return await advance(turn, data, turn.t("ht.too_many_weeks", limit=MAX_WEEKS))
    data["weeks"] = [w.isoformat() for w in weeks]
    return await advance(turn, data)


async def study_message(turn: Turn) -> list[Reply]:
    """A typed commune, list of officials, weeks or topic."""
    data = dict(turn.state.data)
    step = turn.state.step
    msg = turn.msg
    if step == "list":
        # A list of officials sent right after /hoctap starts the new request with them.
        people = parse_people(msg.text) if msg.kind == Kind.TEXT else []
        if people and len(people) <= MAX_PEOPLE and all(looks_like_name(n) for n, _ in people):
            return await advance(turn, {"people": [list(p) for p in people]})
        turn.finish()
        return turn.say("ht.list_hint")
    if msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = msg.text.strip()
    if step == "commune":
        found = _match_commune(text, await org.all_communes(turn.tx))
        if found is None:
            return await _ask_commune(turn, data, turn.t("ht.commune_unknown", commune=text))
        return await _set_commune(turn, found.code, data)
    if step == "people":
        people = parse_people(text)
        if not people:
            return await advance(turn, data, turn.t("ht.zero_people"))
        if len(people) > MAX_PEOPLE:
            return await advance(turn, data, turn.t("ht.too_many_people", limit=MAX_PEOPLE))
        data["people"] = [list(p) for p in people]
        return await advance(turn, data)
    if step == "weeks":
        weeks = parse_weeks(text, turn.today)
        if isinstance(weeks, str):
            key = "ht.no_such_day" if weeks == "invalid" else "ht.not_a_week"
            return await advance(turn, data, turn.t(key, written=text))
        return await _take_weeks(turn, data, weeks)
    if step == "divisions" and data.get("people"):
        return await _typed_at_divisions(turn, data, text)
    if step == "topic":
        if not text:
            return await advance(turn, data)
        if len(text) > MAX_TOPIC_CHARS:
            return await advance(turn, data, turn.t("ht.topic_too_long", limit=MAX_TOPIC_CHARS))
        data["topic"] = text
        return await advance(turn, data)
    return await advance(turn, data, turn.t("log.pick_again"))
