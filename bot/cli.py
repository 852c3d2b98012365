"""The `bietphai` command line: run, chat, import-org, invite, backup, restore, migrate, …"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr, ValidationError

from bot import (
    __version__,
    calendar_cli,
    copydb_cli,
    digest_cli,
    export_cli,
    logs,
    maintenance_cli,
    report_cli,
    study_cli,
)
from bot import app as assembly
from bot.channels.console import CHANNEL as CONSOLE
from bot.channels.console import ConsoleOutbox, chat_loop, link_console
from bot.cli_parser import VietnameseParser
from bot.digest_cli import EMPTY_DATABASE
from bot.export_worker import ExportWorker
from bot.orgbook import WorkbookError
from bot.orgservice import ImportRejected, PersonNotFound, create_invite, import_org
from bot.outbox_sender import OutboxSender, SenderSettings
from bot.person_lookup import not_one_person, people_named
from bot.reports import letterhead_from
from bot.reports.delivery import ReportPreparer
from bot.secret_key import load_secret_key
from bot.settings import Settings
from bot.settings_errors import settings_error_line
from bot.startup import StartupError
from bot.web.config import web_config
from handlers.router import Router
from handlers.web.links import create_link
from storage import org
from storage.db import Database, StorageError, open_database
from storage.models import Person, Role

ROLE_NAMES = {
    Role.OFFICIAL: "cán bộ biệt phái",
    Role.SUPERVISOR: "lãnh đạo",
    Role.ADMIN: "quản trị viên",
    Role.COMMUNE_OFFICIAL: "cán bộ xã",
}


class CliError(Exception):
    """A problem the operator can fix; printed as one line."""


def parser() -> VietnameseParser:
    """The argument parser with every sub-command."""
    top = VietnameseParser(
        prog="bietphai",
        description="bietphai — nhật ký công tác cho cán bộ biệt phái (Telegram, Zalo).",
    )
    top.add_argument(
        "--version", action="version", version=f"bietphai {__version__}", help="in phiên bản"
    )
    sub = top.add_subparsers(
        dest="command", metavar="COMMAND", help="lệnh cần chạy (bietphai COMMAND --help: cách dùng)"
    )

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        # The summary doubles as the description, so `bietphai NAME --help` explains itself.
        return sub.add_parser(name, help=summary, description=summary)

    command(
        "run",
        "chạy bot trên mọi kênh đã cấu hình (không có kênh nào: mở chat thử trên dữ liệu mẫu)",
    )
    chat = command("chat", summary="chat với bot trong cửa sổ dòng lệnh, dưới tên một người")
    chat.add_argument(
        "--as",
        dest="person",
        required=True,
        metavar="PERSON",
        help="họ tên đầy đủ hoặc số điện thoại",
    )
    imp = command("import-org", summary="nhập tổ chức từ tệp .xlsx hoặc thư mục .csv")
    imp.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="tệp .xlsx của tổ chức, hoặc thư mục chứa các tệp .csv đặt tên theo trang",
    )
    inv = command("invite", summary="tạo mã mời dùng một lần cho một người")
    inv.add_argument("person", metavar="PERSON", help="họ tên đầy đủ hoặc số điện thoại")
    maintenance_cli.add_backup_arguments(
        command("backup", "sao lưu cơ sở dữ liệu ra một tệp đã kiểm tra (chỉ chủ sở hữu đọc được)")
    )
    maintenance_cli.add_restore_arguments(
        command("restore", "khôi phục cơ sở dữ liệu từ một bản sao lưu (bot phải đang dừng)")
    )
    command("migrate", "nâng cấp lược đồ cơ sở dữ liệu (như run làm khi khởi động)")
    digest_cli.add_arguments(
        command("digest", "in báo cáo tổng hợp ngày hoặc tuần của một lãnh đạo (như gửi qua chat)")
    )
    calendar_cli.add_arguments(
        command("calendar", "lịch làm việc: khai báo ngày nghỉ, ngày làm bù; xem lịch một năm")
    )
    export_cli.add_arguments(
        command("export", "xuất Excel: nhật ký, khó khăn, chuyên cần, công tác phí của một kỳ")
    )
    report_cli.add_arguments(
        command("report", "lập báo cáo .docx theo thể thức văn bản hành chính (NĐ 30/2020)")
    )
    export_cli.add_org_arguments(
        command("export-org", "xuất tổ chức ra tệp .xlsx (nhập lại được bằng import-org)")
    )
    study_cli.add_arguments(command("study", "học tập kinh nghiệm tại Sở: in lịch các đoàn"))
    copydb_cli.add_arguments(
        command(
            "copy-db",
            "chép toàn bộ cơ sở dữ liệu: SQLite sang một PostgreSQL trống (--to URL), "
            "hoặc PostgreSQL về một tệp SQLite mới (--from URL --to-sqlite FILE)",
        )
    )
    link = command("web-link", "tạo đường link dùng một lần (10 phút) vào bảng điều khiển web")
    link.add_argument("person", metavar="PERSON", help="họ tên đầy đủ hoặc số điện thoại")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors become one line on stderr and a non-zero exit."""
    args = parser().parse_args(argv)
    if args.command is None:
        top = parser()
        names = ", ".join(top.command_names())
        print(
            f"Lỗi: chưa có lệnh; các lệnh: {names}. Gõ bietphai --help để xem cách dùng.",
            file=sys.stderr,
        )
        return 2
    try:
        settings = Settings()
    except ValidationError as exc:
        print(settings_error_line(exc), file=sys.stderr)
        return 2
    redact = logs.configure(_log_level(args, settings), settings.secrets(), settings.log_format)
    try:
        return asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except (CliError, StorageError, WorkbookError, StartupError) as exc:
        print(redact(f"Lỗi: {exc}"), file=sys.stderr)
        return 1


