"""On Zalo, which sends no files, a report comes as an expiring link from the bot's file server
(BOT_PUBLIC_BASE_URL set); the file is kept under the files folder, never in the database."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pytest
from docx import Document

from bot.channels.zalo_api import ZaloClient
from bot.channels.zalo_outbox import ZaloOutbox
from bot.reports.delivery import ReportPreparer
from storage import Database
from testing.fakes.zalo_api import TOKEN
from tests.helpers.difficulty import inbox
from tests.helpers.reports import DRAFTED, LETTERHEAD, November, docx_text, november
from tests.helpers.sample import AN, MakeChat
from tests.helpers.zalo import delivered_on_zalo, file_links


@pytest.fixture
async def story(linked_chat: MakeChat, org_db: Database) -> November:
    return await november(linked_chat, org_db)


def preparer(db: Database, keep_in: Path | None) -> ReportPreparer:
    """The Zalo sender's report hook, as zalo_app builds it with or without links."""
    return ReportPreparer(
        getattr(db, "path", Path("unused.sqlite3")),
        LETTERHEAD,
        "Asia/Ho_Chi_Minh",
        clock=lambda: DRAFTED,
        build=False,
        keep_in=keep_in,
        database_url=getattr(db, "url", None),
    )


async def test_zalo_gets_last_months_report_as_an_expiring_link(
    story: November, org_db: Database, tmp_path: Path
) -> None:
    await story.an.at("2026-12-02 09:00").say("/baocao thang truoc")
    [queued] = [m for m in await inbox(org_db, AN) if m["key"].startswith("report:")]
    reports = tmp_path / "files" / "reports"
    prepared = await preparer(org_db, reports)(queued)
    assert prepared is not None and prepared.document is not None
    assert prepared.document.content is None  # kept on disk, so no bytes travel in the reply
    [kept] = list(reports.iterdir())
    assert kept.stat().st_mode & 0o077 == 0  # the owner only: it names people
    async with file_links(org_db) as links:
        texts = await delivered_on_zalo(links, prepared, "zalo-an")
        assert texts[0].startswith("Dự thảo báo cáo kết quả công tác biệt phái")
        assert "Zalo chưa gửi được" not in "\n".join(texts)
        found = re.search(r"Tải báo cáo \(tệp Word\): (\S+\.docx)\n\(Liên kết", texts[-1])
        assert found, texts
        async with httpx.AsyncClient() as http:
            response = await http.get(found.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "bao-cao-ca-nhan-01-11-2026-30-11-2026.docx" in response.headers["content-disposition"]
    Document(io.BytesIO(response.content))  # a real .docx
    assert "Kết quả công tác biệt phái tháng 11/2026" in docx_text(response.content)


async def test_without_a_public_address_zalo_gets_the_note_and_nothing_is_built(
    story: November, org_db: Database, tmp_path: Path
) -> None:
    await story.an.at("2026-12-02 09:00").say("/baocao thang truoc")
    [queued] = [m for m in await inbox(org_db, AN) if m["key"].startswith("report:")]
    prepared = await preparer(org_db, None)(queued)
    assert prepared is not None and prepared.document is not None
    assert prepared.document.path == ""
    pieces = ZaloOutbox(ZaloClient(TOKEN, "http://127.0.0.1:9/bot"), "vi").pieces(prepared)
    assert "Zalo chưa gửi được tệp Word" in pieces[-1].text
