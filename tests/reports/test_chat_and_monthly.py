"""/baocao thang | thang truoc | dot in the chat, and the monthly report job: the request goes
through the outbox, the document is built when it is sent and arrives on Telegram (the local
fake Bot API) as a .docx after its message."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document

from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.jobs import Jobs, Schedule
from bot.outbox_sender import OutboxSender, SenderSettings
from bot.reports import ReportRequest, period_label
from bot.reports.delivery import ReportPreparer
from bot.scheduler import build_scheduler
from storage import Database
from storage.audit import add_audit
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import ZONE, local
from tests.helpers.cli import bietphai_process, main_in
from tests.helpers.difficulty import TAM, THU, inbox
from tests.helpers.reports import DRAFTED, LETTERHEAD, November, docx_text, november
from tests.helpers.sample import AN, LAN, SAMPLE_XLSX, THANH, MakeChat

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

TOKEN = "123:ABC"
FAST = SenderSettings(
    messages_per_second=500,
    chat_interval=0.0,
    max_attempts=3,
    backoff_base=0.02,
    backoff_max=0.3,
    lease=timedelta(seconds=30),
    idle=0.02,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    """The local fake Bot API."""
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def story(linked_chat: MakeChat, org_db: Database) -> November:
    return await november(linked_chat, org_db)


async def drain(db: Database, fake: FakeTelegramAPI) -> int:
    """One pass of the Telegram outbox sender with the report hook, as `bietphai run` wires it."""
    delivery = TelegramOutbox(outbox_bot(TOKEN, fake.base_url, read_timeout=30.0))
    await delivery.start()
    try:
        # The worker opens the same store: the SQLite file, or the PostgreSQL database by URL.
        preparer = ReportPreparer(
            getattr(db, "path", Path("unused.sqlite3")),
            LETTERHEAD,
            "Asia/Ho_Chi_Minh",
            clock=lambda: DRAFTED,
            database_url=getattr(db, "url", None),
        )
        sender = OutboxSender(db, delivery, FAST, prepare=preparer)
        return await sender.drain_once()
    finally:
        await delivery.stop()


def documents(fake: FakeTelegramAPI, chat_id: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every document sent to a chat."""
    return [
        (c.params["document"]["file_name"], c.params["document"]["content"])
        for c in fake.calls_of("sendDocument")
        if str(c.params["chat_id"]) == chat_id
    ]


@pytest.mark.both_backends
async def test_an_official_asks_for_last_months_report_and_gets_a_word_document(
    story: November, org_db: Database, fake: FakeTelegramAPI
) -> None:
    an = story.an.at("2026-12-02 09:00")
    reply = await an.say("/baocao thang truoc")
    assert reply.startswith("Đang lập báo cáo tháng 11/2026 (tệp Word).")
    [queued] = [m for m in await inbox(org_db, AN) if m["key"].startswith("report:")]
    # The row holds the request, never the file.
    assert queued["report"]["person"] == story.an_id and queued["document"] is None
    assert await drain(org_db, fake) >= 1
    texts = [
        c.params["text"]
        for c in fake.calls_of("sendMessage")
        if str(c.params["chat_id"]) == an.user_id
    ]
    assert any(text.startswith("Dự thảo báo cáo kết quả công tác biệt phái") for text in texts)
    [(name, content)] = documents(fake, an.user_id)
    assert name == "bao-cao-ca-nhan-01-11-2026-30-11-2026.docx"
    Document(io.BytesIO(content))  # a real .docx
    text = docx_text(content)
    assert "Kết quả công tác biệt phái tháng 11/2026" in text and "Tôi là Nguyễn Văn An" in text
    # The message comes before its document; the outbox row is sent and still holds no file.
    sends = [c.method for c in fake.calls if str(c.params.get("chat_id")) == an.user_id]
    assert sends[-2:] == ["sendMessage", "sendDocument"]
    [row] = [m for m in await inbox(org_db, AN) if m["key"].startswith("report:")]
    assert row["status"] == "sent" and row["document"] is None


async def test_a_supervisor_gets_the_summary_of_their_scope_and_a_wave_by_name(
    story: November, org_db: Database, fake: FakeTelegramAPI
) -> None:
    thu = story.thu.at("2026-12-02 09:00")
    assert "Đang lập báo cáo tháng 11/2026" in await thu.say("/baocao thang truoc")
    assert "Đang lập báo cáo Đợt 2 (02/11/2026 – 25/12/2026)" in await thu.say("/baocao đợt")
    await drain(org_db, fake)
    month, wave = documents(fake, thu.user_id)
    assert month[0] == "bao-cao-tong-hop-01-11-2026-30-11-2026.docx"
    assert wave[0] == "bao-cao-tong-hop-02-11-2026-25-12-2026.docx"
    text = docx_text(month[1])
    # Thu heads XDCQ and CCVC: An is in, Lan (TCBC) is not; a division head signs it.
    assert "Nguyễn Văn An" in text and LAN not in text
    assert "(Phòng Công chức, viên chức; Phòng Xây dựng chính quyền; Tổ công tác số 1)" in text
    assert "TRƯỞNG PHÒNG" in text
    assert "Kết quả công tác của cán bộ, công chức biệt phái\nĐợt 2" in docx_text(wave[1])


