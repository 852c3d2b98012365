"""Acting on a difficulty: supervisors acknowledge, answer, ask, forward, resolve; the reporter
adds detail, confirms or reopens. Every step goes through the lifecycle table."""

from __future__ import annotations

from handlers.core.ages import age_text
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.notify import notify, standing
from handlers.core.steps import unreadable
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.difficulty.filters import Filters, parse_filters
from handlers.difficulty.lifecycle import (
    FIRST_RESPONSE,
    Action,
    Actor,
    Status,
    allowed_actions,
    next_status,
)
from handlers.difficulty.views import (
    detail_card,
    history_lines,
    latest_answer,
    status_label,
    summary_line,
)
from storage import difficulties, org, outbox, prefs, scope
from storage.difficulties import Difficulty, reference
from storage.worklog import NewAttachment, add_attachment

ACT = "kkact"
PAGE = 10
BUTTONS = {
    Action.ACKNOWLEDGE: "kk.button.ack",
    Action.ANSWER: "kk.button.answer",
    Action.ASK_INFO: "kk.button.ask",
    Action.FORWARD: "kk.button.forward",
    Action.RESOLVE: "kk.button.resolve",
    Action.COMMENT: "kk.button.comment",
    Action.CONFIRM: "kk.button.confirm",
    Action.REOPEN: "kk.button.reopen",
}
PROMPTS = {
    Action.ANSWER: "kk.ask.answer",
    Action.ASK_INFO: "kk.ask.ask",
    Action.COMMENT: "kk.ask.comment",
    Action.REOPEN: "kk.ask.reopen",
    Action.FORWARD: "kk.ask.forward_note",
}


def action_choices(lang: str, difficulty_id: int, actor: Actor, status: Status) -> list[Choice]:
    """The buttons this actor may press now."""
    return [
        Choice(t(lang, BUTTONS[a]), f"k:{a.value}:{difficulty_id}")
        for a in allowed_actions(actor, status)
    ]


async def actor_for(turn: Turn, item: Difficulty) -> Actor | None:
    """Reporter, supervisor in scope, or nobody allowed."""
    if item.reporter_id == turn.person_id:
        return Actor.REPORTER
    if await scope.oversees(
        turn.tx, turn.person_id, item.division_code, item.commune_code, item.assignee_id
    ):
        return Actor.SUPERVISOR
    return None


async def _visible(turn: Turn, difficulty_id: int) -> tuple[Difficulty, Actor] | None:
    item = await difficulties.difficulty_by_id(turn.tx, difficulty_id)
    if item is None:
        return None
    actor = await actor_for(turn, item)
    return None if actor is None else (item, actor)


async def show(turn: Turn, difficulty_id: int) -> list[Reply]:
    """The detail card with the buttons this person may press."""
    found = await _visible(turn, difficulty_id)
    if found is None:
        return turn.say("kk.not_found", reference=reference(difficulty_id))
    item, actor = found
    choices = action_choices(turn.lang, item.id, actor, Status(item.status))
    choices.append(Choice(turn.t("kk.button.history"), f"k:hist:{item.id}"))
    events = await difficulties.events_of(turn.tx, item.id)
    text = detail_card(turn.lang, item, turn.now, turn.config.zone, events)
    answer = latest_answer(turn.lang, item.status, events, turn.config.zone)
    if answer:
        text += "\n\n" + answer
    return [Reply(text, tuple(choices))]


async def history(turn: Turn, difficulty_id: int) -> list[Reply]:
    """Every event of a difficulty."""
    found = await _visible(turn, difficulty_id)
    if found is None:
        return turn.say("kk.not_found", reference=reference(difficulty_id))
    item, actor = found
    events = await difficulties.events_of(turn.tx, item.id)
    names = await difficulties.people_names(turn.tx, {e.target_id for e in events if e.target_id})
    text = f"{item.reference}\n" + history_lines(turn.lang, events, names, turn.config.zone)
    choices = action_choices(turn.lang, item.id, actor, Status(item.status))
    return [Reply(text, tuple(choices))]


async def on_action(turn: Turn, value: str) -> list[Reply]:
    """A difficulty button (`k:<action>:<id>`), from a notification or a card."""
    _, action_name, arg = [*value.split(":", 2), "", ""][:3]
    if not arg.isdigit():
        return turn.say("error.stale_choice")
    difficulty_id = int(arg)
    if action_name == "view":
        return await show(turn, difficulty_id)
    if action_name == "hist":
        return await history(turn, difficulty_id)
    try:
        action = Action(action_name)
    except ValueError:
        return turn.say("error.stale_choice")
    found = await _visible(turn, difficulty_id)
    if found is None:
        return turn.say("kk.not_found", reference=reference(difficulty_id))
    item, actor = found
    if next_status(actor, action, Status(item.status)) is None:
        return _refused(turn, item)
    if action is Action.FORWARD:
        others = [p for p in await scope.all_supervisors(turn.tx) if p.id != turn.person_id]
        if not others:
            return turn.say("kk.no_other_supervisor")
        turn.go(ACT, "target", id=item.id)
        choices = [Choice(p.full_name, f"ft:{p.id}") for p in others]
        return turn.say("kk.ask.forward_to", *choices, reference=item.reference)
    if action in PROMPTS:
        turn.go(ACT, "text", id=item.id, act=action.value)
        return turn.say(PROMPTS[action], reference=item.reference, target="")
    return await apply(turn, item.id, action)


