"""Stories of an operator at the command line: `bietphai COMMAND ...` (same as `python -m bot`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app import handler_config
from bot.cli import main
from bot.settings import Settings
from handlers.router import Router
from storage import Database
from tests.chat import ZONE, Chat
from tests.helpers.cli import (
    VIETNAMESE,
    OrgBook,
    bietphai,
    clean_env,
    commands,
    invite_code,
)
from tests.helpers.sample import AN, SAMPLE_XLSX


@pytest.fixture
async def router(sample_org: Path) -> AsyncIterator[Router]:
    """The bot's router on the operator's database, as `bietphai run` would build it."""
    async with Database(sample_org) as database:
        yield Router(database, handler_config(Settings()))


def telegram_user(router: Router, user_id: str, *, days_later: int = 0) -> Chat:
    """Someone on Telegram whose clock is the real time, or some days later."""
    return Chat(router, user_id, clock=datetime.now(ZONE) + timedelta(days=days_later))


# --- Help and usage ---


def test_the_command_line_offers_the_operator_commands() -> None:
    assert {"run", "chat", "import-org", "invite", "backup"} <= set(commands())


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_explains_itself_in_vietnamese(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith(f"cách dùng: bietphai {name}")
    description = commands()[name].description
    assert description and VIETNAMESE.search(description), f"{name} has no Vietnamese help"
    assert description in out


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "nhật ký công tác cho cán bộ biệt phái" in out
    for name in commands():
        assert f"    {name}" in out


def test_no_command_names_the_commands_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: chưa có lệnh")
    assert "import-org" in err and "invite" in err and "bietphai --help" in err


# --- Invites ---


async def test_an_invite_prints_the_telegram_line_and_the_code_that_links_the_account(
    router: Router, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await bietphai("invite", AN) == 0
    out = capsys.readouterr().out
    code = invite_code(out)
    assert out.startswith("Mã mời cho Nguyễn Văn An, dùng một lần, hết hạn lúc ")
    assert f"Telegram: gửi /start {code} cho bot" in out
    assert f"Zalo: gửi tin nhắn {code} cho bot." in out

    an = telegram_user(router, "7001")
    reply = await an.say(f"/start {code}")
    assert "Chào anh/chị An! Tài khoản Telegram đã được liên kết với bot." in reply
    with sqlite3.connect(router.db.path) as raw:
        linked = raw.execute(
            "SELECT i.channel, i.user_id, p.full_name, v.used_channel FROM channel_identities i "
            "JOIN people p ON p.id = i.person_id JOIN invites v ON v.person_id = p.id"
        )
        assert linked.fetchall() == [("telegram", "7001", AN, "telegram")]


async def test_with_the_bot_username_set_the_invite_is_a_deep_link(
    router: Router, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "sonoivu_bietphai_bot")
    assert await bietphai("invite", "0900000008") == 0  # Bùi Thị Lan, by phone
    out = capsys.readouterr().out
    code = invite_code(out)
    assert f"Telegram: https://t.me/sonoivu_bietphai_bot?start={code}\n" in out
    lan = telegram_user(router, "7002")
    assert "Chào anh/chị Lan!" in await lan.say(f"/start {code}")


async def test_an_invite_code_works_only_once(
    router: Router, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await bietphai("invite", AN) == 0
    code = invite_code(capsys.readouterr().out)
    assert "Chào anh/chị An!" in await telegram_user(router, "7003").say(f"/start {code}")
    # Someone else tries the same code, on Zalo where a bare code is enough.
    other = Chat(router, "zalo-55", channel="zalo", clock=datetime.now(ZONE))
    assert "Mã mời này đã được sử dụng" in await other.say(code)


async def test_an_invite_expires_after_the_default_seven_days(
    router: Router, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await bietphai("invite", AN) == 0
    late = invite_code(capsys.readouterr().out)
    assert await bietphai("invite", AN) == 0
    in_time = invite_code(capsys.readouterr().out)
    assert "Mã mời đã hết hạn" in await telegram_user(router, "7004", days_later=8).say(
        f"/start {late}"
    )
    assert "Chào anh/chị An!" in await telegram_user(router, "7005", days_later=6).say(
        f"/start {in_time}"
    )


async def test_bot_invite_ttl_days_shortens_the_life_of_a_code(
    router: Router, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_INVITE_TTL_DAYS", "1")
    assert await bietphai("invite", AN) == 0
    out = capsys.readouterr().out
    tomorrow = (datetime.now(ZONE) + timedelta(days=1)).strftime("%d/%m/%Y")
    assert tomorrow in out.splitlines()[0]  # "... hết hạn lúc HH:MM dd/mm/yyyy."
    reply = await telegram_user(router, "7006", days_later=2).say(f"/start {invite_code(out)}")
    assert "Mã mời đã hết hạn" in reply


async def test_a_wrong_code_is_refused(router: Router) -> None:
    stranger = telegram_user(router, "7007")
    assert "Mã mời không đúng" in await stranger.say("/start ABCD2345")
    assert "Mã mời không đúng" in await stranger.say("/start XYZ")


def test_an_invite_for_an_unknown_person_is_one_line_and_exit_1(
    sample_org: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invite", "Nguyễn Văn Ai Đó"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "Lỗi: không tìm thấy ai tên hoặc số điện thoại 'Nguyễn Văn Ai Đó'\n"


def test_an_invite_for_a_shared_name_asks_for_the_phone(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = OrgBook.sample()
    book.append("people", full_name="Lâm Thị Uyên", role="commune_official", phone="0900000399")
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 0
    capsys.readouterr()
    assert main(["invite", "lâm thị uyên"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Lỗi: có 2 người ứng với 'lâm thị uyên': Lâm Thị Uyên (")
    assert err.endswith("Lâm Thị Uyên (0900000399); hãy dùng số điện thoại\n")
    assert main(["invite", "090 000 0399"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Lâm Thị Uyên,")


# --- Backup ---


def test_backup_writes_a_copy_that_opens_with_the_same_data(
    sample_org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invite", AN]) == 0
    capsys.readouterr()
    target = tmp_path / "sao-luu-28-11.sqlite3"
    assert main(["backup", str(target)]) == 0
    assert capsys.readouterr().out == (
        f"Đã sao lưu vào {target}: 21 người, 0 nhật ký, 0 khó khăn; đã kiểm tra toàn vẹn.\n"
    )
    assert target.stat().st_mode & 0o777 == 0o600  # it holds phone numbers
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM people").fetchone() == (21,)
        assert copy.execute("SELECT count(*) FROM invites").fetchone() == (1,)
        assert copy.execute("SELECT count(*) FROM assignments").fetchone() == (24,)


def test_backup_refuses_to_overwrite_a_file(
    sample_org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "sao-luu.sqlite3"
    target.write_text("bản sao lưu hôm qua")
    assert main(["backup", str(target)]) == 1
    assert capsys.readouterr().err == (
        f"Lỗi: tệp {target} đã có; chọn tên khác hoặc thêm --force để ghi đè\n"
    )
    assert target.read_text() == "bản sao lưu hôm qua"


# --- Configuration mistakes ---


@pytest.mark.parametrize(
    "command",
    [
        ["invite", AN],
        ["import-org", str(SAMPLE_XLSX)],
        ["backup", "sao-luu.sqlite3"],
        ["chat", "--as", AN],
    ],
    ids=["invite", "import-org", "backup", "chat"],
)
def test_a_database_folder_that_does_not_exist_is_one_line_and_exit_1(
    command: list[str],
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "khong-co" / "bietphai.sqlite3"
    monkeypatch.setenv("BOT_DB_PATH", str(missing))
    assert main(command) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"Lỗi: thư mục chứa cơ sở dữ liệu không tồn tại: {missing.parent} (BOT_DB_PATH)\n"
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("BOT_TIMEZONE", "Asia/Hanoi_City"),
        ("BOT_INVITE_TTL_DAYS", "bảy"),
        ("BOT_LANGUAGE", "fr"),
    ],
)
def test_a_bad_setting_is_one_configuration_line_and_exit_2(
    setting: str,
    value: str,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(setting, value)
    assert main(["invite", AN]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"Lỗi cấu hình ({setting}): ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not db_path.exists()


def test_an_unknown_time_zone_is_named_in_the_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_TIMEZONE", "Asia/Hanoi_City")
    assert main(["backup", "x.sqlite3"]) == 2
    assert "Asia/Hanoi_City" in capsys.readouterr().err


# --- The bot itself, as a separate process ---


def test_run_without_a_channel_explains_what_to_set_and_exits_at_end_of_input(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=clean_env(),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "Chưa cấu hình kênh nào" in out and "TELEGRAM_BOT_TOKEN" in out
    assert "Đang chat với tư cách:" in out
    assert "Traceback" not in err


def test_chat_as_an_official_logs_the_days_work(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sample's second wave, moved so that An is at Xã Hòa Vang Tây today.
    today = datetime.now(ZONE).date()
    book = OrgBook.sample()
    book.set("waves", 2, start=today - timedelta(days=200), end=today - timedelta(days=100))
    book.set("waves", 3, start=today - timedelta(days=30), end=today + timedelta(days=30))
    book.set("assignments", 10, start=today - timedelta(days=30), end=today + timedelta(days=30))
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 0
    capsys.readouterr()

    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--as", AN],
        input="/nhatky\n8\nHọp với UBND xã\n".encode(),
        capture_output=True,
        env=clean_env() | {"BOT_DB_PATH": str(db_path)},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "Xã Hòa Vang Tây: anh/chị chọn lĩnh vực" in out
    assert "8. Khác" in out
    assert "Đã ghi nhật ký ngày" in out and "«Họp với UBND xã»" in out
    with sqlite3.connect(db_path) as raw:
        rows = raw.execute("SELECT work_date, commune_code, topic, text, channel FROM work_logs")
        assert rows.fetchall() == [
            (today.isoformat(), "XA01", "khac", "Họp với UBND xã", "console")
        ]
