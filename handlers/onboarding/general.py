"""Help and cancel: the commands every role has."""

from __future__ import annotations

from handlers.core.messages import Reply
from handlers.core.turn import Turn
from storage import followups, scope, visits
from storage.models import Role


async def show_help(turn: Turn) -> list[Reply]:
    """/trogiup: what this person's role can do."""
    keys = ["help.title"]
    if turn.person is not None and turn.person.role == Role.OFFICIAL:
        keys += ["help.nhatky", "help.plain", "help.khokhan", "help.cuatoi"]
        keys += ["help.nghi", "help.nhacnho", "help.baocao_official"]
    if turn.person is not None and await scope.is_supervisor(turn.tx, turn.person.id):
        keys += ["help.baocao", "help.xuat", "help.dskhokhan"]
    if turn.person is not None and turn.person.role == Role.ADMIN:
        keys += ["help.admin"]  # administration happens on the server, with `bietphai`
    if turn.person is not None and await visits.groups_of(turn.tx, turn.person.id):
        # Planning, moving and cancelling visits is the leader's; a member records outcomes.
        led = await visits.groups_led_by(turn.tx, turn.person.id)
        keys += ["help.tocongtac" if led else "help.tocongtac_member"]
    elif turn.person is not None and (
        # Someone in no group (a commune's official or contact, a division head) still sees
        # the visits to their commune and follows up the items that concern them.
        await followups.open_followups_concerning(turn.tx, turn.person.id, turn.today)
        or await visits.upcoming_visits_to_my_commune(turn.tx, turn.person.id, turn.today)
    ):
        keys += ["help.tocongtac_commune"]
    if turn.person is not None and turn.person.role == Role.COMMUNE_OFFICIAL:
        keys += ["help.hoctap"]  # a commune contact registers study visits
    elif "help.baocao" in keys:
        keys += ["help.hoctap_head"]  # a division head confirms them
    # Only supervisors choose how difficulty notices come.
    keys += ["help.web"]
    keys += ["help.caidat_supervisor" if "help.baocao" in keys else "help.caidat"]
    keys += ["help.huy", "help.trogiup"]
    lines = [turn.t(keys[0])] + ["• " + turn.t(k) for k in keys[1:]]
    return [Reply("\n".join(lines))]


async def cancel(turn: Turn) -> list[Reply]:
    """/huy: leave whatever flow the chat is in."""
    if turn.state.flow is None:
        return turn.say("nothing_to_cancel")
    turn.finish()
    # Only seconded officials log work; everyone else is pointed at the help.
    official = turn.person is not None and turn.person.role == Role.OFFICIAL
    return turn.say("cancelled" if official else "cancelled_help")
