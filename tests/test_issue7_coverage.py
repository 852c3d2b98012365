"""Issue 7 behaviours the other story files leave uncovered, found by breaking the code on
purpose: the last guard against a second confirmation lives in storage, so it is tested there."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import handler_config
from bot.settings import Settings
from storage import Database, study
from tests.chat import local
from tests.helpers.difficulty import THU, inbox
from tests.helpers.sample import MakeChat
from tests.helpers.study import XDCQ, XUAN, contact, data_of, group, register


async def test_storage_refuses_a_second_confirm_or_split_of_a_confirmed_part(
    linked_chat: MakeChat, org_db: Database
) -> None:
    # Two heads pressing at once are serialised by the single writer, so the handler's own
    # check answers the later one; this guard is what holds if the check ever reads stale data.
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    thu = await linked_chat(THU)
    await thu.press_data(data_of((await inbox(org_db, THU))[0], "Xác nhận"))
    assert "Đã xác nhận HT-0001" in thu.text
    now = local("2026-11-25 10:00")
    async with org_db.transaction() as tx:
        [part] = await study.parts_of_request(tx, 1)
        assert part.status == "confirmed"
        again = await study.confirm(
            tx, part.id, by=part.confirmed_by or 0, week=date(2026, 12, 14), place="x", now=now
        )
        split = await study.split(
            tx,
            part,
            [(date(2026, 12, 7), 1), (date(2026, 12, 14), 1)],
            by=part.confirmed_by or 0,
            place="x",
            now=now,
        )
    assert again is False and split is None
    async with org_db.read() as tx:
        [kept] = await study.parts_of_request(tx, 1)
    assert kept.week_start == date(2026, 12, 7) and kept.people == 2 and kept.place != "x"
    assert len(await inbox(org_db, XUAN)) == 1


async def test_study_in_english_is_the_same_command_as_hoctap(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    listed = await xuan.say("/hoctap")
    assert "HT-0001" in listed
    assert await xuan.say("/study") == listed
    assert await xuan.say("/study 1") == await xuan.say("/hoctap 1")


def test_hosting_capacity_defaults_to_five_people_per_division_and_week(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The issue fixes the default at 5; the handlers get it from the settings, not their own.
    monkeypatch.delenv("BOT_STUDY_CAPACITY_PER_WEEK", raising=False)
    settings = Settings(_env_file=None)
    assert handler_config(settings).study_capacity == 5
    monkeypatch.setenv("BOT_STUDY_CAPACITY_PER_WEEK", "3")
    assert handler_config(Settings(_env_file=None)).study_capacity == 3
