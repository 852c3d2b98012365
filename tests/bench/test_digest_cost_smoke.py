"""The digest cost bench runs end to end at toy sizes (its figures are read by people)."""

from __future__ import annotations

from pathlib import Path

from bench.digest_cost import format_report, prepared, run_digest_bench


async def test_the_digest_bench_times_the_same_scope_in_both_databases(tmp_path: Path) -> None:
    result = await run_digest_bench(officials=80, days=3, folder=tmp_path, repeat=2)
    assert result.scope_officials == 9  # Hồ Văn Tâm's divisions and working group
    assert result.leadership_officials == 80
    assert result.small.entries == 15 * 3 and result.large.entries == 80 * 3
    assert result.scoped_small_ms > 0 and result.scoped_large_ms > 0
    assert "ratio" in format_report(result) and "per official" in format_report(result)
    # A second run takes both databases from the cache.
    again = await prepared(tmp_path, 80, 3)
    assert again.cached and again.entries == 80 * 3
