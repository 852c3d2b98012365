"""Stories of the department's leaders using the web dashboard in a real Chromium."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from bot.cli import main
from tests.helpers.difficulty import THU
from tests.helpers.sample import AN, LAN, THANH
from tests.helpers.web import AN_PHOTO, USERS, Stack, both_widths, screenshot, sign_in


# The overview's counts are the heaviest SQL of the dashboard: this story runs on PostgreSQL too.
@pytest.mark.both_backends
async def test_leadership_signs_in_from_the_chat_and_sees_the_week(stack: Stack) -> None:
    link = await stack.link_from_chat(THANH)
    assert link.startswith(stack.web + "/vao/")
    # Sent without a link preview: Telegram's servers would otherwise fetch the link.
    [sent] = [m for m in stack.fake.messages_to(USERS[THANH]) if link in m.get("text", "")]
    assert sent["link_preview_options"] == {"is_disabled": True}
    # The sign-in page reads on a phone; opening it (twice here, once per width) spends nothing.
    assert await both_widths(stack.browser, [], link, "dang-nhap") == 0
    page = await stack.page()
    await page.goto(link)
    # Opening the link shows whose it is and one button; only the button opens the session.
    assert THANH in await page.locator("main").inner_text()
    assert await page.context.cookies() == []
    async with page.expect_navigation():
        await page.click("#sign-in")
    # The session led to the overview; the token left the address bar.
    assert page.url == stack.web + "/"
    assert await page.locator("h1").inner_text() == "Tổng quan"
    assert "toàn Sở" in await page.locator(".scope").inner_text()
    # 15 officials of Đợt 2 × 2 working days (23 and 25/11; 24/11 is Ngày Văn hóa Việt Nam,
    # a public holiday from 2026): An logged both days (and the holiday), Lan on the 25th.
    cards = await page.locator(".cards").inner_text()
    assert "3/30 ngày-người, 2 ngày làm việc" in cards
    assert await page.locator("#rate-total").inner_text() == "10%", cards
    assert "13 / 15 cán bộ chưa ghi" in await page.locator("#missing-count").inner_text()
    missing = await page.locator("#missing li").all_inner_texts()
    assert len(missing) == 13
    assert not any(AN in name or LAN in name for name in missing)
    # Names first, in Vietnamese order (by given name): Bình before Cường before Dung.
    assert missing[0].startswith("Trần Thị Bình")
    assert await page.locator("#kk-open").inner_text() == "1"
    assert await page.locator("#kk-overdue").inner_text() == "0"
    divisions = await page.locator("#divisions tbody tr").all_inner_texts()
    assert any("Tổ chức biên chế" in row and "1" in row for row in divisions)
    days = await page.locator("#days tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in days] == ["23/11/2026", "25/11/2026"]
    assert days[1].split("\t")[1:] == ["15", "2", "13%"]
    # Charts are inline SVG drawn on the server: nothing is fetched from outside.
    assert await page.locator(".chart svg").count() == 3

    cookies = await page.context.cookies()
    [session] = cookies
    assert session["httpOnly"] and session["sameSite"] == "Lax" and not session["secure"]
    # The link is single use: opened again (in another browser), it is refused.
    other = await stack.page()
    answer = await other.goto(link)
    assert answer is not None and answer.status == 403
    assert "đã hết hạn hoặc đã được dùng" in await other.locator("main").inner_text()


async def test_entries_filter_search_without_diacritics_and_photos(stack: Stack) -> None:
    page = await stack.signed_in(THANH)
    await page.click("nav.tabs >> text=Nhật ký")
    entries = page.locator("#entries .entry")
    assert await entries.count() == 4
    # Newest first.
    assert "Pa Lang" in await entries.nth(0).inner_text()
    await page.fill("input[name=q]", "ho so dat dai")
    await page.click("button:has-text('Lọc')")
    assert await entries.count() == 1
    assert "Hướng dẫn UBND xã rà soát hồ sơ đất đai" in await entries.nth(0).inner_text()
    await page.fill("input[name=q]", "")
    await page.select_option("select[name=nguoi]", label=LAN)
    await page.click("button:has-text('Lọc')")
    assert await entries.count() == 1 and LAN in await entries.nth(0).inner_text()
    await page.select_option("select[name=nguoi]", label=AN)
    await page.fill("input[name=tu]", "2026-11-25")
    await page.click("button:has-text('Lọc')")
    assert await entries.count() == 1
    thumbnail = entries.nth(0).locator(".photos img")
    assert await thumbnail.evaluate("img => img.complete && img.naturalWidth") == 240
    await screenshot(page, "nhat-ky-loc")
    # The thumbnail opens the photo full size, served by the dashboard, never by Telegram.
    await thumbnail.click()
    assert "/web/anh/" in page.url and "telegram" not in page.url
    size = await page.evaluate(
        "[document.images[0].naturalWidth, document.images[0].naturalHeight]"
    )
    assert size == [800, 600]
    await page.reload()
    # Fetched from the platform once, then from the folder on disk.
    assert stack.fake.file_downloads == [AN_PHOTO]
    assert any((stack.settings.web_photo_dir or stack.settings.db_path).glob("*.jpg"))


async def test_answering_from_the_board_notifies_the_reporter(stack: Stack) -> None:
    page = await stack.signed_in(THANH)
    await page.click("nav.tabs >> text=Khó khăn")
    card = page.locator(".ticket", has_text="KK-0001")
    assert "GẤP" in await card.inner_text()
    await card.click()
    assert page.url.endswith(f"/web/kho-khan/{stack.difficulty_id}")
    await screenshot(page, "kho-khan-truoc")
    lan_chat = USERS[LAN]
    before = len(stack.fake.messages_to(lan_chat))
    await page.fill("form:has(input[value=answer]) textarea", "Áp dụng Công văn 123/SNV, mục 2.")
    await page.click("form:has(input[value=answer]) button")
    assert "Đã trả lời" in await page.locator("#status").inner_text()
    assert "KK-0001" in await page.locator("#notice").inner_text()
    assert "Áp dụng Công văn 123/SNV" in await page.locator("#history").inner_text()
    sent = await stack.fake.wait_for_sent(before + 1, chat_id=lan_chat, timeout=15)
    notice = sent[-1]
    assert "KK-0001" in notice["text"] and "Áp dụng Công văn 123/SNV" in notice["text"]
    assert THANH in notice["text"]
    # The reporter's buttons come with it, as from the chat.
    buttons = [b["text"] for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert any("Xác nhận" in label for label in buttons)
    # A form without its CSRF token is refused and changes nothing.
    refused = await page.request.post(
        f"{stack.web}/kho-khan/{stack.difficulty_id}", form={"action": "resolve"}
    )
    assert refused.status == 403
    await page.reload()
    assert "Đã trả lời" in await page.locator("#status").inner_text()


# The download is an export job in the database, built by the dashboard's worker: on PostgreSQL too.
@pytest.mark.both_backends
async def test_the_export_downloads_and_opens_in_openpyxl(stack: Stack, tmp_path: Path) -> None:
    page = await stack.signed_in(THANH)
    await page.click("nav.tabs >> text=Tải về")
    # The form asks for the file and leads at once to its page, which reloads itself (no
    # script) until the file is ready, then offers it.
    async with page.expect_navigation():
        await page.click("#download-xlsx")
    status_url = page.url
    assert status_url.startswith(stack.web + "/tai-ve/tep/")
    offered = page.locator("#export-file")
    await offered.wait_for(timeout=120_000)
    assert "đã sẵn sàng" in await page.locator("#export-status").inner_text()
    async with page.expect_download() as waiting:
        await offered.click()
    download = await waiting.value
    assert download.suggested_filename == "bietphai-23-11-2026-29-11-2026.xlsx"
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames[:3] == ["Tổng hợp", "Nhật ký", "Khó khăn"]
    rows = list(workbook["Nhật ký"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    file_url = stack.web + (await offered.get_attribute("href") or "")
    # Another person (a division head, signed in) gets 404 for both the page and the file.
    other = await stack.signed_in(THU)
    for url in (status_url, file_url):
        answer = await other.goto(url)
        assert answer is not None and answer.status == 404, url
    chart = await page.request.get(f"{stack.web}/tai-ve/bieu-do-tuan.png?tuan=2026-11-25")
    assert chart.status == 200 and (await chart.body()).startswith(b"\x89PNG")


async def test_a_division_head_gets_404_outside_her_divisions(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The admin's command prints a one-time link for a person.
    monkeypatch.setenv("BOT_DB_PATH", str(stack.settings.db_path))
    monkeypatch.setenv("BOT_DATABASE_URL", stack.settings.database_url or "")
    monkeypatch.setenv("BOT_PUBLIC_BASE_URL", stack.base_url)
    # main() runs its own event loop, as from a shell.
    assert await asyncio.to_thread(main, ["web-link", "cao thi thu"]) == 0
    link = capsys.readouterr().out.strip().splitlines()[-1]
    page = await stack.page()
    await sign_in(page, link)
    assert "Xây dựng chính quyền" in await page.locator(".scope").inner_text()
    await page.click("nav.tabs >> text=Khó khăn")
    assert await page.locator(".ticket").count() == 0
    # Lan (Tổ chức biên chế, Pa Lang) is outside Thu's scope: her difficulty and photo are 404.
    answer = await page.goto(f"{stack.web}/kho-khan/{stack.difficulty_id}")
    assert answer is not None and answer.status == 404
    assert "Xã chưa có hướng dẫn" not in await page.content()
    forged = await page.request.post(
        f"{stack.web}/kho-khan/{stack.difficulty_id}", form={"action": "resolve"}
    )
    assert forged.status in (403, 404)
    for url in (f"{stack.web}/kho-khan/999999", f"{stack.web}/anh/999999"):
        missing = await page.goto(url)
        assert missing is not None and missing.status == 404
    await page.goto(f"{stack.web}/nhat-ky")
    assert await page.locator("#entries .entry").count() == 3
    assert LAN not in await page.locator("#entries").inner_text()


async def test_an_expired_link_is_refused_and_web_thoat_ends_sessions(stack: Stack) -> None:
    late = await stack.link_from_chat(THU)
    stack.traveller.shift(timedelta(minutes=11))
    page = await stack.page()
    answer = await page.goto(late)
    assert answer is not None and answer.status == 403
    page = await stack.signed_in(THANH)
    assert await page.locator("h1").inner_text() == "Tổng quan"
    user = USERS[THANH]
    before = len(stack.fake.messages_to(user))
    stack.send(user, "/web thoát")
    sent = await stack.fake.wait_for_sent(before + 1, chat_id=user, timeout=10)
    assert "Đã đăng xuất 1 phiên" in sent[-1]["text"]
    answer = await page.reload()
    assert answer is not None and answer.status == 401
    assert "gõ /web" in await page.locator("main").inner_text()


async def test_every_page_reads_on_a_phone_without_sideways_scrolling(stack: Stack) -> None:
    page = await stack.signed_in(THANH)
    cookies = await page.context.cookies()
    pages = {
        "tong-quan": "/",
        "nhat-ky": "/nhat-ky?tu=2026-11-20&den=2026-11-25",
        "kho-khan": "/kho-khan",
        "kho-khan-chi-tiet": f"/kho-khan/{stack.difficulty_id}",
        "chuyen-can": "/chuyen-can?thang=2026-11",
        "to-cong-tac": "/to-cong-tac",
        "hoc-tap": "/hoc-tap",
        "tai-ve": "/tai-ve",
    }
    overflow = {}
    requested: list[str] = []
    for name, path in pages.items():
        overflow[name] = await both_widths(
            stack.browser,
            cookies,  # type: ignore[arg-type]
            stack.web + path,
            name,
            requested,
        )
    assert overflow == dict.fromkeys(pages, 0)
    # Nothing is loaded from anywhere but the bot (a department network has no outside access):
    # styles, charts and pictures all come from the dashboard itself.
    origin = urlsplit(stack.web)
    assert requested
    assert [
        url for url in requested if urlsplit(url)[:2] != origin[:2] and not url.startswith("data:")
    ] == []


async def test_the_month_grid_uses_the_export_codes(stack: Stack) -> None:
    page = await stack.signed_in(THANH)
    await page.goto(f"{stack.web}/chuyen-can?thang=2026-11")
    row = page.locator("#attendance tbody tr", has_text=AN)
    cells = await row.locator("td").all_inner_texts()
    # 1/11 is a Sunday, outside the wave; 23 and 25/11 logged, 24/11 a public holiday (L) even
    # though An wrote something that day, 26/11 onward not yet due (blank).
    assert cells[0] == AN
    assert cells[1] == "-" and cells[23:26] == ["X", "L", "X"] and cells[26] == ""
    assert cells[22] == "L"  # Sunday 22/11
    assert cells[2] == "V"  # Monday 02/11: nothing logged
    assert "Quy tắc tính công tác phí" in await page.locator(".rule").inner_text()
    diem = await page.locator("#per-diem tbody tr", has_text=AN).all_inner_texts()
    # Per-diem days: working days with an entry at the assigned commune (the holiday is not one).
    assert diem[0].split("\t")[-1] == "2"


async def test_an_official_sees_only_her_own_pages(stack: Stack) -> None:
    page = await stack.signed_in(LAN)
    # No overview for an official: her entries instead, and only three tabs.
    assert page.url == stack.web + "/nhat-ky"
    assert await page.locator("nav.tabs a").all_inner_texts() == [
        "Nhật ký",
        "Khó khăn",
        "Chuyên cần",
    ]
    assert await page.locator("#entries .entry").count() == 1
    assert AN not in await page.locator("#entries").inner_text()
    await page.click("nav.tabs >> text=Khó khăn")
    await page.click(".ticket >> text=KK-0001")
    # Her own difficulty, to read: she answers from the chat.
    assert await page.locator("form.action").count() == 0
    for path in ("/tai-ve", "/tai-ve/tep/1", "/to-cong-tac", "/hoc-tap"):
        answer = await page.goto(stack.web + path)
        assert answer is not None and answer.status == 404, path
    await page.goto(f"{stack.web}/chuyen-can?thang=2026-11")
    assert await page.locator("#attendance tbody tr").all_inner_texts() != []
    assert [
        r.split("\t")[0] for r in await page.locator("#attendance tbody tr").all_inner_texts()
    ] == [LAN]
