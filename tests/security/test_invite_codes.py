"""Attack: guessing invite codes online, or recovering them from a copy of the database.

`bietphai invite` (real command line) makes a code; the database holds only its HMAC with the
server's key, kept in a 0600 file outside the database. A stranger guessing on Telegram (the real
stack against the fake Bot API) is stopped after 5 wrong codes in 10 minutes, even when the sixth
is right; every refusal is an audit line. A new invite for a person revokes the older one, and
codes stored by older versions (plain SHA-256) are revoked by migration 0015.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import stat
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import handler_config
from bot.cli import main
from bot.secret_key import KEY_FILE_NAME
from bot.settings import Settings
from handlers.router import Router
from storage import Database, audit
from storage.db import migrations, split_sql
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import ZONE, Chat
from tests.helpers.cli import OPERATOR_SETTINGS, bietphai
from tests.helpers.sample import AN, SAMPLE_XLSX
from tests.helpers.telegram import Official, PollingBot

# Groups of four from an alphabet without 0/O and 1/I.
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")
STRANGER = 7301


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell with the sample organisation imported."""
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "bietphai.sqlite3"
    path.parent.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    return path


@pytest.fixture
async def router(db_path: Path) -> AsyncIterator[Router]:
    """The router as `bietphai run` builds it from the settings (the same key as the CLI)."""
    async with Database(db_path) as database:
        yield Router(database, handler_config(Settings()))


@pytest.fixture
async def bot(router: Router) -> AsyncIterator[PollingBot]:
    """The running bot on the fake Bot API."""
    async with FakeTelegramAPI() as fake:
        running = PollingBot(fake, router)
        await running.start()
        yield running
        await running.stop()


async def invite(capsys: pytest.CaptureFixture[str], person: str = AN) -> str:
    """The code `bietphai invite` prints alone on its last line."""
    capsys.readouterr()
    assert await bietphai("invite", person) == 0
    last = capsys.readouterr().out.rstrip("\n").splitlines()[-1]
    assert CODE.match(last), last
    return last


async def test_the_database_holds_only_a_keyed_hash_and_the_key_is_a_private_file(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await invite(capsys)
    key_file = db_path.parent / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip().encode()
    assert len(key) >= 32
    with sqlite3.connect(db_path) as raw:
        [(stored,)] = raw.execute("SELECT code_hash FROM invites").fetchall()
    plain = code.replace("-", "")
    assert stored == hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
    # The unkeyed hash an attacker would try against a stolen copy is not there.
    assert stored != hashlib.sha256(plain.encode()).hexdigest()
    # The key is kept: a second invite uses the same file.
    await invite(capsys, "0900000008")
    assert key_file.read_text().strip().encode() == key


async def test_guessing_is_stopped_after_five_wrong_codes_and_each_refusal_is_audited(
    bot: PollingBot, router: Router, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await invite(capsys)
    stranger = Official(bot, STRANGER, "Mallory")
    for guess in ["AAAA-BBBB-CCCC", "AAAA-BBBB-CCCD", "AAAABBBBCCCE", "aaaa bbbb cccf", "XYZ"]:
        [answer] = await stranger.says(f"/start {guess}")
        assert answer.text.startswith("Mã mời không đúng"), answer.text
    # The sixth try is the right code, and it is still refused: the wait holds for every code.
    [answer] = await stranger.says(f"/start {code}")
    assert "nhập sai mã mời nhiều lần" in answer.text and "10 phút" in answer.text
    async with router.db.read() as tx:
        wrong = await audit.audit_lines(tx, "invite_wrong")
        throttled = await audit.audit_lines(tx, "invite_throttled")
        linked = await tx.value("SELECT count(*) FROM channel_identities")
    assert len(wrong) == 5 and len(throttled) == 1 and linked == 0
    assert all(line[0] == f"telegram:{STRANGER}" for line in wrong + throttled)
    assert not any(code in str(line) for line in wrong + throttled)
    # Ten minutes later (the router's clock), the right code links the account.
    later = Chat(router, str(STRANGER))
    later.clock = later.clock.now(ZONE) + timedelta(minutes=10, seconds=5)
    assert "Chào anh/chị An" in await later.say(f"/start {code}")


async def test_a_new_invite_revokes_the_older_one(
    router: Router, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = await invite(capsys)
    new = await invite(capsys)
    first = Chat(router, "7311")
    first.clock = first.clock.now(ZONE)
    assert "đã được thay bằng một mã mới hơn" in await first.say(f"/start {old}")
    assert "Chào anh/chị An" in await first.say(f"/start {new}")


async def test_codes_stored_by_an_older_version_are_revoked_by_the_migration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as raw:
        for number, sql in migrations():
            if number > 10:
                break
            for statement in split_sql(sql):
                raw.execute(statement)
            raw.execute(f"PRAGMA user_version = {number}")
        raw.execute(
            "INSERT INTO people (full_name, role, created_at) "
            "VALUES ('Nguyễn Văn An', 'official', '2026-11-01T00:00:00.000000+00:00')"
        )
        raw.execute(
            "INSERT INTO invites (person_id, code_hash, created_at, expires_at) VALUES "
            "(1, ?, '2026-11-30T00:00:00.000000+00:00', '2099-01-01T00:00:00.000000+00:00')",
            (hashlib.sha256(b"ABCD2345").hexdigest(),),
        )
    async with Database(path):
        pass
    with sqlite3.connect(path) as raw:
        [(revoked,)] = raw.execute("SELECT revoked_at FROM invites").fetchall()
    assert revoked is not None


def test_a_short_secret_key_setting_is_one_clear_line(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_SECRET_KEY", "short")
    capsys.readouterr()
    assert main(["invite", AN]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi cấu hình (BOT_SECRET_KEY)") and "short" not in err
