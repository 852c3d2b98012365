"""Photos of entries and difficulties for the dashboard: fetched from the platform once, kept
on disk, served by the dashboard itself (the browser never sees a platform URL or token)."""

from __future__ import annotations

import asyncio
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from storage.web_reads import StoredPhoto

log = logging.getLogger(__name__)
THUMB_PIXELS = 240
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Platforms:
    """How to reach the platforms' files: Telegram's Bot API base and token (None: off)."""

    telegram_api_base_url: str | None = None
    telegram_token: str | None = None


class PhotoStore:
    """A folder of fetched photos, named by attachment id; thumbnails beside them."""

    def __init__(self, folder: Path, platforms: Platforms) -> None:
        self.folder = folder
        self.platforms = platforms
        self._locks: dict[int, asyncio.Lock] = {}

    def _paths(self, attachment_id: int) -> tuple[Path, Path]:
        return self.folder / f"{attachment_id}.jpg", self.folder / f"{attachment_id}.thumb.jpg"

    async def get(self, photo: StoredPhoto, thumbnail: bool) -> bytes | None:
        """The photo (or its thumbnail), fetched the first time; None when it cannot be had."""
        full, thumb = self._paths(photo.id)
        wanted = thumb if thumbnail else full
        if wanted.exists():
            return await asyncio.to_thread(wanted.read_bytes)
        # One fetch per photo even when a page asks for it several times at once.
        lock = self._locks.setdefault(photo.id, asyncio.Lock())
        async with lock:
            if not full.exists():
                body = await self._fetch(photo)
                if body is None:
                    return None
                await asyncio.to_thread(_write, full, body)
            if thumbnail and not thumb.exists():
                await asyncio.to_thread(_make_thumbnail, full, thumb)
        self._locks.pop(photo.id, None)
        return await asyncio.to_thread(wanted.read_bytes)

    async def _fetch(self, photo: StoredPhoto) -> bytes | None:
        try:
            async with httpx.AsyncClient(timeout=20.0) as client:
                if photo.channel == "telegram":
                    return await self._telegram(client, photo.file_id)
                if photo.file_id.startswith(("https://", "http://")):
                    # Zalo hands photos over as URLs.
                    response = await client.get(photo.file_id)
                    response.raise_for_status()
                    return response.content[:MAX_BYTES]
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            log.warning("photo %s could not be fetched: %s", photo.id, exc)
        return None

    async def _telegram(self, client: httpx.AsyncClient, file_id: str) -> bytes | None:
        base, token = self.platforms.telegram_api_base_url, self.platforms.telegram_token
        if not base or not token:
            return None
        answer = await client.post(f"{base}{token}/getFile", json={"file_id": file_id})
        answer.raise_for_status()
        path = answer.json()["result"]["file_path"]
        files = base.removesuffix("/bot") + "/file/bot"
        response = await client.get(f"{files}{token}/{path}")
        response.raise_for_status()
        return response.content[:MAX_BYTES]


def _write(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(body)
    os.replace(temporary, path)


def _make_thumbnail(full: Path, thumb: Path) -> None:
    from PIL import Image

    with Image.open(full) as image:
        image.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=80)
    _write(thumb, buffer.getvalue())
