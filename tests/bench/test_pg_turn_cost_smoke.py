"""The turn-cost bench runs end to end at toy size on both backends (numbers checked by hand)."""

from __future__ import annotations

from bench.pg_turn_cost import report, run_bench
from tests.pgserver import PgServer


async def test_the_turn_cost_bench_times_both_backends(pg_server: PgServer) -> None:
    costs = await run_bench(pg_server.url, count=5, rounds=2)
    assert [len(costs["sqlite"]), len(costs["postgresql"])] == [2, 2]
    assert all(c.cpu > 0 and c.wall > 0 for runs in costs.values() for c in runs)
    assert "PostgreSQL ÷ SQLite" in report(costs)
