"""Personal leave (nghỉ phép): /nghi in one line or step by step, the list with cancel buttons,
and the one-day leave of a reminder's button."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from handlers.core.dates import format_day
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.steps import unreadable
from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.leave.rules import (
    DEFAULT_REASON,
    MAX_AHEAD_DAYS,
    MAX_LEAVE_DAYS,
    MAX_REASON_CHARS,
    parse_day,
    parse_line,
    review,
)
from storage import calendar, leave
from storage.leave import Leave
from storage.models import Role

LEAVE = "leave"
PAGE = 10


async def working_calendar(turn: Turn) -> WorkingCalendar:
    """The working calendar with the days the admin declared."""
    return calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))


def _is_official(turn: Turn) -> bool:
    return turn.person is not None and turn.person.role == Role.OFFICIAL


async def nghi(turn: Turn) -> list[Reply]:
    """/nghi [dd/mm [dd/mm] [lý do]]: record leave; alone, list the leave ahead or ask for it."""
    if not _is_official(turn):
        return turn.say("not_official")
    if turn.msg.args.strip():
        return await _take_line(turn, turn.msg.args)
    upcoming = await leave.leaves_of(turn.tx, turn.person_id, turn.today)
    if upcoming:
        return await _list(turn, upcoming)
    return await advance(turn, {})


async def _take_line(turn: Turn, text: str, reason: str = "") -> list[Reply]:
    """A line that starts with the first day, maybe the last day, maybe the reason."""
    line = parse_line(text, turn.today)
    if line.start is None:
        problem = "leave.no_such_day" if line.invalid else "leave.not_a_date"
        return await advance(turn, {"reason": reason}, problem, written=line.invalid)
    end = line.end
    if end is None and line.reason and not line.invalid:
        # "/nghi 01/12 Ốm": a reason right after one date means that one day.
        end = line.start
    invalid = "leave.no_such_day" if line.invalid else None
    return await _review(turn, line.start, end, line.reason or reason, invalid, line.invalid)


async def _review(
    turn: Turn,
    start: date | None,
    end: date | None,
    reason: str,
    invalid: str | None = None,
    written: str = "",
    *,
    replace: bool = False,
) -> list[Reply]:
    """Check the parts given against the rules, keep the good ones, ask for the rest."""
    checked = review(start, end, reason, turn.today, turn.config.backdate_days)
    problem = checked.problem
    if invalid and (problem is None or checked.start is not None):
        # A written date that does not exist is news unless the first day was already refused.
        problem = invalid
    data: dict[str, Any] = {"reason": checked.reason}
    if checked.start is not None:
        data["start"] = checked.start.isoformat()
    if checked.end is not None:
        data["end"] = checked.end.isoformat()
    values = _values(turn, start, end, written)
    return await advance(turn, data, problem, replace=replace, **values)


def _values(
    turn: Turn, start: date | None, end: date | None, written: str = ""
) -> dict[str, object]:
    """Everything a leave text may quote."""
    return {
        "start": turn.day(start) if start else "",
        "end": turn.day(end) if end else "",
        "days": (end - start).days + 1 if start and end else 0,
        "backdate": turn.config.backdate_days,
        "ahead": MAX_AHEAD_DAYS,
        "max_days": MAX_LEAVE_DAYS,
        "max_chars": MAX_REASON_CHARS,
        "written": written,
    }


def _day_of(data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)
    return date.fromisoformat(str(value)) if value else None


async def advance(
    turn: Turn,
    data: dict[str, Any],
    problem: str | None = None,
    *,
    replace: bool = False,
    **values: object,
) -> list[Reply]:
    """Ask for the first day, the last day or the reason (after the problem, if any), or save."""
    note = turn.t(problem, **{**_values(turn, None, None), **values}) + "\n" if problem else ""
    start, end = _day_of(data, "start"), _day_of(data, "end")
    reason = str(data.get("reason", ""))
    if start is None:
        turn.go(LEAVE, "start", reason=reason)
        return [Reply(note + turn.t("leave.ask_start"), tuple(_start_choices(turn)))]
    if end is None:
        turn.go(LEAVE, "end", start=start.isoformat(), reason=reason)
        text = note + turn.t("leave.ask_end", start=turn.day(start))
        return [Reply(text, tuple(_end_choices(turn, start)))]
    if not reason:
        turn.go(LEAVE, "reason", start=start.isoformat(), end=end.isoformat())
        return [Reply(note + turn.t("leave.ask_reason", start=turn.day(start), end=turn.day(end)))]
    return await save(turn, start, end, reason, replace=replace)


def _start_choices(turn: Turn) -> list[Choice]:
    today, tomorrow = turn.today, turn.today + timedelta(days=1)
    return [
        Choice(turn.t("leave.today", day=f"{today:%d/%m}"), f"d:{today.isoformat()}"),
        Choice(turn.t("leave.tomorrow", day=f"{tomorrow:%d/%m}"), f"d:{tomorrow.isoformat()}"),
    ]


def _end_choices(turn: Turn, start: date) -> list[Choice]:
    """Today and tomorrow when they can end the leave, else the first day itself."""
    choices = [c for c in _start_choices(turn) if date.fromisoformat(c.value[2:]) >= start]
    if start not in (turn.today, turn.today + timedelta(days=1)):
        choices.insert(0, Choice(turn.t("leave.same_day", day=f"{start:%d/%m}"), f"d:{start}"))
    return choices


def _span(turn: Turn, start: date, end: date, *, weekday: bool = True) -> str:
    """'từ … đến …', or 'ngày …' for one day."""
    first, last = (format_day(d, turn.lang, weekday=weekday) for d in (start, end))
    if start == end:
        return turn.t("leave.span_one", start=first)
    return turn.t("leave.span", start=first, end=last)


async def save(
    turn: Turn, start: date, end: date, reason: str, *, replace: bool = False
) -> list[Reply]:
    """Record the leave unless it has no working day or overlaps leave already recorded."""
    cal = await working_calendar(turn)
    count = len(cal.working_days(start, end))
    if count == 0:
        turn.finish()
        return turn.say("leave.no_working_day", start=turn.day(start), end=turn.day(end))
    overlaps = await leave.overlapping_leaves(turn.tx, turn.person_id, start, end)
    if overlaps and not replace:
        if any(old.start == start and old.end == end for old in overlaps):
            turn.finish()
            return turn.say("leave.already", span=_span(turn, start, end))
        turn.go(LEAVE, "overlap", start=start.isoformat(), end=end.isoformat(), reason=reason)
        return turn.say(
            "leave.overlap",
            Choice(turn.t("leave.replace"), "replace"),
            Choice(turn.t("leave.keep"), "keep"),
            new=_span(turn, start, end, weekday=False),
            old="; ".join(_span(turn, o.start, o.end, weekday=False) for o in overlaps),
        )
    for old in overlaps:
        await leave.cancel_leave(turn.tx, old.id, turn.person_id, turn.now)
    await leave.add_leave(turn.tx, turn.person_id, start, end, reason, turn.now)
    turn.finish()
    key = "leave.saved_one" if start == end else "leave.saved"
    return turn.say(key, start=turn.day(start), end=turn.day(end), count=count, reason=reason)


async def _list(turn: Turn, items: list[Leave]) -> list[Reply]:
    """The leave from today on, each with a cancel button, and a button for new leave."""
    cal = await working_calendar(turn)
    lines = [turn.t("leave.list_title")]
    choices = []
    for n, item in enumerate(items[:PAGE], start=1):
        span = _span(turn, item.start, item.end, weekday=False)
        count = len(cal.working_days(item.start, item.end))
        lines.append(turn.t("leave.list_line", n=n, span=span, count=count, reason=item.reason))
        short = f"{item.start:%d/%m}" + ("" if item.days == 1 else f"–{item.end:%d/%m}")
        choices.append(Choice(turn.t("leave.cancel_button", span=short), f"x:{item.id}"))
    lines.append(turn.t("leave.list_hint"))
    choices.append(Choice(turn.t("leave.new_button"), "new"))
    turn.go(LEAVE, "list")
    return [Reply("\n".join(lines), tuple(choices))]


async def _ask_cancel(turn: Turn, leave_id: int) -> list[Reply]:
    """Cancelling leave is asked once more, as deleting an entry is."""
    item = await leave.leave_by_id(turn.tx, leave_id)
    if item is None or item.person_id != turn.person_id:
        return turn.say("error.stale_choice")
    turn.go(LEAVE, "confirm_cancel", leave=item.id)
    span = _span(turn, item.start, item.end, weekday=True)
    return turn.say(
        "leave.confirm_cancel",
        Choice(turn.t("leave.confirm_cancel_yes"), f"y:{item.id}"),
        Choice(turn.t("leave.confirm_cancel_no"), "n"),
        span=span,
        reason=item.reason,
    )


async def _cancel(turn: Turn, leave_id: int) -> list[Reply]:
    """Cancel one's own leave; the row stays, marked cancelled."""
    item = await leave.leave_by_id(turn.tx, leave_id)
    if item is None or item.person_id != turn.person_id:
        return turn.say("error.stale_choice")
    turn.finish()
    span = _span(turn, item.start, item.end, weekday=False)
    if not await leave.cancel_leave(turn.tx, item.id, turn.person_id, turn.now):
        return turn.say("leave.cancelled_before", span=span)
    return turn.say("leave.cancelled", span=span)


