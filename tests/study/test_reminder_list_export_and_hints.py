"""Study visits beyond the chat: the reminder two working days before, the operator's
`bietphai study list`, the export's `Học tập` sheet, Zalo hints and the scheduler job."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.channels.zalo import zalo_texts
from bot.export import ExportRequest, export_to
from bot.export.org import export_org
from bot.jobs import Jobs, Schedule
from bot.orgservice import ImportRejected, import_org
from bot.scheduler import build_scheduler
from handlers.core.messages import Choice, Reply
from handlers.core.notify import standing
from handlers.core.workcal import calendar_from
from storage import Database, calendar
from storage.export import ExportFilter
from tests.chat import ZONE, local
from tests.helpers.cli import bietphai
from tests.helpers.difficulty import THU, inbox
from tests.helpers.sample import SAMPLE_CSV, SAMPLE_XLSX, MakeChat
from tests.helpers.study import XDCQ, XUAN, contact, data_of, group, register


async def confirmed_request(linked_chat: MakeChat, org_db: Database) -> None:
    """Đinh Văn Xuân's group of 2, confirmed by Cao Thị Thu for the week of 07/12/2026."""
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    thu = await linked_chat(THU)
    await thu.press_data(data_of((await inbox(org_db, THU))[0], "Xác nhận"))
    assert "Đã xác nhận HT-0001" in thu.text


async def test_the_contact_is_reminded_two_working_days_before_once(
    linked_chat: MakeChat, org_db: Database
) -> None:
    await confirmed_request(linked_chat, org_db)
    now = [local("2026-12-02 08:00")]  # Wednesday: three working days before
    jobs = Jobs(org_db, ZONE, "vi", Schedule(), clock=lambda: now[0])
    assert await jobs.send_study_reminders() == 0
    now[0] = local("2026-12-03 08:00")  # Thursday: two working days before Monday 07/12
    assert await jobs.send_study_reminders() == 1
    assert await jobs.send_study_reminders() == 0
    now[0] = local("2026-12-04 08:00")
    assert await jobs.send_study_reminders() == 0
    reminders = [m for m in await inbox(org_db, XUAN) if m["key"] == "ht:1:remind"]
    [reminder] = reminders
    assert "Nhắc lịch học tập HT-0001" in reminder["text"]
    assert "bắt đầu Thứ Hai, 07/12/2026" in reminder["text"]
    assert "Người liên hệ: Cao Thị Thu, 0900000102" in reminder["text"]


def test_the_study_reminder_job_has_a_fixed_id(org_db: Database) -> None:
    scheduler = build_scheduler(Jobs(org_db, ZONE, "vi", Schedule()), ZONE)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert "hour='8'" in str(jobs["study_reminders"].trigger)


