"""Links to pictures and files the bot serves itself: Zalo gets charts and workbooks as links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.core.dates import format_day
from handlers.core.messages import FileRef
from handlers.core.texts import t
from storage import file_links, image_links
from storage.db import Database

PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ImageLink:
    """A public URL of a stored picture and the moment it stops working."""

    url: str
    expires_at: datetime


class ImageLinks:
    """Stores pictures and makes links under the public base URL."""

    def __init__(
        self,
        db: Database,
        base_url: str,
        lifetime: timedelta,
        zone: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.base_url = base_url.rstrip("/")
        self.lifetime = lifetime
        self.zone = zone
        self.clock = clock

    async def link(self, png: bytes) -> ImageLink:
        """Store a PNG and return its link."""
        async with self.db.transaction() as tx:
            stored = await image_links.store_image(
                tx, body=png, content_type=PNG, now=self.clock(), lifetime=self.lifetime
            )
        return ImageLink(f"{self.base_url}/{stored.token}.png", stored.expires_at)

    async def chart_text(self, png: bytes, lang: str) -> str:
        """'Biểu đồ báo cáo tuần: <link> (… đến 16:00 ngày 04/12/2026 …)'."""
        link = await self.link(png)
        local = link.expires_at.astimezone(self.zone)
        return t(
            lang,
            "zalo.chart_link",
            url=link.url,
            time=local.strftime("%H:%M"),
            day=format_day(local.date(), lang),
        )

    async def file_link(self, ref: FileRef) -> ImageLink:
        """A link to a file kept on disk (an export workbook or a report)."""
        word = is_report(ref)
        async with self.db.transaction() as tx:
            stored = await file_links.link_file(
                tx,
                path=ref.path,
                file_name=ref.name,
                content_type=DOCX if word else XLSX,
                now=self.clock(),
                lifetime=self.lifetime,
            )
        suffix = "docx" if word else "xlsx"
        return ImageLink(f"{self.base_url}/{stored.token}.{suffix}", stored.expires_at)

    async def file_text(self, ref: FileRef, lang: str) -> str:
        """'Tải tệp Excel: <link> (Liên kết dùng được đến 16:00 ngày 04/12/2026.)'."""
        link = await self.file_link(ref)
        local = link.expires_at.astimezone(self.zone)
        return t(
            lang,
            "zalo.report_link" if is_report(ref) else "zalo.file_link",
            url=link.url,
            time=local.strftime("%H:%M"),
            day=format_day(local.date(), lang),
        )


def is_report(ref: FileRef) -> bool:
    """A Word report (its own link text and type), not an Excel workbook."""
    return ref.name.lower().endswith(".docx")