async def leave_choice(turn: Turn, value: str) -> list[Reply]:
    """A day picked, a leave to cancel, new leave, or replace/keep after an overlap."""
    step, data = turn.state.step, dict(turn.state.data)
    reason = str(data.get("reason", ""))
    kind, _, arg = value.partition(":")
    if kind == "d" and step in ("start", "end"):
        try:
            day = date.fromisoformat(arg)
        except ValueError:
            return turn.say("error.stale_choice")
        if step == "start":
            return await _review(turn, day, None, reason)
        return await _review(turn, _day_of(data, "start"), day, reason)
    if kind == "x" and step == "list" and arg.isdigit():
        return await _ask_cancel(turn, int(arg))
    if kind == "y" and step == "confirm_cancel" and arg == str(data.get("leave")):
        return await _cancel(turn, int(arg))
    if value == "n" and step == "confirm_cancel":
        turn.finish()
        return turn.say("leave.cancel_kept")
    if value == "new" and step == "list":
        return await advance(turn, {})
    if step == "overlap" and value in ("replace", "keep"):
        if value == "keep":
            turn.finish()
            return turn.say("leave.kept")
        start, end = _day_of(data, "start"), _day_of(data, "end")
        return await _review(turn, start, end, reason, replace=True)
    return turn.say("error.stale_choice")