def _refused(turn: Turn, item: Difficulty) -> list[Reply]:
    return turn.say(
        "kk.refused", reference=item.reference, status=status_label(turn.lang, item.status)
    )


async def act_choice(turn: Turn, value: str) -> list[Reply]:
    """The supervisor to forward to."""
    if turn.state.step != "target" or not value.startswith("ft:") or not value[3:].isdigit():
        return turn.say("error.stale_choice")
    target_id = int(value[3:])
    names = await difficulties.people_names(turn.tx, {target_id})
    difficulty_id = int(turn.state.data["id"])
    turn.go(ACT, "text", id=difficulty_id, act=Action.FORWARD.value, target=target_id)
    return turn.say(
        "kk.ask.forward_note",
        reference=difficulties.reference(difficulty_id),
        target=names.get(target_id, ""),
    )


async def act_message(turn: Turn) -> list[Reply]:
    """The text of an answer, question, note, comment or reason (photos for comments)."""

    msg = turn.msg
    data = turn.state.data
    if turn.state.step != "text":
        return [Reply(turn.t("log.pick_again"))]
    action = Action(str(data["act"]))
    files = [[a.kind, a.file_id] for a in msg.attachments]
    if msg.kind in (Kind.PHOTO, Kind.FILE) and action is Action.COMMENT:
        pass
    elif msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = msg.text.strip()
    if not text and not files:
        return turn.say("kk.empty")
    target = data.get("target")
    return await apply(
        turn,
        int(data["id"]),
        action,
        text=text,
        target_id=int(target) if target else None,
        files=files,
    )


async def apply(
    turn: Turn,
    difficulty_id: int,
    action: Action,
    *,
    text: str = "",
    target_id: int | None = None,
    files: list[list[str]] | None = None,
) -> list[Reply]:
    """Check the table against the current status, store the step, tell whoever must know."""
    turn.finish()
    found = await _visible(turn, difficulty_id)
    if found is None:
        return turn.say("kk.not_found", reference=reference(difficulty_id))
    item, actor = found
    to = next_status(actor, action, Status(item.status))
    if to is None:
        # Someone acted first (for example it was resolved a second ago).
        return _refused(turn, item)
    changed = await difficulties.change_status(
        turn.tx,
        item.id,
        expected=item.status,
        to=to.value,
        now=turn.now,
        first_response=actor is Actor.SUPERVISOR and action in FIRST_RESPONSE,
        assignee_id=target_id,
    )
    if not changed:
        # Another step committed between our read and our write (a transaction that does not
        # retry waits for it, then finds the row moved on): theirs stands, nothing of ours
        # is stored and nobody is told.
        current = await difficulties.difficulty_by_id(turn.tx, item.id)
        return _refused(turn, current or item)
    await difficulties.add_event(
        turn.tx,
        item.id,
        actor_id=turn.person_id,
        action=action.value,
        from_status=item.status,
        to_status=to.value,
        text=text,
        now=turn.now,
        target_id=target_id,
    )
    for kind, file_id in files or []:
        await add_attachment(
            turn.tx,
            "difficulty",
            item.id,
            turn.msg.channel,
            NewAttachment(kind, file_id, text),
            turn.now,
        )
    updated = await difficulties.difficulty_by_id(turn.tx, item.id)
    assert updated is not None
    names = await difficulties.people_names(turn.tx, {target_id} if target_id else set())
    words = t(turn.lang, f"kk.action.{action.value}", target=names.get(target_id or 0, ""))
    if actor is Actor.SUPERVISOR:
        await _tell_reporter(turn, updated, action, text, names)
        if action is Action.FORWARD and target_id:
            await _tell_forward_target(turn, updated, target_id, text)
        return [Reply(await _supervisor_done(turn, updated, action, words, names, target_id))]
    await _tell_supervisors(turn, updated, action, text)
    return turn.say("kk.done", reference=item.reference, action=words)


async def _supervisor_done(
    turn: Turn,
    item: Difficulty,
    action: Action,
    words: str,
    names: dict[int, str],
    target_id: int | None,
) -> str:
    """What a supervisor's step did, whether the reporter was really told, and what next."""
    reporter = await org.person_by_id(turn.tx, item.reporter_id)
    who = turn.addressed(reporter) if reporter else ""
    reach = (await outbox.reach(turn.tx, [item.reporter_id]))[item.reporter_id]
    if reach == outbox.REACH_NOW:
        lines = [
            turn.t(
                f"kk.sup.{action.value}",
                reference=item.reference,
                reporter=who,
                target=names.get(target_id or 0, ""),
            )
        ]
    else:
        lines = [
            turn.t("kk.done", reference=item.reference, action=words),
            turn.t(f"kk.reporter_{reach}", reporter=who[:1].upper() + who[1:]),
        ]
    return "\n".join([*lines, turn.t("kk.next.supervisor")])


