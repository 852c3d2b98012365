"""The reminder fan-out bench runs end to end at toy size (its figures are read by people)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.reminder_fanout import format_report, run_reminder_bench

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]


async def test_the_reminder_bench_queues_one_reminder_each_once_and_delivers_it_once(
    tmp_path: Path,
) -> None:
    result = await run_reminder_bench(officials=50, limit=200, folder=tmp_path)
    assert result.queued == 50
    assert result.queued_again == 0
    assert result.delivered == 50
    assert result.duplicates == 0
    assert result.lost == 0
    assert result.too_many_requests == 0
    assert result.correct
    assert result.queue_seconds > 0 and result.drain_seconds > 0
    report = format_report(result)
    assert "of the pace" in report and "TELEGRAM_OUTBOX_MESSAGES_PER_SECOND" in report
