"""/caidat (/settings): where notifications go (everyone) and how normal difficulties reach a
supervisor (at once or only in digests)."""

from __future__ import annotations

from handlers.core.messages import Choice, Reply
from handlers.core.turn import Turn
from storage import channel_prefs, prefs, scope
from storage.channel_prefs import LinkedChannel
from storage.models import Role

SETTINGS = "settings"
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
PIN = "pin:"
LAST = "pin:last"
MODE = "mode:"
MODES = ("instant", "digest")


async def show_settings(turn: Turn) -> list[Reply]:
    """/caidat: the notification channel, and for supervisors the difficulty notice mode."""
    linked = await channel_prefs.linked_channels(turn.tx, turn.person_id)
    lines = [turn.t("settings.heading")]
    choices: list[Choice] = []
    if len(linked) > 1:
        pinned = await channel_prefs.preferred_channel(turn.tx, turn.person_id)
        lines.append(_channel_line(turn, linked, pinned))
        choices += [
            Choice(
                turn.t("settings.pin_label", channel=CHANNEL_NAMES[each.channel]),
                PIN + each.channel,
            )
            for each in sorted(linked, key=lambda item: item.channel)
        ]
        choices.append(Choice(turn.t("settings.last_label"), LAST))
    elif linked:
        lines.append(turn.t(f"settings.only_{linked[0].channel}"))
    else:
        lines.append(turn.t("settings.no_channel"))
    if await scope.is_supervisor(turn.tx, turn.person_id):
        mode = await prefs.notify_mode(turn.tx, turn.person_id)
        lines.append(turn.t("settings.mode_line", mode=turn.t(f"settings.{mode}")))
        choices += [Choice(turn.t(f"settings.mode_{m}_label"), MODE + m) for m in MODES]
    if not choices:
        return [Reply("\n".join(lines))]
    turn.go(SETTINGS, "menu")
    lines.append(turn.t("settings.pick"))
    return [Reply("\n".join(lines), tuple(choices))]


def _channel_line(turn: Turn, linked: list[LinkedChannel], pinned: str | None) -> str:
    """Where notifications go now, said plainly."""
    # The channel used last that the bot can reach: what enqueue falls back to.
    reachable = [each.channel for each in linked if each.reachable]
    if pinned is None:
        current = reachable[0] if reachable else linked[0].channel
        return turn.t("settings.channel_last", channel=CHANNEL_NAMES[current])
    if pinned in reachable or not reachable:
        return turn.t("settings.channel_pinned", channel=CHANNEL_NAMES[pinned])
    return turn.t(
        "settings.channel_pinned_down",
        channel=CHANNEL_NAMES[pinned],
        fallback=CHANNEL_NAMES[reachable[0]],
    )


async def settings_choice(turn: Turn, value: str) -> list[Reply]:
    """A channel or a notification mode picked."""
    # Lists offered before /caidat covered channels carried the bare mode.
    mode = value.removeprefix(MODE)
    if mode in MODES:
        if not await scope.is_supervisor(turn.tx, turn.person_id):
            return turn.say("error.stale_choice")
        await prefs.set_notify_mode(turn.tx, turn.person_id, mode)
        turn.finish()
        # Said in a sentence: "Đã lưu: Nhận ngay." alone did not say what was received.
        return turn.say(f"settings.saved_{mode}")
    if value == LAST:
        await channel_prefs.set_preferred_channel(turn.tx, turn.person_id, None)
        turn.finish()
        return turn.say("settings.saved_last")
    channel = value.removeprefix(PIN)
    if not value.startswith(PIN) or channel not in CHANNEL_NAMES:
        return turn.say("error.stale_choice")
    linked = await channel_prefs.linked_channels(turn.tx, turn.person_id)
    if channel not in {each.channel for each in linked}:
        refusal = Reply(turn.t("settings.not_linked", channel=CHANNEL_NAMES[channel]))
        return [refusal, *await show_settings(turn)]
    await channel_prefs.set_preferred_channel(turn.tx, turn.person_id, channel)
    turn.finish()
    return turn.say("settings.saved_pin", channel=CHANNEL_NAMES[channel])


async def settings_message(turn: Turn) -> list[Reply]:
    """Text from an official is a new message (offered for the log); others see the choices."""
    if turn.person is not None and turn.person.role == Role.OFFICIAL:
        # The menu asks for no text: what an official types here is work to keep, not lose.
        return await turn.as_new_message()
    return [Reply(turn.t("log.pick_again")), *await show_settings(turn)]