async def _tell_reporter(
    turn: Turn, item: Difficulty, action: Action, text: str, names: dict[int, str]
) -> None:
    """Queue a notice to the reporter about a supervisor's step."""
    assert turn.person is not None
    event_id = await difficulties.last_event_id(turn.tx, item.id)
    lang = turn.config.language
    words = t(lang, f"kk.action.{action.value}", target=names.get(item.assignee_id or 0, ""))
    message = t(
        lang,
        "kk.notify.reporter",
        reference=item.reference,
        actor=turn.person.full_name,
        action=words,
        text=f"\n\n{text}" if text else "",
        status=status_label(lang, item.status),
    )
    choices = action_choices(lang, item.id, Actor.REPORTER, Status(item.status))
    await notify(
        turn,
        item.reporter_id,
        f"kk:{item.id}:e{event_id}:{item.reporter_id}",
        standing(message, *choices),
    )


async def _tell_forward_target(turn: Turn, item: Difficulty, target_id: int, note: str) -> None:
    assert turn.person is not None
    event_id = await difficulties.last_event_id(turn.tx, item.id)
    lang = turn.config.language
    message = t(
        lang,
        "kk.notify.forwarded",
        actor=turn.person.full_name,
        reference=item.reference,
        note=note or "—",
        detail=detail_card(lang, item, turn.now, turn.config.zone),
    )
    choices = action_choices(lang, item.id, Actor.SUPERVISOR, Status(item.status))
    await notify(
        turn, target_id, f"kk:{item.id}:e{event_id}:{target_id}", standing(message, *choices)
    )


async def _tell_supervisors(turn: Turn, item: Difficulty, action: Action, text: str) -> None:
    """Tell the assignee (or the supervisors in scope) about the reporter's step."""
    assert turn.person is not None
    event_id = await difficulties.last_event_id(turn.tx, item.id)
    if item.assignee_id:
        targets = [item.assignee_id]
    else:
        watchers = await scope.supervisors_for(turn.tx, item.division_code, item.commune_code)
        targets = [
            p.id
            for p in watchers
            if item.urgency == "urgent" or await prefs.notify_mode(turn.tx, p.id) == "instant"
        ]
    lang = turn.config.language
    message = t(
        lang,
        "kk.notify.supervisor",
        reference=item.reference,
        commune=item.commune_name,
        actor=turn.person.full_name,
        action=t(lang, f"kk.action.{action.value}", target=""),
        text=f"\n\n{text}" if text else "",
        status=status_label(lang, item.status),
    )
    choices = action_choices(lang, item.id, Actor.SUPERVISOR, Status(item.status))
    for person_id in targets:
        await notify(
            turn, person_id, f"kk:{item.id}:e{event_id}:{person_id}", standing(message, *choices)
        )


async def list_in_scope(turn: Turn) -> list[Reply]:
    """/dskhokhan [quahan | status | commune | topic]: open difficulties in scope, oldest first."""
    if turn.person is None or not await scope.is_supervisor(turn.tx, turn.person_id):
        return turn.say("kk.not_supervisor")
    items = await difficulties.open_difficulties_in_scope(turn.tx, turn.person_id)
    communes = await org.all_communes(turn.tx)
    wanted = parse_filters(turn.msg.args, communes)
    if wanted.unknown:
        example = communes[0].name if communes else "XA01"
        return turn.say("kk.filter_unknown", words=" ".join(wanted.unknown), commune=example)
    items = [i for i in items if _matches(i, wanted, turn)]
    if not items:
        return [Reply(turn.t("kk.list_none") + "\n" + turn.t("kk.list_hint"))]
    shown = items[:PAGE]
    lines = [turn.t("kk.list_title", shown=len(shown), total=len(items))]
    choices = []
    for item in shown:
        age = turn.now - item.created_at
        line = f"{summary_line(turn.lang, item, turn.now)} · {age_text(turn.lang, age)}"
        # Without buttons the numbered choices are the list: showing both repeats it.
        if turn.msg.numbered_choices:
            choices.append(Choice(line, f"k:view:{item.id}"))
        else:
            lines.append(line)
            choices.append(Choice(item.reference, f"k:view:{item.id}"))
    lines.append(turn.t("kk.list_hint"))
    return [Reply("\n".join(lines), tuple(choices))]


def _matches(item: Difficulty, wanted: Filters, turn: Turn) -> bool:
    """Kinds of filter narrow together; several of one kind widen (either commune)."""
    return (
        (not wanted.overdue or item.overdue(turn.now))
        and (not wanted.urgent or item.urgency == "urgent")
        and (not wanted.statuses or item.status in wanted.statuses)
        and (not wanted.communes or item.commune_code in wanted.communes)
        and (not wanted.topics or item.topic in wanted.topics)
    )
