"""Working-group visits (/tocongtac, /visit): a leader plans a visit to a commune of the group
(commune, date, members, agenda); those going and the commune's people are told."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.core.codes import match_code
from handlers.core.dates import format_day, parse_planned_day
from handlers.core.dayoff import working_calendar
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify, told_text
from handlers.core.steps import unreadable
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.visits import changes as visit_changes
from handlers.visits import followups
from handlers.visits import outcome as visit_outcome
from storage import followups as stored_followups
from storage import org, visits
from storage.models import Commune
from storage.visits import Group, Visit

VISIT = "wg"
PAGE = 10
MAX_AGENDA_CHARS = 1000
NEW_WORDS = {"moi", "new", "lenlich", "plan"}
OUTCOME_WORDS = {"ketqua", "kq", "outcome", "result"}


async def tocongtac(turn: Turn) -> list[Reply]:
    """/tocongtac [moi | commune]: the upcoming visits, or plan a new one."""
    args = turn.msg.args.strip()
    led = await visits.groups_led_by(turn.tx, turn.person_id)
    if not args:
        return await show_upcoming(turn, led)
    if fold(args).replace(" ", "") in OUTCOME_WORDS:
        return await visit_outcome.start_from_command(turn)
    reference = followups.parse_reference(args)
    if reference is not None:
        return await followups.show_card(turn, reference)
    change = visit_changes.command_word(args)
    if change is not None:
        return await visit_changes.from_command(turn, *change)
    if not led:
        return turn.say("wg.not_leader")
    data: dict[str, Any] = {}
    if len(led) == 1:
        data["group"] = led[0].id
    if fold(args).replace(" ", "") not in NEW_WORDS:
        data["commune_text"] = args
    return await advance(turn, data)


async def show_upcoming(turn: Turn, led: list[Group]) -> list[Reply]:
    """The upcoming visits of this person's groups, visits waiting for an outcome, and the open
    follow-up items that concern them (a commune's official sees those without a group)."""
    groups = await visits.groups_of(turn.tx, turn.person_id)
    waiting = await visits.visits_awaiting_outcome(turn.tx, turn.person_id, turn.today)
    items = await stored_followups.open_followups_concerning(turn.tx, turn.person_id, turn.today)
    # Visits of other groups to the commune this person serves or speaks for: they were told.
    hosting = [
        v
        for v in await visits.upcoming_visits_to_my_commune(turn.tx, turn.person_id, turn.today)
        if v.group_id not in {g.id for g in groups}
    ]
    if not groups and not items and not hosting:
        return turn.say("wg.not_in_group")
    choices: list[Choice] = [Choice(turn.t("wg.button.new"), "new")] if led else []
    if led:
        turn.go(VISIT, "list")
    if led:
        choices += await visit_changes.change_choices(turn)
    sections = [await _upcoming_lines(turn, groups)] if groups else []
    if hosting:
        sections.append(_hosting_lines(turn, hosting))
    if waiting:
        lines = [turn.t("wg.pending_title", count=len(waiting))]
        for visit in waiting[:PAGE]:
            lines.append(
                turn.t("wg.pending_line", day=turn.day(visit.day), commune=visit.commune_name)
            )
            label = turn.t(
                "wg.button.outcome_for", commune=visit.commune_name, day=format_day(visit.day)
            )
            choices.append(Choice(label, f"{followups.PREFIX}out:{visit.id}"))
        sections.append(lines)
    if items:
        cal = await working_calendar(turn)
        late = sum(1 for i in items if followups.overdue(i, turn.today, cal))
        lines = [turn.t("wg.followups_title", count=len(items), overdue=late)]
        lines += [followups.item_line(turn.lang, i, turn.today, cal) for i in items[:PAGE]]
        if len(items) > PAGE:
            lines.append(turn.t("wg.followups_more", more=len(items) - PAGE))
        choices += [Choice(i.reference, f"{followups.PREFIX}view:{i.id}") for i in items[:PAGE]]
        sections.append(lines)
    return [Reply("\n\n".join("\n".join(lines) for lines in sections), tuple(choices))]


async def _upcoming_lines(turn: Turn, groups: list[Group]) -> list[str]:
    items = await visits.upcoming_visits(turn.tx, [g.id for g in groups], turn.today)
    if not items:
        return [turn.t("wg.none", groups=_names(groups))]
    lines = [turn.t("wg.list_title", groups=_names(groups), total=len(items))]
    for item in items[:PAGE]:
        lines.append(
            turn.t(
                "wg.list_line",
                day=turn.day(item.day),
                commune=item.commune_name,
                agenda=_short(item.agenda),
                members=", ".join(item.member_names) or "—",
            )
        )
    if len(items) > PAGE:
        lines.append(turn.t("wg.list_more", more=len(items) - PAGE))
    return lines


def _hosting_lines(turn: Turn, hosting: list[Visit]) -> list[str]:
    lines = [turn.t("wg.hosting_title", total=len(hosting))]
    for item in hosting[:PAGE]:
        lines.append(
            turn.t(
                "wg.hosting_line",
                day=turn.day(item.day),
                group=item.group_name,
                commune=item.commune_name,
                agenda=_short(item.agenda),
                members=", ".join(item.member_names) or "—",
            )
        )
    if len(hosting) > PAGE:
        lines.append(turn.t("wg.list_more", more=len(hosting) - PAGE))
    return lines


def _names(groups: list[Group]) -> str:
    return ", ".join(g.name for g in groups)


def _short(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


async def _group(turn: Turn, data: dict[str, Any]) -> Group | None:
    led = await visits.groups_led_by(turn.tx, turn.person_id)
    return next((g for g in led if g.id == data.get("group")), None)


def _match_commune(text: str, communes: list[Commune]) -> Commune | None:
    """The commune whose code or name this is, or the only one whose name contains it."""
    found = _matches(text, communes)
    return found[0] if len(found) == 1 else None


def _matches(text: str, communes: list[Commune]) -> list[Commune]:
    """The exact match, else every commune whose name contains the text (folded)."""
    wanted = fold(text).strip()
    for commune in communes:
        if wanted in (fold(commune.code), fold(commune.name)):
            return [commune]
    code = match_code(text, [c.code for c in communes])  # "xa1" for XA01
    if code is not None:
        return [c for c in communes if c.code == code]
    # "Thượng" is in two names of group 1: asking beats guessing the wrong commune.
    return [c for c in communes if wanted and wanted in fold(c.name)]


async def advance(turn: Turn, data: dict[str, Any], note: str = "") -> list[Reply]:
    """Ask for what is missing (group, commune, date, members, agenda), or save."""
    prefix = note + "\n" if note else ""
    group = await _group(turn, data)
    if group is None:
        led = await visits.groups_led_by(turn.tx, turn.person_id)
        if not led:
            turn.finish()
            return turn.say("wg.not_leader")
        turn.go(VISIT, "group", **data)
        choices = tuple(Choice(g.name, f"g:{g.id}") for g in led)
        return [Reply(prefix + turn.t("wg.pick_group"), choices)]
    communes = await visits.group_communes(turn.tx, group.id)
    if "commune_text" in data:
        typed = str(data.pop("commune_text"))
        found = _match_commune(typed, communes)
        if found is not None:
            data["commune"] = found.code
        elif len(_matches(typed, communes)) > 1:
            prefix += turn.t("wg.commune_ambiguous", commune=typed) + "\n"
        else:
            everywhere = await org.all_communes(turn.tx)
            other = _match_commune(typed, everywhere)
            key = "wg.commune_not_in_group" if other else "wg.commune_unknown"
            name = other.name if other else typed
            prefix += turn.t(key, commune=name, group=group.name) + "\n"
    if data.get("commune") not in {c.code for c in communes}:
        turn.go(VISIT, "commune", **data)
        choices = tuple(Choice(f"{c.name} ({c.code})", f"c:{c.code}") for c in communes)
        return [Reply(prefix + turn.t("wg.pick_commune", group=group.name), choices)]
    commune = next(c for c in communes if c.code == data["commune"])
    if not data.get("day"):
        turn.go(VISIT, "day", **data)
        return [Reply(prefix + turn.t("wg.ask_day", commune=commune.name))]
    day = date.fromisoformat(str(data["day"]))
    if not data.get("offday_ok"):
        warning = await visit_changes.offday_warning(turn, day)
        if warning is not None:
            turn.go(VISIT, "offday", **data)
            return warning
    members = await visits.group_members(turn.tx, group.id)
    if not data.get("members_done"):
        chosen = {int(m) for m in data.get("members", [])}
        turn.go(VISIT, "members", **data)
        picks = [
            Choice(("✓ " if m.id in chosen else "") + m.full_name, f"m:{m.id}") for m in members
        ]
        picks.append(Choice(turn.t("wg.button.all"), "all"))
        picks.append(Choice(turn.t("wg.button.done"), "done"))
        picked = ", ".join(m.full_name for m in members if m.id in chosen) or "—"
        text = prefix + turn.t("wg.pick_members", day=turn.day(day), picked=picked)
        return [Reply(text, tuple(picks))]
    if not str(data.get("agenda", "")).strip():
        turn.go(VISIT, "agenda", **data)
        return [Reply(prefix + turn.t("wg.ask_agenda", commune=commune.name, day=turn.day(day)))]
    return await save(turn, group, commune, day, data)


async def save(
    turn: Turn, group: Group, commune: Commune, day: date, data: dict[str, Any]
) -> list[Reply]:
    """Store the visit and queue the notices to the members going and the commune's officials."""
    assert turn.person is not None
    member_ids = [int(m) for m in data.get("members", [])]
    agenda = str(data["agenda"]).strip()
    visit_id = await visits.add_visit(
        turn.tx,
        group_id=group.id,
        commune_code=commune.code,
        day=day,
        agenda=agenda,
        planned_by=turn.person_id,
        member_ids=member_ids,
        now=turn.now,
    )
    members = [m for m in await visits.group_members(turn.tx, group.id) if m.id in member_ids]
    officials = await visits.officials_in_commune_on(turn.tx, commune.code, day)
    officials += await visits.commune_contacts_of(turn.tx, commune.code)
    names = ", ".join(m.full_name for m in members)
    told: dict[int, str] = {}
    for person in [*members, *officials]:
        if person.id == turn.person_id or person.id in told:
            continue
        told[person.id] = person.full_name
        lang = person.language or turn.config.language
        text = t(
            lang,
            "wg.notify.new",
            leader=turn.person.full_name,
            group=group.name,
            commune=commune.name,
            day=format_day(day, lang, weekday=True),
            members=names,
            agenda=agenda,
        )
        await notify(turn, person.id, f"wg:{visit_id}:new:{person.id}", Reply(text))
    turn.finish()
    return turn.say(
        "wg.saved",
        group=group.name,
        commune=commune.name,
        day=turn.day(day),
        members=names,
        told=await told_text(turn, told),
    )


async def visit_choice(turn: Turn, value: str) -> list[Reply]:
    """A group, commune, confirmation or member picked while planning."""
    data = dict(turn.state.data)
    step = turn.state.step
    if step == "list" and value == "new":
        led = await visits.groups_led_by(turn.tx, turn.person_id)
        return await advance(turn, {"group": led[0].id} if len(led) == 1 else {})
    if step == "group" and value.startswith("g:") and value[2:].isdigit():
        data["group"] = int(value[2:])
    elif step == "commune" and value.startswith("c:"):
        data["commune"] = value[2:]
    elif step == "offday" and value == "keep":
        data["offday_ok"] = True
    elif step == "offday" and value == "other":
        data.pop("day", None)
    elif step == "members" and value in ("all", "done"):
        group = await _group(turn, data)
        if group is None:
            return turn.say("error.stale_choice")
        if value == "all":
            data["members"] = [m.id for m in await visits.group_members(turn.tx, group.id)]
        elif not data.get("members"):
            return await advance(turn, data, turn.t("wg.members_empty"))
        data["members_done"] = True
    elif step == "members" and value.startswith("m:") and value[2:].isdigit():
        chosen = [int(m) for m in data.get("members", [])]
        person_id = int(value[2:])
        data["members"] = (
            [m for m in chosen if m != person_id]
            if person_id in chosen
            else [
                *chosen,
                person_id,
            ]
        )
    else:
        return turn.say("error.stale_choice")
    return await advance(turn, data)


async def visit_message(turn: Turn) -> list[Reply]:
    """A typed commune, date or agenda; anything else shows the choices again."""
    data = dict(turn.state.data)
    step = turn.state.step
    msg = turn.msg
    if step == "list":
        return await turn.as_new_message()
    if msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = msg.text.strip()
    if step == "commune" and text:
        data["commune_text"] = text
        return await advance(turn, data)
    if step == "day":
        day = parse_planned_day(text, turn.today)
        if day is None or isinstance(day, str):
            key = "wg.no_such_day" if day == "invalid" else "wg.not_a_date"
            return await advance(turn, data, turn.t(key, written=text))
        if day < turn.today:
            return await advance(turn, data, turn.t("wg.past_day", day=turn.day(day)))
        data["day"] = day.isoformat()
        data.pop("offday_ok", None)
        return await advance(turn, data)
    if step == "agenda":
        if not text:
            return await advance(turn, data)
        if len(text) > MAX_AGENDA_CHARS:
            return await advance(turn, data, turn.t("wg.agenda_too_long", limit=MAX_AGENDA_CHARS))
        if text.strip(" .,;:-").isdigit():
            # A number here is a late tap on the members list (Zalo, console), not an agenda.
            return await advance(turn, data, turn.t("wg.agenda_is_number", written=text.strip()))
        data["agenda"] = text
        return await advance(turn, data)
    return await advance(turn, data, turn.t("log.pick_again"))
