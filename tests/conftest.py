"""Shared fixtures: a real SQLite file in a temp folder (or a real PostgreSQL database), the
sample organisation, chats.

Tests marked `both_backends` (or every test, with BOT_TEST_BACKENDS=all) run twice: on SQLite
and on PostgreSQL (see tests/pgserver.py). Without a PostgreSQL server those runs fail, saying
what to start; they are never skipped. A test that is about the SQLite file itself (it opens the
file, or copies it to PostgreSQL) says so with `@pytest.mark.sqlite_only("why")`: it runs once,
on SQLite, whatever BOT_TEST_BACKENDS asks.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.orgservice import create_invite, import_org
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database
from storage.pg import PgDatabase
from tests.chat import ZONE, Chat, local
from tests.helpers.cli import (
    OPERATOR_SETTINGS,
)
from tests.helpers.sample import SAMPLE_XLSX, MakeChat
from tests.pgserver import PgServer

OpenStore = Callable[[], Awaitable[Database]]
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers that choose a test's backends."""
    config.addinivalue_line(
        "markers", "both_backends: run the test on SQLite and on PostgreSQL (fixture `backend`)"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about the SQLite file; never on PostgreSQL"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked both_backends (all of them with BOT_TEST_BACKENDS=all) get both backends."""
    if "backend" not in metafunc.fixturenames:
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only")
    if sqlite_only is not None:
        if not sqlite_only.args or metafunc.definition.get_closest_marker("both_backends"):
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: sqlite_only needs a reason and no both_backends"
            )
        return  # the `backend` fixture's default, SQLite
    for marker in metafunc.definition.iter_markers("parametrize"):
        if marker.args and marker.args[0] == "backend":
            return  # the test names its backends itself
    chosen = os.environ.get("BOT_TEST_BACKENDS", "")
    if chosen in BACKENDS:
        metafunc.parametrize("backend", [chosen], indirect=True)
    elif chosen == "all" or metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which storage backend this test runs on (SQLite unless parametrised)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server of this run; fails (never skips) when none answers."""
    server = PgServer()
    problem = server.check()
    if problem:
        pytest.fail(problem, pytrace=False)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def pg_run_database(pg_server: PgServer) -> str:
    """The database this run's tests share (emptied before each test), by URL."""
    return pg_server.create("run")


@pytest.fixture
def pg_url(pg_server: PgServer, pg_run_database: str) -> str:
    """The URL of an empty (migrated once created) PostgreSQL database for this test."""
    pg_server.empty(pg_run_database)
    return pg_run_database


@pytest.fixture
def open_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> OpenStore:
    """Opens a Database on this test's store (SQLite file or PostgreSQL database)."""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")

        async def open_pg() -> Database:
            return await PgDatabase(url).open()

        return open_pg
    path = tmp_path / "bietphai.sqlite3"

    async def open_sqlite() -> Database:
        return await Database(path).open()

    return open_sqlite


@pytest.fixture
async def db(open_store: OpenStore) -> AsyncIterator[Database]:
    """An empty bietphai database in a temp folder (or on the PostgreSQL server)."""
    database = await open_store()
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