async def test_the_export_has_a_study_sheet_in_scope(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    await confirmed_request(linked_chat, org_db)
    async with org_db.read() as tx:
        cal = calendar_from(ZONE, await calendar.declared_days(tx))
        tam_id = await tx.value("SELECT id FROM people WHERE full_name = 'Hồ Văn Tâm'")
        for name, scope in (("all", ExportFilter()), ("tam", ExportFilter(supervisor_id=tam_id))):
            request = ExportRequest(date(2026, 12, 1), date(2026, 12, 31), scope, name)
            target = tmp_path / f"{name}.xlsx"
            await export_to(tx, request, cal, target, local("2026-12-01 08:00"))
    rows = list(load_workbook(tmp_path / "all.xlsx")["Học tập"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Mã", "Xã/phường", "Đầu mối", "Phòng")
    row = dict(zip(header, rows[1], strict=True))
    assert row["Mã"] == "HT-0001" and row["Xã/phường"] == "Xã Đèo Gió"
    assert row["Từ ngày"].date() == date(2026, 12, 7) and row["Số người"] == 2
    assert row["Trạng thái"] == "đã xác nhận" and row["Người xác nhận"] == "Cao Thị Thu"
    assert "Lò Văn A — Công chức văn phòng" in row["Danh sách"]
    tam_rows = list(load_workbook(tmp_path / "tam.xlsx")["Học tập"].iter_rows(values_only=True))
    assert not any("HT-0001" in str(r) for r in tam_rows)  # another division head's


def test_zalo_shows_the_command_for_study_buttons() -> None:
    reply: Reply = standing("Đăng ký HT-0007", Choice("Xác nhận", "h:ok:7:12"))
    [text] = zalo_texts(reply, "vi")
    assert "Gõ /hoctap 7 để xem và xử lý" in text and "1." not in text


async def test_study_list_prints_the_calendar(
    sample_org: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await bietphai("study", "list", "--from", "01/02/2027", "--to", "14/02/2027") == 0
    out = capsys.readouterr().out
    assert "Lịch học tập kinh nghiệm tại Sở từ 01/02/2027 đến 14/02/2027" in out
    assert "Tuần 01/02–05/02/2027:\n  tuần có ngày nghỉ lễ" in out
    assert await bietphai("study", "list", "--from", "hôm qua", "--to", "14/02/2027") == 1
    assert "Lỗi: ngày 'hôm qua' không hợp lệ" in capsys.readouterr().err


def people_with_communes(tmp_path: Path, communes: dict[str, str]) -> Path:
    """The sample organisation as CSV files whose people sheet has a `commune` column."""
    folder = tmp_path / "org"
    shutil.copytree(SAMPLE_CSV, folder)
    people = folder / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",commune"]
    rows += [line + "," + communes.get(line.split(",")[0], "") for line in lines[1:]]
    people.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


async def test_the_workbook_may_give_a_contacts_commune_and_export_org_keeps_it(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    folder = people_with_communes(tmp_path, {XUAN: "xa08"})
    result = await import_org(org_db, folder, local("2026-11-02 08:00"))
    assert result.changed_rows == 1  # only Xuân's commune
    xuan = await linked_chat(XUAN)
    reply = await xuan.say("/hoctap")
    assert "Xã Pa Lang chưa có đăng ký học tập nào" in reply and "Gửi danh sách" in reply
    # Importing the old workbook (no column) keeps it; export-org writes it back unchanged.
    assert (await import_org(org_db, SAMPLE_XLSX, local("2026-11-03 08:00"))).changed_rows == 0
    async with org_db.read() as tx:
        await export_org(tx, tmp_path / "org.xlsx")
    header = next(load_workbook(tmp_path / "org.xlsx")["people"].iter_rows(values_only=True))
    assert header[-2:] == ("commune", "gender")
    again = await import_org(org_db, tmp_path / "org.xlsx", local("2026-11-04 08:00"))
    assert again.changed_rows == 0
    async with org_db.read() as tx:
        assert await tx.value("SELECT commune_code FROM commune_contacts") == "XA08"


async def test_a_commune_for_someone_else_or_an_unknown_commune_is_refused(
    org_db: Database, tmp_path: Path
) -> None:
    folder = people_with_communes(tmp_path, {"Nguyễn Văn An": "XA01", XUAN: "XA99"})
    with pytest.raises(ImportRejected) as refused:
        await import_org(org_db, folder, local("2026-11-02 08:00"))
    assert refused.value.problems == [
        "people, dòng 2: cột commune chỉ ghi cho đầu mối xã (commune_official)",
        "people, dòng 21: xã 'XA99' ở cột commune không có trong communes",
    ]


async def test_study_list_prints_the_groups_coming_and_the_room_left(
    linked_chat: MakeChat,
    org_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await confirmed_request(linked_chat, org_db)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(tmp_path / "bietphai.sqlite3"))
    assert await bietphai("study", "list", "--from", "07/12/2026", "--to", "18/12/2026") == 0
    out = capsys.readouterr().out
    week = out.split("Tuần 07/12–11/12/2026:")[1].split("Tuần 14/12")[0]
    assert f"{XDCQ}: 2 người, còn 3 chỗ" in week
    assert "HT-0001 Xã Đèo Gió, 2 người (đã xác nhận)" in week
    assert "HT-0001" not in out.split("Tuần 14/12–18/12/2026:")[1]
