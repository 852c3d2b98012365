"""Raising a difficulty or a question for leadership (/khokhan) and following one's own."""

from __future__ import annotations

from typing import Any

from handlers.core.deadlines import DeadlinePolicy
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify, standing
from handlers.core.steps import description_step
from handlers.core.texts import t
from handlers.core.topics import TOPICS, is_topic, topic_label
from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.difficulty import actions as difficulty_actions
from handlers.difficulty.actions import action_choices
from handlers.difficulty.lifecycle import Actor, Status
from handlers.difficulty.views import summary_line, when
from storage import calendar, difficulties, org, prefs, scope
from storage.difficulties import Difficulty, reference
from storage.models import Person, Role
from storage.worklog import NewAttachment, add_attachment

RAISE = "kk"
AFTER = "kk_after"
KINDS = ("difficulty", "question")
URGENCIES = ("normal", "urgent")


async def working_calendar(turn: Turn) -> WorkingCalendar:
    """The working calendar with the days the admin declared."""
    return calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))


async def start_raise(
    turn: Turn, text: str = "", files: list[list[str]] | None = None
) -> list[Reply]:
    """Start raising a difficulty (optionally with the text already given)."""
    if turn.person is None or turn.person.role != Role.OFFICIAL:
        return turn.say("not_official")
    data: dict[str, Any] = {"text": text, "files": files or []}
    return await advance(turn, data)


async def new_button(turn: Turn, value: str) -> list[Reply]:
    """The «raise a new one» button (`k:new:0`) under the list of one's open difficulties."""
    turn.finish()
    return await start_raise(turn)


async def khokhan(turn: Turn) -> list[Reply]:
    """/khokhan: open one (`/khokhan 42`), raise one (`/khokhan <text>`) or list open ones."""
    number = parse_reference(turn.msg.args)
    if number is not None:
        return await difficulty_actions.show(turn, number)
    if turn.person is not None and turn.person.role != Role.OFFICIAL:
        return await difficulty_actions.list_in_scope(turn)
    if turn.msg.args.strip():
        # "/khokhan <description>" as people write it: the words are the description, kept.
        return await start_raise(turn, turn.msg.args.strip())
    mine = await difficulties.open_difficulties_of_reporter(turn.tx, turn.person_id)
    if not mine:
        return await start_raise(turn)
    return [my_open_list(turn, mine, with_new_button=True)]


def my_open_list(turn: Turn, items: list[Difficulty], *, with_new_button: bool) -> Reply:
    """The person's open difficulties with their status, each one a button.

    "Nêu khó khăn mới" comes first, so on numbered channels its number is always 1 however
    many are open; there the numbered choices are the list itself (shown once, not twice).
    """
    choices = [Choice(turn.t("kk.new_button"), "k:new:0")] if with_new_button else []
    lines = [turn.t("kk.mine_title")]
    for item in items[:10]:
        line = summary_line(turn.lang, item, turn.now)
        if turn.msg.numbered_choices:
            choices.append(Choice(line, f"k:view:{item.id}"))
        else:
            lines.append(line)
            choices.append(Choice(item.reference, f"k:view:{item.id}"))
    return Reply("\n".join(lines), tuple(choices))


def parse_reference(text: str) -> int | None:
    """42 from '42', 'KK-0042', 'kk42'."""
    digits = text.strip().upper().removeprefix("KK").lstrip("-").strip()
    return int(digits) if digits.isdigit() else None