async def test_this_month_who_may_ask_and_the_console(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    assert "Đang lập báo cáo tháng 11/2026" in await an.at("2026-11-25 09:00").say("/baocao thang")
    # Without a word, an official is told what they can ask for (not "for supervisors").
    reply = await an.say("/baocao")
    assert "/baocao tháng (tháng này), /baocao tháng trước (tháng trước)" in reply
    assert "/baocao tháng (hoặc /digest month) — dự thảo báo cáo" in await an.say("/trogiup")
    assert "/baocao (hoặc /digest) — báo cáo tổng hợp" not in an.text
    xuan = await linked_chat("Đinh Văn Xuân")  # a commune contact
    assert "dành cho cán bộ biệt phái" in await xuan.say("/baocao thang")
    assert "Hôm nay không thuộc đợt" in await an.at("2027-01-15 09:00").say("/baocao dot")


async def test_the_monthly_job_sends_each_supervisor_last_months_summary_once(
    linked_chat: MakeChat, org_db: Database, fake: FakeTelegramAPI
) -> None:
    chats = {name: await linked_chat(name) for name in (THANH, THU, TAM)}

    def jobs(at: str, when: Schedule | None = None) -> Jobs:
        schedule = when or Schedule(monthly_report=datetime.strptime("08:00", "%H:%M").time())
        return Jobs(org_db, ZONE, "vi", schedule, clock=lambda: local(at))

    # 1 December 2026 is a Tuesday, the month's first working day.
    assert await jobs("2026-12-01 07:59").send_monthly_reports() == 0
    assert await jobs("2026-12-01 08:00").send_monthly_reports() == 3
    assert await jobs("2026-12-01 08:15").send_monthly_reports() == 0  # once
    await jobs("2026-12-03 08:00").catch_up()  # the start-up catch-up queues nothing again
    for name in (THANH, THU, TAM):
        [row] = [m for m in await inbox(org_db, name) if m["key"].startswith("monthly:")]
        assert row["key"].endswith(":2026-11")
        assert row["text"].startswith("Báo cáo tổng hợp tháng 11/2026")
    await drain(org_db, fake)
    for name, chat in chats.items():
        [(file_name, content)] = documents(fake, chat.user_id)
        assert file_name == "bao-cao-tong-hop-01-11-2026-30-11-2026.docx"
        signer = "TRƯỞNG PHÒNG" if name != THANH else "GIÁM ĐỐC"
        assert signer in docx_text(content)
    # January 2027 starts on a holiday and a weekend: its first working day is Monday 04/01.
    assert await jobs("2027-01-02 09:00").send_monthly_reports() == 0
    # A bot down on the day still sends it within the week; later it is stale.
    assert await jobs("2027-01-12 09:00").send_monthly_reports() == 0
    assert await jobs("2027-01-08 09:00").send_monthly_reports() == 3
    # Turned off (BOT_MONTHLY_REPORT_ENABLED=false): no job, nothing queued.
    off = jobs("2027-01-04 09:00", Schedule(monthly_report=None))
    assert await off.send_monthly_reports() == 0
    assert build_scheduler(off, ZONE).get_job("monthly_report") is None
    assert build_scheduler(jobs("2027-01-04 09:00"), ZONE).get_job("monthly_report") is not None


async def test_a_report_is_built_off_the_event_loop_while_the_bot_keeps_writing(
    tmp_path: Path,
) -> None:
    """A department summary of a larger organisation, built by the outbox hook: meanwhile the
    event loop answers within a few milliseconds and write transactions commit."""
    from bench.digest_cost import DIGEST_DAY, generate

    path = tmp_path / "big.sqlite3"
    await generate(path, 600, 31)
    first = DIGEST_DAY.replace(day=1)
    request = ReportRequest(first, DIGEST_DAY, period_label(first, DIGEST_DAY))
    db = await Database(path).open()
    try:
        preparer = ReportPreparer(path, LETTERHEAD, "Asia/Ho_Chi_Minh")
        payload = {"text": "x", "choices": [], "choice_data": [], "ask_contact": False}
        build = asyncio.create_task(preparer({**payload, "report": request.to_json()}))
        gaps, commits = [], 0
        started = time.perf_counter()
        while not build.done():
            tick = time.perf_counter()
            await asyncio.sleep(0.005)
            gaps.append(time.perf_counter() - tick)
            async with db.transaction() as tx:  # the writer is never held by the report
                await add_audit(tx, at=datetime.now(UTC), actor="test", action="tick")
            commits += 1
        took = time.perf_counter() - started
        reply = await build
    finally:
        await db.close()
    assert reply is not None and reply.document is not None
    assert "Kết quả công tác của cán bộ, công chức biệt phái" in docx_text(reply.document.read())
    assert took > 0.5, "the report was too quick to show anything"
    # Built on the loop, the longest pause would be most of the build time.
    assert max(gaps) < min(0.25, took / 4), (max(gaps), took)
    assert commits > 10


def test_the_console_saves_the_report_to_its_folder(tmp_path: Path) -> None:
    """`bietphai chat`: the report queued for the terminal is built and saved like any file."""
    db = tmp_path / "keep.sqlite3"
    assert main_in(tmp_path, db, "import-org", str(SAMPLE_XLSX)) == 0
    code, out, err = bietphai_process(
        tmp_path, "chat", "--as", AN, stdin="/baocao tháng trước\n", db=db
    )
    assert code == 0, err
    assert "Đang lập báo cáo tháng" in out
    [saved] = [
        line.removeprefix("Đã lưu tệp: ") for line in out.splitlines() if "Đã lưu tệp" in line
    ]
    path = Path(saved)
    assert path.parent == (tmp_path / "console-files").resolve()
    assert path.name.startswith("bao-cao-ca-nhan-") and path.suffix == ".docx"
    assert "Tôi là Nguyễn Văn An" in docx_text(path.read_bytes())
