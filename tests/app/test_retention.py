"""The daily retention job: old update keys, delivered outbox payloads, expired links and old
export files go; what is recent or still waiting stays."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.jobs import Jobs, Schedule
from bot.retention import Retention
from bot.scheduler import build_scheduler
from bot.settings import Settings
from storage import Database, file_links, image_links, outbox, updates

NOW = datetime(2026, 12, 20, 20, 15, tzinfo=UTC)
PAYLOAD = {"text": "Báo cáo tuần", "image": "iVBORw0KGgo=" * 1000}


async def add_update(db: Database, key: str, at: datetime) -> None:
    """An update handled at `at`."""
    async with db.transaction() as tx:
        await updates.record_update(tx, key, "42", [], at)


async def add_outbox(db: Database, key: str, at: datetime, *, sent: bool) -> None:
    """A message queued at `at`, delivered or still waiting."""
    async with db.transaction() as tx:
        await outbox.enqueue_to_chat(
            tx, key=key, channel="telegram", chat_id="42", payload=PAYLOAD, now=at
        )
        if sent:
            [claimed] = await outbox.claim_due(
                tx, channel="telegram", worker="w", now=at, limit=1, lease=timedelta(minutes=1)
            )
            await outbox.mark_sent(tx, claimed.id, "w", at)


async def test_retention_prunes_what_has_outlived_its_use(db: Database, tmp_path: Path) -> None:
    await add_update(db, "telegram:old", NOW - timedelta(days=31))
    await add_update(db, "telegram:recent", NOW - timedelta(days=29))
    await add_outbox(db, "digest:old", NOW - timedelta(days=8), sent=True)
    await add_outbox(db, "digest:recent", NOW - timedelta(days=6), sent=True)
    await add_outbox(db, "digest:waiting", NOW - timedelta(days=9), sent=False)
    exports = tmp_path / "files" / "exports"
    exports.mkdir(parents=True)
    old_file, new_file = exports / "1-old.xlsx", exports / "2-new.xlsx"
    for path, age in ((old_file, 15), (new_file, 13)):
        path.write_bytes(b"PK")
        moment = (NOW - timedelta(days=age)).timestamp()
        os.utime(path, (moment, moment))
    async with db.transaction() as tx:
        await file_links.link_file(
            tx,
            path=str(old_file),
            file_name="a.xlsx",
            content_type="application/x",
            now=NOW - timedelta(days=8),
            lifetime=timedelta(days=7),
        )
        await image_links.store_image(
            tx,
            body=b"\x89PNG",
            content_type="image/png",
            now=NOW - timedelta(days=8),
            lifetime=timedelta(days=7),
        )

    retention = Retention(db, tmp_path / "files", clock=lambda: NOW)
    pruned = await retention.prune()

    assert (pruned.update_keys, pruned.outbox_payloads, pruned.links, pruned.files) == (1, 1, 2, 1)
    async with db.read() as tx:
        assert await updates.processed_update(tx, "telegram:old") is None
        assert await updates.processed_update(tx, "telegram:recent") is not None
        rows = {key: payload for key, _, payload in await outbox.payloads_like(tx, "digest:")}
        # The delivered row stays (its key keeps it from going twice) without its payload.
        assert rows == {"digest:old": {}, "digest:recent": PAYLOAD, "digest:waiting": PAYLOAD}
        assert await outbox.is_queued(tx, "digest:old")
    assert not old_file.exists() and new_file.exists()
    # A second run finds nothing more.
    assert await retention.run() == 0


def test_the_defaults_and_the_daily_job() -> None:
    settings = Settings(_env_file=None)
    assert (
        settings.update_retention_days,
        settings.outbox_retention_days,
        settings.file_retention_days,
    ) == (30, 7, 14)
    assert settings.files_folder == Path("data/files")


async def test_retention_runs_every_night(db: Database, tmp_path: Path) -> None:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    jobs = Jobs(db, zone, "vi", Schedule())
    scheduler = build_scheduler(jobs, zone, retention=Retention(db, tmp_path))
    job = scheduler.get_job("retention")
    assert job is not None
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("3", "15")
