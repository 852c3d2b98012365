"""Shared fixtures: a real SQLite file in a temp folder, the sample organisation, chats."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.orgservice import create_invite, import_org
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database
from tests.chat import ZONE, Chat, local
from tests.helpers.cli import (
    OPERATOR_SETTINGS,
)
from tests.helpers.sample import SAMPLE_XLSX, MakeChat


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """An empty bietphai database in a temp folder."""
    database = await Database(tmp_path / "bietphai.sqlite3").open()
    yield database
    await database.close()


@pytest.fixture
async def org_db(db: Database) -> Database:
    """The database with the sample organisation imported."""
    await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
    return db


@pytest.fixture
def router(org_db: Database) -> Router:
    """The router on the sample organisation, Vietnam time, 7 days of back-dating."""
    return Router(org_db, HandlerConfig(zone=ZONE, language="vi", backdate_days=7))


@pytest.fixture
def linked_chat(org_db: Database, router: Router) -> MakeChat:
    """A factory: the chat of a sample person who has redeemed an invite on Telegram."""
    counter = iter(range(1000, 2000))

    async def make(name: str, *, numbered: bool = False, channel: str = "telegram") -> Chat:
        user_id = str(next(counter))
        chat = Chat(router, user_id, channel=channel, numbered=numbered)
        invite = await create_invite(org_db, name, chat.clock, timedelta(days=7))
        await chat.say(f"/start {invite.code}")
        assert "Chào anh/chị" in chat.text, chat.text
        return chat

    return make


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell: BOT_DB_PATH set, no other setting, a folder without .env."""
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "bietphai.sqlite3"
    path.parent.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    return path


@pytest.fixture
def sample_org(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The sample organisation imported with `bietphai import-org`."""
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    capsys.readouterr()
    return db_path
