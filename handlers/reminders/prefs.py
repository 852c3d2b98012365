"""/nhacnho: an official's reminder time and pause."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from handlers.core.messages import Choice, Kind, Reply
from handlers.core.steps import unreadable
from handlers.core.turn import Turn
from storage import prefs
from storage.models import Role

REMIND = "remind"
PAUSE_DAYS = (1, 3, 7)
EARLIEST = time(6, 0)
# The personal time must leave this long before the follow-up reminder.
GAP_BEFORE_FOLLOW_UP = timedelta(hours=1)

_CLOCK = re.compile(
    r"^(\d{1,2})\s*(?:(?::|\.|h|g|giờ|gio)\s*(\d{1,2})?)?\s*(?:phút|phut|p)?$", re.IGNORECASE
)


def parse_clock(text: str) -> time | None:
    """17:00, 17h, 17h30, 17.30, 17 giờ 30, 7g → a time; anything else None."""
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def latest_time(follow_up: time) -> time:
    """The latest personal reminder time: one hour before the follow-up."""
    moment = datetime.combine(date(2000, 1, 1), follow_up) - GAP_BEFORE_FOLLOW_UP
    return max(moment.time(), EARLIEST)


def paused_until(today: date, days: int) -> date:
    """The last paused day when pausing for `days` days from today (today counts)."""
    return today + timedelta(days=days - 1)


def _is_official(turn: Turn) -> bool:
    return turn.person is not None and turn.person.role == Role.OFFICIAL


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


async def nhacnho(turn: Turn) -> list[Reply]:
    """/nhacnho [HH:MM]: show the reminder card, or set the time given."""
    if not _is_official(turn):
        return turn.say("not_official")
    if turn.msg.args.strip():
        return await _set_time(turn, turn.msg.args)
    return await _card(turn)


async def _card(turn: Turn) -> list[Reply]:
    """The current reminder time and pause, with what can be changed."""
    config = turn.config
    own, until = await prefs.reminder_prefs(turn.tx, turn.person_id)
    first = own or config.reminder_first
    which = turn.t("remind.which.own" if own else "remind.which.default")
    lines = [
        turn.t(
            "remind.card",
            first=_hhmm(first),
            which=which,
            follow_up=_hhmm(config.reminder_follow_up),
        )
    ]
    paused = until is not None and until >= turn.today
    if paused and until is not None:
        lines.append(turn.t("remind.paused", day=turn.day(until)))
    choices = [Choice(turn.t("remind.button.time"), "time")]
    choices += [Choice(turn.t("remind.button.pause", days=n), f"p:{n}") for n in PAUSE_DAYS]
    if paused:
        choices.append(Choice(turn.t("remind.button.resume"), "resume"))
    if own:
        label = turn.t("remind.button.default", time=_hhmm(config.reminder_first))
        choices.append(Choice(label, "default"))
    turn.go(REMIND, "menu")
    return [Reply("\n".join(lines), tuple(choices))]


def _bounds(turn: Turn) -> dict[str, str]:
    follow_up = turn.config.reminder_follow_up
    return {
        "earliest": _hhmm(EARLIEST),
        "latest": _hhmm(latest_time(follow_up)),
        "follow_up": _hhmm(follow_up),
    }


async def _set_time(turn: Turn, text: str) -> list[Reply]:
    """Store a personal time if it reads as one and lies in the allowed window."""
    value = parse_clock(text)
    turn.go(REMIND, "time")
    if value is None:
        return turn.say("remind.bad_time")
    if not EARLIEST <= value <= latest_time(turn.config.reminder_follow_up):
        return turn.say("remind.out_of_range", **_bounds(turn))
    await prefs.set_reminder_time(turn.tx, turn.person_id, value)
    turn.finish()
    return turn.say("remind.time_saved", time=_hhmm(value))


async def remind_choice(turn: Turn, value: str) -> list[Reply]:
    """Change the time, pause, resume, or go back to the default time."""
    config = turn.config
    if value == "time":
        turn.go(REMIND, "time")
        return turn.say("remind.ask_time", **_bounds(turn))
    kind, _, arg = value.partition(":")
    if kind == "p" and arg.isdigit() and int(arg) in PAUSE_DAYS:
        until = paused_until(turn.today, int(arg))
        await prefs.set_paused_until(turn.tx, turn.person_id, until)
        turn.finish()
        return turn.say("remind.paused_saved", day=turn.day(until))
    own, until_before = await prefs.reminder_prefs(turn.tx, turn.person_id)
    if value == "resume":
        turn.finish()
        if until_before is None or until_before < turn.today:
            return turn.say("remind.not_paused")
        await prefs.set_paused_until(turn.tx, turn.person_id, None)
        return turn.say("remind.resumed", time=_hhmm(own or config.reminder_first))
    if value == "default":
        await prefs.set_reminder_time(turn.tx, turn.person_id, None)
        turn.finish()
        return turn.say("remind.default_saved", time=_hhmm(config.reminder_first))
    return turn.say("error.stale_choice")


async def remind_message(turn: Turn) -> list[Reply]:
    """A time typed after "change the time" (or on the card); anything else shows the card."""
    if turn.msg.kind != Kind.TEXT:
        return unreadable(turn)
    if turn.state.step == "time" or parse_clock(turn.msg.text) is not None:
        return await _set_time(turn, turn.msg.text)
    return [Reply(turn.t("log.pick_again")), *await _card(turn)]
