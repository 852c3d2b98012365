"""The mechanical rewrites of storage/dialect.py that a test on the local server cannot see."""

from __future__ import annotations

from storage.dialect import to_postgres


def test_binary_collation_orders_by_code_point_on_postgresql_too() -> None:
    # The test server's databases are C.UTF-8, where any collation orders by code point; a
    # database created with a language's collation would put "Đ" beside "D" without this.
    translated = to_postgres("SELECT name FROM communes ORDER BY name COLLATE BINARY, code").text
    assert translated == 'SELECT name FROM communes ORDER BY name COLLATE "C", code'