async def leave_message(turn: Turn) -> list[Reply]:
    """A date line, the last day or the reason typed during /nghi."""
    if turn.msg.kind != Kind.TEXT:
        return unreadable(turn)
    step, data = turn.state.step, dict(turn.state.data)
    text = turn.msg.text.strip()
    reason = str(data.get("reason", ""))
    if step in ("start", "list"):
        return await _take_line(turn, text, reason)
    start = _day_of(data, "start")
    if step == "end" and start is not None:
        named = parse_day(text, turn.today, anchor=start)
        if named.day is None:
            problem = "leave.no_such_day" if named.invalid else "leave.not_a_date"
            return await advance(turn, data, problem, written=named.invalid)
        return await _review(turn, start, named.day, named.rest or reason)
    if step == "reason" and start is not None:
        if not text:
            return turn.say("leave.reason_empty")
        return await _review(turn, start, _day_of(data, "end"), text)
    if step == "overlap":
        return [Reply(turn.t("log.pick_again")), *await advance(turn, data)]
    return turn.say("error.stale_choice")


async def leave_for_day(turn: Turn, day: date) -> list[Reply]:
    """A reminder's "on leave" button: leave for that one day; pressing it again records nothing."""
    if not _is_official(turn):
        return turn.say("not_official")
    checked = review(day, day, DEFAULT_REASON, turn.today, turn.config.backdate_days)
    if checked.problem:
        return turn.say(checked.problem, **_values(turn, day, day))
    if await leave.is_on_leave(turn.tx, turn.person_id, day):
        return turn.say("leave.already", span=_span(turn, day, day))
    cal = await working_calendar(turn)
    if not cal.is_working_day(day):
        return turn.say("leave.no_working_day", start=turn.day(day), end=turn.day(day))
    await leave.add_leave(turn.tx, turn.person_id, day, day, DEFAULT_REASON, turn.now)
    return turn.say("leave.saved_one", start=turn.day(day), count=1, reason=DEFAULT_REASON)
