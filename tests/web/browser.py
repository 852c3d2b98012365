"""A real Chromium (Debian's package) driven by Playwright, as the dashboard tests use it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent.parent
# Written by every run for a reviewer to look at; git-ignored.
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def chromium_path() -> str:
    """The browser, or a failure saying how to install it (never a silent skip)."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: run `apt-get install -y chromium` (make test installs it)",
            pytrace=False,
        )
    return str(CHROMIUM)


async def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(target), full_page=True)
    return target


async def both_widths(
    browser: Browser, cookies: list[dict[str, object]], url: str, name: str
) -> int:
    """Screenshots of a page at desktop and phone width; returns the phone's horizontal overflow."""
    overflow = 0
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = await browser.new_context(viewport=size, locale="vi-VN")  # type: ignore[arg-type]
        await context.add_cookies(cookies)  # type: ignore[arg-type]
        page = await context.new_page()
        await page.goto(url)
        await screenshot(page, f"{name}-{label}")
        if label == "phone":
            overflow = int(
                await page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
            )
        await context.close()
    return overflow


def forget(folder: Path) -> None:
    """Remove a folder of screenshots from an earlier run."""
    shutil.rmtree(folder, ignore_errors=True)