def _log_level(args: argparse.Namespace, settings: Settings) -> str:
    """BOT_LOG_LEVEL for the service; a person's terminal (every other command) shows warnings.

    `run` with no channel is the console chat a newcomer sees first: its screen is the chat in
    Vietnamese, not the operators' log lines.
    """
    serving = settings.telegram_bot_token or settings.zalo_bot_token
    return settings.log_level if args.command == "run" and serving else "WARNING"


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return await _run(settings)
    if args.command == "chat":
        return await _chat(settings, args.person)
    if args.command == "import-org":
        return await _import(settings, args.file)
    if args.command == "invite":
        return await _invite(settings, args.person)
    if args.command == "backup":
        return await maintenance_cli.run_backup(args, settings)
    if args.command == "restore":
        return await maintenance_cli.run_restore(args, settings)
    if args.command == "migrate":
        return await maintenance_cli.run_migrate(settings)
    if args.command == "calendar":
        return await calendar_cli.run(args, settings)
    if args.command == "digest":
        return await digest_cli.run(args, settings)
    if args.command == "export":
        return await export_cli.run(args, settings)
    if args.command == "report":
        return await report_cli.run(args, settings)
    if args.command == "export-org":
        return await export_cli.run_org(args, settings)
    if args.command == "study":
        return await study_cli.run(args, settings)
    if args.command == "copy-db":
        return await copydb_cli.run(args, settings)
    if args.command == "web-link":
        return await _web_link(settings, args.person)
    raise CliError(f"không có lệnh {args.command}")


async def _run(settings: Settings) -> int:
    if settings.telegram_bot_token or settings.zalo_bot_token:
        return await assembly.serve(settings)
    print(
        "Chưa cấu hình kênh nào. Đặt TELEGRAM_BOT_TOKEN và/hoặc ZALO_BOT_TOKEN trong .env "
        "rồi chạy lại; xem README.\n"
        "Đang mở chat thử trên dữ liệu mẫu (examples/org-sample.xlsx) với cơ sở dữ liệu TẠM: "
        "mọi thứ ghi ở đây mất khi thoát.\n"
        "Muốn giữ dữ liệu: bietphai import-org examples/org-sample.xlsx (ghi vào "
        f'{settings.db_path}), rồi bietphai chat --as "Nguyễn Văn An" (họ tên hoặc số điện '
        "thoại một người trong tệp).\n"
    )
    with tempfile.TemporaryDirectory(prefix="bietphai-demo-") as folder:
        # The demo's database lives in the temporary folder; its secret key (invite codes)
        # only in memory: nothing of it is kept, so there is no key file to create or back up.
        demo_key = SecretStr(secrets.token_urlsafe(48))
        settings = settings.model_copy(
            update={"db_path": Path(folder) / "demo.sqlite3", "secret_key": demo_key}
        )
        db = await Database(settings.db_path).open()
        try:
            now = datetime.now(UTC)
            await import_org(db, assembly.SAMPLE_WORKBOOK, now, actor="demo")
            person = await _demo_person(db, settings)
            return await _chat_with(db, settings, person)
        finally:
            await db.close()


async def _demo_person(db: Database, settings: Settings) -> Person:
    """An official with an assignment today, else the first official."""
    today = datetime.now(settings.zone).date()
    async with db.read() as tx:
        officials = [p for p in await org.all_people(tx) if p.role == Role.OFFICIAL]
        for person in officials:
            if await org.communes_of_person_on(tx, person.id, today):
                return person
    if not officials:
        raise CliError("dữ liệu mẫu không có cán bộ nào")
    return officials[0]


