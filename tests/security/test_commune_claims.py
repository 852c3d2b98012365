"""Attack: a commune contact names themselves the contact of any commune in the chat, and so
receives that commune's visit notices and follow-up items and reads its study requests.

Through the real Telegram stack (fake Bot API): picking a commune in /hoctap only sends a claim to
the admin; nothing is granted. The admin confirms with the real command line
(`bietphai study confirm-contact`), or gives the commune directly (`set-contact`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import handler_config
from bot.cli import main
from bot.settings import Settings
from handlers.router import Router
from storage import Database, audit, study, visits
from storage.org_import import resolve_person
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.cli import OPERATOR_SETTINGS, bietphai
from tests.helpers.sample import SAMPLE_XLSX
from tests.helpers.telegram import Official, PollingBot

XUAN = "Đinh Văn Xuân"  # commune contact without a commune in the sample
UYEN = "Lâm Thị Uyên"  # the admin
WHEN = "2026-11-25 09:00"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell with the sample organisation imported."""
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    path = tmp_path / "bietphai.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    return path


@pytest.fixture
async def database(db_path: Path) -> AsyncIterator[Database]:
    """The operator's database, opened by the bot."""
    async with Database(db_path) as opened:
        yield opened


@pytest.fixture
async def bot(database: Database) -> AsyncIterator[PollingBot]:
    """The running bot on the fake Bot API, built as `bietphai run` builds it."""
    async with FakeTelegramAPI() as fake:
        running = PollingBot(fake, Router(database, handler_config(Settings())))
        await running.start()
        yield running
        await running.stop()


async def contacts_of(database: Database, code: str) -> list[str]:
    """Who the bot treats as the contacts of a commune (visit notices, follow-ups, /hoctap)."""
    async with database.read() as tx:
        return [p.full_name for p in await visits.commune_contacts_of(tx, code)]


async def test_a_commune_picked_in_the_chat_is_only_a_claim_until_the_admin_confirms(
    bot: PollingBot, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert await bietphai("invite", XUAN) == 0
    code = capsys.readouterr().out.splitlines()[-1]
    xuan = Official(bot, 7401, "Xuân")
    [greeting] = await xuan.says(f"/start {code}", at=WHEN)
    assert greeting.text.startswith("Chào anh/chị Xuân!"), greeting.text
    [ask] = await xuan.says("/hoctap", at=WHEN)
    assert "quản trị viên xác nhận" in ask.text
    [claimed] = await xuan.presses("Xã Đèo Gió (XA03)", ask)
    assert "Đã gửi quản trị viên đề nghị xác nhận anh/chị là đầu mối của Xã Đèo Gió" in claimed.text
    # Nothing granted: not a contact of XA03, no study registration, no visit notices.
    assert XUAN not in await contacts_of(database, "XA03")
    [again] = await xuan.says("/hoctap", at=WHEN)
    assert "đang chờ quản trị viên xác nhận" in again.text and "HT-" not in again.text
    async with database.read() as tx:
        xuan_id = await resolve_person(tx, XUAN)
        assert await study.commune_of_contact(tx, xuan_id) is None
        [line] = await audit.audit_lines(tx, "commune_claim")
        notices = await tx.all("SELECT key FROM outbox WHERE key LIKE 'htclaim:%'")
    assert line[2] == "commune:XA03"
    assert len(notices) == 1  # the one admin, Lâm Thị Uyên

    capsys.readouterr()
    assert await bietphai("study", "contacts") == 0
    listed = capsys.readouterr().out
    assert "Đang chờ xác nhận" in listed and XUAN in listed and "Xã Đèo Gió" in listed
    assert await bietphai("study", "confirm-contact", "dinh van xuan") == 0
    assert f"Đã ghi: {XUAN} là đầu mối của Xã Đèo Gió." in capsys.readouterr().out
    assert XUAN in await contacts_of(database, "XA03")
    async with database.read() as tx:
        told = await tx.all("SELECT key FROM outbox WHERE key LIKE 'htcontact:%'")
        assert await study.commune_claims(tx) == []
    assert len(told) == 1
    [home] = await xuan.says("/hoctap", at=WHEN)
    assert "Xã Đèo Gió chưa có đăng ký học tập nào" in home.text


async def test_only_the_admin_sets_a_commune_and_only_for_a_commune_contact(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert await bietphai("study", "confirm-contact", XUAN) == 1
    assert capsys.readouterr().err == f"Lỗi: {XUAN} không có đề nghị nào đang chờ xác nhận\n"
    assert await bietphai("study", "set-contact", UYEN, "XA03") == 1
    assert "không phải đầu mối xã" in capsys.readouterr().err
    assert await bietphai("study", "set-contact", XUAN, "Xã Mơ") == 1
    assert capsys.readouterr().err == "Lỗi: không có xã/phường 'Xã Mơ'\n"
    assert await bietphai("study", "set-contact", XUAN, "xa 8") == 0
    assert XUAN in await contacts_of(database, "XA08")
