"""The PostgreSQL digest cost bench runs end to end at toy sizes, so it cannot rot."""

from __future__ import annotations

from pathlib import Path

from bench.digest_cost import FORMAT_VERSION
from bench.pg_digest_cost import format_report, run
from bench.pg_throughput import database_url
from storage import rows
from storage.pg import PgDatabase
from tests.pgserver import PgServer


async def test_the_postgresql_digest_bench_times_the_same_scope_on_both_copies(
    tmp_path: Path, pg_server: PgServer
) -> None:
    prefix = f"{pg_server.prefix}_digest"
    pg_server.created += [f"{prefix}_v{FORMAT_VERSION}_{size}x3" for size in (0, 40)]
    result = await run(
        pg_server.url, officials=40, days=3, repeat=2, folder=tmp_path, prefix=prefix
    )
    assert result.scope_officials == 9  # Hồ Văn Tâm's divisions and working group
    assert result.leadership_officials == 40
    assert result.small_ms > 0 and result.large_ms > 0 and result.ratio > 0
    assert [line.endswith("s)") for line in result.lines] == [True, True]  # copied this time
    # Timed on the statistics copy-db leaves (it ends with ANALYZE), as a moved department is.
    large = await PgDatabase(database_url(pg_server.url, pg_server.created[-1])).open()
    try:
        async with large.read() as tx:
            planner = await rows.planner_statistics(tx)
        assert all(planner[t].analysed_at is not None for t in ("work_logs", "assignments"))
    finally:
        await large.close()
    report = format_report(result, pg_server.url)
    assert "ratio" in report and "per official" in report and "load average" in report
    # A second run finds both copies on the server.
    again = await run(pg_server.url, officials=40, days=3, repeat=1, folder=tmp_path, prefix=prefix)
    assert all(line.endswith("(cached)") for line in again.lines)