async def _chat(settings: Settings, query: str) -> int:
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        async with db.read() as tx:
            if not await org.all_people(tx):
                raise CliError(EMPTY_DATABASE)
            matches = await people_named(tx, query)
        if len(matches) != 1:
            raise CliError(not_one_person(query, matches))
        return await _chat_with(db, settings, matches[0])
    finally:
        await db.close()


async def _chat_with(db: Database, settings: Settings, person: Person) -> int:
    await link_console(db, person)
    router = Router(db, assembly.handler_config(settings))
    files = settings.console_files_dir.resolve()
    print(
        f"Đang chat với tư cách: {person.full_name} ({ROLE_NAMES[person.role]}"
        + (f", {person.phone}" if person.phone else "")
        + ").\n"
        f"Gõ /trogiup để xem lệnh; Ctrl+D (Windows: Ctrl+Z rồi Enter) để thoát. "
        f"Tệp bot gửi (Excel, Word, biểu đồ) được lưu vào {files}.\n"
    )

    # What a turn queues for this terminal (a report, an export) is built off the loop and
    # saved too: reports when the outbox row is sent, exports by the export worker.
    def console_sender() -> OutboxSender:
        return OutboxSender(
            db,
            ConsoleOutbox(settings.language, files),
            SenderSettings(messages_per_second=100, chat_interval=0.0, idle=0.2),
            prepare=ReportPreparer(
                settings.db_path,
                letterhead_from(settings),
                settings.timezone,
                database_url=settings.database_url,
            ),
        )

    console_outbox = console_sender()
    worker = ExportWorker(
        db,
        settings.files_folder,
        settings.timezone,
        queued=console_outbox.wake,
        channels=(CONSOLE,),
    )
    await console_outbox.start()
    await worker.start()
    try:
        await chat_loop(
            router, person, settings.language, files=files, queued=console_outbox.drain_once
        )
        await worker.stop()
        # Input ended (Ctrl+D, or a piped script): what was asked for is still built and saved.
        while await worker.run_once():
            pass
        await console_outbox.stop()
        last = console_sender()
        while await last.drain_once():
            pass
    finally:
        await worker.stop()
        await console_outbox.stop()
    return 0


async def _import(settings: Settings, path: Path) -> int:
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        result = await import_org(db, path, datetime.now(UTC))
    except ImportRejected as exc:
        print(f"Không nhập gì: tệp có {len(exc.problems)} lỗi.", file=sys.stderr)
        for line in exc.problems:
            print(f"  - {line}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    c = result.counts
    print(
        f"Đã nhập {path.name}: {c['divisions']} phòng, {c['communes']} xã, {c['people']} người, "
        f"{c['waves']} đợt, {c['assignments']} phân công, {c['working_groups']} tổ công tác, "
        f"{c['calendar_days']} ngày lịch riêng; "
        + (f"{result.changed_rows} dòng thay đổi." if result.changed_rows else "không có thay đổi.")
    )
    return 0


async def _invite(settings: Settings, query: str) -> int:
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        invite = await create_invite(
            db,
            query,
            datetime.now(UTC),
            timedelta(days=settings.invite_ttl_days),
            key=load_secret_key(settings),
        )
    except PersonNotFound as exc:
        raise CliError(not_one_person(exc.query, exc.matches)) from exc
    finally:
        await db.close()
    expires = invite.expires_at.astimezone(settings.zone).strftime("%H:%M %d/%m/%Y")
    print(f"Mã mời cho {invite.person.full_name}, dùng một lần, hết hạn lúc {expires}.")
    if settings.telegram_bot_username:
        print(f"Telegram: https://t.me/{settings.telegram_bot_username}?start={invite.code}")
    else:
        hint = "đặt TELEGRAM_BOT_USERNAME để có đường link"
        print(f"Telegram: gửi /start {invite.code} cho bot ({hint}).")
    print(f"Zalo: gửi tin nhắn {invite.code} cho bot.")
    print(invite.code)
    return 0


async def _web_link(settings: Settings, query: str) -> int:
    config = web_config(settings)
    if config is None:
        raise CliError(
            "bảng điều khiển web chưa bật: đặt BOT_PUBLIC_BASE_URL (ví dụ https://bot.example.org)"
        )
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        async with db.transaction() as tx:
            matches = await people_named(tx, query)
            if len(matches) != 1:
                raise CliError(not_one_person(query, matches))
            person = matches[0]
            link = await create_link(tx, config, person.id, datetime.now(UTC))
    finally:
        await db.close()
    expires = link.expires_at.astimezone(settings.zone).strftime("%H:%M %d/%m/%Y")
    print(
        f"Đường link vào bảng điều khiển cho {person.full_name}, dùng một lần, "
        f"hết hạn lúc {expires}:"
    )
    print(link.url)
    return 0
