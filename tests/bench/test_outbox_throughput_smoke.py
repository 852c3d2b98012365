"""The outbox throughput bench runs end to end at toy sizes (its numbers are checked by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.outbox_throughput import format_report, run_outbox_bench

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]


async def test_the_outbox_bench_delivers_everything_once_without_provoking_429(
    tmp_path: Path,
) -> None:
    result = await run_outbox_bench(messages=40, chats=10, limit=200, folder=tmp_path)
    assert result.delivered == 40
    assert result.duplicates == 0
    assert result.lost == 0
    assert result.too_many_requests == 0
    assert result.seconds > 0
    assert "fraction of limit" in format_report(result)