async def advance(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Ask for what is missing (commune, topic, kind, urgency, text), or save."""
    communes = await org.communes_of_person_on(turn.tx, turn.person_id, turn.today)
    if not communes:
        # An official between assignments may still raise about their last commune.
        communes = await org.current_and_next_communes(turn.tx, turn.person_id, turn.today)
    if not communes:
        turn.finish()
        return turn.say("log.no_assignment", day=turn.day(turn.today))
    if data.get("commune") not in {c.code for c in communes}:
        if len(communes) == 1:
            data["commune"] = communes[0].code
        else:
            turn.go(RAISE, "commune", **data)
            return turn.say("kk.pick_commune", *[Choice(c.name, f"c:{c.code}") for c in communes])
    if not is_topic(str(data.get("topic", ""))):
        turn.go(RAISE, "topic", **data)
        return turn.say(
            "kk.pick_topic", *[Choice(t.label(turn.lang), f"t:{t.code}") for t in TOPICS]
        )
    if data.get("kind") not in KINDS:
        turn.go(RAISE, "kind", **data)
        return turn.say("kk.pick_kind", *[Choice(turn.t(f"kk.kind.{k}"), f"k_{k}") for k in KINDS])
    if data.get("urgency") not in URGENCIES:
        turn.go(RAISE, "urgency", **data)
        choices = [Choice(turn.t(f"kk.urgency.{u}"), f"u_{u}") for u in URGENCIES]
        return turn.say("kk.pick_urgency", *choices)
    if not str(data.get("text", "")).strip():
        turn.go(RAISE, "text", **data)
        return turn.say(
            "kk.ask_text",
            kind=turn.t(f"kk.kind.{data['kind']}"),
            urgency=turn.t(f"kk.urgency.{data['urgency']}"),
        )
    return await save(turn, data)


async def save(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Store the difficulty, queue the notices to supervisors, and answer with its reference."""
    person = turn.person
    assert person is not None
    cal = await working_calendar(turn)
    policy: DeadlinePolicy = turn.config.deadlines
    first_due, resolution_due = policy.due(cal, turn.now, data["urgency"])
    difficulty_id = await difficulties.add_difficulty(
        turn.tx,
        reporter_id=person.id,
        commune_code=data["commune"],
        division_code=person.division_code,
        topic=data["topic"],
        kind=data["kind"],
        urgency=data["urgency"],
        description=str(data["text"]).strip(),
        now=turn.now,
        first_response_due=first_due,
        resolution_due=resolution_due,
    )
    for kind, file_id in data.get("files", []):
        await add_attachment(
            turn.tx,
            "difficulty",
            difficulty_id,
            turn.msg.channel,
            NewAttachment(kind, file_id),
            turn.now,
        )
    item = await difficulties.difficulty_by_id(turn.tx, difficulty_id)
    assert item is not None
    watchers = await scope.supervisors_for(turn.tx, item.division_code, item.commune_code)
    await notify_new(turn, item, watchers)
    turn.go(AFTER, "attach", id=difficulty_id)
    who = ", ".join(p.full_name for p in watchers) or turn.t("kk.nobody")
    return turn.say(
        "kk.saved",
        reference=reference(difficulty_id),
        kind=turn.t(f"kk.kind.{item.kind}"),
        urgency=turn.t(f"kk.urgency.{item.urgency}"),
        due=when(first_due, turn.config.zone),
        who=who,
    )


async def notify_new(turn: Turn, item: Difficulty, watchers: list[Person]) -> None:
    """Push a new difficulty to supervisors in scope (normal ones unless 'digest only')."""
    for supervisor in watchers:
        if item.urgency != "urgent":
            mode = await prefs.notify_mode(turn.tx, supervisor.id)
            if mode == "digest":
                continue
        lang = supervisor.language or turn.config.language
        text = t(
            lang,
            "kk.notify.new",
            urgent_mark=t(lang, "kk.notify.urgent_mark") if item.urgency == "urgent" else "",
            reference=item.reference,
            reporter=item.reporter_name,
            commune=item.commune_name,
            kind=t(lang, f"kk.kind.{item.kind}"),
            topic=topic_label(item.topic, lang),
            description=item.description,
            first_due=when(item.first_response_due, turn.config.zone),
        )
        choices = action_choices(lang, item.id, Actor.SUPERVISOR, Status.NEW)
        await notify(
            turn, supervisor.id, f"kk:{item.id}:new:{supervisor.id}", standing(text, *choices)
        )


async def raise_choice(turn: Turn, value: str) -> list[Reply]:
    """A commune, topic, kind or urgency picked while raising."""
    data = dict(turn.state.data)
    step = turn.state.step
    if step == "commune" and value.startswith("c:"):
        data["commune"] = value[2:]
    elif step == "topic" and value.startswith("t:") and is_topic(value[2:]):
        data["topic"] = value[2:]
    elif step == "kind" and value.removeprefix("k_") in KINDS:
        data["kind"] = value.removeprefix("k_")
    elif step == "urgency" and value.removeprefix("u_") in URGENCIES:
        data["urgency"] = value.removeprefix("u_")
    else:
        return turn.say("error.stale_choice")
    return await advance(turn, data)


async def raise_message(turn: Turn) -> list[Reply]:
    """The description (with photos) while raising; anything else shows the choices again."""
    return await description_step(turn, RAISE, advance, "kk.empty")


async def after_choice(turn: Turn, value: str) -> list[Reply]:
    """No choices are offered right after raising; an old one is stale."""
    return turn.say("error.stale_choice")


async def after_message(turn: Turn) -> list[Reply]:
    """Photos right after raising attach to it; anything else is a fresh message."""
    msg = turn.msg
    if msg.kind in (Kind.PHOTO, Kind.FILE) and not msg.text.strip():
        difficulty_id = int(turn.state.data["id"])
        for attachment in msg.attachments:
            await add_attachment(
                turn.tx,
                "difficulty",
                difficulty_id,
                msg.channel,
                NewAttachment(attachment.kind, attachment.file_id),
                turn.now,
            )
        item = await difficulties.difficulty_by_id(turn.tx, difficulty_id)
        count = item.attachment_count if item else 0
        return turn.say("kk.attached", reference=reference(difficulty_id), count=count)
    return await turn.as_new_message()
