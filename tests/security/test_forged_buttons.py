"""Attack: a modified Telegram client presses a button that was never shown.

Any MTProto client can send arbitrary callback data. The conversation token is visible in the
person's own buttons, so a forged press carries the right token with a value of the attacker's
choosing: forwarding a difficulty to an ordinary official (who could then resolve it as if they
were a supervisor), adding a person of another working group to a visit, opening someone else's
entry. The router accepts a pressed value only if it was among the choices offered in that step.

Each flow that has choices gets one story: a person walks to a step with buttons (through the
router, as the chat would), then the forged press goes through the real python-telegram-bot stack
to the fake Bot API as crafted callback_data; the bot refuses it and nothing changes. A new flow
without a story here fails `test_every_flow_has_a_forged_button_story`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from handlers.router import ROUTES, Router
from storage import Database, conversation, difficulties, worklog
from storage.models import ConversationState
from storage.org_import import resolve_person
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import Chat
from tests.helpers.difficulty import THU, button, inbox, raise_urgent
from tests.helpers.sample import AN, LAN, LONG, THANH, MakeChat
from tests.helpers.telegram import PollingBot
from tests.helpers.visits import BINH, HUY, plan, plan_to_members, visit_with_outcome

REFUSED = "không có trong danh sách bot vừa đưa ra"
XUAN = "Đinh Văn Xuân"  # commune contact without a commune


@dataclass
class Forgery:
    """A chat waiting at a step with buttons, the value it will forge, and what must not happen."""

    chat: Chat
    value: str
    unchanged: Callable[[], Awaitable[object]] | None = None


Story = Callable[[MakeChat, Database], Awaitable[Forgery]]
STORIES: dict[str, Story] = {}


def story(flow: str) -> Callable[[Story], Story]:
    """Register the story of one flow."""

    def register(function: Story) -> Story:
        STORIES[flow] = function
        return function

    return register


async def person_id(db: Database, name: str) -> int:
    """The id of a sample person."""
    async with db.read() as tx:
        return await resolve_person(tx, name)


@story("log")
async def commune_not_assigned(linked_chat: MakeChat, db: Database) -> Forgery:
    long = await linked_chat(LONG)
    assert "chọn xã" in await long.say("/nhatky")  # two communes in Đợt 2
    return Forgery(long, "c:XA19")


@story("offer")
async def offer_with_a_topic_never_offered(linked_chat: MakeChat, db: Database) -> Forgery:
    an = await linked_chat(AN)
    assert "Lưu nội dung này" in await an.say("Họp giao ban với UBND xã")
    return Forgery(an, "t:khac")


@story("mine")
async def someone_elses_entry(linked_chat: MakeChat, db: Database) -> Forgery:
    lan = await linked_chat(LAN)
    await lan.say("Kiểm tra hồ sơ công chức xã")
    await lan.press("Lưu")
    async with db.read() as tx:
        [entry] = await worklog.recent_work_logs(tx, await resolve_person(tx, LAN), limit=5)
    an = await linked_chat(AN)
    await an.say("Họp dân thôn 3")
    await an.press("Lưu")
    await an.say("/cuatoi")
    return Forgery(an, f"o:{entry.id}")


@story("kk")
async def a_topic_that_does_not_exist(linked_chat: MakeChat, db: Database) -> Forgery:
    an = await linked_chat(AN)
    await an.say("/khokhan")
    assert "Quản lý công chức" in " ".join(an.buttons)
    return Forgery(an, "t:bimat")


@story("kk_after")
async def nothing_is_offered_after_raising(linked_chat: MakeChat, db: Database) -> Forgery:
    an = await linked_chat(AN)
    await raise_urgent(an)
    return Forgery(an, "u_gap")


@story("kkact")
async def forward_to_an_ordinary_official(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    difficulty_id = await raise_urgent(an)
    [notice] = await inbox(db, THU)
    await thu.press_data(button(notice, "Chuyển"))
    assert "Chuyển KK-" in thu.text or "chuyển" in thu.text.lower(), thu.text
    binh = await person_id(db, BINH)
    assert f"ft:{binh}" not in [value for r in thu.last for value in (c.value for c in r.choices)]

    async def still_with_its_leaders() -> object:
        async with db.read() as tx:
            item = await difficulties.difficulty_by_id(tx, difficulty_id)
        assert item is not None
        return (item.status, item.assignee_id)

    return Forgery(thu, f"ft:{binh}", still_with_its_leaders)


@story("digest")
async def a_digest_day_never_offered(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)
    await thu.say("/baocao")
    return Forgery(thu, "d:2020-01-01")


@story("export")
async def ten_years_of_everything(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)
    await thu.say("/xuat")
    return Forgery(thu, "2020-01-01:2030-12-31")


@story("leave")
async def a_leave_day_never_offered(linked_chat: MakeChat, db: Database) -> Forgery:
    an = await linked_chat(AN)
    await an.say("/nghi")
    if "Hôm nay" not in " ".join(an.buttons):
        await an.press("Ghi nghỉ phép mới")
    return Forgery(an, "d:2020-01-01")


@story("remind")
async def a_pause_of_a_year(linked_chat: MakeChat, db: Database) -> Forgery:
    an = await linked_chat(AN)
    await an.say("/nhacnho")
    return Forgery(an, "p:365")


@story("settings")
async def a_channel_never_linked(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)
    await thu.say("/caidat")
    return Forgery(thu, "pin:zalo")


@story("wg")
async def a_member_of_another_group(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)  # leads group 1; Huy is in group 2
    thu.at("2026-11-25 09:00")
    await plan_to_members(thu, "Xã Đèo Gió", "26/11")
    # The members chosen so far are in the step's data, which must not change.
    return Forgery(thu, f"m:{await person_id(db, HUY)}")


@story("wgkq")
async def an_owner_outside_the_visit(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    binh.at("2026-11-27 16:00")
    await binh.say("/tocongtac ketqua")
    await binh.say("Đề án vị trí việc làm")
    await binh.say("Xã còn thiếu công chức")
    await binh.say("UBND xã hoàn thiện đề án")
    assert "UBND Xã Đèo Gió" in binh.buttons
    return Forgery(binh, f"p:{await person_id(db, LAN)}")


@story("wgfu")
async def a_button_while_a_note_is_expected(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await visit_with_outcome(linked_chat)
    await thu.say("/tocongtac TCT-0001")
    await thu.press("Cập nhật tiến độ")
    return Forgery(thu, "tct:done:1")


@story("wgmv")
async def cancel_while_moving(linked_chat: MakeChat, db: Database) -> Forgery:
    thu = await linked_chat(THU)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    await thu.say("/tocongtac dời")
    if "Dời ngày" in " ".join(thu.buttons):
        await thu.press("Dời ngày")
    assert "ngày nghỉ" in await thu.say("28/11")  # a Saturday: kept only on confirmation
    return Forgery(thu, "wgc:cancelok:1")


@story("ht")
async def a_commune_that_does_not_exist(linked_chat: MakeChat, db: Database) -> Forgery:
    xuan = await linked_chat(XUAN)
    assert "đầu mối của xã/phường nào" in await xuan.say("/hoctap")
    return Forgery(xuan, "c:XA99")


@pytest.fixture
async def bot(router: Router) -> AsyncIterator[PollingBot]:
    """The running bot on the fake Bot API, on the sample organisation."""
    async with FakeTelegramAPI() as fake:
        running = PollingBot(fake, router)
        await running.start()
        yield running
        await running.stop()


async def state_of(db: Database, chat: Chat) -> ConversationState:
    """The stored conversation state of a chat."""
    async with db.read() as tx:
        return await conversation.load_state(tx, chat.channel, chat.user_id)


def test_every_flow_has_a_forged_button_story() -> None:
    assert sorted(STORIES) == sorted(ROUTES.flows)


@pytest.mark.parametrize("flow", sorted(STORIES))
async def test_a_forged_button_value_is_refused(
    flow: str, bot: PollingBot, linked_chat: MakeChat, org_db: Database
) -> None:
    forgery = await STORIES[flow](linked_chat, org_db)
    chat = forgery.chat
    before = await state_of(org_db, chat)
    assert before.flow == flow, (before.flow, chat.text)
    assert before.token and forgery.value not in [str(o[0]) for o in before.offered]
    effect = await forgery.unchanged() if forgery.unchanged else None
    data = f"{before.token}:{forgery.value}"
    assert len(data.encode()) <= 64  # fits Telegram's callback_data
    user = int(chat.user_id)
    press = bot.fake.callback(user, data)
    # Far above the update keys the router-driven setup used ("telegram:1", "telegram:2", …).
    press["update_id"] = 10**9
    replies = await bot.deliver(press, user)
    assert [REFUSED in m.text for m in replies] == [True], [m.text for m in replies]
    after = await state_of(org_db, chat)
    assert (after.flow, after.step, after.data, after.token) == (
        before.flow,
        before.step,
        before.data,
        before.token,
    )
    if forgery.unchanged:
        assert await forgery.unchanged() == effect
    # The buttons really offered still work after the refusal.
    assert chat.buttons or flow in ("kk_after", "wgfu")


async def test_the_forward_target_is_never_an_ordinary_official(
    bot: PollingBot, linked_chat: MakeChat, org_db: Database
) -> None:
    forgery = await forward_to_an_ordinary_official(linked_chat, org_db)
    thanh = await person_id(org_db, THANH)
    offered = [str(o[0]) for o in (await state_of(org_db, forgery.chat)).offered]
    assert f"ft:{thanh}" in offered  # leadership is a real target
    binh_id = await person_id(org_db, BINH)
    assert all(value != f"ft:{binh_id}" for value in offered)


async def press_raw(bot: PollingBot, chat: Chat, data: str, update_id: int) -> str:
    """A crafted standing button (no token) through the fake Bot API; the bot's answer."""
    user = int(chat.user_id)
    press = bot.fake.callback(user, data)
    press["update_id"] = update_id
    return "\n".join(m.text for m in await bot.deliver(press, user))


async def test_standing_buttons_still_check_who_may_act(
    bot: PollingBot, linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    difficulty_id = await raise_urgent(an)
    lan = await linked_chat(LAN)  # another division, another commune
    said = await press_raw(bot, lan, f"k:resolve:{difficulty_id}", 10**9)
    assert "không có quyền xem" in said
    # The reporter cannot forward or resolve their own difficulty as if a supervisor.
    said = await press_raw(bot, an, f"k:forward:{difficulty_id}", 10**9 + 1)
    assert "đang ở trạng thái" in said
    async with org_db.read() as tx:
        item = await difficulties.difficulty_by_id(tx, difficulty_id)
    assert item is not None and item.status == "new" and item.assignee_id is None

    await visit_with_outcome(linked_chat)  # group 1's visit, recorded by Bình
    binh = await linked_chat(BINH)  # a member who went, not the leader
    assert "Chỉ trưởng tổ" in await press_raw(bot, binh, "wgc:cancelok:1", 10**9 + 2)
    huy = await linked_chat(HUY)  # group 2: not concerned by the item
    assert "không có quyền" in await press_raw(bot, huy, "tct:done:1", 10**9 + 3)
